"""Command line: ingest prints the accounting; errors are French and name the file."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from omap_synthesis.cli import app, french_usage

runner = CliRunner()


def test_ingest_prints_accounting(sample_event, tmp_path):
    result = runner.invoke(app, ["ingest", str(sample_event), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "conf-2.srt" in result.output and "ignoré(s)" in result.output
    out = tmp_path / "omap-2022-10-20"
    assert (out / "donnees" / "passages.csv").exists()
    assert (out / "donnees" / "passages.parquet").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_ingest_names_a_file_set_aside_on_stderr_in_full(sample_event, tmp_path):
    """The table may cut a long name to fit the terminal; stderr names the file whole."""
    event = tmp_path / "event"
    shutil.copytree(sample_event, event)
    name = "qr-2-notes-de-la-salle-recues-a-14h58-par-courriel.md"
    (event / "sources" / name).write_text("")
    result = runner.invoke(app, ["ingest", str(event), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert f"{name} : ignoré : fichier vide." in result.stderr


def test_ingest_names_a_transcript_without_punctuation_on_stderr(sample_event, tmp_path):
    event = tmp_path / "event"
    shutil.copytree(sample_event, event)
    words = "il faut que les communes puissent mutualiser leurs services numériques".split()
    cues = [
        f"{k + 1}\n00:00:{2 * k:02d},000 --> 00:00:{2 * k + 2:02d},000\n{' '.join(words)}\n"
        for k in range(8)
    ]
    (event / "sources" / "conf-2.srt").write_text("\n".join(cues), encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(event), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    said = " ".join(result.stderr.split())
    assert (
        "conf-2.srt : lu (remarque : transcription sans ponctuation (aucun signe en 80 mots)"
        in said
    )
    assert "conf-1.txt" not in said


def test_ingest_bad_event_is_a_clear_error(tmp_path):
    (tmp_path / "event.yaml").write_text("id: [\n")
    result = runner.invoke(app, ["ingest", str(tmp_path)])
    assert result.exit_code == 2
    assert "event.yaml" in result.output and "YAML invalide" in result.output


def test_an_event_without_usable_source_leaves_earlier_outputs_alone(sample_event, tmp_path):
    event = tmp_path / "event"
    (event / "sources").mkdir(parents=True)
    shutil.copy(sample_event / "event.yaml", event)
    shutil.copy(sample_event / "codebook.yaml", event)
    (event / "sources" / "conf-1.txt").write_text("")
    earlier = tmp_path / "out" / "omap-2022-10-20" / "lecture-15h05.md"
    earlier.parent.mkdir(parents=True)
    earlier.write_text("texte relu")
    result = runner.invoke(app, ["run", str(event), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "aucune source utilisable : rien n'a été écrit" in " ".join(result.output.split())
    assert earlier.read_text() == "texte relu" and len(list(earlier.parent.iterdir())) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["tag", "{dir}", "--codebook", "{codebook}"], "{dir} : c'est un dossier, pas un fichier"),
        (
            ["run", "{codebook}"],
            "{codebook} : un dossier d'événement est attendu, c'est un fichier",
        ),
        (["ingest", "{dir}"], "{dir}/event.yaml : fichier introuvable"),
    ],
)
def test_a_folder_for_a_file_or_the_reverse_is_named_in_french(
    sample_event, tmp_path, args, message
):
    paths = {"dir": str(tmp_path), "codebook": str(sample_event / "codebook.yaml")}
    done = subprocess.run(
        [sys.executable, "-m", "omap_synthesis", *(a.format(**paths) for a in args)],
        capture_output=True,
        text=True,
    )
    assert done.returncode in (1, 2) and "Traceback" not in done.stderr
    assert message.format(**paths) in " ".join(done.stderr.split())


def test_module_entry_point():
    done = subprocess.run(
        [sys.executable, "-m", "omap_synthesis", "--help"], capture_output=True, text=True
    )
    assert done.returncode == 0 and "ingest" in done.stdout


@pytest.mark.parametrize("command", [[], ["tag"], ["evaluate"], ["evaluate", "tagging"]])
def test_help_pages_speak_french(command):
    done = subprocess.run(
        [sys.executable, "-m", "omap_synthesis", *command, "--help"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and "Afficher cette aide et quitter." in done.stdout
    for english in ("Show this message", "[required]", "[default:", "Commands"):
        assert english not in done.stdout


def test_messages_are_not_cut_to_the_terminal_width(tmp_path):
    deep = tmp_path / ("dossier-au-nom-assez-long-pour-depasser-quatre-vingts-colonnes" * 2)
    deep.mkdir()
    (deep / "codebook.yaml").write_text("labels:\n  - {id: A, name: A, terms: [x]}\n")
    missing = deep / "passages-absents.jsonl"
    done = subprocess.run(
        [sys.executable, "-m", "omap_synthesis", "tag", str(missing), "--codebook",
         str(deep / "codebook.yaml")],
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert done.returncode == 2
    assert f"Erreur : {missing} : fichier introuvable\n" in done.stderr


def _summarize_debate(tmp_path, second_cue: str) -> str:
    """stderr (spaces collapsed) of ``summarize`` on a two-cue SRT whose second cue is given."""
    path = tmp_path / "debat.srt"
    path.write_text(
        "1\n00:00:00,000 --> 00:00:03,000\nAnne Martin : Il faut créer un guichet unique.\n\n"
        f"2\n{second_cue}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["summarize", str(path)])
    assert result.exit_code == 0, result.output
    return " ".join(result.stderr.split())


def test_a_file_read_in_part_is_named_with_what_was_left_out(tmp_path):
    path = tmp_path / "debat.srt"
    path.write_text(
        "Égaré.\n\n1\n00:00:00,000 --> 00:00:03,000\nAnne Martin : Il faut créer un guichet.\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["summarize", str(path)])
    assert result.exit_code == 0, result.output
    assert (
        "Lu en partie : debat.srt : ligne 1 : texte hors sous-titre (« Égaré. »), passage ignoré"
        in " ".join(result.stderr.split())
    )


def test_a_malformed_timing_keeps_its_text_and_is_remarked_on(tmp_path):
    stderr = _summarize_debate(tmp_path, "00:00:03,000 -> 00:00:05,000\nGardé.")
    assert "Lu en partie" not in stderr
    assert (
        "Remarque : debat.srt : ligne 6 : horodatage mal formé « 00:00:03,000 -> 00:00:05,000 », "
        "texte gardé, daté d'après les sous-titres voisins" in stderr
    )


def test_a_remark_on_a_file_read_whole_is_not_said_read_in_part(tmp_path):
    stderr = _summarize_debate(tmp_path, "00:00:05,000 --> 00:00:04,000\nEt le financer.")
    assert "Lu en partie" not in stderr
    assert "Remarque : debat.srt : ligne 6 : fin avant le début" in stderr


def test_a_missing_fredsum_folder_is_said_missing(tmp_path):
    for command in ("summaries", "themes"):
        result = runner.invoke(app, ["evaluate", command, "--fredsum", str(tmp_path / "absent")])
        assert result.exit_code == 2
        assert "absent : dossier introuvable" in " ".join(result.output.split())
    result = runner.invoke(app, ["evaluate", "themes", "--fredsum", str(tmp_path)])
    assert "sans sous-dossier « transcript »" in " ".join(result.output.split())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["tag"], "Erreur : argument manquant « input_file »."),
        (["draft", "--bogus"], "Erreur : option inconnue « --bogus » (options possibles : --out)."),
        (["draft", "--words", "abc"], "valeur invalide pour « --words » : un nombre entier est"),
        (["corpus", "x", "--batch-size", "0"], "« --batch-size » : il faut au moins 1."),
        (["rapport"], "Erreur : commande inconnue « rapport »."),
        (["draft", "a", "b"], "Erreur : argument(s) en trop : b."),
    ],
)
def test_usage_errors_are_in_french(args, message):
    done = subprocess.run(
        [sys.executable, "-m", "omap_synthesis", *args], capture_output=True, text=True
    )
    assert done.returncode == 2
    assert message in done.stderr and " --help\n" in done.stderr.split("Aide : ")[1]
    assert not re.search(r"\b(Missing|Invalid|Error|Usage:|Try)\b", done.stderr), done.stderr


def test_an_unknown_usage_message_is_shown_as_it_is():
    assert french_usage("Something new.") == "Something new."


def test_a_failed_write_names_the_folder_the_user_gave(tmp_path):
    import errno

    from omap_synthesis.cli import _os_failure

    taken = tmp_path / "afile"
    taken.write_text("x", encoding="utf-8")
    exc = FileExistsError(errno.EEXIST, "File exists", str(taken))
    assert (
        _os_failure(exc, taken)
        == f"impossible d'écrire dans {taken} : c'est un fichier, pas un dossier"
    )
    out = tmp_path / "out"
    out.mkdir()
    hidden = PermissionError(errno.EACCES, "Permission denied", str(out / ".omap-2022-1a2b"))
    assert _os_failure(hidden, out) == f"impossible d'écrire dans {out} (accès refusé)"
    full = OSError(errno.ENOSPC, "No space left on device", str(out / "rapport.pdf"))
    assert (
        _os_failure(full, out) == f"impossible d'écrire dans {out / 'rapport.pdf'} (disque plein)"
    )
