"""Corpus mode: units found in folders, one dataset streamed out, same on a Dask cluster."""

from __future__ import annotations

import filecmp
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from omap_synthesis import corpus, progress
from omap_synthesis.cli import app
from omap_synthesis.corpus import build_corpus, connect, find_units
from omap_synthesis.errors import InputError

TRANSCRIPTS = Path(__file__).resolve().parent / "fixtures" / "fredsum" / "transcript"
runner = CliRunner()


@pytest.fixture(scope="module")
def codebook(sample_event):
    return sample_event / "codebook.yaml"


@pytest.fixture(scope="module")
def transcripts(tmp_path_factory):
    """The FREDSum fixtures and two unusable files beside them."""
    folder = tmp_path_factory.mktemp("corpus") / "debats"
    shutil.copytree(TRANSCRIPTS, folder)
    (folder / "vide.srt").write_text("", encoding="utf-8")
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4")
    return folder


@pytest.fixture(scope="module")
def dataset(nlp, transcripts, codebook, tmp_path_factory):
    out = tmp_path_factory.mktemp("local")
    return build_corpus(find_units([transcripts]), out, codebook)


def test_units_of_events_and_loose_transcripts(sample_event, tmp_path):
    (tmp_path / "a.txt").write_text("A : Bonjour.", encoding="utf-8")
    (tmp_path / "a.md").write_text("A : Bonsoir.", encoding="utf-8")
    (tmp_path / "notes.csv").write_text("x", encoding="utf-8")
    shutil.copytree(sample_event, tmp_path / "journee", ignore=shutil.ignore_patterns("*.docx"))
    units = find_units([tmp_path, sample_event])
    loose = [u for u in units if not u.is_event]
    # notes.csv is a unit too: processing it says it is not read (see the skipped files).
    assert [u.source_id for u in loose] == ["a-md", "a-txt", "notes"]
    assert sorted(u.label for u in units if u.is_event) == ["journee", "omap-2022-10-20"]


def test_same_folder_names_get_distinct_labels(tmp_path):
    for parent in ("x", "y"):
        folder = tmp_path / parent / "debats"
        folder.mkdir(parents=True)
        (folder / "d.txt").write_text("A : Bonjour.", encoding="utf-8")
    units = find_units([tmp_path / "y" / "debats", tmp_path / "x" / "debats"])
    assert [u.label for u in units] == ["debats", "debats-2"]


@pytest.mark.parametrize("make", ["missing", "empty"])
def test_unusable_folder_is_an_error(tmp_path, make):
    folder = tmp_path / "absent"
    if make == "empty":
        folder.mkdir()
        (folder / "image.png").write_bytes(b"\x89PNG")
    with pytest.raises(InputError):
        find_units([folder])


def test_a_file_for_a_folder_is_said_not_a_folder(tmp_path):
    (tmp_path / "debat.txt").write_text("A : Bonjour.", encoding="utf-8")
    with pytest.raises(InputError, match="pas un dossier"):
        find_units([tmp_path / "debat.txt"])


def test_hidden_transcripts_and_broken_links_are_named_not_dropped(tmp_path):
    folder = tmp_path / "debats"
    folder.mkdir()
    (folder / "a.txt").write_text("A : Bonjour à tous.", encoding="utf-8")
    (folder / ".brouillon.txt").write_text("B : Bonsoir.", encoding="utf-8")
    (folder / ".DS_Store").write_bytes(b"\x00")
    (folder / "lien.txt").symlink_to(tmp_path / "absent.txt")
    result = build_corpus(find_units([folder]), tmp_path / "out")
    assert result.passages == 1
    assert result.skipped == {
        "debats/.brouillon.txt": "fichier caché, ignoré",
        "debats/lien.txt": "fichier introuvable",
    }


def test_dataset_has_every_passage_tagged(dataset, transcripts):
    frame = pd.read_parquet(dataset.out_dir / "passages.parquet")
    assert len(frame) == dataset.passages > 0
    assert set(frame["event"]) == {"debats"}
    assert frame["passage_id"].is_unique
    assert {"score_O1", "score_O2", "score_O3"} <= set(frame.columns)
    assert frame["score_O1"].between(0, 1).all()
    assert "theme" not in frame.columns
    assert list(frame["source"].drop_duplicates()) == sorted(p.name for p in TRANSCRIPTS.iterdir())
    csv = pd.read_csv(dataset.out_dir / "passages.csv", keep_default_na=False)
    assert list(csv.columns) == list(frame.columns)
    assert list(csv["passage_id"]) == list(frame["passage_id"])


def test_unusable_file_is_skipped_and_named(dataset):
    assert list(dataset.skipped) == ["debats/notes.pdf", "debats/vide.srt"]
    assert "extension « .pdf » non prise en charge" in dataset.skipped["debats/notes.pdf"]
    manifest = json.loads((dataset.out_dir / "manifest.json").read_text(encoding="utf-8"))
    assert "debats/vide.srt" in manifest["skipped"]
    assert manifest["parameters"]["codebook"] == "codebook.yaml"
    assert "/" not in manifest["skipped"]["debats/vide.srt"].split(" (")[0]


def test_dictionary_lists_every_column(dataset):
    readme = (dataset.out_dir / "LISEZMOI.md").read_text(encoding="utf-8")
    columns = pd.read_parquet(dataset.out_dir / "passages.parquet").columns
    assert all(f"`{name}`" in readme for name in columns)
    assert "la clé d'une ligne est le couple `event`, `passage_id`" in readme
    assert (dataset.out_dir / "codebook.yaml").exists()


def test_without_codebook_loose_transcripts_are_not_tagged(tmp_path):
    folder = tmp_path / "un"
    folder.mkdir()
    shutil.copy(min(TRANSCRIPTS.iterdir()), folder)
    result = build_corpus(find_units([folder]), tmp_path)
    frame = pd.read_parquet(result.out_dir / "passages.parquet")
    assert not any(c.startswith("score_") for c in frame.columns)
    # Not tagged: missing, not « hors objectifs ».
    assert frame["labels"].isna().all() and frame["tagged"].isna().all()


def test_event_audience_is_pseudonymised(nlp, sample_event, tmp_path):
    from omap_synthesis.event import load_codebook
    from omap_synthesis.ingest import ingest_event
    from omap_synthesis.nlp import parse_passages
    from omap_synthesis.tag import tag_passages

    result = build_corpus(find_units([sample_event]), tmp_path)
    frame = pd.read_parquet(result.out_dir / "passages.parquet")
    # Tagged as ``run`` tags them: all the event's passages together.
    ingested = ingest_event(sample_event)
    book = load_codebook(sample_event / "codebook.yaml")
    docs = parse_passages(nlp, ingested.passages)
    taggings = tag_passages(ingested.passages, docs, book, ingested.event)
    assert list(frame["labels"].fillna("")) == ["; ".join(t.labels) for t in taggings]
    questions = frame[frame["kind"] == "question"]
    assert len(questions) and questions["speaker"].str.startswith("Participant·e").all()
    assert frame["labels"].notna().any()
    assert set(frame["event"]) == {"omap-2022-10-20"}
    # The event's own codebook tagged its rows: it is an input of the dataset.
    inputs = json.loads((result.out_dir / "manifest.json").read_text(encoding="utf-8"))["inputs"]
    assert "omap-2022-10-20/codebook.yaml" in inputs


def test_unreachable_scheduler_fails_fast_in_french(transcripts, tmp_path, monkeypatch):
    monkeypatch.setattr(corpus, "CONNECT_TIMEOUT", 1)
    args = ["corpus", str(transcripts), "--out", str(tmp_path), "--scheduler"]
    result = runner.invoke(app, [*args, "tcp://127.0.0.1:1"])
    assert result.exit_code == 2
    assert "impossible de joindre le planificateur Dask" in " ".join(result.output.split())
    assert not (tmp_path / "corpus").exists()
    with pytest.raises(ConnectionError, match="adresse de planificateur Dask invalide"):
        connect("localhost")


def test_json_output_is_only_json(dataset, transcripts, codebook, tmp_path):
    args = ["corpus", str(transcripts), "--out", str(tmp_path), "--codebook", str(codebook)]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["passages"] == dataset.passages
    assert summary["sources"] == len(list(TRANSCRIPTS.iterdir()))
    assert "Ignoré : debats/vide.srt" in result.stderr
    assert "Ignoré : debats/notes.pdf" in result.stderr


@pytest.mark.slow
def test_dask_cluster_writes_the_same_dataset(dataset, transcripts, codebook, tmp_path):
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        on_cluster = build_corpus(
            find_units([transcripts]), tmp_path, codebook, scheduler=cluster.scheduler_address
        )
    for name in ("passages.csv", "passages.parquet", "manifest.json", "LISEZMOI.md"):
        assert filecmp.cmp(dataset.out_dir / name, on_cluster.out_dir / name, shallow=False), name


@pytest.mark.parametrize(
    ("tty", "ci", "quiet", "shown"),
    [
        (True, "", False, True),
        (True, "true", False, False),
        (True, "false", False, True),
        (True, "", True, False),
        (False, "", False, False),
    ],
)
def test_progress_only_on_a_terminal(monkeypatch, tty, ci, quiet, shown):
    monkeypatch.setenv("CI", ci)
    monkeypatch.setattr(progress.sys.stderr, "isatty", lambda: tty)
    assert progress.enabled(quiet) is shown


def test_progress_off_writes_nothing(capsys):
    with progress.progress(2, "Sources") as advance:
        advance()
        advance()
    assert capsys.readouterr() == ("", "")


def test_loose_transcripts_are_tagged_as_with_the_full_pipeline(dataset, transcripts, codebook):
    # Corpus mode parses them without the entity recogniser, which the tagger does not read.
    from omap_synthesis.event import load_codebook
    from omap_synthesis.ingest import ingest_file
    from omap_synthesis.nlp import load_nlp, parse
    from omap_synthesis.tag import tag_passages

    frame = pd.read_parquet(dataset.out_dir / "passages.parquet")
    book = load_codebook(codebook)
    path = sorted(TRANSCRIPTS.iterdir())[0]
    passages = ingest_file(path).passages
    docs = parse(load_nlp(), [p.clean for p in passages], cache=False)
    expected = ["; ".join(t.labels) for t in tag_passages(passages, docs, book)]
    mine = frame[frame["source"] == path.name]
    assert len(mine) == len(expected)
    assert list(mine["labels"].fillna("")) == expected


def test_transcripts_of_sub_folders_are_read(tmp_path):
    (tmp_path / "a.txt").write_text("A : Bonjour.", encoding="utf-8")
    (tmp_path / "debats").mkdir()
    (tmp_path / "debats" / "d.txt").write_text("B : Bonsoir.", encoding="utf-8")
    (tmp_path / "vide").mkdir()
    units = find_units([tmp_path])
    assert sorted((u.label, Path(u.path).name) for u in units) == [
        ("debats", "d.txt"),
        (tmp_path.name, "a.txt"),
    ]


def test_two_folders_of_one_event_keep_distinct_keys(nlp, sample_event, tmp_path, caplog):
    for copy in ("copie-1", "copie-2"):
        shutil.copytree(sample_event, tmp_path / "in" / copy)
    with caplog.at_level("WARNING"):
        result = build_corpus(find_units([tmp_path / "in"]), tmp_path / "out")
    frame = pd.read_parquet(result.out_dir / "passages.parquet")
    assert set(frame["event"]) == {"omap-2022-10-20", "copie-2"}
    assert not frame.duplicated(["event", "passage_id"]).any()
    assert "copie-2 : l'identifiant d'événement « omap-2022-10-20 » est déjà celui de copie-1" in (
        caplog.text
    )
