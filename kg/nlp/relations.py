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

import re
from collections import defaultdict
from collections.abc import Sequence

from spacy.language import Language
from spacy.tokens import Doc

from kg.lexicon import load_lexicon
from kg.model import EntityType, RelationType
from kg.nlp.cues import (
    TASK_NOUNS,
    FoldedPattern,
    anchored_finditer,
    extend_dataset_span,
    extend_metric_span,
    extend_task_span,
    is_name_token,
    load_cues,
)
from kg.nlp.sentences import doc_text, sentence_of

Finding = tuple[str, int, int, str, float]
Mention = tuple[int, int, str, str]  # (start, end, EntityType value, rule/lexicon id)

if not Doc.has_extension("kg_relations"):
    Doc.set_extension("kg_relations", default=None)

_CLAUSE_END = re.compile(r"\.(?!\d)|[;:]|\s(?:by|on|in|across|under|while|with|at|for|when|without|using|through|from|regarding|and\s+(?:achiev|reduc|improv|obtain|requir))\b|,\s(?:while|which|where|achiev|demonstrat|show|reduc|improv|and\s+(?:achiev|reduc|improv|is|are))")
_PAREN = re.compile(r"\s*\([^()]*\)")
_SPLIT = re.compile(r",\s*(?:and\s+|or\s+)?|\s+(?:and|or|as well as|&)\s+")
_NUM_ONLY = re.compile(r"^[\d.,%x×\s+-]+$")
# A lower-case verb inside an item means the clause ran on into a new sentence part ("APQ achieves 2.3%").
_VERB = re.compile(r"(?<![\w-])(?:achiev|obtain|yield|reach|show|demonstrat|improv|reduc|outperform|perform|surpass|"
                   r"is|are|was|were|has|have|had|can|could|may|will|requir|lead|result)\w*(?![\w-])")


def _clean_item(item: str, heads: frozenset[str] = frozenset()) -> str:
    item = item.strip(" ,.;:\"'")
    for _ in range(3):  # "all previous equivariant …", "the original MTT", "standard SGD"
        item = re.sub(r"^(?:the|a|an|all|most|both|strong|popular|recent|several|many|other|existing|prior|previous|"
                      r"original|standard|vanilla|conventional|classic|classical|baseline|current|state-of-the-art)\s+",
                      "", item, flags=re.I)
    item = re.sub(r"\s+(?:and|or)$", "", item)
    words = item.split()
    # "Capsule Network proposals" → "Capsule Network": a generic head after a name names that name's family.
    if len(words) > 1 and words[-1].lower() in heads:
        rest = words[:-1]
        if not all(w[:1].isupper() or is_name_token(w) or w[:1].isdigit() for w in rest):
            return ""  # "4D LiDAR generation methods": a family described, not named
        item = " ".join(rest)
    return item.strip()


_PARADIGM_LAST = re.compile(rf"^(?:{'|'.join(TASK_NOUNS)})$", re.I)
_DATA_NOUNS = frozenset({"images", "image", "data", "inputs", "samples", "features", "videos", "labels", "frames"})


def _is_named_method(item: str, generic: frozenset[str], heads: frozenset[str] = frozenset()) -> bool:
    words = re.findall(r"[\w\-+.^]+", item)
    if not words or len(words) > 5 or _NUM_ONLY.match(item) or _VERB.search(item):
        return False
    if words[-1].lower() in _DATA_NOUNS:
        return False  # "compared with HR images": inputs, not a method
    known = load_lexicon().lookup(item)
    if known is not None and known.type is EntityType.METHOD:
        return True  # "naive Bayes", "Uniformer": the field knows them as methods, whatever their spelling
    if item.endswith("-") or words[0].isdigit() or any(w.lower() in ("sota", "sotas", "soa") for w in words):
        return False  # "AI-", "24 RGB-D SOD", "SOTA LLIE": fragments and generic references
    if _PARADIGM_LAST.search(words[-1]) and not any(is_name_token(w) for w in words):
        return False  # "Continual Learning", "numerical weather prediction": a problem or paradigm, not a method
    if all(w.lower() in generic for w in words):
        return False
    if len(words) > 1 and words[-1].lower() in heads:
        return False  # "state-of-the-art 4D LiDAR generation methods": a class of methods, not a name
    if sum(1 for w in words if w[:1].islower() and w.lower() not in generic and not is_name_token(w)) > 1:
        return False  # a clause ("CBNetV2 introduces a more efficient"), not a name
    if any(is_name_token(w) for w in words):
        return True
    # Title-case multiword names ("Sharpness-Aware Minimization", "Capsule Network", "Full FT").
    return len(words) >= 2 and all(w[:1].isupper() for w in words if w.lower() not in ("of", "for", "and", "with"))


_GAIN_OVER = FoldedPattern(
    r"\b(?:improvement|improvements|gain|gains|speedup|speed-up|acceleration|advantage|margin|boost|superior|"
    r"superiority)s?\b"
    r"(?:[^.;]|\.\d){0,60}?\bover\b")
_COMPARE_OURS = FoldedPattern(
    r"\bcompar(?:e|es|ed|ing)\s+(?:our|the proposed|this|their)\b[^.;]{0,40}?\b(?:to|with|against)\b")


def beat_targets(text: str, sentences: list[tuple[int, int]]) -> list[Finding]:
    """Named baselines in "outperforms X, Y and Z"-style clauses."""
    cues = load_cues()
    out: list[Finding] = []
    triggers = [(m.end(), m.group().lower()) for m in cues.beat.finditer(text)]
    triggers += [(m.end(), "than") for m in cues.comparative_than.finditer(text)]
    triggers += [(m.end(), "over") for m in _GAIN_OVER.finditer(text)]
    triggers += [(m.end(), "compare") for m in _COMPARE_OURS.finditer(text)]
    masked_sentences: dict[tuple[int, int], str] = {}
    for pos, cue in triggers:
        s0, s1 = sentence_of(sentences, pos)
        if not s1:
            continue
        # Parenthesised numbers and citations are blanked out (same length, so offsets hold) before the
        # clause end is searched: "LoRA (42.30%), Full FT (49.05%)" must not end at the decimal point.
        if (s0, s1) not in masked_sentences:
            masked_sentences[(s0, s1)] = _PAREN.sub(lambda mm: " " * len(mm.group()), text[s0:s1])
        masked_sent = masked_sentences[(s0, s1)]
        inner = next((m for m in _PAREN.finditer(text, s0, s1) if m.start() < pos < m.end()), None)
        if inner is not None:
            # "(e.g., 7.08% gain … over Uniformer)": the trigger stands inside a parenthesis, so that one
            # is read, up to its closing bracket.
            masked_sent = masked_sent[: inner.start() - s0] + text[inner.start() : inner.end() - 1] + "." \
                + masked_sent[inner.end() - s0 :]
        rest = masked_sent[pos - s0 :]
        # "such as X, Y" inside a generic phrase names the baselines.
        such = re.match(r"[^.;]{0,60}?\b(?:such as|including|e\.g\.,?|like|namely|i\.e\.,?)\s+", rest) \
            or re.match(r"[^.;]{0,100}?\b(?:achieved|reported|obtained|set) by\s+", rest)
        if such and any(is_name_token(w) for w in rest[: such.start(0) + such.group().lower().rfind(" ")].split()[:-1]):
            such = None  # "outperforms ECMWF HRES in …, such as Africa": the names come before "such as"
        start = pos + (such.end() if such else 0)
        m = _CLAUSE_END.search(masked_sent, start - s0)
        end = s0 + m.start() if m else s1
        masked = masked_sent[start - s0 : end - s0]
        conf = 0.8 if cue != "against" and cue != "relative to" else 0.55
        for part in re.finditer(r"[^,]+", masked):
            for piece in _SPLIT.split(part.group()):
                item = _clean_item(piece, cues.generic_heads | {"proposals", "variants", "method", "model"})
                if not item or not _is_named_method(item, cues.generic_baselines | cues.generic_terms, cues.generic_heads):
                    continue
                i0 = text.find(item, start + part.start())
                if i0 < 0 or i0 >= end:
                    continue
                out.append((RelationType.BEATS.value, i0, i0 + len(item), f"kg_relations:beats:{cue}", conf))
    return out


def _has(pattern: re.Pattern[str] | FoldedPattern, text: str) -> bool:
    return pattern.search(text) is not None


_FIRST_PERSON = FoldedPattern(r"\b(?:we|our|us|this (?:paper|work)|the proposed|experiments?|experimental|evaluat\w*|"
                           r"results?(?!\s+in\b))\b")  # "result in disparities" is a verb
_NUMBER = re.compile(r"(?<![\w.])[-+]?\d+(?:\.\d+)?\s?(?:%|x\b|×)")


def used_datasets(
    text: str, sentences: list[tuple[int, int]], mentions: list[Mention], not_data: Sequence[Mention] = ()
) -> list[Finding]:
    cues = load_cues()
    out: list[Finding] = []
    for start, end, etype, rule in mentions:
        if etype not in (EntityType.DATASET.value, EntityType.BENCHMARK.value):
            continue
        s0, s1 = sentence_of(sentences, start)
        sent = text[s0:s1]
        # Judge the clause the mention stands in ("Unlike methods trained on COCO, our detector …"):
        # from the sentence start (or last ";") to the next comma after the mention.
        c0 = max(s0, text.rfind(";", s0, start) + 1)
        c1 = text.find(",", end, s1)
        clause = text[c0 : c1 if c1 > 0 else s1]
        if _has(cues.background, clause) and not _has(_FIRST_PERSON, clause):
            continue
        conf = 0.85 if _has(_FIRST_PERSON, sent) or _NUMBER.search(sent) else 0.6
        out.append((RelationType.USES.value, start, end, f"kg_relations:uses:{rule.split(':')[0]}", conf))
    used = [(s, e, EntityType.DATASET.value, "") for _, s, e, _, _ in out]
    others = [m for m in mentions if m[2] not in (EntityType.DATASET.value, EntityType.BENCHMARK.value)]
    others += list(not_data)
    for start, end in coordinated_datasets(text, used + others, sentences):
        out.append((RelationType.USES.value, start, end, "kg_relations:uses:coordination", 0.6))
    return out


_ITEM = r"[A-Za-z0-9][\w\-+./]*(?:\s(?:[A-Z0-9][\w\-+./]*|v\d[\w.]*)){0,2}"
_LIST = re.compile(rf"(?<![\w-])({_ITEM})((?:,\s*{_ITEM}){{0,8}}),?\s+(?:and|or|&)\s+({_ITEM})")
_LIST_ITEM = re.compile(_ITEM)
_LEADING_PROSE = re.compile(r"(?:[a-z][\w\-]*\s+)+(?=[A-Z0-9])")


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
                          r"[-+]?\d")
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


def measured_metrics(text: str, sentences: list[tuple[int, int]], mentions: list[Mention]) -> list[Finding]:
    cues = load_cues()
    out: list[Finding] = []
    metric_mentions = [(s, e) for s, e, t, _ in mentions if t == EntityType.METRIC.value]
    # A word this paper uses as a modifier somewhere ("SAR imagery", "SAR foundation models") names a
    # modality here, not a measure, wherever it stands.
    modifiers = {text[s:e] for s, e in metric_mentions if _METRIC_AS_MODIFIER.match(text, e)}
    for start, end in metric_mentions:
        s0, s1 = sentence_of(sentences, start)
        sent = text[s0:s1]
        if _part_of_name(text, start, end, s0) or text[start:end] in modifiers:
            continue
        if text[start:end].lower() in _BARE_MEASURES and _QUALITATIVE.search(text, max(s0, start - 30), start) \
                and not _NUMBER.search(sent) and not re.search(r"\bthan\b", text[end:s1]):
            continue  # "with high accuracy" (but "better accuracy than prior approaches" is a comparison)
        if _VALUE_AFTER.match(text, end, min(s1, end + 40)):
            out.append((RelationType.MEASURES.value, start, end, "kg_relations:measures:value", 0.85))
        elif _NUMBER.search(sent) or re.search(r"\d", sent) and _has(cues.measure, sent):
            out.append((RelationType.MEASURES.value, start, end, "kg_relations:measures:reported", 0.85))
        elif _has(cues.measure, sent) and _has(_FIRST_PERSON, sent):
            out.append((RelationType.MEASURES.value, start, end, "kg_relations:measures:evaluated", 0.6))
    return out


_TASK_PATTERNS = (  # (pattern, the rare word every match contains, how far before it a match may start)
    (re.compile(r"\b(?:the )?(?:task|problem) of ([a-z][\w\- ]{3,60}?)(?=[,.;(]| is| in| and| that| which| with| for)",
                re.I), re.compile(r"(?i)\b(?:task|problem) of\b"), 8),
    (re.compile(r"(?:^|[.;]\s|\n)([A-Z][\w\- ]{3,60}?)(?: \([A-Za-z\-]+\))? (?:is|remains|has become|has been) "
                r"(?:a|an|one of the)\b[^.]{0,40}?\b(?:task|problem|challenge)", re.M),
     re.compile(r"\b(?:is|remains|has become|has been) (?:a|an|one of the)\b[^.]{0,40}?\b(?:task|problem|challenge)"),
     90),
)


_TITLE_FOR = re.compile(
    r"\b(?:for|towards|toward)\s+([A-Za-z0-9][\w\-]*(?:\s+[A-Za-z0-9][\w\-]*){0,5}?)"
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
# Title words that praise or frame a task rather than name it: "Fast High-Resolution Bone Suppression",
# "Enhancing Unsupervised Video Representation Learning", "Real-World Mathematical Expression Recognition".
_TITLE_FRAMING = re.compile(
    r"(?:(?:enhancing|improving|expediting|advancing|boosting|accelerating|scaling|rethinking|revisiting|"
    r"unleashing|empowering|bridging|exploring|unifying|democratizing|taming|mastering|towards|toward|"
    r"fast|faster|efficient|scalable|realistic|real-world|high-fidelity|high-quality|accurate|effective|"
    r"simple|practical|lightweight|better|improved|parsimonious|universal|generalizable|versatile|"
    r"flexible|stable|reliable|zero-cost|training-free|plug-and-play)\s+)+", re.I)
_TOO_GENERAL_TASKS = frozenset({"training", "learning", "inference", "evaluation", "testing", "deployment",
                                "computation", "optimization", "modeling", "modelling"})
_TITLE_SPLIT = re.compile(r"\s+(?:for|of|in|on|with|via|using|through|by|from)\s+", re.I)


def title_tasks(title: str) -> list[tuple[int, int]]:
    """Task phrases a title names: "… for <task>", "<task> with/via <method>" (the phrase must end in a
    task-like head noun, so "for Free" or "for Every Network" do not count). A phrase that joins two
    ("Unsupervised Domain Adaptation for LiDAR Segmentation") yields each part that is a task, and words
    that frame rather than name ("Fast", "Enhancing") are left out."""
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
            framing = _TITLE_FRAMING.match(title, a, b)
            if framing:
                a = framing.end()
            phrase = title[a:b].strip()
            words = phrase.split()
            if not words or not TASK_HEADS.search(words[-1]) or is_name_token(words[0]) and len(words) == 1:
                continue
            if phrase.lower() in _TOO_GENERAL_TASKS:
                continue  # "Efficient Training of …" leaves "Training": too general to be the paper's task
            if (a, a + len(phrase)) not in out:
                out.append((a, a + len(phrase)))
    return out


def addressed_tasks(
    text: str, sentences: list[tuple[int, int]], mentions: list[Mention], title_end: int, limit: int = 3
) -> list[Finding]:
    """The (at most ``limit``) main tasks: ranked by where and how often the task is named."""
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

    for start, end, etype, rule in mentions:
        if etype != EntityType.TASK.value:
            continue
        s0, s1 = sentence_of(sentences, start)
        in_title = title_end > 0 and start < title_end
        score = 3.0 if in_title else (1.5 if _has(cues.task, text[s0:s1]) else 1.0)
        add(start, end, score, "lexicon", rule if rule.startswith("lexicon:") else None)
    if title_end > 0:
        for a, b in title_tasks(text[:title_end]):
            add(a, b, 3.5, "title")
    for pattern, anchor, before in _TASK_PATTERNS:
        for m in anchored_finditer(pattern, anchor, text, before):
            phrase = m.group(1).strip()
            if 1 <= len(phrase.split()) <= 6 and phrase.lower() not in cues.generic_terms:
                add(m.start(1), m.start(1) + len(phrase), 2.0, "pattern")
    # A phrase inside a longer chosen phrase ("object detection" in "multi-view object detection") is the
    # same task named less precisely: fold its score into the longer one.
    for key in list(scored):
        s0, e0, _ = first_span[key]
        for other in list(scored):
            s1, e1, _ = first_span[other]
            if other != key and s1 <= s0 and e0 <= e1 and (e1 - s1) > (e0 - s0):
                scored[other] += scored.pop(key)
                break
    ranked = sorted(scored.items(), key=lambda kv: (-kv[1], first_span[kv[0]][0]))
    out: list[Finding] = []
    for key, score in ranked[:limit]:
        start, end, rule = first_span[key]
        conf = min(0.95, 0.4 + 0.15 * score)
        out.append((RelationType.ADDRESSES.value, start, end, f"kg_relations:addresses:{rule}", conf))
    return out


def find_relations(
    text: str, sentences: list[tuple[int, int]], mentions: list[Mention], title_end: int
) -> list[Finding]:
    beats = beat_targets(text, sentences)
    # Names a sentence says the paper beats are methods: a list that also holds a dataset does not make
    # them datasets.
    beaten: list[Mention] = [(s, e, EntityType.METHOD.value, "beats") for _, s, e, _, _ in beats]
    return (
        beats
        + used_datasets(text, sentences, mentions, beaten)
        + measured_metrics(text, sentences, mentions)
        + addressed_tasks(text, sentences, mentions, title_end)
    )


# How a lexicon mention of each type widens over the words that make it more specific.
_WIDEN = {EntityType.METRIC.value: extend_metric_span, EntityType.TASK.value: extend_task_span,
          EntityType.DATASET.value: extend_dataset_span, EntityType.BENCHMARK.value: extend_dataset_span}


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
    mentions: list[Mention] = [
        (*(_WIDEN[t](text, s, e) if t in _WIDEN else (s, e)), t, f"lexicon:{i}")
        for s, e, t, i in (lexicon_matches or [])
    ]
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
        doc._.kg_relations = find_relations(text, sentences, doc_mentions(doc), text.find("\n\n"))
        return doc


@Language.factory(
    "kg_relations",
    requires=["doc._.kg_sentences", "doc._.kg_lexicon_matches", "doc._.kg_candidates"],
    assigns=["doc._.kg_relations"],
    default_config={},
)
def make_relation_finder(nlp: Language, name: str) -> RelationFinder:
    return RelationFinder(nlp, name)
