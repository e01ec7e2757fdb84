"""Retrain the extractive summariser's sentence scorer on FREDSum and write its JSON parameters.

Usage: python benchmarks/train_summarizer.py FREDSUM_DIR

Writes omap_synthesis/resources/summarizer.json.

The debates are split once (seeded) into a training part and a held-out part; the held-out
debates are never seen while fitting or tuning: the regularisation and the selection parameters
are chosen by grouped cross-validation (by debate) inside the training part. The script prints
the cross-validation table, then lead, TextRank and the new scorer side by side on the held-out
part and on the whole split.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.model_selection import GroupKFold

from omap_synthesis import fredsum, summarize
from omap_synthesis.config import SEED
from omap_synthesis.nlp import load_nlp
from omap_synthesis.summary_features import FEATURES

GRID_C = (0.1, 1.0)
GRID_REDUNDANCY = (0.0, 0.1, 0.2, 0.3)
GRID_LENGTH = (-0.5, -0.25, 0.0)
HELDOUT_FRACTION = 0.25
FOLDS = 5
ATTRIBUTION = (
    "Trained on the FREDSum development segments (Rennard, Shang, Grari, Hunter, Vazirgiannis "
    "(2023), FREDSum: A Dialogue Summarization Corpus for French Political Debates, Findings of "
    "EMNLP 2023; linagora-labs/FREDSum), licence CC BY-SA 4.0."
)


def _rouge2(data: fredsum.SegmentData, chosen: list[int]) -> float:
    text = "\n".join(data.cands.text(i) for i in chosen)
    return fredsum.score_summary(text, data.segment.references).rouge2


def cross_validate(train: list[fredsum.SegmentData], labels: list[np.ndarray]) -> dict:
    """Mean ROUGE-2 of every grid point, folds grouped by debate."""
    groups = [d.segment.debate for d in train]
    results: dict[tuple, list[float]] = {}
    for c in GRID_C:
        for fit_idx, test_idx in GroupKFold(FOLDS).split(train, groups=groups):
            scorer = summarize.SentenceScorer(C=c, random_state=SEED).fit(
                np.vstack([train[i].features for i in fit_idx]),
                np.concatenate([labels[i] for i in fit_idx]),
            )
            for i in test_idx:
                data = train[i]
                scores = scorer.predict_proba_positive(data.features)
                for red, exp in itertools.product(GRID_REDUNDANCY, GRID_LENGTH):
                    chosen = summarize.select(
                        scores, data.cands.words, data.budget, data.sim, red, exp
                    )
                    results.setdefault((c, red, exp), []).append(_rouge2(data, chosen))
    return {key: float(np.mean(values)) for key, values in results.items()}


def _print_evaluation(title: str, evaluation: fredsum.Evaluation) -> None:
    print(f"\n{title} ({len(evaluation.segments)} segments)")
    print(f"{'system':16s} ROUGE-1 ROUGE-2 ROUGE-L")
    for name, s in evaluation.scores.items():
        print(f"{name:16s} {s.rouge1:7.3f} {s.rouge2:7.3f} {s.rougeL:7.3f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "fredsum", type=Path, help="FREDSum folder (transcript/, summary_extractive/)"
    )
    args = parser.parse_args(argv)

    nlp = load_nlp()
    segments = fredsum.load_segments(args.fredsum)
    heldout = fredsum.split_debates([s.debate for s in segments], HELDOUT_FRACTION, SEED)
    train = [fredsum.prepare(s, nlp)[2] for s in segments if s.debate not in heldout]
    labels = [d.labels() for d in train]
    print(
        f"training: {len(train)} segments; held out: {len(segments) - len(train)} segments "
        f"of {', '.join(heldout)}",
        file=sys.stderr,
    )

    cv = cross_validate(train, labels)
    print(f"{'C':>5s} {'redundancy':>10s} {'length':>7s} CV ROUGE-2")
    for (c, red, exp), value in sorted(cv.items()):
        print(f"{c:5.2f} {red:10.2f} {exp:7.2f} {value:.4f}")
    best = max(cv, key=lambda k: (cv[k], -k[1], k[2]))
    c, red, exp = best
    print(f"chosen: C={c}, redundancy={red}, length_exponent={exp} (CV ROUGE-2 {cv[best]:.4f})")

    scorer = summarize.SentenceScorer(C=c, random_state=SEED).fit(
        np.vstack([d.features for d in train]), np.concatenate(labels)
    )
    model = {
        "features": list(FEATURES),
        "scorer": scorer.to_dict(),
        "selection": {"redundancy": red, "length_exponent": exp},
        "training": {
            "heldout_debates": heldout,
            "train_debates": sorted({d.segment.debate for d in train}),
            "train_segments": len(train),
            "cv_folds": FOLDS,
            "cv_rouge2": round(cv[best], 4),
            "seed": SEED,
        },
        "source": ATTRIBUTION,
    }
    summarize.MODEL_PATH.write_text(
        json.dumps(model, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(f"written: {summarize.MODEL_PATH}", file=sys.stderr)

    summarize.load_model.cache_clear()
    held = fredsum.select_split(segments, "validation", heldout)
    _print_evaluation("held-out debates", fredsum.evaluate(held, nlp))
    _print_evaluation("whole development split", fredsum.evaluate(segments, nlp))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
