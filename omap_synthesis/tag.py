"""Tag passages against a codebook: terms, similarity to the descriptions, context, prior.

For each passage and label the tagger measures, in [0, 1]:

- ``term``: the codebook terms (and the label's name) found in the passage, matched by lemma and
  derivational family (``omap_synthesis.terms``). A term listed by several objectives counts
  less for each, a single common word less than a name or a phrase, a repeated term less than a
  new one; a parent also receives its sub-themes' terms; beyond ``reference_length`` content
  words the mass becomes a density (long speech turns mention many themes in passing);
- ``similarity``: how much closer the passage is to the label's profile (name, description,
  terms) than to the other labels of its level (spaCy word vectors and TF-IDF over lemmas);
- ``corpus``: unsupervised adaptation to the passages tagged together (an event's, a file's):
  the share of the passage's nearest neighbours (TF-IDF cosine over lemmas, ``corpus_neighbours``)
  that the tagger's first pass tags confidently with the label (score ≥ ``corpus_confidence``),
  above the mean share of the label's peers. It reads no label, only the texts: a label that
  the codebook words well recruits the passages that talk like its confident passages;
- ``context``: the evidence of the neighbouring passages of the same speaker turn or exchange;
- ``prior``: whether the programme assigns the label to the passage's talk (1), assigns other
  objectives (-1), or nothing (0).

Sentences in another language than French, and procedural sentences (thanks, giving the floor,
time-keeping, salutations, the announcement of a talk or of the next session;
``resources/tag.yaml``), are left out of the evidence; a passage with nothing
else is « hors objectifs » with a note.

``evidence = 1 - (1 - term) (1 - similarity_weight · similarity)``, then the corpus component
(``corpus_weight``, from a first pass without it) and context are added the same way, and the
prior bends the result: ``score = 1 - (1 - evidence) ** e`` with ``e = 1 + prior_weight`` for
the talk's objectives and ``1 - off_prior_weight`` for the others.
The prior thus lowers or raises the bar but never tags a passage that holds no evidence. A label
is kept when its score reaches the threshold; a kept sub-theme brings its parent (whose score is
at least its children's).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfTransformer
from spacy.tokens import Doc

from omap_synthesis import caching
from omap_synthesis.config import DEFAULT_MODEL
from omap_synthesis.models import Codebook, Event, Passage, Tagging
from omap_synthesis.tag_index import (
    CodebookIndex,
    compile_codebook,
    content_tokens,
    key_counts,
    pipeline,
    similarity,
    smooth_idf,
    unit,
)
from omap_synthesis.terms import read_doc, resources

log = logging.getLogger(__name__)

LANGUAGE_NAMES = {"en": "anglais", "ar": "arabe"}
PROCEDURAL_NOTE = "propos de séance (remerciements, passage de parole, temps) : hors objectifs"


@dataclass(frozen=True)
class Components:
    """What the tagger measured in one passage, before context, prior and threshold."""

    term: np.ndarray
    similarity: np.ndarray
    hits: dict
    note: str = ""
    substantive: bool = True
    keys: dict = field(default_factory=dict)
    # False when nothing in the passage could be read (empty, or not in French): its zero
    # scores are no measure.
    analysed: bool = True
    # The other languages left unread, in French (« anglais »): the whole passage's when it
    # is not analysed, else those of sentences left out.
    languages: tuple[str, ...] = ()


class CodebookTagger(BaseEstimator):
    """Multi-label tagger driven by a codebook; usable unfitted, refined by ``fit``.

    Parameters
    ----------
    codebook : Codebook
        Labels with descriptions, terms and sub-themes (``event.load_codebook``).
    threshold : float
        Score from which a label is kept (unfitted, or for labels ``fit`` could not calibrate).
    prior_weight : float
        How much the programme's objectives for a talk lower the bar for those labels.
    off_prior_weight : float
        In [0, 1): how much they raise the bar for the codebook's other objectives.
    similarity_weight : float
        Weight of the description similarity against the term evidence.
    context_weight : float
        Share of a neighbouring passage's evidence (same group, see ``groups``) that a passage
        borrows: a reply such as « Alors qui a raison ? » is about what was just said.
    term_scale : float
        Term mass that gives a term component of ``1 - 1/e``.
    single_word_weight : float
        Weight of a term made of one common word (a name, an acronym or a phrase weighs 1).
    mined_term_weight : float
        Factor on the weight of a term read off the description of a label that lists few
        terms (``tag_index.description_terms``).
    similarity_scale : float
        Cosine above the peers' mean that gives a similarity component of 1.
    reference_length : int or None
        Beyond this many content words, term mass is scaled to a density (``None``: never).
    corpus_weight : float
        Weight of the corpus component (``0`` turns the adaptation off). The defaults of this
        and the parameters above were chosen together by nested cross-validation by talk inside
        the OMAP tuning half (objectives macro-F1 0.806 → 0.818, sub-themes 0.720 → 0.730,
        out of fold, against the same search without the corpus component); FREDSum themes,
        never used for tuning: 0.456 → 0.460.
    corpus_neighbours : int
        How many nearest passages of the corpus vote for a passage's labels.
    corpus_confidence : float
        First-pass score from which a passage votes for a label.
    corpus_scale : float
        Share of votes above the peers' mean that gives a corpus component of 1.
    min_positives : int
        ``fit`` calibrates a label's threshold only when it has this many positive examples.
    threshold_shrinkage : float
        Pseudo-count of ``fit``: a label with n positive passages gets
        ``(n · best + threshold_shrinkage · threshold) / (n + threshold_shrinkage)``, where
        ``best`` maximises its F1 on the training passages. Raw per-label optima overfit a few
        dozen examples (``tag_eval.cross_val_predict``, folds by talk inside the OMAP tuning
        half, with the default parameters: objectives macro-F1 0.772 raw, 0.843 at 40;
        sub-themes 0.728, 0.765; flat from 30 to 120 with the former defaults); ``0`` keeps
        them raw.
    model : str
        spaCy pipeline that parsed the docs (used once to parse the codebook itself).
    random_state : int
        Kept for scikit-learn conventions; the tagger draws no random numbers.

    Attributes
    ----------
    classes_ : list of str
        Codebook ids, the columns of ``decision_function`` and ``predict`` (set by ``fit``).
    thresholds_ : numpy.ndarray
        Per-label thresholds learnt by ``fit``.

    Examples
    --------
    >>> tagger = CodebookTagger(codebook)  # doctest: +SKIP
    >>> docs = [nlp("Il faut simplifier les démarches.")]  # doctest: +SKIP
    >>> tagger.predict(docs, priors=[["O1"]])  # doctest: +SKIP
    """

    def __init__(
        self,
        codebook: Codebook,
        threshold: float = 0.55,
        prior_weight: float = 4.0,
        off_prior_weight: float = 0.25,
        similarity_weight: float = 0.3,
        context_weight: float = 0.45,
        term_scale: float = 0.5,
        single_word_weight: float = 0.3,
        mined_term_weight: float = 0.5,
        similarity_scale: float = 0.1,
        reference_length: int | None = 30,
        corpus_weight: float = 0.35,
        corpus_neighbours: int = 10,
        corpus_confidence: float = 0.8,
        corpus_scale: float = 0.2,
        min_positives: int = 3,
        threshold_shrinkage: float = 40.0,
        model: str = DEFAULT_MODEL,
        random_state: int = 0,
    ):
        self.codebook = codebook
        self.threshold = threshold
        self.prior_weight = prior_weight
        self.off_prior_weight = off_prior_weight
        self.similarity_weight = similarity_weight
        self.context_weight = context_weight
        self.term_scale = term_scale
        self.single_word_weight = single_word_weight
        self.mined_term_weight = mined_term_weight
        self.similarity_scale = similarity_scale
        self.reference_length = reference_length
        self.corpus_weight = corpus_weight
        self.corpus_neighbours = corpus_neighbours
        self.corpus_confidence = corpus_confidence
        self.corpus_scale = corpus_scale
        self.min_positives = min_positives
        self.threshold_shrinkage = threshold_shrinkage
        self.model = model
        self.random_state = random_state

    def _index(self) -> CodebookIndex:
        return compile_codebook(self.codebook, self.model)

    def components(self, doc: Doc) -> Components:
        """Term and similarity components of one parsed passage, in codebook order."""
        index = self._index()
        zeros = np.zeros(len(index.ids))
        if not doc.text.strip():
            return Components(zeros, zeros, {}, "texte vide", substantive=False, analysed=False)
        reading = read_doc(doc)
        mask = reading.mask
        foreign = {lang: n for lang, n in reading.words.items() if lang != "fr" and n}
        total = sum(reading.words.values())
        if reading.words["fr"] < resources()["language"]["min_french_share"] * total:
            mask = np.zeros_like(mask)
        if not mask.any():
            if reading.procedural:
                return Components(zeros, zeros, {}, PROCEDURAL_NOTE, substantive=False)
            lang = max(foreign, key=foreign.get) if foreign else "fr"
            note = _language_note(lang, whole=True)
            unread = (LANGUAGE_NAMES.get(lang, lang),) if foreign else ()
            return Components(
                zeros, zeros, {}, note, substantive=False, analysed=False, languages=unread
            )
        counts: dict[int, int] = {}
        hits: dict[int, list[str]] = {}
        for t, start, end in index.matcher.matches(doc, mask):
            counts[t] = counts.get(t, 0) + 1
            for i in index.term_support[t]:
                # A term read in the label's description says so in the explanation.
                found = doc[start:end].text + (" (description)" if index.term_mined[t] else "")
                hits.setdefault(int(i), []).append(found)
        mass = np.zeros(len(index.ids))
        for t, n in counts.items():
            weight = self.single_word_weight if index.term_single[t] else 1.0
            if index.term_mined[t]:
                weight *= self.mined_term_weight
            # A repeated term adds less than a new one: repetition is not breadth of evidence.
            mass[index.term_support[t]] += weight * index.term_specificity[t] * (1 + np.log(n))
        # Term mass is a density beyond reference_length content words: a long speech turn
        # mentions many themes in passing, a short passage few.
        words = len(content_tokens(doc, mask))
        if self.reference_length and words > self.reference_length:
            mass *= self.reference_length / words
        term = 1 - np.exp(-mass / self.term_scale)
        idf, profiles = getattr(self, "idf_", None), getattr(self, "profiles_", None)
        keys = key_counts(index.matcher, doc, mask)
        sim = similarity(index, doc, mask, idf, profiles, keys)
        sim = np.clip(sim / self.similarity_scale, 0, 1)
        notes = [_language_note(lang) for lang in sorted(foreign)]
        if self.reference_length and words > LONG_PASSAGE * self.reference_length:
            notes.append(
                f"passage long ({words} mots pleins) : ses termes comptent en densité, "
                "il serait mieux étiqueté découpé en passages plus courts"
            )
        unread = tuple(LANGUAGE_NAMES.get(lang, lang) for lang in sorted(foreign))
        return Components(term, sim, hits, "; ".join(notes), keys=keys, languages=unread)

    def _prior(self, priors: Sequence[Iterable[str]] | None, n_docs: int) -> np.ndarray:
        """1 for the labels the programme assigns (and their parents), -1 for the labels of
        the other objectives when it assigns some, 0 when the talk has no objectives."""
        index = self._index()
        position = {label_id: i for i, label_id in enumerate(index.ids)}
        tops = index.tops
        matrix = np.zeros((n_docs, len(index.ids)))
        unknown: set[str] = set()
        for row, labels in enumerate(priors or []):
            labels = list(labels or ())
            unknown |= set(labels) - set(position)
            assigned = [position[x] for x in labels if x in position]
            if assigned:
                matrix[row, ~np.isin(tops, tops[assigned])] = -1
                matrix[row, assigned] = 1
                matrix[row, tops[assigned]] = 1
        for label_id in sorted(unknown, key=str):  # once per call, not once per passage
            log.warning("objectif « %s » du programme absent du codebook, ignoré", label_id)
        return matrix

    def _own(self, comps: list[Components]) -> np.ndarray:
        """Evidence of each passage from its own words: terms and similarity."""
        term = np.array([c.term for c in comps])
        sim = np.array([c.similarity for c in comps])
        return 1 - (1 - term) * (1 - self.similarity_weight * sim)

    def _context(self, own: np.ndarray, comps: list[Components], groups) -> np.ndarray:
        """The best evidence of each passage's neighbours in its group."""
        context = np.zeros_like(own)
        if groups is None:
            return context
        for i, comp in enumerate(comps):
            if not comp.substantive or groups[i] is None:
                continue
            for k in (i - 1, i + 1):
                if 0 <= k < len(comps) and groups[k] == groups[i]:
                    context[i] = np.maximum(context[i], own[k])
        return context

    def _corpus(self, comps: list[Components], scores: np.ndarray) -> np.ndarray:
        """Corpus component: the labels that a passage's nearest passages hold confidently."""
        index = self._index()
        corpus = np.zeros_like(scores)
        rows = [i for i, c in enumerate(comps) if c.substantive and c.keys]
        if len(rows) < 2 or not self.corpus_weight:
            return corpus
        votes = neighbour_votes(
            [comps[i].keys for i in rows],
            scores[rows] >= self.corpus_confidence,
            self.corpus_neighbours,
        )
        lift = np.stack(
            [votes[:, j] - votes[:, peers].mean(axis=1) for j, peers in enumerate(index.peers)],
            axis=1,
        )
        corpus[rows] = np.clip(lift / self.corpus_scale, 0, 1)
        return corpus

    def _scores(self, own: np.ndarray, context: np.ndarray, prior: np.ndarray) -> np.ndarray:
        evidence = 1 - (1 - own) * (1 - self.context_weight * context)
        exponent = 1 + self.prior_weight * (prior > 0) - self.off_prior_weight * (prior < 0)
        scores = 1 - (1 - evidence) ** exponent
        for i, parent in enumerate(self._index().parents):
            if parent >= 0:
                scores[:, parent] = np.maximum(scores[:, parent], scores[:, i])
        return np.clip(scores, 0, 1)

    def _keep(self, scores: np.ndarray) -> np.ndarray:
        index = self._index()
        thresholds = getattr(self, "thresholds_", None)
        if thresholds is None:
            thresholds = np.full(len(index.ids), self.threshold)
        keep = (scores >= thresholds) & (scores > 0)
        for i, parent in enumerate(index.parents):
            if parent >= 0:
                keep[:, parent] |= keep[:, i]
        return keep.astype(int)

    def _run(self, X: Sequence[Doc], priors, groups, comps=None):
        if comps is None:
            comps = [self.components(doc) for doc in X]
        if not comps:
            empty = np.zeros((0, len(self._index().ids)))
            return comps, empty, empty, empty, empty
        own = self._own(comps)
        prior = self._prior(priors, len(comps))
        first = self._scores(own, self._context(own, comps, groups), prior)
        corpus = self._corpus(comps, first)
        own = 1 - (1 - own) * (1 - self.corpus_weight * corpus)
        context = self._context(own, comps, groups)
        return comps, self._scores(own, context, prior), context, prior, corpus

    def decision_function(self, X: Sequence[Doc], priors=None, groups=None) -> np.ndarray:
        """Scores in [0, 1], one row per doc, one column per codebook id.

        ``priors`` lists, per doc, the label ids the programme assigns to its talk; ``groups``
        gives each doc a group (a speaker turn, a Q&A exchange): consecutive docs of one group
        lend each other context. Both are optional.
        """
        return self._run(X, priors, groups)[1]

    def predict(self, X: Sequence[Doc], priors=None, groups=None) -> np.ndarray:
        """Indicator matrix of the kept labels (a kept sub-theme keeps its parent)."""
        return self._keep(self.decision_function(X, priors, groups))

    def fit(self, X: Sequence[Doc], y=None, priors=None, groups=None) -> CodebookTagger:
        """Learn from passages: the IDF of their words, and thresholds when labels are given.

        Parameters
        ----------
        X : sequence of Doc
            Parsed passages (e.g. all the passages of an event).
        y : sequence of label-id lists, or indicator matrix, optional
            The labels a person gave each passage (sub-themes with their parents).
        priors, groups : sequence, optional
            As for ``decision_function``.

        Returns
        -------
        CodebookTagger
            ``self``, with ``classes_``, ``idf_`` and ``profiles_`` (the similarity then weighs
            words by how rare they are in ``X``, times how specific they are to a label) and,
            with ``y``, ``thresholds_``: each label's best-F1 threshold on ``X``, shrunk towards
            ``threshold`` (``threshold_shrinkage``); a label with fewer than ``min_positives``
            positive passages keeps ``threshold``.
        """
        index = self._index()
        df = np.zeros(len(index.vocabulary))
        for doc in X:
            keys = key_counts(index.matcher, doc, read_doc(doc).mask)
            df[[index.vocabulary[k] for k in keys if k in index.vocabulary]] += 1
        self.idf_ = smooth_idf(df, len(X)) * index.idf
        self.profiles_ = unit(index.tf * self.idf_)
        self.classes_ = list(index.ids)
        if y is None:
            return self
        truth = _indicator(y, self.classes_)
        scores = self.decision_function(X, priors, groups)
        thresholds = []
        for j in range(len(self.classes_)):
            positives = int(truth[:, j].sum())
            if positives < self.min_positives:
                thresholds.append(self.threshold)
                continue
            best = _best_threshold(scores[:, j], truth[:, j], self.threshold)
            weight = positives / (positives + self.threshold_shrinkage)
            thresholds.append(weight * best + (1 - weight) * self.threshold)
        self.thresholds_ = np.array(thresholds)
        return self

    def tag(
        self, docs: Sequence[Doc], ids: Sequence[str], priors=None, groups=None, components=None
    ) -> list[Tagging]:
        """Tag parsed passages: kept labels, scores and explanations for each.

        ``components`` may give the docs' :meth:`components`, computed earlier by this tagger.

        Examples
        --------
        >>> tagger.tag([nlp("Le guichet unique simplifie tout.")], ["p1"])[0].labels
        ... # doctest: +SKIP
        ('O1', 'O1.1')
        """
        label_ids = self._index().ids
        comps, scores, context, prior, corpus = self._run(docs, priors, groups, components)
        keep = self._keep(scores)
        thresholds = getattr(self, "thresholds_", None)
        if thresholds is None:
            thresholds = np.full(len(label_ids), self.threshold)
        result = []
        for row, (passage_id, comp) in enumerate(zip(ids, comps, strict=True)):
            explanations = {
                label_id: {
                    "score": round(float(scores[row, j]), 4),
                    "threshold": round(float(thresholds[j]), 4),
                    "term": round(float(comp.term[j]), 4),
                    "similarity": round(float(comp.similarity[j]), 4),
                    "corpus": round(float(corpus[row, j]), 4),
                    "context": round(float(context[row, j]), 4),
                    "prior": int(prior[row, j]),
                    "terms": sorted(set(comp.hits.get(j, []))),
                }
                for j, label_id in enumerate(label_ids)
                if scores[row, j] > 0
            }
            result.append(
                Tagging(
                    passage_id=passage_id,
                    labels=tuple(lab for j, lab in enumerate(label_ids) if keep[row, j]),
                    scores={
                        lab: round(float(scores[row, j]), 4) for j, lab in enumerate(label_ids)
                    },
                    explanations=explanations,
                    note=comp.note,
                    analysed=comp.analysed,
                    languages=comp.languages,
                )
            )
        return result


def neighbour_votes(keys: Sequence[dict], confident: np.ndarray, k: int) -> np.ndarray:
    """For each passage, the cosine-weighted share of its ``k`` nearest other passages that are
    confident for each label.

    Parameters
    ----------
    keys : sequence of dict
        Lemma-key counts of each passage (``tag_index.key_counts``).
    confident : numpy.ndarray
        Boolean matrix, passages × labels.
    k : int
        Neighbours per passage; ties go to the earlier passage, so the result is deterministic.

    Returns
    -------
    numpy.ndarray
        Passages × labels, in [0, 1]; a passage that shares no word with any other gets 0.
    """
    # Sublinear TF, smooth IDF over these passages, unit rows (as everywhere in the tagger).
    tf = DictVectorizer().fit_transform([{w: 1 + np.log(n) for w, n in c.items()} for c in keys])
    matrix = TfidfTransformer().fit_transform(tf)
    confident = confident.astype(float)
    votes = np.zeros(confident.shape)
    k = min(k, len(keys) - 1)
    for start in range(0, len(keys), 512):
        cosines = (matrix[start : start + 512] @ matrix.T).toarray()
        for row in range(cosines.shape[0]):
            cosines[row, start + row] = -np.inf
        nearest = np.argsort(-cosines, axis=1, kind="stable")[:, :k]
        weights = np.clip(np.take_along_axis(cosines, nearest, axis=1), 0, None)
        total = weights.sum(axis=1, keepdims=True)
        shares = np.einsum("rk,rkl->rl", weights, confident[nearest])
        votes[start : start + len(cosines)] = np.divide(
            shares, total, out=np.zeros_like(shares), where=total > 0
        )
    return votes


# Beyond this many times reference_length content words, a passage is said to be long: the
# density of its terms, not their number, decides, and a theme it treats in passing is lost.
LONG_PASSAGE = 10


def _language_note(lang: str, whole: bool = False) -> str:
    name = LANGUAGE_NAMES.get(lang, lang)
    if whole:
        return f"passage en {name} : non analysé, classé hors objectifs"
    return f"phrases en {name} ignorées"


def _indicator(y, ids: list[str]) -> np.ndarray:
    if isinstance(y, np.ndarray) and y.ndim == 2:
        return y.astype(int)
    position = {label_id: i for i, label_id in enumerate(ids)}
    truth = np.zeros((len(y), len(ids)), dtype=int)
    for row, labels in enumerate(y):
        for label_id in labels:
            truth[row, position[label_id]] = 1
    return truth


def _best_threshold(scores: np.ndarray, truth: np.ndarray, default: float) -> float:
    """Threshold with the best F1 on these scores; ties go to the one nearest ``default``."""
    candidates = np.unique(np.concatenate([scores[scores > 0], [default]]))
    best, best_key = default, (-1.0, 0.0)
    for t in candidates:
        predicted = scores >= t
        tp = float((predicted & (truth == 1)).sum())
        f1 = 2 * tp / (predicted.sum() + truth.sum()) if tp else 0.0
        key = (round(f1, 6), -abs(t - default))
        if key > best_key:
            best, best_key = float(t), key
    return best


def tag_passages(
    passages: Sequence[Passage],
    docs: Mapping[str, Doc] | Sequence[Doc],
    codebook: Codebook,
    event: Event | None = None,
    tagger: CodebookTagger | None = None,
    cache: str | None = None,
) -> list[Tagging]:
    """Tag passages, with the programme prior from ``event.item(p.talk).objectives``.

    Parameters
    ----------
    passages : sequence of Passage
    docs : mapping passage id → Doc (as ``nlp.parse_passages`` returns) or sequence aligned
        with ``passages``; the parse is reused, never redone.
    codebook : Codebook
    event : Event, optional
        The programme; without it no prior applies.
    tagger : CodebookTagger, optional
        A configured or fitted tagger; the default is ``CodebookTagger(codebook)``.
    cache : str, optional
        Key of the pipeline that parsed ``docs`` (:func:`omap_synthesis.nlp.model_key`). When
        given, with the default tagger, each source's term and similarity components are kept
        in the stage cache; the corpus and context components, which depend on all passages,
        are always computed.

    Returns
    -------
    list of Tagging
        One per passage, in order. Consecutive passages of one speaker turn or Q&A exchange
        lend each other context (``passage_group``).
    """
    # A given tagger may be fitted: its components are not those of the cache's default one.
    cacheable = cache is not None and tagger is None
    tagger = tagger or CodebookTagger(codebook)
    parsed = [docs[p.id] for p in passages] if isinstance(docs, Mapping) else list(docs)
    comps = _cached_components(tagger, passages, parsed, cache) if cacheable else None
    # An objective the codebook lacks has no effect; the callers say so once per item
    # (``event.say_unknown_objectives``), not once per call.
    known = {lab.id for lab in tagger.codebook.labels}
    priors = []
    for p in passages:
        item = event.item(p.talk) if event is not None and p.talk else None
        priors.append([o for o in item.objectives if o in known] if item is not None else ())
    groups = [passage_group(p) for p in passages]
    return tagger.tag(parsed, [p.id for p in passages], priors, groups, comps)


def _cached_components(
    tagger: CodebookTagger, passages: Sequence[Passage], parsed: Sequence[Doc], model: str
) -> list[Components]:
    """The tagger's components of every passage, each source's kept in the stage cache."""
    by_source: dict[str, list[int]] = {}
    for k, p in enumerate(passages):
        by_source.setdefault(p.source, []).append(k)
    comps: list[Components | None] = [None] * len(passages)
    for rows in by_source.values():
        mine = [passages[k] for k in rows]
        key = caching.digest("tag-components", model, tagger.codebook, mine)
        values = caching.cached(
            "tag-components", key, lambda rows=rows: [tagger.components(parsed[k]) for k in rows]
        )
        for k, value in zip(rows, values, strict=True):
            comps[k] = value
    return comps


def passage_group(passage: Passage) -> str:
    """Context group of a passage: its Q&A exchange, or else its speaker turn, in its source."""
    if passage.exchange is not None:
        return f"{passage.source}#e{passage.exchange}"
    return f"{passage.source}#t{passage.turn}"


def tag_texts(
    ids: Sequence[str],
    texts: Sequence[str],
    codebook: Codebook,
    talks: Sequence[str | None] | None = None,
    groups: Sequence[str | None] | None = None,
    event: Event | None = None,
    tagger: CodebookTagger | None = None,
) -> list[Tagging]:
    """Parse and tag loose texts (the ``tag`` command); ``talks`` bring the programme prior
    when ``event`` knows them, ``groups`` the context of neighbouring texts.

    Examples
    --------
    >>> tag_texts(["a"], ["Un guichet unique pour les usagers."], codebook)[0].labels
    ... # doctest: +SKIP
    ('O1', 'O1.1')
    """
    from omap_synthesis.nlp import parse

    tagger = tagger or CodebookTagger(codebook)
    # The tagger reads no entity: the recogniser, about 40 % of the parse, is left out.
    docs = parse(pipeline(tagger.model), list(texts), disable=("ner",))
    priors = []
    for talk in talks or [None] * len(docs):
        item = event.item(talk) if event is not None and talk else None
        priors.append(item.objectives if item is not None else ())
    return tagger.tag(docs, list(ids), priors, groups)


def taggings_frame(
    passages: Sequence[Passage],
    taggings: Sequence[Tagging],
    codebook: Codebook,
    event: Event | None = None,
) -> pd.DataFrame:
    """One row per passage: its talk, the programme's objectives for it, the kept labels
    (``""`` = hors objectifs), the note, and one score column per codebook id."""
    rows = []
    for p, t in zip(passages, taggings, strict=True):
        item = event.item(p.talk) if event is not None and p.talk else None
        rows.append(
            {
                "passage_id": p.id,
                "talk": p.talk or "",
                "kind": p.kind,
                "speaker": p.speaker or "",
                "programme": ", ".join(item.objectives) if item is not None else "",
                "labels": ", ".join(t.labels),
                "note": t.note,
                **{label_id: t.scores[label_id] for label_id in codebook.ids},
            }
        )
    return pd.DataFrame(rows)
