"""The spaCy components, rule by rule: parametrised (text, expected) cases, negatives included."""

from __future__ import annotations

import pytest
import spacy

from kg.model import EntityType, Paper, RelationType, Section
from kg.nlp import PIPELINE, load_nlp, new_nlp
from kg.nlp.abbreviation import find_abbreviations
from kg.nlp.candidates import find_candidates, title_name
from kg.nlp.sentences import split_sentences
from kg.nlp.tokenizer import customize_tokenizer


@pytest.fixture(scope="module")
def tokenizer_nlp():
    nlp = spacy.blank("en")
    customize_tokenizer(nlp)
    return nlp


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("ImageNet-1K", ["ImageNet-1K"]),
        ("CIFAR-10/100.", ["CIFAR-10/100", "."]),
        ("GPT-4o", ["GPT-4o"]),
        ("Llama 2 7B", ["Llama", "2", "7B"]),
        ("NTU RGB+D 120", ["NTU", "RGB+D", "120"]),
        ("mAP@0.5", ["mAP@0.5"]),
        ("top-1", ["top-1"]),
        ("BLEU-4,", ["BLEU-4", ","]),
        ("3D-ALiBi", ["3D-ALiBi"]),
        ("(ResNet-18)", ["(", "ResNet-18", ")"]),
        ("53.14%", ["53.14", "%"]),
        ("2.3x", ["2.3", "x"]),
        ("2.3×", ["2.3", "×"]),
        ("5\\%", ["5\\", "%"]),
        ("Global-Local", ["Global-Local"]),
    ],
)
def test_tokenizer_keeps_ml_names_whole(tokenizer_nlp, text, tokens):
    assert [t.text for t in tokenizer_nlp(text)] == tokens


@pytest.mark.parametrize(
    ("text", "pairs"),
    [
        ("Contrastive Language-Image Pre-training (CLIP) works.", [("CLIP", "Contrastive Language-Image Pre-training")]),
        ("Parameter-efficient fine-tuning (PEFT) methods", [("PEFT", "Parameter-efficient fine-tuning")]),
        ("large language models (LLMs) grow", [("LLMs", "large language models")]),
        ("in-distribution (ID) and out-of-distribution (OOD) samples",
         [("ID", "in-distribution"), ("OOD", "out-of-distribution")]),
        ("we propose Singular Values and Orthonormal Regularized Singular Vectors Adaptation, or SORSA, a method",
         [("SORSA", "Singular Values and Orthonormal Regularized Singular Vectors Adaptation")]),
        ("a Decoupled Global-Local Alignment (DeGLA) framework", [("DeGLA", "Decoupled Global-Local Alignment")]),
        ("reducing Bjontegaard-Delta rate (BD-rate) by 16.54%", [("BD-rate", "Bjontegaard-Delta rate")]),
        ("SORSA (Singular Orthonormal Regularized Singular Adaptation) is", [("SORSA", "Singular Orthonormal Regularized Singular Adaptation")]),
        # negatives: prose, numbers and references in parentheses
        ("models, e.g., CLIP (i.e., a contrastive model)", []),
        ("it improves by (2.3%) as shown in (Fig. 1)", []),
        ("the model (ours) is better", []),
        ("a strong baseline (BERT) is used", []),
    ],
)
def test_find_abbreviations(text, pairs):
    found = [(text[s0:s1], text[l0:l1]) for (s0, s1), (l0, l1) in find_abbreviations(text)]
    assert found == pairs


@pytest.mark.parametrize(
    ("text", "n"),
    [
        ("We use CLIP, e.g. ViT-B/16 (Radford et al. 2021). It works.", 2),
        ("Accuracy is 3.5% on A. B. Smith data. Next one? Yes.", 3),
        ("Title here\n\nFirst sentence. Second sentence.", 3),
    ],
)
def test_sentences(text, n):
    assert len(split_sentences(text)) == n


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("MagicPose4D: Crafting Articulated Models", "MagicPose4D"),
        ("PD-Quant: Post-Training Quantization", "PD-Quant"),
        ("Spike-driven Transformer V2: Meta Spiking Neural Network", "Spike-driven Transformer V2"),
        ("Mask & Match: Learning to Recognize Handwritten Math", None),
        ("Fool the Hydra: Adversarial Attacks", None),
        ("Beyond Face Rotation: Global and Local Perception GAN", None),
    ],
)
def test_title_name(title, name):
    span = title_name(title)
    assert (title[span[0]:span[1]] if span else None) == name


def _proposed(text: str) -> set[str]:
    title_end = text.find("\n\n")
    cands = find_candidates(text, None, find_abbreviations(text), title_end if title_end > 0 else None)
    return {text[s:e] for s, e, _t, _r, _c, proposed in cands if proposed}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Title\n\nTo address this, we propose MagicPose4D, a novel framework for control.", {"MagicPose4D"}),
        ("Title\n\nWe introduce a Decoupled Global-Local Alignment (DeGLA) framework that improves it.",
         {"Decoupled Global-Local Alignment", "DeGLA"}),
        ("Title\n\nTo address these limitations, we present the framework GETA, which prunes.", {"GETA"}),
        ("Title\n\nThe proposed GT framework, named LargeGT, overcomes bottlenecks.", {"LargeGT"}),
        ("Title\n\nWe propose a novel learning approach, LegoGCD, which is integrated.", {"LegoGCD"}),
        ("Title\n\nOur method (TESLA) achieves 27.9% testing accuracy.", {"TESLA"}),
        ("Title\n\nWe address this with a technique we call Gradient Blending, which blends.", {"Gradient Blending"}),
        ("Title\n\nAdditionally, we propose a Global-local Chamfer loss that aligns the distribution.",
         {"Global-local Chamfer loss"}),
        # negatives: unnamed contributions, other people's methods
        ("Title\n\nWe propose a novel loss that improves robustness.", set()),
        ("Title\n\nRecently, Wortsman et al. proposed a CL method, SupSup, which uses a fixed network.", set()),
        # coined components the paper defines with their own acronym
        ("Title\n\nThe former includes a Long-distance Reference Extractor (LRE) to obtain context.",
         {"Long-distance Reference Extractor", "LRE"}),
        ("Title\n\nLIAR first introduces Selective Low-light Image Enhancement (SLLIE), which adapts.",
         {"Selective Low-light Image Enhancement", "SLLIE"}),
        # ... but not known methods, tasks, institutions or prior work
        ("Title\n\nWe use the Discrete Fourier Transform (DFT) to mix tokens.", set()),
        ("Title\n\nThis includes Mathematical Expression Recognition (MER) in the wild.", set()),
        ("Title\n\nThe data includes scans from the Kessler Foundation (KF).", set()),
        ("Title\n\nUnlike existing methods such as the Adaptive Token Mixer (ATM), ours is fast.", set()),
        # generic classes, dimensions and names that would run over a sentence end are not proposals
        ("Title\n\nWe leverage the in-context learning of Large Language Models (LLMs) to build it.", set()),
        ("Title\n\nThis work presents a graph neural network (GNN) framework for the MIS problem.", set()),
        ("Title\n\nWe present a framework combining a 3D physics simulator with a deep model.", set()),
        ("Title\n\nWe put forward a local learning method, dubbed AugLocal. AugLocal is fast.", {"AugLocal"}),
        ("Title\n\nWe propose Fides, a novel framework for validation of ML-as-a-Service (MLaaS) inference.",
         {"Fides"}),
        ("Title\n\nThis paper presents DetailFlow, a coarse-to-fine 1D autoregressive (AR) generation method.",
         {"DetailFlow"}),
        ("Title\n\nWe propose to train a once-for-all (OFA) network that supports many settings.",
         {"once-for-all", "OFA"}),
        # the means of an analysis is not the proposal
        ("Title\n\nWe introduce a method to analyze the parameters by performing singular value "
         "decomposition (SVD) and discuss it.", set()),
        # a title that is itself a named artifact, but not a description or a known class
        ("Progressive Ensemble Networks for Zero-Shot Recognition\n\nWe study it.", {"Progressive Ensemble Networks"}),
        ("A Generative Framework for Low-Cost Result Validation\n\nWe study it.", set()),
        ("Accelerating Toeplitz Neural Network with Constant-time Inference\n\nWe study it.", set()),
        ("Convolutional Neural Networks for Sentence Classification\n\nWe study it.", set()),
        ("Title\n\nWe introduce the Accuracy and Global-Local Fairness Optimality Problem (AGLFOP), a program.",
         {"Accuracy and Global-Local Fairness Optimality Problem", "AGLFOP"}),
    ],
)
def test_propose_candidates(text, expected):
    assert _proposed(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # naming verbs: an acronym definition after them is the name, in both forms
        ("Title\n\nTo fix this, we propose a new optimizer called BAlaNced GrAdient Descent (BAGAD), which converges.",
         {"BAlaNced GrAdient Descent", "BAGAD"}),
        ("Title\n\nWe introduce a scheme termed Sparse Local and Global Routing in MoE (SLoGR), which helps.",
         {"Sparse Local and Global Routing in MoE", "SLoGR"}),
        # quoted, lower-case and versioned names after a naming verb
        ("Title\n\nWe formulate a new paradigm, coined \"Agents-as-Judges,\" which lets agents grade.",
         {"Agents-as-Judges"}),
        ("Title\n\nWe develop a novel semi-supervised model called pseudo teacher to use unlabeled data.",
         {"pseudo teacher"}),
        ("Title\n\nWe propose a unified framework named ERNIE 4.5 for pre-training.", {"ERNIE 4.5"}),
        ("Title\n\nWe address this by proposing a new matting dataset, namely COCO-Matte.", {"COCO-Matte"}),
        ("Title\n\nWe propose the ADAptive Lookahead optimizer, Adal for short, for fast training.", {"Adal"}),
        # a second coordinated name
        ("Title\n\nWe present MLICv3 and MLICv3^+, enhanced versions of the codec.", {"MLICv3", "MLICv3^+"}),
        # negatives: modifiers, possessives, and acronyms the proposal acts on or is built from
        ("Title\n\nWe propose a GAN-based image codec working at low bitrates.", set()),
        ("Title\n\nWe design GCC's pre-training task as instance discrimination.", {"GCC"}),
        ("Title\n\nThis paper presents a technique to train the final layers of a neural network (NN) by boosting.",
         set()),
        ("Title\n\nWe propose a magnetic tunnel junction (MTJ) based accelerator for inference.", set()),
        ("Title\n\nWe propose a model, named Seer, by inflating text-to-image (T2I) diffusion models.", {"Seer"}),
        ("Title\n\nThis work presents a solver for the maximum clique (MC) problem.", set()),
    ],
)
def test_propose_namings_and_fragments(text, expected):
    assert _proposed(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # sub-modules the sentence says are proposed (passive), with or without their acronym
        ("Title\n\nNext, a Gated Token Mixing Attention mechanism is proposed to fuse both streams.",
         {"Gated Token Mixing Attention"}),
        ("Title\n\nMoreover, a Cross-Scale Fusion (CSF) strategy is introduced to merge features.",
         {"Cross-Scale Fusion", "CSF"}),
        ("Title\n\nA token-aware routing head (TARH) that picks experts is proposed to cut compute.",
         {"token-aware routing head", "TARH"}),
        ("Title\n\nThe Adam optimizer is introduced in many works.", set()),
        # a lower-case name in apposition to an artifact noun; "our method, X"; "X, which"
        ("Title\n\nWe introduce weight pruning, a method for compressing models.", {"weight pruning"}),
        ("Title\n\nOur method, Q-Mix, combines two ideas.", {"Q-Mix"}),
        ("Title\n\nWe present Falcon, which answers questions about tables.", {"Falcon"}),
        # a description head after a Title-Case name is not part of it
        ("Title\n\nWe introduce a novel Frame Token Decomposer module that splits prompts.",
         {"Frame Token Decomposer"}),
        # named variants of the proposal, but not data splits named after it
        ("Title\n\nWe introduce OmniGen, comprising OmniGen-Lite for phones and OmniGen-Pro for servers. "
         "OmniGen-based tools help.", {"OmniGen", "OmniGen-Lite", "OmniGen-Pro"}),
        ("Title\n\nWe propose CodeBench, a benchmark. Results on CodeBench-Hard are low.", {"CodeBench"}),
        # a name in apposition after a long description, or after "i.e."
        ("Title\n\nWe design a new entropy-based token-mixing DA scheme, MixPick, to enhance CutMix.", {"MixPick"}),
        ("Title\n\nWe present an AI-based data assimilation model, i.e., Assim, for weather variables.", {"Assim"}),
        # a nominal proposal
        ("Title\n\nOur work culminates with the introduction of TunerNet, a learned optimizer.", {"TunerNet"}),
        # an acronym qualifying an unnamed proposal, or analysed, is not the proposal; nor is an acronym that
        # a naming verb renames
        ("Title\n\nWe propose an end-to-end HDR video composition framework that aligns frames.", set()),
        ("Title\n\nWe present the first geometric analysis of NC under weight decay.", set()),
        ("Title\n\nWe design a novel magnitude pruning (MP) method, named sparse regrowth (SpaRe), that helps.",
         {"sparse regrowth", "SpaRe"}),
        ("Title\n\nWe propose a DP-like Recursive Solver based on GNNs.", set()),
        # names in typographic quotes
        ("Title\n\nWe propose “DeepFuse”, a fusion method for images.", {"DeepFuse"}),
        ("Title\n\nWe introduce a new benchmark called “CodeArena” for agents.", {"CodeArena"}),
    ],
)
def test_propose_components_and_variants(text, expected):
    assert _proposed(text) == expected


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("Local-Prompt: Extensible Prompts for Detection", "Local-Prompt"),
        ("Few-Bit Backward: Quantized Gradients for Training", "Few-Bit Backward"),
        ("Falcon: A Question Answering Model for Tables", "Falcon"),
        ("Self-Supervised Learning: A Survey of Methods", None),
        ("Attention: Why It Works", None),
        ("Beyond LLaVA-HD: Diving into High-Resolution Models", None),
    ],
)
def test_title_names_without_coined_tokens(title, name):
    span = title_name(title)
    assert (title[span[0]:span[1]] if span else None) == name


def _extract(nlp, title: str, abstract: str):
    from kg.extract import extract_paper

    return extract_paper(Paper(id="t:test", title=title, abstract=abstract), nlp)


def _targets(ex, rtype: RelationType) -> list[tuple[str, ...]]:
    by_key = {e.key: e for e in ex.entities}
    return [by_key[r.target].names for r in ex.relations if r.type is rtype]


def _assert_targets(ex, rtype: RelationType, expected: set[str]) -> None:
    """One target per expected name, each expected name among some target's names."""
    targets = _targets(ex, rtype)
    assert len(targets) == len(expected), targets
    for name in expected:
        assert any(name in names for names in targets), (name, targets)


@pytest.mark.parametrize(
    ("abstract", "expected"),
    [
        ("SORSA shows faster convergence than PiSSA and LoRA in our experiments.", {"PiSSA", "LoRA"}),
        ("On MATH, our model achieves 10.36% accuracy, outperforming LoRA (5.50%), Full FT (7.22%), and PiSSA (7.44%).",
         {"LoRA", "Full FT", "PiSSA"}),
        ("Our approach surpasses state-of-the-art methods such as DETR and YOLOv8 on COCO.", {"DETR", "YOLOv8"}),
        # negatives: generic baselines are not named baselines
        ("Our method outperforms state-of-the-art methods on three benchmarks.", set()),
        ("The results show that it outperforms existing baselines by a large margin.", set()),
        # the compared-to clause ends where the main clause starts: no "QFormer achieves 2" baseline, but a
        # name in brackets after a description of a method is the baseline
        ("Compared to the joint search pipeline (NASNet+Prune), QFormer achieves 1.9% higher top-1 accuracy.",
         {"NASNet+Prune"}),
        ("Compared with PointNet++, QFormer achieves 1.9% higher top-1 accuracy.", {"PointNet++"}),
        ("Our model is better than the state-of-the-art result (57.7% box AP) achieved by Swin-L.", {"Swin-L"}),
        ("It demonstrates superior scalability over MAE and traditional autoregressive methods.", {"MAE"}),
        ("It is effective (e.g., 7.08% performance gain on Something-Something V1 over ViT-B).", {"ViT-B"}),
        ("Compared with HR images, LR images often lose some key features.", set()),
        # paradigms, fragments and generic references are not named baselines
        ("Our method outperforms Continual Learning and numerical weather prediction by far.", set()),
        ("It surpasses SOTA LLIE methods and 24 RGB-D SOD models.", set()),
        # lower-case names the field knows as methods are baselines too
        ("We compare our method to bag-of-words, naive Bayes and random forests.",
         {"bag-of-words", "naive Bayes", "random forests"}),
        # an acronym of a known task names a family of methods, not a baseline
        ("We study continual learning (CL). PICLE performs better than state-of-the-art CL baselines.", set()),
    ],
)
def test_beats(nlp, abstract, expected):
    _assert_targets(_extract(nlp, "A Paper", abstract), RelationType.BEATS, expected)


@pytest.mark.parametrize(
    ("abstract", "expected"),
    [
        # comparison wordings beyond "outperforms"
        ("Human raters preferred our summaries over those of BART-Large in 71% of cases.", {"BART-Large"}),
        ("Our recommender is preferred over DeepFM by the annotators.", {"DeepFM"}),
        ("The compact student performs on par with RoBERTa-Base at a third of the cost.", {"RoBERTa-Base"}),
        ("Our parser reaches 91.2 F1 versus 88.0 for StanzaNLP.", set()),  # the name is not the compared item
        ("We report our parser versus SpanBERT on three treebanks.", {"SpanBERT"}),
        ("Our reranker cuts latency by 3.5x over ColBERTv2 on MS MARCO.", {"ColBERTv2"}),
        # the baseline stands before the cue
        ("Results show that GraphSAGE lags behind our encoder on every split.", {"GraphSAGE"}),
        ("In our tests, PointPillars and SECOND consistently fall short of the proposed detector.",
         {"PointPillars", "SECOND"}),
        ("DETR is outperformed by our detector on small objects.", {"DETR"}),
        # lower-case names the field knows, with their kind noun after them
        ("The probe beats the random forest classifier and the logistic regression model on all folds.",
         {"random forest", "logistic regression"}),
        # lower-case techniques the lexicon does not know, named by their kind noun
        ("Our model outperforms linear regression and ridge regression on all splits.",
         {"linear regression", "ridge regression"}),
        ("Our decoder beats beam search and nucleus sampling in BLEU.", {"beam search", "nucleus sampling"}),
        ("Our approach is superior to existing joint pruning and quantization methods.", set()),
        ("It is better than standard fine-tuning.", set()),
        # a second "such as" list after the first clause ends
        ("Our tagger outperforms CRF taggers such as NCRF++ and FLAIR on CoNLL, and recent LLMs such as Mistral-7B.",
         {"NCRF++", "FLAIR", "Mistral-7B"}),
        ("Our agent surpasses strong baselines such as PPO, as well as planners such as MuZero and Dreamer.",
         {"PPO", "MuZero", "Dreamer"}),
        ("The model beats BiDAF variants such as BiDAF++ on SQuAD.", {"BiDAF++"}),
        # spans: words before or after the name are not part of it
        ("Our sampler is 2x faster than the dense FlashAttention w.r.t. wall-clock time.", {"FlashAttention"}),
        ("It outperforms significantly the strong Conformer-L and ContextNet on LibriSpeech.",
         {"Conformer-L", "ContextNet"}),
        ("Our tokenizer needs fewer tokens than previous tokenizers, i.e. BPE/WordPiece.", {"BPE", "WordPiece"}),
        ("The new head is clearly better than the Faster-RCNN baseline.", {"Faster-RCNN"}),
        ("It beats leading segmenters such as Mask-Former, Swin-Unet, and SegNeXt.", {"Mask-Former", "Swin-Unet",
                                                                                       "SegNeXt"}),
        # negatives: denied comparisons, model families, number formats, measures and modifiers
        ("Our analysis shows that ViT-B has no clear advantage over ResNet-50 on shape cues.", set()),
        ("Our detector does not outperform YOLOv7 on crowded scenes.", set()),
        ("Graph models are popular for their superior accuracy over RNNs.", set()),
        ("The kernel runs 1.7x faster than the FP16 baseline on the MCU.", set()),
        ("Our method exceeds the capacity of GPU memory only for the largest graphs.", set()),
        ("Our assistant is preferred over existing GPT4-style chatbots.", set()),
        ("The study compares Adam versus SGD on small batches.", set()),
        # the compared methods named in the sentence before an anaphoric comparison
        ("Baselines include GCN, GAT and GraphSAGE. Our model outperforms all of them on every dataset.",
         {"GCN", "GAT", "GraphSAGE"}),
        ("We evaluate against DeepWalk and node2vec. Our method outperforms both by a wide margin.",
         {"DeepWalk", "node2vec"}),
        ("We evaluate on Cora and Citeseer. Our method outperforms them.", set()),
        ("We train on Cora and Citeseer. Our model outperforms both SGC and APPNP.", {"SGC", "APPNP"}),
        # families of models, and acronyms of a paradigm the paper defines, are not named baselines
        ("On CIFAR-100, our spiking model surpasses the current SNN baselines by 2.1%.", set()),
        ("Our encoder beats recurrent neural networks and VQGAN on long sequences.", {"VQGAN"}),
        ("We study split federated learning (SFL). Our scheme converges faster than SFL approaches.", set()),
        # "including …" opens a second list after the clause ends
        ("Our tagger is better than CRF on many settings, including strong taggers such as FLAIR.", {"CRF", "FLAIR"}),
    ],
)
def test_beats_comparison_wordings(nlp, abstract, expected):
    _assert_targets(_extract(nlp, "A Paper", abstract), RelationType.BEATS, expected)


@pytest.mark.parametrize(
    ("abstract", "expected"),
    [
        ("We evaluate on CIFAR-10 and ImageNet and report top-1 accuracy of 81.2%.", {"CIFAR-10", "ImageNet"}),
        ("Experiments on the Wildtrack dataset show a 62% drop in detection performance.", {"Wildtrack"}),
        # background mention: not used
        ("Unlike previous methods that have been trained on COCO, our detector needs no labels.", set()),
        # names after their head noun, in apposition to it, and in lists led by prose words
        ("Experiments on a self-collected dataset SZCH-X-Rays, and the public dataset JSRT, show gains.",
         {"SZCH-X-Rays", "JSRT"}),
        ("We apply our method on Lassy Large, an automatically annotated corpus of written Dutch.", {"Lassy Large"}),
        ("Extensive experiments on the CarlaSC and Waymo datasets demonstrate 5% gains.", {"CarlaSC", "Waymo"}),
        ("We show experiments on several architectures on CIFAR and ImageNet datasets.", {"CIFAR", "ImageNet"}),
        # quantities are not names; baselines listed with a dataset stay methods
        ("We collect the 4TB dataset and evaluate on COCO with 3% gains.", {"COCO"}),
        # a background word in another part of the sentence does not make the dataset background
        ("Compared to previous detectors, SparseDet gains 2.1% AP on PASCAL VOC.", {"PASCAL VOC"}),
        # a plural data head noun types every name listed before it (a parenthesis after a name is skipped)
        ("Results on the Kelpie, Marlin-3 and Sandbar (coastal scans) datasets improve by 4%.",
         {"Kelpie", "Marlin-3", "Sandbar"}),
        # type evidence against gazetteer dataset names: a head noun after it, a longer name around it
        ("We study the XOR problem with two-layer networks and report 90% accuracy.", set()),
        ("It beats VTM-17.0 Intra on Kodak by 3%.", {"Kodak"}),
        # a list introduced by another kind of noun is of that kind; "benchmark" as a verb names nothing
        ("Scans cover modalities such as CT, MRI and Ultrasound. We benchmark five segmenters on BraTS with "
         "3% gains.", {"BraTS"}),
        # names a data head noun introduces, in a parenthesis or after "such as"
        ("We validate on two public CT datasets (SpineX, OrganMix) and report Dice of 0.91.", {"SpineX", "OrganMix"}),
        ("It ranks first on benchmarks such as Harbor Night and Harbor Day. Code is public.",
         {"Harbor Night", "Harbor Day"}),
        # both sides of a transfer pair when one side is a known dataset
        ("It gains 7.5 mIoU on SimTown-to-Cityscapes adaptation.", {"SimTown", "Cityscapes"}),
        # a coined name that starts lower-case is kept whole
        ("We report 91.2% accuracy on the iFlora2021 and CUB-200-2011 datasets.", {"iFlora2021", "CUB-200-2011"}),
    ],
)
def test_uses(nlp, abstract, expected):
    _assert_targets(_extract(nlp, "A Paper", abstract), RelationType.USES, expected)


@pytest.mark.parametrize(
    ("abstract", "expected"),
    [
        ("Our model reaches 53.14% accuracy on ImageNet.", {"accuracy"}),
        ("It achieves a BLEU score of 30.1 on WMT14.", {"BLEU"}),
        ("TESLA achieves a 6x memory reduction on ImageNet-1K.", {"memory reduction"}),
        # "accurate" is not a metric
        ("We propose an accurate and fast detector for drones.", set()),
        # a capitalised measure word inside a name, a measure word used as a modifier, a quality claimed in prose
        ("We propose an improved Dynamic Memory Network that reaches 81.2% on SWDA.", set()),
        ("Our models reach 82.5 in SAR imagery, better than most models.", set()),
        ("Our detector outperforms existing methods with high accuracy and efficiency.", set()),
        ("Despite improvements in forecast accuracy, disparities result in regional gaps.", set()),
        # a measure word used as a modifier anywhere in the paper names a modality there
        ("We study SAR imagery. Our model reaches 82.5 in SAR, better than others.", set()),
        # a value right after the measure, slash-joined measure names, comparisons
        ("It runs with an average power consumption of 2.63 W.", {"average power consumption"}),
        ("It decreases fMSE/MSE by 11.5%.", {"MSE"}),
        ("Our method achieves better accuracy than prior approaches.", {"accuracy"}),
        # wrappers ("gain", "scores") are not part of the measure; real modifiers ("reduction") are
        ("It brings up to 7.05 mIoU gain and 70.84% memory reduction.", {"mIoU", "memory reduction"}),
        ("Our method cuts the running time by 30% and the computational cost by half.",
         {"running time", "computational cost"}),
    ],
)
def test_measures(nlp, abstract, expected):
    _assert_targets(_extract(nlp, "A Paper", abstract), RelationType.MEASURES, expected)


@pytest.mark.parametrize(
    ("abstract", "values"),
    [
        ("Llama 2 7B adapted using SORSA achieved 10.36% accuracy on MATH.", [(10.36, "%", "accuracy")]),
        ("It speeds up training by up to 1.6x and saves 12.4% power.", [(1.6, "x", None), (12.4, "%", None)]),
        ("It is 2.3× faster.", [(2.3, "x", None)]),
        ("PSNR improves by 0.5 dB.", [(0.5, "dB", "PSNR")]),
        # counts, sizes, years and bit-widths are not results
        ("We train for 160 epochs in 2024 on 8 GPUs with 2-bit weights and 7B parameters.", []),
        # slash-joined values are one result each, the unit written once applies to all
        ("Our ViT-S/ViT-B achieve 84.8/85.0 mAP on BigEarthNet.", [(84.8, None, "mAP"), (85.0, None, "mAP")]),
        ("It gives 7.08/5.15/2.17% accuracy gains at Frame 4/8/16.",
         [(7.08, "%", "accuracy"), (5.15, "%", "accuracy"), (2.17, "%", "accuracy")]),
    ],
)
def test_results(nlp, abstract, values):
    ex = _extract(nlp, "A Paper", abstract)
    by_key = {e.key: e for e in ex.entities}
    got = [(r.value, r.unit, by_key[r.metric].name if r.metric else None) for r in ex.results]
    assert got == values


def _result_slots(nlp, abstract: str, *slots: str) -> list[tuple]:
    """(value, slot names...) per result; entity slots as the entity's canonical name."""
    ex = _extract(nlp, "A Paper", abstract)
    by_key = {e.key: e for e in ex.entities}
    out = []
    for r in ex.results:
        row: list = [r.value]
        for slot in slots:
            v = getattr(r, slot)
            row.append(by_key[v].name if slot in ("method", "dataset", "metric", "relative_to") and v else v)
        out.append(tuple(row))
    return out


@pytest.mark.parametrize(
    ("abstract", "expected"),
    [
        # a margin over named baselines, paired in order with a coordinated list of them
        ("Our reader outperforms REALM and DPR by 3.9 and 1.7 points on Natural Questions.",
         [(3.9, True, "REALM"), (1.7, True, "DPR")]),
        ("Our model beats DPR by 2.2 points.", [(2.2, True, "DPR")]),
        # changes without a named reference
        ("The new schedule cuts WER by 36% and is 2x faster.", [(36.0, True, None), (2.0, True, None)]),
        ("It brings a 4.1% absolute improvement in accuracy.", [(4.1, True, None)]),
        ("Fine-tuning improves F1 by +1.3 over the frozen encoder.", [(1.3, True, None)]),
        ("Our detector needs 3.5x fewer FLOPs.", [(3.5, True, None)]),
        # absolute values, including "reduces ... to", which states where a measure ends up
        ("Our model reaches 71.8 EM on TriviaQA.", [(71.8, False, None)]),
        ("The cascade reduces the RMSE to 0.42 on the held-out year.", [(0.42, False, None)]),
    ],
)
def test_result_kind_delta_or_absolute(nlp, abstract, expected):
    assert _result_slots(nlp, abstract, "delta", "relative_to") == expected


@pytest.mark.parametrize(
    ("abstract", "expected"),
    [
        # the dataset the value's own phrase introduces, not the nearest name
        ("Trained on SQuAD, our reader reaches 71.8 EM on TriviaQA.", [(71.8, "TriviaQA")]),
        ("It scores 71.8 EM on TriviaQA and 65.1 EM on Natural Questions.",
         [(71.8, "TriviaQA"), (65.1, "Natural Questions")]),
        # "On X, ... value": the dataset named since the previous value
        ("On CIFAR-100, our model gets 81.3% accuracy, and on SVHN it gets 97.2% accuracy.",
         [(81.3, "CIFAR-100"), (97.2, "SVHN")]),
        # respectively-lists pair values and datasets in order
        ("On MNIST and CIFAR-10, the method obtains 99.1% and 93.4% accuracy, respectively.",
         [(99.1, "MNIST"), (93.4, "CIFAR-10")]),
        ("It obtains 62.5 and 48.0 BLEU on WMT14 and IWSLT, respectively.", [(62.5, "WMT14"), (48.0, "IWSLT")]),
    ],
)
def test_result_dataset_follows_sentence_structure(nlp, abstract, expected):
    assert [(v, d) for v, d in _result_slots(nlp, abstract, "dataset")] == expected


@pytest.mark.parametrize(
    ("abstract", "expected"),
    [
        # a verb that starts a new measurement ends the reach of an earlier metric
        ("Our method keeps 92.1% accuracy on CIFAR-10 and compresses ResNet-20 to 40.3%.",
         [(92.1, "accuracy"), (40.3, None)]),
        # (and "training compute", a cost measure the lexicon knows, is the second value's own metric)
        ("It reaches 76.2% top-1 accuracy and saves 3x the training compute.",
         [(76.2, "top-1 accuracy"), (3.0, "training compute")]),
        # a value followed by a noun of its own measures that noun, not the clause's metric
        ("The model improves accuracy by 2% and wins 64.3% human preference.", [(2.0, "accuracy"), (64.3, None)]),
        # a coordinated list names its metric once, after the last value
        ("It obtains 85.1 and 90.3 F1 on the two benchmarks.", [(85.1, "F1"), (90.3, "F1")]),
        # a comparative that names its own dimension: "same accuracy but 1.7x faster" is no accuracy
        ("It keeps the same accuracy but runs 1.7x faster on a phone.", [(1.7, None)]),
        # "a change in X": the measure after "in"
        ("Our design yields a 3.1x reduction in memory and fewer FLOPs.", [(3.1, "memory")]),
    ],
)
def test_result_metric_stays_in_its_clause(nlp, abstract, expected):
    assert _result_slots(nlp, abstract, "metric") == expected


@pytest.mark.parametrize(
    ("abstract", "values"),
    [
        # a spread is not a result
        ("The detector reaches 44.1 ± 0.3 AP on the test split.", [44.1]),
        # a share of the set-up is not a result; a share of what the method keeps is
        ("Using only 10% of the labels, it retains 95.2% of the supervised accuracy.", [95.2]),
        ("We train with 25% of the training data and reach 88.0% accuracy.", [88.0]),
        # a range is one result (its first value), unless it runs "from" one value "to" another
        ("The saving is 12.4% to 17.5% of the energy.", [12.4]),
        ("It cuts traffic by 87-95%.", [87.0]),
        ("Accuracy rises from 70.1% to 75.3%.", [70.1, 75.3]),
        # a decimal that a measure's name introduces is a result even when the name is not a known metric
        ("The model reaches an R2 of 0.87 on held-out circuits.", [0.87]),
        ("With HMMT and AIME scores of 41.5 and 63.2, it leads the open models.", [41.5, 63.2]),
        ("A dropout of 0.1 and a learning rate of 0.0003 are used.", []),
        ("The tagger reaches F measures of 0.88 and 0.93 on the two splits.", [0.88, 0.93]),
        # a decimal written with its plus sign is a change; "absolute points" is a unit
        ("Pre-training adds +2.35 over the real-data baseline.", [2.35]),
        ("Predictability fell (-4.2 absolute points in accuracy).", [-4.2]),
        # latencies and run times the method reaches
        ("It answers in 12.5 ms per query and trains in 40 seconds.", [12.5, 40.0]),
        ("We use a 10 second clip and 8 hours of audio.", []),
        # a per-time unit makes an integer a result (a rate or a physical measure), a per-batch one does not
        ("The forecast error falls to 705 m^2/s^2 and decoding runs at 2400 tokens/s with 256 images/batch.",
         [705.0, 2400.0]),
        # a share of parameters the method trains is an achievement; a parameter count is a size
        ("It matches full fine-tuning while training only 0.4% parameters of the 7B model.", [0.4]),
        # the two ends of an arrow are a before and an after value
        ("It improves layout analysis (90.5 → 93.2) and OCR (88.0 -> 89.4).", [90.5, 93.2, 88.0, 89.4]),
    ],
)
def test_results_skip_spreads_and_set_up_shares(nlp, abstract, values):
    assert [v for (v,) in _result_slots(nlp, abstract)] == values


def _comparisons(nlp, abstract: str) -> list[tuple]:
    ex = _extract(nlp, "A Paper", abstract)
    by_key = {e.key: e for e in ex.entities}

    def name(k):
        return by_key[k].name if k else None

    return [(name(c.winner), name(c.loser), name(c.dataset), name(c.metric), c.value, c.evidence.rule.split(":")[0])
            for c in ex.comparisons]


@pytest.mark.parametrize(
    ("abstract", "expected"),
    [
        # the winner is the proposed method the sentence names, not every proposal
        ("We propose FooNet, a detector. We also introduce BarHead, a light detection head. BarHead outperforms "
         "YOLOv5, and FooNet outperforms DETR by 2.1 AP on COCO.",
         [("BarHead", "YOLOv5", "COCO", "AP", None, "kg_relations"),
          ("FooNet", "DETR", "COCO", "AP", 2.1, "kg_relations")]),
        # "78.2% accuracy of ResNet-50": the method named right after the number's phrase owns it
        ("We propose FooNet. FooNet achieves 80.1% accuracy on ImageNet, compared with 78.2% accuracy of ResNet-50.",
         [("FooNet", "ResNet-50", "ImageNet", "accuracy", 80.1, "derived")]),
        # a sentence that names no proposal: the paper's main method wins
        ("We propose QuuxNet, a retriever. Experiments show it outperforms BM25 on MS MARCO.",
         [("QuuxNet", "BM25", "MS MARCO", None, None, "kg_relations")]),
        # two absolute results on the same dataset and metric, compared by the metric's direction (lower WER)
        ("We propose ZapASR. ZapASR achieves 3.2% WER on LibriSpeech while Transformer-XL obtains 4.1% WER on "
         "LibriSpeech.", [("ZapASR", "Transformer-XL", "LibriSpeech", "WER", 3.2, "derived")]),
        ("We propose ZapASR. ZapASR achieves 84.0% accuracy on ImageNet while Transformer-XL obtains 86.5% accuracy "
         "on ImageNet.", [("Transformer-XL", "ZapASR", "ImageNet", "accuracy", 86.5, "derived")]),
        # a bracketed number belongs to the name it follows; the two baselines' numbers imply a third comparison
        ("We propose ZipFlow, a tokenizer. On ImageNet, ZipFlow achieves 2.96 FID, outperforming VAR (3.3 FID) "
         "and LlamaGen (3.05 FID).",
         [("ZipFlow", "VAR", "ImageNet", "FID", None, "kg_relations"),
          ("ZipFlow", "LlamaGen", "ImageNet", "FID", None, "kg_relations"),
          ("LlamaGen", "VAR", "ImageNet", "FID", 3.05, "derived")]),
        # nothing proposed, nothing to name as winner: the beats edge stays, no comparison
        ("This survey finds that BERT outperforms ELMo.", []),
    ],
)
def test_comparisons_name_their_winner(nlp, abstract, expected):
    assert _comparisons(nlp, abstract) == expected


def test_derived_comparisons_are_less_sure_than_stated_ones(nlp):
    ex = _extract(nlp, "A Paper", "We propose ZapASR. ZapASR achieves 3.2% WER on LibriSpeech while "
                  "Transformer-XL obtains 4.1% WER on LibriSpeech. ZapASR outperforms BM25.")
    rules = {c.evidence.rule: c.evidence.confidence for c in ex.comparisons}
    assert rules["derived:results"] < min(v for k, v in rules.items() if k != "derived:results")


@pytest.mark.parametrize(
    ("name", "lexicon", "higher"),
    [
        ("accuracy", True, True), ("top-1 error rate", True, False), ("BLEU-4", True, True), ("FID-50k", True, False),
        ("word error rate", True, False), ("perplexity", True, False), ("inference latency", False, False),
        ("training time", True, False), ("memory usage", False, False), ("parameters", False, False),
        ("PA-MPJPE", True, False), ("Recall@K", True, True), ("1 - LPIPS", True, True), ("speedup", True, True),
        ("1-of-100 Accuracy", True, True), ("Inception Score", True, True),
        # a lexicon metric no word decides is taken as a score; an unknown name stays undecided
        ("HOTA-XYZ", True, True), ("zonk", False, None),
    ],
)
def test_metric_direction(name, lexicon, higher):
    from kg.nlp.direction import higher_is_better

    assert higher_is_better(name, lexicon) is higher


def test_every_lexicon_metric_has_a_direction():
    from kg.lexicon import load_lexicon
    from kg.nlp.direction import higher_is_better

    metrics = [e for e in load_lexicon().by_id.values() if e.type is EntityType.METRIC]
    assert len(metrics) > 500
    assert all(higher_is_better(e.name, True) is not None for e in metrics)


@pytest.mark.parametrize(
    ("title", "tasks"),
    [
        ("ConDA: Unsupervised Domain Adaptation for LiDAR Segmentation via Regularized Domain Concatenation",
         ["LiDAR Segmentation", "Unsupervised Domain Adaptation"]),
        ("GREAT Score: Global Robustness Evaluation of Adversarial Perturbation using Generative Models",
         ["Global Robustness Evaluation"]),  # the object of "of" is not a task of its own
        ("GL-LCM: Latent Consistency Models for Fast High-Resolution Bone Suppression in Chest X-Ray Images",
         ["High-Resolution Bone Suppression"]),  # "Fast" praises the task, it does not name it
        ("Enhancing Unsupervised Video Representation Learning by Decoupling the Scene and the Motion",
         ["Unsupervised Video Representation Learning"]),
        ("LoRA for Free", []),
        ("Sparse Training for Every Network", []),
        # framing words ("Robust", "Enhanced", "Redefining", "the") are not part of the task's name
        ("KDX: Distilling Teachers for Robust Adversarial Training", ["Adversarial Training"]),
        ("Gated Fusion for Enhanced Building Change Detection", ["Building Change Detection"]),
        ("Redefining Malware Traffic Classification with Graph Prototypes", ["Malware Traffic Classification"]),
        ("Fast Schedules for the Adversarial Training of Deep Networks", ["Adversarial Training"]),
        # a head that only looks like a task's ("-ion", "-ing") is not one
        ("Reading Depth as Option with Gated Experts", []),
        ("Sparse Adapters for Medical Imaging", []),
        # "the effect of X on <task>": the object of "on" is the problem studied, unless "based on"
        ("How Label Noise Acts on Speech Emotion Recognition", ["Speech Emotion Recognition"]),
        ("Step Sizes Based on Gradient Estimation", []),
    ],
)
def test_title_tasks(title, tasks):
    from kg.nlp.relations import title_tasks

    assert [title[a:b] for a, b in title_tasks(title)] == tasks


@pytest.mark.parametrize(
    ("title", "task", "means"),
    [
        # "<method> for <task>": a known task name before the "for" is the technique applied
        ("Deep Q-Learning with Replay for Inventory Control", "Q-Learning", False),
        ("Graph Contrastive Learning for Molecule Property Prediction", "Contrastive Learning", True),
        ("Molecule Property Prediction via Graph Contrastive Learning", "Contrastive Learning", True),
        ("Molecule Property Prediction via Graph Contrastive Learning", "Molecule Property Prediction", False),
        ("HydraNet: Semantic Segmentation using Data Augmentation", "Semantic Segmentation", False),
        ("HydraNet: Semantic Segmentation using Data Augmentation", "Data Augmentation", True),
    ],
)
def test_title_means(title, task, means):
    from kg.nlp.relations import title_means, title_tasks

    s = title.index(task)
    assert title_means(title, s, s + len(task), title_tasks(title)) is means


@pytest.mark.parametrize(
    ("text", "task", "means"),
    [
        ("We pre-train the encoder via contrastive learning on unlabeled scans.", "contrastive learning", True),
        ("A simple data augmentation strategy closes the gap.", "data augmentation", True),
        ("The detector is trained by leveraging self-supervised learning.", "self-supervised learning", True),
        ("We study contrastive learning under label noise.", "contrastive learning", False),
        # a task word qualifying a model or a procedure, in any case
        ("We build on Denoising Diffusion Implicit Models for faster sampling.", "Denoising", True),
        ("Sampling takes fifty denoising steps per image.", "denoising", True),
        ("Our model improves semantic segmentation on city scenes.", "semantic segmentation", False),
    ],
)
def test_task_named_as_the_means(text, task, means):
    from kg.nlp.relations import means_context

    s = text.index(task)
    assert means_context(text, s, s + len(task)) is means


@pytest.mark.parametrize(
    ("text", "tasks"),
    [
        ("Experiments cover classification and regression tasks on tabular data.", ["regression", "classification"]),
        ("It also transfers to the challenging surface normal estimation task.", ["surface normal estimation"]),
        ("Gains hold on three zero-shot classification tasks.", ["zero-shot classification"]),
        # pretext and pre-training tasks are exercises, not problems; a bare "tasks" names nothing
        ("We design two pre-training tasks and evaluate on downstream tasks.", []),
        # a general head with a modifier names a task; a pipeline stage does not, whatever stands before it
        ("It helps on representation learning tasks.", ["representation learning"]),
        ("It helps on learning tasks.", []),
        ("It shortens end-to-end training tasks.", []),
        # a dataset named before the task says where it is measured, not which task it is
        ("Gains hold on the SVHN classification and PTB language modeling tasks.",
         ["language modeling", "classification"]),
    ],
)
def test_head_noun_tasks(text, tasks):
    from kg.nlp.relations import head_noun_tasks

    assert [text[a:b] for a, b in head_noun_tasks(text)] == tasks


@pytest.mark.parametrize(
    ("abstract", "expected"),
    [
        # a sentence that opens by defining or situating a problem names it
        ("Token pruning aims to drop redundant tokens. We propose a scorer for it.", "Token pruning"),
        ("Although layer freezing has attracted attention, costs remain. We propose a schedule.", "layer freezing"),
        ("Adversarial training has been widely used to harden models. We make it cheaper.", "Adversarial training"),
        # the paper's acronym definition widens a known task to the paper's own name for it
        ("We study continuous keyword spotting (CKS) on phones. Our model cuts errors by 30%.",
         "continuous keyword spotting"),
    ],
)
def test_definition_sentences_name_the_task(nlp, abstract, expected):
    ex = _extract(nlp, "A Paper", abstract)
    assert any(expected in names for names in _targets(ex, RelationType.ADDRESSES))


@pytest.mark.parametrize(
    ("title", "abstract", "tasks"),
    [
        # a title task set in a data or label regime is a task of its own, and the known task stays one
        ("Few-Shot Semantic Segmentation with Prototype Banks",
         "Semantic segmentation needs dense labels. Our banks cut the labels needed by 80%.",
         [{"Few-Shot Semantic Segmentation"}, {"Semantic segmentation"}]),
        # other modifiers only make the one task precise: one entity with both names
        ("Aerial Semantic Segmentation with Prototype Banks",
         "Semantic segmentation needs dense labels. Our banks cut the labels needed by 80%.",
         [{"Aerial Semantic Segmentation", "Semantic Segmentation", "Semantic segmentation"}]),
    ],
)
def test_title_task_in_a_setting_is_a_task_of_its_own(nlp, title, abstract, tasks):
    targets = [set(names) for names in _targets(_extract(nlp, title, abstract), RelationType.ADDRESSES)]
    assert all(any(t <= names for names in targets) for t in tasks)
    assert len([names for names in targets if "segmentation" in " ".join(names).lower()]) == len(tasks)


@pytest.mark.parametrize(
    ("sentence", "background"),
    [
        ("Deep learning has transformed machine translation, speech recognition and drug design.", True),
        ("Graph models have shown promise in fraud detection and traffic forecasting.", True),
        ("We show that our planner has reduced collisions in lane keeping by 30%.", False),
        ("Experiments on keypoint detection have confirmed the gains.", False),
        ("Keypoint detection remains hard under occlusion.", False),
    ],
)
def test_field_background(sentence, background):
    from kg.nlp.relations import field_background

    assert field_background(sentence) is background


def test_tasks_named_once_in_the_fields_history_are_not_addressed(nlp):
    abstract = ("Deep learning has transformed speech recognition and machine translation. We study keypoint "
                "detection under occlusion. Our detector improves keypoint detection AP by 4%.")
    names = {n for names in _targets(_extract(nlp, "A Paper", abstract), RelationType.ADDRESSES) for n in names}
    assert "speech recognition" not in names and "machine translation" not in names


@pytest.mark.parametrize(
    ("text", "prefix", "setting"),
    [
        ("Few-Shot Semantic Segmentation", "Few-Shot ", True),
        ("Weakly-Supervised Video Grounding", "Weakly-Supervised ", True),
        ("Aerial Semantic Segmentation", "Aerial ", False),
        ("Few-Shot Aerial Segmentation", "Few-Shot Aerial ", False),
    ],
)
def test_setting_variant(text, prefix, setting):
    from kg.nlp.relations import setting_variant

    assert text.startswith(prefix) and setting_variant(prefix) is setting


@pytest.mark.parametrize(
    ("abstract", "task", "addressed"),
    [
        # an acronym the paper defines for a task-headed long form and keeps using names its problem
        ("We study test-time training (TTT) for detectors. TTT adapts weights online. Our TTT rule is stable.",
         "test-time training", True),
        ("We study cross-lingual retrieval (CLR) at scale. CLR lacks labels, so CLR models use pseudo pairs.",
         "cross-lingual retrieval", True),
        # ... not when it is used once more only, nor when the name is a known method's
        ("We study test-time training (TTT) for detectors. TTT adapts weights online.", "test-time training",
         False),
        ("We tune with low-rank adaptation (LoRA). LoRA is cheap, and LoRA adapters are small.",
         "low-rank adaptation", False),
    ],
)
def test_defined_acronym_names_the_task(nlp, abstract, task, addressed):
    names = [n for names in _targets(_extract(nlp, "A Paper", abstract), RelationType.ADDRESSES) for n in names]
    assert (task in names) is addressed


@pytest.mark.parametrize(
    ("abstract", "expected", "absent"),
    [
        # "the problem of X": X ends at a whole preposition or clause word, never inside a word
        # ("… initialization" does not end at "in", "… forecasting" not at "for")
        ("We study the problem of weight initialization. Our rule needs no tuning.", "weight initialization",
         "weight"),
        ("We revisit the problem of crowd motion forecasting. A planner helps.", "crowd motion forecasting",
         "crowd motion"),
        ("This paper tackles the problem of efficient inference across many edge devices.", "efficient inference",
         "efficient inference across many edge devices"),
        ("We consider the task of crowd counting during heavy rain. Errors drop.", "crowd counting",
         "crowd counting during heavy rain"),
        # the object of "task of" must be a task's name, not a paraphrase
        ("Retrieval is the task of finding images similar to a query. We index faster.", None,
         "finding images similar"),
        # a sentence that opens with one common word situates no task of its own
        ("Communication is a key bottleneck in distributed training. We compress gradients by 8x.", None,
         "Communication"),
    ],
)
def test_task_of_phrase_boundaries(nlp, abstract, expected, absent):
    names = [n for names in _targets(_extract(nlp, "A Paper", abstract), RelationType.ADDRESSES) for n in names]
    assert expected is None or expected in names
    assert absent not in names


@pytest.mark.parametrize(
    ("title", "task_name"),
    [
        # the lexicon lists knowledge distillation as a method; at the end of a title task phrase its head
        # noun makes it the task, and the entity carries the short name too
        ("Peer Ensembles for Cohort-based Knowledge Distillation", "Knowledge Distillation"),
    ],
)
def test_gazetteer_method_with_task_head_names_the_task(nlp, title, task_name):
    ex = _extract(nlp, title, "We distil a ResNet-50 teacher into a ResNet-18 student with 2% gains.")
    assert any(task_name in names for names in _targets(ex, RelationType.ADDRESSES))


@pytest.mark.parametrize(
    ("abstract", "absent"),
    [
        # a learning paradigm named once in passing is the approach, not the task addressed
        ("We segment kidney tumours in CT scans. A representation learning stage helps. Dice rises by 3%.",
         "representation learning"),
        # ... and a task named only as the means is not addressed either
        ("We cut the latency of keyword spotting. We pre-train the encoder via contrastive learning.",
         "contrastive learning"),
    ],
)
def test_tasks_named_in_passing_are_not_addressed(nlp, abstract, absent):
    ex = _extract(nlp, "A Paper", abstract)
    assert not any(absent in names for names in _targets(ex, RelationType.ADDRESSES))


@pytest.mark.parametrize(
    ("abstract", "long_form"),
    [
        # a paradigm the paper defines an acronym for is its subject, even when named once
        ("We train keyword spotters with federated learning (FL) across phones. Accuracy rises by 3%.",
         "federated learning"),
        ("We tune detectors by continual learning (CL) over weekly batches. Forgetting drops by 20%.",
         "continual learning"),
        # named once without a definition, it is the approach
        ("We train keyword spotters with federated learning across phones. Accuracy rises by 3%.", None),
    ],
)
def test_paradigm_the_paper_defines_is_addressed(nlp, abstract, long_form):
    names = [n for names in _targets(_extract(nlp, "A Paper", abstract), RelationType.ADDRESSES) for n in names]
    assert (long_form in names) if long_form else "federated learning" not in names


def test_paper_defined_acronym_overrules_the_lexicon(nlp):
    # The lexicon knows EM as "exact match"; this paper defines EM as electron microscopy.
    ex = _extract(nlp, "A Paper", "We built an electron microscopy (EM) image dataset. It improves EM "
                  "neuron segmentation by 45% over prior work.")
    em = next(e for e in ex.entities if "EM" in e.names)
    assert em.type is not EntityType.METRIC and em.lexicon_id is None
    assert not [r for r in ex.relations if r.type is RelationType.MEASURES]
    ex = _extract(nlp, "A Paper", "We report an exact match (EM) of 80.1% on SQuAD.")
    em = next(e for e in ex.entities if "EM" in e.names)
    assert em.type is EntityType.METRIC and em.lexicon_id == "metric:exact-match"


def test_known_long_form_decides_what_an_acronym_is(nlp):
    # The gazetteer has datasets called "SSL" and "FSOD"; here they abbreviate known tasks.
    ex = _extract(nlp, "A Paper", "We present a self-supervised learning (SSL) framework. SSL removes labels. "
                  "We propose a method for few-shot object detection (FSOD) and test it on COCO with 40.1% AP.")
    for short in ("SSL", "FSOD"):
        ent = next(e for e in ex.entities if short in e.names)
        assert ent.type is EntityType.TASK, (short, ent)
    used = {n for names in _targets(ex, RelationType.USES) for n in names}
    assert "SSL" not in used and "FSOD" not in used and "COCO" in used


def test_evidence_offsets_point_into_sections(nlp):
    title = "SORSA: Singular Values Adaptation"
    abstract = "We propose SORSA. On GSM-8K, SORSA achieved 56.03% accuracy, surpassing LoRA (42.30%)."
    ex = _extract(nlp, title, abstract)
    checked = 0
    for ent in ex.entities:
        for m in ent.mentions:
            text = title if m.evidence.section is Section.TITLE else abstract
            assert text[m.evidence.start:m.evidence.end] == m.text
            assert m.text in m.evidence.sentence or m.evidence.section is Section.TITLE
            checked += 1
    for r in ex.results:
        assert abstract[r.evidence.start:r.evidence.end] == r.value_text
    assert checked >= 3
    assert all(0.0 <= r.evidence.confidence <= 1.0 for r in ex.relations)


def test_pipeline_components_and_serialisation(tmp_path):
    nlp = load_nlp()
    assert tuple(nlp.pipe_names) == PIPELINE
    nlp.to_disk(tmp_path / "pipe")
    loaded = spacy.load(tmp_path / "pipe")
    text = "ResNet-18 (RN18) reaches 53.14% top-1 accuracy on ImageNet-1K."
    a, b = nlp(text), loaded(text)
    assert [t.text for t in a] == [t.text for t in b]
    assert a._.kg_lexicon_matches == b._.kg_lexicon_matches
    assert a._.kg_results == b._.kg_results


def test_components_declare_requires_and_assigns():
    nlp = new_nlp()
    analysis = nlp.analyze_pipes()
    assert not analysis["problems"] or all(not v for v in analysis["problems"].values())
    assert EntityType.METRIC.value == "Metric"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We evaluate on Squad and WikiText2.", {("Squad", "dataset:squad"), ("WikiText2", "WikiText-2")}),
        ("Results on ResNet50 and Imagenet.", {("ResNet50", "ResNet-50"), ("Imagenet", "ImageNet")}),
        # letters with digits are a coined name in any case
        ("We fine-tune on Gsm8k.", {("Gsm8k", "GSM8K")}),
        # a coined name written all lower-case is prose; capitalised single words match only as written
        ("Our model sets a new record on the benchmark.", set()),
        ("Sam and Math went home.", set()),
    ],
)
def test_lexicon_spelling_variants(nlp, text, expected):
    from kg.lexicon import load_lexicon

    lexicon = load_lexicon()
    doc = nlp(text)
    found = {(text[s:e], lex_id) for s, e, _t, lex_id in doc._.kg_lexicon_matches}
    for surface, ident in expected:
        entry = lexicon.by_id.get(ident) or lexicon.lookup(ident)
        assert entry is not None, ident
        assert (surface, entry.id) in found, (surface, found)
    assert len(found) == len(expected), found


def test_uses_lists_end_with_the_sentence_and_skip_modifiers(nlp):
    ex = _extract(nlp, "A Paper", "We validate our method on three benchmark datasets: Human3.6M, MPI-INF-3DHP, "
                  "and HumanEva. Extensive experiments show gains.")
    names = {n for names in _targets(ex, RelationType.USES) for n in names}
    assert "HumanEva" in names and not any("Extensive" in n for n in names)
    ex = _extract(nlp, "A Paper", "In-the-wild images, e.g., from YouTube or Egocentric videos, help us on COCO.")
    assert not any("Egocentric" in n for names in _targets(ex, RelationType.USES) for n in names)


def test_generic_phrases_are_not_datasets(nlp):
    ex = _extract(nlp, "A Paper", "Experiments on synthetic and real-world datasets show 5% gains.")
    assert _targets(ex, RelationType.USES) == []


def test_a_measure_named_more_precisely_is_the_same_entity(nlp):
    ex = _extract(nlp, "A Paper", "Testing on ATLAS yielded a mean Dice coefficient of 0.54.")
    (metric,) = [e for e in ex.entities if e.type is EntityType.METRIC]
    assert {"mean Dice coefficient", "Dice coefficient"} <= set(metric.names)
    assert metric.lexicon_id == "metric:dice"


@pytest.mark.parametrize(
    ("text", "task", "widened"),
    [
        ("We study human action recognition in videos.", "action recognition", "human action recognition"),
        ("for breast cancer histopathological image classification.", "image classification",
         "breast cancer histopathological image"),
        # evaluative words, verbs, capitals and the title break stop the widening
        ("a challenging object detection problem", "object detection", "object detection"),
        ("we address zero-shot image recognition", "image recognition", "zero-shot image recognition"),
        ("Multi-view Object Detection", "Object Detection", "Object Detection"),
        ("Video Models\n\nDenoising", "Denoising", "Denoising"),
        # a verb or plural before the modifiers ends the name; so do numbers and "like"
        ("the model converts semantic segmentation masks", "semantic segmentation", "semantic segmentation"),
        ("a recipe that harnesses continual learning", "continual learning", "continual learning"),
        ("on four image classification benchmarks", "image classification", "image classification"),
        ("downstream uses like human pose estimation", "pose estimation", "human pose estimation"),
    ],
)
def test_task_mentions_widen_over_their_modifiers(text, task, widened):
    from kg.nlp.cues import extend_task_span

    s = text.index(task)
    a, b = extend_task_span(text, s, s + len(task))
    assert text[a:b].startswith(widened) and b == s + len(task)


def test_text_whose_lower_case_is_longer_keeps_offsets(nlp):
    # "İ".lower() is two characters: case-folded cue patterns must fall back, not shift offsets.
    ex = _extract(nlp, "İ-Net: a test", "İstanbul data: our model outperforms LoRA and reaches 81.2% accuracy "
                  "on ImageNet.")
    assert {n for e in ex.entities for n in e.names} >= {"LoRA", "accuracy", "ImageNet"}
    for e in ex.entities:
        for m in e.mentions:
            section = ex.paper.abstract if m.evidence.section is Section.ABSTRACT else ex.paper.title
            assert section[m.evidence.start:m.evidence.end] == m.text
    assert [r.type for r in ex.relations if r.type is RelationType.BEATS]


def test_dataset_edition_year_is_part_of_the_name(nlp):
    ex = _extract(nlp, "A Paper", "We evaluate on the CIFAR-10 and ImageNet 2012 datasets with 76.1% accuracy.")
    used = _targets(ex, RelationType.USES)
    imagenet = next(names for names in used if "ImageNet" in names)
    assert "ImageNet 2012" in imagenet
    assert next(e for e in ex.entities if "ImageNet" in e.names).lexicon_id == "dataset:imagenet"


@pytest.mark.parametrize(
    ("text", "metric", "widened"),
    [
        # stacked noun modifiers name a more specific measure
        ("we cut the per-sample inference time in half", "inference time", "per-sample inference time"),
        ("with a small loss in final test accuracy", "accuracy", "final test accuracy"),
        ("it improves object localization accuracy on two sets", "accuracy", "object localization accuracy"),
        ("reaching 3.1% top-5 validation error", "error", "top-5 validation error"),
        ("it raises decoding throughput", "throughput", "decoding throughput"),
        ("a lower FID score than before", "FID", "FID score"),
        ("it halves the perplexity gap to dense training", "perplexity", "perplexity gap"),
        # verbs, comparatives, evaluative words, participles, capitals and acronyms stop the widening
        ("methods that preserve accuracy while pruning", "accuracy", "accuracy"),
        ("our model keeps higher accuracy", "accuracy", "accuracy"),
        ("with competitive accuracy on both", "accuracy", "accuracy"),
        ("it has reduced error on long inputs", "error", "error"),
        ("it gives a factor two speed gain", "speed", "speed"),
        ("it reaches 80.1% ImageNet top-1 accuracy", "accuracy", "top-1 accuracy"),
        ("the rolling SIM method", "SIM", "SIM"),
        # a plural "scores" is a wrapper around several values, not part of the measure's name
        ("it improves BLEU scores on two pairs", "BLEU", "BLEU"),
    ],
)
def test_metric_mentions_widen_over_their_modifiers(text, metric, widened):
    from kg.nlp.cues import extend_metric_span

    s = text.index(metric)
    a, b = extend_metric_span(text, s, s + len(metric))
    assert text[a:b] == widened


@pytest.mark.parametrize(
    ("abstract", "expected"),
    [
        # efficiency and cost measures, where the text moves them or gives their value
        ("Our scheduler needs 40% fewer GPU hours and cuts CO2 emissions by half.", {"GPU hours", "CO2 emissions"}),
        ("Each query takes 30% less computation time and 2x less compute.", {"computation time", "compute"}),
        ("It lowers the communication volume between workers by 3x.", {"communication volume"}),
        ("Caching reduces energy by 21% and speeds up decoding.", {"energy"}),
        ("The new kernel lowers the per-token inference cost.", {"per-token inference cost"}),
        # the same words as prose: sizes given as description, goals, when something happens
        ("We train a transformer with 300 million parameters on 8 GPUs.", set()),
        ("Our aim is to reduce the cost of labelling.", set()),
        ("Noise is injected at training time in 5% of the steps.", set()),
        ("The energy of a configuration is its negative log-probability, so we bound 3 terms.", set()),
        # measures named without a number: changed, compared, or named as the paper's topic
        ("The method further reduces training time and improves convergence speed.",
         {"training time", "convergence speed"}),
        ("The method reduces the energy, latency, and area of the accelerator.", {"energy", "latency"}),
        # a number format, a goal, an acronym listed among models are not measures
        ("We use mixed precision training with FP16 weights on 4 GPUs.", set()),
        ("To preserve accuracy, we add a distillation term.", set()),
        ("It works for ResNet, ViT, MAE, DETR and more, with 2x fewer steps.", set()),
        # plural spellings of known measures
        ("The model reaches higher accuracies than the teacher.", {"accuracies"}),
    ],
)
def test_measures_of_efficiency_and_without_numbers(nlp, abstract, expected):
    _assert_targets(_extract(nlp, "A Paper", abstract), RelationType.MEASURES, expected)


@pytest.mark.parametrize(
    ("title", "abstract", "expected"),
    [
        ("Trading Accuracy for Latency in Mobile Vision", "We study small detectors on phones.",
         {"Accuracy", "Latency"}),
        ("A Paper", "We define the mean per-joint position error (MPJPE) and lower MPJPE by 9 mm.",
         {"mean per-joint position error"}),
        ("A Paper", "Our speller reaches high information transfer rates (ITRs) of 200 bits/min.",
         {"information transfer rates"}),
        # a long form that does not end in a measure's head noun defines no measure
        ("A Paper", "We use the Graph Attention Network (GAT) and improve GAT by 2%.", set()),
        # a list the text introduces as measures, known to the lexicon or not; it ends at a preposition
        ("A Paper", "It wins in terms of sharpness, colour fidelity and contrast for all scenes.",
         {"sharpness", "colour fidelity", "contrast"}),
        ("A Paper", "We compare metrics such as fluency and topical coherence on 3 corpora.",
         {"fluency", "topical coherence"}),
        ("A Paper", "It is better in terms of both performance and efficiency.", set()),
        # what the text changes by a stated amount is a measure, lexicon or not; one per coordinated member
        ("A Paper", "The cache cuts disk traffic by 70% and halves host power by 2x overall.",
         {"disk traffic", "host power"}),
        ("A Paper", "It lowers the queueing delay and page faults by up to 3x.", {"queueing delay", "page faults"}),
        # an activity, a generic head, a phrase with "of" or with a model's name is not a measure
        ("A Paper", "It accelerates training by 3x and improves performance by 2%.", set()),
        ("A Paper", "It improves the recall of ViT by 2% and speeds up BERT training by 4x.", {"recall"}),
        # a leaderboard metric name that opens with a dataset is the dataset's measure
        ("A Paper", "Our model reaches 80.1% ImageNet top-1 accuracy with 2x fewer FLOPs.",
         {"top-1 accuracy", "FLOPs"}),
    ],
)
def test_measures_named_in_titles_and_defined_by_the_paper(nlp, title, abstract, expected):
    _assert_targets(_extract(nlp, title, abstract), RelationType.MEASURES, expected)
