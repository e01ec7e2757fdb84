"""Extractive summaries of a transcript: verbatim sentences within a word budget.

A logistic sentence scorer, trained on FREDSum debates and shipped as JSON coefficients
(``resources/summarizer.json``), estimates how likely a human is to keep each sentence; a
redundancy-aware greedy selection (maximal marginal relevance) then adds sentences until the
budget is reached. Lead and TextRank baselines use the same sentences and the same budget rule.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from omap_synthesis.config import RESOURCES_DIR
from omap_synthesis.models import Passage, SummarySentence
from omap_synthesis.segment import count_words
from omap_synthesis.summary_features import (
    FEATURES,
    Candidates,
    candidates,
    pagerank,
    sentence_features,
    similarity_matrix,
    tfidf_matrix,
)

MODEL_PATH = RESOURCES_DIR / "summarizer.json"
# Default budget: a seventh of the talk, so a 20-minute talk (about 2,500 words) gives a
# summary of about 375 words, some 2.5 minutes read aloud, and a day of ten talks and Q&A
# slots stays within what a report can print. FREDSum annotators kept about a quarter of each
# debate, but they had no reader waiting.
DEFAULT_RATIO = 0.15
# Bounds of the default budget: below, a summary says nothing; above, nobody reads it aloud.
DEFAULT_MIN_WORDS = 40
DEFAULT_MAX_WORDS = 600
# Sentences scored together (see ``summarize``): the longest FREDSum transcript has about 700;
# 2 000 keep the matrices of a window near 30 MB, where a 2 MB transcript scored whole (some
# 20 000 sentences) took more than 10 GB.
WINDOW_SENTENCES = 2000


class SentenceScorer(BaseEstimator):
    """Logistic regression on standardised sentence features, portable as plain JSON.

    Parameters
    ----------
    C : float
        Inverse regularisation strength of the logistic regression.
    threshold : float
        A sentence is a positive example when its label (share kept by the annotators,
        averaged over them) reaches this value.
    random_state : int
        Seed passed to the solver (lbfgs is deterministic; kept for the convention).
    """

    def __init__(self, C: float = 1.0, threshold: float = 0.5, random_state: int = 0):
        self.C = C
        self.threshold = threshold
        self.random_state = random_state

    def fit(self, X: np.ndarray, y: np.ndarray) -> SentenceScorer:
        """Learn the scaling and the coefficients from features ``X`` and soft labels ``y``."""
        X = np.asarray(X, dtype=float)
        self.mean_ = X.mean(axis=0)
        scale = X.std(axis=0)
        self.scale_ = np.where(scale > 0, scale, 1.0)
        model = LogisticRegression(C=self.C, max_iter=5000, random_state=self.random_state)
        model.fit((X - self.mean_) / self.scale_, np.asarray(y) >= self.threshold)
        self.coef_ = model.coef_[0]
        self.intercept_ = float(model.intercept_[0])
        return self

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        return ((np.asarray(X, dtype=float) - self.mean_) / self.scale_) @ self.coef_ + (
            self.intercept_
        )

    def predict_proba_positive(self, X: np.ndarray) -> np.ndarray:
        """Probability that a human keeps each sentence."""
        return 1.0 / (1.0 + np.exp(-self.decision_function(X)))

    def to_dict(self) -> dict:
        return {
            "C": self.C,
            "threshold": self.threshold,
            "mean": self.mean_.tolist(),
            "scale": self.scale_.tolist(),
            "coef": self.coef_.tolist(),
            "intercept": self.intercept_,
        }

    @classmethod
    def from_dict(cls, data: dict) -> SentenceScorer:
        scorer = cls(C=data["C"], threshold=data["threshold"])
        scorer.mean_ = np.array(data["mean"], dtype=float)
        scorer.scale_ = np.array(data["scale"], dtype=float)
        scorer.coef_ = np.array(data["coef"], dtype=float)
        scorer.intercept_ = float(data["intercept"])
        return scorer


@cache
def load_model(path: Path = MODEL_PATH) -> tuple[SentenceScorer, dict]:
    """The shipped scorer and the whole parameter file (``selection``, ``training``...)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if tuple(data["features"]) != FEATURES:
        raise RuntimeError(
            f"{path} : les paramètres du résumeur ne correspondent pas à ses variables ; "
            "relancez benchmarks/train_summarizer.py."
        )
    return SentenceScorer.from_dict(data["scorer"]), data


def default_budget(total_words: int) -> int:
    """Words of the summary when none is asked: ``DEFAULT_RATIO`` of the transcript, bounded.

    Examples
    --------
    >>> default_budget(2500), default_budget(100), default_budget(50_000)
    (375, 40, 600)
    """
    return min(DEFAULT_MAX_WORDS, max(DEFAULT_MIN_WORDS, round(DEFAULT_RATIO * total_words)))


def select(
    scores: np.ndarray,
    words: np.ndarray,
    budget: float,
    sim: np.ndarray | None = None,
    redundancy: float = 0.0,
    length_exponent: float = 0.0,
) -> list[int]:
    """Greedy selection until ``budget`` words are reached (the last sentence may cross it).

    At each step the sentence with the best ``(score - redundancy * max similarity to the
    chosen ones) / words ** length_exponent`` is added (maximal marginal relevance).

    Parameters
    ----------
    scores : ndarray
        Score of each sentence.
    words : ndarray
        Word count of each sentence.
    budget : float
        Sentences are added while the total is below it.
    sim : ndarray, optional
        Pairwise similarity of the sentences (needed when ``redundancy`` is not zero).
    redundancy : float
        Weight of the similarity to the sentences already chosen.
    length_exponent : float
        Below zero favours long sentences, above zero short ones.

    Returns
    -------
    list of int
        Indices of the chosen sentences, in source order.

    Examples
    --------
    >>> select(np.array([0.2, 0.9, 0.5]), np.array([4.0, 4.0, 4.0]), 6)
    [1, 2]
    """
    n = len(scores)
    chosen, total = [], 0.0
    closest = np.zeros(n)
    available = np.ones(n, dtype=bool)
    weight = np.power(np.maximum(words, 1.0), length_exponent)
    while total < budget and available.any():
        gain = np.where(available, (scores - redundancy * closest) / weight, -np.inf)
        i = int(np.argmax(gain))
        chosen.append(i)
        available[i] = False
        total += words[i]
        if sim is not None and redundancy:
            closest = np.maximum(closest, sim[i])
    return sorted(chosen)


def _check_budget(words: int | None) -> None:
    if words is not None and words <= 0:
        raise ValueError(f"le budget de mots doit être un entier positif (reçu : {words}).")


def _sentences(cands: Candidates, chosen: list[int], scores: np.ndarray) -> list[SummarySentence]:
    out = []
    for i in chosen:
        k, a, b = cands.spans[i]
        passage = cands.passages[k]
        out.append(
            SummarySentence(
                text=passage.text[a:b],
                passage_id=passage.id,
                speaker=passage.speaker,
                start_char=passage.start_char + a,
                end_char=passage.start_char + b,
                score=float(scores[i]),
            )
        )
    return out


def _run(passages, docs, words, scorer) -> list[SummarySentence]:
    _check_budget(words)
    cands = candidates(list(passages), docs)
    if len(cands) == 0:
        return []
    total = sum(count_words(p.text) for p in passages)
    budget = default_budget(total) if words is None else words
    scores, chosen = scorer(cands, budget)
    return _sentences(cands, chosen, scores)


def summarize(
    passages: list[Passage], docs: dict, words: int | None = None
) -> list[SummarySentence]:
    """Extractive summary of one transcript, in source order.

    Parameters
    ----------
    passages : list of Passage
        The transcript's passages, in source order.
    docs : dict
        ``{passage_id: Doc}`` as ``nlp.parse_passages`` returns it (parse of ``clean``).
    words : int, optional
        Word budget (``\\w+`` runs of the returned text): sentences are added until the total
        reaches it, the last one may cross it. ``None``: see ``default_budget``.

    Returns
    -------
    list of SummarySentence
        Verbatim sentences; the whole transcript when it is shorter than the budget; ``[]``
        for an empty transcript.

    Raises
    ------
    ValueError
        When ``words`` is zero or negative.
    """
    scorer, model = load_model()
    params = model["selection"]

    def choose_in(cands: Candidates, budget: float):
        tfidf = tfidf_matrix(cands)
        sim = similarity_matrix(tfidf)
        scores = scorer.predict_proba_positive(sentence_features(cands, tfidf, sim))
        chosen = select(
            scores,
            cands.words,
            budget,
            sim,
            params["redundancy"],
            params["length_exponent"],
        )
        return scores, chosen

    def choose(cands: Candidates, budget: int):
        if len(cands) <= WINDOW_SENTENCES:
            return choose_in(cands, budget)
        # The features compare every sentence with every other (square matrices): a longer
        # transcript is scored window by window, each window choosing its share of the budget;
        # the budget is then spent once over what the windows chose, so that the last sentence
        # alone may cross it.
        scores, picked = np.empty(len(cands)), []
        share = budget / max(float(cands.words.sum()), 1.0)
        for lo in range(0, len(cands), WINDOW_SENTENCES):
            window = cands.subset(range(lo, min(lo + WINDOW_SENTENCES, len(cands))))
            found, chosen = choose_in(window, share * float(window.words.sum()))
            scores[lo : lo + len(window)] = found
            picked += [lo + i for i in chosen]
        final = select(
            scores[picked], cands.words[picked], budget, None, 0.0, params["length_exponent"]
        )
        return scores, [picked[i] for i in final]

    return _run(passages, docs, words, choose)


def lead(passages: list[Passage], docs: dict, words: int | None = None) -> list[SummarySentence]:
    """Baseline: the first sentences up to the budget (score: 1 for the first, decreasing)."""

    def choose(cands: Candidates, budget: int):
        scores = 1.0 - np.arange(len(cands)) / len(cands)
        return scores, select(scores, cands.words, budget)

    return _run(passages, docs, words, choose)


def textrank(
    passages: list[Passage], docs: dict, words: int | None = None
) -> list[SummarySentence]:
    """Baseline: PageRank over the TF-IDF cosine graph of the sentences' words.

    The score is the sentence's PageRank divided by the largest one.
    """

    def choose(cands: Candidates, budget: int):
        texts = [cands.text(i) for i in range(len(cands))]
        try:
            tfidf = TfidfVectorizer().fit_transform(texts)
            sim = (tfidf @ tfidf.T).toarray()
        except ValueError:  # no word of two letters or more anywhere
            sim = np.zeros((len(texts), len(texts)))
        np.fill_diagonal(sim, 0.0)
        rank = pagerank(sim)
        scores = rank / rank.max()
        return scores, select(scores, cands.words, budget)

    return _run(passages, docs, words, choose)


def summarize_by_talk(
    passages: list[Passage], docs: dict, words: int | None = None
) -> dict[str, list[SummarySentence]]:
    """One summary per programme item (talk or Q&A slot), or per source for loose files.

    Parameters
    ----------
    passages : list of Passage
        Passages of an event or of several files, each group in source order.
    docs : dict
        ``{passage_id: Doc}`` as ``nlp.parse_passages`` returns it.
    words : int, optional
        Budget of every summary; ``None``: each item's default (``default_budget``).

    Returns
    -------
    dict
        ``{talk id or source name: sentences}``, in the order items first appear.
    """
    groups: dict[str, list[Passage]] = {}
    for passage in passages:
        groups.setdefault(passage.talk or passage.source, []).append(passage)
    return {key: summarize(group, docs, words) for key, group in groups.items()}
