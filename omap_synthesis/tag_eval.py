"""Read tagging inputs and gold files (JSON Lines) and score tags against a gold standard."""

from __future__ import annotations

import codecs
import json
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.base import clone

from omap_synthesis.clean import analysed
from omap_synthesis.errors import TOO_DEEP, InputError, json_reason, os_reason
from omap_synthesis.models import Codebook


@dataclass(frozen=True)
class TagInput:
    """One line of a tagging input: ``id`` as given, ``text``, optional ``talk`` and ``group``.

    ``labels`` and ``split`` are read from gold files (``None`` when the line has no labels).
    """

    line: int
    id: object
    text: str
    talk: str | None = None
    group: str | None = None
    labels: tuple[str, ...] | None = None
    split: str | None = None


def read_inputs(path: str | Path) -> tuple[list[TagInput], list[str]]:
    """Read a JSON Lines file of passages; bad lines are reported, the others kept.

    Returns
    -------
    (inputs, problems)
        ``problems`` are the errors of the lines left out, each naming its line.

    Raises
    ------
    InputError
        When the file cannot be read at all.
    """
    path = Path(path)
    try:
        data = path.read_bytes().removeprefix(codecs.BOM_UTF8)
    except OSError as exc:
        raise InputError(path, os_reason(exc)) from None
    inputs, problems = [], []
    # Line by line: a line that is not UTF-8 is reported and left out, the others are read.
    for number, raw in enumerate(data.split(b"\n"), 1):
        try:
            line = raw.decode("utf-8").removesuffix("\r")
        except UnicodeDecodeError:
            problems.append(InputError(path, "pas en UTF-8", number))
            continue
        if not line.strip():
            continue
        try:
            inputs.append(_parse_line(number, line))
        except ValueError as exc:
            problems.append(InputError(path, str(exc), number))
    if problems and not inputs and all("UTF-8" in p.reason for p in problems):
        raise InputError(path, "le fichier n'est pas en UTF-8", problems[0].line)
    return inputs, problems


def _parse_line(number: int, raw: str) -> TagInput:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(json_reason(exc)) from None
    except RecursionError:
        raise ValueError(f"JSON invalide ({TOO_DEEP})") from None
    if not isinstance(data, dict):
        raise ValueError('un objet JSON {"id", "text"} est attendu')
    if data.get("id") is None or isinstance(data["id"], dict | list):
        raise ValueError("champ « id » manquant ou invalide")
    text = data.get("text")
    if "text" not in data or not isinstance(text, str | None):
        raise ValueError("champ « text » manquant ou qui n'est pas du texte")
    labels = data.get("labels")
    if labels is not None and not (
        isinstance(labels, list) and all(isinstance(x, str) for x in labels)
    ):
        raise ValueError("champ « labels » : liste d'identifiants attendue")
    return TagInput(
        line=number,
        id=data["id"],
        # Read as ingestion cleans a passage: a line break inside a paragraph is a space, a C1
        # control character the cp1252 character it stood for.
        text=analysed(text or ""),
        talk=_optional_str(data.get("talk")),
        group=_optional_str(data.get("group")),
        labels=tuple(labels) if labels is not None else None,
        split=_optional_str(data.get("split")),
    )


def _optional_str(value: object) -> str | None:
    return None if value is None else str(value)


def read_gold(path: str | Path, codebook: Codebook) -> list[TagInput]:
    """Read a gold file; every line must be valid and carry ``labels`` known to the codebook.

    A sub-theme given without its parent gets its parent (the codebook contract).

    Raises
    ------
    InputError
        On the first bad line, with its number.
    """
    inputs, problems = read_inputs(path)
    if problems:
        raise problems[0]
    known = set(codebook.ids)
    gold = []
    for item in inputs:
        if item.labels is None:
            raise InputError(path, "champ « labels » manquant", item.line)
        unknown = sorted(set(item.labels) - known)
        if unknown:
            raise InputError(
                path, f"label(s) inconnu(s) du codebook : {', '.join(unknown)}", item.line
            )
        labels = closure(item.labels, codebook)
        gold.append(
            TagInput(item.line, item.id, item.text, item.talk, item.group, labels, item.split)
        )
    if not gold:
        raise InputError(path, "aucun passage annoté")
    return gold


def closure(labels: Iterable[str], codebook: Codebook) -> tuple[str, ...]:
    """Labels with the parents of their sub-themes, in codebook order."""
    kept = set(labels)
    kept |= {codebook.get(x).parent for x in kept if codebook.get(x).parent}
    return tuple(x for x in codebook.ids if x in kept)


@dataclass(frozen=True)
class LabelScore:
    """Precision, recall and F1 of one label (``None`` where undefined)."""

    label: str
    precision: float | None
    recall: float | None
    f1: float | None
    support: int
    predicted: int


@dataclass(frozen=True)
class Evaluation:
    """Per-label scores, their macro-averages by level, and « hors objectifs » as a class."""

    labels: tuple[LabelScore, ...]
    macro_top: LabelScore
    macro_sub: LabelScore | None
    none: LabelScore
    passages: int

    def as_dict(self) -> dict:
        def row(s: LabelScore | None) -> dict | None:
            if s is None:
                return None
            return {
                "precision": s.precision,
                "recall": s.recall,
                "f1": s.f1,
                "support": s.support,
                "predicted": s.predicted,
            }

        return {
            "passages": self.passages,
            "labels": {s.label: row(s) for s in self.labels},
            "macro": {"top": row(self.macro_top), "sub": row(self.macro_sub)},
            "hors_objectifs": row(self.none),
        }


def _score(label: str, gold: list[set], pred: list[set]) -> LabelScore:
    tp = sum(label in g and label in p for g, p in zip(gold, pred, strict=True))
    support = sum(label in g for g in gold)
    predicted = sum(label in p for p in pred)
    precision = tp / predicted if predicted else None
    recall = tp / support if support else None
    if not support and not predicted:
        f1 = None
    else:
        f1 = 2 * tp / (support + predicted)
    return LabelScore(label, precision, recall, f1, support, predicted)


def _macro(name: str, rows: list[LabelScore]) -> LabelScore | None:
    """Mean over the labels where a score is defined (labels neither in the gold nor predicted
    are left out; a label predicted but absent from the gold counts with F1 = 0)."""
    if not rows:
        return None

    def mean(values):
        values = [v for v in values if v is not None]
        return sum(values) / len(values) if values else None

    return LabelScore(
        name,
        mean(r.precision for r in rows),
        mean(r.recall for r in rows),
        mean(r.f1 for r in rows),
        sum(r.support for r in rows),
        sum(r.predicted for r in rows),
    )


def evaluate(
    gold: list[Iterable[str]], predicted: list[Iterable[str]], codebook: Codebook
) -> Evaluation:
    """Score predicted label sets against gold label sets (one pair per passage)."""
    gold_sets = [set(g) for g in gold]
    pred_sets = [set(p) for p in predicted]
    rows = [_score(label, gold_sets, pred_sets) for label in codebook.ids]
    top = [r for r in rows if codebook.get(r.label).parent is None]
    sub = [r for r in rows if codebook.get(r.label).parent is not None]
    none = "hors objectifs"
    return Evaluation(
        labels=tuple(rows),
        macro_top=_macro("objectifs", top),
        macro_sub=_macro("sous-thèmes", sub),
        none=_score(
            none,
            [{none} if not g else set() for g in gold_sets],
            [{none} if not p else set() for p in pred_sets],
        ),
        passages=len(gold_sets),
    )


def cross_val_predict(
    tagger,
    docs: Sequence,
    y: Sequence[Iterable[str] | None],
    folds: Sequence[Hashable | None],
    priors: Sequence | None = None,
    groups: Sequence | None = None,
) -> np.ndarray:
    """Out-of-fold predictions of a tagger fitted on labelled passages (``fit`` with ``y``).

    For each fold key, a clone of ``tagger`` is fitted on the passages of the other folds and
    predicts the passages of this one; every prediction sees all of ``docs`` as context. Choose
    folds that keep neighbours together (a talk, a speaker turn), or the context leaks labels.

    Parameters
    ----------
    tagger : CodebookTagger
        Unfitted; it is cloned for each fold.
    docs : sequence of Doc
    y : sequence of label-id lists, ``None`` for a passage without labels
    folds : sequence
        Fold key of each passage; ``None`` keeps a passage out of fitting and scoring (it only
        lends context), e.g. the rows of a held-out split.
    priors, groups : sequence, optional
        As for ``CodebookTagger.decision_function``.

    Returns
    -------
    numpy.ndarray
        Indicator matrix (passages × ``tagger.codebook.ids``); rows of fold ``None`` are zero.

    Examples
    --------
    >>> pred = cross_val_predict(CodebookTagger(codebook), docs, y, talks)  # doctest: +SKIP
    """
    keys = sorted({f for f in folds if f is not None}, key=str)
    predicted = np.zeros((len(docs), len(tagger.codebook.ids)), dtype=int)

    def subset(values, rows):
        return None if values is None else [values[i] for i in rows]

    for key in keys:
        train = [i for i, f in enumerate(folds) if f is not None and f != key]
        test = [i for i, f in enumerate(folds) if f == key]
        model = clone(tagger).fit(
            subset(docs, train), subset(y, train), subset(priors, train), subset(groups, train)
        )
        predicted[test] = model.predict(docs, priors, groups)[test]
    return predicted
