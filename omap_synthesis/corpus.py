"""Corpus mode: many events or folders of transcripts streamed into one research dataset.

The work is a list of units, sorted: an event folder (its sources share a programme and a
pseudonym key), or one loose transcript. A unit is ingested, then parsed one source at a time
(``nlp.pipe`` through the parse cache), tagged, turned into passage rows, and its docs are
dropped before the next source: memory holds one source's docs and one unit's rows, whatever
the size of the corpus. Rows are appended to ``passages.csv`` and to ``passages.parquet`` (one
row group per few thousand rows) in unit order, so a run on a Dask cluster (``scheduler``), which
maps the units over a ``dask.bag``, writes the same dataset as the in-process run.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd

from omap_synthesis import export
from omap_synthesis.dataset import DatasetWriter, corpus_columns, publish
from omap_synthesis.errors import InputError, os_reason
from omap_synthesis.event import load_codebook, say_unknown_objectives
from omap_synthesis.ingest import Ingested, file_hash, ingest_event, ingest_file, slug
from omap_synthesis.models import Codebook
from omap_synthesis.readers import FORMATS

log = logging.getLogger(__name__)

CONNECT_TIMEOUT = 5
OUTPUT_NAME = "corpus"
_ADDRESS = re.compile(r"^(tcp|tls|ucx|ws|wss)://[^\s/:]+:\d+/?$")


@dataclass(frozen=True)
class Unit:
    """One item of work: an event folder (``source_id`` empty) or one loose transcript.

    ``label`` names its folder in the dataset: the ``event`` column of a loose transcript and
    the prefix of its inputs in the manifest.
    """

    path: str
    label: str
    source_id: str = ""

    @property
    def is_event(self) -> bool:
        """Whether the unit is an event folder (else a loose transcript)."""
        return not self.source_id


@dataclass(frozen=True)
class Settings:
    """What every worker needs besides the unit: the codebook and the spaCy batch size."""

    codebook: Codebook | None = None
    batch_size: int = 64


@dataclass
class UnitResult:
    """Rows of one unit, the inputs it read (name → SHA-256), the files it skipped, what was
    left out of the files it read and the remarks on files read whole (name → reason), under
    the unit's label, and how many of its inputs are sources (not a programme or a codebook)."""

    frame: pd.DataFrame
    inputs: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    partial: dict[str, str] = field(default_factory=dict)
    label: str = ""
    remarks: dict[str, str] = field(default_factory=dict)
    sources: int = 0


@dataclass
class CorpusResult:
    out_dir: Path
    passages: int = 0
    words: int = 0
    inputs: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    partial: dict[str, str] = field(default_factory=dict)
    remarks: dict[str, str] = field(default_factory=dict)
    sources: int = 0  # source files read


def _is_event(folder: Path) -> bool:
    return (folder / "event.yaml").is_file()


def _files(folder: Path) -> list[Path]:
    """The files of ``folder`` but hidden ones (« .DS_Store »)."""
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


def _set_aside(folder: Path) -> list[Path]:
    """What ``folder`` holds that is not read but is said so: its broken links and its hidden
    files in a transcript's format (« .notes.txt »)."""
    return sorted(
        p
        for p in folder.iterdir()
        if (p.is_symlink() and not p.exists())
        or (p.is_file() and p.name.startswith(".") and p.suffix.lower() in FORMATS)
    )


def _transcripts(folder: Path) -> list[Path]:
    return [p for p in _files(folder) if p.suffix.lower() in FORMATS]


def _loose_units(folder: Path, label: str) -> list[Unit]:
    """One unit per file, with passage ids unique in the folder (as ``ingest_files``); a file
    in no readable format, a broken link and a hidden transcript are units too, which say so
    (nothing is left out unsaid)."""
    files = sorted(_files(folder) + _set_aside(folder))
    stems = Counter(slug(p.stem) for p in files)
    units, used = [], set()
    for n, path in enumerate(files, 1):
        source_id = slug(path.stem) if stems[slug(path.stem)] == 1 else slug(path.name)
        source_id = f"{source_id}-{n}" if source_id in used else source_id
        used.add(source_id)
        units.append(Unit(str(path), label, source_id))
    return units


def find_units(dirs: Iterable[str | Path]) -> list[Unit]:
    """Units of the given folders: event folders, and in another folder its event sub-folders,
    its transcripts and those of its other sub-folders (one level down).

    Raises
    ------
    InputError
        When a folder does not exist or holds neither an event nor a transcript.
    """
    folders: list[Path] = []
    for folder in map(Path, dirs):
        if not folder.is_dir():
            raise InputError(folder, "pas un dossier" if folder.exists() else "dossier introuvable")
        subs = [] if _is_event(folder) else sorted(p for p in folder.iterdir() if p.is_dir())
        found = [p for p in subs if _is_event(p) or _transcripts(p)]
        if not _is_event(folder) and not found and not _transcripts(folder):
            raise InputError(folder, "ni événement (event.yaml) ni transcription lisible")
        folders += [folder, *found]
    units, labels = [], Counter()
    for folder in sorted(dict.fromkeys(p.resolve() for p in folders)):
        labels[folder.name] += 1
        label = folder.name if labels[folder.name] == 1 else f"{folder.name}-{labels[folder.name]}"
        units += [Unit(str(folder), label)] if _is_event(folder) else _loose_units(folder, label)
    return units


# Components whose output nothing reads in a source without Q&A exchanges.
_NO_ENTITIES = ("ner",)


@cache
def _tagger(codebook: Codebook):
    """The tagger of a codebook, built once per process (and per worker of a cluster)."""
    from omap_synthesis.tag import CodebookTagger

    return CodebookTagger(codebook)


@dataclass(frozen=True)
class _Entity:
    text: str
    label_: str


@dataclass(frozen=True)
class _Entities:
    """The part of a Q&A passage's doc the pseudonymiser reads, kept once the doc is dropped."""

    ents: tuple[_Entity, ...]


def _analyse(ingested: Ingested, tagger, settings: Settings):
    """Parse one source at a time and tag the unit's passages together, as ``run`` does (the
    tagger's neighbour votes and context read all of them); keep taggings and Q&A entities,
    drop the docs once the unit is tagged.

    Entities are only read in Q&A exchanges (for the pseudonyms): a source without any is
    parsed without the named-entity recogniser, which the tagger does not use.
    """
    from omap_synthesis.nlp import load_nlp, parse
    from omap_synthesis.tag import tag_passages

    nlp = load_nlp()
    docs, entities = [], {}
    for _, group in itertools.groupby(ingested.passages, key=lambda p: p.source):
        group = list(group)
        texts = [p.clean for p in group]
        unused = () if any(p.exchange for p in group) else _NO_ENTITIES
        parsed = parse(nlp, texts, batch_size=settings.batch_size, disable=unused)
        docs += parsed if tagger is not None else []
        for p, doc in zip(group, parsed, strict=True):
            if p.exchange:
                ents = (_Entity(e.text, e.label_) for e in doc.ents if e.label_ == "PER")
                entities[p.id] = _Entities(tuple(ents))
    if tagger is None:
        return [], entities
    if ingested.event is not None:
        say_unknown_objectives(ingested.event, tagger.codebook)
    return tag_passages(ingested.passages, docs, tagger.codebook, ingested.event, tagger), entities


def _event_unit(unit: Unit, settings: Settings) -> UnitResult:
    from omap_synthesis.anonymise import build_pseudonymiser

    folder = Path(unit.path)
    ingested = ingest_event(folder)
    event = ingested.event
    tagger = _tagger(settings.codebook or load_codebook(folder / event.codebook))
    taggings, entities = _analyse(ingested, tagger, settings)
    pseudo = build_pseudonymiser(ingested.passages, event, entities)
    frame = export.passages_frame(ingested, pseudo, taggings, tagger.codebook)
    inputs = {f"{unit.label}/sources/{n}": h for n, h in ingested.hashes.items()}
    inputs[f"{unit.label}/event.yaml"] = file_hash(folder / "event.yaml")
    if settings.codebook is None:  # the event's own codebook tagged its rows
        inputs[f"{unit.label}/{event.codebook}"] = file_hash(folder / event.codebook)
    skipped = {
        f"{unit.label}/sources/{r.name}": r.reason for r in ingested.reports if r.status != "lu"
    }
    partial = {f"{unit.label}/sources/{n}": r for n, r in ingested.partial.items()}
    remarks = {f"{unit.label}/sources/{n}": r for n, r in ingested.remarks.items()}
    return UnitResult(frame, inputs, skipped, partial, unit.label, remarks, len(ingested.hashes))


def _loose_unit(unit: Unit, settings: Settings) -> UnitResult:
    path = Path(unit.path)
    if path.name.startswith("."):
        raise InputError(path, "fichier caché, ignoré")
    ingested = ingest_file(path, source_id=unit.source_id)
    taggings, codebook = [], None
    if settings.codebook:
        # Without a codebook nothing in a loose transcript's rows needs the parse.
        tagger = _tagger(settings.codebook)
        taggings, _ = _analyse(ingested, tagger, settings)
        codebook = tagger.codebook
    frame = export.passages_frame(ingested, None, taggings, codebook)
    frame["event"] = unit.label
    partial = {f"{unit.label}/{n}": r for n, r in ingested.partial.items()}
    remarks = {f"{unit.label}/{n}": r for n, r in ingested.remarks.items()}
    inputs = {f"{unit.label}/{path.name}": file_hash(path)}
    return UnitResult(frame, inputs, {}, partial, unit.label, remarks, 1)


def process_unit(unit: Unit, settings: Settings) -> UnitResult:
    """Rows of one unit; an unusable unit gives no row and says why (runs on workers too)."""
    try:
        if unit.is_event:
            return _event_unit(unit, settings)
        return _loose_unit(unit, settings)
    except (InputError, OSError) as exc:
        name = unit.label if unit.is_event else f"{unit.label}/{Path(unit.path).name}"
        if not isinstance(exc, InputError):
            reason = os_reason(exc)
        else:  # a loose file is named already; in an event folder, the file at fault is not
            reason = _short(exc) if unit.is_event else exc.reason
        return UnitResult(pd.DataFrame(), skipped={name: reason})


def _short(exc: InputError) -> str:
    """The message with the file's name instead of its path (the manifest holds no path)."""
    return str(exc).replace(exc.path, Path(exc.path).name, 1)


def _local(units: list[Unit], settings: Settings) -> Iterator[UnitResult]:
    return (process_unit(unit, settings) for unit in units)


def connect(address: str, timeout: float | None = None):
    """A Dask client for ``address``, or a French ``ConnectionError`` within ``timeout`` s
    (``CONNECT_TIMEOUT`` by default)."""
    from distributed import Client

    timeout = timeout or CONNECT_TIMEOUT
    if not _ADDRESS.match(address):
        raise ConnectionError(
            f"adresse de planificateur Dask invalide : « {address} » (attendu : tcp://hôte:port)"
        )
    try:
        return Client(address, timeout=timeout, set_as_default=False)
    except Exception as exc:  # noqa: BLE001 - whatever answers (or not) there, it is no scheduler
        raise ConnectionError(
            f"impossible de joindre le planificateur Dask {address} en {timeout:g} s "
            f"({exc.__class__.__name__}) ; vérifiez l'adresse et que « dask scheduler » tourne."
        ) from None


def _on_cluster(client, units: list[Unit], settings: Settings) -> Iterator[UnitResult]:
    """Map the units over a ``dask.bag``; results come back in unit order, a few in flight."""
    import dask.bag as db

    parts = db.from_sequence(units, partition_size=1).map(process_unit, settings).to_delayed()
    window = 2 * max(1, sum(client.nthreads().values()))
    pending: deque = deque()
    for part in parts:
        pending.append(client.compute(part))
        if len(pending) >= window:
            yield from pending.popleft().result()
    for future in pending:
        yield from future.result()


def build_corpus(
    units: list[Unit],
    out: Path,
    codebook: str | Path | None = None,
    scheduler: str | None = None,
    batch_size: int = 64,
    on_unit: Callable[..., None] | None = None,
) -> CorpusResult:
    """Write ``out/corpus/``: passages.csv, passages.parquet, LISEZMOI.md, manifest.json.

    Parameters
    ----------
    units : list of Unit
        The work, as ``find_units`` lists it for the folders given.
    out : Path
        Parent of the ``corpus`` folder, replaced only once fully written.
    codebook : path, optional
        Codebook for every unit; without it an event uses its own and loose transcripts are
        not tagged (no ``score_*`` columns either way but with it).
    scheduler : str, optional
        Address of a Dask scheduler (``tcp://host:port``); in-process without it.
    batch_size : int
        Passages handed to ``nlp.pipe`` at once.
    on_unit : callable, optional
        Called once per unit done (a progress bar's ``advance``).

    Raises
    ------
    InputError
        An unusable codebook.
    ConnectionError
        The scheduler cannot be reached.
    """
    settings = Settings(load_codebook(codebook) if codebook else None, batch_size)
    client = connect(scheduler) if scheduler else None
    try:
        results = _on_cluster(client, units, settings) if client else _local(units, settings)
        return _write(results, out, settings, on_unit or (lambda n=1: None))
    finally:
        if client is not None:
            client.close()


def _write(results, out: Path, settings: Settings, on_unit) -> CorpusResult:
    codebook = settings.codebook
    columns = corpus_columns(codebook)
    out.mkdir(parents=True, exist_ok=True)
    summary = CorpusResult(out / OUTPUT_NAME)
    owners: dict[str, str] = {}  # event column value → label of the unit that gave it
    with DatasetWriter(out, OUTPUT_NAME, columns) as writer:
        for result in results:
            for event in sorted(set(result.frame["event"])) if len(result.frame) else ():
                owner = owners.setdefault(event, result.label)
                if owner != result.label:
                    # Two folders of one event id (two copies, two versions): the second
                    # keeps its folder's name, so that (event, passage_id) stays a key.
                    log.warning(
                        "%s : l'identifiant d'événement « %s » est déjà celui de %s ; ses "
                        "passages sont rangés sous « %s »",
                        result.label,
                        event,
                        owner,
                        result.label,
                    )
                    result.frame["event"] = result.frame["event"].replace(event, result.label)
            writer.append(result.frame)
            summary.passages += len(result.frame)
            summary.words += int(result.frame["words"].sum()) if len(result.frame) else 0
            summary.inputs.update(result.inputs)
            summary.skipped.update(result.skipped)
            summary.partial.update(result.partial)
            summary.remarks.update(result.remarks)
            summary.sources += result.sources
            on_unit()
        writer.finish(codebook, _manifest(summary, settings))
    publish(writer.folder, summary.out_dir)
    return summary


def _manifest(summary: CorpusResult, settings: Settings) -> dict:
    from spacy.util import get_package_version

    from omap_synthesis.config import DEFAULT_MODEL

    versions = export.versions()
    versions["spacy-pipeline"] = f"{DEFAULT_MODEL}-{get_package_version(DEFAULT_MODEL)}"
    book = {"codebook": None}
    if settings.codebook is not None:
        path = Path(settings.codebook.path)
        book = {"codebook": path.name, "codebook_sha256": file_hash(path)}
    return {
        "inputs": dict(sorted(summary.inputs.items())),
        "skipped": dict(sorted(summary.skipped.items())),
        "partial": dict(sorted(summary.partial.items())),
        "remarks": dict(sorted(summary.remarks.items())),
        "passages": summary.passages,
        "words": summary.words,
        "versions": versions,
        "parameters": {
            "batch_size": settings.batch_size,
            "spacy_model": DEFAULT_MODEL,
            **book,
        },
    }
