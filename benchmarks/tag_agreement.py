"""Agreement between two annotators of the sample event's objectives, on the same passages.

Usage::

    .venv/bin/python benchmarks/tag_agreement.py

``data/gold/tagging-omap-second.jsonl`` is a second, independent annotation (``id``,
``labels``) of the passages of the tuning half of ``data/gold/tagging-omap.jsonl``, made with
the same guideline and codebook without seeing the first labels or the tagger. The second
annotation is scored against the first with the tagger's own measure (macro-F1 over the
objectives and over the sub-themes, per-label figures and « hors objectifs »): the ceiling the
tagging figures should be read against.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from omap_synthesis.event import load_codebook, load_event
from omap_synthesis.tag_eval import closure, evaluate, read_gold

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--first", type=Path, default=ROOT / "data/gold/tagging-omap.jsonl")
    parser.add_argument("--second", type=Path, default=ROOT / "data/gold/tagging-omap-second.jsonl")
    parser.add_argument("--event", type=Path, default=ROOT / "data/omap-2022-10-20")
    args = parser.parse_args()
    book = load_codebook(args.event / load_event(args.event).codebook)
    second = {}
    for line in args.second.read_text(encoding="utf-8").split("\n"):
        if line.strip():
            row = json.loads(line)
            second[row["id"]] = closure(row["labels"], book)
    first = {i.id: closure(i.labels, book) for i in read_gold(args.first, book) if i.id in second}
    missing = sorted(set(second) - set(first))
    if missing:
        raise SystemExit(f"{len(missing)} passage(s) absents de {args.first.name} : {missing[:3]}")
    ids = sorted(second)
    result = evaluate([first[k] for k in ids], [second[k] for k in ids], book)
    print(f"{len(ids)} passages annotated twice")
    print(
        f"second against first, macro-F1: objectives {result.macro_top.f1:.3f}, "
        f"sub-themes {result.macro_sub.f1:.3f}"
    )
    for row in (*result.labels, result.none):
        f1 = "—" if row.f1 is None else f"{row.f1:.3f}"
        print(f"  {row.label:<15} F1 {f1}  (first {row.support}, second {row.predicted})")


if __name__ == "__main__":
    main()
