"""How many of the recommendations the rapporteur reads aloud are recommendations by the gold.

Usage::

    .venv/bin/python benchmarks/read_precision.py [EVENT_DIR] [--gold GOLD.jsonl]

The draft reads the best-ranked recommendations within its word budget and lists the others in
an annex. For each recommendation, its evidence sentences are matched by position to the
sentences of the gold (``recommendations-omap.jsonl`` for the sample event); the script prints
the share labelled 1 among the lead sentences and among all the evidence, read aloud and in the
annex, with the gold split of each (most sentences of the sample event are in ``tune``).
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from omap_synthesis.config import DEFAULT_EVENT_DIR
from omap_synthesis.draft import build_draft
from omap_synthesis.pipeline import DEFAULT_WORDS, analyse_event
from omap_synthesis.recommend_eval import read_gold

ROOT = Path(__file__).resolve().parent.parent


def _label(evidence, gold: list[dict]) -> tuple[int | None, str | None]:
    """Label and split of the gold sentence that overlaps ``evidence`` (``None`` when none)."""
    for row in gold:
        overlap = min(row["end_char"], evidence.end_char) - max(
            row["start_char"], evidence.start_char
        )
        if row["file"] == evidence.source and overlap > 0:
            return row["label"], row["split"]
    return None, None


def _line(name: str, labels: list[tuple[int | None, str | None]]) -> str:
    known = [(label, split) for label, split in labels if label is not None]
    good = sum(label for label, _ in known)
    splits = Counter(split for _, split in known)
    share = f"{good / len(known):.3f}" if known else "—"
    return (
        f"{name}: {good} / {len(known)} = {share} "
        f"(splits {dict(sorted(splits.items()))}; {len(labels) - len(known)} not in the gold)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("event_dir", nargs="?", type=Path, default=DEFAULT_EVENT_DIR)
    parser.add_argument("--gold", type=Path, default=ROOT / "data/gold/recommendations-omap.jsonl")
    args = parser.parse_args()
    result = analyse_event(args.event_dir)
    inputs = result.inputs
    draft = build_draft(inputs, DEFAULT_WORDS)
    read = sum(len(s.items) for s in draft.sections if s.read_aloud)
    gold = read_gold(args.gold)
    ranked = inputs.recommendations
    for name, recs in (("read aloud", ranked[:read]), ("annex", ranked[read:])):
        print(_line(f"{name}, lead sentences", [_label(r.evidence[0], gold) for r in recs]))
        print(_line(f"{name}, all evidence", [_label(e, gold) for r in recs for e in r.evidence]))


if __name__ == "__main__":
    main()
