"""Candidate sentences of a transcript and their features, computed from the existing parse.

Everything here is vectorised over one transcript: a TF-IDF matrix of the sentences' content
lemmas, its cosine-similarity graph (for TextRank and redundancy) and one row of features per
sentence. The spaCy ``Doc`` of each passage's ``clean`` text gives sentences, lemmas, stop words,
numbers, entities and word vectors; nothing is parsed again.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from spacy.pipeline import Sentencizer

from omap_synthesis.config import RESOURCES_DIR
from omap_synthesis.models import Passage
from omap_synthesis.segment import count_words
from omap_synthesis.terms import french_mask

_WORD = re.compile(r"\w+")
_FINAL_PUNCT = frozenset(Sentencizer.default_punct_chars)

FEATURES = (
    "position",
    "position_sq",
    "first_sentence",
    "first_of_turn",
    "position_in_turn",
    "log_words",
    "short",
    "question",
    "textrank",
    "mean_similarity",
    "centroid_similarity",
    "vector_similarity",
    "log_turn_words",
    "speaker_word_share",
    "chair",
    "speaker_log_turn_words",
    "number",
    "entities",
    "content_ratio",
    "filler_ratio",
    "first_person",
    "second_person",
    "cue_procedural",
    "cue_stance",
    "cue_backchannel",
)


@dataclass(frozen=True)
class Candidates:
    """The sentences a summary can be made of, each a verbatim slice of one passage.

    ``spans[i]`` is ``(passage_index, start, end)`` with offsets in ``passages[k].text``;
    ``sents[i]`` is the matching span of the parse of ``passages[k].clean``.
    """

    passages: tuple[Passage, ...]
    spans: tuple[tuple[int, int, int], ...]
    sents: tuple
    words: np.ndarray

    def __len__(self) -> int:
        return len(self.spans)

    def turns(self) -> list[tuple[str, int]]:
        """The speaker turn of each sentence, as ``(source, turn index)``."""
        return [(self.passages[k].source, self.passages[k].turn) for k, _, _ in self.spans]

    def text(self, i: int) -> str:
        k, a, b = self.spans[i]
        return self.passages[k].text[a:b]

    def subset(self, indices: Sequence[int]) -> Candidates:
        """The sentences ``indices`` (in that order), of the same passages."""
        indices = list(indices)
        return Candidates(
            self.passages,
            tuple(self.spans[i] for i in indices),
            tuple(self.sents[i] for i in indices),
            self.words[indices],
        )


def punctuation_sentences(doc) -> list:
    """Sentences of ``doc`` cut after sentence-final punctuation, as spaCy's sentencizer cuts.

    Human extracts of spoken French copy punctuation-delimited sentences; the dependency
    parser's sentences, trained on written text, often split or merge them differently.
    The doc's tokens are reused: nothing is parsed again.
    """
    sents, start, seen_final = [], 0, False
    for token in doc:
        is_final = token.text in _FINAL_PUNCT
        if seen_final and not token.is_punct and not is_final:
            sents.append(doc[start : token.i])
            start, seen_final = token.i, False
        elif is_final:
            seen_final = True
    if start < len(doc):
        sents.append(doc[start:])
    return sents


def candidates(passages: list[Passage], docs: dict) -> Candidates:
    """Split every passage into sentences, each mapped back to the passage's verbatim text.

    Parameters
    ----------
    passages : list of Passage
        One transcript's passages, in source order.
    docs : dict
        ``{passage_id: Doc}``, the parse of each passage's ``clean`` text.

    Returns
    -------
    Candidates
        Sentences with at least one word, in source order. A filler that cleaning removed at
        the start or end of a sentence is left out of its span; one inside stays (verbatim).
    """
    spans, sents = [], []
    for k, passage in enumerate(passages):
        # A French summary quotes no sentence in another language (« In several countries … »).
        french, _ = french_mask(docs[passage.id])
        for sent in punctuation_sentences(docs[passage.id]):
            text = sent.text
            a = sent.start_char + len(text) - len(text.lstrip())
            b = sent.end_char - (len(text) - len(text.rstrip()))
            if b <= a or not _WORD.search(text) or not french[sent.start : sent.end].any():
                continue
            start, end = passage.clean_to_text(a), passage.clean_to_text(b - 1) + 1
            spans.append((k, start, end))
            sents.append(sent)
    words = np.array([count_words(passages[k].text[a:b]) for k, a, b in spans], dtype=float)
    return Candidates(tuple(passages), tuple(spans), tuple(sents), words)


@cache
def _lexicon() -> tuple[dict[str, re.Pattern], dict[str, frozenset[str]]]:
    """Cue patterns (matched on the lower-cased sentence) and pronoun forms (token by token)."""
    data = yaml.safe_load((RESOURCES_DIR / "summary_cues.yaml").read_text(encoding="utf-8"))
    cues = {
        name: re.compile(
            r"(?<!\w)(?:"
            + "|".join(map(re.escape, sorted(terms, key=len, reverse=True)))
            + r")(?!\w)"
        )
        for name, terms in data["cues"].items()
    }
    pronouns = {name: frozenset(forms) for name, forms in data["pronouns"].items()}
    return cues, pronouns


def _content_terms(sent) -> list[str]:
    return [t.lemma_.lower() for t in sent if t.is_alpha and not t.is_stop]


def tfidf_matrix(cands: Candidates) -> np.ndarray:
    """L2-normalised TF-IDF rows of the sentences' content lemmas (fitted on this transcript)."""
    terms = [_content_terms(sent) for sent in cands.sents]
    if not any(terms):
        return np.zeros((len(cands), 1))
    return TfidfVectorizer(analyzer=_identity).fit_transform(terms).toarray()


def _identity(terms: list[str]) -> list[str]:
    return terms


def similarity_matrix(tfidf: np.ndarray) -> np.ndarray:
    """Cosine similarity of the sentences (rows are L2-normalised), diagonal zero."""
    sim = tfidf @ tfidf.T
    np.fill_diagonal(sim, 0.0)
    return sim


def pagerank(sim: np.ndarray, damping: float = 0.85, iterations: int = 100) -> np.ndarray:
    """PageRank of the weighted similarity graph (a sentence with no edge links to all)."""
    n = len(sim)
    if n == 0:
        return np.zeros(0)
    totals = sim.sum(axis=1, keepdims=True)
    transition = np.where(totals > 0, sim / np.where(totals > 0, totals, 1.0), 1.0 / n)
    rank = np.full(n, 1.0 / n)
    for _ in range(iterations):
        updated = (1 - damping) / n + damping * transition.T @ rank
        if np.abs(updated - rank).sum() < 1e-9:
            return updated
        rank = updated
    return rank


def _cosine_to_mean(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1)
    centre = vectors.sum(axis=0)
    denom = norms * np.linalg.norm(centre)
    return np.divide(vectors @ centre, denom, out=np.zeros(len(vectors)), where=denom > 0)


def _speaker_stats(cands: Candidates, question: np.ndarray) -> dict[str, np.ndarray]:
    """Per-sentence statistics of its speaker (share of words, question rate, turn length)
    and the length of its own turn.

    A chair (moderator, journalist) asks many questions in short turns; this is how the
    summariser tells them apart without a list of names.
    """
    turns = cands.turns()
    turn_words: dict[tuple, float] = defaultdict(float)
    by_speaker: dict[str, list[int]] = defaultdict(list)
    for i, key in enumerate(turns):
        turn_words[key] += cands.words[i]
        by_speaker[cands.passages[cands.spans[i][0]].speaker or ""].append(i)
    total = max(cands.words.sum(), 1.0)
    share, q_rate, mean_turn = (np.zeros(len(cands)) for _ in range(3))
    for idx in by_speaker.values():
        words = cands.words[idx].sum()
        share[idx] = words / total
        q_rate[idx] = question[idx].mean()
        mean_turn[idx] = np.log1p(words / len({turns[i] for i in idx}))
    own_turn = np.log1p([turn_words[key] for key in turns])
    return {"share": share, "q_rate": q_rate, "mean_turn": mean_turn, "own_turn": own_turn}


def _turn_positions(cands: Candidates) -> tuple[np.ndarray, np.ndarray]:
    """Whether a sentence opens its speaker turn, and its relative place in the turn."""
    turns = cands.turns()
    first = np.array([i == 0 or turns[i] != turns[i - 1] for i in range(len(turns))], dtype=float)
    sizes = Counter(turns)
    seen: Counter = Counter()
    rel = np.zeros(len(turns))
    for i, key in enumerate(turns):
        rel[i] = seen[key] / max(sizes[key] - 1, 1)
        seen[key] += 1
    return first, rel


def _lexical(cands: Candidates) -> dict[str, np.ndarray]:
    cues, pronouns = _lexicon()
    rows = defaultdict(list)
    for (k, a, b), sent in zip(cands.spans, cands.sents, strict=True):
        passage = cands.passages[k]
        alpha = [t for t in sent if t.is_alpha]
        lower = sent.text.lower()
        removed = sum(min(y, b) - max(x, a) for x, y in passage.removed if x < b and y > a)
        rows["number"].append(float(any(t.like_num or t.is_digit for t in sent)))
        rows["entities"].append(float(len(sent.ents) > 0))
        rows["content_ratio"].append(
            sum(not t.is_stop for t in alpha) / len(alpha) if alpha else 0.0
        )
        rows["filler_ratio"].append(removed / max(b - a, 1))
        for name, forms in pronouns.items():
            rows[name].append(float(any(t.lower_ in forms for t in sent)))
        for name, pattern in cues.items():
            rows[f"cue_{name}"].append(float(bool(pattern.search(lower))))
    return {name: np.array(values) for name, values in rows.items()}


def sentence_features(cands: Candidates, tfidf: np.ndarray, sim: np.ndarray) -> np.ndarray:
    """One row per candidate sentence, columns in the order of ``FEATURES``.

    Parameters
    ----------
    cands : Candidates
        The transcript's sentences.
    tfidf : ndarray
        Their L2-normalised TF-IDF rows (``tfidf_matrix``).
    sim : ndarray
        Their cosine similarities (``similarity_matrix``).

    Returns
    -------
    ndarray of shape (len(cands), len(FEATURES))
    """
    n = len(cands)
    if n == 0:
        return np.zeros((0, len(FEATURES)))
    position = np.arange(n) / max(n - 1, 1)
    question = np.array([cands.text(i).rstrip().endswith("?") for i in range(n)], dtype=float)
    first_of_turn, position_in_turn = _turn_positions(cands)
    speaker = _speaker_stats(cands, question)
    vectors = np.array([sent.vector for sent in cands.sents])
    lexical = _lexical(cands)
    moderation = np.array([cands.passages[k].kind == "moderation" for k, _, _ in cands.spans])
    columns = {
        "position": position,
        "position_sq": position**2,
        "first_sentence": (np.arange(n) == 0).astype(float),
        "first_of_turn": first_of_turn,
        "position_in_turn": position_in_turn,
        "log_words": np.log1p(cands.words),
        "short": (cands.words <= 4).astype(float),
        "question": question,
        "textrank": np.log(pagerank(sim) * n),
        "mean_similarity": sim.sum(axis=1) / max(n - 1, 1),
        "centroid_similarity": _cosine_to_mean(tfidf),
        "vector_similarity": _cosine_to_mean(vectors) if vectors.ndim == 2 else np.zeros(n),
        "log_turn_words": speaker["own_turn"],
        "speaker_word_share": speaker["share"],
        # A passage the programme marks as moderation is a pure chair's; otherwise the
        # speaker's share of questions says how much of a chair they are.
        "chair": np.where(moderation, 1.0, speaker["q_rate"]),
        "speaker_log_turn_words": speaker["mean_turn"],
        **lexical,
    }
    return np.column_stack([columns[name] for name in FEATURES])
