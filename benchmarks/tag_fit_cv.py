"""Does a richer supervised ``fit`` help the tagger? Cross-validation by talk, tuning half only.

Usage::

    .venv/bin/python benchmarks/tag_fit_cv.py [--quick]

The held-out half of ``data/gold/tagging-omap.jsonl`` keeps its texts (they lend context to
their neighbours, as in a real run) but its labels are dropped as each line is read: they are
never kept, printed or scored. Every figure is out of fold, one fold per talk of the tuning half.

Variants (each fold: trained on the tuning passages of the other talks, predicts this talk):

- baselines: the unfitted tagger (defaults, chosen on the whole tuning half, hence an in-sample
  figure), the IDF-only fit, the threshold fit (``tag_eval.cross_val_predict``, the shipped
  ``fit``), and the same threshold fit computed with every passage as context;
- ``stack``: per-label logistic regression on the tagger's own components of the passage
  (term, similarity, corpus, context, own evidence, prior +/-, final score), L2-penalised,
  falling back to the unfitted decision for a label with fewer than ``MIN_POS`` positives;
- ``pooled``: one logistic regression per level (objectives, sub-themes) over all its labels
  (same features, plus a one-hot intercept per label);
- ``+tfidf``: ``stack`` plus a TF-IDF block of the passage's lemmas, scaled by ``alpha`` (an L2
  penalty ``1 / alpha ** 2`` times stronger on it);
- ``blend``: the mean of the fitted probability and the unfitted score.

Each variant is trained two ways: ``infit`` on the components a ``fit(X, y)`` would see (the
training passages alone, as ``cross_val_predict`` does), ``ctx`` on the components of a run over
all passages (the training rows lend and borrow context and corpus votes as at prediction).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.base import clone
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.linear_model import LogisticRegression

from omap_synthesis.clean import flowing
from omap_synthesis.event import load_codebook, load_event
from omap_synthesis.nlp import parse
from omap_synthesis.tag import CodebookTagger, _best_threshold
from omap_synthesis.tag_eval import closure, cross_val_predict, evaluate
from omap_synthesis.tag_index import pipeline

ROOT = Path(__file__).resolve().parent.parent
TUNING = "tuning"
MIN_POS = 8


def read_tuning_gold(path: Path, book) -> list[dict]:
    """Every passage with its text, talk and group; labels only for the tuning half (the other
    lines' labels are dropped as the line is read)."""
    rows = []
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        if not line.strip():
            continue
        data = json.loads(line)
        tuning = data.get("split") == TUNING
        labels = list(closure(data.pop("labels"), book)) if tuning else None
        data.pop("labels", None)
        rows.append(
            {
                "id": str(data["id"]),
                "text": flowing(data.get("text") or ""),
                "talk": None if data.get("talk") is None else str(data["talk"]),
                "group": None if data.get("group") is None else str(data["group"]),
                "tuning": tuning,
                "labels": labels,
            }
        )
    return rows


def features(run) -> np.ndarray:
    """passages × labels × features, from ``CodebookTagger._run`` output."""
    comps, scores, context, prior, corpus = run
    term = np.array([c.term for c in comps])
    sim = np.array([c.similarity for c in comps])
    return np.stack(
        [term, sim, corpus, context, (prior > 0) * 1.0, (prior < 0) * 1.0, scores], axis=2
    )


def lemma_matrix(comps, rows_fit) -> sparse.csr_matrix:
    vec = DictVectorizer()
    tf = vec.fit_transform([{w: 1 + np.log(n) for w, n in c.keys.items()} for c in comps])
    tfidf = TfidfTransformer().fit(tf[rows_fit])
    return tfidf.transform(tf).tocsr()


def residual_logit(F: np.ndarray, offset: np.ndarray, y: np.ndarray, lam: float):
    """Logistic regression ``p = sigmoid(offset + F w + b)``, L2 penalty ``lam`` on ``w`` and
    ``b``: strongly penalised, it stays at the offset (the unfitted decision). Returns a
    function of ``(F, offset)`` giving probabilities."""
    from scipy.optimize import minimize

    mean, scale = F.mean(axis=0), F.std(axis=0) + 1e-6
    Z = (F - mean) / scale
    Z1 = np.hstack([Z, np.ones((len(Z), 1))])

    def loss(theta):
        z = offset + Z1 @ theta
        p = 1 / (1 + np.exp(-z))
        value = np.sum(np.logaddexp(0, z) - y * z) + lam / 2 * theta @ theta
        grad = Z1.T @ (p - y) + lam * theta
        return value, grad

    theta = minimize(loss, np.zeros(Z1.shape[1]), jac=True, method="L-BFGS-B").x

    def proba(F2, offset2):
        Z2 = np.hstack([(F2 - mean) / scale, np.ones((len(F2), 1))])
        return 1 / (1 + np.exp(-(offset2 + Z2 @ theta)))

    return proba


def logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-4, 1 - 1e-4)
    return np.log(p / (1 - p))


def close(keep: np.ndarray, parents) -> np.ndarray:
    keep = keep.copy()
    for i, parent in enumerate(parents):
        if parent >= 0:
            keep[:, parent] |= keep[:, i]
    return keep


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=ROOT / "data/gold/tagging-omap.jsonl")
    parser.add_argument("--event", type=Path, default=ROOT / "data/omap-2022-10-20")
    parser.add_argument("--quick", action="store_true", help="fewer variants (about 5 min)")
    parser.add_argument("--only", default="", help="run only the variants whose family is this")
    args = parser.parse_args()
    t0 = time.time()
    event = load_event(args.event)
    book = load_codebook(args.event / event.codebook)
    rows = read_tuning_gold(args.gold, book)
    base = CodebookTagger(book)
    index = base._index()
    ids = list(index.ids)
    parents = list(index.parents)
    top = np.array([p < 0 for p in parents])
    docs = parse(pipeline(base.model), [r["text"] for r in rows])
    priors = []
    for r in rows:
        item = event.item(r["talk"]) if r["talk"] else None
        priors.append(item.objectives if item is not None else ())
    groups = [r["group"] for r in rows]
    tuning = [k for k, r in enumerate(rows) if r["tuning"]]
    folds = [r["talk"] if r["tuning"] else None for r in rows]
    talks = sorted({folds[k] for k in tuning}, key=str)
    y = [r["labels"] for r in rows]
    truth = np.zeros((len(rows), len(ids)), dtype=int)
    for k in tuning:
        truth[k, [ids.index(x) for x in y[k]]] = 1
    n = len(rows)
    print(f"{len(tuning)} tuning passages in {len(talks)} talks, {n} passages as context")

    results: dict[str, np.ndarray] = {}

    def report(name: str, keep: np.ndarray) -> None:
        results[name] = keep
        gold = [y[k] for k in tuning]
        pred = [[ids[j] for j in np.flatnonzero(keep[k])] for k in tuning]
        e = evaluate(gold, pred, book)
        print(f"{name:<46} objectives {e.macro_top.f1:.3f}  sub-themes {e.macro_sub.f1:.3f}")

    # --- Baselines -------------------------------------------------------------------------
    unfitted = base.predict(docs, priors, groups)
    report("unfitted defaults (in-sample)", unfitted)
    report("IDF-only fit (train texts)", _idf_only(base, docs, folds, talks, priors, groups))
    report(
        "threshold fit (cross_val_predict)", cross_val_predict(base, docs, y, folds, priors, groups)
    )
    print(f"  [{time.time() - t0:.0f} s]")

    # --- Per fold: fitted tagger, components of the training run and of a full run -------
    per_fold = {}
    for talk in talks:
        train = [k for k in tuning if folds[k] != talk]
        test = [k for k in tuning if folds[k] == talk]
        fitted = clone(base).fit(
            [docs[k] for k in train],
            [y[k] for k in train],
            [priors[k] for k in train],
            [groups[k] for k in train],
        )
        comps = [fitted.components(d) for d in docs]
        full = fitted._run(docs, priors, groups, comps)
        sub = fitted._run(
            [docs[k] for k in train],
            [priors[k] for k in train],
            [groups[k] for k in train],
            [comps[k] for k in train],
        )
        per_fold[talk] = dict(
            train=train, test=test, fitted=fitted, comps=comps, full=full, sub=sub
        )
    print(f"  [{time.time() - t0:.0f} s] components per fold")

    keep_ctx_thr = np.zeros((n, len(ids)), dtype=int)
    for f in per_fold.values():
        scores = f["full"][1]
        # Same thresholds as cross_val_predict's fit, every passage as context.
        keep_ctx_thr[f["test"]] = f["fitted"]._keep(scores)[f["test"]]
    report("threshold fit, recomputed by hand (check)", keep_ctx_thr)

    # --- Stacking ---------------------------------------------------------------------------
    def stacked(
        mode: str,
        C: float,
        thr: str,
        alpha: float = 0.0,
        blend: float = 0.0,
        pooled: bool = False,
        balanced: bool = False,
        min_pos: int = MIN_POS,
        residual: float = 0.0,
    ) -> np.ndarray:
        keep = np.zeros((n, len(ids)), dtype=int)
        for f in per_fold.values():
            train, test = f["train"], f["test"]
            F_full = features(f["full"])
            if mode == "ctx":
                F_train, y_train = F_full[train], truth[train]
                s_train = f["full"][1][train]
            else:
                F_train, y_train = features(f["sub"]), truth[train]
                s_train = f["sub"][1]
            F_test, s_test = F_full[test], f["full"][1][test]
            if alpha:
                # The IDF of the lemma block is learnt on the training texts only.
                L = lemma_matrix(f["comps"], train) * alpha
                L_train, L_test = L[train], L[test]
            kept = np.zeros((len(test), len(ids)), dtype=bool)
            probs_test = np.zeros((len(test), len(ids)))
            probs_train = np.zeros((len(train), len(ids)))
            usable = [j for j in range(len(ids)) if y_train[:, j].sum() >= min_pos]
            if residual:
                for j in usable:
                    off_tr = logit(s_train[:, j]) - logit(np.array(base.threshold))
                    off_te = logit(s_test[:, j]) - logit(np.array(base.threshold))
                    proba = residual_logit(F_train[:, j, :], off_tr, y_train[:, j], residual)
                    probs_train[:, j] = proba(F_train[:, j, :], off_tr)
                    probs_test[:, j] = proba(F_test[:, j, :], off_te)
            elif pooled:
                for level in (True, False):
                    labs = [j for j in usable if top[j] == level]
                    if not labs:
                        continue
                    onehot = np.eye(len(labs))

                    def design(F, labs=labs, onehot=onehot):
                        return np.vstack(
                            [
                                np.hstack([F[:, j, :], np.tile(onehot[a], (len(F), 1))])
                                for a, j in enumerate(labs)
                            ]
                        )

                    Xtr = design(F_train)
                    ytr = np.concatenate([y_train[:, j] for j in labs])
                    model = LogisticRegression(
                        C=C, max_iter=2000, class_weight="balanced" if balanced else None
                    ).fit(Xtr, ytr)
                    ptr = model.predict_proba(Xtr)[:, 1].reshape(len(labs), -1).T
                    pte = model.predict_proba(design(F_test))[:, 1].reshape(len(labs), -1).T
                    probs_train[:, labs], probs_test[:, labs] = ptr, pte
            else:
                for j in usable:
                    Xtr, Xte = F_train[:, j, :], F_test[:, j, :]
                    if alpha:
                        Xtr = sparse.hstack([sparse.csr_matrix(Xtr), L_train]).tocsr()
                        Xte = sparse.hstack([sparse.csr_matrix(Xte), L_test]).tocsr()
                    model = LogisticRegression(
                        C=C, max_iter=2000, class_weight="balanced" if balanced else None
                    ).fit(Xtr, y_train[:, j])
                    probs_train[:, j] = model.predict_proba(Xtr)[:, 1]
                    probs_test[:, j] = model.predict_proba(Xte)[:, 1]
            for j in range(len(ids)):
                if j not in usable:
                    kept[:, j] = s_test[:, j] >= base.threshold
                    continue
                p_tr, p_te = probs_train[:, j], probs_test[:, j]
                if blend:
                    p_tr = blend * p_tr + (1 - blend) * s_train[:, j]
                    p_te = blend * p_te + (1 - blend) * s_test[:, j]
                    default = blend * 0.5 + (1 - blend) * base.threshold
                else:
                    default = 0.5
                if thr == "half":
                    t = default
                else:  # best F1 on the training passages, shrunk like the threshold fit
                    best = _best_threshold(p_tr, y_train[:, j], default)
                    w = y_train[:, j].sum() / (y_train[:, j].sum() + base.threshold_shrinkage)
                    t = w * best + (1 - w) * default if thr == "f1shrunk" else best
                # No label without evidence (the tagger's own rule).
                kept[:, j] = (p_te >= t) & (s_test[:, j] > 0)
            keep[test] = close(kept, parents).astype(int)
        return keep

    for mode in ("infit", "ctx"):
        for lam in (1000.0, 300.0, 100.0, 30.0, 10.0, 3.0, 1.0):
            for thr in ("half", "f1shrunk"):
                report(
                    f"residual {mode} lambda={lam} {thr}",
                    stacked(mode, 1.0, thr, residual=lam, min_pos=3),
                )
    print(f"  [{time.time() - t0:.0f} s]")
    if args.only != "residual":
        more_variants(args, stacked, report)
    bootstrap(results, tuning, folds, y, ids, book)


def bootstrap(results, tuning, folds, y, ids, book, draws: int = 2000) -> None:
    """The variant with the best objectives macro-F1 (picked after the fact, so optimistic)
    against the threshold fit: difference and its 90 % interval, resampling talks."""
    reference = "threshold fit (cross_val_predict)"
    names = [k for k in results if k not in (reference, "unfitted defaults (in-sample)")]

    def f1s(keep, rows):
        pred = [[ids[j] for j in np.flatnonzero(keep[k])] for k in rows]
        e = evaluate([y[k] for k in rows], pred, book)
        return np.array([e.macro_top.f1, e.macro_sub.f1])

    best = max(names, key=lambda k: f1s(results[k], tuning)[0])
    talks = sorted({folds[k] for k in tuning}, key=str)
    by_talk = {t: [k for k in tuning if folds[k] == t] for t in talks}
    rng = np.random.default_rng(0)
    diffs = []
    for _ in range(draws):
        rows = [k for t in rng.choice(talks, len(talks)) for k in by_talk[t]]
        diffs.append(f1s(results[best], rows) - f1s(results[reference], rows))
    diffs = np.array(diffs)
    point = f1s(results[best], tuning) - f1s(results[reference], tuning)
    low, high = np.percentile(diffs, [5, 95], axis=0)
    print(f"best objectives variant (chosen after the fact): {best}")
    print(
        f"  minus the threshold fit: objectives {point[0]:+.3f} [{low[0]:+.3f}, {high[0]:+.3f}], "
        f"sub-themes {point[1]:+.3f} [{low[1]:+.3f}, {high[1]:+.3f}] (90 %, talks resampled)"
    )


def more_variants(args, stacked, report) -> None:
    t0 = time.time()
    grid = []
    for mode in ("infit", "ctx"):
        for C in (0.1, 1.0) if args.quick else (0.03, 0.1, 0.3, 1.0, 3.0):
            for thr in ("half", "f1shrunk", "f1"):
                grid.append(dict(mode=mode, C=C, thr=thr))
    for params in grid:
        report(f"stack {params}", stacked(**params))
    print(f"  [{time.time() - t0:.0f} s]")
    for mode in ("infit", "ctx"):
        for C in (0.1, 1.0, 10.0):
            for thr in ("half", "f1shrunk"):
                report(f"stack balanced {mode} C={C} {thr}", stacked(mode, C, thr, balanced=True))
    for mode in ("infit", "ctx"):
        for C in (0.1, 1.0, 10.0):
            for thr in ("half", "f1shrunk", "f1"):
                report(f"pooled {mode} C={C} {thr}", stacked(mode, C, thr, pooled=True))
    print(f"  [{time.time() - t0:.0f} s]")
    for mode in ("infit", "ctx"):
        for C in (1.0,) if args.quick else (0.3, 1.0, 3.0):
            # alpha = 3 is slow to converge (about 10 minutes for the grid) and worse.
            for alpha in (0.3, 1.0) if args.quick else (0.1, 0.3, 1.0, 3.0):
                for thr in ("half", "f1shrunk"):
                    report(
                        f"stack+tfidf {mode} C={C} alpha={alpha} {thr}",
                        stacked(mode, C, thr, alpha=alpha),
                    )
    print(f"  [{time.time() - t0:.0f} s]")
    for mode in ("infit", "ctx"):
        for C in (0.1, 1.0):
            for w in (0.3, 0.5, 0.7):
                for thr in ("half", "f1shrunk"):
                    report(f"blend {mode} C={C} w={w} {thr}", stacked(mode, C, thr, blend=w))
                report(
                    f"blend+tfidf {mode} C={C} w={w} alpha=1.0 half",
                    stacked(mode, C, "half", alpha=1.0, blend=w),
                )
    print(f"  [{time.time() - t0:.0f} s]")


def _idf_only(base, docs, folds, talks, priors, groups) -> np.ndarray:
    keep = np.zeros((len(docs), len(base._index().ids)), dtype=int)
    for talk in talks:
        train = [k for k, f in enumerate(folds) if f is not None and f != talk]
        test = [k for k, f in enumerate(folds) if f == talk]
        model = clone(base).fit([docs[k] for k in train])
        keep[test] = model.predict(docs, priors, groups)[test]
    return keep


if __name__ == "__main__":
    main()
