"""ROUGE-1/2/L F1 as the project's benchmark defines it.

Tokens are lower-cased ``\\w+`` runs (accented letters kept, no stemming, no stop-word removal).
``rouge-score``'s default tokenizer would drop every accented letter of French, hence this module.
ROUGE-L is the longest common subsequence of the two whole token sequences.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from omap_synthesis.readers import split_speaker_tag

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class RougeScores:
    """F1 of ROUGE-1, ROUGE-2 and ROUGE-L."""

    rouge1: float
    rouge2: float
    rougeL: float  # noqa: N815 - the metric's usual name

    def as_dict(self) -> dict[str, float]:
        return {"rouge1": self.rouge1, "rouge2": self.rouge2, "rougeL": self.rougeL}


def tokenize(text: str) -> list[str]:
    """Lower-cased ``\\w+`` runs.

    Examples
    --------
    >>> tokenize("L'État, c'est élevé !")
    ['l', 'état', 'c', 'est', 'élevé']
    """
    return _WORD.findall(text.lower())


def strip_speaker_tags(text: str) -> str:
    """Remove the speaker tag (``Name : ``, ``P1:``) opening any line.

    Examples
    --------
    >>> strip_speaker_tags("P1 : Bonsoir.\\nJordan Bardella :oui, bien sûr.")
    'Bonsoir.\\noui, bien sûr.'
    """
    lines = []
    for line in text.split("\n"):
        tag = split_speaker_tag(line.lstrip())
        lines.append(line.lstrip()[tag[2] :] if tag else line)
    return "\n".join(lines)


def _f1(overlap: int, n_candidate: int, n_reference: int) -> float:
    if overlap == 0 or n_candidate == 0 or n_reference == 0:
        return 0.0
    precision, recall = overlap / n_candidate, overlap / n_reference
    return 2 * precision * recall / (precision + recall)


def _ngrams(tokens: list[str], n: int) -> Counter:
    return Counter(zip(*(tokens[i:] for i in range(n)), strict=False))


def rouge_n(candidate: list[str], reference: list[str], n: int) -> float:
    """ROUGE-N F1 with clipped n-gram counts."""
    cand, ref = _ngrams(candidate, n), _ngrams(reference, n)
    overlap = sum((cand & ref).values())
    return _f1(overlap, sum(cand.values()), sum(ref.values()))


def lcs_length(a: list[str], b: list[str]) -> int:
    """Length of the longest common subsequence of two token lists.

    Bit-parallel (Hyyrö 2004): one big-integer step per token of ``a``, so two 2,000-token
    texts cost milliseconds where the quadratic table would cost seconds in Python.
    """
    if not a or not b:
        return 0
    masks: dict[str, int] = {}
    for j, token in enumerate(b):
        masks[token] = masks.get(token, 0) | (1 << j)
    full = (1 << len(b)) - 1
    v = full
    for token in a:
        u = v & masks.get(token, 0)
        v = ((v + u) | (v - u)) & full
    return len(b) - v.bit_count()


def rouge_l(candidate: list[str], reference: list[str]) -> float:
    """ROUGE-L F1 over the two whole token sequences."""
    return _f1(lcs_length(candidate, reference), len(candidate), len(reference))


def rouge(candidate: str, reference: str) -> RougeScores:
    """ROUGE-1/2/L F1 of ``candidate`` against ``reference`` (texts, tokenised here).

    Examples
    --------
    >>> rouge("le chat dort", "le chat dort bien").rouge1
    0.8571428571428571
    """
    cand, ref = tokenize(candidate), tokenize(reference)
    return RougeScores(rouge_n(cand, ref, 1), rouge_n(cand, ref, 2), rouge_l(cand, ref))


def mean_scores(scores: list[RougeScores]) -> RougeScores:
    """Arithmetic mean of each measure (zeros for an empty list)."""
    if not scores:
        return RougeScores(0.0, 0.0, 0.0)
    n = len(scores)
    return RougeScores(
        sum(s.rouge1 for s in scores) / n,
        sum(s.rouge2 for s in scores) / n,
        sum(s.rougeL for s in scores) / n,
    )
