"""Time of tagging against the time of the spaCy parse it reuses.

Passages of the sample event (default) or the speaker turns of FREDSum transcripts (--fredsum
DIR, optional). The parse is timed without the disk cache (``nlp.pipe``); tagging is timed on
those docs, and the one-off compilation of the codebook (per process) is reported apart. Each
timing is the best of --repeat runs, in one process, side by side.

Usage::

    python benchmarks/tag_speed.py [--event data/omap-2022-10-20] [--fredsum DIR] [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from omap_synthesis.config import DEFAULT_EVENT_DIR
from omap_synthesis.event import load_codebook
from omap_synthesis.ingest import ingest_event, ingest_file
from omap_synthesis.nlp import load_nlp
from omap_synthesis.segment import count_words
from omap_synthesis.tag import CodebookTagger, tag_passages
from omap_synthesis.tag_index import compile_codebook


def best_of(repeat: int, run) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--event", type=Path, default=DEFAULT_EVENT_DIR)
    parser.add_argument("--fredsum", type=Path, help="FREDSum folder (transcript/*.txt)")
    parser.add_argument("--limit", type=int, default=20, help="FREDSum files at most")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    ingested = ingest_event(args.event)
    codebook = load_codebook(args.event / ingested.event.codebook)
    passages, event = ingested.passages, ingested.event
    if args.fredsum:
        files = sorted((args.fredsum / "transcript").glob("*.txt"))[: args.limit]
        passages = [p for f in files for p in ingest_file(f).passages]
        event = None
    passages = [p for p in passages if p.clean.strip()]
    words = sum(count_words(p.clean) for p in passages)
    nlp = load_nlp()
    texts = [p.clean for p in passages]
    parse_s, docs = best_of(args.repeat, lambda: list(nlp.pipe(texts, batch_size=64)))
    compile_codebook.cache_clear()
    compile_s, _ = best_of(1, lambda: compile_codebook(codebook, CodebookTagger(codebook).model))
    tag_s, _ = best_of(args.repeat, lambda: tag_passages(passages, docs, codebook, event))
    source = "FREDSum" if args.fredsum else ingested.event.id
    print(f"{source} : {len(passages)} passages, {words} mots, {len(codebook.labels)} labels")
    print(f"analyse spaCy (sans cache)       {parse_s:7.2f} s  ({words / parse_s:,.0f} mots/s)")
    share = 100 * tag_s / parse_s
    print(f"marquage (sur les docs)          {tag_s:7.2f} s  = {share:.1f} % de l'analyse")
    print(f"compilation du codebook (1 fois) {compile_s:7.2f} s  (cache disque des termes compris)")
    print(
        f"marquage + compilation           {100 * (tag_s + compile_s) / parse_s:.1f} % de l'analyse"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
