"""Live mode: one process keeps the pipeline loaded and rewrites the outputs as sources arrive.

A watchdog observer only wakes the watcher up; what changed is read from the folder itself. The
watcher compares the size and modification time of every watched file (``sources/*`` and the
YAML files of the event folder) with the state of the last run, after waiting until that state
holds still for ``settle`` seconds, so a file still being written is never read half-way. A run
that fails is reported and the watcher waits for the next change.
"""

from __future__ import annotations

import logging
import queue
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from omap_synthesis.check import FaithfulnessError
from omap_synthesis.draft import DEFAULT_WORDS
from omap_synthesis.errors import InputError
from omap_synthesis.pipeline import STAGES, run

log = logging.getLogger(__name__)

SETTLE = 0.5
# A file whose last event is a close after writing, a rename into place or a deletion is
# complete: the wait is this short, to see whether anything else is still moving.
QUICK_SETTLE = 0.1
_COMPLETE_EVENTS = {"closed", "moved", "deleted"}
MAX_WAIT = 30.0
# The wait for a change wakes up this often (s), so Ctrl-C is seen promptly.
POLL = 1.0
_IGNORED_EVENTS = {"opened", "closed_no_write"}
ADDED, CHANGED, DELETED = "ajouté", "modifié", "supprimé"

State = dict[str, tuple[int, int]]


@dataclass(frozen=True)
class Change:
    """A watched file that differs from the last run: its name in the event folder and how."""

    name: str
    kind: str

    def __str__(self) -> str:
        return f"{self.name} {self.kind}"


def watched(event_dir: Path, path: Path) -> bool:
    """Whether ``path`` matters to a run: a source, or a YAML file of the event folder."""
    if path.name.startswith(".") or path.name.startswith("~"):
        return False
    if path.parent == event_dir / "sources":
        return True
    return path.parent == event_dir and path.suffix in {".yaml", ".yml"}


def snapshot(event_dir: Path) -> State:
    """Size and modification time (ns) of every watched file, by name in the event folder."""
    state: State = {}
    for folder in (event_dir, event_dir / "sources"):
        try:
            entries = list(folder.iterdir())
        except OSError:
            continue
        for path in entries:
            try:
                if path.is_file() and watched(event_dir, path):
                    stat = path.stat()
                    state[path.relative_to(event_dir).as_posix()] = (stat.st_size, stat.st_mtime_ns)
            except OSError:  # gone between listing and stat: it is not there
                continue
    return state


def diff(before: State, after: State) -> list[Change]:
    """Files added, changed or deleted between two states, by name."""
    changes = [Change(name, ADDED) for name in after if name not in before]
    changes += [Change(name, DELETED) for name in before if name not in after]
    changes += [Change(n, CHANGED) for n in after if n in before and after[n] != before[n]]
    return sorted(changes, key=lambda c: c.name)


class _Wake(FileSystemEventHandler):
    """Put a token on the queue whenever a watched file is touched."""

    def __init__(self, event_dir: Path, triggers: queue.Queue):
        self.event_dir = event_dir
        self.triggers = triggers

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory or event.event_type in _IGNORED_EVENTS:
            return
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            path = Path(str(raw)) if raw else None
            if path is not None and watched(self.event_dir, path):
                self.triggers.put((event.event_type, path.relative_to(self.event_dir).as_posix()))


def _seconds(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


class Watcher:
    """Regenerate the outputs of an event whenever its sources change.

    Parameters
    ----------
    event_dir, out : Path
        The event folder and the output folder, as for ``pipeline.run``.
    stages : tuple of str
        Stages of every run (default: draft and report).
    words : int
        Target length of the rapporteur's text.
    notify : callable
        Receives every French message (the command prints them on stderr).
    runner : callable
        ``runner(event_dir, out, stages, words) -> RunResult`` (``pipeline.run``).
    settle : float
        Seconds the watched files must stay unchanged before a run.
    quick_settle : float
        The same wait when every changed file's last event says it is complete (closed after
        writing, renamed into place, deleted).
    max_wait : float
        After this many seconds of a file still changing, run anyway.
    clock, sleep : callable
        Time source and sleep, replaceable in tests.
    """

    def __init__(
        self,
        event_dir: Path,
        out: Path,
        stages: tuple[str, ...] = STAGES,
        words: int = DEFAULT_WORDS,
        notify: Callable[[str], None] = log.info,
        runner: Callable | None = None,
        settle: float = SETTLE,
        max_wait: float = MAX_WAIT,
        quick_settle: float = QUICK_SETTLE,
        clock: Callable[[], float] = time.perf_counter,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.event_dir = Path(event_dir).resolve()
        self.out = Path(out)
        self.stages = stages
        self.words = words
        self.notify = notify
        # Live mode skips the PDF: Chromium's start-up would delay every regeneration.
        self.runner = runner or partial(run, pdf=False)
        self.settle = settle
        self.quick_settle = min(quick_settle, settle)
        self.max_wait = max_wait
        self.clock = clock
        self.sleep = sleep
        self.triggers: queue.Queue = queue.Queue()
        self.last: State = {}
        self.runs = 0
        # Last watchdog event of each watched file (name in the event folder) since the last run.
        self.latest: dict[str, str] = {}

    @contextmanager
    def observing(self) -> Iterator[None]:
        """Watch the event folder with watchdog for the duration of the block."""
        observer = Observer()
        observer.schedule(_Wake(self.event_dir, self.triggers), str(self.event_dir), recursive=True)
        observer.start()
        try:
            yield
        finally:
            observer.stop()
            observer.join()

    def start(self) -> bool:
        """The first run, on the folder as it is."""
        self.last = snapshot(self.event_dir)
        return self.regenerate([])

    def step(self, timeout: float | None = None) -> bool:
        """Wait for a change, let it settle, regenerate; False when nothing came or changed."""
        try:
            self._note(self.triggers.get(timeout=timeout))
        except queue.Empty:
            return False
        state = self.wait_stable()
        self.latest.clear()
        changes = diff(self.last, state)
        self.last = state
        if not changes:
            return False
        self.regenerate(changes)
        return True

    def serve(self, max_runs: int | None = None) -> None:
        """Run once, then on every change, for ever or until ``max_runs`` runs in all.

        Ctrl-C (``KeyboardInterrupt``) stops the observer and propagates.
        """
        with self.observing():
            self.notify(f"Première synthèse de {self.event_dir.name}…")
            self.start()
            self.notify(
                f"Suivi de {self.event_dir / 'sources'} : chaque fichier déposé, modifié ou "
                "supprimé relance la synthèse (Ctrl-C pour arrêter)."
            )
            while max_runs is None or self.runs < max_runs:
                self.step(timeout=POLL)

    def wait_stable(self) -> State:
        """The watched files' state once it has held still for ``settle`` seconds.

        ``quick_settle`` seconds are enough when every file that changed since the last run was
        last closed after writing, renamed into place or deleted.
        """
        self._drain()
        state = snapshot(self.event_dir)
        deadline = self.clock() + self.max_wait
        while True:
            self.sleep(self._settle_time(state))
            self._drain()
            again = snapshot(self.event_dir)
            if again == state:
                return again
            if self.clock() >= deadline:
                moving = ", ".join(c.name for c in diff(state, again))
                self.notify(
                    f"{moving} change encore après {_seconds(self.max_wait)} s : synthèse "
                    "relancée sur son état actuel."
                )
                return again
            state = again

    def _settle_time(self, state: State) -> float:
        changed = diff(self.last, state)
        if changed and all(self.latest.get(c.name) in _COMPLETE_EVENTS for c in changed):
            return self.quick_settle
        return self.settle

    def _note(self, trigger) -> None:
        """Remember the event of a trigger ``(event type, name)``; a bare type names no file."""
        if isinstance(trigger, tuple):
            kind, name = trigger
            self.latest[name] = kind

    def _drain(self) -> None:
        while not self.triggers.empty():
            self._note(self.triggers.get_nowait())

    def regenerate(self, changes: list[Change]) -> bool:
        """One run; reports its duration and trigger, or why it failed. True on success."""
        for change in changes:
            if change.kind == DELETED and change.name.startswith("sources/"):
                self.notify(
                    f"Source supprimée pendant le suivi : {change.name.removeprefix('sources/')}"
                    " ; la synthèse est refaite sans elle."
                )
        trigger = ", ".join(map(str, changes)) or "démarrage"
        self.runs += 1
        started = self.clock()
        try:
            result = self.runner(self.event_dir, self.out, self.stages, self.words)
        except Exception as exc:  # noqa: BLE001 - live mode reports every failure and goes on
            self.notify(
                f"Échec de la synthèse (déclencheur : {trigger}) : {_failure(exc)}\n"
                "Le suivi continue : corrigez le fichier en cause et enregistrez-le."
            )
            log.debug("échec de la synthèse", exc_info=True)
            return False
        names = {c.name.removeprefix("sources/") for c in changes}
        for report in result.ingested.reports:
            if not changes or report.name in names:
                if report.reason:
                    what = "Ignoré" if report.status != "lu" else "Lu en partie"
                    self.notify(f"{what} : {report.name} : {report.reason}")
                if report.remarks:
                    self.notify(f"Remarque : {report.name} : {report.remarks}")
        if not result.ingested.passages:
            kept = (
                f"le texte déjà écrit dans {result.out_dir} reste en place et ne tient pas compte "
                "de ce changement"
                if result.out_dir.exists()
                else "rien n'est écrit"
            )
            self.notify(
                f"Aucune source utilisable (déclencheur : {trigger}) : {kept}. Le suivi continue."
            )
            return False
        self.notify(
            f"Synthèse écrite dans {result.out_dir} en {_seconds(self.clock() - started)} s "
            f"(déclencheur : {trigger})."
        )
        # What the rapporteur's lecture.yaml did, at the start and each time she saves it.
        if result.edits and (not changes or any(c.name.startswith("lecture.") for c in changes)):
            self.notify(f"{result.edits}.")
        return True


def _failure(exc: Exception) -> str:
    if isinstance(exc, InputError | FaithfulnessError):
        return str(exc)
    if isinstance(exc, PermissionError):
        return f"impossible d'écrire dans {exc.filename} (droits insuffisants)."
    return f"erreur inattendue ({exc.__class__.__name__} : {exc})."
