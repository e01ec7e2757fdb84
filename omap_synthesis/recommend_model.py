"""A learnt decision on top of the parse: is this sentence a recommendation?

The rule detector of :mod:`omap_synthesis.deontic` gives its cue types as *features*, next to
the grammar of the sentence (mood, tense and person of its verbs, negation, question, reported
speech, « vous proposez », verbless list items, length, place in the turn …). A logistic
regression, trained on the ``tune`` side of the hand-labelled gold (``data/gold``) with its
regularisation and threshold chosen by cross-validation by transcript, weighs them. Its
parameters are plain JSON (``resources/recommendation_model.json``), rebuilt by
``benchmarks/train_recommender.py``; no pickle, and the score is a pure function of the parse.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache

from spacy.tokens import Span, Token

from omap_synthesis.config import RESOURCES_DIR
from omap_synthesis.deontic import RecommendationDetector, lexicon
from omap_synthesis.french import (
    CONDITIONAL_ENDINGS,
    first_person,
    has_hypothesis_mark,
    is_future,
    is_negated,
    is_past,
    lemma,
    next_text,
    subjects,
)

MODEL_FILE = "recommendation_model.json"
CUE_KINDS = (
    "deontic",
    "modal",
    "proposal",
    "necessity",
    "goal",
    "commitment",
    "imperative",
    "item",
    "infinitive",
)
# Lemma groups whose mere presence is informative, whatever the parse made of them.
_LEMMA_GROUPS = {
    "falloir": {"falloir"},
    "devoir": {"devoir"},
    "proposer": {"proposer", "recommander", "préconiser", "suggérer", "plaider"},
    "vouloir": {"vouloir", "souhaiter", "demander", "proposition"},
    "necessaire": {
        "nécessaire",
        "indispensable",
        "essentiel",
        "impératif",
        "urgent",
        "prioritaire",
    },
    "besoin": {"besoin", "nécessité"},
    "enjeu": {"enjeu", "objectif", "priorité", "proposition", "recommandation", "projet"},
    "pouvoir": {"pouvoir"},
    "reporting": {"dire", "expliquer", "affirmer", "prétendre", "raconter", "entendre", "croire"},
    "talk": {"parler", "dire", "répondre", "revenir", "terminer", "conclure", "sauter", "résumer"},
}
_PRONOUN_SUBJECTS = {
    "je": {"je", "j'", "moi"},
    "nous": {"nous"},
    "on": {"on"},
    "vous": {"vous"},
    "il": {"il", "ils", "elle", "elles"},
}
_BAG_POS = frozenset({"NOUN", "VERB", "ADJ", "ADV", "PRON", "AUX", "SCONJ", "ADP"})
_VAGUE_VERBS = frozenset(
    "faire avoir être voir penser aller dire parler permettre réagir agir changer continuer "
    "aider sauver gagner réfléchir regarder essayer comprendre".split()
)
_VAGUE_NOUNS = frozenset(
    "chose révolution solution effort idée principe réforme changement sens truc question "
    "problème façon manière point niveau place".split()
)
_INTERROGATIVES = ("est-ce", "qu'est-ce", "pourquoi", "comment", "que ", "quel", "quand", "où")


def _finite(token: Token) -> bool:
    return token.morph.get("VerbForm") == ["Fin"]


def _conditional(token: Token) -> bool:
    return token.morph.get("Mood") == ["Cnd"] or (
        _finite(token) and token.lower_.endswith(CONDITIONAL_ENDINGS)
    )


def sentence_features(sent: Span, detector: RecommendationDetector | None = None) -> dict:
    """The features of one parsed sentence (names → values in [0, 1]), deterministic.

    Parameters
    ----------
    sent : Span
        A sentence of a passage's parse (its ``doc`` is the passage, so the place in the turn
        is known).
    detector : RecommendationDetector, optional
        The rule detector whose cues become features.

    Returns
    -------
    dict
        Every name of :func:`feature_names`, with a float value, and ``w:<lemma>`` (1.0) for
        every word of the sentence (the model keeps weights for the frequent ones only).

    Examples
    --------
    >>> sentence_features(nlp("Il faut simplifier.")[:])["cue_deontic"]  # doctest: +SKIP
    1.0
    """
    detector = detector or RecommendationDetector()
    words = lexicon()
    f = dict.fromkeys(feature_names(), 0.0)  # plus one ``w:<lemma>`` per word of the sentence
    kept = detector.sentence_cues(sent)
    raw = detector.raw_cues(sent)
    for cue in kept:
        f[f"cue_{cue.kind}"] = 1.0
        if cue.negated:
            f["cue_negated"] = 1.0
    for cue in raw:
        f[f"raw_{cue.kind}"] = 1.0
    f["cues"] = min(len(kept), 3) / 3
    f["dropped_cue"] = float(bool(raw) and not kept)
    tokens = [t for t in sent if not t.is_space]
    alpha = [t for t in tokens if t.is_alpha]
    lemmas = {lemma(t) for t in tokens}
    for name, group in _LEMMA_GROUPS.items():
        f[f"lemma_{name}"] = float(bool(lemmas & group))
    text = sent.text.lower().strip("«»\"' ")
    f["question"] = float("?" in sent.text or next_text(sent).startswith("?"))
    f["interrogative_start"] = float(text.startswith(_INTERROGATIVES))
    f["hypothesis"] = float(any(has_hypothesis_mark(t) for t in tokens))
    f["negation"] = float(any(is_negated(t) for t in tokens))
    verbs = [t for t in tokens if t.pos_ in {"VERB", "AUX"}]
    finite = [t for t in verbs if _finite(t)]
    root = sent.root
    f["verbless"] = float(not finite)
    f["conditional"] = float(any(_conditional(t) for t in verbs))
    f["future"] = float(any(is_future(t) for t in verbs))
    f["past"] = float(any(is_past(t) for t in verbs))
    f["root_past"] = float(is_past(root))
    f["present"] = float(any(t.morph.get("Tense") == ["Pres"] and _finite(t) for t in verbs))
    f["imperative"] = float(any(t.morph.get("Mood") == ["Imp"] for t in verbs))
    f["subjunctive"] = float(any(t.morph.get("Mood") == ["Sub"] for t in verbs))
    f["root_infinitive"] = float(root.morph.get("VerbForm") == ["Inf"])
    f["root_noun"] = float(root.pos_ in {"NOUN", "PROPN"})
    for person, forms in _PRONOUN_SUBJECTS.items():
        f[f"subject_{person}"] = float(
            any(t.lower_ in forms and t.dep_ in {"nsubj", "nsubj:pass"} for t in tokens)
        )
    f["on_present"] = float(
        any(
            t.lower_ == "on" and t.dep_ == "nsubj" and t.head.morph.get("Tense") == ["Pres"]
            for t in tokens
        )
    )
    f["impersonal_il"] = float(any(t.dep_ == "expl:subj" for t in tokens))
    f["vous_proposal"] = float(
        any(
            lemma(t) in _LEMMA_GROUPS["proposer"] | _LEMMA_GROUPS["vouloir"]
            and any(s.lower_ == "vous" for s in subjects(t))
            for t in tokens
        )
    )
    f["reported"] = float(
        any(
            lemma(t) in words["reporting_verbs"]
            and subjects(t)
            and not first_person(t, allow_on=False)
            for t in tokens
        )
    )
    f["own_talk"] = float(
        any(
            lemma(t) in _LEMMA_GROUPS["talk"] | words["discourse_verbs"]
            and (first_person(t, allow_on=False) or first_person(t.head, allow_on=False))
            for t in tokens
            if t.pos_ == "VERB"
        )
    )
    f["enumerator"] = float(
        bool(alpha)
        and (alpha[0].lower_ in words["enumerators"] or alpha[0].lower_.endswith("ième"))
    )
    nouns = [t for t in tokens if t.pos_ == "NOUN"]
    measures = [t for t in nouns if lemma(t) in words["nominalisations"] | words["measure_nouns"]]
    f["measure_nouns"] = min(len(measures), 3) / 3
    f["nouns"] = min(len(nouns), 10) / 10
    f["digits"] = float(any(t.like_num for t in tokens))
    f["cleft"] = float("c'est" in text or "ce qu" in text)
    f["existential"] = float("il y a" in text or "il y aura" in text)
    f["baseline"] = float(
        any(cue in text for cue in words["baseline_cues"] if isinstance(cue, str))
    )
    n = len(alpha)
    f["length"] = min(math.log1p(n) / math.log1p(60), 1.0)
    f["short"] = float(n < 6)
    sents = list(sent.doc.sents)
    f["first_in_turn"] = float(sent.start == sents[0].start)
    f["last_in_turn"] = float(sent.end == sents[-1].end)
    f["long_turn"] = float(len(sents) > 3)
    f.update(_action_features(sent, (kept or raw)[:1]))
    for t in tokens:
        if t.pos_ in _BAG_POS and t.is_alpha:
            f[f"w:{lemma(t)}"] = 1.0
    return f


def _action_features(sent: Span, cues: list) -> dict:
    """How concrete the action of the first cue is: its object, its verb, its extent."""
    f = {}
    if not cues:
        f["action_none"] = 1.0
        return f
    head = sent.doc[cues[0].head]
    objects = [c for c in head.children if c.dep_ in {"obj", "obl:arg", "ccomp", "xcomp", "nmod"}]
    f["action_noun"] = float(head.pos_ in {"NOUN", "PROPN"})
    f["action_vague_verb"] = float(lemma(head) in _VAGUE_VERBS)
    f["action_vague_noun"] = float(any(lemma(o) in _VAGUE_NOUNS for o in [head, *objects]))
    f["action_pronoun_object"] = float(
        any(c.pos_ == "PRON" and c.dep_ in {"obj", "iobj", "expl:comp"} for c in head.children)
        and not any(o.pos_ in {"NOUN", "PROPN"} for o in objects)
    )
    f["action_no_object"] = float(not objects)
    extent = [t for t in head.subtree if t.is_alpha and sent.start <= t.i < sent.end]
    f["action_words"] = min(len(extent), 15) / 15
    f["action_vous"] = float(any(s.lower_ == "vous" for s in subjects(head)))
    return f


@cache
def feature_names() -> tuple[str, ...]:
    """Every feature name, in the order of the model's coefficients."""
    names = [f"cue_{k}" for k in CUE_KINDS] + ["cue_negated"]
    names += [f"raw_{k}" for k in CUE_KINDS] + ["cues", "dropped_cue"]
    names += [f"lemma_{k}" for k in _LEMMA_GROUPS]
    names += ["question", "interrogative_start", "hypothesis", "negation", "verbless"]
    names += ["conditional", "future", "past", "root_past", "present", "imperative"]
    names += ["subjunctive", "root_infinitive", "root_noun"]
    names += [f"subject_{p}" for p in _PRONOUN_SUBJECTS]
    names += ["on_present", "impersonal_il", "vous_proposal", "reported", "own_talk"]
    names += ["enumerator", "measure_nouns", "nouns", "digits", "cleft", "existential"]
    names += ["baseline", "length", "short", "first_in_turn", "last_in_turn", "long_turn"]
    names += ["action_none", "action_noun", "action_vague_verb", "action_vague_noun"]
    names += ["action_pronoun_object", "action_no_object", "action_words", "action_vous"]
    return tuple(names)


@dataclass(frozen=True)
class RecommendationModel:
    """Logistic regression over :func:`sentence_features`, read from JSON.

    ``weights`` maps feature names to coefficients; a sentence is a recommendation when its
    score (the logistic of the weighted sum plus ``intercept``) reaches ``threshold``.
    """

    weights: dict
    intercept: float
    threshold: float

    def score(self, features: dict) -> float:
        """Probability-like score in [0, 1] of one sentence's features."""
        z = self.intercept + sum(w * features.get(name, 0.0) for name, w in self.weights.items())
        return 1.0 / (1.0 + math.exp(-z))

    def decide(self, features: dict) -> tuple[bool, float]:
        """Whether the sentence is a recommendation, and its score."""
        s = self.score(features)
        return s >= self.threshold, s

    @classmethod
    def from_dict(cls, data: dict) -> RecommendationModel:
        names = data["features"]
        if len(names) != len(data["coef"]):
            raise ValueError("features and coef differ in length")
        return cls(
            dict(zip(names, map(float, data["coef"]), strict=True)),
            float(data["intercept"]),
            float(data["threshold"]),
        )


@cache
def load_model() -> RecommendationModel | None:
    """The shipped model (``resources/recommendation_model.json``), or None when absent."""
    path = RESOURCES_DIR / MODEL_FILE
    if not path.exists():
        return None
    return RecommendationModel.from_dict(json.loads(path.read_text(encoding="utf-8")))
