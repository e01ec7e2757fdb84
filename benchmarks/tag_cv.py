"""Nested cross-validation of the tagger's parameters, by talk, on the tuning half of the gold.

Usage::

    .venv/bin/python benchmarks/tag_cv.py [--gold data/gold/tagging-omap.jsonl \
        data/gold/tagging-omap-fresh.jsonl]

The held-out half of each gold file keeps its texts (they lend context to their neighbours, as
in a real run) but its labels are never used: it is never scored here. Each file is tagged on
its own (its passages are its corpus, as one event's are); the folds pool the files by talk.
For each talk of the tuning half, the parameter setting of the grid with the best macro-F1
(objectives + sub-themes) on the *other* tuning talks tags that talk; the figures are those
out-of-talk predictions. Ties go to the shipped defaults. The shipped defaults scored on the
whole tuning half (an in-sample figure, since they were chosen there) are printed beside.
"""

from __future__ import annotations

import argparse
import itertools
from pathlib import Path

from omap_synthesis.event import load_codebook, load_event
from omap_synthesis.nlp import parse
from omap_synthesis.tag import CodebookTagger
from omap_synthesis.tag_eval import closure, evaluate, read_gold
from omap_synthesis.tag_index import pipeline

ROOT = Path(__file__).resolve().parent.parent
TUNING = "tuning"
# Parameters of the decision (the components of a passage do not depend on them).
GRID = {
    "threshold": (0.5, 0.55, 0.6, 0.65, 0.7),
    "prior_weight": (1, 2, 3, 4),
    "off_prior_weight": (0.25, 0.5, 0.75),
    "context_weight": (0.15, 0.3, 0.45),
    "similarity_weight": (0.3, 0.5, 0.7),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--gold",
        type=Path,
        nargs="+",
        default=[ROOT / "data/gold/tagging-omap.jsonl"],
        help="gold files; each is tagged on its own (its passages are its corpus), folds by talk "
        "pool them",
    )
    parser.add_argument("--event", type=Path, default=ROOT / "data/omap-2022-10-20")
    args = parser.parse_args()
    event = load_event(args.event)
    book = load_codebook(args.event / event.codebook)
    base = CodebookTagger(book)
    settings = [
        dict(zip(GRID, values, strict=True)) for values in itertools.product(*GRID.values())
    ]
    defaults = {name: base.get_params()[name] for name in GRID}
    items, kept = [], [[] for _ in settings]
    for path in args.gold:
        mine = read_gold(path, book)
        docs = parse(pipeline(base.model), [i.text for i in mine])
        comps = [base.components(doc) for doc in docs]
        priors = []
        for i in mine:
            item = event.item(i.talk) if i.talk else None
            priors.append(item.objectives if item is not None else ())
        groups = [i.group for i in mine]
        ids = [str(k) for k in range(len(mine))]
        # Labels kept by each setting for every passage (the components are computed once).
        for index, params in enumerate(settings):
            tagger = CodebookTagger(book, **params)
            kept[index] += [t.labels for t in tagger.tag(docs, ids, priors, groups, comps)]
        items += mine
    # The held-out labels are never kept.
    gold = [list(closure(i.labels, book)) if i.split == TUNING else None for i in items]
    tuning = [k for k, i in enumerate(items) if i.split == TUNING]
    talks = sorted({items[k].talk for k in tuning}, key=str)

    def score(index: int, rows: list[int]) -> float:
        result = evaluate([gold[k] for k in rows], [kept[index][k] for k in rows], book)
        return result.macro_top.f1 + result.macro_sub.f1

    default = settings.index(defaults) if defaults in settings else None
    predicted: dict[int, list[str]] = {}
    chosen = []
    for talk in talks:
        inside = [k for k in tuning if items[k].talk == talk]
        other = [k for k in tuning if items[k].talk != talk]
        best = max(
            range(len(settings)),
            key=lambda s: (round(score(s, other), 6), s == default, -s),
        )
        chosen.append(settings[best])
        predicted.update((k, kept[best][k]) for k in inside)
    nested = evaluate([gold[k] for k in tuning], [predicted[k] for k in tuning], book)
    names = ", ".join(p.name for p in args.gold)
    print(f"gold: {names}, {len(tuning)} tuning passages in {len(talks)} talks")
    print(f"grid: {len(settings)} settings of {', '.join(GRID)}")
    print(
        f"nested CV by talk: objectives {nested.macro_top.f1:.3f}, "
        f"sub-themes {nested.macro_sub.f1:.3f}"
    )
    if default is not None:
        whole = evaluate([gold[k] for k in tuning], [kept[default][k] for k in tuning], book)
        print(
            f"shipped defaults on the whole tuning half (in-sample): objectives "
            f"{whole.macro_top.f1:.3f}, sub-themes {whole.macro_sub.f1:.3f}"
        )
    same = sum(c == defaults for c in chosen)
    print(f"folds whose choice is the shipped defaults: {same} of {len(chosen)}")


if __name__ == "__main__":
    main()
