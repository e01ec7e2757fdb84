"""How far the recommendation classifier's representations can go: out-of-fold figures of richer
models on the training side of the gold, beside the shipped design.

Usage::

    .venv/bin/python benchmarks/recommend_ceiling.py --fredsum ../shared/data/fredsum-dev/transcript

Same rows, features and folds as ``train_recommender.py`` (the held-out splits are never read;
first deal of the files into five folds, grouped by transcript). Each variant is scored on each
gold file at its best-F1 threshold, and by its recall at the highest threshold whose precision
reaches 0.85 (the FREDSum target is precision ≥ 0.85 with F1 ≥ 0.75, so recall ≥ 0.67):

- first stage: the parse features, frequent lemmas and word vectors (the shipped first stage);
- every sentence embedded: the same, plus the multilingual-e5-small embedding of every sentence;
- shipped band: the first stage, with the sentences it scores in ``RESCORE_BAND`` rescored by the
  previous model (what ``run`` does, at a fraction of the embedding time);
- neighbours: every sentence embedded, plus the embeddings of the sentences before and after;
- small network: one hidden layer over the features, word vectors and embedding.

Embedding every training sentence takes about 8 minutes on two cores.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from sklearn.neural_network import MLPClassifier
from train_recommender import (
    GOLD,
    RESCORE_BAND,
    blocks,
    folds,
    load_rows,
    model,
    prf,
)

from omap_synthesis.deontic import RecommendationDetector
from omap_synthesis.embed import embed
from omap_synthesis.nlp import load_nlp

TARGET_PRECISION = 0.85
THRESHOLDS = np.round(np.arange(0.05, 0.99, 0.01), 2)


def out_of_fold(x: np.ndarray, y: np.ndarray, groups: list[str], make) -> np.ndarray:
    scores = np.zeros(len(y))
    for test in folds(groups):
        train = np.setdiff1d(np.arange(len(y)), test)
        scores[test] = make().fit(x[train], y[train]).predict_proba(x[test])[:, 1]
    return scores


def figures(y: np.ndarray, scores: np.ndarray) -> str:
    curve = [(prf(y, scores >= t), t) for t in THRESHOLDS]
    (p, r, f), t = max(curve, key=lambda c: c[0][2])
    precise = [c[0][1] for c in curve if c[0][0] >= TARGET_PRECISION]
    at_target = max(precise, default=0.0)
    return f"P/R/F1 {p:.3f}/{r:.3f}/{f:.3f} (seuil {t:.2f}) ; R à P≥0,85 {at_target:.3f}"


def arguments(description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--fredsum", required=True, type=Path, help="dossier des transcriptions")
    parser.add_argument(
        "--event", type=Path, default=Path(__file__).parent.parent / "data" / "omap-2022-10-20"
    )
    return parser.parse_args()


def gold_rows(args: argparse.Namespace):
    """The training rows of both gold files, their labels, transcripts and gold files, and the
    first stage's feature blocks (scaled)."""
    nlp, detector = load_nlp(), RecommendationDetector()
    rows = load_rows(
        GOLD / "recommendations-fredsum.jsonl",
        args.fredsum,
        nlp,
        detector,
        "recommendations-fredsum",
    )
    rows += load_rows(
        GOLD / "recommendations-omap.jsonl", args.event, nlp, detector, "recommendations-omap"
    )
    columns = {
        name: np.array([[r["feats"].get(n, 0.0) * scale for n in names] for r in rows])
        for name, (names, scale) in blocks(rows).items()
    }
    y = np.array([bool(r["label"]) for r in rows])
    return rows, y, [r["file"] for r in rows], np.array([r["set"] for r in rows]), columns


def report(variants: dict[str, np.ndarray], y: np.ndarray, sets: np.ndarray) -> None:
    for name, scores in variants.items():
        print(name)
        for gold in sorted(set(sets)):
            mask = sets == gold
            print(f"  {gold:<26} {figures(y[mask], scores[mask])}")


def main() -> None:
    rows, y, groups, sets, columns = gold_rows(arguments(__doc__.splitlines()[0]))
    first_x = np.hstack(list(columns.values()))
    vectors = embed([r["span"] for r in rows]).astype(float)
    standard = (vectors - vectors.mean(axis=0)) / vectors.std(axis=0)
    # The gold rows of a file follow its sentences in order.
    before = np.array([k - 1 if k and groups[k - 1] == g else k for k, g in enumerate(groups)])
    after = np.array(
        [k + 1 if k + 1 < len(groups) and groups[k + 1] == g else k for k, g in enumerate(groups)]
    )

    first = out_of_fold(first_x, y, groups, lambda: model(1.0, None))
    every_x = np.hstack([first_x, standard * 0.1])
    every = out_of_fold(every_x, y, groups, lambda: model(0.3, None))
    low, high = RESCORE_BAND
    variants = {
        "premier étage": first,
        "toutes les phrases plongées": every,
        f"bande livrée {low}–{high}": np.where(
            first >= high, 1.0, np.where(first >= low, every, 0.0)
        ),
        "avec les phrases voisines": out_of_fold(
            np.hstack([every_x, standard[before] * 0.05, standard[after] * 0.05]),
            y,
            groups,
            lambda: model(0.3, None),
        ),
        "petit réseau": out_of_fold(
            np.hstack([columns["grammar"], columns["vectors"], standard]),
            y,
            groups,
            lambda: MLPClassifier(
                hidden_layer_sizes=(128,), alpha=0.01, early_stopping=True, random_state=0
            ),
        ),
    }
    report(variants, y, sets)


if __name__ == "__main__":
    main()
