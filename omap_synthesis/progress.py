"""Progress bars for long commands: on a terminal only, never on stdout.

A bar is drawn on stderr when stderr is a terminal, the ``CI`` environment variable is not set
and the command was not asked for ``--json``; everywhere else (CI logs, pipes, files) the helper
is silent, so redirected output stays clean.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Advance = Callable[..., None]


def in_ci() -> bool:
    """Whether a CI service runs us (``CI`` set to anything but ``0``/``false``)."""
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false"}


def enabled(quiet: bool = False) -> bool:
    """Whether a progress bar may be drawn: stderr is a terminal, not CI, not ``quiet``."""
    return not quiet and not in_ci() and sys.stderr.isatty()


def _silent(n: int = 1, description: str | None = None) -> None:
    """Advance nothing: progress is off."""


@contextmanager
def progress(total: int | None, description: str, quiet: bool = False) -> Iterator[Advance]:
    """Show a bar of ``total`` steps on stderr where allowed; yield ``advance``.

    ``advance(n=1, description=None)`` moves the bar by ``n`` steps and, when given, replaces
    its label (e.g. with the name of the stage now running).

    Parameters
    ----------
    total : int or None
        Number of steps (``None``: unknown, the bar only counts).
    description : str
        French label shown before the bar.
    quiet : bool
        True under ``--json`` (or any machine-read output): never draw.

    Examples
    --------
    >>> with progress(3, "Sources") as advance:
    ...     for _ in range(3):
    ...         advance()
    """
    if not enabled(quiet):
        yield _silent
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    columns = (
        "{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(description, total=total)
        yield lambda n=1, description=None: bar.update(task, advance=n, description=description)
