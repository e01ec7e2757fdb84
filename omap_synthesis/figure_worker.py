"""Draw the report's figures in another Python process, started ahead of time.

A one-off ``run`` spends more than a second importing matplotlib and drawing its figures, on one
core while the other waits. :class:`FigureWorker` starts ``python -m omap_synthesis.figure_worker``
during the run: the child imports matplotlib, then draws each batch of figures the parent
submits (the programme's figures once the passages are parsed, the analysis' figures once it is
done) while the parent goes on. A batch is a pickle file whose path goes down the child's
standard input, one line per batch; the PNGs come back pickled on its standard output, each
answer preceded by its length.

Nothing depends on the child: when it cannot start, fails or takes longer than ``WAIT`` seconds,
:meth:`FigureWorker.results` returns ``None`` and the figures are drawn in the main process.
"""

from __future__ import annotations

import logging
import os
import pickle
import select
import subprocess
import sys
import tempfile
import time
from pathlib import Path

log = logging.getLogger(__name__)

# Seconds to wait for a batch of figures before drawing them in the main process.
WAIT = 60
# Bytes of the length that precedes each answer, and the largest answer believed.
_LENGTH, _MAX_ANSWER = 8, 1 << 30


class FigureWorker:
    """The child process: ``submit`` batches of figures, then ``results`` of each, ``close``."""

    command = (sys.executable, "-m", "omap_synthesis.figure_worker")

    def __init__(self) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="omap-figures-")
        try:
            self.process = subprocess.Popen(
                self.command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        except OSError:
            self._folder.cleanup()
            raise
        self._submitted = 0
        self._answers: list[object] = []
        self._buffer = b""
        self._broken = False

    @classmethod
    def start(cls) -> FigureWorker | None:
        """Start the child; ``None`` when it cannot be started."""
        try:
            return cls()
        except OSError as exc:
            log.debug("figures dessinées dans le processus principal : %s", exc)
            return None

    def submit(self, jobs: list[tuple[str, tuple, dict]]) -> int:
        """Hand over a batch of ``(function of omap_synthesis.figures, args, kwargs)``.

        Returns the batch's number, for :meth:`results`.
        """
        path = Path(self._folder.name) / f"{self._submitted}.pickle"
        try:
            path.write_bytes(pickle.dumps(jobs, protocol=pickle.HIGHEST_PROTOCOL))
            self.process.stdin.write(f"{path}\n".encode())
            self.process.stdin.flush()
        except (OSError, ValueError, pickle.PicklingError):
            self._broken = True
        self._submitted += 1
        return self._submitted - 1

    def results(self, batch: int, count: int, timeout: float = WAIT) -> list[bytes] | None:
        """The ``count`` PNGs of ``batch``, or ``None`` when the child did not draw them."""
        deadline = time.monotonic() + timeout
        while len(self._answers) <= batch and batch < self._submitted and not self._broken:
            answer = self._answer(deadline)
            if answer is None:
                log.warning("figures : le processus annexe ne répond pas, dessinées ici")
                self._broken = True
                self.close()
            else:
                self._answers.append(answer)
        pngs = self._answers[batch] if batch < len(self._answers) else None
        if not (
            isinstance(pngs, list)
            and len(pngs) == count
            and all(isinstance(p, bytes) for p in pngs)
        ):
            if pngs is not None:
                log.debug("figures : réponse inutilisable du processus annexe (%s)", pngs)
            return None
        return pngs

    def _answer(self, deadline: float) -> object | None:
        header = self._read(_LENGTH, deadline)
        size = int.from_bytes(header, "big") if header else 0
        data = self._read(size, deadline) if 0 < size <= _MAX_ANSWER else None
        if data is None:
            return None
        try:
            return pickle.loads(data)
        except Exception:  # noqa: BLE001 - a broken answer is ignored, the figures are redrawn
            return None

    def _read(self, size: int, deadline: float) -> bytes | None:
        fd = self.process.stdout.fileno()
        while len(self._buffer) < size:
            left = deadline - time.monotonic()
            try:
                if left <= 0 or not select.select([fd], [], [], left)[0]:
                    return None
                chunk = os.read(fd, 1 << 16)
            except OSError:
                return None
            if not chunk:
                return None
            self._buffer += chunk
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data

    def close(self) -> None:
        """Stop the child and remove the batch files."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if not stream.closed:
                try:
                    stream.close()
                except OSError:
                    pass
        self._folder.cleanup()


def main() -> None:
    """The child: import matplotlib, then draw each batch named on standard input.

    Standard output carries the answers only: anything a library prints goes to standard error.
    """
    answers, sys.stdout = sys.stdout.buffer, sys.stderr
    from omap_synthesis import figures

    for line in sys.stdin.buffer:
        jobs = pickle.loads(Path(line.decode().strip()).read_bytes())
        try:
            answer: object = [figures.render(draw, args, kwargs) for draw, args, kwargs in jobs]
        except Exception as exc:  # noqa: BLE001 - reported to the parent, which draws them
            answer = f"{type(exc).__name__}: {exc}"
        data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        answers.write(len(data).to_bytes(_LENGTH, "big") + data)
        answers.flush()


if __name__ == "__main__":
    main()
