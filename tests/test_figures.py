"""The report's figures: drawn in the figure worker or in place, the same bytes either way."""

from __future__ import annotations

import sys

import pandas as pd
import pytest

from omap_synthesis import figure_worker
from omap_synthesis.figure_worker import FigureWorker
from omap_synthesis.figures import render
from omap_synthesis.report import FigureJob, start_figures

MATRIX = pd.DataFrame([[0.1, 0.5], [0.3, 0.9]], index=["O1", "O2"], columns=["conf-1", "qr-1"])
JOBS = [
    ("heatmap", (MATRIX, "Objectifs × séquences", "part"), {}),
    ("heatmap", (MATRIX * 10, "Thèmes × séquences", "passages"), {"fmt": "{:.0f}"}),
]


def _jobs() -> list[FigureJob]:
    return [
        FigureJob(f"f{k}", "légende", "texte", draw, args, kwargs, f"clé-{k}")
        for k, (draw, args, kwargs) in enumerate(JOBS)
    ]


def test_worker_draws_each_batch_with_the_same_bytes_as_the_main_process():
    worker = FigureWorker.start()
    try:
        first, second = worker.submit(JOBS[:1]), worker.submit(JOBS[1:])
        assert worker.results(second, 1) == [render(*JOBS[1])]
        assert worker.results(first, 1) == [render(*JOBS[0])]
    finally:
        worker.close()
    assert worker.process.poll() is not None


def test_figures_are_drawn_without_pyplot_outside_notebooks():
    if "matplotlib.pyplot" in sys.modules:
        pytest.skip("pyplot déjà importé par un autre test")
    render(*JOBS[0])
    assert "matplotlib.pyplot" not in sys.modules


def test_a_failed_batch_is_missing_and_the_next_one_is_drawn():
    worker = FigureWorker.start()
    try:
        bad = worker.submit([("os.system", ("true",), {})])
        good = worker.submit(JOBS[:1])
        assert worker.results(bad, 1) is None
        assert worker.results(good, 1) == [render(*JOBS[0])]
    finally:
        worker.close()
    with pytest.raises(ValueError, match="figure inconnue"):
        render("os.system", ("true",), {})


def test_a_worker_that_does_not_answer_is_stopped_after_the_wait(monkeypatch):
    silent = (sys.executable, "-c", "import time; time.sleep(60)")
    monkeypatch.setattr(FigureWorker, "command", silent)
    worker = FigureWorker.start()
    try:
        batch = worker.submit(JOBS)
        assert worker.results(batch, len(JOBS), timeout=0.5) is None
        assert worker.process.poll() is not None
    finally:
        worker.close()


def test_broken_worker_falls_back_to_drawing_in_place(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(figure_worker.FigureWorker, "results", lambda *a, **k: None)
    worker = FigureWorker.start()
    try:
        figures = start_figures(_jobs(), worker)()
    finally:
        worker.close()
    assert [f.png for f in figures.values()] == [render(*job) for job in JOBS]


def test_cached_figures_are_not_drawn_again(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    first = start_figures(_jobs())()

    class Refuses:
        def submit(self, jobs):
            raise AssertionError("rien à dessiner")

    assert start_figures(_jobs(), Refuses())() == first


def test_a_worker_that_answers_garbage_is_not_believed(monkeypatch):
    garbage = (sys.executable, "-c", "import sys; sys.stdout.write('Matplotlib is building…' * 9)")
    monkeypatch.setattr(FigureWorker, "command", garbage)
    worker = FigureWorker.start()
    try:
        assert worker.results(worker.submit(JOBS), len(JOBS), timeout=5) is None
    finally:
        worker.close()


def test_a_request_that_cannot_be_written_is_drawn_in_place(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    worker = FigureWorker.start()
    worker._folder.cleanup()  # the batch file cannot be written
    try:
        figures = start_figures(_jobs(), worker)()
    finally:
        worker.close()
    assert [f.png for f in figures.values()] == [render(*job) for job in JOBS]
