"""Corpus-mode throughput and memory against raw ``nlp.pipe`` of the same pipeline and text.

Usage: python benchmarks/corpus_throughput.py FREDSUM_DIR [--words 1000000] [--batch-size 64]

The FREDSum development transcripts (CC BY-SA 4.0, Rennard et al. 2023) are copied into
folders ``copie-01``, ``copie-02``… until about ``--words`` words. Every copy of a file starts
with one more turn naming its copy number, so each is a distinct source for the parse cache; the
cache (``XDG_CACHE_HOME``) is a fresh temporary folder, which corpus mode fills as it goes, as it
does by default. Two fresh processes then measure, after the pipeline is loaded:

- raw: ``nlp.pipe`` over the analysed text of every passage of the corpus (docs discarded),
  with the whole pipeline, then without the entity recogniser (corpus mode leaves it out of
  sources without Q&A exchanges, whose entities nothing reads);
- corpus: ``corpus.build_corpus`` on the copies with the sample event's codebook (ingest, parse,
  tag, rows, CSV + Parquet), with the resident memory at 25, 50 and 100 % of the sources.

Targets (issue 8): corpus >= 0.8 x raw words/s; peak memory <= 2 GB and not growing.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from _child import run_child

from omap_synthesis.segment import count_words


def rss_mb() -> float:
    """Resident memory of this process now (Linux ``/proc``), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def replicate(transcripts: Path, target: Path, words: int) -> tuple[int, int, int]:
    """Copies of the transcripts until ``words``; returns (files, words, copies)."""
    files = sorted(transcripts.glob("*.txt"))
    texts = {p: p.read_text(encoding="utf-8") for p in files}
    total = n = copy = 0
    while total < words:
        copy += 1
        folder = target / f"copie-{copy:02d}"
        folder.mkdir(parents=True)
        for path in files:
            if total >= words:
                break
            mark = f"Copie : exemplaire {copy} de ce segment FREDSum.\n\n"
            (folder / path.name).write_text(mark + texts[path], encoding="utf-8")
            total += count_words(mark + texts[path])
            n += 1
    return n, total, copy


def child_raw(corpus: Path, batch_size: int, disable: list[str]) -> dict:
    from omap_synthesis.ingest import ingest_files
    from omap_synthesis.nlp import load_nlp

    paths = sorted(corpus.glob("*/*.txt"))
    passages = ingest_files(paths).passages
    texts = [p.clean for p in passages]
    words = sum(count_words(p.text) for p in passages)
    start = time.perf_counter()
    nlp = load_nlp()
    loaded, cpu = time.perf_counter(), time.process_time()
    for _doc in nlp.pipe(texts, batch_size=batch_size, disable=disable):
        pass
    end = time.perf_counter()
    return {
        "words": words,
        "load": loaded - start,
        "seconds": end - loaded,
        "cpu": time.process_time() - cpu,
        "peak": peak_mb(),
    }


def child_corpus(corpus: Path, out: Path, codebook: Path, batch_size: int) -> dict:
    from omap_synthesis.corpus import build_corpus, find_units
    from omap_synthesis.nlp import load_nlp

    units = find_units(sorted(corpus.iterdir()))
    start = time.perf_counter()
    load_nlp()
    loaded, cpu = time.perf_counter(), time.process_time()
    marks = {max(1, round(len(units) * f)): f for f in (0.25, 0.5, 1.0)}
    samples, done = [], 0

    def on_unit(n: int = 1) -> None:
        nonlocal done
        done += n
        if done in marks:
            samples.append((marks[done], rss_mb(), peak_mb()))

    result = build_corpus(units, out, codebook, batch_size=batch_size, on_unit=on_unit)
    end = time.perf_counter()
    return {
        "words": result.words,
        "passages": result.passages,
        "load": loaded - start,
        "seconds": end - loaded,
        "cpu": time.process_time() - cpu,
        "peak": peak_mb(),
        "samples": samples,
    }


def _child(args: list[str], cache: Path) -> dict:
    return run_child(__file__, args, cache)


def main(argv: list[str] | None = None) -> None:
    from omap_synthesis.config import DEFAULT_EVENT_DIR

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("fredsum", type=Path)
    parser.add_argument("--words", type=int, default=1_000_000)
    parser.add_argument("--batch-size", type=int, default=64)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="omap-corpus-"))
    corpus = work / "corpus"
    files, _, copies = replicate(args.fredsum / "transcript", corpus, args.words)
    codebook = DEFAULT_EVENT_DIR / "codebook.yaml"
    batch = str(args.batch_size)
    raw = _child(["raw", str(corpus), batch], work / "cache-raw")
    lean = _child(["raw", str(corpus), batch, "ner"], work / "cache-raw")
    mine = _child(["corpus", str(corpus), str(work / "out"), str(codebook), batch], work / "cache")
    raw_speed = raw["words"] / raw["seconds"]
    lean_speed = lean["words"] / lean["seconds"]
    speed = mine["words"] / mine["seconds"]
    print(
        f"corpus: {files} files, {raw['words']:,} words of speech ({copies} copies of the "
        "FREDSum dev transcripts, each marked as a distinct source; fresh parse cache, filled "
        "by corpus mode)"
    )
    print(
        f"raw nlp.pipe:  {raw_speed:,.0f} words/s ({raw['words']:,} words in "
        f"{raw['seconds']:.1f} s, load {raw['load']:.1f} s), peak {raw['peak']:,.0f} MB"
    )
    print(
        f"raw nlp.pipe without ner (what corpus mode runs on transcripts without Q&A): "
        f"{lean_speed:,.0f} words/s"
    )
    print(
        f"corpus mode:   {speed:,.0f} words/s = {speed / raw_speed:.2f} x raw (target >= 0.8), "
        f"{speed / lean_speed:.2f} x raw without ner; "
        f"{mine['passages']:,} passages in {mine['seconds']:.1f} s"
    )
    print(
        f"in CPU time:   raw {raw['words'] / raw['cpu']:,.0f} words/s, corpus "
        f"{mine['words'] / mine['cpu']:,.0f} words/s = "
        f"{(mine['words'] / mine['cpu']) / (raw['words'] / raw['cpu']):.2f} x raw"
    )
    print(f"peak memory:   {mine['peak']:,.0f} MB (target <= 2048)")
    for fraction, rss, peak in mine["samples"]:
        print(
            f"  at {fraction:4.0%} of the sources: resident {rss:,.0f} MB, "
            f"peak so far {peak:,.0f} MB"
        )
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        mode, rest = sys.argv[2], sys.argv[3:]
        if mode == "raw":
            figures = child_raw(Path(rest[0]), int(rest[1]), rest[2:])
        else:
            figures = child_corpus(Path(rest[0]), Path(rest[1]), Path(rest[2]), int(rest[3]))
        print(json.dumps(figures))
    else:
        main()
