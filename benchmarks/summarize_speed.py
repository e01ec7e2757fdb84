"""Parse time against summarise time on a FREDSum transcript of about 5,000 words.

Usage: python benchmarks/summarize_speed.py FREDSUM_DIR [--words 5000] [--repeat 3]

The transcript whose length is closest to ``--words`` is ingested once, parsed without the
cache (the cost a first run pays), then summarised from that parse; each step is timed
``--repeat`` times and the best time is printed. The spaCy pipeline and the summariser's
parameters are loaded before timing.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from omap_synthesis.ingest import ingest_file
from omap_synthesis.nlp import load_nlp, parse_passages
from omap_synthesis.segment import count_words
from omap_synthesis.summarize import load_model, summarize


def _best(func, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return min(times), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("fredsum", type=Path)
    parser.add_argument("--words", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    transcripts = sorted((args.fredsum / "transcript").glob("*.txt"))
    lengths = {p: count_words(p.read_text(encoding="utf-8")) for p in transcripts}
    path = min(transcripts, key=lambda p: abs(lengths[p] - args.words))
    passages = ingest_file(path).passages
    nlp = load_nlp()
    load_model()

    parse_s, docs = _best(lambda: parse_passages(nlp, passages, cache=False), args.repeat)
    summ_s, sentences = _best(lambda: summarize(passages, docs), args.repeat)
    words = sum(count_words(p.text) for p in passages)
    print(f"transcript: {path.name} ({words} words, {len(passages)} passages)")
    print(f"model: {nlp.meta['lang']}_{nlp.meta['name']} {nlp.meta['version']}")
    print(f"parse (no cache): {parse_s:.3f} s ({words / parse_s:,.0f} words/s)")
    print(f"summarise:        {summ_s:.3f} s ({len(sentences)} sentences chosen)")
    print(f"summarise / parse: {summ_s / parse_s:.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
