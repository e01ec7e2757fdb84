"""FREDSum-style evaluation data: segments, their two extractive references, and sentence labels.

A FREDSum folder holds ``transcript/<Debate>--<Part>.txt`` and, for each annotator,
``summary_extractive/<k>/<same name>``. The references are compared without speaker tags and
the word budget of a segment is the mean length of its two extracts (see BENCHMARKS.md).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from omap_synthesis.errors import InputError
from omap_synthesis.ingest import ingest_file
from omap_synthesis.models import Passage
from omap_synthesis.nlp import parse_passages
from omap_synthesis.rouge import RougeScores, mean_scores, rouge, strip_speaker_tags, tokenize
from omap_synthesis.summarize import lead, summarize, textrank
from omap_synthesis.summary_features import (
    Candidates,
    candidates,
    sentence_features,
    similarity_matrix,
    tfidf_matrix,
)

ANNOTATORS = ("1", "2")


@dataclass(frozen=True)
class Segment:
    """One debate segment with its two human extracts (speaker tags removed)."""

    name: str
    transcript: Path
    references: tuple[str, ...]

    @property
    def debate(self) -> str:
        return debate_of(self.name)

    @property
    def budget(self) -> float:
        """Mean word count of the human extracts."""
        return float(np.mean([len(tokenize(ref)) for ref in self.references]))


def transcript_dir(directory: str | Path) -> Path:
    """The ``transcript/`` folder of a FREDSum copy (an ``InputError`` says what is missing)."""
    directory = Path(directory)
    if not directory.is_dir():
        what = "c'est un fichier ; un dossier est attendu" if directory.exists() else None
        raise InputError(directory, what or "dossier introuvable")
    if not (directory / "transcript").is_dir():
        raise InputError(directory, "dossier FREDSum sans sous-dossier « transcript »")
    return directory / "transcript"


def debate_of(name: str) -> str:
    """The debate a segment belongs to: its file name before ``--``.

    Examples
    --------
    >>> debate_of("Chirac_Jospin--Partie_1_Institutions.txt")
    'Chirac_Jospin'
    """
    return Path(name).stem.split("--")[0]


def load_segments(
    directory: str | Path, names: list[str] | None = None, skipped: dict[str, str] | None = None
) -> list[Segment]:
    """Segments of a FREDSum folder that have a transcript and both extractive summaries.

    Parameters
    ----------
    directory : path
        Folder holding ``transcript/`` and ``summary_extractive/1`` and ``/2``.
    names : list of str, optional
        File names or stems to keep, in this order.
    skipped : dict, optional
        Filled with the segments left out (stem → reason, in French): a summary missing,
        empty or unreadable.

    Returns
    -------
    list of Segment

    Raises
    ------
    InputError
        No ``transcript/`` folder, an unknown name, or no segment with both extracts.
    """
    transcripts = transcript_dir(directory)
    available = {p.stem: p for p in sorted(transcripts.glob("*.txt"))}
    wanted = list(available) if names is None else [Path(n).stem for n in names]
    unknown = [n for n in wanted if n not in available]
    if unknown:
        raise InputError(directory, f"segment(s) introuvable(s) : {', '.join(unknown)}")
    segments = []
    skipped = {} if skipped is None else skipped
    for stem in wanted:
        refs = [directory / "summary_extractive" / k / f"{stem}.txt" for k in ANNOTATORS]
        try:
            texts = tuple(strip_speaker_tags(ref.read_text(encoding="utf-8")) for ref in refs)
        except FileNotFoundError as exc:
            skipped[stem] = f"pas de résumé extractif {Path(exc.filename).parent.name}"
            continue
        except (OSError, UnicodeDecodeError):
            skipped[stem] = "un résumé extractif est illisible (pas du texte UTF-8)"
            continue
        empty = [k for k, text in zip(ANNOTATORS, texts, strict=True) if not text.strip()]
        if empty:
            skipped[stem] = f"le résumé extractif {empty[0]} est vide"
            continue
        segments.append(Segment(stem, available[stem], texts))
    if not segments:
        raise InputError(directory, "aucun segment avec ses deux résumés extractifs")
    return segments


def split_debates(debates: list[str], fraction: float = 0.25, seed: int = 0) -> list[str]:
    """Debates held out for validation: a seeded shuffle, taken until ``fraction`` of segments.

    ``debates`` has one entry per segment, so the fraction counts segments, not debates.
    """
    order = sorted(set(debates))
    random.Random(seed).shuffle(order)
    held, count = [], 0
    for debate in order:
        if count >= fraction * len(debates):
            break
        held.append(debate)
        count += debates.count(debate)
    return sorted(held)


def _ngram_set(lines: list[list[str]], n: int) -> set[tuple[str, ...]]:
    return {gram for line in lines for gram in zip(*(line[i:] for i in range(n)), strict=False)}


def sentence_labels(sentences: list[str], references: tuple[str, ...], n: int = 3) -> np.ndarray:
    """How much of each sentence the annotators copied, averaged over annotators, in [0, 1].

    For one annotator, a sentence scores the share of its token ``n``-grams (shorter sentences:
    the whole sentence) found in the extract: annotators often copy part of a sentence, and
    ``n``-grams, unlike single words, are not shared by chance.

    Examples
    --------
    >>> sentence_labels(["Il faut agir vite.", "Bonsoir."], ("il faut agir vite",)).tolist()
    [1.0, 0.0]
    """
    tokens = [tokenize(s) for s in sentences]
    labels = np.zeros(len(sentences))
    for reference in references:
        lines = [tokenize(line) for line in reference.split("\n")]
        grams = {k: _ngram_set(lines, k) for k in range(1, n + 1)}
        for i, sent in enumerate(tokens):
            if not sent:
                continue
            k = min(n, len(sent))
            own = list(zip(*(sent[j:] for j in range(k)), strict=False))
            labels[i] += sum(g in grams[k] for g in own) / len(own) / len(references)
    return labels


SPLITS = ("tout", "validation", "apprentissage")


def select_split(segments: list[Segment], split: str, heldout: list[str]) -> list[Segment]:
    """Segments of a split: ``tout`` (every one), ``validation`` (the ``heldout`` debates) or
    ``apprentissage`` (the others)."""
    if split not in SPLITS:
        raise ValueError(f"partie inconnue « {split} » (choix : {', '.join(SPLITS)})")
    if split == "tout":
        return segments
    keep = split == "validation"
    return [s for s in segments if (s.debate in heldout) == keep]


@dataclass(frozen=True)
class SegmentData:
    """A segment ready for training or evaluation: its candidate sentences and their features."""

    segment: Segment
    cands: Candidates
    features: np.ndarray
    sim: np.ndarray

    @property
    def budget(self) -> int:
        """The mean length of the extracts, rounded up: an integer total reaches one exactly
        when it reaches the other."""
        return max(1, math.ceil(self.segment.budget))

    def labels(self) -> np.ndarray:
        texts = [self.cands.text(i) for i in range(len(self.cands))]
        return sentence_labels(texts, self.segment.references)


def prepare(segment: Segment, nlp) -> tuple[list[Passage], dict, SegmentData]:
    """Read, clean and parse a segment's transcript as the ``summarize`` command does."""
    passages = ingest_file(segment.transcript).passages
    docs = parse_passages(nlp, passages)
    cands = candidates(passages, docs)
    tfidf = tfidf_matrix(cands)
    sim = similarity_matrix(tfidf)
    return passages, docs, SegmentData(segment, cands, sentence_features(cands, tfidf, sim), sim)


SYSTEMS = {"lead": lead, "textrank": textrank, "omap-synthesis": summarize}


@dataclass(frozen=True)
class Evaluation:
    """Mean ROUGE F1 of each system (and of the two annotators against each other)."""

    segments: tuple[str, ...]
    scores: dict[str, RougeScores]
    per_segment: dict[str, dict[str, RougeScores]]


def score_summary(text: str, references: tuple[str, ...]) -> RougeScores:
    """ROUGE F1 of ``text`` averaged over the references."""
    return mean_scores([rouge(text, ref) for ref in references])


def evaluate(segments: list[Segment], nlp, systems: dict | None = None) -> Evaluation:
    """Summarise every segment with every system at the segment's budget and score it.

    Parameters
    ----------
    segments : list of Segment
    nlp : Language
        The pipeline that parses the transcripts (through the on-disk cache).
    systems : dict, optional
        ``{name: function(passages, docs, words)}``; by default lead, TextRank and the
        project's summariser.

    Returns
    -------
    Evaluation
        Mean ROUGE F1 per system, plus ``humain``: annotator 1 against annotator 2 (F1 is
        symmetric), the ceiling a system can hope for.
    """
    systems = SYSTEMS if systems is None else systems
    per_segment: dict[str, dict[str, RougeScores]] = {}
    for segment in segments:
        passages, docs, data = prepare(segment, nlp)
        row = {}
        for name, system in systems.items():
            sentences = system(passages, docs, data.budget)
            row[name] = score_summary("\n".join(s.text for s in sentences), segment.references)
        row["humain"] = rouge(*segment.references[:2])
        per_segment[segment.name] = row
    names = [*systems, "humain"]
    scores = {n: mean_scores([row[n] for row in per_segment.values()]) for n in names}
    return Evaluation(tuple(per_segment), scores, per_segment)
