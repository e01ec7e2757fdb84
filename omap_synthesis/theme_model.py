"""The clustering behind theme discovery: content terms of a passage and ``ThemeModel``.

A passage is represented by TF-IDF over the lemmas of its content words (and pairs of adjacent
content words), reduced with TruncatedSVD. Speech is locally coherent, so each passage is then
smoothed with its neighbours in the same source (a Gaussian kernel over the distance in words);
short turns (« Tout à fait. ») thereby take the subject of the conversation around them.
K-means on the smoothed space finds the themes. The number of themes is chosen among the
stable clusterings (k-means refitted on 80 % subsamples agrees with them, adjusted Rand index
of at least 0.8, the « good recovery » level of Steinley, 2004) as the one that best separates
the passages on their own, unsmoothed content (silhouette): the smoothing can never inflate the
score it is chosen by. A theme that holds most of the passages tells a reader nothing, so when the
best clustering has one and another stable ``k`` separates the passages as well, within one
standard error of the best silhouette (the « one-standard-error rule » of Breiman et al., 1984),
without one, that ``k`` is kept instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import numpy as np
import yaml
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score, silhouette_samples
from sklearn.preprocessing import normalize
from spacy.tokens import Doc
from threadpoolctl import threadpool_limits

from omap_synthesis.config import RESOURCES_DIR
from omap_synthesis.french import unaccented
from omap_synthesis.nlp import dictionary_words, french_stop_words
from omap_synthesis.readers import speaker_lexicon
from omap_synthesis.terms import french_mask

_WORDLIKE = re.compile(r"[^\W\d_][\w'’-]*")
_NOUNS = frozenset({"NOUN", "PROPN"})


@cache
def theme_resources() -> dict:
    return yaml.safe_load((RESOURCES_DIR / "themes.yaml").read_text(encoding="utf-8"))


@cache
def _stop_lemmas() -> frozenset[str]:
    return french_stop_words() | frozenset(theme_resources()["stop_lemmas"])


@cache
def _fillers() -> frozenset[str]:
    data = yaml.safe_load((RESOURCES_DIR / "artefacts.yaml").read_text(encoding="utf-8"))
    return frozenset(data["fillers"])


def name_words(names) -> frozenset[str]:
    """Lower-cased words of people's names, without accents (« Eric » is « éric » in a
    transcript), to keep them out of theme terms.

    A tag that opens with a role word (« Représentant de la Direction du budget ») names a
    function, not a person: its words stay usable.

    Examples
    --------
    >>> sorted(name_words(["Leila Bennani", "Représentant du budget", None]))
    ['bennani', 'leila']
    """
    roles, particles, _ = speaker_lexicon()
    words: set[str] = set()
    for name in names:
        parts = re.findall(r"\w+", (name or "").lower())
        if not parts or parts[0] in roles:
            continue
        words.update(unaccented(w) for w in parts if w not in particles and not w.isdigit())
    return frozenset(words)


@dataclass(frozen=True)
class ContentTerms:
    """Theme terms of a text: lemma unigrams and adjacent pairs, with their surface forms.

    ``foreign`` is True when most words of the text are in another language than French.
    """

    terms: tuple[str, ...]
    surfaces: tuple[str, ...]
    nouns: frozenset[str] = frozenset()
    foreign: bool = False

    @property
    def n_words(self) -> int:
        """Number of content words (unigrams)."""
        return sum(" " not in t for t in self.terms)


def _surface(token) -> str:
    keep_case = token.pos_ == "PROPN" or (token.text.isupper() and len(token.text) > 1)
    return token.text if keep_case else token.text.lower()


def _in_address(token, address: frozenset[str]) -> bool:
    """Whether ``token`` is part of a title after a form of address (« Monsieur le Directeur »)."""
    title = token.head if token.dep_ == "amod" else token
    holder = title.head
    return (
        title.dep_ in {"nmod", "appos"} and holder.i < title.i and holder.lemma_.lower() in address
    )


def _as_name(token) -> bool:
    return token.text[:1].isupper() or token.pos_ == "PROPN"


def _a_name(token, lemma: str, exclude: frozenset[str]) -> bool:
    """Whether ``token`` is a word of a person's name (``exclude``): written as a name, or a
    word French has only as a name (« pécresse » in a transcript written in lower case)."""
    if unaccented(lemma) not in exclude and unaccented(token.lower_) not in exclude:
        return False
    if _as_name(token):
        return True
    known = dictionary_words()  # read on first need: a quarter of a second
    return bool(known) and token.lower_ not in known


def content_terms(tokens, exclude: frozenset[str] = frozenset(), mask=None) -> ContentTerms:
    """Content lemmas of ``tokens`` and pairs of adjacent content lemmas.

    Stop words (spaCy's and ``resources/themes.yaml``), fillers, numbers, words of ``exclude``
    (people's names) written as names, titles after a form of address and tokens where ``mask``
    is False are left out.

    Parameters
    ----------
    tokens : Doc, Span or iterable of Token
    exclude : frozenset of str
        Lower-case words of people's names (``name_words``), left out where a token is written
        as a name (with a capital, or tagged as a proper noun) or is no French word but a name
        (« pécresse »). In lower case a French word is the common word (« une réponse claire »
        with a Claire in the programme, « les énergies marines » with a Marine among the
        speakers).
    mask : array of bool, optional
        Indexed by ``token.i``; False drops the token (e.g. a sentence in another language).

    Returns
    -------
    ContentTerms

    Examples
    --------
    >>> nlp = load_nlp()  # doctest: +SKIP
    >>> content_terms(nlp("Le guichet unique simplifie tout.")).terms  # doctest: +SKIP
    ('guichet', 'unique', 'simplifier', 'guichet unique', 'unique simplifier')
    """
    res = theme_resources()
    banned = _stop_lemmas() | _fillers()
    pos, min_chars = frozenset(res["content_pos"]), res["min_lemma_chars"]
    address = frozenset(res["address"])
    tokens = list(tokens)
    seq: list[tuple[str, str] | None] = []
    for token in tokens:
        lemma = (token.lemma_ or token.text).lower()
        lower = token.lower_
        keep = (
            (mask is None or mask[token.i])
            and token.pos_ in pos
            and _WORDLIKE.fullmatch(token.text) is not None
            and len(lemma) >= min_chars
            and lemma not in banned
            and lower not in banned
            and not _a_name(token, lemma, exclude)
            and not _in_address(token, address)
        )
        seq.append((lemma, _surface(token)) if keep else None)
    unigrams = [item for item in seq if item]
    pairs = [
        (f"{a[0]} {b[0]}", f"{a[1]} {b[1]}") for a, b in zip(seq, seq[1:], strict=False) if a and b
    ]
    terms = tuple(t for t, _ in unigrams + pairs)
    nouns = frozenset(
        item[0] for item, token in zip(seq, tokens, strict=True) if item and token.pos_ in _NOUNS
    )
    return ContentTerms(terms, tuple(s for _, s in unigrams + pairs), nouns)


def doc_terms(doc: Doc, exclude: frozenset[str] = frozenset()) -> ContentTerms:
    """``content_terms`` of the French sentences of ``doc``.

    Parameters
    ----------
    doc : Doc
    exclude : frozenset of str

    Returns
    -------
    ContentTerms
        ``foreign`` is True when most words of ``doc`` are in sentences of another language.
    """
    mask, words = french_mask(doc)
    found = content_terms(doc, exclude, mask)
    foreign = sum(v for k, v in words.items() if k != "fr") > words.get("fr", 0)
    return ContentTerms(found.terms, found.surfaces, found.nouns, foreign)


def _identity(terms):
    return terms


def smooth(embedding, mass, positions, groups, bandwidth: float) -> np.ndarray:
    """Gaussian smoothing of rows along ``positions`` inside each group, weighted by ``mass``.

    Parameters
    ----------
    embedding : ndarray (n, d)
    mass : ndarray (n,)
        Weight of each row as a neighbour.
    positions : array (n,)
        Position of each row in its group; increasing within a group.
    groups : array (n,)
        Rows are smoothed only with rows of the same group; the kernel is cut at three
        bandwidths.
    bandwidth : float

    Returns
    -------
    ndarray (n, d)
        Unit-norm rows (zero where no neighbour has any weight).
    """
    out = np.zeros_like(embedding)
    groups = np.asarray(groups)
    for g in dict.fromkeys(groups.tolist()):
        idx = np.flatnonzero(groups == g)
        pos = np.asarray(positions, dtype=float)[idx]
        lo = np.searchsorted(pos, pos - 3 * bandwidth, side="left")
        hi = np.searchsorted(pos, pos + 3 * bandwidth, side="right")
        for row, (a, b) in enumerate(zip(lo, hi, strict=True)):
            weights = np.exp(-(((pos[a:b] - pos[row]) / bandwidth) ** 2) / 2) * mass[idx[a:b]]
            out[idx[row]] = weights @ embedding[idx[a:b]]
    return normalize(out)


class ThemeModel(ClusterMixin, BaseEstimator):
    """Cluster passages into themes (scikit-learn estimator).

    Parameters
    ----------
    n_themes : int, optional
        Fixed number of themes; by default the ``k`` of ``k_range`` with the best content
        silhouette among those with a stability of at least ``min_stability`` (among all when
        none is stable), or a near-tied one without a dominant theme (see ``max_share``).
    k_range : tuple of int
        Smallest and largest number of themes tried.
    min_theme_size : int
        A clustering with a theme of fewer passages is not considered (unless ``n_themes`` is
        fixed), and the largest ``k`` tried is at most ``n // min_theme_size``.
    n_components : int
        Dimensions kept by TruncatedSVD (fewer on small corpora).
    bandwidth : float
        Standard deviation of the smoothing kernel, in words (300 words: about two minutes of
        speech; on the FREDSum development debates, mean NMI against the parts was 0.63 at 60
        words, 0.74 at 120 and 0.76 to 0.78 from 200 to 450). ``0`` disables smoothing.
    min_df : int
        A term must occur in this many passages to count (1 when none would).
    n_init, n_seeds : int
        K-means restarts; seeds (each on an 80 % subsample) of the stability measure.
    min_stability : float
        Mean adjusted Rand index a clustering needs to count as stable.
    max_share : float
        When the best ``k`` has a theme holding more than this share of the passages, the best
        ``k`` whose silhouette is within one standard error of it and whose largest theme stays
        within this share (and which is stable when the best is) is kept instead.
    random_state : int

    Attributes
    ----------
    labels_ : ndarray of int
        Theme of each passage, ``-1`` when neither it nor its neighbours have content.
    n_themes_ : int
    embedding_ : ndarray
        Unit-norm content vectors (SVD space), zero rows for passages without content.
    smoothed_ : ndarray
        The smoothed vectors the clustering ran on.
    scores_, stabilities_ : dict
        Content silhouette of every ``k`` tried; stability of the ``k`` with large enough
        themes examined in silhouette order, down to the first stable one, and of those
        examined as an alternative to a dominant theme.
    score_errors_ : dict
        Standard error of each silhouette (of the mean of the passages' silhouettes).
    set_aside_ : tuple of (int, float) or None
        The ``k`` of best silhouette and the share of its largest theme, when it was set aside
        for a near-tied ``k`` without a dominant theme.
    cluster_centers_ : ndarray
        Centre of each theme in the smoothed space.
    silhouette_, stability_ari_ : float or None
        For the chosen ``k``; ``None`` when undefined (a single theme, too few passages).

    Examples
    --------
    >>> docs = [["impôt", "taxe"], ["impôt", "budget"], ["école", "élève"], ["école", "classe"]]
    >>> ThemeModel(n_themes=2, min_theme_size=1).fit(docs).labels_.tolist()
    [1, 1, 0, 0]
    """

    def __init__(
        self,
        n_themes=None,
        k_range=(2, 12),
        min_theme_size=3,
        n_components=100,
        bandwidth=300.0,
        min_df=2,
        n_init=10,
        n_seeds=5,
        min_stability=0.8,
        max_share=0.5,
        random_state=0,
    ):
        self.n_themes = n_themes
        self.k_range = k_range
        self.min_theme_size = min_theme_size
        self.n_components = n_components
        self.bandwidth = bandwidth
        self.min_df = min_df
        self.n_init = n_init
        self.n_seeds = n_seeds
        self.min_stability = min_stability
        self.max_share = max_share
        self.random_state = random_state

    def fit(self, X, y=None, positions=None, groups=None):
        """Find the themes of ``X``, a list of term lists (one per passage).

        ``positions`` (word offset of each passage in its source) and ``groups`` (its source)
        enable the smoothing; without positions, passages are taken alone.
        """
        # A few hundred rows: OpenMP threads cost more than they save, ten times more on a busy
        # machine (measured), so k-means runs on one thread.
        with threadpool_limits(1):
            return self._fit(X, positions, groups)

    def _fit(self, X, positions, groups):
        terms = [list(doc) for doc in X]
        n = len(terms)
        self.embedding_ = self._embed(terms)
        # A neighbour weighs by how much it says (square root of its content words), so that a
        # long turn is not drowned by the short interjections around it.
        mass = np.sqrt([sum(" " not in t for t in doc) for doc in terms])
        if positions is None or not self.bandwidth:
            self.smoothed_ = self.embedding_.copy()
        else:
            groups = np.zeros(n, dtype=int) if groups is None else groups
            self.smoothed_ = smooth(self.embedding_, mass, positions, groups, self.bandwidth)
        # Themes are learnt from passages that say something; a passage without content of its
        # own (« Tout à fait. ») then joins the theme its neighbours give it.
        reached = np.linalg.norm(self.smoothed_, axis=1) > 0
        core = np.flatnonzero(reached & (mass > 0))
        rest = np.flatnonzero(reached & (mass == 0))
        self.labels_ = np.full(n, -1)
        self.scores_, self.stabilities_, self.score_errors_ = {}, {}, {}
        self.silhouette_, self.stability_ari_, self.set_aside_ = None, None, None
        candidates = self._candidates(core)
        fits = {k: self._kmeans(k, self.random_state).fit(self.smoothed_[core]) for k in candidates}
        for k, fit in fits.items():
            self.scores_[k], self.score_errors_[k] = self._silhouette(core, fit.labels_)
        if self.n_themes is None:
            min_size = self.min_theme_size
            candidates = [k for k in candidates if np.bincount(fits[k].labels_).min() >= min_size]
        if not candidates:
            self.n_themes_ = int(len(core) > 0)
            self.labels_[reached] = 0
            self.cluster_centers_ = np.zeros((self.n_themes_, self.smoothed_.shape[1]))
            if len(core):
                self.cluster_centers_[0] = self.smoothed_[core].mean(axis=0)
            return self
        # The best silhouette among the stable k, else among all: stability (k-means refitted
        # n_seeds times) is only computed down the silhouette order until a stable k is found.
        order = sorted(
            candidates, key=lambda k: (np.nan_to_num(self.scores_[k], nan=-2), -k), reverse=True
        )
        best = order[0]
        for k in order:
            self.stabilities_[k] = self._stability(core, fits[k].labels_)
            if (self.stabilities_[k] or 0) >= self.min_stability:
                best = k
                break
        if self.n_themes is None:
            best = self._without_dominant_theme(best, order, fits, core)
        self.n_themes_ = best
        self.labels_[core] = fits[best].labels_
        if len(rest):
            self.labels_[rest] = fits[best].predict(self.smoothed_[rest])
        self.cluster_centers_ = fits[best].cluster_centers_
        self.silhouette_ = self.scores_[best]
        self.stability_ari_ = self.stabilities_[best]
        return self

    def _embed(self, terms) -> np.ndarray:
        n = len(terms)
        for min_df in dict.fromkeys((self.min_df, 1)):
            try:
                self.vectorizer_ = TfidfVectorizer(
                    analyzer=_identity, min_df=min_df, sublinear_tf=True
                )
                tfidf = self.vectorizer_.fit_transform(terms)
                break
            except ValueError:  # empty vocabulary at this min_df
                continue
        else:
            self.vectorizer_, self.svd_ = None, None
            return np.zeros((n, 1))
        tfidf = tfidf.tocsr()
        bounds = zip(tfidf.indptr[:-1], tfidf.indptr[1:], strict=True)
        distinct = {
            (tuple(tfidf.indices[a:b]), tuple(np.round(tfidf.data[a:b], 9))) for a, b in bounds
        }
        dims = min(self.n_components, tfidf.shape[1] - 1, len(distinct) - 1)
        if dims < 2:
            self.svd_ = None
            return normalize(tfidf.toarray())
        self.svd_ = TruncatedSVD(dims, random_state=self.random_state)
        return normalize(self.svd_.fit_transform(tfidf))

    def _candidates(self, rows) -> list[int]:
        distinct = len(np.unique(np.round(self.smoothed_[rows], 6), axis=0))
        if self.n_themes is not None:
            k = min(int(self.n_themes), distinct)
            return [k] if k >= 2 else []
        low, high = self.k_range
        high = min(high, len(rows) // max(self.min_theme_size, 1), distinct)
        return list(range(max(low, 2), high + 1))

    def _kmeans(self, k: int, seed: int) -> KMeans:
        return KMeans(k, n_init=self.n_init, random_state=seed)

    def _without_dominant_theme(self, best: int, order: list[int], fits: dict, core) -> int:
        """``best``, or the best near-tied ``k`` without a theme holding most passages."""
        share = self._largest_share(fits[best].labels_)
        if share <= self.max_share or np.isnan(self.scores_[best]):
            return best
        floor = self.scores_[best] - self.score_errors_[best]
        stable = (self.stabilities_[best] or 0) >= self.min_stability
        for k in order:
            if k == best or self.scores_[k] < floor:
                continue
            if self._largest_share(fits[k].labels_) > self.max_share:
                continue
            if k not in self.stabilities_:
                self.stabilities_[k] = self._stability(core, fits[k].labels_)
            if not stable or (self.stabilities_[k] or 0) >= self.min_stability:
                self.set_aside_ = (best, share)
                return k
        return best

    @staticmethod
    def _largest_share(labels) -> float:
        return float(np.bincount(labels).max() / len(labels))

    def _silhouette(self, rows, labels) -> tuple[float, float]:
        """Silhouette of a clustering of ``rows`` on the passages' own (unsmoothed) content,
        and its standard error."""
        k = len(set(labels.tolist()))
        if k < 2 or len(rows) <= k:
            return float("nan"), float("nan")
        values = silhouette_samples(self.embedding_[rows], labels, metric="cosine")
        return float(values.mean()), float(values.std(ddof=1) / np.sqrt(len(values)))

    def _stability(self, rows, labels) -> float | None:
        """Mean ARI between ``labels`` and k-means refitted on 80 % subsamples, one per seed."""
        k = len(set(labels.tolist()))
        size = int(0.8 * len(rows))
        if size <= k or k < 2:
            return None
        scores = []
        for seed in range(self.random_state, self.random_state + self.n_seeds):
            sample = np.sort(np.random.default_rng(seed).choice(len(rows), size, replace=False))
            refit = self._kmeans(k, seed).fit_predict(self.smoothed_[rows[sample]])
            scores.append(adjusted_rand_score(labels[sample], refit))
        return float(np.mean(scores))
