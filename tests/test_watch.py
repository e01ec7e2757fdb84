"""Live mode: what counts as a change, waiting for stable files, surviving failures."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from omap_synthesis.cli import app
from omap_synthesis.errors import InputError
from omap_synthesis.models import SourceReport
from omap_synthesis.watch import ADDED, CHANGED, DELETED, Change, Watcher, diff, snapshot, watched

NEW_QA = """---
talk: qr-2
avertissement: notes fictives ajoutées pour les tests
---
## Échange 9

Hind Tazi : Faut-il un registre commun des démarches ?

Mehdi Squalli : Il faut créer un registre commun des démarches administratives.
"""


@pytest.fixture
def event(tmp_path):
    folder = tmp_path / "journee"
    (folder / "sources").mkdir(parents=True)
    (folder / "event.yaml").write_text("id: j\n", encoding="utf-8")
    (folder / "sources" / "conf-1.txt").write_text("A : Bonjour.\n", encoding="utf-8")
    return folder


class FakeRun:
    """Stands for ``pipeline.run``: records calls, can fail, reports skipped files."""

    def __init__(self, fail: Exception | None = None, skipped: tuple[str, ...] = ()):
        self.calls = 0
        self.fail = fail
        self.skipped = skipped
        self.passages = ["un passage"]  # none when no source is usable

    def __call__(self, event_dir, out, stages, words):
        self.calls += 1
        if self.fail is not None:
            raise self.fail
        reports = [SourceReport(n, status="ignoré", reason="vide") for n in self.skipped]
        ingested = SimpleNamespace(reports=reports, passages=self.passages)
        edits = "lecture.yaml appliqué : une recommandation écartée, aucune placée en tête"
        applied = edits if (event_dir / "lecture.yaml").exists() else ""
        return SimpleNamespace(ingested=ingested, out_dir=out / "j", edits=applied)


def watcher_for(event, runner, messages, **kwargs):
    kwargs.setdefault("sleep", lambda s: None)
    return Watcher(event, event.parent / "out", runner=runner, notify=messages.append, **kwargs)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("sources/qr-3.md", True),
        ("event.yaml", True),
        ("lecture.yaml", True),
        ("sources/.qr-3.md.swp", False),
        ("sources/~$qr-3.docx", False),
        ("notes.txt", False),
        ("sources/archive/qr-3.md", False),
    ],
)
def test_watched_files(event, name, expected):
    assert watched(event, event / name) is expected


def test_diff_names_added_changed_and_deleted(event):
    before = snapshot(event)
    (event / "sources" / "qr-1.md").write_text("Q : Une question ?\n", encoding="utf-8")
    (event / "sources" / "conf-1.txt").unlink()
    (event / "event.yaml").write_text("id: j\ntitle: Journée\n", encoding="utf-8")
    assert diff(before, snapshot(event)) == [
        Change("event.yaml", CHANGED),
        Change("sources/conf-1.txt", DELETED),
        Change("sources/qr-1.md", ADDED),
    ]


def test_waits_until_a_half_written_file_is_stable(event):
    path = event / "sources" / "qr-1.md"
    path.write_text("Q : Une ", encoding="utf-8")
    chunks = ["question ", "longue ", "?\n"]
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        if chunks:
            with path.open("a", encoding="utf-8") as handle:
                handle.write(chunks.pop(0))

    watcher = watcher_for(event, FakeRun(), [], sleep=sleep, settle=0.2)
    state = watcher.wait_stable()
    assert len(slept) == 4 and state["sources/qr-1.md"][0] == path.stat().st_size
    assert path.read_text(encoding="utf-8").endswith("?\n")


def test_a_file_that_keeps_changing_is_read_after_max_wait(event):
    path = event / "sources" / "qr-1.md"
    ticks = iter(range(100))
    messages = []

    def sleep(seconds):
        with path.open("a", encoding="utf-8") as handle:
            handle.write("encore ")

    watcher = watcher_for(
        event, FakeRun(), messages, sleep=sleep, clock=lambda: next(ticks), max_wait=3
    )
    watcher.wait_stable()
    assert messages and "sources/qr-1.md change encore après 3,0 s" in messages[0]


def test_new_file_triggers_one_run_with_its_name(event):
    run, messages = FakeRun(), []
    watcher = watcher_for(event, run, messages)
    assert watcher.start() and run.calls == 1
    (event / "sources" / "qr-1.md").write_text("Q : Une question ?\n", encoding="utf-8")
    watcher.triggers.put("created")
    watcher.triggers.put("modified")
    assert watcher.step(timeout=0) and run.calls == 2
    assert "déclencheur : sources/qr-1.md ajouté" in messages[-1]
    assert " s (" in messages[-1]


def test_saving_lecture_yaml_confirms_what_it_did(event):
    run, messages = FakeRun(), []
    watcher = watcher_for(event, run, messages)
    watcher.start()
    assert not any("appliqué" in m for m in messages)
    (event / "lecture.yaml").write_text("exclure: [R-0123456789]\n", encoding="utf-8")
    watcher.triggers.put("created")
    assert watcher.step(timeout=0) and run.calls == 2
    assert messages[-1] == (
        "lecture.yaml appliqué : une recommandation écartée, aucune placée en tête."
    )


def test_nothing_changed_means_no_run(event):
    run = FakeRun()
    watcher = watcher_for(event, run, [])
    watcher.start()
    watcher.triggers.put("modified")
    assert not watcher.step(timeout=0)
    assert not watcher.step(timeout=0)
    assert run.calls == 1


def test_deleted_source_is_said_and_the_run_goes_on(event):
    run, messages = FakeRun(), []
    watcher = watcher_for(event, run, messages)
    watcher.start()
    (event / "sources" / "conf-1.txt").unlink()
    watcher.triggers.put("deleted")
    assert watcher.step(timeout=0) and run.calls == 2
    assert any("Source supprimée pendant le suivi : conf-1.txt" in m for m in messages)


def test_a_run_without_a_usable_source_does_not_say_it_wrote(event):
    run, messages = FakeRun(), []
    watcher = watcher_for(event, run, messages)
    watcher.start()
    (event.parent / "out" / "j").mkdir(parents=True)  # the text of an earlier run
    run.passages = []
    (event / "sources" / "conf-1.txt").unlink()
    watcher.triggers.put("deleted")
    assert watcher.step(timeout=0) and run.calls == 2
    assert messages[-1].startswith("Aucune source utilisable (déclencheur : sources/conf-1.txt")
    assert "reste en place et ne tient pas compte de ce changement" in messages[-1]


def test_failed_run_is_reported_and_watching_continues(event):
    run, messages = FakeRun(fail=InputError("event.yaml", "YAML invalide")), []
    watcher = watcher_for(event, run, messages)
    assert not watcher.start()
    assert "Échec de la synthèse" in messages[-1] and "YAML invalide" in messages[-1]
    run.fail = None
    (event / "event.yaml").write_text("id: j\n# corrigé\n", encoding="utf-8")
    watcher.triggers.put("modified")
    assert watcher.step(timeout=0) and run.calls == 2
    assert messages[-1].startswith("Synthèse écrite")


def test_skipped_new_file_is_named(event):
    messages = []
    watcher = watcher_for(event, FakeRun(skipped=("qr-1.md",)), messages)
    watcher.start()
    (event / "sources" / "qr-1.md").write_text("", encoding="utf-8")
    watcher.triggers.put("created")
    watcher.step(timeout=0)
    assert "Ignoré : qr-1.md : vide" in messages


def test_ctrl_c_stops_the_observer(event):
    watcher = watcher_for(event, FakeRun(fail=KeyboardInterrupt()), [])
    before = threading.active_count()
    with pytest.raises(KeyboardInterrupt):
        watcher.serve()
    assert threading.active_count() == before


def test_watch_without_sources_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(app, ["watch", str(tmp_path)])
    assert result.exit_code == 2
    assert "pas de dossier « sources »" in " ".join(result.output.split())


@pytest.mark.slow
def test_new_qa_file_rewrites_the_draft(nlp, sample_event, tmp_path):
    event = tmp_path / "journee"
    shutil.copytree(sample_event, event)
    out, messages = tmp_path / "out", []
    watcher = Watcher(event, out, ("ingest", "draft"), notify=messages.append, settle=0.05)
    with watcher.observing():
        assert watcher.start(), messages
        draft = out / "omap-2022-10-20" / "lecture-15h05.md"
        first = draft.stat().st_mtime_ns
        (event / "sources" / "qr-2-suite.md").write_text(NEW_QA, encoding="utf-8")
        assert watcher.step(timeout=30), messages
    assert draft.stat().st_mtime_ns != first
    manifest = json.loads((draft.parent / "manifest.json").read_text(encoding="utf-8"))
    assert "sources/qr-2-suite.md" in manifest["inputs"]
    assert "déclencheur : sources/qr-2-suite.md ajouté" in messages[-1]


def test_watched_paths_are_resolved(event, monkeypatch):
    monkeypatch.chdir(event.parent)
    watcher = Watcher(Path(event.name), Path("out"), runner=FakeRun(), notify=lambda m: None)
    assert watcher.event_dir == event.resolve()


@pytest.mark.parametrize(("last_event", "expected"), [("closed", 0.1), ("modified", 0.5)])
def test_a_file_closed_after_writing_needs_only_a_short_wait(event, last_event, expected):
    slept = []
    watcher = watcher_for(event, FakeRun(), [], sleep=slept.append, settle=0.5, quick_settle=0.1)
    watcher.start()
    (event / "sources" / "qr-1.md").write_text("Q : Une question ?\n", encoding="utf-8")
    for kind in ("created", "modified", last_event):
        watcher.triggers.put((kind, "sources/qr-1.md"))
    assert watcher.step(timeout=0)
    assert slept == [expected]
