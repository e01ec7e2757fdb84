"""The report as PDF, printed by headless Chromium where it is installed.

Chromium takes about as long to start as to print the report. ``Browser.start()`` launches it
ahead of time (the pipeline does so before the analysis) and drives it over its DevTools pipe,
so that only the print remains once the HTML is written; ``start_pdf`` prints in the background
while the caller writes other files. Without a started browser, or if it fails, the PDF is
printed by a one-off ``chromium --print-to-pdf``, as before.
"""

from __future__ import annotations

import base64
import fcntl
import json
import logging
import os
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

log = logging.getLogger(__name__)

# Headless, as root, and without the background connections a closed network refuses.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
# What ``--print-to-pdf --no-pdf-header-footer`` prints with (same pages, same bytes but dates).
PRINT_PARAMS = {"printBackground": True, "preferCSSPageSize": True, "displayHeaderFooter": False}


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


_TRAMPOLINE = (
    "import os, sys\n"
    "r, w = int(sys.argv[1]), int(sys.argv[2])\n"
    "os.dup2(r, 3)\n"
    "os.dup2(w, 4)\n"
    "os.close(r)\n"
    "os.close(w)\n"
    "os.execvp(sys.argv[3], sys.argv[3:])\n"
)


def _high(fd: int) -> int:
    """A copy of ``fd`` numbered 10 or more (so that it cannot collide with 3 and 4)."""
    copy = fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
    os.close(fd)
    return copy


class Browser:
    """A headless Chromium kept running, driven over ``--remote-debugging-pipe``.

    Chromium reads DevTools commands on its file descriptor 3 and answers on 4, one JSON
    message per NUL-terminated record. Use ``Browser.start()`` (``None`` when Chromium is
    absent), then ``print_pdf`` and ``close`` (or a ``with`` block).
    """

    def __init__(self, browser: str):
        self._profile = tempfile.TemporaryDirectory(prefix="omap-chromium-")
        commands_r, self._commands = (_high(fd) for fd in os.pipe())
        self._answers, answers_w = (_high(fd) for fd in os.pipe())
        args = [
            browser,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={self._profile.name}",
            "--remote-debugging-pipe",
            "about:blank",
        ]
        # A small Python puts the pipe ends on 3 and 4 and becomes Chromium (no preexec_fn,
        # which is unsafe with threads; sh cannot name descriptors above 9).
        trampoline = [sys.executable, "-S", "-c", _TRAMPOLINE, str(commands_r), str(answers_w)]
        try:
            self.process = subprocess.Popen(
                [*trampoline, *args],
                pass_fds=(commands_r, answers_w),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except OSError:
            os.close(self._commands)
            os.close(self._answers)
            self._profile.cleanup()
            raise
        finally:
            os.close(commands_r)
            os.close(answers_w)
        self._buffer = b""
        self._next = 0
        self._lock = threading.Lock()
        self._closed = False

    @classmethod
    def start(cls) -> Browser | None:
        """Launch Chromium in the background; ``None`` when it is not installed or fails."""
        browser = chromium()
        if browser is None:
            return None
        try:
            return cls(browser)
        except OSError as exc:
            log.info("Chromium non lancé (%s).", exc.__class__.__name__)
            return None

    def _send(self, method: str, params: dict | None = None, session: str | None = None) -> int:
        self._next += 1
        message = {"id": self._next, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        data = json.dumps(message).encode() + b"\0"
        while data:
            data = data[os.write(self._commands, data) :]
        return self._next

    def _receive(self, wanted, deadline: float) -> dict:
        while True:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                message = json.loads(raw)
                if wanted(message):
                    return message
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([self._answers], [], [], remaining)[0]:
                raise TimeoutError("Chromium ne répond pas")
            chunk = os.read(self._answers, 1 << 20)
            if not chunk:
                raise EOFError("Chromium s'est arrêté")
            self._buffer += chunk

    def _call(self, method: str, params=None, session=None, deadline: float = 0.0) -> dict:
        number = self._send(method, params, session)
        answer = self._receive(lambda m: m.get("id") == number, deadline)
        if "error" in answer:
            raise RuntimeError(f"{method} : {answer['error']}")
        return answer.get("result", {})

    def print_pdf(self, html_path: Path, pdf_path: Path, timeout: float = 120) -> bool:
        """Print ``html_path`` to ``pdf_path`` in a new tab; True when the PDF was written.

        Raises ``OSError``, ``TimeoutError`` or ``RuntimeError`` when Chromium fails.
        """
        deadline = time.monotonic() + timeout
        with self._lock:
            target = self._call("Target.createTarget", {"url": "about:blank"}, deadline=deadline)[
                "targetId"
            ]
            session = self._call(
                "Target.attachToTarget", {"targetId": target, "flatten": True}, deadline=deadline
            )["sessionId"]
            self._call("Page.enable", session=session, deadline=deadline)
            self._call(
                "Page.navigate",
                {"url": Path(html_path).resolve().as_uri()},
                session=session,
                deadline=deadline,
            )
            self._receive(
                lambda m: (
                    m.get("method") == "Page.loadEventFired" and m.get("sessionId") == session
                ),
                deadline,
            )
            data = self._call("Page.printToPDF", PRINT_PARAMS, session=session, deadline=deadline)
            Path(pdf_path).write_bytes(base64.b64decode(data["data"]))
            self._call("Target.closeTarget", {"targetId": target}, deadline=deadline)
        return Path(pdf_path).exists()

    def close(self) -> None:
        """Stop Chromium and remove its temporary profile."""
        if self._closed:
            return
        self._closed = True
        try:
            self._send("Browser.close")
            self.process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            pass
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        for fd in (self._commands, self._answers):
            os.close(fd)
        self._profile.cleanup()

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class PdfJob:
    """The report being printed in the background (``start_pdf``).

    Used as a context manager: leaving the block stops a print still running (the run failed)
    and removes the temporary browser profile of a one-off Chromium.
    """

    def __init__(self, html_path: Path, pdf_path: Path, browser: Browser | None, timeout: float):
        self.html_path, self.pdf_path = Path(html_path), Path(pdf_path)
        self.timeout = timeout
        self._browser = browser
        self._process: subprocess.Popen | None = None
        self._profile: tempfile.TemporaryDirectory | None = None
        self._result: bool | None = None
        self._cancelled = False
        self._thread = threading.Thread(target=self._print, daemon=True)
        self._thread.start()

    def _print(self) -> None:
        if self._browser is not None:
            try:
                self._result = self._browser.print_pdf(self.html_path, self.pdf_path, self.timeout)
                return
            except Exception as exc:  # noqa: BLE001 - any failure falls back to a one-off print
                log.info("Chromium déjà lancé indisponible (%s) : nouvel essai.", exc)
        if not self._cancelled:
            self._result = self._one_off()

    def _one_off(self) -> bool:
        browser = chromium()
        if browser is None:
            log.info("Chromium absent : pas de PDF (le rapport HTML et DOCX est complet).")
            return False
        self._profile = tempfile.TemporaryDirectory(prefix="omap-chromium-")
        command = [
            browser,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={self._profile.name}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={self.pdf_path}",
            self.html_path.resolve().as_uri(),
        ]
        try:
            self._process = subprocess.Popen(
                command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            code = self._process.wait(timeout=self.timeout)
            why = f"Chromium a échoué (code de sortie {code})" if code else ""
        except subprocess.TimeoutExpired:
            why = f"Chromium n'a pas fini dans le délai de {self.timeout:g} s"
        except (subprocess.SubprocessError, OSError) as exc:
            why = f"Chromium n'a pas pu être lancé ({exc.__class__.__name__})"
        if why:
            log.warning("PDF non produit : %s ; le rapport HTML et DOCX est complet.", why)
            return False
        return self.pdf_path.exists()

    def wait(self) -> bool:
        """Wait for the print; True when the PDF was written."""
        self._thread.join(self.timeout + 10)
        return bool(self._result)

    def close(self) -> None:
        """Stop a print still running (its browser with it) and remove temporary files."""
        self._cancelled = True
        if self._browser is not None and self._thread.is_alive():
            self._browser.close()
        for _ in range(2):
            process = self._process
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()
            self._thread.join(10)
        if self._profile is not None:
            self._profile.cleanup()

    def __enter__(self) -> PdfJob:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def start_pdf(
    html_path: Path, pdf_path: Path, browser: Browser | None = None, timeout: float = 120
) -> PdfJob:
    """Start printing the HTML to PDF in the background; ``wait()`` on the returned job.

    ``browser`` is a Chromium started ahead of time (``Browser.start()``); without it, or when
    it fails, a one-off Chromium prints the page. No Chromium at all means no PDF.
    """
    return PdfJob(html_path, pdf_path, browser, timeout)


def render_pdf(html_path: Path, pdf_path: Path, timeout: int = 120) -> bool:
    """Print the HTML to PDF with headless Chromium when it is installed; False otherwise."""
    with start_pdf(html_path, pdf_path, timeout=timeout) as job:
        return job.wait()
