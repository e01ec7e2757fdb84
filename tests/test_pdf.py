"""The report's PDF: a Chromium started ahead of time prints like a one-off Chromium."""

from __future__ import annotations

import pytest

from omap_synthesis.pdf import Browser, chromium, render_pdf, start_pdf

needs_chromium = pytest.mark.skipif(chromium() is None, reason="Chromium absent")

PAGE = "<!doctype html><html lang='fr'><meta charset='utf-8'><h1>Rapport</h1><p>Texte.</p></html>"


def _pages(path) -> int:
    return path.read_bytes().count(b"/Type /Page\n") + path.read_bytes().count(b"/Type /Page ")


@needs_chromium
def test_started_browser_prints_the_same_pages(tmp_path):
    html = tmp_path / "rapport.html"
    html.write_text(PAGE, encoding="utf-8")
    assert render_pdf(html, tmp_path / "seul.pdf")
    with Browser.start() as browser:
        for name in ("a.pdf", "b.pdf"):
            with start_pdf(html, tmp_path / name, browser) as job:
                assert job.wait()
    one_off = (tmp_path / "seul.pdf").read_bytes()
    printed = (tmp_path / "a.pdf").read_bytes()
    assert len(printed) == len(one_off) and _pages(tmp_path / "a.pdf") >= 1
    # Same bytes but for the creation and modification dates.
    assert sum(x != y for x, y in zip(printed, one_off, strict=True)) <= 8


@needs_chromium
def test_a_browser_that_died_falls_back_to_a_one_off_print(tmp_path):
    html = tmp_path / "rapport.html"
    html.write_text(PAGE, encoding="utf-8")
    browser = Browser.start()
    browser.process.kill()
    browser.process.wait()
    with start_pdf(html, tmp_path / "r.pdf", browser) as job:
        assert job.wait()
    browser.close()
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    ("script", "why"),
    [
        ("exit 3", "Chromium a échoué (code de sortie 3)"),
        ("sleep 30", "Chromium n'a pas fini dans le délai de 1 s"),
    ],
)
def test_a_pdf_not_printed_says_why_in_french(tmp_path, monkeypatch, caplog, script, why):
    """« PDF non produit (CalledProcessError) » named a Python class, not the reason."""
    from omap_synthesis import pdf

    fake = tmp_path / "chromium"
    fake.write_text(f"#!/bin/sh\n{script}\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setattr(pdf, "chromium", lambda: str(fake))
    html = tmp_path / "rapport.html"
    html.write_text(PAGE, encoding="utf-8")
    with start_pdf(html, tmp_path / "r.pdf", None, timeout=1) as job:
        assert not job.wait()
    assert f"PDF non produit : {why} ; le rapport HTML et DOCX est complet." in caplog.text
