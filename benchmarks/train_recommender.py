"""Retrain the recommendation classifier on the ``tune`` side of the gold, write its JSON.

Usage::

    .venv/bin/python benchmarks/train_recommender.py --fredsum ../shared/data/fredsum-dev/transcript

Only the rows whose ``split`` is ``tune`` are read (the ``heldout`` rows are never parsed here).
The regularisation C, the class weighting and the decision threshold are chosen by
cross-validation grouped by transcript (no transcript is in both the training and the
validation folds); the figures of that cross-validation are printed and kept in the JSON.
Deterministic: liblinear with a fixed ``random_state``, folds from sorted file names.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression

from omap_synthesis.config import RESOURCES_DIR
from omap_synthesis.deontic import RecommendationDetector
from omap_synthesis.nlp import load_nlp, parse_passages
from omap_synthesis.recommend import sentences
from omap_synthesis.recommend_eval import read_gold, transcripts
from omap_synthesis.recommend_model import MODEL_FILE, feature_names, sentence_features

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "data" / "gold"
GRID_C = (0.03, 0.1, 0.3, 1.0, 3.0)
GRID_WEIGHT = ("balanced", None)
GRID_BAG = (False, True)
# A word becomes a feature when it occurs in the sentences of at least this many transcripts.
MIN_FILES = 4
FOLDS = 5


def load_rows(gold_file: Path, directory: Path, nlp, detector) -> list[dict]:
    """Tune rows with the features of the parsed sentence they fall on."""
    rows = [r for r in read_gold(gold_file) if r.get("split") == "tune"]
    found, missing = transcripts(directory, {r["file"] for r in rows})
    if missing:
        print(f"introuvables : {', '.join(missing)}", file=sys.stderr)
    out = []
    for name, (passages, _) in sorted(found.items()):
        spoken = [p for p in passages if p.kind != "moderation"]
        docs = parse_passages(nlp, spoken)
        sents = list(sentences(spoken, docs))
        for row in (r for r in rows if r["file"] == name):
            best = max(
                sents,
                key=lambda s: (
                    min(s.end_char, row["end_char"]) - max(s.start_char, row["start_char"])
                ),
                default=None,
            )
            if (
                best is None
                or best.end_char <= row["start_char"]
                or best.start_char >= row["end_char"]
            ):
                continue  # a moderation turn, or a sentence the reader no longer exposes
            feats = sentence_features(best.span, detector)
            out.append(
                {
                    "file": name,
                    "set": gold_file.stem,
                    "label": row["label"],
                    "feats": feats,
                    "rule": bool(detector.sentence_cues(best.span)),
                    "text": row["sentence"],
                }
            )
    return out


def prf(y: np.ndarray, p: np.ndarray) -> tuple[float, float, float]:
    tp = int((y & p).sum())
    precision = tp / p.sum() if p.sum() else 0.0
    recall = tp / y.sum() if y.sum() else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def folds(groups: list[str]) -> list[np.ndarray]:
    """Files dealt round-robin, in sorted order, into ``FOLDS`` validation folds."""
    names = sorted(set(groups))
    fold_of = {name: k % FOLDS for k, name in enumerate(names)}
    index = np.array([fold_of[g] for g in groups])
    return [np.flatnonzero(index == k) for k in range(FOLDS)]


def model(c: float, weight) -> LogisticRegression:
    return LogisticRegression(
        C=c, class_weight=weight, solver="liblinear", random_state=0, max_iter=1000
    )


def out_of_fold(x, y, groups, c, weight) -> np.ndarray:
    scores = np.zeros(len(y))
    for test in folds(groups):
        train = np.setdiff1d(np.arange(len(y)), test)
        scores[test] = model(c, weight).fit(x[train], y[train]).predict_proba(x[test])[:, 1]
    return scores


def best_threshold(y, scores) -> tuple[float, float]:
    """The threshold of highest out-of-fold F1 (the higher one on ties: precision first)."""
    f1, t = max((prf(y, scores >= t)[2], t) for t in np.round(np.arange(0.2, 0.95, 0.01), 2))
    return float(t), f1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fredsum", required=True, type=Path, help="dossier des transcriptions")
    parser.add_argument("--event", type=Path, default=ROOT / "data" / "omap-2022-10-20")
    parser.add_argument("--out", type=Path, default=RESOURCES_DIR / MODEL_FILE)
    args = parser.parse_args()
    nlp, detector = load_nlp(), RecommendationDetector()
    rows = load_rows(GOLD / "recommendations-fredsum.jsonl", args.fredsum, nlp, detector)
    rows += load_rows(GOLD / "recommendations-omap.jsonl", args.event, nlp, detector)
    y = np.array([bool(r["label"]) for r in rows])
    files_of: dict[str, set[str]] = {}
    for r in rows:
        for name in r["feats"]:
            if name.startswith("w:"):
                files_of.setdefault(name, set()).add(r["file"])
    vocabulary = sorted(n for n, files in files_of.items() if len(files) >= MIN_FILES)
    matrices = {
        bag: np.array([[r["feats"].get(n, 0.0) for n in names] for r in rows])
        for bag, names in (
            (False, list(feature_names())),
            (True, list(feature_names()) + vocabulary),
        )
    }
    groups = [r["file"] for r in rows]
    sets = np.array([r["set"] for r in rows])
    rules = np.array([r["rule"] for r in rows])

    best = None
    for bag in GRID_BAG:
        for c in GRID_C:
            for weight in GRID_WEIGHT:
                scores = out_of_fold(matrices[bag], y, groups, c, weight)
                t, f1 = best_threshold(y, scores)
                print(
                    f"mots={bag!s:<5} C={c:<5} poids={weight!s:<9} seuil={t:.2f} F1 CV={f1:.3f}",
                    file=sys.stderr,
                )
                if best is None or f1 > best[0] + 1e-9:
                    best = (f1, bag, c, weight, t, scores)
    _, bag, c, weight, threshold, scores = best
    x = matrices[bag]
    names = list(feature_names()) + (vocabulary if bag else [])
    cv = {}
    for name in sorted(set(sets)):
        mask = sets == name
        p, r, f = prf(y[mask], scores[mask] >= threshold)
        rp, rr, rf = prf(y[mask], rules[mask])
        cv[name] = {
            "sentences": int(mask.sum()),
            "positives": int(y[mask].sum()),
            "model": {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3)},
            "rules": {"precision": round(rp, 3), "recall": round(rr, 3), "f1": round(rf, 3)},
        }
    final = model(c, weight).fit(x, y)
    data = {
        "description": "Régression logistique : phrase de recommandation ou non "
        "(benchmarks/train_recommender.py).",
        "features": names,
        "coef": [round(float(v), 6) for v in final.coef_[0]],
        "intercept": round(float(final.intercept_[0]), 6),
        "threshold": threshold,
        "words": bag,
        "C": c,
        "class_weight": weight,
        "trained_on": sorted(set(groups)),
        "cross_validation": {"folds": FOLDS, "grouped_by": "file", "scores": cv},
        "sklearn": sklearn.__version__,
    }
    args.out.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    summary = {"words": bag, "C": c, "class_weight": weight, "threshold": threshold, "cv": cv}
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
