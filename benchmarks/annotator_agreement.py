"""Agreement between two annotators of recommendation sentences, on the same sentences.

Usage::

    .venv/bin/python benchmarks/annotator_agreement.py

``data/gold/recommendations-fredsum-second.jsonl`` holds a second, independent annotation of
every sentence of six FREDSum transcripts of ``recommendations-fredsum.jsonl`` (made with the
same guideline, without seeing the first labels or the detector). Sentences are matched by file
and character span. Printed: the second annotator scored against the first (precision, recall,
F1, as the detector is scored), Cohen's kappa, and the count per file. It is the ceiling the
detection figures should be read against: a detector cannot be expected to agree with the gold
better than a second careful reader does.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path

from omap_synthesis.recommend_eval import read_gold

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "data" / "gold"


def read(path: Path) -> dict[tuple[str, int, int], int]:
    return {(r["file"], r["start_char"], r["end_char"]): r["label"] for r in read_gold(path)}


def scores(first: list[int], second: list[int]) -> tuple[float, float, float, float]:
    """Precision, recall and F1 of ``second`` against ``first``, and Cohen's kappa."""
    n = len(first)
    both = sum(a and b for a, b in zip(first, second, strict=True))
    precision = both / sum(second) if sum(second) else 0.0
    recall = both / sum(first) if sum(first) else 0.0
    f1 = 2 * both / (sum(first) + sum(second)) if both else 0.0
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / n
    p1, p2 = sum(first) / n, sum(second) / n
    expected = p1 * p2 + (1 - p1) * (1 - p2)
    kappa = (observed - expected) / (1 - expected) if expected < 1 else 1.0
    return precision, recall, f1, kappa


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--first", type=Path, default=GOLD / "recommendations-fredsum.jsonl")
    parser.add_argument(
        "--second", type=Path, default=GOLD / "recommendations-fredsum-second.jsonl"
    )
    args = parser.parse_args()
    first, second = read(args.first), read(args.second)
    missing = sorted(set(second) - set(first))
    if missing:
        raise SystemExit(f"{len(missing)} phrase(s) de {args.second.name} absentes de la première")
    keys = sorted(second)
    a, b = [first[k] for k in keys], [second[k] for k in keys]
    precision, recall, f1, kappa = scores(a, b)
    print(f"{len(keys)} sentences, {len({k[0] for k in keys})} transcripts")
    both = sum(x and y for x, y in zip(a, b, strict=True))
    print(f"positives: first {sum(a)}, second {sum(b)}, both {both}")
    print(
        f"second against first: P {precision:.3f} R {recall:.3f} F1 {f1:.3f}; "
        f"Cohen's kappa {kappa:.3f}"
    )
    per_file: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for k, x, y in zip(keys, a, b, strict=True):
        per_file[k[0]].append((x, y))
    for name, pairs in sorted(per_file.items()):
        agreed = sum(x and y for x, y in pairs)
        print(
            f"  {name}: {len(pairs)} sentences, first {sum(x for x, _ in pairs)}, "
            f"second {sum(y for _, y in pairs)}, both {agreed}"
        )


if __name__ == "__main__":
    main()
