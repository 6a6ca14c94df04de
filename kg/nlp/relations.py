"""``kg_relations``: which named things the paper *uses*, *beats*, *measures* and *addresses*.

Every finding is a :data:`Finding` ``(relation, start, end, rule, confidence)``: the relation type and the
character span of the target's name in ``doc.text``. ``proposes`` comes from ``kg_candidates``; this
component adds the other four, from the lexicon matches, the candidates and cue patterns:

``beats``     a named method in the clause after "outperforms / surpasses / better than / compared with …",
              split on coordination ("LoRA, Full FT, and PiSSA"); generic phrases ("state-of-the-art
              methods", "existing baselines") are not names and are dropped; "such as X" after a generic
              phrase yields X.
``uses``      a dataset/benchmark mention, unless its sentence reads as background ("unlike methods trained
              on COCO") without any first-person or experimental cue.
``measures``  a metric mention in a sentence that reports or evaluates (a number, or a cue such as
              "achieves", "in terms of", "improves"); "accurate detection" never matches because only
              lexicon metric names and "N% <metric>" phrases count.
``addresses`` task mentions, ranked (title > task-cue sentence > elsewhere, then frequency), at most three.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from collections.abc import Sequence

from spacy.language import Language
from spacy.tokens import Doc

from kg.lexicon import load_lexicon
from kg.model import EntityType, RelationType
from kg.nlp.cues import (
    TASK_NOUNS,
    TASK_STOP,
    FoldedPattern,
    anchored_finditer,
    extend_dataset_span,
    extend_metric_span,
    extend_task_span,
    is_name_token,
    load_cues,
    scan,
)
from kg.nlp.sentences import doc_text, sentence_of

Finding = tuple[str, int, int, str, float]
Mention = tuple[int, int, str, str]  # (start, end, EntityType value, rule/lexicon id)

if not Doc.has_extension("kg_relations"):
    Doc.set_extension("kg_relations", default=None)

_CLAUSE_END = re.compile(
    r"\s(?:w\.r\.t|with respect to|versus|vs\.)|\.(?!\d)|[;:]"
    r"|\s(?:by|on|in|across|under|while|with|at|for|when|without|using|through|from|regarding"
    r"|and\s+(?:achiev|reduc|improv|obtain|requir))\b"
    r"|,\s(?:while|which|where|achiev|demonstrat|show|reduc|improv|and\s+(?:achiev|reduc|improv|is|are))")
_PAREN = re.compile(r"\s*\([^()]*\)")
#: How far after a "beats" trigger its list of baselines is read (real lists are far shorter).
_LIST_WINDOW = 200
_SPLIT = re.compile(r",\s*(?:and\s+|or\s+)?|\s+(?:and|or|as well as|&)\s+|(?<=[A-Za-z])/(?=[A-Z])")
_NUM_ONLY = re.compile(r"^[\d.,%x×\s+-]+$")
# A lower-case verb inside an item means the clause ran on into a new sentence part ("APQ achieves 2.3%").
_VERB = re.compile(r"(?<![\w-])(?:achiev|obtain|yield|reach|show|demonstrat|improv|reduc|outperform|perform|surpass|"
                   r"is|are|was|were|has|have|had|can|could|may|will|requir|lead|result)\w*(?![\w-])")


_LEADING_GENERIC = re.compile(
    r"^(?:(?:that|those|the performance|the results|the accuracy)\s+of|the|a|an|all|most|both|strong|popular|"
    r"recent|several|many|other|existing|prior|previous|original|standard|"
    r"vanilla|conventional|classic|classical|baseline|current|state-of-the-art)\s+", re.I)
# "DeepLab clearly lags behind": adverbs and auxiliaries between a subject and its verb are not the name.
_TRAILING_ADVERB = re.compile(r"(?:\s+(?:\w+ly|still|also|even|often|is|are|was|were|has|have|had|can|may|will))+$")


_NOT_MODIFIERS = frozenset({"of", "to", "for", "in", "on", "with", "at", "from", "by", "as", "than", "that", "which",
                            "we", "it", "they", "can", "could", "may", "might", "match", "matches", "and", "or"})


def _is_word_name(word: str) -> bool:
    return is_name_token(word) or word[:1].isupper() or word[:1].isdigit() and any(c.isalpha() for c in word)


def _clean_item(item: str, heads: frozenset[str] = frozenset(), kinds: frozenset[str] = frozenset()) -> str:
    """Trim a coordinated piece of a comparison clause to the name it holds.

    Why each cut: articles and evaluative words ("all previous", "the original") never belong to a name;
    lower-case words before a coined name ("the dense MLP-Mixer", "significantly the state-of-the-art
    wav2vec 2.0") describe it; a generic plural head after a name ("Capsule Network proposals") names its
    family; a singular kind noun after a known name ("the random forest classifier", "the MLP-Mixer
    baseline") says what the name is. A name the lexicon knows as a whole ("naive Bayes") is kept as is.
    """
    item = item.strip(" ,.;:\"'")
    for _ in range(3):  # "all previous equivariant …", "the original MTT", "standard SGD"
        item = _LEADING_GENERIC.sub("", item)
    item = re.sub(r"\s+(?:and|or)$", "", item)
    lexicon = load_lexicon()
    words = item.split()
    # "Capsule Network proposals" → "Capsule Network": a generic head after a name names that name's family.
    if len(words) > 1 and words[-1].lower() in heads:
        rest = words[:-1]
        if not all(w[:1].isupper() or is_name_token(w) or w[:1].isdigit() for w in rest):
            return ""  # "4D LiDAR generation methods": a family described, not named
        words = rest
    if len(words) > 1 and lexicon.lookup(item) is None:
        first = next((i for i, w in enumerate(words) if _is_word_name(w)), 0)
        lead = words[:first]
        if lead and not any(w[:1].isdigit() or w.lower() in _NOT_MODIFIERS or _VERB.search(w) for w in lead):
            words = words[first:]  # adverbs and adjectives before the name, never verbs, prepositions or counts
    if len(words) > 1 and words[-1].lower() in kinds and lexicon.lookup(" ".join(words)) is None:
        known = lexicon.lookup(" ".join(words[:-1]))
        if known is not None and known.type is EntityType.METHOD \
                or known is None and all(is_name_token(w) for w in words[:-1]):
            words = words[:-1]
    return " ".join(words).strip()


_PARADIGM_LAST = re.compile(rf"^(?:{'|'.join(TASK_NOUNS)})$", re.I)
_DATA_NOUNS = frozenset({"images", "image", "data", "inputs", "samples", "features", "videos", "labels", "frames"})
# "GPT4-style", "CNN-based": a name turned into a modifier.
_MODIFIER_SUFFIX = re.compile(r"-(?:style|like|based|type|oriented|free|level|aware|driven|specific|wise)$", re.I)
# "FP32", "INT8", "BF16": number formats, compared in quantisation papers but not methods.
_NUMBER_FORMAT = re.compile(r"^(?:FP|INT|BF|UINT|FLOAT)\d+$", re.I)
_HYPHEN_CAPS = re.compile(r"^[A-Z][a-z]+(?:-[A-Z][A-Za-z]*)+$")
# "CNN", "GNN", "LLM", "MLLM": acronyms of a kind of network or model, not of one model ("VQGAN" is one).
_FAMILY_ACRONYM = re.compile(r"^[A-Z]{0,2}(?:NN|LM)s?$")
# "CNNs", "LLMs", "SNNs": a plural acronym names a family of models, never one baseline.
_PLURAL_ACRONYM = re.compile(r"^[A-Z][A-Za-z]*[A-Z]s$")


def _is_named_method(item: str, generic: frozenset[str], heads: frozenset[str] = frozenset(),
                     kinds: frozenset[str] = frozenset()) -> bool:
    words = re.findall(r"[\w\-+.^]+", item)
    if not words or len(words) > 5 or _NUM_ONLY.match(item) or _VERB.search(item):
        return False
    if words[-1].lower() in _DATA_NOUNS:
        return False  # "compared with HR images": inputs, not a method
    if len(words) == 1 and (_PLURAL_ACRONYM.match(words[0]) or _FAMILY_ACRONYM.match(words[0])) \
            or words[-1] == "networks" and not any(is_name_token(w) for w in words):
        return False  # "superior to CNNs", "SNN baselines", "convolutional neural networks": a model family
    lexicon = load_lexicon()
    known = lexicon.lookup(item)
    if known is not None and known.type is EntityType.METHOD:
        return True  # "naive Bayes", "Uniformer": the field knows them as methods, whatever their spelling
    last = lexicon.lookup(words[-1]) if len(words) > 1 else None
    if last is not None and last.type is EntityType.METRIC or any(_MODIFIER_SUFFIX.search(w) for w in words) \
            or _NUMBER_FORMAT.match(words[0]):
        return False  # "GPU memory", "GPT4-style", "the FP32 baseline": a measure, a modifier, a number format
    if len(words) == 1 and _HYPHEN_CAPS.match(words[0]):
        return True  # "Swin-Unet", "Mask-RCNN": two capitalised parts joined, a coined name
    if item.endswith("-") or words[0].isdigit() or any(w.lower() in ("sota", "sotas", "soa") for w in words):
        return False  # "AI-", "24 RGB-D SOD", "SOTA LLIE": fragments and generic references
    if _PARADIGM_LAST.search(words[-1]) and not any(is_name_token(w) for w in words):
        return False  # "Continual Learning", "numerical weather prediction": a problem or paradigm, not a method
    if all(w.lower() in generic for w in words):
        return False
    if len(words) > 1 and words[-1].lower() in heads:
        return False  # "state-of-the-art 4D LiDAR generation methods": a class of methods, not a name
    if len(words) > 1 and words[-1].lower() in kinds and any(
            w[:1].islower() and not is_name_token(w) for w in words[:-1]):
        return False  # "a staleness-free AFL approach": a method described, not named
    if sum(1 for w in words if w[:1].islower() and w.lower() not in generic and not is_name_token(w)) > 1:
        return False  # a clause ("CBNetV2 introduces a more efficient"), not a name
    if any(is_name_token(w) for w in words):
        return True
    # Title-case multiword names ("Sharpness-Aware Minimization", "Capsule Network", "Full FT").
    return len(words) >= 2 and all(w[:1].isupper() for w in words if w.lower() not in ("of", "for", "and", "with"))


_GAIN_OVER = FoldedPattern(
    r"\b(?:improvement|improvements|gain|gains|speedup|speed-up|acceleration|advantage|margin|boost|superior|"
    r"superiority|preferred|favou?red)s?\b"
    r"(?:[^.;]|\.\d){0,60}?\bover\b"
    # "reduces latency by 2x/1.3x over X", "improves mIoU by 3.1 points over X": a change relative to X
    r"|\bby\s+(?:up to\s+|about\s+|nearly\s+)?\d[\d.,]*\s?(?:%|x|×|points?|pp|db)?(?:/[\d.]+\s?(?:%|x|×)?)?"
    r"\s+(?:\w+\s+)?over\b", requires="over")
_COMPARE_OURS = FoldedPattern(
    r"\bcompar(?:e|es|ed|ing)\s+(?:our|the proposed|this|their)\b[^.;]{0,40}?\b(?:to|with|against)\b",
    requires="compar")
# "does not outperform", "no significant advantages over": a comparison denied is not a claim to beat.
_NEGATED = FoldedPattern(r"\b(?:no|not(?!\s+only)|never|cannot|fail(?:s|ed)?\s+to|n't)\s+(?:[\w-]+\s+){0,2}$")
_OURS = FoldedPattern(r"\b(?:our|ours|the proposed)\b")
# "… is outperformed by ours": a passive beat verb reads its baseline on the left.
_PASSIVE = FoldedPattern(r"\b(?:is|are|was|were|be|been|being)\s+(?:\w+ly\s+)?$")
# Where a subject clause starts, read leftwards from "X lags behind …".
_LEFT_BOUNDARY = re.compile(r".*(?:[;:]|\b(?:that|while|whereas|where|but|although|though|which|and\s+that)\b)",
                            re.S)
# Names listed inside one piece: "…, and recent methods such as DeBERTa and ELECTRA".
_SUCH_IN_PART = re.compile(r"^.*(?<![\w-])(?:such as|including|e\.g\.,?|namely|i\.e\.,?)\s+", re.I)
# A second "such as" list after the first clause ends: "… on GLUE, and strong LLMs such as X and Y".
_SECOND_LIST = re.compile(
    r"\s*,?\s*(?:and|as well as|or|including)\s+(?:[\w\-]+\s+){0,6}?(?:such as|including|e\.g\.,?|namely)\s+", re.I)


_SHARED_HEAD = re.compile(r"\b(?:methods|approaches|models|techniques|baselines|algorithms|strategies|schemes)\b")


def _is_lowercase_method(item: str, generic: frozenset[str], heads: frozenset[str]) -> bool:
    """"linear regression", "beam search", "gradient boosting": a lower-case technique named by its kind
    noun, compared against as a method ("outperforms linear regression and k-means"). Two or three
    lower-case words, the last a technique noun, the first not a generic or evaluative word."""
    words = item.split()
    return 2 <= len(words) <= 3 and all(re.fullmatch(r"[a-z][a-z\-]*", w) for w in words) \
        and words[-1] in heads and words[0] not in generic and not _VERB.search(item) \
        and load_lexicon().lookup(item) is None


def _items_in(text: str, start: int, end: int, masked: str, cue: str, conf: float) -> list[Finding]:
    """The named methods in ``text[start:end]`` (``masked`` is that stretch with parentheses blanked)."""
    cues = load_cues()
    heads = cues.generic_heads | {"proposals", "variants"}
    generic = cues.generic_baselines | cues.generic_terms
    out: list[Finding] = []
    plain: list[tuple[int, int]] = []  # single capitalised words: names only in a list that holds a name
    for part in re.finditer(r"[^,]+", masked):
        such = _SUCH_IN_PART.match(part.group())
        p0 = part.start() + (such.end() if such else 0)
        for piece in _SPLIT.split(masked[p0 : part.end()]):
            item = _TRAILING_ADVERB.sub("", _clean_item(piece, heads, cues.beat_heads)) if cue == "left" \
                else _clean_item(piece, heads, cues.beat_heads)
            i0 = text.find(item, start + p0) if item else -1
            if i0 < 0 or i0 >= end:
                continue
            if _is_lowercase_method(item, generic, cues.lowercase_method_heads) \
                    and not _SHARED_HEAD.search(masked, i0 - start + len(item)):  # not "joint pruning and … methods"
                out.append((RelationType.BEATS.value, i0, i0 + len(item), f"kg_relations:beats:{cue}", conf * 0.75))
                continue
            if not _is_named_method(item, generic, cues.generic_heads, cues.beat_heads):
                if re.fullmatch(r"[A-Z][a-z]{2,}", item) and item.lower() not in generic:
                    plain.append((i0, i0 + len(item)))  # "MuZero and Dreamer": Dreamer is named like MuZero
                continue
            out.append((RelationType.BEATS.value, i0, i0 + len(item), f"kg_relations:beats:{cue}", conf))
    if out:
        out += [(RelationType.BEATS.value, a, b, f"kg_relations:beats:{cue}", conf * 0.8) for a, b in plain]
    # "compared to the second-best model (S3Net)": a name in parentheses after a description of a method.
    for paren in _PAREN.finditer(text, start, end):
        inner = text[paren.start() : paren.end()].strip()[1:-1].strip()
        before = _clean_item(re.split(r",|\band\b|\bor\b", masked[: paren.start() - start])[-1], heads, cues.beat_heads)
        described = re.search(r"([\w-]+)\s*$", masked[: paren.start() - start])
        if not described or described.group(1).lower() not in cues.beat_heads:
            continue  # only "the … model (S3Net)": a description of a method, then its name
        if before and _is_named_method(before, generic, cues.generic_heads, cues.beat_heads):
            continue  # "the LoRA model (Hu et al.)": the name stands before the bracket
        if any(is_name_token(w) for w in inner.split()) and _is_named_method(inner, generic, cues.generic_heads):
            i0 = text.find(inner, paren.start())
            out.append((RelationType.BEATS.value, i0, i0 + len(inner), f"kg_relations:beats:{cue}", conf))
    return out


# "outperforms them / both / all of them / these baselines": the compared methods were named before.
_ANAPHOR = FoldedPattern(
    r"\s*(?:all\s+(?:of\s+)?|each\s+of\s+|both\s+of\s+)?(?:them|both|those|these|the\s+(?:compared|competing)\s+"
    r"(?:methods|models|baselines|approaches)|(?:the|all|these|all\s+the)\s+baselines)"
    r"(?=\s*(?:[,.;:]|$)|\s+(?:by|on|in|across|with|at|for|while|under|when|and|without|using|significantly|"
    r"consistently)\b)")
# Where the previous sentence lists the compared methods: "Baselines include …", "We compare with …",
# "… against …".
_SETUP = FoldedPattern(
    r"\b(?:baselines?\s+(?:include|including|such as|are|:)|compar(?:e|ed|es|ing)\b[^.;]{0,40}?\b(?:with|to|against)"
    r"|against)\s+")


def _antecedents(text: str, sentences: list[tuple[int, int]], s0: int, cue: str) -> list[Finding]:
    """The methods an anaphoric comparison refers to, from the comparison set-up of the sentence before."""
    idx = next((i for i, (a, _b) in enumerate(sentences) if a == s0), 0)
    if idx == 0:
        return []
    p0, p1 = sentences[idx - 1]
    setup = _SETUP.search(text, p0, p1)
    if setup is None:
        return []
    masked = _PAREN.sub(lambda mm: " " * len(mm.group()), text[p0:p1])
    m = _CLAUSE_END.search(masked, setup.end() - p0)
    end = p0 + m.start() if m else p1
    return _items_in(text, setup.end(), end, masked[setup.end() - p0 : end - p0], f"{cue}:anaphor", 0.6)


def beat_targets(text: str, sentences: list[tuple[int, int]]) -> list[Finding]:
    """Named baselines in "outperforms X, Y and Z"-style clauses, and in "X lags behind ours"."""
    cues = load_cues()
    out: list[Finding] = []
    triggers = [(m.start(), m.end(), m.group().lower()) for m in cues.beat.finditer(text)]
    triggers += [(m.start(), m.end(), "than") for m in cues.comparative_than.finditer(text)]
    triggers += [(m.start(), m.end(), "over") for m in _GAIN_OVER.finditer(text)]
    triggers += [(m.start(), m.end(), "compare") for m in _COMPARE_OURS.finditer(text)]
    masked_sentences: dict[tuple[int, int], str] = {}
    paren_spans: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for t0, pos, cue in triggers:
        s0, s1 = sentence_of(sentences, pos)
        if not s1 or _NEGATED.search(text, max(s0, t0 - 40), t0):
            continue
        if cue in ("versus", "vs.") and not _OURS.search(text, max(s0, t0 - 120), t0):
            continue  # "a case study of Adam versus SGD": two others compared, not ours against one
        if cue.endswith("ed") and _PASSIVE.search(text, max(s0, t0 - 30), t0):
            continue  # "X is outperformed by ours": the left-reading cues have it
        # Parenthesised numbers and citations are blanked out (same length, so offsets hold) before the
        # clause end is searched: "LoRA (42.30%), Full FT (49.05%)" must not end at the decimal point.
        if (s0, s1) not in masked_sentences:
            masked_sentences[(s0, s1)] = _PAREN.sub(lambda mm: " " * len(mm.group()), text[s0:s1])
            paren_spans[(s0, s1)] = [(m.start(), m.end()) for m in _PAREN.finditer(text, s0, s1)]
        masked_sent = masked_sentences[(s0, s1)]
        # The parenthesis holding the trigger, if any, is the last one opening before it (they do not nest):
        # found by bisection, not by scanning the sentence for every trigger (issue 9).
        spans = paren_spans[(s0, s1)]
        i = bisect.bisect_left(spans, (pos, pos)) - 1
        if i >= 0 and spans[i][0] < pos < spans[i][1]:
            i0, i1 = spans[i]
            # "(e.g., 7.08% gain … over Uniformer)": the trigger stands inside a parenthesis, so that one
            # is read, up to its closing bracket.
            masked_sent = masked_sent[: i0 - s0] + text[i0 : i1 - 1] + "." + masked_sent[i1 - s0 :]
        rest = masked_sent[pos - s0 :]
        # "such as X, Y" inside a generic phrase names the baselines.
        such = re.match(r"([^.;]{0,60}?)\b(?:such as|including|e\.g\.,?|like|namely|i\.e\.,?)\s+", rest) \
            or re.match(r"([^.;]{0,100}?)\b(?:achieved|reported|obtained|set) by\s+", rest)
        lead = such.group(1).split() if such else []
        if lead and any(is_name_token(w) for w in lead) and lead[-1].strip(",").lower() not in cues.generic_heads:
            such = None  # "outperforms ECMWF HRES in …, such as Africa": the names come before "such as"
        start = pos + (such.end() if such else 0)
        conf = 0.8 if cue not in ("versus", "vs.") else 0.6
        if _ANAPHOR.match(text, start, s1):
            out += _antecedents(text, sentences, s0, cue)  # "… GCN and GAT. Ours outperforms both."
            continue
        for _ in range(3):  # the clause, then up to two more "…, and methods such as X" lists after it
            m = _CLAUSE_END.search(masked_sent, start - s0, start - s0 + _LIST_WINDOW + 1)
            end = s0 + m.start() if m else s1
            # A list of baselines is read at most _LIST_WINDOW characters far: many triggers in one long
            # sentence each read to its end, which was quadratic (issue 9).
            end = min(end, start + _LIST_WINDOW)
            out += _items_in(text, start, end, masked_sent[start - s0 : end - s0], cue, conf)
            more = _SECOND_LIST.match(masked_sent, end - s0) or (
                m and m.group().strip() in ("by", "on", "in", "across")
                and _SECOND_LIST.search(masked_sent, end - s0, min(s1 - s0, end - s0 + 80)))
            if not more:
                break
            start = s0 + more.end()
    for m in cues.beat_left.finditer(text):
        s0, s1 = sentence_of(sentences, m.start())
        if not s1 or _NEGATED.search(text, max(s0, m.start() - 40), m.start()):
            continue
        boundary = _LEFT_BOUNDARY.match(text, s0, m.start())
        c0 = boundary.end() if boundary else s0
        masked = _PAREN.sub(lambda mm: " " * len(mm.group()), text[c0 : m.start()])
        out += _items_in(text, c0, m.start(), masked, "left", 0.7)
    return out


def _has(pattern: re.Pattern[str] | FoldedPattern, text: str) -> bool:
    return pattern.search(text) is not None


_FIRST_PERSON = FoldedPattern(r"\b(?:we|our|us|this (?:paper|work)|the proposed|experiments?|experimental|evaluat\w*|"
                           r"results?(?!\s+in\b))\b")  # "result in disparities" is a verb
_NUMBER = re.compile(r"(?<![\w.])[-+]?\d+(?:\.\d+)?\s?(?:%|x\b|×)")


_NEXT_WORD = re.compile(r"[\s\"'`]*([A-Za-z][\w\-]*)")
_NAME_BEFORE = re.compile(r"(?:[A-Z0-9][\w.\-]*[A-Z0-9.]|\))\s$")


_COUNTED_BEFORE = re.compile(r"\b(?:two|three|four|five|six|seven|eight|nine|ten|\d+|several|multiple|many|various|"
                             r"numerous|public|publicly available|open|real-world|large-scale|clinical)\s+$", re.I)
_PLURAL_HEAD_AFTER = re.compile(r"\s+(?:datasets|benchmarks|data sets|corpora)\b")


def not_a_dataset_here(text: str, start: int, end: int) -> bool:
    """Type evidence against a gazetteer dataset name at this place: the head noun after it makes it
    something else ("the XOR problem", "the XOR function", "a CTC loss"; cues.json "non_data_heads" and
    the method heads), or it is the last word of a longer name ("VTM-17.0 Intra", "(VVC) Intra").

    Why: the gazetteer lists thousands of dataset names that are also ordinary words or method names;
    the sentence, not another list of names, says which one is meant.
    """
    nxt = _NEXT_WORD.match(text, end)
    if nxt and nxt.group(1).lower() in load_cues().non_data_heads:
        return True
    return bool(_NAME_BEFORE.search(text, max(0, start - 30), start)) and not is_name_token(text[start:end])


#: How far (characters) a clause is read on each side of a dataset mention for background cues.
_CLAUSE_REACH = 400


def used_datasets(
    text: str, sentences: list[tuple[int, int]], mentions: list[Mention], not_data: Sequence[Mention] = ()
) -> list[Finding]:
    cues = load_cues()
    out: list[Finding] = []
    lexicon = load_lexicon()
    ours: dict[tuple[int, int], bool] = {}  # per sentence: first person or a number
    for start, end, etype, rule in mentions:
        if etype not in (EntityType.DATASET.value, EntityType.BENCHMARK.value):
            continue
        entry = lexicon.by_id.get(rule[len("lexicon:"):]) if rule.startswith("lexicon:") else None
        if entry is not None and entry.source != "curated" and not_a_dataset_here(text, start, end):
            continue
        if rule.startswith("artifact") and re.match(r"\.\s", text[end:end + 2]):
            continue  # "… and Ultrasound. We benchmark …": the head noun is a verb in the next sentence
        if rule.startswith("artifact") and _COUNTED_BEFORE.search(text, max(0, start - 40), start) \
                and _PLURAL_HEAD_AFTER.match(text, end):
            continue  # "two public CT datasets": a modality or domain describing datasets, not a name
        s0, s1 = sentence_of(sentences, start)
        # Judge the clause the mention stands in ("Unlike methods trained on COCO, our detector …"):
        # from the sentence start (or last ";") to the next comma after the mention. The background cue
        # itself must stand in the mention's own comma-delimited part, so that "Compared to previous
        # methods, X gains 3% on VALSE" is not read as background.
        # (At most _CLAUSE_REACH characters each side: a sentence with thousands of names and no comma
        # would otherwise cost its length once per name.)
        w0, w1 = max(s0, start - _CLAUSE_REACH), min(s1, end + _CLAUSE_REACH)
        c0 = max(w0, text.rfind(";", w0, start) + 1)
        c1 = text.find(",", end, w1)
        clause = text[c0 : c1 if c1 > 0 else w1]
        own = text[max(c0, text.rfind(", ", c0, start) + 1) : c1 if c1 > 0 else w1]
        if _has(cues.background, own) and not _has(_FIRST_PERSON, clause):
            continue
        if (s0, s1) not in ours:  # once per sentence: many mentions in one long sentence were quadratic
            sent = text[s0:s1]
            ours[(s0, s1)] = _has(_FIRST_PERSON, sent) or _NUMBER.search(sent) is not None
        conf = 0.85 if ours[(s0, s1)] else 0.6
        while start > s0 and text[start - 1].isalnum() and not rule.startswith("lexicon:"):
            start -= 1  # a name pattern that needs a capital cut "iNaturalist2018" to "Naturalist2018"
        out.append((RelationType.USES.value, start, end, f"kg_relations:uses:{rule.split(':')[0]}", conf))
    used = [(s, e, EntityType.DATASET.value, "") for _, s, e, _, _ in out]
    others = [m for m in mentions if m[2] not in (EntityType.DATASET.value, EntityType.BENCHMARK.value)]
    others += list(not_data)
    for start, end in coordinated_datasets(text, used + others, sentences):
        out.append((RelationType.USES.value, start, end, "kg_relations:uses:coordination", 0.6))
    taken = [(s, e) for _, s, e, _, _ in out] + [(s, e) for s, e, _, _ in others]
    for start, end in headed_datasets(text, taken):
        out.append((RelationType.USES.value, start, end, "kg_relations:uses:headed_list", 0.7))
    taken += [(s, e) for _, s, e, _, _ in out]
    for start, end in introduced_datasets(text, taken):
        out.append((RelationType.USES.value, start, end, "kg_relations:uses:introduced_list", 0.7))
    taken += [(s, e) for _, s, e, _, _ in out]
    for start, end in transfer_pair_datasets(text, taken):
        out.append((RelationType.USES.value, start, end, "kg_relations:uses:transfer_pair", 0.7))
    return out


_TRANSFER_PAIR = re.compile(r"(?<![\w-])([A-Z][\w.]*?)\s?(?:-to-|→|->|⇒)\s?([A-Z][\w.]*?)(?=[\s,;:)]|\.(?:\s|$)|$)")


def transfer_pair_datasets(text: str, taken: Sequence[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """Both sides of a domain-transfer pair when one side is a known dataset: "GTA-to-Cityscapes",
    "SYNTHIA→Cityscapes". A pair joins like things, and the tokenizer keeps the pair one token, so the
    lexicon cannot see either side on its own."""
    out: list[tuple[int, int]] = []
    if not any(arrow in text for arrow in ("-to-", "→", "->", "⇒")):
        return out  # most abstracts have no pair: skip the scan over every capital
    lexicon = load_lexicon()
    data_types = (EntityType.DATASET, EntityType.BENCHMARK)
    for m in _TRANSFER_PAIR.finditer(text):
        sides = [m.span(1), m.span(2)]
        known = [lexicon.lookup(text[a:b]) for a, b in sides]
        if not any(k is not None and k.type in data_types for k in known):
            continue
        for (a, b), k in zip(sides, known, strict=True):
            if k is not None and k.type not in data_types:
                continue
            if not any(s < b and a < e for s, e in taken) and (a, b) not in out:
                out.append((a, b))
    return out


_NAMED_ITEM = r"[A-Z0-9][\w\-+./]*(?:\s(?:[A-Z0-9][\w\-+./]*|v\d[\w.]*)){0,2}(?:\s\([^()]{1,40}\))?"
_HEADED_LIST = re.compile(rf"((?:{_NAMED_ITEM},\s*)*{_NAMED_ITEM},?\s+(?:and|&)\s+{_NAMED_ITEM})\s+$")
_DATA_HEAD = re.compile(r"\b(?:datasets|benchmarks|data sets|corpora)\b")
_NAMED_ITEM_RE = re.compile(_NAMED_ITEM)
_ITEM_PAREN = re.compile(r"\s\([^()]*\)$")


def headed_datasets(text: str, taken: Sequence[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """Names listed before a plural data head noun: "the VALSE, SugarCrepe, and ARO benchmarks",
    "Something-Else (SSE), Bridge and Kitchens-50 datasets". The head noun is the type evidence, so no
    member needs to be in the lexicon (a parenthesis after a name, an acronym or a gloss, is skipped)."""
    out: list[tuple[int, int]] = []
    for head in scan(_DATA_HEAD, text):
        lo = max(0, head.start() - 160)
        if " and " not in text[lo:head.start()] and " & " not in text[lo:head.start()]:
            continue  # no coordination, no list (and the list pattern is costly to run)
        m = _HEADED_LIST.search(text, lo, head.start())
        if not m:
            continue
        for item in _NAMED_ITEM_RE.finditer(text, m.start(1), m.end(1)):
            a, b = item.start(), item.end()
            paren = _ITEM_PAREN.search(text, a, b)
            if paren:
                b = paren.start()
            name = text[a:b]
            first = name.split()[0]
            if any(s < b and a < e for s, e in taken) or name.lower() in load_cues().generic_terms:
                continue
            if not is_name_token(first) and (a == 0 or text[a - 2:a] in (". ", "\n\n") or len(name.split()) > 1
                                             and not all(w[:1].isupper() for w in name.split())):
                continue  # "The", "Both …" opening a sentence; prose, not names
            out.append((a, b))
    return out


_ITEM = r"[A-Za-z0-9][\w\-+./]*(?:\s(?:[A-Z0-9][\w\-+./]*|v\d[\w.]*)){0,2}"
_LIST = re.compile(rf"(?<![\w-])({_ITEM})((?:,\s*{_ITEM}){{0,8}}),?\s+(?:and|or|&)\s+({_ITEM})")
_LIST_ITEM = re.compile(_ITEM)
_LEADING_PROSE = re.compile(r"(?:[a-z][\w\-]*\s+)+(?=[A-Z0-9])")


_LIST_INTRO = re.compile(r"\b([a-z][\w\-]*)\s+(?:such as|including|like|e\.g\.,?)\s+$")
_DATA_NOUNS_PLURAL = frozenset({"datasets", "benchmarks", "corpora", "sets", "suites", "collections", "sources",
                                "data", "databases", "archives", "testbeds", "tasks", "domains", "benchmark",
                                "dataset", "corpus"})


def coordinated_datasets(
    text: str, mentions: list[Mention], sentences: list[tuple[int, int]] | None = None
) -> list[tuple[int, int]]:
    """Unknown names listed together with a known dataset: "on Cora, Citeseer, and Pubmed",
    "ogbn-products and snap-patents". A list is a list of like things, so when one member is a dataset
    the coined-looking others are datasets too (plain words are not: "ImageNet and other data")."""
    known = {(s, e) for s, e, t, _ in mentions if t in (EntityType.DATASET.value, EntityType.BENCHMARK.value)}
    if not known:
        return []
    taken = [(s, e) for s, e, _, _ in mentions]
    out: list[tuple[int, int]] = []
    # Only sentences that name a known dataset can hold such a list (and scanning just those is much faster).
    windows = sorted({sentence_of(sentences, s) for s, _ in known}) if sentences else [(0, len(text))]
    matches = [m for w0, w1 in windows if w1 for m in _LIST.finditer(text, w0, w1)]
    for m in matches:
        items = [(m.start(1), m.end(1))]
        items += [(m.start(2) + i.start(), m.start(2) + i.end()) for i in _LIST_ITEM.finditer(m.group(2))]
        items.append((m.start(3), m.end(3)))
        if not any(any(s <= a and b <= e or a <= s and e <= b for s, e in known) for a, b in items):
            continue
        lead = _LEADING_PROSE.match(text, m.start(1), m.end(1))  # "as CT, MRI and …": the list starts at CT
        first = lead.end() if lead else m.start(1)
        intro = _LIST_INTRO.search(text, max(0, first - 40), first)
        if intro and intro.group(1).lower() not in _DATA_NOUNS_PLURAL:
            continue  # "modalities such as CT, MRI, X-ray and Ultrasound": the list is of that noun's kind
        for a, b in items:
            lead = _LEADING_PROSE.match(text, a, b)
            if lead:
                a = lead.end()  # "the CarlaSC", "challenging VideoEmotion-8", "on CIFAR": the name starts later
            cut = text.find(". ", a, b)
            if cut >= 0:
                b = cut  # "… and HumanEva. Extensive experiments": the list ended with the sentence
            b = a + len(text[a:b].rstrip("."))
            name = text[a:b]
            if not name or any(s < b and a < e for s, e in taken):
                continue
            if not is_name_token(name.split()[0]) and re.match(r"\s+[a-z]", text[b:b + 3]):
                continue  # "YouTube or Egocentric videos": a capitalised word before a noun modifies it
            if is_name_token(name.split()[0]) or (name[:1].isupper() and len(name.split()) == 1 and a > 0
                                                   and text[a - 2:a] not in (". ", "\n\n")):
                out.append((a, b))
    return out


_INTRO_AFTER_HEAD = re.compile(
    r"\b(?:datasets|benchmarks|data sets|corpora)\s*(?:\(\s*|,?\s+(?:such as|including|like|e\.g\.,?|namely|"
    r"i\.e\.,?)\s+|:\s*)")
_LIST_REGION_END = re.compile(r"\)|\.(?:\s|$)|;|\n|\s(?:to|for|with|that|which|where|show|demonstrat|achiev)\w*\b")
_LIST_PIECE = re.compile(r"[^,]+")
_AND_SPLIT = re.compile(r"\s+(?:and|or|&)\s+|^(?:and|or)\s+")


def introduced_datasets(text: str, taken: Sequence[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """Names a data head noun introduces: "two public datasets (VerSe, TotalSeg)", "benchmarks such as
    Revisited Oxford and Revisited Paris", "datasets: A, B, and C". The head noun before the list is the
    type evidence; each item must look like a name (coined, or capitalised) of at most three words."""
    out: list[tuple[int, int]] = []
    generic = load_cues().generic_terms
    for head in scan(_INTRO_AFTER_HEAD, text):
        stop = _LIST_REGION_END.search(text, head.end(), head.end() + 160)
        r1 = stop.start() if stop else min(len(text), head.end() + 160)
        for piece in _LIST_PIECE.finditer(text, head.end(), r1):
            pos = piece.start()
            for part in _AND_SPLIT.split(piece.group()):
                a = text.find(part, pos) if part else -1
                if a < 0:
                    continue
                pos = a + len(part)
                name = part.strip().removesuffix("etc").strip(" .")
                a = text.find(name, a) if name else -1
                if a < 0:
                    continue
                b = a + len(name)
                words = name.split()
                if not words or len(words) > 3 or name.lower() in generic:
                    continue
                if not (is_name_token(words[0]) or words[0][:1].isupper()) or words[0].lower() in ("the", "a", "an"):
                    continue
                if any(s < b and a < e for s, e in taken) or (a, b) in out:
                    continue
                out.append((a, b))
    return out


# "SAR imagery", "accuracy models": a measure's name used as a modifier of a thing is not a measure.
_METRIC_AS_MODIFIER = re.compile(
    r"\s+(?:imagery|images?|data|datasets?|models?|networks?|modules?|layers?|sensors?|signals?|foundation|"
    r"bank|banks|cells?|units?|architecture)\b")
# "with high accuracy", "better efficiency": a quality claimed in prose, not a measure reported.
_QUALITATIVE = FoldedPattern(
    r"\b(?:high|higher|highest|better|best|improved|superior|good|great|strong|remarkable|impressive|competitive|"
    r"comparable|satisfactory|reasonable|decent|excellent|low|large|small|huge|massive|limited|constant|"
    r"excessive|prohibitive)\s+$")
# "accuracy of 53.1", "power consumption of 2.63 W", "mAP: 84.8": the measure's value follows it.
_VALUE_AFTER = re.compile(r"\s*(?:of|is|was|=|:|at|reaches|reached)?\s*(?:about|around|only|up to|nearly|over)?\s*"
                          r"[-+]?\d(?![\d.,]*-[a-z])")  # "accuracy of 10-day forecasts" gives no value
_BARE_MEASURES = frozenset({"accuracy", "efficiency", "performance", "speed", "robustness", "quality", "memory",
                            "computational cost", "computation cost", "running time", "runtime", "training time",
                            "inference time", "inference speed", "training speed", "power consumption"})


def _part_of_name(text: str, start: int, end: int, s0: int) -> bool:
    """A capitalised measure word inside a Title-Case phrase ("Dynamic Memory Network", "with Constant
    Memory") is part of a name, not a measure."""
    word = text[start:end]
    if not word[:1].isupper() or word.isupper() or not any(c.islower() for c in word):
        return False
    before = text[s0:start].split()
    after = text[end:end + 40].split()
    prev_cap = bool(before) and before[-1][:1].isupper() and start - s0 > len(before[-1]) + 1
    next_cap = bool(after) and after[0][:1].isupper()
    return prev_cap or next_cap


# "reduces CPU traffic by 87%", "parameters of 3.6M": the measure's change or value follows it.
_CHANGE_AFTER = re.compile(r"\s*(?:by|of|to|from)\s+(?:about|around|up to|nearly|over|only|approximately|~)?\s*"
                           r"[-+]?\d")
# "40x speedup", "0.7% parameters", "3.6M parameters", "60% fewer parameters": a value stands right before.
_VALUE_BEFORE = re.compile(
    r"(?:\d\s?(?:%|x|×|times|-fold)|(?:only|just|mere|fewer|less than)\s+\d[\d.,]*\s?[KMB]?)\s+"
    r"(?:(?:fewer|less|lower|higher|faster|more|of the|of its|the)\s+)?$")


def changed_measure(text: str, s0: int, start: int, end: int, s1: int) -> bool:
    """Whether the text right around a measure says it moved or gives its value.

    "reduces training time", "in terms of energy, latency and area", "fewer parameters", "speedup of 3x",
    "40x acceleration" evaluate with the measure even when no number stands beside it; "with a large
    number of parameters" or "at training time" do not. Only the clause next to the mention is read, so
    a number elsewhere in the sentence proves nothing for it.
    """
    cues = load_cues()
    if valued_measure(text, s0, start, end, s1):
        return True
    before = max(s0, start - 60)
    cue = cues.measure_change_before.window(text, before, start)
    if cue and not _PURPOSE.search(text, max(s0, cue[0] - 30), cue[0]) \
            and not _CONCESSIVE.search(text, max(s0, cue[0] - 40), cue[0]):
        return True
    # a list ("in terms of energy, latency, and area"): the cue stands before the first member
    window = text[before:start]
    lead = _LIST_LEAD.search(text, before, start) if ", " in window or " and " in window or " or " in window else None
    if lead and cues.measure_change_before.window(text, max(s0, lead.start() - 60), lead.start()):
        return True
    return False


def valued_measure(text: str, s0: int, start: int, end: int, s1: int) -> bool:
    """Whether a value stands right beside a measure: "40x speedup", "only 0.7% of the parameters",
    "parameters by over 60%", "a speedup of 3x"."""
    if _VALUE_BEFORE.search(text, max(s0, start - 20), start):
        return True
    return _CHANGE_AFTER.match(text, end, min(s1, end + 40)) is not None


def _clause_bounds(sentences: list[tuple[int, int]], start: int, end: int) -> tuple[int, int, int, int]:
    s0, s1 = sentence_of(sentences, start)
    return s0, start, end, s1 or end


# "to reduce the cost", "would like to reduce", "ways to lower": a goal stated, not a change measured.
_PURPOSE = re.compile(r"(?<![\w-])to\s+(?:further\s+|significantly\s+|greatly\s+)?$", re.I)
# "Despite improvements in forecast accuracy, …": a change conceded as background, not one this paper reports.
_CONCESSIVE = re.compile(r"(?<![\w-])(?:despite|although|though|even if|while)\b", re.I)
# "at training time", "during inference time": when something happens, not how long it takes.
_WHEN = re.compile(r"(?<![\w-])(?:at|during|in)\s+(?:the\s+)?$", re.I)


# The members before a measure in a list: "energy, latency, and " before "area".
# (Members start at a word start and are matched possessively: the window is searched once per measure.)
_LIST_LEAD = re.compile(r"(?<![\w-])(?:[\w\-]++(?:\s[\w\-]++)?,\s+)++(?:and\s+|or\s+)?$"
                        r"|(?<![\w-])[\w\-]++(?:\s[\w\-]++)?\s+(?:and|or)\s+$")


_GOAL_VERB = re.compile(r"(?<![\w-])to\s+(?:[a-z]+ly\s+)?([a-z]+)\s+(?:(?:the|its|their|our|model)\s+)?$", re.I)
_DETERMINER = frozenset({"the", "a", "an", "its", "their", "our", "this", "these", "be", "have"})


def _stated_goal(text: str, s0: int, start: int) -> bool:
    """A measure named as what someone wants ("to enhance detection accuracy", "To preserve accuracy, we …",
    "aims to optimize the accuracy") is a goal, not an evaluation: no number or change is reported."""
    m = _GOAL_VERB.search(text, max(s0, start - 40), start)
    if m and m.group(1).lower() not in _DETERMINER and m.group(1).lower() not in load_cues().metric_widen_stop:
        return True
    if text[s0:s0 + 3] == "To ":
        comma = text.find(",", s0, start)
        return comma < 0  # the mention stands in the sentence's opening purpose clause
    return False


def _in_name_list(text: str, start: int, end: int, mentions: list[Mention]) -> bool:
    """An acronym-shaped metric ("MAE") listed by comma between two method names is a model there."""
    if not text[start:end].isupper():
        return False
    methods = {(s, e) for s, e, t, _ in mentions if t == EntityType.METHOD.value}
    prev = next((s for s, e in methods if 0 <= start - e <= 2 and text[e:start].strip() == ","), None)
    nxt = next((e for s, e in methods if 0 <= s - end <= 2 and text[end:s].strip() == ","), None)
    return prev is not None and nxt is not None


def measured_metrics(
    text: str, sentences: list[tuple[int, int]], mentions: list[Mention], title_end: int = -1
) -> list[Finding]:
    cues = load_cues()
    out: list[Finding] = []
    metric_mentions = [(s, e) for s, e, t, _ in mentions if t == EntityType.METRIC.value]
    listed = {(s, e) for s, e, _, rule in mentions if rule == "pattern:metric_list"}
    # A word this paper uses as a modifier somewhere ("SAR imagery", "SAR foundation models") names a
    # modality here, not a measure, wherever it stands.
    modifiers = {text[s:e] for s, e in metric_mentions if _METRIC_AS_MODIFIER.match(text, e)}
    for start, end in metric_mentions:
        s0, s1 = sentence_of(sentences, start)
        sent = text[s0:s1]
        if _part_of_name(text, start, end, s0) or text[start:end] in modifiers:
            continue
        if cues.number_format.window(text, max(s0, start - 20), min(s1, end + 25)) \
                and "precision" in text[start:end].lower():
            continue  # "mixed precision training", "FP16 precision": a number format, not a measure
        if text[start:end].lower().endswith("time") and _WHEN.search(text, max(s0, start - 15), start):
            continue  # "at training time"
        if _in_name_list(text, start, end, mentions):
            continue  # "ResNet, ViT, MAE, DETR": an acronym listed among models names a model
        if text[start:end].lower() in _BARE_MEASURES and _QUALITATIVE.window(text, max(s0, start - 30), start) \
                and not _NUMBER.search(sent) and not re.search(r"\bthan\b", text[end:s1]):
            continue  # "with high accuracy" (but "better accuracy than prior approaches" is a comparison)
        if (start, end) in listed:
            # "in terms of noise, fidelity and contrast": the list's cue says what its members are
            out.append((RelationType.MEASURES.value, start, end, "kg_relations:measures:listed", 0.6))
            continue
        changed = changed_measure(text, s0, start, end, s1)
        if text[start:end].lower() in cues.gated_measures:
            # "speed", "parameters", "cost": common prose words, a measure only where the text moves them.
            if changed:
                out.append((RelationType.MEASURES.value, start, end, "kg_relations:measures:changed", 0.75))
            continue
        if _VALUE_AFTER.match(text, end, min(s1, end + 40)):
            out.append((RelationType.MEASURES.value, start, end, "kg_relations:measures:value", 0.85))
        elif _NUMBER.search(sent) or re.search(r"\d", sent) and _has(cues.measure, sent):
            out.append((RelationType.MEASURES.value, start, end, "kg_relations:measures:reported", 0.85))
        elif _stated_goal(text, s0, start):
            continue
        elif _has(cues.measure, sent) and _has(_FIRST_PERSON, sent):
            out.append((RelationType.MEASURES.value, start, end, "kg_relations:measures:evaluated", 0.6))
        elif changed:
            out.append((RelationType.MEASURES.value, start, end, "kg_relations:measures:changed", 0.6))
        elif title_end > 0 and start < title_end:
            # "Accuracy vs. Training Time", "Scaling Laws for BLEU": a measure a title names is the paper's topic
            out.append((RelationType.MEASURES.value, start, end, "kg_relations:measures:title", 0.55))
    return out


# Where a "task of" / "problem of" phrase ends: punctuation, or a whole preposition or clause word ("the problem
# of efficient inference across devices"). Whole words only: "weight initialization" does not end at "in".
_TASK_OF_END = (r"(?=[,.;(]|\s(?:is|in|of|and|or|that|which|with|for|across|during|on|under|over|from|to|at|by|"
                r"via|using|through|without|where|when|while|given|between|into|as)\b)")
_TASK_PATTERNS = (  # (pattern, the rare word every match contains, how far before it a match may start,
    #                   whether the phrase must end in a task head noun)
    (re.compile(r"\b(?:the )?(?:task|problem) of ([a-z][\w\- ]{3,60}?)" + _TASK_OF_END, re.I),
     re.compile(r"(?i)\b(?:task|problem) of\b"), 8, True),
    (re.compile(r"(?:^|[.;]\s|\n)([A-Z][\w\- ]{3,60}?)(?: \([A-Za-z\-]+\))? (?:is|remains|has become|has been) "
                r"(?:a|an|one of the)\b[^.]{0,40}?\b(?:task|problem|challenge)", re.M),
     re.compile(r"\b(?:is|remains|has become|has been) (?:a|an|one of the)\b[^.]{0,40}?\b(?:task|problem|challenge)"),
     90, False),
    # "Global channel pruning (GCP) aims to …", "Adversarial training has been widely used …": a sentence
    # that opens by defining or situating a problem names it (the phrase must end in a task head noun).
    (re.compile(r"(?:^|[.;]\s|\n)([A-Z][\w\-]*(?: [\w\-]+){0,5}?)(?: \([A-Za-z\-]+\))? (?:aims? (?:to|at)|refers? to|"
                r"has (?:been|become|attracted|gained|emerged|received)|plays|is (?:a|an) (?:critical|crucial|"
                r"fundamental|important|key|essential|core|central|challenging|long-standing|popular|promising|"
                r"widely)|seeks? to)\b", re.M),
     re.compile(r"\b(?:aims? (?:to|at)|refers? to|has (?:been|become|attracted|gained|emerged|received)|plays|"
                r"is (?:a|an) (?:critical|crucial|fundamental|important|key|essential|core|central|challenging|"
                r"long-standing|popular|promising|widely)|seeks? to)\b"),
     70, True),
)


# "Although global pruning …", "The 8-bit quantization …": words that open the sentence, not the name.
_LEADING_FUNCTION_WORDS = re.compile(
    r"(?:(?:the|a|an|although|though|while|however|since|because|recently|currently|today|nowadays|"
    r"moreover|furthermore|thus|hence|indeed|in|for|of|on)\s+)+", re.I)


_TITLE_FOR = re.compile(
    r"\b(?:for|towards|toward|(?<!based )on)\s+([A-Za-z0-9][\w\-]*(?:\s+[A-Za-z0-9][\w\-]*){0,5}?)"
    r"(?=\s+(?:with|via|using|through|by|in|on|from|under|at|and|based|of|for)\b|[:,?]|$)",
    re.I,
)
_TITLE_LEAD = re.compile(r"^((?:[A-Za-z0-9][\w\-]*\s){1,5}?[A-Za-z0-9][\w\-]*)\s+(?:with|via|using|through|by)\s", re.I)
TASK_HEADS = re.compile(
    r"(?:ion|ing|ment|sis|ysis|detection|retrieval|recognition|segmentation|classification|generation|"
    r"estimation|prediction|translation|learning|training|inference|compression|pruning|quantization|"
    r"distillation|reconstruction|synthesis|forecasting|tracking|captioning|answering|understanding|"
    r"editing|alignment|discovery|planning|control|search|optimization|adaptation|unlearning|attacks?|transfer)$",
    re.I,
)
_TOO_GENERAL_TASKS = frozenset({"training", "learning", "inference", "evaluation", "testing", "deployment",
                                "computation", "optimization", "modeling", "modelling"})
_TITLE_SPLIT = re.compile(r"\s+(?:for|of|in|on|with|via|using|through|by|from)\s+", re.I)


def title_tasks(title: str) -> list[tuple[int, int]]:
    """Task phrases a title names: "… for <task>", "<task> with/via <method>" (the phrase must end in a
    task-like head noun, so "for Free" or "for Every Network" do not count). A phrase that joins two
    ("Unsupervised Domain Adaptation for LiDAR Segmentation") yields each part that is a task, and words
    that frame rather than name ("Fast", "Enhancing") are left out."""
    cues = load_cues()
    out: list[tuple[int, int]] = []
    candidates = [(m.start(1), m.end(1)) for m in _TITLE_FOR.finditer(title)]
    lead = _TITLE_LEAD.match(title.split(": ", 1)[-1])
    if lead:
        offset = len(title) - len(title.split(": ", 1)[-1])
        candidates.append((offset + lead.start(1), offset + lead.end(1)))
    for a0, b0 in candidates:
        parts, pos, after_of = [], a0, False
        for sep in _TITLE_SPLIT.finditer(title, a0, b0):
            if not after_of:
                parts.append((pos, sep.start()))
            after_of = sep.group().strip().lower() == "of"  # "Evaluation of Adversarial Perturbation": its object
            pos = sep.end()
        if not after_of:
            parts.append((pos, b0))
        for a, b in parts:
            # Title words that praise or frame a task rather than name it (cues.json "task_framing_words"):
            # "Fast High-Resolution Bone Suppression", "Enhancing Unsupervised Video Representation Learning",
            # "Robust Adversarial Training", "the Adversarial Training of …".
            framing = cues.task_framing.match(title, a, b)
            if framing:
                a = framing.end()
            phrase = title[a:b].strip()
            words = phrase.split()
            if not words or not TASK_HEADS.search(words[-1]) or is_name_token(words[0]) and len(words) == 1:
                continue
            if words[-1].lower() in cues.non_task_heads:
                continue  # "Treating Motion as Option", "Medical Imaging": a task-like suffix, not a task
            if phrase.lower() in _TOO_GENERAL_TASKS:
                continue  # "Efficient Training of …" leaves "Training": too general to be the paper's task
            if (a, a + len(phrase)) not in out:
                out.append((a, a + len(phrase)))
    return out


_TASK_WORD = re.compile(r"\b(?:task|tasks)\b")
_WORD = re.compile(r"[A-Za-z0-9][\w\-/]*")
_TRAILING_ACRONYM = re.compile(r"\([A-Za-z][\w\-]*\)$")
_PREV_NAME = re.compile(r"(?<![\w-])([A-Z][\w\-]*) $")
_COORDINATOR_BEFORE = re.compile(r"(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)$")


_COUNT_WORDS = frozenset("one two three four five six seven eight nine ten twelve dozens across complete".split())
# "pre-training tasks", "pretext tasks": the exercises a model is trained with, not the problem it solves.
_NOT_TASK_PHRASES = frozenset({"pre-training", "pretraining", "pretext", "auxiliary", "proxy", "following"})


def _is_data_name(word: str) -> bool:
    """A capitalised word the lexicon knows as a dataset: "the ImageNet classification task" is image
    classification evaluated on ImageNet, so the name says where the task is measured, not which task it is."""
    if not word[:1].isupper():
        return False
    entry = load_lexicon().lookup(word)
    return entry is not None and entry.type in (EntityType.DATASET, EntityType.BENCHMARK)


# General heads that a modifier turns into a task's name ("language modeling", "representation learning").
_NAMED_BY_OBJECT = frozenset({"learning", "modeling", "modelling"})


def _task_phrase_before(text: str, pos: int, max_words: int = 6) -> tuple[int, int] | None:
    """The task-named phrase that ends right before ``pos``: content words read leftwards until a function
    word, an evaluative word or punctuation ("the challenging surface normal estimation" → "surface normal
    estimation"); it must end in a task head noun ("… estimation", "… classification").

    Read with one left-to-right word scan of a short window (a regex anchored at the window's end
    backtracks from every position)."""
    lo = max(0, pos - 90)
    window = text[lo:pos].rstrip()
    paren = _TRAILING_ACRONYM.search(window)
    if paren:
        window = window[: paren.start()].rstrip()  # "… spotting (KWS) task"
    words = list(_WORD.finditer(window))
    if not words or words[-1].end() != len(window):
        return None
    run = [words[-1]]  # the trailing words joined only by spaces
    for prev in reversed(words[:-1]):
        if not window[prev.end() : run[-1].start()].isspace() or len(run) == 6:
            break
        run.append(prev)
    run.reverse()
    cues = load_cues()
    keep = len(run)
    for i in range(len(run) - 1, -1, -1):
        w = run[i].group().lower()
        if w in TASK_STOP or w in _COUNT_WORDS or w.endswith(("ly", "ify")) or w[0].isdigit() \
                or w in cues.generic_terms and i < len(run) - 1 or _is_data_name(run[i].group()):
            break
        keep = i
    keep = max(keep, len(run) - max_words)
    if keep == len(run):
        return None
    last = run[-1].group().lower()
    # "learning tasks" names nothing, "representation learning tasks" and "language modeling tasks" do; a
    # stage of the pipeline stays too general whatever stands before it ("end-to-end training tasks").
    if not TASK_HEADS.search(last) or last in cues.non_task_heads or last in _NOT_TASK_PHRASES \
            or last in _TOO_GENERAL_TASKS and (keep == len(run) - 1 or last not in _NAMED_BY_OBJECT):
        return None
    return lo + run[keep].start(), lo + run[-1].end()


def head_noun_tasks(text: str) -> list[tuple[int, int]]:
    """Phrases the text itself calls a task: "the surface normal estimation task", "classification and
    regression tasks", "the keyword spotting (KWS) task". ("problem" is left out: "the overfitting
    problem", "the update locking problem" name issues, not tasks; on train it added more errors than hits.)

    Type evidence from the head noun, so no gazetteer entry is needed, and coordinated names before one
    head ("X and Y tasks") are each a task.
    """
    out: list[tuple[int, int]] = []
    for m in scan(_TASK_WORD, text):
        span = _task_phrase_before(text, m.start())
        while span is not None and span not in out:
            out.append(span)
            c_end = span[0]
            prev = _PREV_NAME.search(text, max(0, c_end - 40), c_end)
            if prev and _is_data_name(prev.group(1)):
                c_end = prev.start(1)  # "SVHN classification and PTB language modeling tasks"
            coord = _COORDINATOR_BEFORE.search(text, max(0, c_end - 8), c_end)
            # A coordinated name is read no longer than the one next to the head noun: without a tagger,
            # "cover classification and regression tasks" would take the verb along.
            width = len(text[span[0]:span[1]].split())
            span = _task_phrase_before(text, coord.start(), width) if coord else None
    return out


_TITLE_CONNECTOR = re.compile(r"\b(for|towards?|via|using|with|through|by|to|of|in|on|from|based on)\s", re.I)
_MEANS_CONNECTORS = frozenset({"via", "using", "with", "through", "by", "based on"})


def title_means(title: str, start: int, end: int, task_spans: Sequence[tuple[int, int]]) -> bool:
    """Whether a task name in the title is the paper's *means*, not its task.

    A title reads "<method> for <task>" or "<task> via/with <method>": a known task name standing after
    "via", "using", "with", "through" or "by" ("… Domain Adaptation … Using Contrastive Learning"), or
    before a "for" that leads to a task phrase ("Deep Reinforcement Learning for Portfolio Optimization",
    "Shuffle Data Augmentation for 3D Object Detection"), is the technique applied, not the problem.
    """
    s0 = title.rfind(": ", 0, start) + 1  # the subtitle after "Name: " is read on its own
    connectors = [m.group(1).lower() for m in _TITLE_CONNECTOR.finditer(title, s0, start)]
    if connectors:
        return connectors[-1] in _MEANS_CONNECTORS
    follow = _TITLE_CONNECTOR.search(title, end)
    if follow is None or follow.group(1).lower() != "for":
        return False
    return any(a >= follow.end() for a, _ in task_spans)


# "via contrastive learning", "by leveraging data augmentation": a task name after these words is the means.
_MEANS_BEFORE = FoldedPattern(
    r"\b(?:via|using|leverag\w*|adopt\w*|employ\w*|appl(?:y|ies|ying|ied)|incorporat\w*|integrat\w*|"
    r"harness\w*|exploit\w*|utiliz\w*)"
    r"(?:\s+(?:a|an|the|their|our|its|self-supervised|supervised|unsupervised|standard|simple)){0,2}\s+$")
# "a data augmentation strategy", "a contrastive loss", "learning-based": a technique's head after the name;
# "Denoising Diffusion", "Stacked Denoising Encoders", "denoising steps": a model or procedure the task word
# only qualifies (any case: inside a model's name the words are capitalised).
_METHOD_HEAD_AFTER = re.compile(
    r"[\s-]+(?:based|technique|techniques|strategy|strategies|loss|losses|objective|objectives|scheme|schemes|"
    r"mechanism|mechanisms|agent|agents|module|modules|regularizer|regularization|paradigm|diffusion|"
    r"autoencoders?|encoders?|steps?|procedures?|process)\b", re.I)
_MIN_TASK_SCORE = 0.75  # a task named only as the means ("via contrastive learning") is not one the paper addresses


def _min_score(text: str, start: int, end: int) -> float:
    """The evidence a task candidate needs. A learning paradigm or field ("representation learning",
    "contrastive learning", "remote sensing"; cues.json "paradigm_task_heads") named once or twice in the
    abstract is usually the approach or the setting, not the problem addressed: it must be in the title,
    in a task wording, or named repeatedly (on train such weak paradigm mentions were right 8 times in 35)."""
    last = text[start:end].rsplit(None, 1)[-1].lower()
    return 2.0 if last in load_cues().paradigm_heads else _MIN_TASK_SCORE


# "Deep learning has revolutionized …", "GNNs have shown success …": the present perfect of a field's progress.
_FIELD_PROGRESS = FoldedPattern(
    r"\b(?:has|have)\s+(?:\w+ly\s+)?(?:\w+ed|shown|made|become|grown|seen|led|brought|taken|driven)\b",
    requires="ha")


def field_background(sentence: str) -> bool:
    """Whether a sentence tells the field's history rather than this paper's work: a present perfect of
    progress with no first person or experiment ("Deep learning has revolutionized vision, language and
    speech recognition", "GNNs have shown success in fraud detection and recommendation"). Tasks named
    there once are the field's examples (train: 8 of 9 such once-named tasks were not the paper's)."""
    return _FIELD_PROGRESS.search(sentence) is not None and _FIRST_PERSON.search(sentence) is None


def means_context(text: str, start: int, end: int) -> bool:
    """Whether the words around a task name cast it as the technique used, not the problem addressed
    ("via contrastive learning", "a data augmentation strategy")."""
    return bool(_MEANS_BEFORE.search(text, max(0, start - 40), start)) or bool(_METHOD_HEAD_AFTER.match(text, end))


_ACRONYM_TASK_HEADS = frozenset((*TASK_NOUNS, "training", "adaptation", "search", "editing", "captioning",
                                  "answering", "tracking", "synthesis", "restoration", "reconstruction"))


def setting_variant(prefix: str) -> bool:
    """Whether ``prefix`` (the words before a known task inside a longer task name) only sets the task in a
    data or label regime ("Few-Shot", "Weakly-Supervised"; cues.json "task_setting_modifiers").

    Why: "Few-Shot Out-of-Distribution Detection" is a task of its own, and a paper about it addresses
    out-of-distribution detection too (train: 7 papers name both, the annotators listed both); other
    modifiers ("Natural Image Matting", "Scene-aware Human Motion Forecasting") only make the one task
    precise."""
    words = prefix.lower().split()
    settings = load_cues().task_settings
    return bool(words) and all(w in settings for w in words)


def _defined_task_names(
    text: str, acronyms: Sequence[tuple[tuple[int, int], tuple[int, int]]], mentions: Sequence[Mention],
    min_uses: int = 3,
) -> list[tuple[tuple[int, int], int]]:
    """Long forms the paper defines an acronym for, that end in a task's head noun and whose acronym the
    paper keeps using ("test-time training (TTT)" then "TTT" again and again): the paper's own name for
    its problem. A name already typed otherwise (a known method such as LoRA, a name the paper proposes)
    is not one. Returns (long-form span, times the acronym appears)."""
    typed = {text[s:e] for s, e, t, _ in mentions if t != EntityType.TASK.value}
    candidates: dict[str, tuple[int, int]] = {}
    for (a0, a1), (l0, l1) in acronyms:
        short, words = text[a0:a1], text[l0:l1].split()
        if short not in candidates and words and words[-1].lower() in _ACRONYM_TASK_HEADS \
                and short not in typed and text[l0:l1] not in typed:
            candidates[short] = (l0, l1)
    if not candidates:
        return []
    # One scan of the text counts every candidate acronym (a scan per acronym would grow with their number).
    alternation = "|".join(re.escape(a) for a in sorted(candidates, key=len, reverse=True))
    uses = Counter(m.group() for m in re.finditer(rf"(?<![\w-])(?:{alternation})(?![\w-])", text))
    return [(span, uses[short]) for short, span in candidates.items() if uses[short] >= min_uses]


def addressed_tasks(
    text: str, sentences: list[tuple[int, int]], mentions: list[Mention], title_end: int, limit: int = 3,
    long_forms: Sequence[tuple[int, int]] = (),
    acronyms: Sequence[tuple[tuple[int, int], tuple[int, int]]] = (),
) -> list[Finding]:
    """The (at most ``limit``) main tasks: ranked by where and how often the task is named.

    ``long_forms`` are the spans the paper defines an acronym for: a task name that ends one
    ("asynchronous federated learning (AFL)") is widened to it, the paper's own name for its task.
    """
    ends = {b: a for a, b in long_forms}
    cues = load_cues()
    scored: dict[str, float] = defaultdict(float)
    first_span: dict[str, tuple[int, int, str]] = {}

    def add(start: int, end: int, score: float, rule: str, key: str | None = None) -> None:
        # Mentions of one lexicon task share a key, whatever modifiers widened them ("image representation
        # learning", "video representation learning"): one task, one of the ``limit`` slots.
        key = key or re.sub(r"[\s\-]+", " ", text[start:end].lower()).rstrip("s")
        scored[key] += score
        if key not in first_span or start < first_span[key][0]:
            first_span[key] = (start, end, rule)

    title = text[:title_end] if title_end > 0 else ""
    in_title_tasks = title_tasks(title) if title else []
    task_mentions = [(s, e) for s, e, t, _ in mentions if t == EntityType.TASK.value]
    for start, end, etype, rule in mentions:
        if etype != EntityType.TASK.value:
            continue
        if ends.get(end, start) < start and len(text[ends[end]:end].split()) <= 6:
            start = ends[end]
        s0, s1 = sentence_of(sentences, start)
        in_title = title_end > 0 and start < title_end
        if in_title and title_means(title, start, end, in_title_tasks + task_mentions):
            score = 1.0
        elif not in_title and (means_context(text, start, end) or field_background(text[s0:s1])):
            score = 0.5
        else:
            score = 3.0 if in_title else (1.5 if _has(cues.task, text[s0:s1]) else 1.0)
        add(start, end, score, "lexicon", rule if rule.startswith("lexicon:") else None)
    for a, b in in_title_tasks:
        add(a, b, 3.5, "title")
    for (l0, l1), uses in _defined_task_names(text, acronyms, mentions):
        add(l0, l1, 0.5 * uses, "acronym")
    for a, b in head_noun_tasks(text[title_end:] if title_end > 0 else text):
        offset = max(0, title_end)
        add(a + offset, b + offset, 1.0, "head")
    for pattern, anchor, before, needs_head in _TASK_PATTERNS:
        for m in anchored_finditer(pattern, anchor, text, before):
            phrase = m.group(1).strip()
            lead = _LEADING_FUNCTION_WORDS.match(phrase)
            p0 = m.start(1) + (lead.end() if lead else 0)
            phrase = phrase[lead.end():] if lead else phrase
            if not phrase:
                continue
            if needs_head and (not TASK_HEADS.search(phrase.split()[-1])
                               or phrase.split()[-1].lower() in cues.non_task_heads
                               or phrase.lower() in _TOO_GENERAL_TASKS):
                continue  # "This paper aims to …", "Our method has been …": not a task's name
            if 2 <= len(phrase.split()) <= 6 and phrase.lower() not in cues.generic_terms:
                add(p0, p0 + len(phrase), 2.0, "pattern")  # one word ("Communication is a key …"): too general
    # A phrase inside a longer chosen phrase ("object detection" in "multi-view object detection") is the
    # same task named less precisely: fold its score into the longer one.
    for key in list(scored):
        s0, e0, _ = first_span[key]
        for other in list(scored):
            s1, e1, _ = first_span[other]
            if other != key and s1 <= s0 and e0 <= e1 and (e1 - s1) > (e0 - s0) \
                    and not (e0 == e1 and s1 < title_end and setting_variant(text[s1:s0])):
                scored[other] += scored.pop(key)
                break
    ranked = sorted(scored.items(), key=lambda kv: (-kv[1], first_span[kv[0]][0]))
    out: list[Finding] = []
    # A paradigm the paper defines an acronym for ("semi-supervised learning (SSL)") is its subject, not a
    # passing mention: it needs no more evidence than any other task (train: 3 of 4 such were gold tasks).
    defined = {b for a, b in long_forms}

    def enough(key: str, score: float) -> bool:
        s0, e0, _ = first_span[key]
        return score >= (_MIN_TASK_SCORE if e0 in defined else _min_score(text, s0, e0))

    for key, score in [kv for kv in ranked if enough(*kv)][:limit]:
        start, end, rule = first_span[key]
        conf = min(0.95, 0.4 + 0.15 * score)
        out.append((RelationType.ADDRESSES.value, start, end, f"kg_relations:addresses:{rule}", conf))
    return out


def _paradigm_acronyms(text: str, abbreviations: Sequence[tuple[tuple[int, int], tuple[int, int]]]) -> set[str]:
    """Acronyms this paper defines for a learning paradigm or problem ("asynchronous federated learning
    (AFL)", "Federated Long-Tailed Learning (Fed-LT)"): "faster than … AFL approaches" compares with a
    family, never one named baseline."""
    return {text[a0:a1] for (a0, a1), (l0, l1) in abbreviations
            if _PARADIGM_LAST.search(text[l0:l1].split()[-1] if text[l0:l1].split() else "")}


def find_relations(
    text: str, sentences: list[tuple[int, int]], mentions: list[Mention], title_end: int,
    abbreviations: Sequence[tuple[tuple[int, int], tuple[int, int]]] = (),
) -> list[Finding]:
    paradigms = _paradigm_acronyms(text, abbreviations)
    beats = [b for b in beat_targets(text, sentences) if text[b[1]:b[2]] not in paradigms]
    # Names a sentence says the paper beats are methods: a list that also holds a dataset does not make
    # them datasets.
    beaten: list[Mention] = [(s, e, EntityType.METHOD.value, "beats") for _, s, e, _, _ in beats]
    return (
        beats
        + used_datasets(text, sentences, mentions, beaten)
        + measured_metrics(text, sentences, mentions, title_end)
        + addressed_tasks(text, sentences, mentions, title_end, long_forms=[long for _, long in abbreviations],
                          acronyms=abbreviations)
    )


# How a lexicon mention of each type widens over the words that make it more specific.
_WIDEN = {EntityType.METRIC.value: extend_metric_span, EntityType.TASK.value: extend_task_span,
          EntityType.DATASET.value: extend_dataset_span, EntityType.BENCHMARK.value: extend_dataset_span}


def defined_metrics(
    text: str, pairs: Sequence[tuple[tuple[int, int], tuple[int, int]]], mentions: Sequence[Mention]
) -> list[Mention]:
    """Metric mentions for acronyms the paper defines with a measure's long form.

    "mean absolute error (MAE)", "information transfer rates (ITRs)", "discovery acceleration factors (DAF)":
    whatever the lexicon knows, a long form ending in a measure's head noun defines a measure, and every
    later use of the short form ("reduces MPJPE by 9%") names it. Spans another mention already covers
    are left to it.
    """
    heads = load_cues().definition_metric_heads
    taken = [(s, e) for s, e, _, _ in mentions]
    out: list[Mention] = []
    for (a0, a1), (l0, l1) in pairs:
        last = text[l0:l1].rsplit(None, 1)[-1].lower()
        if last not in heads and not (last.endswith("s") and last[:-1] in heads):
            continue
        short = text[a0:a1]
        spans = [(l0, l1)] + [(m.start(), m.end()) for m in
                              re.finditer(rf"(?<![\w-]){re.escape(short)}(?![\w-])", text)]
        for s, e in spans:
            if not any(s < e2 and s2 < e for s2, e2 in taken):
                out.append((s, e, EntityType.METRIC.value, "abbreviation:metric"))
                taken.append((s, e))
    return out


# One list member: one to three lower-case words ("reconstruction fidelity") or a coined name ("SSIM").
_LIST_ITEM_WORDS = re.compile(r"(?:[a-z][a-z\-]*|[A-Z][\w\-@]*)(?:\s(?!(?:and|or)\b)[a-z][a-z\-]*){0,2}")
_LIST_SEP = re.compile(r"\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+")
_LIST_STOP = frozenset({"for", "on", "in", "with", "of", "compared", "while", "across", "than", "over", "under",
                        "without", "at", "by", "from", "to", "when", "which", "that", "as", "respectively"})


def listed_metrics(text: str, mentions: Sequence[Mention]) -> list[Mention]:
    """Measures listed after "in terms of" or "metrics such as", named in the lexicon or not.

    "advantages in terms of noise, reconstruction fidelity and contrast", "key metrics such as coherence,
    diversity, and quality": the phrase says what the list is, so its members are measures whatever their
    words. A member ends at a preposition or clause word ("contrast for both …"); framing words ("both",
    "performance", "quantitative") are not members. Spans another mention covers are left to it.
    """
    cues = load_cues()
    low = text.lower()
    if not any(phrase in low for phrase in cues.metric_list_phrases):
        return []  # most abstracts have no such list: a substring test spares the regex scan
    taken = [(s, e) for s, e, _, _ in mentions]
    out: list[Mention] = []
    for cue in cues.metric_list.finditer(text):
        pos = cue.end()
        for _ in range(6):
            m = _LIST_ITEM_WORDS.match(text, pos)
            if not m:
                break
            words = m.group().split()
            cut = next((i for i, w in enumerate(words) if w.lower() in _LIST_STOP), len(words))
            words = words[:cut]
            if not words:
                break
            s, e = m.start(), m.start() + len(" ".join(words))
            framing = {words[0].lower(), words[-1].lower()} & cues.metric_list_not_items
            if not framing and not words[0].endswith("ed") and not any(s < e2 and s2 < e for s2, e2 in taken):
                out.append((s, e, EntityType.METRIC.value, "pattern:metric_list"))
                taken.append((s, e))
            if cut < len(m.group().split()):
                break  # the list ran into a preposition: it ended
            sep = _LIST_SEP.match(text, e)
            if not sep:
                break
            pos = sep.end()
    return out


_BY_VALUE = re.compile(r"\sby\s+(?:a factor of\s+|up to\s+|over\s+|about\s+|nearly\s+|around\s+|"
                       r"approximately\s+|~\s*)?\d")


def moved_metrics(text: str, mentions: Sequence[Mention]) -> list[Mention]:
    """Measures the text changes by a stated amount: "reduces data transfer time by 47.1%", "saves system
    power by 12%", "reduce the FLOPs and parameters by over 60%".

    Whatever its words, what a method reduces or raises *by a number* is a measure of it. A coordinated
    phrase gives one measure per member; a phrase with "of", a capitalised name in it (another mention:
    "accelerate Adam training"), or a head that names an activity or a thing ("training", "performance",
    "the baseline") gives none. Spans another mention covers are left to it.
    """
    cues = load_cues()
    taken = [(s, e) for s, e, _, _ in mentions]
    out: list[Mention] = []
    # The pattern is run only in the window before each "by <number>" (rare, cheap to find).
    for anchor in _BY_VALUE.finditer(text):
        base = max(0, anchor.start() - 100)
        m = next((m for m in cues.moved_by_value.finditer(text[base:anchor.end()])
                  if base + m.end() == anchor.end()), None)
        if m is None:
            continue
        pos = base + m.start(1)
        for part in re.split(r"(\s+and\s+|,\s*)", text[base + m.start(1):base + m.end(1)]):
            s, e = pos, pos + len(part)
            pos = e
            words = part.split()
            if not 1 <= len(words) <= 3 or part.strip(" ,") != part:
                continue  # a separator, or a clause rather than a measure's name
            if "of" in words or words[-1].lower() in cues.moved_not_heads or words[-1].lower().endswith("ing"):
                continue
            if any(s < e2 and s2 < e for s2, e2 in taken):
                continue
            out.append((s, e, EntityType.METRIC.value, "pattern:moved_by_value"))
            taken.append((s, e))
    return out


def doc_mentions(doc: Doc) -> list[Mention]:
    """Lexicon matches plus candidates that do not overlap one, as (start, end, type, rule).

    ``kg_relations`` and ``kg_results`` both read them: the list is kept on the Doc and rebuilt only when
    the lexicon matches or candidates it came from were replaced.
    """
    lexicon_matches, candidates = doc._.kg_lexicon_matches, doc._.kg_candidates
    cached = doc.user_data.get("kg_mentions")
    if cached is not None and cached[0] is lexicon_matches and cached[1] is candidates:
        return cached[2]
    text = doc_text(doc)
    # "speed", "parameters", "cost" are prose far more often than measures: such a lexicon match is a metric
    # mention only where the text moves the measure or gives its value ("fewer parameters", "cost by 30%").
    gated = load_cues().gated_measures
    sentences = doc._.kg_sentences or [(0, len(text))]
    mentions: list[Mention] = []
    lexicon = load_lexicon()
    for s, e, t, i in lexicon_matches or []:
        if t == EntityType.METRIC.value and " " in text[s:e]:
            # "ImageNet top-1 accuracy" (a leaderboard's metric name): the dataset it opens with is a
            # dataset mention, the measure is the rest.
            first = text[s:e].split(" ", 1)[0]
            known = lexicon.lookup(first) if first[:1].isupper() else None
            rest = lexicon.lookup(text[s + len(first) + 1:e])
            if known is not None and known.type in (EntityType.DATASET, EntityType.BENCHMARK) \
                    and rest is not None and rest.type is EntityType.METRIC:
                mentions.append((s, s + len(first), known.type.value, f"lexicon:{known.id}"))
                s, i = s + len(first) + 1, rest.id
        a, b = _WIDEN[t](text, s, e) if t in _WIDEN else (s, e)
        core = text[s:e].lower()
        if t == EntityType.METRIC.value and core in gated and b == e \
                and not changed_measure(text, *_clause_bounds(sentences, a, b)):
            continue
        mentions.append((a, b, t, f"lexicon:{i}"))
    mentions += defined_metrics(text, doc._.kg_abbreviations or [], mentions)
    mentions += listed_metrics(text, mentions)
    mentions += moved_metrics(text, mentions)
    taken = [(s, e) for s, e, _, _ in mentions]
    for s, e, t, rule, _conf, _proposed in candidates or []:
        if not any(s < e2 and s2 < e for s2, e2 in taken):
            mentions.append((s, e, t, rule))
            taken.append((s, e))
    mentions.sort()
    doc.user_data["kg_mentions"] = (lexicon_matches, candidates, mentions)
    return mentions


class RelationFinder:
    def __init__(self, nlp: Language, name: str = "kg_relations") -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        sentences = doc._.kg_sentences or [(0, len(text))]
        doc._.kg_relations = find_relations(text, sentences, doc_mentions(doc), text.find("\n\n"),
                                            doc._.kg_abbreviations or ())
        return doc


@Language.factory(
    "kg_relations",
    requires=["doc._.kg_sentences", "doc._.kg_lexicon_matches", "doc._.kg_candidates"],
    assigns=["doc._.kg_relations"],
    default_config={},
)
def make_relation_finder(nlp: Language, name: str) -> RelationFinder:
    return RelationFinder(nlp, name)
