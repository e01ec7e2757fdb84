"""Cold ``run`` against its reference, and a re-run after one new Q&A file against the cold run.

Usage: python benchmarks/rerun.py [EVENT_DIR] [--repeat N]

Each measurement runs in a fresh Python process (as the command does), on a copy of the event,
with a fresh parse cache (``XDG_CACHE_HOME`` in a temporary folder); the rounds are repeated
(3 by default) and the median of each measurement is reported, since a re-run of a few seconds
varies by several tenths from one round to the next:

1. reference: import spaCy, ``spacy.load`` the pipeline and parse every passage of the sources
   (their texts read beforehand by the parent), one ``nlp.pipe`` per source: plain spaCy, none
   of the package's caches;
2. cold run: ``pipeline.run`` with an empty cache (pipeline load included), which fills the
   caches (parsed docs, stage results, compiled tokenizer patterns);
3. re-run: one new Q&A file added, ``pipeline.run`` again in a new process (the cache holds the
   other sources, as when the rapporteur types ``omap-synthesis run`` again);
4. re-run in the same process (as ``watch`` does): one more Q&A file, second ``run`` timed.

CPU times include the run's child processes (the forked parser, Chromium).

Targets (shared/BENCHMARKS.md, issue 8): cold run <= 2 x reference; re-run <= 0.5 x cold run.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from _child import run_child

NEW_QA = """---
talk: qr-2
avertissement: notes fictives ajoutées pour la mesure
---
## Échange {n}

Hind Tazi : Faut-il un registre commun des démarches, mis à jour par chaque ministère ?

Mehdi Squalli : Il faut créer un registre commun des démarches administratives, et le publier.
"""


def _cpu() -> float:
    """CPU time of this process and of its finished children (forked parser, Chromium)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def child_reference(texts_file: Path) -> dict:
    texts = json.loads(texts_file.read_text(encoding="utf-8"))
    start, cpu = time.perf_counter(), _cpu()
    # Plain spaCy, as anyone would load and parse: none of the package's caches or warm starts.
    import spacy

    from omap_synthesis.config import DEFAULT_MODEL

    nlp = spacy.load(DEFAULT_MODEL)
    loaded = time.perf_counter()
    for group in texts:
        list(nlp.pipe(group, batch_size=64))
    end = time.perf_counter()
    return {
        "total": end - start,
        "cpu": _cpu() - cpu,
        "load": loaded - start,
        "parse": end - loaded,
    }


def _texts(event_dir: Path, path: Path) -> None:
    """The analysed text of every passage, grouped by source, for the reference child."""
    from omap_synthesis.ingest import ingest_event

    groups: dict[str, list[str]] = {}
    for p in ingest_event(event_dir).passages:
        groups.setdefault(p.source, []).append(p.clean)
    path.write_text(json.dumps(list(groups.values()), ensure_ascii=False), encoding="utf-8")


def child_run(event_dir: Path, out: Path, again: bool) -> dict:
    start, cpu = time.perf_counter(), _cpu()
    from omap_synthesis.pipeline import run

    result = run(event_dir, out)
    if again:
        _add_qa(event_dir, 2)
        start, cpu = time.perf_counter(), _cpu()
        result = run(event_dir, out)
    total = time.perf_counter() - start
    return {"total": total, "cpu": _cpu() - cpu, "timings": result.timings}


def _add_qa(event_dir: Path, n: int) -> None:
    text = NEW_QA.format(n=10 + n)
    (event_dir / "sources" / f"qr-2-suite-{n}.md").write_text(text, encoding="utf-8")


def _child(*args: str, cache: Path) -> dict:
    return run_child(__file__, list(args), cache)


def _time(figures: dict) -> str:
    return f"{figures['total']:.2f} s ({figures['cpu']:.2f} s)"


def _stages(timings: dict) -> str:
    return ", ".join(f"{k} {v:.2f}" for k, v in timings.items())


def _measure(event_dir: Path) -> dict[str, dict]:
    """One round of the four measurements, on a fresh copy of the event and fresh caches."""
    work = Path(tempfile.mkdtemp(prefix="omap-rerun-"))
    event, out = work / "event", work / "out"
    shutil.copytree(event_dir, event)
    _texts(event, work / "texts.json")
    figures = {"reference": _child("reference", str(work / "texts.json"), cache=work / "ref")}
    figures["cold"] = _child("run", str(event), str(out), cache=work / "cache")
    _add_qa(event, 1)
    figures["rerun"] = _child("run", str(event), str(out), cache=work / "cache")
    figures["same"] = _child("twice", str(event), str(out), cache=work / "cache")
    shutil.rmtree(work, ignore_errors=True)
    return figures


def _median(rounds: list[dict], name: str) -> dict:
    ordered = sorted((r[name] for r in rounds), key=lambda f: f["total"])
    return ordered[len(ordered) // 2]


def main(event_dir: Path, repeat: int) -> None:
    rounds = [_measure(event_dir) for _ in range(repeat)]
    reference, cold, rerun, same = (
        _median(rounds, name) for name in ("reference", "cold", "rerun", "same")
    )
    print(
        f"event: {event_dir.name} (temporary copy, fresh caches); wall s (CPU s), median of "
        f"{repeat} rounds (stages of the median round)"
    )
    print(
        f"reference, load + parse (no cache): {_time(reference)} "
        f"(load {reference['load']:.2f} s, parse {reference['parse']:.2f} s)"
    )
    rows = [
        ("cold run", cold, reference, "reference", 2),
        ("re-run, one new Q&A file, new process", rerun, cold, "cold run", 0.5),
        ("re-run, one new Q&A file, same process (watch)", same, cold, "cold run", 0.5),
    ]
    for label, figures, base, base_name, target in rows:
        print(
            f"{label}: {_time(figures)} = {figures['total'] / base['total']:.2f} x {base_name} "
            f"({figures['cpu'] / base['cpu']:.2f} x in CPU time; target <= {target})"
        )
        print(f"  stages (wall s): {_stages(figures['timings'])}")
    ratios = ", ".join(f"{r['rerun']['total'] / r['cold']['total']:.2f}" for r in rounds)
    print(f"re-run / cold run in each round: {ratios}")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        mode, paths = sys.argv[2], [Path(p) for p in sys.argv[3:]]
        if mode == "reference":
            figures = child_reference(*paths)
        else:
            figures = child_run(*paths, again=mode == "twice")
        print(json.dumps(figures))
    else:
        import argparse

        from omap_synthesis.config import DEFAULT_EVENT_DIR

        parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
        parser.add_argument("event_dir", nargs="?", type=Path, default=DEFAULT_EVENT_DIR)
        parser.add_argument("--repeat", type=int, default=3, help="rounds (median reported)")
        args = parser.parse_args()
        main(args.event_dir, args.repeat)
