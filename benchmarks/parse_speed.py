"""Reference figures: loading the spaCy pipeline and parsing the sample event's passages.

Prints words per second for the full pipeline (no cache), the model load time, and the time of a
second parse served by the on-disk cache. Usage: ``python benchmarks/parse_speed.py [EVENT_DIR]``.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from omap_synthesis.config import DEFAULT_EVENT_DIR
from omap_synthesis.ingest import ingest_event
from omap_synthesis.segment import count_words


def main(event_dir: Path) -> None:
    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="omap-bench-")
    from omap_synthesis.nlp import load_nlp, parse_passages

    passages = ingest_event(event_dir).passages
    words = sum(count_words(p.clean) for p in passages)
    t0 = time.perf_counter()
    nlp = load_nlp()
    t1 = time.perf_counter()
    parse_passages(nlp, passages)
    t2 = time.perf_counter()
    parse_passages(nlp, passages)
    t3 = time.perf_counter()
    print(f"passages: {len(passages)}, mots: {words}")
    print(f"chargement du pipeline: {t1 - t0:.2f} s")
    print(f"parse complet: {t2 - t1:.2f} s ({words / (t2 - t1):,.0f} mots/s)")
    print(f"parse servi par le cache: {t3 - t2:.2f} s")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_EVENT_DIR)
