"""``kg_candidates``: names that are not in the lexicon, found from the context they stand in.

Each rule returns :data:`Candidate` tuples ``(start, end, type, rule, confidence, proposed)`` with
character offsets into ``doc.text``. Confidence reflects how the name was found: an explicit naming
("dubbed X") or an abbreviation definition after "we propose" is near-certain; a bare CamelCase token in
an appositive is less so. ``proposed`` marks names the paper introduces (the ``proposes`` relation).

Rules (each tested in ``tests/test_nlp_candidates.py``):

``title``       "MagicPose4D: Crafting …" — a coined name before the title's colon;
``propose``     "we propose/introduce/present [a/the …] X" where X is an abbreviation definition, a coined
                name, a "named/called/dubbed X", or a Title-Case phrase ending in an artifact noun;
``appositive``  "X, a novel framework …" / "X, a new benchmark";
``artifact``    "the X dataset/benchmark/corpus", "X dataset";
``acronym``     any abbreviation definition's long form + short form (typed later by context).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence

from spacy.language import Language
from spacy.tokens import Doc

from kg.lexicon import load_lexicon
from kg.model import EntityType
from kg.nlp.cues import TASK_NOUNS, FoldedPattern, anchored_finditer, head_type, is_name_token, load_cues, scan
from kg.nlp.sentences import doc_text, sentence_of, split_sentences

Candidate = tuple[int, int, str, str, float, bool]

if not Doc.has_extension("kg_candidates"):
    Doc.set_extension("kg_candidates", default=None)

_TOKEN = re.compile(r"[^\s,;:()]+(?:\s?\+\+?)?")
_TITLE_NAME = re.compile(r"^\s*([^:]{2,60}?)\s*:\s+\S")
_NAMED = re.compile(
    r"\s*,?\s*(?:as\s+)?(?:the\s+)?[\"“'‘]?([A-Za-z0-9][\w\-+.^]*(?:\s[A-Z0-9][\w\-+^]*(?:\.\d+)?){0,2})")
# "called pseudo supervisor to …": after an explicit naming verb a lower-case name runs to the clause break.
_NAMED_LOWER = re.compile(r"\s+[\"“'‘]?([a-z][\w\-]*(?:\s[a-z][\w\-]*){0,2}?)[\"”'’]?"
                          r"(?=[,.;:(]|\s(?:to|that|which|for|with|and|in|on|is|was|where|by)\b)")
_STRICT_NAMING = FoldedPattern(r"\b(?:named|called|dubbed|termed|coined)$")
# "Adan for short": the short name a paper gives its own long one.
_FOR_SHORT = re.compile(r"(?:,\s*|\(|\s)([A-Z][\w\-+^]*)(?:\s+for\s+short)\b")
# "HDR video composition framework": lower-case words after a coined token, ending in an artifact noun.
_LOWER_THEN_HEAD = re.compile(r"(?:\s+[a-z][\w\-]*){1,4}")
# "GAN-based", "GPU-oriented", "DP-like": a name turned into a modifier of the real head.
_MODIFIER_WORD = re.compile(r"-(?:based|oriented|like|driven|style|aware|free|guided|specific|level|wise|friendly)$",
                            re.I)
# "… the final layers of a neural network (NN)", "… for solving the maximum independent set (MIS)": an
# acronym defined as the object of a preposition is something the proposal acts on, not the proposal.
_OBJECT_OF = re.compile(r"\b(?:of|from|for|on|in|into|over|inspired by|for solving|solving)\s+"
                        r"(?:the\s+|a\s+|an\s+|each\s+|any\s+)?(?:[\w-]+\s+){0,2}$", re.I)
_USED_AS_MODIFIER = re.compile(r"\s*(?:\)\s*)?(?:-?based|problem|task|setting|setup)\b", re.I)
_ARTICLE = re.compile(r"^(?:a|an|the|our|two|three|new|novel|simple|new|first|unified|general|efficient|effective|lightweight|large-scale|comprehensive|,|\s)+", re.I)
_DETERMINERS = frozenset({"a", "an", "the", "our", "this", "that", "these", "its", "their", "novel", "new"})
_STOP_AFTER = re.compile(r"\s*(?:,|;|\.|\(|\)|which|that|to|for|with|by|in|on|based|where|and|as)\b", re.I)
_ARTIFACT = re.compile(
    r"(?:\b[Tt]he\s+)?((?:[A-Z0-9][\w\-+.&']*\s){0,3}[A-Z0-9][\w\-+.']*)\s+(dataset|benchmark|corpus|suite|testbed|challenge)s?\b"
)


def _strip_trailing(text: str, start: int, end: int) -> tuple[int, int]:
    while end > start and text[end - 1] in " ,.;:)'\"”’":
        end -= 1
    while start < end and text[start] in " ,(\"'“‘":
        start += 1
    return start, end


def _is_generic(phrase: str) -> bool:
    cues = load_cues()
    low = phrase.lower().strip()
    if low in cues.generic_terms or low.rstrip("s") in cues.generic_terms:
        return True  # "Large Language Models", "state-of-the-art"
    words = [w.lower() for w in re.findall(r"[\w\-]+", phrase)]
    return not words or all(w in cues.generic_terms or w in cues.generic_baselines or w in _DETERMINERS for w in words)


# "Few-Bit Backward", "Local-Prompt": capitalised parts joined by a hyphen are coined like CamelCase.
_HYPHEN_COINED = re.compile(r"^[A-Z]\w*(?:-\w+)*-[A-Z]\w*$")


_TITLE_FRAMING_WORDS = frozenset({"beyond", "towards", "toward", "rethinking", "revisiting", "on", "do", "does", "is",
                                  "are", "can", "when", "why", "how", "what", "from", "scaling", "improving"})


def _coined_title(words: list[str], rest: str) -> bool:
    """A title prefix without a coined token that still names: "Local-Prompt: …" (capitalised parts joined
    by a hyphen) or "Merlin: A Vision Language Foundation Model" (one capitalised word that the subtitle
    describes with an article). A prefix ending in a task noun ("Self-Supervised Learning: …") or a generic
    class names a field, not an artifact."""
    if len(words) > 3 or _TASK_LAST.search(words[-1]) or _is_generic(" ".join(words)):
        return False
    if any(_HYPHEN_COINED.match(w) for w in words):
        return True
    return len(words) == 1 and words[0][:1].isupper() and re.match(r"\s*:\s+(?:A|An)\s", rest) is not None


def title_name(title: str) -> tuple[int, int] | None:
    """Span of a coined name before the title's colon ("MagicPose4D: …"), if the prefix looks like one.

    Multi-word prefixes must contain a coined token ("Mask & Match" and "Fool the Hydra" do not; "PD-Quant"
    and "Spike-driven Transformer V2" do), because title-case prose before a colon is common.
    """
    m = _TITLE_NAME.match(title)
    if not m:
        return None
    prefix = m.group(1)
    words = prefix.split()
    if len(words) > 4 or words[0].lower() in _TITLE_FRAMING_WORDS:
        return None  # "Beyond LLaVA-HD: …", "Towards GPT-5: …": the prefix frames, it does not name
    if not any(is_name_token(w) for w in words) and not _coined_title(words, title[m.end(1):]):
        return None
    if len(words) > 1 and sum(1 for w in words if w[:1].islower()) > 1:
        return None
    return m.start(1), m.end(1)


_TITLE_ARTIFACT = re.compile(
    r"^((?:[A-Z0-9][\w\-]*\s){0,4}(?:Network|Networks|Net|Transformer|Transformers|Model|Models|Framework|"
    r"Module|Machine|Machines|Autoencoder|Autoencoders|Architecture|Optimizer|Algorithm))"
    r"(?=\s+(?:for|with|via|in|on|of|to|and|using)\b|\s*$)")


def title_artifact(title: str) -> tuple[int, int] | None:
    """A title that *is* a named artifact: "Idempotent Generative Network", "Progressive Ensemble Networks
    for Zero-Shot Recognition". Every word Title-Case and the head an artifact noun; a name the field
    already knows ("Convolutional Neural Networks for …", in the lexicon) or a generic class is not new."""
    if ":" in title:
        return None
    m = _TITLE_ARTIFACT.match(title)
    # Two modifiers at least ("Graph Transformers", "Dynamical Model" describe a kind), and no opening
    # gerund ("Accelerating Toeplitz Neural Network …" improves an existing network).
    first = m.group(1).split()[0].lower() if m else ""
    if not m or len(m.group(1).split()) < 3 or first.endswith("ing") or first in ("a", "an", "the"):
        return None
    name = m.group(1)
    if _is_generic(name) or load_lexicon().lookup(name) or load_lexicon().lookup(name.rstrip("s")):
        return None
    return m.start(1), m.end(1)


def _phrase_after(text: str, pos: int, limit: int) -> tuple[int, int]:
    """The noun-phrase-ish chunk starting at ``pos``: up to a clause break, at most ``limit`` chars."""
    end = min(len(text), pos + limit)
    m = re.search(r"[,;.:()]|\s(?:which|that|to|for|with|by|where|based|using|in|on|and)\s", text[pos:end])
    return pos, pos + m.start() if m else end


_IMMEDIATE_NAME = re.compile(
    r"\s+([A-Z][\w\-+^]*(?:\s[A-Z0-9][\w\-+^]*){0,2}),\s+(?:(?:a|an)\s+((?:[\w\-()]+\s){0,7}?"
    r"(?:method|approach|framework|model|algorithm|system|network|technique|benchmark|dataset|tool|library|"
    r"pipeline|architecture|module|strategy|scheme|metric|loss))\b|which\s)")
# "we introduce weight selection, a method for …": a lower-case name the apposition says is an artifact.
_IMMEDIATE_LOWER = re.compile(
    r"\s+([a-z][\w\-]*(?:\s[a-z][\w\-]*){0,2}),\s+(?:a|an)\s+((?:[\w\-()]+\s){0,4}?"
    r"(?:method|approach|framework|model|algorithm|technique|benchmark|dataset|metric|loss))\b")


def _per_sentence(
    pattern: FoldedPattern, text: str, sentences: list[tuple[int, int]]
) -> list[list[tuple[int, int]]]:
    """For each sentence, the ``(start, end)`` of ``pattern.finditer(sentence)``, relative to the sentence,
    for a cue-word pattern (whose only look-arounds are the negative ``(?<![\\w-])``, ``(?![\\w-])``).

    Why: scanning every sentence on its own looks for each literal start of the cue list once per sentence;
    one scan of the abstract finds the same matches, provided the text is ASCII (so lower-casing is the
    same for the sentence and the abstract), every sentence is set off by white space (so the pattern's
    edge look-arounds read the same) and no match runs outside a sentence. Otherwise each sentence is
    scanned on its own, as before.
    """
    n = len(text)
    whole = text.isascii() and all((s0 == 0 or text[s0 - 1].isspace()) and (s1 == n or text[s1].isspace())
                                   for s0, s1 in sentences)
    if whole:
        found: list[list[tuple[int, int]]] = [[] for _ in sentences]
        starts = [s0 for s0, _ in sentences]
        for m in pattern.finditer(text):
            i = bisect.bisect_right(starts, m.start()) - 1
            if i < 0 or m.end() > sentences[i][1]:
                whole = False  # outside every sentence, or across the end of one
                break
            found[i].append((m.start() - sentences[i][0], m.end() - sentences[i][0]))
        if whole:
            return found
    return [[m.span() for m in pattern.finditer(text[s0:s1])] for s0, s1 in sentences]


def propose_candidates(
    text: str, sentences: list[tuple[int, int]], abbreviations: list[tuple[tuple[int, int], tuple[int, int]]]
) -> list[Candidate]:
    """Names introduced by "we propose/introduce/present …" (the ``propose`` rule family)."""
    cues = load_cues()
    out: list[Candidate] = []
    for (s0, s1), verbs in zip(sentences, _per_sentence(cues.propose, text, sentences), strict=True):
        sent = text[s0:s1]
        for m_start, m_end in verbs:
            # Subject check: "we/this paper/this work/our" before the verb, or a passive "is proposed".
            before = sent[:m_start].lower()
            if not re.search(r"\b(?:we|this (?:paper|work|study|article)|our|here|in this)\b", before[-80:]) \
                    and not re.search(r"\b(?:is|are)\s+$", before):
                continue
            after0 = s0 + m_end
            window_end = min(s1, after0 + 160)
            found = False
            # (0) "we propose Fides, a novel framework …": a capitalised word in apposition right after the verb
            imm = _IMMEDIATE_NAME.match(text, after0)
            if imm and not _is_generic(imm.group(1)) and imm.group(1).lower() not in _DETERMINERS:
                out.append((imm.start(1), imm.end(1), head_type(imm.group(2) or "method").value, "propose:named",
                            0.85 if imm.group(2) else 0.75, True))
                continue
            low_imm = _IMMEDIATE_LOWER.match(text, after0)
            if low_imm and low_imm.group(1).split()[0] not in _DETERMINERS and not _is_generic(low_imm.group(1)):
                out.append((low_imm.start(1), low_imm.end(1), head_type(low_imm.group(2)).value, "propose:named",
                            0.75, True))
                continue
            # (1) an abbreviation defined right after the verb: "propose a Hybrid … Optimizer (HESSO)"
            # Several may follow one verb: "the Image-Grounded Contrast (IGC) loss and Text-… (TGC) loss".
            last = after0
            for (a0, a1), (l0, l1) in abbreviations:
                first = min(a0, l0)
                if not (after0 <= first <= last + 90 and max(a1, l1) <= s1):
                    continue
                gap = text[last:first]
                if ";" in gap or ". " in gap or (found and not re.search(r"\b(?:and|or)\b|,", gap)):
                    continue
                if re.search(r"\b(?:by|using|via|through|based on|with)\s+(?:\w+ing\s+)?(?:the\s+|a\s+|an\s+)?$", gap):
                    continue  # "… by performing singular value decomposition (SVD)": the means, not the proposal
                if re.match(r"\s*\)?\s*(?:[\w-]+\s*)?,?\s*(?:named|called|dubbed|termed)\b", text[max(a1, l1) + 1 :
                                                                                                max(a1, l1) + 40]):
                    continue  # "a novel magnitude pruning (MP) method, named X": X is the proposal's name
                if _OBJECT_OF.search(text, max(last, first - 60), first) and not found \
                        or _USED_AS_MODIFIER.match(text, max(a1, l1) + (1 if a0 > l0 else 0)) \
                        or text[first - 1 : first] == "-":
                    continue  # "layers of a neural network (NN)", "(SOT-MRAM) based", "text-to-image (T2I)"
                long = text[l0:l1]
                if long.islower() and (not re.search(r"[\s-]", long.strip()) or load_lexicon().lookup(long)
                                       or load_lexicon().lookup(text[a0:a1])):
                    continue  # "a graph neural network (GNN) framework": a known kind of thing, not a new name
                tail = re.split(r"[,;.]| (?:and|that|which|to|for|with)\b", text[max(a1, l1) + 1 : max(a1, l1) + 40])[0]
                etype = head_type((text[l0:l1] + " " + tail.strip(" )")).strip())
                out.append((l0, l1, etype.value, "propose:abbreviation", 0.9, True))
                out.append((a0, a1, etype.value, "propose:abbreviation", 0.9, True))
                found = True
                last = max(a1, l1) + 1
            if found:
                continue
            # (2) "… named/called/dubbed X"
            nm = cues.naming.search(text, after0, window_end)
            if nm:
                mm = _NAMED.match(text, nm.end())
                named_type = head_type(text[after0:nm.start()].strip(" ,")).value
                pair = next(((ab, lf) for ab, lf in abbreviations if mm and lf[0] == mm.start(1)), None)
                if pair is not None:  # "called BAlaNced averaGing (BANG)": the defined name, both forms
                    out.append((*pair[1], named_type, "propose:named", 0.95, True))
                    out.append((*pair[0], named_type, "propose:named", 0.95, True))
                    continue
                if mm and (is_name_token(mm.group(1).split()[0]) or mm.group(1)[:1].isupper()):
                    n0, n1 = _strip_trailing(text, mm.start(1), mm.end(1))
                    out.append((n0, n1, named_type, "propose:named", 0.95, True))
                    continue
                lower = _NAMED_LOWER.match(text, nm.end()) if _STRICT_NAMING.search(text, nm.start(), nm.end()) \
                    else None
                if lower and not _is_generic(lower.group(1)):
                    out.append((lower.start(1), lower.end(1), named_type, "propose:named", 0.85, True))
                    continue
            if _FOR_SHORT.search(text, after0, s1):
                continue  # "the ADAptive … algorithm, Adan for short": the naming rule takes the short name
            # (3) a coined name within the next few words: "we propose MagicPose4D, a …", "the framework GETA"
            p0, p1 = _phrase_after(text, after0, 120)
            chunk = text[p0:p1]
            tokens = list(_TOKEN.finditer(chunk))
            for t in tokens[:6]:
                word = t.group().rstrip(".").removesuffix("'s").removesuffix("’s")
                if is_name_token(word) and word.lower() not in cues.generic_terms:
                    n0, n1 = _strip_trailing(text, p0 + t.start(), p0 + t.start() + len(word))
                    # Extend over following coined/capitalised tokens: "MLICv2 and MLICv2^+" handled by coordination
                    if _MODIFIER_WORD.search(word) or re.search(r"\bof\s+(?:the\s+)?$", chunk[: t.start()]):
                        continue  # "a GAN-based compression method", "an analysis of NC": not the proposal
                    described = _LOWER_THEN_HEAD.match(text, p0 + t.start() + len(word))
                    after = described.group().split() if described else []
                    if any(head_type(" ".join(after[:k]), EntityType.TASK) is not EntityType.TASK
                           for k in range(2, len(after) + 1)):
                        continue  # "an HDR video composition framework": the acronym qualifies an unnamed one
                    head_end = described.start() + len(after[0]) + 1 if described and after else -1
                    if head_end > 0 and head_type(after[0], EntityType.TASK) is not EntityType.TASK \
                            and re.match(r"\s*,\s+(?:i\.e\.,?\s+)?[A-Z]", text[head_end:head_end + 20]):
                        continue  # "a DA scheme, MixPick,": the name in apposition is the proposal
                    rest = text[n1:min(s1, n1 + 40)]
                    etype = head_type(chunk.strip())
                    out.append((n0, n1, etype.value, "propose:coined", 0.8, True))
                    for extra in re.finditer(r"\s*(?:and|,)\s*([A-Za-z][\w\-+^]*)", rest):
                        if is_name_token(extra.group(1)) and extra.start() < 25 \
                                and not _MODIFIER_WORD.search(extra.group(1)):
                            e0 = n1 + extra.start(1)
                            out.append((e0, e0 + len(extra.group(1)), etype.value, "propose:coined", 0.7, True))
                        break
                    found = True
                    break
            if found:
                continue
            # (4) a Title-Case phrase ending in an artifact noun: "a Global-local Chamfer loss"
            stripped = _ARTICLE.sub("", chunk)
            offset = p0 + (len(chunk) - len(stripped))
            words = stripped.split()
            if 2 <= len(words) <= 7 and words[0][:1].isupper() and not _MODIFIER_WORD.search(words[0]) \
                    and head_type(stripped, EntityType.TASK) != EntityType.TASK:
                caps = sum(1 for w in words[:-1] if w[:1].isupper())
                if caps >= max(1, len(words) - 2):
                    n0, n1 = _strip_trailing(text, offset, offset + len(stripped))
                    out.append((n0, n1, head_type(stripped).value, "propose:titlecase", 0.6, True))
    return out


_NAMING_ANYWHERE = re.compile(
    r"\b(?:we\s+(?:call|name|dub|term)|(?:is|are|was)?\s*(?:named|dubbed|termed|coined|called))\s+(?:it\s+|this\s+|them\s+)?(?:as\s+)?"
    r"((?:[A-Z0-9][\w\-+^]*|[a-z][\w\-]*(?:\s[a-z][\w\-]*){0,4}\s\([A-Z][\w\-]*\))"
    r"(?:\s[A-Z0-9][\w\-+^]*(?:\.\d+)?){0,3})",
)
_OUR_PAREN = re.compile(r"\b[Oo]ur\s+(?:\w+\s+)?(?:method|approach|framework|model|algorithm|system|network|technique)\s+\(([A-Z][\w\-+^]*)\)")
_APPOSITION_AFTER_COMMA = re.compile(
    r"\b(?:propose|proposes|introduce|introduces|present|presents|develop|develops|design|designs)\s+(?:a|an|the)\s+"
    r"(?:[\w^]+[\s-]){0,7}?"
    r"(?:method|approach|framework|model|algorithm|system|network|technique|benchmark|dataset|loss|strategy|module|"
    r"architecture|metric|scheme)s?,\s+(?:i\.e\.,?\s+|namely\s+)?"
    r"([A-Z][\w\-+^]*(?:\s[A-Z0-9][\w\-+^]*){0,2})(?=[,.;]|\s(?:which|that|to|for|with))"
)


def naming_candidates(
    text: str, sentences: list[tuple[int, int]],
    abbreviations: Sequence[tuple[tuple[int, int], tuple[int, int]]] = (),
) -> list[Candidate]:
    """"… named LargeGT", "we call Gradient Blending", "Our method (TESLA)", "a novel approach, LegoGCD,",
    "the ADAptive Nesterov momentum algorithm, Adan for short".

    A name that opens an abbreviation's long form ("termed Federated Local and Generic Model Training
    (FedLoGe)") is that whole definition: the long form and its acronym, never the first words alone.
    """
    out: list[Candidate] = []
    long_at = {lf[0]: (ab, lf) for ab, lf in abbreviations}
    for s0, s1 in sentences:
        sent = text[s0:s1]
        low = sent.lower()
        # Cheap substring tests first: most sentences name nothing and need no regex at all.
        own = re.search(r"\b(?:we|our|proposed|this (?:paper|work))\b", low)
        if own is None and "propos" not in low and "introduc" not in low and "present" not in low \
                and "develop" not in low:
            continue
        naming = own is not None and any(w in low for w in ("call", "name", "dub", "term", "coin"))
        for m in _NAMING_ANYWHERE.finditer(sent) if naming else ():
            name = m.group(1)
            if "(" in name:  # "we call sparse low-rank adaptation (SoRA)": the abbreviation rule has it
                continue
            n0, n1 = _strip_trailing(text, s0 + m.start(1), s0 + m.end(1))
            etype = head_type(sent[: m.start()].strip()).value
            if n0 in long_at:
                (a0, a1), (l0, l1) = long_at[n0]
                out += [(l0, l1, etype, "propose:named", 0.9, True), (a0, a1, etype, "propose:named", 0.9, True)]
                continue
            out.append((n0, n1, etype, "propose:named", 0.9, True))
        for m in _FOR_SHORT.finditer(sent) if own is not None and "for short" in low else ():
            n0, n1 = s0 + m.start(1), s0 + m.end(1)
            out.append((n0, n1, head_type(sent[: m.start()].strip()).value, "propose:named", 0.85, True))
        for pattern, rule, conf in ((_OUR_PAREN, "propose:our", 0.85), (_APPOSITION_AFTER_COMMA, "propose:apposition", 0.85)):
            if pattern is _OUR_PAREN and ("our" not in low or "(" not in sent):
                continue
            for m in pattern.finditer(sent):
                if not is_name_token(m.group(1).split()[0]) and pattern is _OUR_PAREN:
                    continue
                n0, n1 = _strip_trailing(text, s0 + m.start(1), s0 + m.end(1))
                out.append((n0, n1, head_type(m.group()).value, rule, conf, True))
    return out


_PASSIVE_NAMED = re.compile(
    r"\b(?:[Aa]n?|[Tt]he)\s+((?:[A-Z][\w\-]*\s){1,5}?(?:[a-z][\w\-]*\s)?)(?:is|are)\s+(?:\w+ly\s+)?"
    r"(?:proposed|introduced|devised|developed|designed)\b")
# Anchors that start with a literal are found by a fast scan (a leading \b alternation is not).
_PASSIVE_ANCHOR = re.compile(r"(?:propos|introduc|devis|develop|design)ed\b")
_OUR_ANCHOR = re.compile(r"(?:ur|ed) (?:method|approach|framework|model|algorithm|system|network|technique), ")
_OUR_APPOSITION = re.compile(
    r"\b(?:[Oo]ur|[Tt]he proposed)\s+(?:method|approach|framework|model|algorithm|system|network|technique),\s+"
    r"([A-Z][\w\-+^]*(?:\s[A-Z0-9][\w\-+^]*){0,2}),")


def passive_candidates(text: str) -> list[Candidate]:
    """"a Glyph-adaptive Mutual Self-attention mechanism is proposed", "Our method, U-DoG, combines …":
    a Title-Case name the sentence itself says is proposed, or set beside "our method"."""
    out: list[Candidate] = []
    for m in anchored_finditer(_PASSIVE_NAMED, _PASSIVE_ANCHOR, text, before=120):
        name = m.group(1).strip()
        words = name.split()
        core = " ".join(w for w in words if not w[:1].islower())
        if len(words) < 2 and not is_name_token(words[0]) or _is_generic(name) or load_lexicon().lookup(core) \
                or _BACKGROUND_CUE.search(text, m.end(), m.end() + 40):
            continue  # "The Adam optimizer is introduced in many works": known, and about others' work
        out.append((m.start(1), m.start(1) + len(name), head_type(name).value, "propose:passive", 0.75, True))
    for m in anchored_finditer(_OUR_APPOSITION, _OUR_ANCHOR, text, before=15):
        if not _is_generic(m.group(1)):
            out.append((m.start(1), m.end(1), EntityType.METHOD.value, "propose:our", 0.85, True))
    return out


_VARIANT_SUFFIX = re.compile(r"(?:-[A-Z0-9][\w\-+^]*|\^?\+\+?|v\d[\w.]*)(?![\w+^-])")
_NAME_CHAR = re.compile(r"[\w-]")


def _suffixed(text: str, name: str) -> Iterator[re.Match[str]]:
    """Every ``name`` + variant suffix in ``text`` not preceded by a name character, left to right.

    The same matches as ``re.finditer(rf"(?<![\w-]){re.escape(name)}{suffix}", text)`` without compiling
    a pattern per name (a compile per proposed name was 3% of the whole pipeline).
    """
    pos = text.find(name)
    while pos >= 0:
        m = None if pos and _NAME_CHAR.match(text, pos - 1) else _VARIANT_SUFFIX.match(text, pos + len(name))
        if m is not None:
            yield m
            pos = text.find(name, m.end())
        else:
            pos = text.find(name, pos + 1)


_DATA_CONTEXT_AFTER = re.compile(r"\s+(?:dataset|benchmark|split|subset|set|test|corpus)")
_DATA_CONTEXT_BEFORE = re.compile(r"\b(?:on|from|of)\s+(?:the\s+)?$")


def variant_candidates(text: str, sentences: list[tuple[int, int]], found: list[Candidate]) -> list[Candidate]:
    """Named variants of a name the paper proposes: "We introduce PuYun, comprising PuYun-Short … and
    PuYun-Medium", "we present MLICv2 and MLICv2^+". The guideline counts each named variant as its own
    proposal. A suffixed name in a data context ("on X-Hard", "the X-500 benchmark") is a split or a
    release of data, not a variant of the method, and is left to the dataset rules."""
    taken = {text[s:e] for s, e, *_ in found}
    out: list[Candidate] = []
    for s, e, etype, rule, _c, proposed in found:
        name = text[s:e]
        if not proposed or rule not in ("title", "propose:named", "propose:coined", "propose:abbreviation") \
                or len(name) < 3 or not is_name_token(name.split()[-1]):
            continue
        for m in _suffixed(text, name):
            start = m.start() - len(name)
            found_name = text[start:m.end()]
            if found_name in taken or _MODIFIER_WORD.search(found_name) or _DATA_CONTEXT_AFTER.match(text, m.end()) \
                    or _DATA_CONTEXT_BEFORE.search(text, max(0, start - 12), start):
                continue
            out.append((start, m.end(), etype, "propose:variant", 0.7, True))
    return out


_COMPONENT_CUE = FoldedPattern(
    r"\b(?:our|novel|new|proposed|introduc\w*|propos\w*|design\w*|develop\w*|present\w*|incorporat\w*|"
    r"includ\w*|featur\w*|employ\w*|leverag\w*|involv\w*|consist\w*|compris\w*|devis\w*|equip\w*|"
    r"construct\w*|build\w*|built)\b")
_BACKGROUND_CUE = FoldedPattern(
    r"\b(?:existing|previous|prior|such as|e\.g\.|like|compared|outperform\w*|than|unlike|traditional|"
    r"conventional|popular|widely|recent(?:ly)?|standard|typical(?:ly)?|commonly|has been|have been|"
    r"observed|known|et al)\b")
# "… (ICL) is devised", "… (DEAB) consisting of … is proposed": a definition the paper says it proposes.
_PASSIVE_PROPOSE = re.compile(r"[^;.]{0,120}?\b(?:is|are)\s+(?:\w+ly\s+)?(?:proposed|introduced|devised|developed|"
                              r"designed|presented|constructed)\b")
_INSTITUTION = re.compile(r"\b(?:University|College|Institute|Foundation|Hospital|Center|Centre|Laboratory|Agency)\b")
_TASK_LAST = re.compile(rf"(?:{'|'.join((*TASK_NOUNS, 'answering', 'captioning', 'tracking', 'analysis'))})$", re.I)


def component_candidates(
    text: str, sentences: list[tuple[int, int]], abbreviations: list[tuple[tuple[int, int], tuple[int, int]]]
) -> list[Candidate]:
    """Coined components the paper defines: "includes a Long-distance Reference Extractor (LRE)",
    "LIAR first introduces Selective Low-light Image Enhancement (SLLIE)". A Title-Case long form that the
    lexicon does not know, defined with its own acronym in a sentence about the paper's own design (and
    not about prior work), is a name this paper introduces. Task-like long forms ("Mathematical Expression
    Recognition (MER)") name the problem, not a contribution."""
    lexicon = load_lexicon()
    out: list[Candidate] = []
    for (a0, a1), (l0, l1) in abbreviations:
        long, short = text[l0:l1], text[a0:a1]
        words = long.split()
        s0, s1 = sentence_of(sentences, min(a0, l0))
        # "an Inter-Consistency Loss (ICL) is devised": the passive verb after the definition proposes it,
        # and then a lower-case long form counts too ("a detail-enhanced attention block (DEAB) … is proposed").
        passive = _PASSIVE_PROPOSE.match(text, max(a1, l1) + 1, s1) is not None
        if len(words) < 2 or not passive and sum(1 for w in words if w[:1].isupper() or is_name_token(w)) < 2:
            continue
        if not (passive or words[0][:1].isupper() or is_name_token(words[0])) or _TASK_LAST.search(words[-1]):
            continue
        if lexicon.lookup(long) or lexicon.lookup(short) or lexicon.lookup(short.rstrip("s")):
            continue
        before = text[s0:min(a0, l0)]
        if not (passive or _COMPONENT_CUE.search(before[-100:])) or _BACKGROUND_CUE.search(before) \
                or _INSTITUTION.search(long):
            continue
        # The word after the definition may be the head: "a novel Selective Correlation Fusion (SCF) module".
        after = text[max(a1, l1) + 1 : max(a1, l1) + 20].split(" ", 2)
        etype = head_type(f"{long} {after[1]}" if len(after) > 1 else long)
        if etype is EntityType.TASK:
            continue
        out.append((l0, l1, etype.value, "propose:component", 0.65, True))
        out.append((a0, a1, etype.value, "propose:component", 0.65, True))
    return out


_APPOSITIVE = re.compile(
    r"(?<![\w-])([A-Za-z][\w\-+^]*(?:\s[A-Z0-9][\w\-+^]*)?)(?:,\s+(?:a|an)|\s+is\s+(?:a|an))\s+"
    r"(?:novel|new|simple|first)\b([^,.;]{0,60})")
_APPOSITIVE_ANCHOR = re.compile(r"\b(?:novel|new|simple|first)\b")
_ARTIFACT_ANCHOR = re.compile(r"\s(?:dataset|benchmark|corpus|suite|testbed|challenge)s?\b")


def appositive_candidates(text: str) -> list[Candidate]:
    """"X, a novel/new … framework" and "X is a novel …": X is introduced by this paper."""
    out: list[Candidate] = []
    for m in anchored_finditer(_APPOSITIVE, _APPOSITIVE_ANCHOR, text, before=80):
        name = m.group(1)
        if not is_name_token(name.split()[0]) or _is_generic(name):
            continue
        out.append((m.start(1), m.end(1), head_type(m.group(2).strip()).value, "appositive", 0.75, True))
    return out


def artifact_candidates(text: str) -> list[Candidate]:
    """"the X dataset", "X benchmark", "X corpus": a named data artifact (not yet known to be used)."""
    out: list[Candidate] = []
    for m in anchored_finditer(_ARTIFACT, _ARTIFACT_ANCHOR, text, before=100):
        name = m.group(1).strip()
        words = name.split()
        # Keep the coined part: "the large-scale Wildtrack dataset" → "Wildtrack" (drop leading prose words).
        while words and not (is_name_token(words[0]) or words[0][:1].isupper()):
            words = words[1:]
        if not words or _is_generic(" ".join(words)):
            continue
        if not any(is_name_token(w) or (w[:1].isupper() and i > 0) for i, w in enumerate(words)) and len(words) == 1 \
                and not is_name_token(words[0]):
            # A single capitalised word ("Our dataset", "This benchmark") is only a name if coined.
            if words[0].lower() in _DETERMINERS or m.start(1) == 0 or text[m.start(1) - 2 : m.start(1)] in (". ", "\n\n"):
                continue
        n1 = m.start(1) + len(name)
        n0 = n1 - len(" ".join(words))
        kind = m.group(2).lower()
        etype = EntityType.BENCHMARK if kind in ("benchmark", "testbed", "challenge", "suite") else EntityType.DATASET
        out.append((n0, n1, etype.value, f"artifact:{kind}", 0.8, False))
    return out


# "the public dataset JSRT", "a test set UniMER-Test": the head noun first, then the name.
_ARTIFACT_BEFORE = re.compile(
    r"\b(dataset|benchmark|corpus|(?:training|test|validation|evaluation) set)\s+"
    r"((?:[A-Z][\w\-+.]*|[a-z]+[A-Z0-9][\w\-+.]*))(?=[\s,.;:)])")
# "Lassy Large, an automatically annotated corpus of …": a name in apposition to a data noun.
_ARTIFACT_APPOSITION = re.compile(
    r"(?<![\w-])([A-Z][\w\-+.]*(?:\s[A-Z0-9][\w\-+.]*){0,2}),\s+(?:a|an|the)\s+(?:[\w\-]+\s){0,4}?"
    r"(dataset|benchmark|corpus)\b")
_ARTIFACT_APPOSITION_ANCHOR = re.compile(r"\b(?:dataset|benchmark|corpus)\b")


def artifact_name_after_candidates(text: str) -> list[Candidate]:
    """Data artifacts named after their head noun or in apposition to it (see the two patterns above)."""
    out: list[Candidate] = []
    for m in scan(_ARTIFACT_BEFORE, text):
        name = m.group(2).rstrip(".")
        if _is_generic(name) or name.lower() in _DETERMINERS or not (is_name_token(name) or "-" in name
                                                                      or name[:1].isupper()):
            continue
        kind = m.group(1).split()[-1].lower()
        etype = EntityType.BENCHMARK if kind == "benchmark" else EntityType.DATASET
        out.append((m.start(2), m.start(2) + len(name), etype.value, f"artifact:{kind}", 0.75, False))
    for m in anchored_finditer(_ARTIFACT_APPOSITION, _ARTIFACT_APPOSITION_ANCHOR, text, before=120):
        name = m.group(1)
        start = m.start(1)
        if _is_generic(name) or start == 0 or text[start - 2:start] in (". ", "\n\n"):
            continue  # a sentence-initial capitalised word is not evidence of a name
        etype = EntityType.BENCHMARK if m.group(2).lower() == "benchmark" else EntityType.DATASET
        out.append((start, m.end(1), etype.value, f"artifact:{m.group(2).lower()}", 0.7, False))
    return out


def find_candidates(
    text: str,
    sentences: list[tuple[int, int]] | None = None,
    abbreviations: list[tuple[tuple[int, int], tuple[int, int]]] | None = None,
    title_end: int | None = None,
) -> list[Candidate]:
    """All candidate names in ``text`` (title first if ``title_end`` marks where the title stops)."""
    sentences = sentences if sentences is not None else split_sentences(text)
    abbreviations = abbreviations or []
    out: list[Candidate] = []
    if title_end:
        span = title_name(text[:title_end])
        if span:
            out.append((span[0], span[1], EntityType.METHOD.value, "title", 0.85, True))
        else:
            span = title_artifact(text[:title_end])
            if span:
                out.append((span[0], span[1], EntityType.METHOD.value, "title:artifact", 0.7, True))
    out += propose_candidates(text, sentences, abbreviations)
    out += naming_candidates(text, sentences, abbreviations)
    out += component_candidates(text, sentences, abbreviations)
    out += passive_candidates(text)
    out += variant_candidates(text, sentences, out)
    out += appositive_candidates(text)
    out += artifact_candidates(text)
    out += artifact_name_after_candidates(text)
    return [t for t in (_tidy_in(text, c) for c in out) if t is not None]


# Lower-case head nouns that describe what a Title-Case name is and are never part of it (in the train gold).
_DESCRIPTION_HEAD = re.compile(r"\s(?:module|scheme|framework|method|approach|strategy|mechanism|component|"
                               r"pipeline|paradigm)$")
_LEADING_JOINER = re.compile(r"^(?:and|or|of|the|for|with|to|a|an)\s+", re.I)


def _tidy_in(text: str, c: Candidate) -> Candidate | None:
    s, e, etype, rule, conf, proposed = c
    cut = text.find(". ", s, e)
    if cut >= 0:
        e = cut
    lead = _LEADING_JOINER.match(text, s, e)
    if lead and e - lead.end() > 1:
        s = lead.end()
    head = _DESCRIPTION_HEAD.search(text, s, e)
    if head and text[s:head.start()].split()[-1][:1].isupper():
        e = head.start()  # "a Frame Sequential Text Decomposer module": the name is before the head noun
    name = text[s:e].strip()
    if not name or _is_generic(name) or re.fullmatch(r"\d+D|\d+(?:\.\d+)?\s?[kKMGTP]?B?|\d+[kKMB]", name):
        return None  # "3D", "4TB", "3k": dimensions and quantities, not names
    return (s, e, etype, rule, conf, proposed)


class CandidateDetector:
    def __init__(self, nlp: Language, name: str = "kg_candidates") -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        sentences = doc._.kg_sentences or [(0, len(text))]
        title_end = text.find("\n\n")
        doc._.kg_candidates = find_candidates(
            text, sentences, doc._.kg_abbreviations or [], title_end if title_end > 0 else None
        )
        return doc


@Language.factory(
    "kg_candidates",
    requires=["doc._.kg_sentences", "doc._.kg_abbreviations"],
    assigns=["doc._.kg_candidates"],
    default_config={},
)
def make_candidate_detector(nlp: Language, name: str) -> CandidateDetector:
    return CandidateDetector(nlp, name)
