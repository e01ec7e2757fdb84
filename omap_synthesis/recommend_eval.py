"""Measure recommendation detection on hand-labelled sentences, next to a cue-word baseline.

A gold file holds one JSON object per sentence: ``{"file", "sentence", "start_char",
"end_char", "label", "split"?}`` (``data/gold/recommendations.md`` describes the two shipped
files). The transcripts are read as the command line reads them: an event folder (its
``event.yaml`` decides talks and moderation turns) or loose files found by name. A gold sentence
counts as detected when a detected sentence overlaps its span in the same file, so the measure
does not depend on the sentence splitter giving the very same boundaries.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from omap_synthesis.clean import repair_c1
from omap_synthesis.deontic import lexicon
from omap_synthesis.errors import TOO_DEEP, InputError, json_reason, os_reason
from omap_synthesis.ingest import ingest_event, ingest_file
from omap_synthesis.models import Passage


@dataclass(frozen=True)
class Scores:
    precision: float | None
    recall: float | None
    f1: float | None
    tp: int
    fp: int
    fn: int

    @classmethod
    def of(cls, gold: list[bool], predicted: list[bool]) -> Scores:
        tp = sum(g and p for g, p in zip(gold, predicted, strict=True))
        fp = sum(p and not g for g, p in zip(gold, predicted, strict=True))
        fn = sum(g and not p for g, p in zip(gold, predicted, strict=True))
        return cls.of_counts(tp, fp, fn)

    @classmethod
    def of_counts(cls, tp: int, fp: int, fn: int) -> Scores:
        precision = tp / (tp + fp) if tp + fp else None
        recall = tp / (tp + fn) if tp + fn else None
        f1 = (
            2 * precision * recall / (precision + recall)
            if precision is not None and recall is not None and precision + recall
            else None
        )
        return cls(precision, recall, f1, tp, fp, fn)


class _BadValue(ValueError):
    """A field of a gold line that is there but unusable, in French."""


def _read_rows(path: str | Path, fields: str, parse) -> list[dict]:
    """The rows of a JSON Lines file, each passed through ``parse`` (an ``InputError`` names the
    first bad line, what is wrong with it and the ``fields`` a line must hold)."""
    path = Path(path)
    try:
        # Split on newlines only: a sentence may hold other Unicode line separators.
        lines = path.read_text(encoding="utf-8").split("\n")
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        raise InputError(path, "le fichier n'est pas en UTF-8", line) from None
    except OSError as exc:
        raise InputError(path, os_reason(exc)) from None
    rows = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(path, json_reason(exc), number) from None
        except RecursionError:
            raise InputError(path, f"JSON invalide ({TOO_DEEP})", number) from None
        try:
            if not isinstance(row, dict):
                raise _BadValue("un objet JSON est attendu")
            rows.append(parse(row))
        except KeyError as exc:
            reason = f"champ « {exc.args[0]} » manquant (champs attendus : {fields})"
            raise InputError(path, reason, number) from None
        except _BadValue as exc:
            raise InputError(path, str(exc), number) from None
    return rows


def _integer(row: dict, key: str) -> int:
    value = row[key]
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise _BadValue(f"« {key} » doit être un entier, lu « {value} »")
    try:
        return int(value)
    except ValueError:
        raise _BadValue(f"« {key} » doit être un entier, lu « {value} »") from None


def _span(row: dict) -> dict:
    row["start_char"], row["end_char"] = _integer(row, "start_char"), _integer(row, "end_char")
    if not 0 <= row["start_char"] < row["end_char"]:
        raise _BadValue(
            f"positions invalides ({row['start_char']}, {row['end_char']}) : "
            "0 ≤ start_char < end_char est attendu"
        )
    if not isinstance(row["file"], str):
        raise _BadValue(f"« file » doit être un nom de fichier, lu « {row['file']} »")
    return row


def read_gold(path: str | Path) -> list[dict]:
    """The labelled sentences of a JSON Lines gold file (an ``InputError`` names a bad line)."""

    def parse(row: dict) -> dict:
        if row["label"] not in (0, 1) or isinstance(row["label"], float):
            raise _BadValue(f"« label » doit valoir 0 ou 1, lu « {row['label']} »")
        row["label"] = int(row["label"])
        return _span(row)

    return _read_rows(path, "file, start_char, end_char, label", parse)


def baseline(text: str) -> bool:
    """The cue-word baseline: the sentence holds one of ``baseline_cues`` (whole words)."""
    low = text.lower()
    return any(re.search(r"(?<!\w)" + re.escape(cue), low) for cue in lexicon()["baseline_cues"])


def transcripts(
    directory: str | Path, names: Iterable[str]
) -> tuple[dict[str, tuple[list[Passage], str]], list[str]]:
    """Passages and exposed text of every named file, and the names that could not be read.

    ``directory`` is an event folder (or its ``sources/``), or a folder holding the files
    directly, in ``transcript/`` (as ``fredsum-dev``) or deeper.
    """
    directory = Path(directory)
    names = sorted(set(names))
    event_dir = next(
        (d for d in (directory, directory.parent) if (d / "event.yaml").exists()), None
    )
    if event_dir is not None:
        ingested = ingest_event(event_dir)
        found = {
            n: ([p for p in ingested.passages if p.source == n], ingested.sources[n].text)
            for n in names
            if n in ingested.sources
        }
        return found, [n for n in names if n not in found]
    found, missing = {}, []
    for name in names:
        path = _find(directory, name)
        try:
            ingested = ingest_file(path) if path else None
        except (InputError, OSError):
            ingested = None
        if ingested is None or not ingested.passages:
            missing.append(name)
            continue
        found[name] = (ingested.passages, next(iter(ingested.sources.values())).text)
    return found, missing


def _find(directory: Path, name: str) -> Path | None:
    for candidate in (directory / name, directory / "transcript" / name):
        if candidate.is_file():
            return candidate
    return next(iter(sorted(directory.rglob(name))), None)


def evaluate(gold: list[dict], found: dict[str, tuple[list[Passage], str]], nlp) -> dict:
    """Precision, recall and F1 of the detector and of the baseline, per split and overall.

    Parameters
    ----------
    gold : list of dict
        Rows of :func:`read_gold`.
    found : dict
        ``{file name: (passages, exposed text)}`` from :func:`transcripts`.
    nlp : Language
        The pipeline (the parse cache is reused).

    Returns
    -------
    dict
        ``{"splits": {name: {"sentences", "positives", "detector": Scores, "baseline":
        Scores}}, "misaligned": n}`` with ``"all"`` for every scored sentence;
        ``misaligned`` counts gold rows whose span does not hold their sentence in the file
        read (another version of the file): they are left out.
    """
    from omap_synthesis.nlp import parse_passages
    from omap_synthesis.recommend import detect

    spans: dict[str, list[tuple[int, int]]] = {}
    for name, (passages, _) in found.items():
        docs = parse_passages(nlp, passages)
        spans[name] = [(d.sentence.start_char, d.sentence.end_char) for d in detect(passages, docs)]
    known = [r for r in gold if r["file"] in found]
    rows = [r for r in known if _aligned(r, found[r["file"]][1])]
    predicted = [
        any(a < r["end_char"] and b > r["start_char"] for a, b in spans[r["file"]]) for r in rows
    ]
    texts = [found[r["file"]][1][r["start_char"] : r["end_char"]] for r in rows]
    splits: dict[str, list[int]] = {"all": list(range(len(rows)))}
    for k, row in enumerate(rows):
        if row.get("split"):
            splits.setdefault(str(row["split"]), []).append(k)
    result = {}
    for name, index in splits.items():
        labels = [bool(rows[k]["label"]) for k in index]
        result[name] = {
            "sentences": len(index),
            "positives": sum(labels),
            "detector": asdict(Scores.of(labels, [predicted[k] for k in index])),
            "baseline": asdict(Scores.of(labels, [baseline(texts[k]) for k in index])),
        }
    return {"splits": result, "misaligned": len(known) - len(rows)}


def _aligned(row: dict, text: str) -> bool:
    """The span is inside the file and holds the row's sentence (when it gives one),
    whitespace aside, and C1 control characters read as cp1252 on both sides (a sentence
    labelled while the reader repaired them has « ’ » for the file's « \x92 »)."""
    if row["end_char"] > len(text):
        return False
    found = repair_c1(text[row["start_char"] : row["end_char"]])
    said = repair_c1(str(row.get("sentence", found)))
    return " ".join(found.split()) == " ".join(said.split())


# --- merging -------------------------------------------------------------------------------

Key = tuple[str, int, int]


@dataclass(frozen=True)
class MergeScores(Scores):
    """Pairwise « same group » scores over the detected sentences of a merge gold."""

    sentences: int
    gold_pairs: int
    cross_speaker: int
    cross_speaker_correct: int

    @classmethod
    def of(cls, gold: list[dict], predicted: dict[Key, object]) -> MergeScores:
        """Compare the gold ``group`` of every row with the predicted group of its span.

        ``cross_speaker`` counts the predicted same-group pairs whose speakers differ,
        ``cross_speaker_correct`` those of them the gold also groups.
        """
        rows = [r for r in gold if _key(r) in predicted]
        tp = fp = fn = cross = cross_ok = 0
        for i, a in enumerate(rows):
            for b in rows[i + 1 :]:
                same_gold = a["file_scope"] == b["file_scope"] and a["group"] == b["group"]
                same_pred = predicted[_key(a)] == predicted[_key(b)]
                tp += same_gold and same_pred
                fp += same_pred and not same_gold
                fn += same_gold and not same_pred
                if same_pred and a.get("speaker") != b.get("speaker"):
                    cross += 1
                    cross_ok += same_gold
        s = Scores.of_counts(tp, fp, fn)
        return cls(s.precision, s.recall, s.f1, tp, fp, fn, len(rows), tp + fn, cross, cross_ok)


def _key(row: dict) -> Key:
    return (row["file"], row["start_char"], row["end_char"])


def read_merge_gold(path: str | Path) -> list[dict]:
    """Rows of a merge gold file: ``{"file", "start_char", "end_char", "group", "speaker",
    "recommendation"?, "split"?}``, one per detected sentence (an ``InputError`` names a bad
    line). Groups are read within one file for loose transcripts, over the whole file of gold
    otherwise: ``file_scope`` says which (the ``scope`` field, default the source file)."""

    def parse(row: dict) -> dict:
        if not isinstance(row["group"], str | int) or isinstance(row["group"], bool):
            raise _BadValue(f"« group » doit être un identifiant, lu « {row['group']} »")
        row["group"] = str(row["group"])
        row["file_scope"] = str(row.get("scope", row["file"]))
        return _span(row)

    return _read_rows(path, "file, start_char, end_char, group", parse)


def predicted_merges(
    found: dict[str, tuple[list[Passage], str]], nlp, together: bool, same=None
) -> dict[Key, int]:
    """Group number of every detected sentence, as :func:`omap_synthesis.recommend` merges them.

    Parameters
    ----------
    found : dict
        ``{file name: (passages, exposed text)}`` from :func:`transcripts`.
    nlp : Language
        The pipeline (the parse cache is reused).
    together : bool
        Merge over all files at once (the sources of one event) rather than file by file.
    same : callable, optional
        The pairwise test (``_same`` by default; ``_lexical_same``, lemma overlap alone, for
        the baseline).
    """
    from omap_synthesis.nlp import parse_passages
    from omap_synthesis.recommend import _candidate, _groups, detect

    units = [sorted(found)] if together else [[name] for name in sorted(found)]
    result: dict[Key, int] = {}
    for names in units:
        passages = [p for name in names for p in found[name][0]]
        docs = parse_passages(nlp, passages)
        candidates = [_candidate(d, k) for k, d in enumerate(detect(passages, docs))]
        for group in _groups(candidates, same):
            number = len(result)
            for cand in group:
                s = cand.detection.sentence
                result[(s.passage.source, s.start_char, s.end_char)] = number
    return result


def by_overlap(gold: list[dict], predicted: dict[Key, object]) -> dict[Key, object]:
    """The predicted group of every gold row: that of the detected sentence of the same file
    that overlaps it most. The spans of the gold are those of the detections when it was
    written; a later sentence split (« il faut X. Et Y » cut in two) moves them, and an exact
    match would drop those rows."""
    by_file: dict[str, list[Key]] = {}
    for key in predicted:
        by_file.setdefault(key[0], []).append(key)
    matched = {}
    for row in gold:
        start, end = row["start_char"], row["end_char"]
        overlap = {
            key: min(end, key[2]) - max(start, key[1]) for key in by_file.get(row["file"], ())
        }
        best = max(overlap, key=lambda k: (overlap[k], -k[1]), default=None)
        if best is not None and overlap[best] > 0:
            matched[_key(row)] = predicted[best]
    return matched


def evaluate_merges(gold: list[dict], predicted: dict[Key, object]) -> dict:
    """Pairwise scores per split, over every detected sentence and over the true
    recommendations only (``recommendation`` = 1), plus the gold rows no detection overlaps
    (:func:`by_overlap`)."""
    predicted = by_overlap(gold, predicted)
    splits: dict[str, list[dict]] = {"all": gold}
    for row in gold:
        if row.get("split"):
            splits.setdefault(str(row["split"]), []).append(row)
    result = {}
    for name, rows in splits.items():
        recs = [r for r in rows if int(r.get("recommendation", 1))]
        result[name] = {
            "detected": asdict(MergeScores.of(rows, predicted)),
            "recommendations": asdict(MergeScores.of(recs, predicted)),
        }
    return {"splits": result, "unmatched": sum(_key(r) not in predicted for r in gold)}
