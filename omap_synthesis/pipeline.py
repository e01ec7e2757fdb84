"""The whole job over an event folder: stages in order, outputs written atomically."""

from __future__ import annotations

import logging
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from omap_synthesis.config import MAX_SOURCE_BYTES
from omap_synthesis.export import passages_frame, versions, write_json, write_table
from omap_synthesis.ingest import Ingested, ingest_event

log = logging.getLogger(__name__)


@dataclass
class RunResult:
    ingested: Ingested
    out_dir: Path


def _publish(tmp: Path, target: Path) -> None:
    """Replace ``target`` by the fully written ``tmp`` folder (never a half-written output)."""
    if target.exists():
        old = target.with_name(f".{target.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        target.rename(old)
        tmp.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        tmp.rename(target)


def _manifest(ingested: Ingested, stages: list[str]) -> dict:
    event = ingested.event
    return {
        "event": event.id if event else None,
        "stages": stages,
        "inputs": {name: digest for name, digest in sorted(ingested.hashes.items())},
        "skipped": {r.name: r.reason for r in ingested.reports if r.status != "lu"},
        "versions": versions(),
        "parameters": {"max_source_bytes": MAX_SOURCE_BYTES},
    }


def run(event_dir: Path, out: Path, stages: tuple[str, ...] = ("ingest",)) -> RunResult:
    """Run ``stages`` on the event and write ``out/<event-id>/``."""
    ingested = ingest_event(event_dir)
    event = ingested.event
    out.mkdir(parents=True, exist_ok=True)
    target = out / event.id
    tmp = Path(tempfile.mkdtemp(prefix=f".{event.id}-", dir=out))
    try:
        write_table(passages_frame(ingested), tmp / "donnees", "passages")
        write_json(tmp / "manifest.json", _manifest(ingested, list(stages)))
        _publish(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return RunResult(ingested, target)
