"""Recommendations the speakers actually made: detect, normalise, merge, rank.

Detection works on the sentences of the parsed ``clean`` text of every passage
(:mod:`omap_synthesis.deontic`); each sentence is mapped back to the verbatim source text, which
is what the evidence quotes. Moderation turns are never recommendations.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

import numpy as np
from spacy.tokens import Doc, Span, Token

from omap_synthesis import caching
from omap_synthesis.actions import (
    PRO_VERBS,
    action_head,
    action_line,
    clitic_antecedent,
    is_needed,
    lexicon_support_verb,
    multiword_verbs,
    named_thing,
    names_a_thing,
    needed_action,
    negative_pronoun,
    nominal_verb,
    state_verbs,
    verbatim_action,
)
from omap_synthesis.deontic import (
    Cue,
    RecommendationDetector,
    calls_for_nothing,
    counterfactual,
    lexicon,
    own_clause,
    talk_only,
)
from omap_synthesis.french import (
    denied,
    first_person,
    infinitive,
    is_negated,
    is_past,
    lemma,
    subjects,
)
from omap_synthesis.models import (
    LECTURE_KINDS,
    Codebook,
    Event,
    Evidence,
    Passage,
    Recommendation,
)
from omap_synthesis.nlp import PAUSES, numeral_values
from omap_synthesis.recommend_model import (
    RecommendationModel,
    load_model,
    second_look,
    sentence_features,
)
from omap_synthesis.segment import count_words

_CONTENT_POS = {"NOUN", "PROPN", "VERB", "ADJ"}
# Two recommendations are one when their content words overlap this much (Jaccard index, at
# least two shared words), or this much when their action has the same specific verb.
MERGE_JACCARD, MERGE_SAME_VERB_JACCARD = 0.5, 0.2
# Two words describing objects are one when their vectors are this close: it joins derivations
# and near-synonyms (« financer » / « financement » 0.75, « spécifique » / « particulier » 0.78)
# and nothing looser (« cadre » / « référentiel » are at 0.52, « comité » / « instance » 0.38).
MERGE_WORD_COSINE = 0.75
_SAME_ROW = 1.0 - 1e-6
# Verbs that only say the thing should exist: « prévoir un statut » and « créer un statut » are
# the same proposal. The support verb of nominal proposals (« prévoir ») is one of them.
_SETTING_UP_VERBS = frozenset({"créer", "mettre", "instaurer", "instituer", "établir"})
# Dependents that stay in an object's phrase; clauses and adjuncts are left out.
_OBJECT_PHRASE_DEPS = frozenset({"amod", "nmod", "compound", "flat:name", "conj", "appos"})
_COMPLEMENT_DEPS = frozenset({"obl", "obl:mod", "obl:arg"})
# Ranking: points lost per recommendation already ranked under the same first objective, and
# the length under which an action line is too vague to lead the list.
BALANCE, SPECIFIC_WORDS = 0.5, 3
# A vague action (pronoun or no object, bare verb) keeps this share of its classifier score;
# recommendations under CONCRETE_SCORE are ranked after all the others.
VAGUE_FACTOR, CONCRETE_SCORE = 0.5, 0.5
# Dependencies of what a verb acts on, its arguments (see _named_complements); adjuncts of time
# or place (« dès cet été ») are not.
_ACTED_ON_DEPS = frozenset({"obj", "obl:arg", "xcomp", "ccomp"})
# Verbs a fallback cue looks through to the action under them (« il nous paraît indispensable
# de doter … », « je vais supprimer … »).
_TRIGGER_LEMMAS = frozenset(
    "falloir devoir proposer recommander préconiser souhaiter vouloir paraître sembler "
    "convenir suggérer demander aller".split()
)
# Verbs of opinion and saying it also looks through (« je pense qu'on doit gouverner … »), and
# the copula of « mon projet est de concentrer … ».
_OPINION_LEMMAS = frozenset("penser croire dire considérer estimer juger être".split())
# Quantity adverbs that head the noun a verb acts on (« donner plus d'autonomie »).
_QUANTITIES = frozenset({"plus", "moins", "beaucoup", "davantage", "trop", "autant", "peu"})
# Characters at the end of the previous turn in which a « ? » makes it a question.
QUESTION_TAIL = 40
_BELIEF_NOUNS = frozenset({"idée", "impression", "sentiment", "croyance", "illusion", "mythe"})
_EMPTY_VERBS = frozenset({"exister", "être", "avoir", "vivre", "sembler", "paraître"})
_MADE_DEPS = frozenset({"obj", "iobj", "obl:arg", "xcomp", "ccomp", "nsubj:pass"})
_PERSONAL_SUBJECTS = frozenset({"il", "elle", "ils", "elles", "ça", "cela"})
_OBJECT_CLITICS = frozenset({"le", "la", "l'", "l’", "les"})


@dataclass(frozen=True)
class Sentence:
    """A sentence of a passage: its parse and its place in the source's text."""

    passage: Passage
    span: Span
    start_char: int
    end_char: int

    @property
    def quote(self) -> str:
        """The verbatim text of the sentence in the source."""
        p = self.passage
        return p.text[self.start_char - p.start_char : self.end_char - p.start_char]


@dataclass(frozen=True)
class Detection:
    """A recommendation sentence and the cues found in it (first one gives the action)."""

    sentence: Sentence
    cues: tuple[Cue, ...]
    score: float = 1.0


def sentences(passages: Iterable[Passage], docs: dict[str, Doc]) -> Iterator[Sentence]:
    """Every non-empty sentence of every passage, with its span in the source's text."""
    for passage in passages:
        doc = docs[passage.id]
        for sent in doc.sents:
            if not sent.text.strip():
                continue
            a = passage.clean_to_text(sent.start_char)
            b = passage.clean_to_text(sent.end_char - 1) + 1
            while b > a and passage.text[b - 1].isspace():
                b -= 1
            # « …, je propose … »: the parser may open a sentence on the comma that joined it
            # to the one before; the quotation starts at its first word.
            while a < b and (passage.text[a].isspace() or passage.text[a] in PAUSES):
                a += 1
            if a == b:  # a sentence of marks alone
                continue
            yield Sentence(passage, sent, passage.start_char + a, passage.start_char + b)


def detect(
    passages: Iterable[Passage],
    docs: Mapping[str, Doc],
    detector: RecommendationDetector | None = None,
    model: RecommendationModel | None | bool = True,
    cache: str | None = None,
) -> list[Detection]:
    """The sentences that hold a recommendation, in passage order.

    The decision is the classifier's (:mod:`omap_synthesis.recommend_model`), which reads the
    rule detector's cues among its features; the cues then give the action. Without a model
    the rules decide alone.

    Parameters
    ----------
    passages : iterable of Passage
        Passages to read; moderation turns are skipped.
    docs : dict
        ``{passage_id: Doc}`` from :func:`omap_synthesis.nlp.parse_passages`.
    detector : RecommendationDetector, optional
        Defaults to the detector built from ``resources/recommendations.yaml``.
    model : RecommendationModel, None or True
        ``True`` (default) loads the shipped model; ``None`` lets the rules decide.
    cache : str, optional
        Key of the pipeline that parsed ``docs`` (:func:`omap_synthesis.nlp.model_key`). When
        given, with the shipped detector and model, each source's detections are kept in the
        stage cache: a re-run after one new file only reads that file's sentences.

    Returns
    -------
    list of Detection
        One per recommendation sentence, with its cues and the classifier's score.
    """
    passages = list(passages)
    if cache is not None and detector is None and model is True:
        return start_detection(passages, docs, cache)()
    detector = detector or RecommendationDetector()
    model = load_model() if model is True else model
    look = _first_look(passages, docs, detector, model)
    return _conclude(look, second_look(look.texts), detector, model)


@dataclass(frozen=True)
class _FirstLook:
    """Passages read by the classifier's first stage: their sentences, the features and first
    score of each, and the texts its second look embeds."""

    spoken: list[Sentence]
    features: list[dict]
    first: list[float]
    texts: list[str]


def _first_look(
    passages: list[Passage],
    docs: Mapping[str, Doc],
    detector: RecommendationDetector,
    model: RecommendationModel | None,
) -> _FirstLook:
    spoken = list(sentences((p for p in passages if p.kind != "moderation"), docs))
    if model is None:
        return _FirstLook(spoken, [], [], [])
    answering = answers_to_questions(passages)
    vectors = model.uses_vectors
    features = [
        sentence_features(s.span, detector, s.passage.id in answering, vectors) for s in spoken
    ]
    first = model.first_scores(features)
    return _FirstLook(spoken, features, first, [spoken[k].span.text for k in model.to_embed(first)])


def _conclude(
    look: _FirstLook,
    vectors: np.ndarray | None,
    detector: RecommendationDetector,
    model: RecommendationModel | None,
) -> list[Detection]:
    """The detections of ``look``, given the embeddings of its second look (``None``: the
    first stage decides alone)."""
    if model is None:
        decisions = [(True, 1.0)] * len(look.spoken)
    else:
        decisions = model.conclude(look.features, look.first, vectors)
    found = []
    for k, (sentence, (keep, score)) in enumerate(zip(look.spoken, decisions, strict=True)):
        span = sentence.span
        cues = None
        first = look.first[k] if model is not None and not keep else 0.0
        if first and first >= model.threshold:
            # Made in saying it: kept on its first score, which then ranks it.
            cues = detector.sentence_cues(span)
            if any(_performative(span.doc, c) for c in cues):
                keep, score = True, first
        if not keep:
            continue
        cues = detector.sentence_cues(span) if cues is None else cues
        if not cues and (
            _refused(span)
            or _necessity_of_nothing(span)
            or detector.weighs_a_prospect(span)
            or _every_construction(span, detector, _said_by_another)
            or _every_construction(span, detector, counterfactual)
        ):
            continue
        if _about_proposals(span):
            continue
        if model is not None:
            # The classifier may overrule an exclusion or find a form the rules miss; the action
            # is still not one the rules know to be none (see ``action_cues``).
            cues = cues or detector.action_cues(span) or [_fallback_cue(span)]
        cues = [
            c for c in cues if not _own_course(span.doc, c) and not _one_persons_lot(span.doc, c)
        ]
        if cues:
            found.append(Detection(sentence, tuple(cues), score))
    return found


def _performative(doc: Doc, cue: Cue) -> bool:
    """The speaker makes the proposal in saying it (not in the past): « nous recommandons
    que … », « je proposerai … »."""
    trigger = doc[cue.trigger]
    return (
        cue.kind == "proposal"
        and lemma(trigger) in lexicon()["performatives"]
        and not is_past(trigger)
    )


def _refused(span: Span) -> bool:
    """« Je ne le recommande pas à ce stade », « je ne propose pas de supprimer … », « que je ne
    demande pas la suppression du quotient familial »: the speaker declines to make the
    proposal, whatever the classifier read in its words."""
    declined = lexicon()["performatives"] | {"demander"}
    return any(
        lemma(t) in declined
        and first_person(t, allow_on=False)
        and is_negated(t)
        and not is_past(t)
        for t in span
    )


def _necessity_of_nothing(span: Span) -> bool:
    """Every « falloir » or « devoir » of the sentence calls for nothing (« ce qui veut dire
    qu'il faudrait cent soixante ans pour tout remplacer », « les agriculteurs doivent déjà
    respecter le programme »), whatever the classifier read in its words."""
    necessities = [t for t in span if lemma(t) in {"falloir", "devoir"}]
    return bool(necessities) and all(calls_for_nothing(t) for t in necessities)


_PROPOSAL_NOUNS = frozenset({"recommandation", "proposition", "préconisation", "suggestion"})
_SAYING = frozenset(
    "formuler faire présenter énoncer livrer rappeler résumer donner avoir voir".split()
)


def _about_proposals(span: Span) -> bool:
    """« Je formulerai trois recommandations à la fin de mon propos. », « Troisième
    recommandation, la plus importante à mes yeux. », « Voilà ma proposition. »: a sentence
    whose only nouns name proposals, or whose root or its object names them and no verb
    says what they are, announces or heads proposals, and makes none."""
    nouns = {lemma(t) for t in span if t.pos_ in {"NOUN", "PROPN"}}
    if nouns and nouns <= _PROPOSAL_NOUNS:
        return True
    root = span.root
    # The root, or the object of a verb of saying (« je formulerai trois recommandations »),
    # not of an act (« je soumettrai cette proposition au Parlement »).
    if lemma(root) not in _PROPOSAL_NOUNS and not (
        lemma(root) in _SAYING and _names_proposals(root)
    ):
        return False
    # « je fais une proposition : supprimer la taxe »: a verb beside it says what it is.
    return not any(t.pos_ in {"VERB", "AUX"} for t in span if t != root and t.dep_ != "cop")


def _names_proposals(verb: Token) -> bool:
    """The object of ``verb`` names proposals (« une proposition », « trois
    recommandations »)."""
    return any(c.dep_ == "obj" and lemma(c) in _PROPOSAL_NOUNS for c in verb.children)


def start_detection(
    passages: Sequence[Passage], docs: Mapping[str, Doc], model: str
) -> Callable[[], list[Detection]]:
    """Start :func:`detect` with the shipped detector and model; call the returned function
    for its result.

    Source by source (a turn's context never crosses sources), the detections are kept in the
    stage cache as token and character offsets, under the key of the pipeline that parsed
    ``docs`` (``model``). The first stage reads the sources not in the cache now; the sentence
    embeddings of its second look are computed in a thread, where the engine runs outside the
    GIL while the caller does other work (the pipeline tags meanwhile).
    """
    passages = list(passages)
    by_source: dict[str, list[Passage]] = {}
    for passage in passages:
        by_source.setdefault(passage.source, []).append(passage)
    detector, classifier = RecommendationDetector(), load_model()
    rows_of, looks = {}, []
    for source, mine in by_source.items():
        key = caching.digest("detect", model, mine)
        rows = caching.load("detect", key)
        if rows is None:
            looks.append((source, key, _first_look(mine, docs, detector, classifier)))
        else:
            rows_of[source] = rows
    texts = [text for _, _, look in looks for text in look.texts]
    pool = ThreadPoolExecutor(1, thread_name_prefix="omap-embed")
    embedding = pool.submit(second_look, texts)
    pool.shutdown(wait=False)  # the thread ends with its work

    def result() -> list[Detection]:
        vectors, start = embedding.result(), 0
        for source, key, look in looks:
            mine, end = by_source[source], start + len(look.texts)
            index = {p.id: k for k, p in enumerate(mine)}
            found = _conclude(
                look, None if vectors is None else vectors[start:end], detector, classifier
            )
            rows_of[source] = [
                (
                    index[s.passage.id],
                    s.span.start,
                    s.span.end,
                    s.start_char,
                    s.end_char,
                    d.cues,
                    d.score,
                )
                for d in found
                for s in [d.sentence]
            ]
            caching.store("detect", key, rows_of[source])
            start = end
        order = {p.id: k for k, p in enumerate(passages)}
        found = []
        for source, mine in by_source.items():
            for k, begin, stop, a, b, cues, score in rows_of[source]:
                passage = mine[k]
                sentence = Sentence(passage, docs[passage.id][begin:stop], a, b)
                found.append(Detection(sentence, cues, score))
        found.sort(key=lambda d: (order[d.sentence.passage.id], d.sentence.span.start))
        return found

    return result


def answers_to_questions(passages: Sequence[Passage]) -> set[str]:
    """Ids of the turns that follow a question put by someone else (« Que proposez-vous ? »).

    The previous passage of the same source must end on a question, a few words of slack
    allowed for a closing « s'il vous plaît » or a name.
    """
    found, previous = set(), None
    for passage in passages:
        if (
            previous is not None
            and previous.source == passage.source
            and previous.speaker != passage.speaker
            and "?" in previous.text.rstrip()[-QUESTION_TAIL:]
        ):
            found.add(passage.id)
        previous = passage
    return found


def _fallback_cue(span: Span) -> Cue:
    """A cue for a sentence only the classifier kept: the first action verb under the root.

    « il nous paraît indispensable de doter … » → « doter »; « je pense qu'on doit gouverner
    … » → « gouverner »; when the complement is an adjective (« il faut que toute application
    soit interopérable »), the adjective; what is needed or should exist (« nous avons besoin
    d'une instance », « il doit y avoir des critères »), the noun.
    """
    root = token = _own_clause(_content_root(span))
    path = [root]
    for _ in range(4):
        below = _looked_through(token)
        if not below:
            break
        token = below[0]
        path.append(token)
    # « on ne va pas augmenter les impôts »: the negation of a verb looked through is the
    # action's (not a « pas » that sets a phrase against another: « baisser la TVA, pas des
    # chèques »).
    return Cue("model", root.i, token.i, negated=any(denied(t) for t in path))


# Subjects that name whom the speaker addresses.
_ADDRESSEE = frozenset({"vous", "tu"})


def _own_clause(root: Token) -> Token:
    """``root``, or, when it says what the addressee does (« j'enlève les prestations … aux
    étrangers, vous ne le faites pas », where the parser made the jab the root), the clause
    hung on it in which the speaker says what they do."""
    if not any(s.lower_ in _ADDRESSEE for s in subjects(root)):
        return root
    return next(
        (
            c
            for c in root.children
            if c.dep_ in {"advcl", "ccomp", "conj", "parataxis"}
            and c.pos_ == "VERB"
            and first_person(c, allow_on=False)
        ),
        root,
    )


def _content_root(span: Span) -> Token:
    """The sentence's root, or, when the parser made a punctuation mark or a line break the
    root (« D'abord, le recours aux technologies … » hung on its full stop), the word with the
    largest phrase among those hung on such marks from the root down."""
    root = span.root
    if not (root.is_punct or root.is_space):
        return root
    words, marks = [], [root]
    while marks:
        for child in marks.pop().children:
            (marks if child.is_punct or child.is_space else words).append(child)
    return max(words, key=lambda t: t.right_edge.i - t.left_edge.i, default=root)


def _reformulation_verb(token: Token) -> bool:
    """The « dire » of « c'est-à-dire », which the parser takes for a verb."""
    before = token.doc.text[max(0, token.idx - 8) : token.idx]
    return token.lower_ == "dire" and re.search(r"est\s?-\s?à\s?-\s?$", before, re.I) is not None


def _looked_through(token: Token) -> list[Token]:
    """Where a fallback cue goes on from ``token`` (nowhere from an action verb)."""
    if _reformulation_verb(token):
        # « il faut que la taxe ne soit plus la taxe d'hier, c'est-à-dire une taxe sur … »,
        # the negated clause hung on « dire »: what follows restates what the speaker refuses,
        # and the line says the clause it restates.
        refused = [
            c
            for c in token.children
            if c.i < token.i
            and c.dep_ in {"advcl", "ccomp", "parataxis"}
            and c.pos_ in {"VERB", "AUX"}
            and any(denied(t) for t in c.subtree)
        ]
        if refused:
            return refused[:1]
        # « c'est-à-dire une perte de recettes »: what follows is the content.
        return [
            c
            for c in token.children
            if c.dep_ in {"obj", "ccomp", "xcomp"} and c.pos_ in {"VERB", "NOUN", "ADJ", "PROPN"}
        ]
    # « c'est pour ça que je veux … », « Premier point, que nous puissions créer … »: a
    # pronoun of reason or a numbered heading announces the clause that says the action.
    reason = token.pos_ == "PRON" and token.lower_ in {"ça", "cela", "c'", "c’", "ce"}
    heading = token.pos_ == "NOUN" and any(
        c.morph.get("NumType") == ["Ord"] for c in token.children if c.dep_ == "amod"
    )
    # « C'est lui qui doit disposer du crédit »: the relative clause of a cleft on a pronoun
    # says the action (one on a noun names it: « c'est un dispositif d'urgence qui … »).
    cleft = token.pos_ == "PRON" and any(c.dep_ == "cop" for c in token.children)
    if token.dep_ == "ROOT" and (reason or heading or cleft):
        # The clause hangs on the root or on a word of « c'est pour cela ».
        return [
            t
            for t in token.subtree
            if t.dep_ in {"acl:relcl", "acl", "ccomp", "dep"}
            and t.pos_ == "VERB"
            and t.i > token.i
            and token in (t.head, t.head.head)
        ]
    if token.pos_ in {"VERB", "AUX"} and lemma(token) == "avoir" and not is_negated(token):
        children = list(token.children)
        # « nous avons besoin d'une instance »
        if any(c.dep_ == "obj" and lemma(c) == "besoin" for c in children):
            return [c for c in children if is_needed(c) and c.pos_ in {"VERB", "NOUN"}]
        # « il doit y avoir des critères », « qu'il y ait », « il y aura » in a sentence the
        # classifier kept: what should exist, not what exists (« il y a »).
        mood, form = token.morph.get("Mood"), token.morph.get("VerbForm")
        if "Fut" in token.morph.get("Tense") or mood in (["Sub"], ["Cnd"]) or form == ["Inf"]:
            if any(c.dep_ == "expl:comp" and c.lower_ == "y" for c in children):
                return [c for c in children if c.dep_ == "obj" and c.pos_ == "NOUN"]
    colon = next((c.i for c in token.children if c.text == ":"), None)
    if colon is not None and token.pos_ in {"VERB", "AUX"} and _names_proposals(token):
        # « je fais une proposition : supprimer la taxe », « j'ai une proposition simple :
        # que chaque ministère désigne … »: what follows the colon is the proposal.
        said = [
            c
            for c in token.children
            if c.i > colon
            and c.dep_ in {"xcomp", "ccomp", "parataxis", "conj"}
            and c.pos_ == "VERB"
        ]
        if said:
            return said[:1]
    if token.pos_ == "VERB" and lemma(token) not in _TRIGGER_LEMMAS:
        if lemma(token) not in _OPINION_LEMMAS or is_negated(token):
            return []
        # Only to a verb: « je crois que c'est une réforme nécessaire » names no action. Of
        # two clauses, an act before a state (« je pense que nous avons ce point d'accord, que
        # nous supprimions la TVA … »).
        said = [c for c in token.children if c.dep_ in {"ccomp", "xcomp"} and c.pos_ == "VERB"]
        return sorted(said, key=lambda c: lemma(c) in _EMPTY_VERBS)
    return [
        c
        for c in token.children
        if c.dep_ in {"ccomp", "xcomp", "obj"} and c.pos_ in {"VERB", "ADJ", "NOUN"}
    ]


def _model_action(doc: Doc, cue: Cue) -> str:
    """Action line of a fallback cue: « Faire en sorte que … » for an adjective complement
    (« Être … » for one without a subject, see ``verbatim_action``) or the predicate noun of a
    « que » clause; for a bare « il faut »,
    what it governs (``needed_action``)."""
    head = doc[cue.head]
    if head.pos_ == "ADJ" and head.i != cue.trigger:
        return verbatim_action(head)
    if head.pos_ == "NOUN" and _that(head) and any(c.dep_ == "cop" for c in head.children):
        # « que la taxe ne soit plus la taxe d'hier »: the predicate noun of a « que » clause
        # is no thing to provide; the line says the clause, with its negation.
        return verbatim_action(head) or action_line(doc, cue)
    if head.i == cue.trigger and lemma(head) == "falloir" and not cue.negated:
        return needed_action(head)
    return action_line(doc, cue)


def _own_course(doc: Doc, cue: Cue) -> bool:
    """Not a proposal, whatever the words: the speaker's own talk or goodwill, the session's
    course, the content of a belief, or what the speakers say they do not say or think.

    « je vais en sauter quelques-unes », « je vais prolonger ce que … », « que je veux bien
    partager », « je vous propose une pause », « nous devons nous arrêter là », « nous y
    entendrons cinq interventions », « je souhaite plein succès à vos travaux », « il y a
    cette idée que détenir une donnée, c'est détenir un pouvoir ». Read after the classifier,
    which decides everything else: a wish whose object is a pronoun (« je souhaite les
    revaloriser ») or a verb of talk that acts on something named (« je propose de passer le
    minimum contributif à 1 100 euros ») stays. Session verbs go whatever their object (« je
    vais revenir sur la réforme » is mostly the talk's own course, sometimes not).
    """
    trigger, head = doc[cue.trigger], doc[cue.head]
    if lemma(trigger) == "souhaiter" and lemma(head) in lexicon()["courtesy_nouns"]:
        return True
    if any(
        t.dep_ in {"acl", "acl:relcl", "ccomp"} and lemma(t.head) in _BELIEF_NOUNS
        for t in (head, *head.ancestors)
    ):
        return True
    if _disowned(trigger):
        return True
    speakers = {s.lower_ for t in (trigger, head) for s in t.children if s.dep_ == "nsubj"}
    own = bool(speakers & {"je", "j'", "moi"})
    if (own or "nous" in speakers) and _course_of_talk(head):
        return True
    to_room = any(c.dep_ in {"obj", "iobj"} and c.lower_ == "vous" for c in trigger.children)
    if own and lemma(trigger) == "proposer" and to_room:
        return True
    if not own:
        return False
    # « je vais en sauter quelques-unes », « je vais y revenir »: the near future of the talk,
    # with nothing named to act on but talk (a pronoun object is not named: « je vais les
    # revaloriser » goes too).
    near_future = lemma(trigger) == "aller" and _talk_only(head)
    goodwill = any(c.lower_ == "bien" for c in trigger.children) and lemma(trigger) == "vouloir"
    # « il faut que je reprenne un peu en arrière »: what the speaker must do, here, in talking.
    must = lemma(trigger) == "falloir"
    return near_future or goodwill or must


def _every_construction(span: Span, detector: RecommendationDetector, test) -> bool:
    """Every construction of the sentence (its raw cues, before the exclusions) passes ``test``
    on its trigger. The rules set such a sentence aside; the classifier may not."""
    cues = detector.raw_cues(span)
    return bool(cues) and all(test(span.doc[c.trigger]) for c in cues)


def _said_by_another(trigger: Token) -> bool:
    """Inside what a named third party says: « Le ministère nous dit qu'il faut rentabiliser
    chaque dirham investi, et je le comprends » (the classifier reads the speaker's « je »
    further on), or what is heard said: « On répète souvent qu'il faut « responsabiliser » les
    agents ; moi je dirais … ». A pronoun saying, « vous savez que nous souhaitons … », is
    often the speaker's own."""
    token = trigger
    while token.dep_ in {"ccomp", "xcomp", "conj"} and token.head.i != token.i:
        if own_clause(token):
            break
        token = token.head
        if is_negated(token):
            continue
        if lemma(token) in _SPEECH_VERBS and any(
            s.pos_ in {"NOUN", "PROPN"} for s in subjects(token)
        ):
            return True
        # « on répète qu'il faut … »; not « je voudrais répéter qu'il faut … », without a
        # subject of its own.
        if (
            lemma(token) in lexicon()["hearsay_verbs"]
            and subjects(token)
            and not first_person(token, allow_on=False)
        ):
            return True
    return False


_SPEECH_VERBS = frozenset({"dire", "affirmer", "expliquer", "annoncer", "déclarer", "écrire"})


def _one_persons_lot(doc: Doc, cue: Cue) -> bool:
    """An obligation that falls on one person, as things are or would be: « une infirmière va
    devoir travailler quarante-cinq annuités », « aujourd'hui, un agent de Tata doit parcourir
    300 kilomètres », « chaque agent doit aujourd'hui remplir un formulaire papier ». It
    describes someone's lot (often to attack the policy that makes it), or states a maxim
    (« un président doit … »): no measure. « Chaque citoyen doit pouvoir … », without a word
    for the present, stays."""
    if cue.kind not in {"modal", "deontic"}:
        return False
    trigger = doc[cue.trigger]
    found = [doc[cue.actor]] if cue.actor is not None else []
    found += subjects(trigger) + (subjects(trigger.head) if trigger.dep_ == "xcomp" else [])
    words = lexicon()
    for subject in found:
        if subject.pos_ != "NOUN" or lemma(subject) not in words["person_nouns"]:
            continue
        if subject.morph.get("Number") == ["Plur"]:
            continue
        det = {c.lower_ for c in subject.children if c.dep_ == "det"}
        if det & {"un", "une", "mon", "ma", "ton", "ta"}:
            return True
        text = trigger.sent.text.lower().replace("’", "'")
        now = any(re.search(rf"(?<!\w){p}(?!\w)", text) for p in words["as_things_are"])
        if "chaque" in det and now:
            return True
    return False


def _disowned(trigger: Token) -> bool:
    """The cue is the « que … » clause of a negated verb of saying or thinking in the
    speaker's voice, the nearest such verb above it: « je ne dis pas que l'État doit tout
    abandonner », « nous ne pensons pas qu'il faille … ». The rules already set it aside;
    the classifier may not."""
    token, that = trigger, False
    # Up the clause heads only: a cue the parser hung as another word of the clause (a subject,
    # an adjunct) is no part of what is not said. A « que » clause the parser read as an
    # adjunct of the next clause (« je ne dis pas qu'il faut stocker trois mois de tout,
    # évidemment : ça coûterait une fortune ») is still what is said.
    while token.head.i != token.i and (
        token.dep_ in {"ccomp", "xcomp"} or (token.dep_ == "advcl" and _that(token))
    ):
        that = that or _that(token)
        child, token = token, token.head
        if lemma(token) in lexicon()["reporting_verbs"] and token.pos_ == "VERB":
            # « je ne veux pas dire que … »: the verb that governs the saying says who and not.
            said = [token, token.head] if token.dep_ == "xcomp" else [token]
            return (
                child.dep_ == "ccomp"
                and that
                and any(is_negated(t) for t in said)
                and any(first_person(t, allow_on=False) for t in said)
            )
    return False


def _that(clause: Token) -> bool:
    return any(c.dep_ == "mark" and lemma(c) == "que" for c in clause.children)


def _course_of_talk(head: Token) -> bool:
    """The verb announces the session's course (« nous y entendrons … », « je vais conclure »),
    or is one of talk (« passer », « donner », « continuer » …) with nothing to act on but talk:
    no complement, or a discourse noun (« je vais vous donner un chiffre »). With a complement,
    the same verbs carry proposals (« passer le minimum contributif à 1 100 euros »)."""
    words = lexicon()
    verb = infinitive(head)
    if verb in words["session_verbs"]:
        return True
    return verb in words["discourse_verbs"] and _talk_only(head)


def _talk_only(head: Token) -> bool:
    """Nothing the verb acts on is named but talk: no noun, number or verb among its arguments,
    or only discourse nouns (« un chiffre », « un exemple »)."""
    return all(lemma(c) in lexicon()["discourse_nouns"] for c in _named_complements(head))


def _named_complements(head: Token) -> list[Token]:
    """The arguments of a verb that name something (nouns, numbers, verbs), not pronouns or
    adverbs (« nous arrêter là »), looking through a quantity (« plus d'autonomie »). A token
    with no letter or digit is left out: the tagger takes the hyphen of « quelques-unes » for a
    noun."""
    children = list(head.children)
    children += [g for c in children if c.lower_ in _QUANTITIES for g in c.children]
    return [
        c
        for c in children
        if c.dep_ in _ACTED_ON_DEPS
        and c.pos_ in {"NOUN", "PROPN", "NUM", "VERB"}
        and any(ch.isalnum() for ch in c.text)
    ]


@dataclass
class _Candidate:
    """One recommendation sentence before merging."""

    detection: Detection
    action: str
    content: frozenset[str]
    sentence_words: frozenset[str]
    nouns: frozenset[str]
    objects: frozenset[str]
    order: int
    vague: bool = False
    stems: frozenset[str] = frozenset()
    targets: frozenset[str] = frozenset()
    modifiers: frozenset[str] = frozenset()
    vectors: Mapping[str, np.ndarray] = field(default_factory=dict, repr=False)
    # The action's verb and the words of its direct dependents (see _mark_contradictions).
    stance: frozenset[str] = frozenset()
    # Per object head, the nouns of its « de » complements: what kind of thing it is (« plan
    # d'archivage », « plan d'urbanisation »).
    kinds: Mapping[str, frozenset[str]] = field(default_factory=dict, repr=False)
    # The numbers of the action (« 60 » in « ramener l'âge légal à 60 ans »).
    amounts: frozenset[str] = frozenset()
    # The content words of the alternative the speaker sets aside in the same sentence
    # (« plutôt que de créer une nouvelle instance », « au lieu de … »): see _rejects.
    rejected: frozenset[str] = frozenset()
    rejected_head: str = ""

    @property
    def verb(self) -> str:
        """The action's verb (« publier » for « Ne pas publier … »); « Faire en sorte que … »
        names no act of its own and counts as the support verb."""
        if self.action.lower().startswith(("faire en sorte que", "faire en sorte qu'")):
            return lexicon_support_verb()
        words = [w for w in self.action.lower().split() if w not in {"ne", "n'", "pas", "se"}]
        return words[0] if words else ""

    @property
    def negated(self) -> bool:
        """An action not to take (« Ne pas centraliser les données »)."""
        return self.action.lower().startswith(("ne ", "n'", "n’"))

    @property
    def evidence(self) -> Evidence:
        return _evidence(self.detection.sentence)


def _evidence(sentence: Sentence) -> Evidence:
    p = sentence.passage
    return Evidence(
        sentence.quote,
        p.id,
        p.speaker,
        p.source,
        p.talk,
        sentence.start_char,
        sentence.end_char,
        p.start,
        p.end,
    )


def _words(tokens: Iterable) -> frozenset[str]:
    """Content lemmas; verbs as infinitives (« simplifions » → « simplifier »)."""
    return frozenset(
        infinitive(t) if t.pos_ == "VERB" or t.lower_.endswith("ons") else lemma(t)
        for t in tokens
        if t.pos_ in _CONTENT_POS and not t.is_stop
    )


# Links inside one noun phrase: a clitic's antecedent stands for the phrase they make.
_WITHIN_PHRASE = frozenset({"appos", "conj", "nmod"})
_NOMINAL = frozenset({"NOUN", "PROPN"})
# What an action acts on: its object, subject or argument (« rendre la certification
# obligatoire », « la certification doit rester volontaire », « un statut pour les … »).
_ACTED_ON = frozenset({"obj", "nsubj", "nsubj:pass", "obl:arg", "nmod", "xcomp", "ccomp"})


def _action_tokens(head: Token) -> list[Token]:
    """The words of what the action acts on: the phrases of its head's object, subject or
    noun complement (not where or when: « créer de l'emploi … dans les territoires » and
    « supprimer le zéro artificialisation dans les territoires ruraux » act on two things); for
    an infinitive after a modal, the modal's subject (« la certification … doit rester
    volontaire »); for an object clitic, the whole phrase of the noun it stands for (« sur les
    plateformes socles, c'est-à-dire …, les registres de référence …, l'État doit les garder en
    interne »)."""
    tokens = [head] + [t for c in head.children if c.dep_ in _ACTED_ON for t in c.subtree]
    if head.dep_ == "xcomp":
        tokens += [t for c in subjects(head.head) for t in c.subtree]
    _, noun = clitic_antecedent(head)
    while noun is not None and noun.dep_ in _WITHIN_PHRASE and noun.head.pos_ in _NOMINAL:
        noun = noun.head
    return tokens + (list(noun.subtree) if noun is not None else [])


# What opens an alternative the speaker sets aside: « plutôt que (de) », « au lieu de ».
_REJECTING = tuple(
    tuple(words.split())
    for words in (
        "plutôt que",
        "plutôt qu'",
        "plutôt qu’",
        "au lieu de",
        "au lieu d'",
        "au lieu d’",
    )
)


def _rejected_alternative(span: Span, action: Token) -> list[Token]:
    """The words of the alternative a sentence sets aside (« …, plutôt que de créer une
    nouvelle instance auprès du Chef du gouvernement »): the phrase of the first verb or noun
    after « plutôt que » or « au lieu de », however the parser attached it, that word first.
    Not when that phrase holds the action itself (« il faut plutôt que les ministères
    partagent … »)."""
    words = [t.lower_ for t in span]
    for k in range(len(words)):
        opener = next((o for o in _REJECTING if tuple(words[k : k + len(o)]) == o), None)
        if opener is None:
            continue
        # The alternative opens right after: a verb (« de les demander ») or a noun phrase
        # with its determiner; « au lieu d'accueil numérique » is a place, not an alternative.
        after = list(span[k + len(opener) : k + len(opener) + 4])
        head = next((t for t in after if t.pos_ in {"VERB", "NOUN"}), None)
        if head is None:
            continue
        led = any(t.pos_ == "DET" for t in after if t.i < head.i)
        if head.pos_ == "NOUN" and opener[0] == "au" and not led:
            continue
        phrase = [t for t in head.subtree if span.start <= t.i < span.end and t != head]
        # « il faut plutôt que les ministères partagent … »: the subject of the proposal.
        if action in phrase or action == head or head.dep_.startswith("nsubj"):
            return []
        return [head, *phrase]
    return []


def _candidate(detection: Detection, order: int) -> _Candidate:
    span = detection.sentence.span
    # « c'est ce qu'on appelle la double peine, donc nous voulons la supprimer »: the line is
    # the proposal's, not the thing named's; a sentence that only names something is vague.
    usable = [c for c in detection.cues if not names_a_thing(span.doc, c)]
    cue = usable[0] if usable else detection.cues[0]
    after = sorted((c for c in usable if c.trigger > cue.trigger), key=lambda c: c.trigger)
    if cue.negated and after and not after[0].negated:
        # « il ne faut pas promettre, il faut … faire une évaluation stricte des besoins »: what
        # is refused sets off the proposal right after it; the line is the proposal's.
        cue = after[0]

    def line(c: Cue) -> str:
        action = _model_action(span.doc, c) if c.kind == "model" else action_line(span.doc, c)
        return _without_pause_commas(action, detection.sentence)

    action = line(cue)
    vague = _vague(action_head(span.doc, cue), cue, action)
    if vague:
        # « Il faut maintenant le rendre effectif, et pour cela il faut des registres de
        # référence partagés … »: of the sentence's actions, the first one worded in full.
        worded = (
            (c, said)
            for c in usable
            if c is not cue and c.negated == cue.negated and not _of_reason(span.doc[c.trigger])
            for said in [line(c)]
            if not _vague(action_head(span.doc, c), c, said)
        )
        found = next(worded, None)
        if found is not None:
            (cue, action), vague = found, False
    head = span.doc[cue.head]
    # What the speaker sets aside is not what the action is about (see _rejects).
    aside = _rejected_alternative(span, head)
    within = {t.i for t in aside}
    content = _words(t for t in head.subtree if span.start <= t.i < span.end and t.i not in within)
    if head.pos_ == "VERB" or cue.kind == "imperative":
        content |= {infinitive(head)}
    # The nouns of the action, not of the whole sentence (see _mark_contradictions).
    nouns = frozenset(
        lemma(t)
        for t in _action_tokens(head)
        if span.start <= t.i < span.end
        and t.i not in within
        and t.pos_ in {"NOUN", "PROPN"}
        and not t.is_stop
    )
    objects = _objects(head)
    if cue.actor is not None and any(c.dep_ == "aux:pass" for c in head.children):
        objects |= {lemma(span.doc[cue.actor])}
    vague = vague or names_a_thing(span.doc, cue)
    heads = _object_heads(head)
    # A noun the tagger took for a participle keeps its form (« identifiant », not « identifier »).
    targets_of = [nominal_verb(t.lower_ if t.pos_ == "VERB" else lemma(t)) for t in heads]
    targets = frozenset(targets_of)
    # « créer un statut … pour les ingénieurs »: the verb's complements describe the object too.
    complements = [
        c
        for c in head.children
        if head.pos_ == "VERB" and c.dep_ in _COMPLEMENT_DEPS and c.pos_ in {"NOUN", "PROPN"}
    ]
    modifiers = frozenset(
        nominal_verb(w)
        for t in heads + complements
        for w in _words(_phrase(t, span.start, span.end))
    )
    kinds = {
        target: frozenset(nominal_verb(lemma(c)) for c in found)
        for target, t in zip(targets_of, heads, strict=True)
        if (found := _de_complements(t))
    }
    vectors = {}
    for word in sorted(targets | modifiers):
        if span.vocab.has_vector(word):
            vector = span.vocab.get_vector(word)
            vectors[word] = vector / (np.linalg.norm(vector) or 1.0)
    return _Candidate(
        detection,
        action,
        content,
        _words(span),
        nouns,
        objects,
        order,
        vague,
        frozenset(nominal_verb(w) for w in content),
        targets,
        modifiers - targets,
        vectors,
        stance=_stance(head) | (content & {infinitive(head)}),
        kinds=kinds,
        amounts=_amounts(t for t in head.subtree if span.start <= t.i < span.end),
        rejected=_words(aside),
        rejected_head=next(iter(_words(aside[:1])), ""),
    )


# Words that open a phrase or an incise of their own after a comma (« la justice, euh, la
# santé », « qui sont, euh, malheureusement, porteurs »).
_PHRASE_OPENERS = frozenset({"DET", "ADP", "PRON", "CCONJ", "SCONJ", "NUM", "PROPN", "ADV"})


def _without_pause_commas(action: str, sentence: Sentence) -> str:
    """``action`` without the comma cleaning left where it took out a hesitation set off by
    commas inside a phrase: « les scandaleuses, euh, amendes » is analysed as « les
    scandaleuses, amendes », which the line says « les scandaleuses amendes ». A comma before a
    word that opens a phrase of its own stays (« la justice, euh, la santé »)."""
    passage, doc = sentence.passage, sentence.span.doc
    for start, _ in passage.removed:
        said = passage.text[:start].rstrip()
        if not said.endswith(","):
            continue
        at = passage.text_to_clean(len(said) - 1)
        comma = next((t for t in doc if t.idx == at and t.text == ","), None)
        if comma is None or comma.i == 0 or comma.i + 1 >= len(doc):
            continue
        before, after = doc[comma.i - 1], doc[comma.i + 1]
        if after.pos_ not in _PHRASE_OPENERS and not after.is_punct:
            action = action.replace(f"{before.text}, {after.text}", f"{before.text} {after.text}")
    return action


def _amounts(tokens: Iterable[Token]) -> frozenset[str]:
    """The values of the numbers among ``tokens``, digits or words alike (« 15 % » and « quinze
    pour cent »), a number said over several tokens read as one (« deux cents » is 200, not 2
    and 100): :func:`omap_synthesis.nlp.numeral_values`."""
    return frozenset(numeral_values(tokens))


def _de_complements(noun) -> list:
    """The nouns that complement ``noun`` with « de » (« le plan d'archivage »)."""
    return [
        c
        for c in noun.children
        if c.dep_ == "nmod"
        and c.pos_ == "NOUN"
        and any(lemma(x) in {"de", "du", "des", "d'"} for x in c.children if x.dep_ == "case")
    ]


def _object_heads(head) -> list:
    """Heads of what the action is done to: the direct object or passive subject of a verb,
    the object of a nominalisation (« la création d'une cellule »), or the named thing itself
    (« un statut spécifique »)."""
    if head.pos_ in {"NOUN", "PROPN"}:
        if lemma(head) not in lexicon()["nominalisations"]:
            return _given_priority(head)
        return [
            c
            for c in head.children
            if c.dep_ == "nmod"
            and c.pos_ in {"NOUN", "PROPN"}
            and any(lemma(x) in {"de", "du", "des", "d'"} for x in c.children if x.dep_ == "case")
        ]
    found = [c for c in head.children if c.dep_ in {"obj", "nsubj:pass"} and _nominal(c)]
    if lemma(head) in state_verbs():
        # « l'identifiant unique doit devenir la clé commune »: what the action is about is the
        # subject, of the state verb or of the verb that governs it.
        holder = head.head if head.dep_ == "xcomp" and not subjects(head) else head
        found += [c for c in subjects(holder) if _nominal(c)]
    return [x for c in found for x in _given_priority(c)]


def _given_priority(noun) -> list:
    """What a noun of necessity or priority is about (« une priorité absolue au logement
    social », « donner la priorité à l'école »): its noun complements, not the word itself,
    which two unrelated proposals share."""
    if lemma(noun) not in lexicon()["priority_nouns"]:
        return [noun]
    return [c for c in noun.children if c.dep_ == "nmod" and c.pos_ in {"NOUN", "PROPN"}] or [noun]


def _nominal(token) -> bool:
    """A noun, or a word the tagger took for a participle that a determiner shows to be a noun
    (« généraliser l'identifiant du registre »)."""
    return token.pos_ in {"NOUN", "PROPN"} or (
        token.pos_ == "VERB" and any(c.dep_ == "det" for c in token.children)
    )


def _phrase(token, start: int, end: int) -> list:
    """The object's noun phrase without its clauses: head, adjectives, complements, conjuncts."""
    found, todo = [], [token]
    while todo:
        t = todo.pop()
        if start <= t.i < end:
            found.append(t)
            todo.extend(c for c in t.children if c.dep_ in _OBJECT_PHRASE_DEPS)
    return sorted(found, key=lambda t: t.i)


def open_ended(action: str) -> bool:
    """Whether ``action`` (its actor in parentheses aside) ends on a word that announces more
    (``open_endings`` of recommendations.yaml)."""
    words = re.sub(r"\s*\([^()]*\)$", "", action).lower().replace("’", "'").split()
    return bool(words) and words[-1].strip(".,;:!?…") in lexicon()["open_endings"]


# The tokeniser keeps the elided form (« puisqu'il »).
_REASON_MARKS = frozenset({"parce", "puisque", "puisqu'", "puisqu’", "car"})


def _of_reason(trigger: Token) -> bool:
    """In a clause that gives the reason for another (« il faut les expulser parce qu'il faut
    protéger nos compatriotes »): the reason is not the action proposed."""
    return any(
        c.dep_ in {"mark", "cc"} and c.lower_ in _REASON_MARKS
        for t in (trigger, *trigger.ancestors)
        for c in t.children
    )


def _vague(head, cue: Cue, action: str) -> bool:
    """An action nobody could carry out as worded: a bare verb, a pronoun or no object, a
    line cut short, or the speaker's clause about someone a pronoun names.

    « Rassurer » (« il faut d'abord les rassurer »), « Investir 20 milliards sur » (a
    sentence ended by a subtitle), « Exister ailleurs », « Mesurer » (an enumerated heading:
    « Cinquièmement, la mesure. »), « Toucher quelque chose », « Réguler et contrôler » (« il
    faut qu'il soit régulé et contrôlé »), « Faire en sorte qu'elle soit moins rapide ».
    """
    words = count_words(action)
    if words < 2 or open_ended(action) or (cue.kind == "model" and head.i == cue.trigger):
        return True
    if " ".join(action.casefold().split()) in multiword_verbs():
        return True  # « Mettre en place », with nothing put in place
    # « je propose d'investir vingt milliards sur »: the sentence itself stops on a word that
    # announces more (a subtitle ended it), whatever the line kept.
    last = head.sent[-1]
    if last.lower_ in lexicon()["open_endings"]:
        return True
    if _lost_restriction(head, action) or _said_of_a_place(head.doc[cue.trigger]):
        return True
    said = re.findall(r"\w+'?", action.casefold().replace("’", "'"))
    provided = said[:1] == [lexicon_support_verb()]
    if provided and len(said) > 1:
        # « on a besoin d'égoutier » read « Prévoir d'égoutier » or « Prévoir égoutier »: a
        # noun without its article (« Prévoir de nouvelles équipes », « Prévoir de la
        # fermeté » have theirs).
        noun = said[2] if said[1] in {"de", "d'"} and len(said) > 2 else said[1]
        if any(t.lower_ == noun and t.pos_ == "NOUN" for t in head.sent):
            return True
    if provided and any(
        c.dep_ == "mark" and c.lower_ in {"que", "qu'", "qu’"} for c in head.children
    ):
        # « il faut que tous les pays avec lesquels … acceptent de … »: the parser lost the
        # clause's verb and made its subject the thing to provide (« Prévoir tous les pays »).
        return True
    if head.pos_ in {"NOUN", "PROPN"}:
        # « Prévoir des réformes », « Prévoir des zones »: things of a kind, which nobody
        # could provide as said.
        provides = provided and len(said) == 3
        # « Prévoir la création », « Prévoir la réduction »: a nominalised verb with nothing it
        # acts on (the sentence ended before it, as a subtitle ends); « Prévoir un
        # accompagnement » says what to provide.
        bare = provides and (
            said[1] in {"des", "les"}
            or said[1] in {"le", "la", "l'"}
            and lemma(head) in lexicon()["nominalisations"]
        )
        plain = cue.kind == "item" and not any(c.dep_ in {"nmod", "amod"} for c in head.children)
        generic = lemma(head) in lexicon()["generic_nouns"] and not _specified(head)
        return bare or plain or generic
    if infinitive(head) in _EMPTY_VERBS or talk_only(head):
        return True
    # « faire » with nothing it makes (« Faire depuis deux ans », « Faire de manière
    # progressive »): the verb that stands for an action said elsewhere.
    if infinitive(head) == "faire" and not any(c.dep_ in _MADE_DEPS for c in head.children):
        return True
    clause = [head, head.head] if head.dep_ == "xcomp" else [head]
    held = any(_names_nobody(s) for t in clause for s in subjects(t))
    if held and (action.lower().startswith("faire en sorte") or lemma(head) in state_verbs()):
        # « Faire en sorte qu'elle soit moins rapide », and « Figurer dans la convention-cadre »
        # (« elle devrait figurer dans … »): a state of what a pronoun stands for, out of its
        # sentence.
        return True
    pronoun = any(
        (c.pos_ == "PRON" and c.dep_ in {"obj", "iobj"} and named_thing(c) is None)
        # « il ne faut pas les supprimer » with « les » tagged as an article
        or (c.dep_ == "obj" and c.i < head.i and c.lower_ in _OBJECT_CLITICS)
        or (c.dep_ == "nsubj:pass" and _names_nobody(c))
        or (c.dep_ == "obj" and _names_nothing(c, action))
        for c in head.children
    )
    direct = clitic_antecedent(head)[1] is not None or any(
        c.dep_ in {"obj", "nsubj:pass", "xcomp", "ccomp"}
        and c.pos_ in {"NOUN", "PROPN", "VERB"}
        and not _names_nothing(c, action)
        for c in head.children
    )
    named = direct or any(
        c.dep_ in {"obl:arg", "obl:mod", "obl"} and c.pos_ in {"NOUN", "PROPN", "NUM"}
        for c in head.children
    )
    return (pronoun and not direct) or (not named and words < SPECIFIC_WORDS)


def _specified(noun: Token) -> bool:
    """``noun`` has a complement that says which one is meant: a noun (« un plan scanner
    IRM », « une réforme des retraites »), a number, a participle with its own complement
    (« des moyens donnés aux forces de police ») or an adjective that sorts rather than
    grades (« des mesures anti-concentrations », not « une mesure plus durable »), its own or
    a conjunct's."""
    return any(
        c.dep_ in {"nmod", "nummod"}
        or (c.pos_ in {"NOUN", "PROPN"} and c.dep_ not in {"conj", "appos"})
        or (c.dep_ == "acl" and any(a.pos_ in {"NOUN", "PROPN"} for a in c.children))
        or (c.dep_ == "amod" and not any(a.dep_ == "advmod" for a in c.children))
        or (c.dep_ == "conj" and _specified(c))
        for c in noun.children
    )


# Prepositions of an exception (« sauf pour les Français, qui sont usés par leur travail »).
_EXCEPT = frozenset({"sauf", "excepté", "hormis"})


def _lost_restriction(head: Token, action: str) -> bool:
    """The line names a noun of the action but drops the « qui » or « où » clause that says
    which of them are meant: one not set off by a comma (« pour les veuves qui n'ont pas de
    carrière complète », cut by the line's length), or any on the noun of an exception (« sauf
    pour les français, qui sont usés par leur travail »). Without it, the line says the measure
    of all of them."""
    said = set(re.findall(r"\w+", action.casefold()))
    for clause in head.subtree:
        noun = clause.head
        if clause.dep_ != "acl:relcl" or noun.pos_ != "NOUN" or noun == head:
            continue
        words = [t for t in clause.subtree if t.pos_ in {"VERB", "NOUN", "ADJ"}]
        if noun.lower_ not in said or any(t.lower_ in said for t in words):
            continue
        # « des brigades qui seront fléchées vers les campagnes », « une Europe qui réussisse
        # … »: a future or a subjunctive describes what the action makes, not which of them.
        verbs = [clause, *(c for c in clause.children if c.dep_ in {"aux", "aux:pass", "cop"})]
        if any(
            v.morph.get("Tense") == ["Fut"] or v.morph.get("Mood") in (["Sub"], ["Cnd"])
            for v in verbs
        ):
            continue
        relative = any(
            c.lower_ in {"qui", "où"} and c.morph.get("PronType") == ["Rel"]
            for c in clause.children
        )
        excepted = any(c.dep_ == "case" and c.lower_ in _EXCEPT for c in noun.children)
        first = clause.left_edge
        appended = first.i > 0 and first.doc[first.i - 1].text == ","
        if relative and (excepted or not appended):
            return True
    return False


def _said_of_a_place(trigger: Token) -> bool:
    """« des secteurs où il faudra embaucher, la justice, la santé »: the action is said in a
    « où » clause of a noun the line cannot name, and what follows its verb is no object."""
    return any(
        c.lower_ == "où" and c.morph.get("PronType") == ["Rel"] and c.i < trigger.i
        for c in trigger.children
    )


def _names_nobody(subject) -> bool:
    """A personal pronoun subject (« il », « elle », « ils », « elles », « ça »): out of its
    sentence, the line does not say whom or what it stands for."""
    return (
        subject.pos_ == "PRON"
        and subject.dep_.startswith("nsubj")
        and subject.lower_ in _PERSONAL_SUBJECTS
    )


def _names_nothing(noun, action: str) -> bool:
    """« quelque chose », « des choses », « autre chose »: an object that names nothing; and
    « personne », « rien » when the line lost the « ne » that made them say nobody or nothing
    (« Faire personne »)."""
    if negative_pronoun(noun) and not _NE.search(action):
        return True
    return lemma(noun) == "chose" and not any(
        c.dep_ in {"amod", "nmod", "acl", "acl:relcl"} and c.lower_ != "autre"
        for c in noun.children
    )


_NE = re.compile(r"\bne\b|\bn['’]", re.IGNORECASE)


def _objects(head) -> frozenset[str]:
    """What the action is done to: the direct object, passive subject, or nominalised object."""
    if head.pos_ in {"NOUN", "PROPN"}:
        found = [c for c in head.children if c.dep_ == "nmod"] or [head]
    else:
        # « ces progrès, il faut les financer »: a clitic stands for the noun it takes up.
        clitic, taken = clitic_antecedent(head)
        found = [
            taken if c == clitic and taken is not None else c
            for c in head.children
            if c.dep_ in {"obj", "nsubj:pass"}
        ]
    return frozenset(lemma(t) for t in found if t.pos_ in {"NOUN", "PROPN"})


def _lexical_same(a: _Candidate, b: _Candidate, normalised: bool = False) -> bool:
    """Near-duplicates by lemma overlap of the actions' content words alone (the merger before
    the objects were compared; ``normalised`` reads nominalisations as their verbs)."""
    if a.detection.sentence == b.detection.sentence:
        return False
    x, y = (a.stems, b.stems) if normalised else (a.content, b.content)
    shared = x & y
    # « faire » names no act of its own: « faire du solaire et de l'éolien » and « (l'hydrogène,)
    # le faire avec le solaire » share one word, not two.
    if len(shared - PRO_VERBS) < 2:
        return False
    jaccard = len(shared) / len(x | y)
    if jaccard >= MERGE_JACCARD:
        return True
    if a.verb != b.verb or a.verb in {lexicon_support_verb(), ""} or not a.objects & b.objects:
        return False
    return jaccard >= MERGE_SAME_VERB_JACCARD


def _same(a: _Candidate, b: _Candidate) -> bool:
    """Near-duplicates: the same action said twice (by one speaker or several).

    Either their content words overlap, nominalisations read as their verbs (« la création
    d'un fonds » as « créer un fonds »), or they do the same thing to the same object
    (:func:`_same_object`).
    """
    # To do and not to do, to raise and to lower, 60 or 65 years: two positions, never one (see
    # _mark_contradictions).
    return (
        a.negated == b.negated
        and not _opposed(a.stance, b.stance)
        and not _other_amounts(a, b)
        and not (_rejects(a, b) or _rejects(b, a))
        and _same_action(a, b)
    )


def _other_amounts(a: _Candidate, b: _Candidate) -> bool:
    """Both actions give numbers, and none in common: « ramener l'âge légal à 60 ans » and
    « reporter l'âge légal à 65 ans » are two proposals."""
    return bool(a.amounts and b.amounts and not a.amounts & b.amounts)


def _stance(head: Token) -> frozenset[str]:
    """The words that say which way an action goes: its verb, the verb's direct dependents and
    the adjectives of its object (« laisser les labels facultatifs »), or of the object's noun
    complement, where the parser often hangs the adjective that says what the object is to be
    (« rendre la certification des compétences obligatoire »)."""
    said = [head, *head.children]
    objects = [c for c in head.children if c.dep_ == "obj"]
    objects += [n for c in objects for n in c.children if n.dep_ == "nmod"]
    said += [a for c in objects for a in c.children if a.dep_ == "amod"]
    return _words(said)


def _opposed(x: frozenset[str], y: frozenset[str]) -> bool:
    """Opposite words (``opposites`` of recommendations.yaml) on either side, each said by one
    side only (« augmenter les tarifs » / « baisser les tarifs »)."""
    only_x, only_y = x - y, y - x
    return any(
        (a in only_x and b in only_y) or (b in only_x and a in only_y)
        for a, b in lexicon()["opposites"]
    )


def _same_action(a: _Candidate, b: _Candidate) -> bool:
    """The same action, whether to do it or not to do it."""
    return _lexical_same(a, b, normalised=True) or _same_object(a, b)


def _same_object(a: _Candidate, b: _Candidate) -> bool:
    """Compatible verbs on the same object, described alike: « prévoir un statut spécifique
    pour les métiers du numérique » / « créer un statut particulier pour les ingénieurs du
    numérique ». The object heads must be the same word and their phrases share a word beyond
    the head, by lemma or by vector (« spécifique » / « particulier »): a bare shared head
    (« les projets ») says too little."""
    if a.detection.sentence == b.detection.sentence or not _compatible_verbs(a.verb, b.verb):
        return False
    heads = a.targets & b.targets
    # Two kinds of one thing are two things (« un plan d'archivage » / « un plan
    # d'urbanisation »).
    for h in heads:
        if h in a.kinds and h in b.kinds and not _shared(a, b, a.kinds[h], b.kinds[h]):
            return False
    # Beyond the shared head, a second object counts as a word of the phrase (« que
    # l'identifiant devienne la clé commune » / « généraliser l'identifiant comme clé »).
    return bool(heads) and _shared(
        a, b, (a.targets | a.modifiers) - heads, (b.targets | b.modifiers) - heads
    )


def _same_thing(a: _Candidate, b: _Candidate) -> bool:
    """The object of one is in the other's object phrase, and the two phrases share another
    word: « instaurer un jour de télétravail obligatoire par semaine » and « ne pas instaurer
    de télétravail obligatoire » speak of one thing, whatever else their sentences say."""
    x, y = a.targets | a.modifiers, b.targets | b.modifiers
    return bool(a.targets & y or b.targets & x) and len(x & y) >= 2


def _compatible_verbs(x: str, y: str) -> bool:
    """The same verb, or a proposal to set something up (« prévoir », « créer »…) and any
    verb on the same thing (« prévoir des conventions types » / « publier des conventions
    types »)."""
    setting_up = _SETTING_UP_VERBS | {lexicon_support_verb()}
    return x == y or lexicon_support_verb() in {x, y} or (x in setting_up and y in setting_up)


def _shared(a: _Candidate, b: _Candidate, xs: frozenset[str], ys: frozenset[str]) -> bool:
    """A word of ``xs`` is in ``ys``, or close to one of them by its vector.

    The md vectors are pruned: a rare word borrows the row of a frequent one, so two distinct
    words with the very same vector (« dématérialiser », « généraliser ») tell nothing.
    """
    if xs & ys:
        return True
    return any(
        MERGE_WORD_COSINE <= float(a.vectors[x] @ b.vectors[y]) < _SAME_ROW
        for x in sorted(xs)
        if x in a.vectors
        for y in sorted(ys)
        if y in b.vectors
    )


def _groups(candidates: list[_Candidate], same=None) -> list[list[_Candidate]]:
    """Single-link groups of near-duplicates, in order of first appearance.

    A link joins two groups only when every pair across them shares a content word, so that
    a chain of links (A like B, B like C) cannot join actions that have nothing in common.

    Parameters
    ----------
    candidates : list of _Candidate
        In order of appearance.
    same : callable, optional
        The pairwise test, :func:`_same` by default.
    """
    same = same or _same
    members = {i: [i] for i in range(len(candidates))}
    root = list(range(len(candidates)))
    for i, a in enumerate(candidates):
        for j in range(i + 1, len(candidates)):
            x, y = root[i], root[j]
            if x == y or not same(a, candidates[j]):
                continue
            if not all(
                candidates[p].stems & candidates[q].stems for p in members[x] for q in members[y]
            ):
                continue
            for k in members[y]:
                root[k] = x
            members[x] += members.pop(y)
    groups = [[candidates[k] for k in sorted(ks)] for ks in members.values()]
    return sorted(groups, key=lambda g: g[0].order)


def _rec_id(action: str, first: Evidence, taken: set[str]) -> str:
    """An id that the rapporteur's ``lecture.yaml`` can rely on: it depends on the action,
    and on the talk (if any), speaker and words of the first sentence that says it, not on
    where that sentence is in its file nor on the file's name: a correction elsewhere in a
    transcript, or a renamed file, keeps it. The same sentence said twice gets another id."""
    said = " ".join(first.quote.split())
    key = f"{action.lower()}|{first.talk or ''}|{first.speaker or ''}|{said}"
    for n in itertools.count():
        rid = "R-" + hashlib.sha1(f"{key}|{n}".encode()).hexdigest()[:10]
        if rid not in taken:
            taken.add(rid)
            return rid


def extract_recommendations(
    passages: Iterable[Passage],
    docs: Mapping[str, Doc],
    codebook: Codebook | None = None,
    event: Event | None = None,
    themes: Mapping[str, str] | None = None,
    taggings: Mapping[str, Sequence[str]] | None = None,
    cache: str | None = None,
    detections: Sequence[Detection] | None = None,
) -> list[Recommendation]:
    """Every recommendation made in ``passages``, merged and ranked.

    Parameters
    ----------
    passages : iterable of Passage
        The passages to read (moderation turns are never recommendations).
    docs : mapping
        ``{passage_id: Doc}`` as :func:`omap_synthesis.nlp.parse_passages` returns.
    codebook : Codebook, optional
        When given, every recommendation gets the objectives of its evidence passages (the
        tagger of :mod:`omap_synthesis.tag`).
    event : Event, optional
        The programme: sessions for the ranking, priors for the tagger.
    themes : mapping, optional
        Theme id of a passage id (``ThemeResult.assignment``).
    taggings : mapping, optional
        Labels of a passage id, when the passages are already tagged (the pipeline's run);
        otherwise the evidence passages are tagged when a codebook is given.
    cache : str, optional
        Key of the pipeline that parsed ``docs``: detections are cached per source
        (see :func:`detect`).
    detections : sequence of Detection, optional
        What :func:`detect` found in ``passages`` (the pipeline finds them while it tags);
        found here otherwise.

    Returns
    -------
    list of Recommendation
        Ranked by support (distinct speakers, then sessions and echoes between talks and Q&A),
        interleaving objectives; ids are stable across runs on the same inputs.

    Examples
    --------
    >>> recs = extract_recommendations(ingested.passages, docs)  # doctest: +SKIP
    >>> recs[0].action  # doctest: +SKIP
    'Partager les registres entre ministères'
    """
    passages = list(passages)
    if detections is None:
        detections = detect(passages, docs, cache=cache)
    candidates = [_candidate(d, k) for k, d in enumerate(detections)]
    groups = _groups(candidates)
    objectives = _objectives(groups, passages, docs, codebook, event, taggings)
    recs, ids = [], set()
    for group, objs in zip(groups, objectives, strict=True):
        evidence = tuple(c.evidence for c in group)
        theme_ids = (
            tuple(dict.fromkeys(themes[e.passage_id] for e in evidence if e.passage_id in themes))
            if themes
            else ()
        )
        # The most concrete wording leads (« garder les plateformes socles en interne » rather
        # than « les garder en interne »).
        lead = next((c for c in group if not c.vague), group[0])
        recs.append(
            Recommendation(
                id=_rec_id(group[0].action, evidence[0], ids),
                text=group[0].detection.sentence.span.text.strip(),
                action=lead.action,
                evidence=evidence,
                objectives=objs,
                themes=theme_ids,
                support=len({e.speaker or e.source for e in evidence}),
                score=_score(group),
            )
        )
    backing = [
        (s, noun)
        for s in sentences((p for p in passages if p.kind != "moderation"), docs)
        if (noun := backed_proposal(s.span)) is not None
    ]
    recs, groups = _without_backings(recs, groups, [s for s, _ in backing])
    recs = _with_endorsements(recs, passages, backing)
    recs = _mark_contradictions(recs, groups)
    return rank_recommendations(recs, passages, event)


# Backing a proposal by name: « je soutiens cette proposition », « nous appuyons l'idée de
# Mme Idrissi », « je suis favorable à cette recommandation ».
_BACKING = frozenset(
    {"soutenir", "appuyer", "approuver", "rejoindre", "partager", "souscrire", "favorable"}
)
_BACKED = frozenset({"proposition", "idée", "recommandation", "suggestion", "piste"})
# Determiners that point back to what was just said (« cette », « votre »); « la », « l' »
# only with a complement that says whose (« la proposition de Mme Idrissi »).
_POINTING = frozenset({"ce", "cet", "cette", "ces", "votre", "vos", "sa", "son", "ses", "leur"})
# An endorsement answers a proposal made this many turns before at most (a moderator's word
# may come between).
ENDORSEMENT_TURNS = 2


# Forms that are not the present: imperfect and conditional (« je soutenais », « je
# soutiendrais », « nous appuyions »); the tagger's mood and tense are unreliable on them.
_NOT_PRESENT = ("ais", "ait", "ions", "iez", "aient")
# Verbs under which a backing is said, thought or imagined rather than made (« on pourrait
# dire que je soutiens … »).
_VOICING = frozenset({"dire", "penser", "croire", "prétendre", "affirmer", "déclarer", "imaginer"})


def backed_proposal(sent: Span) -> Token | None:
    """The noun of the proposal the speaker backs, in the present and without reserve, that
    the sentence points back to (« Je soutiens totalement cette proposition », « Nous
    appuyons l'idée de Mme Fassi »): not « je ne partage pas cette idée », « je soutenais »,
    « je soutiendrais cette idée si … », « je soutiens cette proposition, mais … », « je
    rejoins ce qui a été dit ce matin », nor a backing quoted or said under « dire que »."""
    for token in sent:
        if lemma(token) not in _BACKING:
            continue
        # « Je ne peux que soutenir cette proposition »: the restriction makes it a backing.
        said = _only_can(token) or token
        if not first_person(said, allow_on=False):
            continue
        verb = next((c for c in said.children if c.dep_ == "cop"), said)
        if is_negated(token) or is_past(verb) or verb.lower_.endswith(_NOT_PRESENT):
            continue
        # « …, mais … », « …, sauf que … », « … si le financement était assuré »: a backing
        # with a reserve.
        if any(
            t.lower_ in {"mais", "sauf"} or (t.lower_ in {"si", "s'", "s’"} and t.pos_ == "SCONJ")
            for t in sent
            if t.i > token.i
        ):
            continue
        before = [t.text for t in sent if t.i < token.i]
        if before.count("«") > before.count("»") or before.count('"') % 2:
            continue
        if any(lemma(a) in _VOICING for a in token.ancestors):
            continue
        for noun in token.children:
            if lemma(noun) not in _BACKED:
                continue
            determiners = {c.lower_ for c in noun.children if c.dep_ == "det"}
            whose = any(c.dep_ == "nmod" for c in noun.children)
            if determiners & _POINTING or (whose and determiners & {"la", "l'", "l’", "le"}):
                return noun
    return None


def _only_can(verb: Token) -> Token | None:
    """« pouvoir » in « je ne peux que soutenir … »: the verb under « ne pouvoir que »."""
    modal = verb.head
    if verb.dep_ != "xcomp" or lemma(modal) != "pouvoir" or not is_negated(modal):
        return None
    only = any(c.lower_ in {"que", "qu'", "qu’"} for c in (*verb.children, *modal.children))
    return modal if only else None


def _without_backings(recs: list[Recommendation], groups, backing: list[Sentence]):
    """``recs`` and their ``groups`` less those said only in sentences that back a proposal
    just made: « Je suis favorable à cette proposition » is no recommendation of its own (it
    read « Prévoir la proposition »); it goes to that proposal's support."""
    said = {(s.passage.id, s.start_char) for s in backing}
    kept = [
        k
        for k, rec in enumerate(recs)
        if not all((e.passage_id, e.start_char) in said for e in rec.evidence)
    ]
    return [recs[k] for k in kept], [groups[k] for k in kept]


def _with_endorsements(
    recs: list[Recommendation], passages: list[Passage], backing: list[tuple[Sentence, Token]]
) -> list[Recommendation]:
    """Each backing sentence (``backed_proposal``) goes to the recommendation it backs, in the
    same source and before it: the last one made by the person it names (« l'idée de Mme
    Fassi »), or else the last one made by someone else within ``ENDORSEMENT_TURNS`` turns
    before it. Its speaker counts in the support."""
    turn_of = {p.id: p.turn for p in passages}
    made: dict[str, list[tuple[int, int, int, str]]] = {}
    for k, rec in enumerate(recs):
        for e in rec.evidence:
            where = (turn_of.get(e.passage_id, -1), e.start_char, k, e.speaker or "")
            made.setdefault(e.source, []).append(where)
    found: dict[int, list[Evidence]] = {}
    for sentence, noun in backing:
        p = sentence.passage
        earlier = [m for m in made.get(p.source, []) if m[0] < p.turn and m[3] != (p.speaker or "")]
        named = [t.text.casefold() for t in noun.subtree if t.pos_ == "PROPN"]
        if named:
            before = [m for m in earlier if any(n in m[3].casefold().split() for n in named)]
        else:
            before = [m for m in earlier if p.turn - m[0] <= ENDORSEMENT_TURNS]
        if before:
            backers = found.setdefault(max(before)[2], [])
            if all(e.speaker != p.speaker for e in backers):  # one backing per person
                backers.append(_evidence(sentence))
    out = []
    for k, rec in enumerate(recs):
        if k not in found:
            out.append(rec)
            continue
        people = {e.speaker or e.source for e in (*rec.evidence, *found[k])}
        out.append(replace(rec, endorsements=tuple(found[k]), support=len(people)))
    return out


def _score(group: list[_Candidate]) -> float:
    """The best classifier score of the group, reduced when its action line is vague."""
    best = max(c.detection.score for c in group)
    return round(best * (VAGUE_FACTOR if all(c.vague for c in group) else 1.0), 3)


def _objectives(groups, passages, docs, codebook, event, taggings) -> list[tuple[str, ...]]:
    """Codebook ids of every group: the labels of its evidence passages, in codebook order.

    ``taggings`` (passage id → labels) reuses the event's tagging; without it the evidence
    passages are tagged here.
    """
    if codebook is None:
        return [() for _ in groups]
    wanted = list(dict.fromkeys(c.detection.sentence.passage.id for g in groups for c in g))
    if taggings is None:
        from omap_synthesis.tag import tag_passages

        by_id = {p.id: p for p in passages}
        found = tag_passages([by_id[pid] for pid in wanted], docs, codebook, event)
        taggings = {t.passage_id: t.labels for t in found}
    result = []
    for group in groups:
        found = set().union(
            *(set(taggings.get(c.detection.sentence.passage.id, ())) for c in group)
        )
        result.append(tuple(i for i in codebook.ids if i in found))
    return result


def _rejects(a: _Candidate, b: _Candidate) -> bool:
    """``a`` sets aside what ``b`` proposes: the alternative ``a`` rejects in its sentence
    shares two nouns with what ``b``'s action acts on, or one and its verb (« confier le
    pilotage à l'Agence …, plutôt que de créer une nouvelle instance auprès du Chef du
    gouvernement » / « doter l'interministérialité d'une instance de pilotage placée auprès du
    Chef du gouvernement »; « investir dans les transports publics au lieu de construire de
    nouvelles autoroutes » / « construire de nouvelles autoroutes »)."""
    shared_nouns = a.rejected & b.nouns
    return len(shared_nouns) >= 2 or bool(shared_nouns and a.rejected_head in b.content)


def _mark_contradictions(recs: list[Recommendation], groups) -> list[Recommendation]:
    """Two recommendations by different speakers, about a shared thing, with opposite words.

    The opposite words are the actions' own: their verb and its direct dependents (« garder en
    interne » against « confier à des opérateurs privés »), not any word of their sentences
    (« suivre, pour chaque pièce supprimée, … » does not oppose « créer un statut »); or the
    same verb on a shared thing, one to do and the other not to do (« centraliser les
    données » / « ne pas centraliser les données »; « instaurer un jour de télétravail
    obligatoire » / « ne pas instaurer de télétravail obligatoire »); or the same action with
    other numbers (« ramener l'âge légal à 60 ans » / « reporter l'âge légal à 65 ans »); or
    one sets aside what the other proposes (:func:`_rejects`).
    """
    words = [frozenset().union(*(c.stance for c in g)) for g in groups]
    nouns = [frozenset().union(*(c.nouns for c in g)) for g in groups]
    verbs = [{c.verb for c in g} for g in groups]
    negated = [g[0].negated for g in groups]
    speakers = [{e.speaker for e in r.evidence} for r in recs]

    def opposed(i: int, j: int) -> bool:
        if any(_rejects(a, b) or _rejects(b, a) for a in groups[i] for b in groups[j]):
            return True
        if not nouns[i] & nouns[j]:
            return False
        return (
            (
                negated[i] != negated[j]
                and bool(verbs[i] & verbs[j])
                and any(
                    _same_action(a, b) or _same_thing(a, b) for a in groups[i] for b in groups[j]
                )
            )
            or _opposed(words[i], words[j])
            or any(
                _other_amounts(a, b) and _same_action(a, b) for a in groups[i] for b in groups[j]
            )
        )

    against: dict[int, list[str]] = {}
    for i in range(len(recs)):
        for j in range(i + 1, len(recs)):
            if not speakers[i] & speakers[j] and opposed(i, j):
                against.setdefault(i, []).append(recs[j].id)
                against.setdefault(j, []).append(recs[i].id)
    return [replace(r, contradicts=tuple(against.get(k, ()))) for k, r in enumerate(recs)]


def rank_recommendations(
    recs: list[Recommendation], passages: Iterable[Passage], event: Event | None = None
) -> list[Recommendation]:
    """Order by support, then spread over objectives.

    The base score is the number of distinct speakers, plus half a point per extra session and
    half a point when the recommendation echoes between a talk and a Q&A exchange; an action
    line of fewer than ``SPECIFIC_WORDS`` words (« Former ») or a recommendation outside every
    objective loses half a point (the latter changes nothing when no codebook was given). Picking
    in turn the best remaining recommendation, each one already picked for the same first
    objective costs ``BALANCE`` points, so that one objective does not take the whole top, and
    each one already picked from the same talk half of that, so that every talk is heard.
    Recommendations whose ``score`` is under ``CONCRETE_SCORE`` (vague or uncertain) come after
    all the others, ranked the same way among themselves.
    """
    kinds = {p.id: p.kind for p in passages}

    def base(rec: Recommendation) -> float:
        sessions = {_session(e.talk, event) for e in rec.evidence}
        found = {kinds.get(e.passage_id, "talk") for e in rec.evidence}
        echo = bool(found & LECTURE_KINDS) and bool(found & {"question", "reponse"})
        vague = count_words(rec.action) < SPECIFIC_WORDS
        return rec.support + 0.5 * (len(sessions) - 1 + echo - vague - (not rec.objectives))

    scores = {r.id: base(r) for r in recs}
    concrete = [r for r in recs if r.score >= CONCRETE_SCORE]
    weak = [r for r in recs if r.score < CONCRETE_SCORE]
    return _balanced(concrete, scores) + _balanced(weak, scores)


def _balanced(recs: list[Recommendation], scores: dict[str, float]) -> list[Recommendation]:
    """Best remaining first, each pick for the same first objective costing ``BALANCE``, and
    each pick from the same talk half of it: with equal support, one talk does not take the
    whole of an objective's turns (a talk's first recommendation could otherwise come after
    every other talk's last)."""
    remaining, ranked, picked, heard = list(recs), [], Counter(), Counter()

    def talks(rec: Recommendation) -> set[str]:
        return {e.talk or e.source for e in rec.evidence}

    while remaining:
        # Outside every objective, a recommendation never gains from the balance.
        crowded = max(picked.values(), default=0)
        best = max(
            remaining,
            key=lambda r: (
                scores[r.id]
                - BALANCE * (picked[r.objectives[:1]] if r.objectives else crowded)
                - BALANCE / 2 * min(heard[t] for t in talks(r))
            ),
        )
        remaining.remove(best)
        ranked.append(best)
        picked[best.objectives[:1]] += 1
        heard.update(talks(best))
    return ranked


def _session(talk: str | None, event: Event | None) -> str | None:
    item = event.item(talk) if event is not None and talk else None
    return item.session if item is not None else talk


def uncovered_labels(recommendations: Iterable[Recommendation], codebook: Codebook) -> list[str]:
    """Codebook ids (objectives and sub-themes) that no recommendation addresses, in order.

    Examples
    --------
    >>> uncovered_labels([], codebook)  # doctest: +SKIP
    ['O1', 'O1.1', ...]
    """
    covered = {o for r in recommendations for o in r.objectives}
    return [i for i in codebook.ids if i not in covered]
