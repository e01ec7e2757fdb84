"""Event ingestion: mapping to talks, accounting, bad files, no text lost or duplicated."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from omap_synthesis.clean import artefact_spans
from omap_synthesis.ingest import ingest_event, ingest_files
from omap_synthesis.pipeline import run
from omap_synthesis.readers import FORMATS, read_source

WORD = re.compile(r"\w+")


def _speech_words(source, passages) -> list[str]:
    """Words of a source outside non-speech spans and speaker tags, and outside what cleaning
    removes where no passage holds them (a passage of nothing but « [Applaudissements] »)."""
    mask = [True] * len(source.text)
    for a, b in source.nonspeech:
        mask[a:b] = [False] * (b - a)
    for turn in source.turns:
        line_start = source.text.rfind("\n", 0, turn.start_char) + 1
        if line_start < turn.start_char:
            mask[line_start : turn.start_char] = [False] * (turn.start_char - line_start)
    held = {i for p in passages for i in range(p.start_char, p.end_char)}
    for a, b in artefact_spans(source.text)[0]:
        if not held.intersection(range(a, b)):
            mask[a:b] = [False] * (b - a)
    kept = "".join(ch if keep else " " for ch, keep in zip(source.text, mask, strict=True))
    return WORD.findall(kept)


def test_sample_event_reads_every_source(sample_ingested):
    reports = {r.name: r for r in sample_ingested.reports}
    assert all(r.status == "lu" for r in reports.values()), sample_ingested.messages
    assert {r.format for r in reports.values()} >= set(FORMATS.values()) - {"markdown"} | {
        "markdown"
    }
    assert sample_ingested.missing_items() == []
    assert sum(r.words for r in reports.values()) >= 12_000
    assert reports["01-ouverture.md"].talk == "ouverture"  # mapped by event.yaml
    assert reports["conf-8-diapositives.md"].talk == "conf-8"  # two files, one talk


def test_no_text_lost_or_duplicated(sample_ingested):
    for name, source in sample_ingested.sources.items():
        passages = [p for p in sample_ingested.passages if p.source == name]
        for p in passages:
            assert source.text[p.start_char : p.end_char] == p.text
        joined = [w for p in passages for w in WORD.findall(p.text)]
        assert joined == _speech_words(source, passages), name


def test_passage_ids_are_unique_and_stable(sample_event, sample_ingested):
    ids = [p.id for p in sample_ingested.passages]
    assert len(ids) == len(set(ids))
    assert ids == [p.id for p in ingest_event(sample_event).passages]


def test_asr_artefacts_cleaned_but_raw_kept(sample_ingested):
    srt = [p for p in sample_ingested.passages if p.source == "conf-2.srt"]
    raw = " ".join(p.text for p in srt)
    clean = " ".join(p.clean for p in srt)
    assert re.search(r"\beuh\b", raw, re.I) and not re.search(r"\beuh\b", clean, re.I)
    report = next(r for r in sample_ingested.reports if r.name == "conf-2.srt")
    assert report.removed["hallucination"] >= 1 and report.removed["repetition"] >= 1
    # A cue of nothing but a credit or a stage direction is no passage: nothing was said.
    assert "Amara.org" in sample_ingested.sources["conf-2.srt"].text and "Amara.org" not in raw
    assert "[Applaudissements]" not in raw and report.removed["annotation"] >= 2
    assert all(re.search(r"\w", p.clean) for p in sample_ingested.passages)


def test_stage_directions_cleaned_other_parentheses_kept():
    from omap_synthesis.clean import apply_removals, artefact_spans

    text = "Bonjour (Rires dans la salle) à tous (des PGE), (applaudissements) merci (rire)."
    spans, kinds = artefact_spans(text)
    assert apply_removals(text, spans).split() == "Bonjour à tous (des PGE), merci .".split()
    assert kinds["annotation"] == 3
    assert artefact_spans("(rirette) (silencieux)")[0] == []


def test_cue_ends_are_spaces_in_the_analysed_text(sample_ingested):
    from omap_synthesis.clean import flowing

    captions = [p for p in sample_ingested.passages if p.source in {"conf-2.srt", "conf-3.vtt"}]
    assert any("\n" in p.text for p in captions)
    for p in captions:
        assert "\n" not in p.clean.strip()
        # Same length: an offset in the analysed text still maps onto the source's text.
        assert len(p.clean) + sum(b - a for a, b in p.removed) == len(p.text)
    assert flowing("un\ndeux\n\ntrois\n- quatre\n2. cinq") == "un deux\n\ntrois\n- quatre\n2. cinq"
    assert flowing("Les mesures :\n– former\n \nfin") == "Les mesures :\n– former\n \nfin"


def test_qa_turns_are_questions_and_answers(sample_ingested):
    qa = [p for p in sample_ingested.passages if p.talk == "qr-1"]
    kinds = {p.kind for p in qa}
    assert {"question", "reponse"} <= kinds
    assert all(p.exchange for p in qa if p.kind == "question")


def test_timed_sources_carry_times(sample_ingested):
    for name in ("conf-2.srt", "conf-3.vtt", "conf-5.json"):
        passages = [p for p in sample_ingested.passages if p.source == name]
        assert passages and all(p.start is not None and p.end >= p.start for p in passages)


def test_a_passage_between_two_clock_stamps_is_dated_in_proportion(sample_ingested):
    # conf-6.txt: Khadija Tazi speaks from [00:01:35] to the next stamp, many paragraphs
    # long; each passage is dated where it falls in the block, not all at its start.
    passages = sample_ingested.passages
    talk = [p for p in passages if p.source == "conf-6.txt" and p.speaker == "Khadija Tazi"]
    talk = [p for p in talk if p.start is not None and p.end is not None]
    assert len(talk) > 5 and talk[0].start == 95
    starts = [p.start for p in talk]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    assert all(a.end <= b.start + 0.1 for a, b in zip(talk, talk[1:], strict=False))


@pytest.fixture
def messy_event(tmp_path, sample_event):
    event = tmp_path / "event"
    shutil.copytree(sample_event, event)
    sources = event / "sources"
    (sources / "vide.txt").write_text("")
    (sources / "notes.pdf").write_bytes(b"%PDF-1.4")
    (sources / "orphan.txt").write_text("Ali Idrissi : Bonjour.\n")
    shutil.copy(sources / "conf-1.txt", sources / "conf-1-copie.txt")
    (sources / "casse.srt").write_text("\nBonjour, sans horodatage.\n")
    return event


def test_bad_files_are_reported_and_others_read(messy_event, sample_ingested):
    result = ingest_event(messy_event)
    reasons = {r.name: r.reason for r in result.reports if r.status != "lu"}
    assert set(reasons) == {"vide.txt", "notes.pdf", "orphan.txt", "conf-1-copie.txt", "casse.srt"}
    assert "vide" in reasons["vide.txt"]
    assert "extension" in reasons["notes.pdf"]
    assert "aucune intervention" in reasons["orphan.txt"]
    assert "copie identique de conf-1.txt" in reasons["conf-1-copie.txt"]
    assert "ligne 2" in reasons["casse.srt"]
    assert len(result.passages) == len(sample_ingested.passages)


def test_a_file_read_in_part_says_what_was_left_out(messy_event):
    vtt = messy_event / "sources" / "conf-3.vtt"
    text = vtt.read_text(encoding="utf-8")
    cue = re.search(r"\n\n(\d\d:\d\d[.:][\d:.]+) --> ", text)
    broken = text[: cue.start(1)] + "Texte égaré.\n\n" + text[cue.start(1) :]
    vtt.write_text(broken, encoding="utf-8")
    line = broken[: cue.start(1)].count("\n") + 1
    result = ingest_event(messy_event)
    report = {r.name: r for r in result.reports}["conf-3.vtt"]
    assert report.status == "lu" and report.passages
    assert report.reason.startswith(f"ligne {line} : texte hors sous-titre")
    assert result.partial == {"conf-3.vtt": report.reason}
    assert report.state == f"lu en partie : {report.reason}"
    out = run(messy_event, messy_event / "out", ("ingest",)).out_dir
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["partial"] == {"conf-3.vtt": report.reason}


def test_a_file_read_whole_with_a_remark_is_not_said_read_in_part(messy_event):
    vtt = messy_event / "sources" / "conf-3.vtt"
    text = vtt.read_text(encoding="utf-8")
    first = re.search(r"\n(\d\d:\d\d[.:][\d:.]+) --> ([\d:.]+)", text)
    reversed_cue = text[: first.start(1)] + f"{first.group(2)} --> {first.group(1)}"
    vtt.write_text(reversed_cue + text[first.end() :], encoding="utf-8")
    result = ingest_event(messy_event)
    report = {r.name: r for r in result.reports}["conf-3.vtt"]
    assert not report.reason and "conf-3.vtt" not in result.partial
    assert "fin avant le début" in report.remarks
    assert result.remarks == {"conf-3.vtt": report.remarks}
    assert report.state == f"lu (remarque : {report.remarks})"
    out = run(messy_event, messy_event / "out", ("ingest",)).out_dir
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["remarks"] == {"conf-3.vtt": report.remarks}
    assert "conf-3.vtt" not in manifest["partial"]


def test_size_limit_in_event(messy_event):
    big = messy_event / "sources" / "conf-7-enorme.txt"
    with big.open("wb") as handle:
        handle.truncate(2_000_000)
    result = ingest_event(messy_event, max_bytes=1_000_000)
    assert "trop volumineux" in {r.name: r.reason for r in result.reports}["conf-7-enorme.txt"]


def test_loose_files_are_their_own_sources(tmp_path):
    one = tmp_path / "a.txt"
    one.write_text("P1 : Première question ?\n\nMarie Curie : Une réponse.\n")
    bad = tmp_path / "b.xyz"
    bad.write_text("x")
    result = ingest_files([one, bad])
    assert [p.speaker for p in result.passages] == ["P1", "Marie Curie"]
    assert all(p.talk is None and p.source == "a.txt" for p in result.passages)
    assert result.messages and "b.xyz" in result.messages[0]


def test_a_word_file_with_damaged_xml_is_skipped_and_the_others_read(tmp_path, cut_docx):
    good = tmp_path / "a.txt"
    good.write_text("P1 : Première question ?\n", encoding="utf-8")
    broken = tmp_path / "conf.docx"
    cut_docx(broken)
    result = ingest_files([broken, good])
    assert [p.speaker for p in result.passages] == ["P1"]
    assert result.messages == ["conf.docx : document Word illisible (XML abîmé)"]


def test_skipped_loose_files_are_named_so_that_one_can_find_them(tmp_path):
    for folder, text in [("a", "P1 : Une phrase.\n"), ("b", "")]:
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "debat.txt").write_text(text, encoding="utf-8")
    result = ingest_files([tmp_path / "a" / "debat.txt", tmp_path / "b" / "debat.txt", tmp_path])
    assert result.messages == [
        f"{tmp_path / 'b' / 'debat.txt'} : fichier vide",
        f"{tmp_path.name} : c'est un dossier, pas un fichier",
    ]


def test_loose_files_given_twice_are_read_once_and_namesakes_keep_their_path(tmp_path):
    for folder, text in [("a", "P1 : Une phrase.\n"), ("b", "P2 : Une autre.\n")]:
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "debat.txt").write_text(text, encoding="utf-8")
    (tmp_path / "copie.txt").write_text("P1 : Une phrase.\n", encoding="utf-8")
    a, b = tmp_path / "a" / "debat.txt", tmp_path / "b" / "debat.txt"
    result = ingest_files([a, b, a, tmp_path / "copie.txt"])
    assert [(p.speaker, p.source) for p in result.passages] == [("P1", str(a)), ("P2", str(b))]
    assert result.messages == [
        f"{a} : fichier déjà donné, compté une seule fois",
        f"copie.txt : copie identique de {a}, ignorée",
    ]


def test_empty_files_are_each_said_empty_not_copies_of_one_another(tmp_path):
    for name in ("a.txt", "b.srt", "c.json"):
        (tmp_path / name).write_bytes(b"")
    result = ingest_files(sorted(tmp_path.iterdir()))
    assert result.messages == [f"{name} : fichier vide" for name in ("a.txt", "b.srt", "c.json")]


def test_exchanges_follow_the_notes_headings_across_files(messy_event):
    sources = messy_event / "sources"
    # The moderator's opening under the notes' title is part of the first exchange.
    first = (sources / "qr-1.md").read_text(encoding="utf-8")
    assert "\n# Questions/Réponses" in first and "\n## Échange 1\n" in first
    (sources / "qr-1-suite.md").write_text(
        "---\ntalk: qr-1\n---\n\n## Échange 7\n\nAli Idrissi (étudiant) : Une dernière question ?"
        "\n\nSamira Idrissi : Une dernière réponse.\n",
        encoding="utf-8",
    )
    passages = [p for p in ingest_event(messy_event).passages if p.talk == "qr-1"]
    opening = next(p for p in passages if p.source == "qr-1.md")
    asked = next(p for p in passages if p.source == "qr-1.md" and p.kind == "question")
    assert opening.kind == "moderation" and opening.exchange == asked.exchange
    # Files are read in name order: « qr-1-suite.md » first, then « qr-1.md » goes on.
    assert {p.exchange for p in passages if p.source == "qr-1-suite.md"} == {1}
    assert asked.exchange == 2


def test_a_programme_name_spelt_otherwise_takes_the_programme_spelling(tmp_path, sample_event):
    event = tmp_path / "event"
    shutil.copytree(sample_event, event)
    conf = event / "sources" / "conf-1.txt"
    text = conf.read_text(encoding="utf-8")
    conf.write_text(text.replace("] Leila Bennani :", "] Pr. Leïla BENNANI :"), encoding="utf-8")
    speakers = {p.speaker for p in ingest_event(event).passages if p.talk == "conf-1"}
    assert "Leila Bennani" in speakers and not any("BENNANI" in (s or "") for s in speakers)


def test_a_stage_direction_is_not_cut_between_two_passages(tmp_path):
    from omap_synthesis.segment import sentence_spans

    text = "Mais je sais le faire. (rires) Vingt minutes par intervenant. « Oui », dit-il."
    assert [text[a:b] for a, b in sentence_spans(text)] == [
        "Mais je sais le faire.",
        "(rires) Vingt minutes par intervenant.",
        "« Oui », dit-il.",
    ]


def test_programme_spelling_is_taken_only_where_it_names_one_person(tmp_path):
    from types import SimpleNamespace

    from omap_synthesis.ingest import _programme_names
    from omap_synthesis.readers import read_source

    path = tmp_path / "conf.txt"
    path.write_text(
        "René Lefèvre : Un.\n\nRene Lefevre : Deux.\n\nrené lefevre : Trois.\n\n"
        "Helene Dupre-Leger : Quatre.\n\nDr : Cinq.\n",
        encoding="utf-8",
    )
    people = {n: None for n in ("René Lefèvre", "Rene Lefevre", "Hélène Dupré-Léger")}
    source = _programme_names(read_source(path, 10**6), SimpleNamespace(programme_people=people))
    assert [t.speaker for t in source.turns] == [
        "René Lefèvre",
        "Rene Lefevre",
        "Rene Lefevre",  # not a tag: lower case goes on with the turn above
        "Hélène Dupré-Léger",
        None,  # a title names nobody
    ]


def test_a_transcript_on_one_line_without_punctuation_is_cut_into_short_passages(tmp_path):
    # A transcript with neither punctuation nor line breaks, over spaCy's length limit (long
    # words, so that it makes few passages).
    words = [f"mot{i}" + "o" * 140 for i in range(7_200)]
    path = tmp_path / "asr.txt"
    path.write_text("Nadia Fassi : " + " ".join(words) + "\n", encoding="utf-8")
    assert path.stat().st_size > 1_000_000
    passages = ingest_files([path]).passages
    assert max(len(p.text.split()) for p in passages) <= 140
    assert " ".join(p.text for p in passages).split() == words


def test_a_transcript_without_punctuation_is_said_so_and_a_punctuated_one_is_not(tmp_path):
    """Automatic captions (no punctuation, no capitals): the user is told, file by file, that
    sentences end with each cue and that what comes from it needs checking."""
    said = (
        "il faut que les communes puissent mutualiser leurs services numériques",
        "parce que les petites communes n'ont pas d'ingénieurs pour les faire",
        "et je propose la création d'un fonds commun pour les projets",
    ) * 4
    for name, end in (("asr.srt", ""), ("ctl.srt", ".")):
        cues = [
            f"{k + 1}\n00:00:{2 * k:02d},000 --> 00:00:{2 * k + 2:02d},000\n{text}{end}\n"
            for k, text in enumerate(said)
        ]
        (tmp_path / name).write_text("\n".join(cues), encoding="utf-8")
    ingested = ingest_files([tmp_path / "asr.srt", tmp_path / "ctl.srt"])
    reports = {r.name: r for r in ingested.reports}
    asr, ctl = reports["asr.srt"], reports["ctl.srt"]
    assert asr.passages and ctl.passages
    assert asr.unpunctuated and not ctl.unpunctuated
    assert asr.remarks == (
        "transcription sans ponctuation (aucun signe en 140 mots) : une phrase par sous-titre, "
        "segment ou ligne ; recommandations et citations à vérifier"
    )
    assert "ponctuation" not in ctl.remarks


def test_the_main_unnamed_voice_of_a_one_speaker_talk_is_the_programme_speaker(
    tmp_path, sample_event
):
    event = tmp_path / "event"
    shutil.copytree(sample_event, event)
    (event / "sources" / "conf-1.txt").unlink()
    said = [
        ("SPEAKER_01", " La parole est à vous."),
        ("SPEAKER_00", " Merci. Il faut simplifier les formalités, toutes, et vite."),
        ("SPEAKER_00", " Et il faut supprimer les pièces justificatives qu'on demande encore."),
    ]
    segments = [
        {"start": 5 * n, "end": 5 * n + 5, "text": text, "speaker": voice}
        for n, (voice, text) in enumerate(said)
    ]
    (event / "sources" / "conf-1.json").write_text(
        json.dumps({"segments": segments}), encoding="utf-8"
    )
    ingested = ingest_event(event)
    speakers = [p.speaker for p in ingested.passages if p.talk == "conf-1"]
    assert speakers == ["SPEAKER_01", "Leila Bennani"]
    report = {r.name: r for r in ingested.reports}["conf-1.json"]
    assert "« SPEAKER_00 » est lue comme Leila Bennani" in report.remarks
    # A moderator who speaks nearly as much: neither voice is named.
    segments[0]["text"] = " Je donne la parole à notre collègue, que je remercie d'être venue."
    (event / "sources" / "conf-1.json").write_text(
        json.dumps({"segments": segments}), encoding="utf-8"
    )
    speakers = [p.speaker for p in ingest_event(event).passages if p.talk == "conf-1"]
    assert speakers == ["SPEAKER_01", "SPEAKER_00"]


def test_a_programme_name_in_lower_case_is_a_speaker_tag(tmp_path, sample_event):
    event = tmp_path / "event"
    shutil.copytree(sample_event, event)
    (event / "sources" / "conf-1.txt").write_text(
        "SPEAKER_02 : ma question porte sur les délais\n"
        "leila bennani : il faut plutôt simplifier les formalités\n",
        encoding="utf-8",
    )
    turns = [(p.speaker, p.text) for p in ingest_event(event).passages if p.talk == "conf-1"]
    assert turns == [
        ("SPEAKER_02", "ma question porte sur les délais"),
        ("Leila Bennani", "il faut plutôt simplifier les formalités"),
    ]
    # Outside an event, nobody is known: the line is speech.
    loose = read_source(event / "sources" / "conf-1.txt", 10**6)
    assert [t.speaker for t in loose.turns] == ["SPEAKER_02"]


def test_a_misspelt_name_of_the_talks_speaker_takes_the_programme_spelling(tmp_path, sample_event):
    event = tmp_path / "event"
    shutil.copytree(sample_event, event)
    conf = event / "sources" / "conf-1.txt"
    conf.write_text(
        conf.read_text(encoding="utf-8").replace("] Leila Bennani :", "] Leila Benani :"),
        encoding="utf-8",
    )
    ingested = ingest_event(event)
    speakers = {p.speaker for p in ingested.passages if p.talk == "conf-1"}
    assert "Leila Bennani" in speakers and "Leila Benani" not in speakers
    report = {r.name: r for r in ingested.reports}["conf-1.txt"]
    assert "« Leila Benani » est lu comme Leila Bennani, du programme" in report.remarks


@pytest.fixture
def small_event(tmp_path, sample_event):
    """The sample programme with one transcript, conf-1.txt, in its sources."""
    event = tmp_path / "event"
    (event / "sources").mkdir(parents=True)
    for name in ("event.yaml", "codebook.yaml"):
        shutil.copy(sample_event / name, event / name)
    shutil.copy(sample_event / "sources" / "conf-1.txt", event / "sources" / "conf-1.txt")
    return event


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFO on this system")
def test_entries_that_are_not_regular_files_are_reported_not_read(small_event, tmp_path):
    sources = small_event / "sources"
    (sources / "anciens").mkdir()
    shutil.copy(sources / "conf-1.txt", sources / "anciens" / "conf-2.txt")
    (sources / "conf-7.md").mkdir()
    (sources / "conf-3.vtt").symlink_to(tmp_path / "partage" / "conf-3.vtt")
    os.mkfifo(sources / "conf-6.txt")  # opened, it would wait for a writer for ever
    (sources / "conf-8.txt").symlink_to(sources / "conf-8-bis.txt")
    (sources / "conf-8-bis.txt").symlink_to(sources / "conf-8.txt")
    result = ingest_event(small_event)
    states = {r.name: (r.talk, r.state) for r in result.reports if r.name != "01-ouverture.md"}
    assert states == {
        "anciens": (None, "ignoré : dossier : les sous-dossiers ne sont pas lus"),
        "conf-1.txt": ("conf-1", "lu"),
        "conf-3.vtt": ("conf-3", "ignoré : lien cassé : sa cible est introuvable"),
        "conf-6.txt": ("conf-6", "ignoré : pas un fichier ordinaire (tube ou périphérique)"),
        "conf-7.md": ("conf-7", "ignoré : dossier : les sous-dossiers ne sont pas lus"),
        "conf-8-bis.txt": (None, "ignoré : lien en boucle : il mène à lui-même"),
        "conf-8.txt": ("conf-8", "ignoré : lien en boucle : il mène à lui-même"),
    }
    assert [r.name for r in result.reports][:7] == sorted(states)  # in name order
    assert {"conf-3", "conf-6", "conf-7"} <= set(result.unreadable_items())


SPOKEN = "Amina Alaoui : Il faut renforcer le partenariat public-université.\n"
CUE = f"1\n00:00:01,000 --> 00:00:04,000\n{SPOKEN}"


@pytest.mark.parametrize(
    ("copy", "kept", "text"),
    [("notes.md", "conf-7.md", SPOKEN), ("conf6.srt", "conf-6.SRT", CUE)],
    ids=["markdown", "srt"],
)
def test_of_identical_copies_the_one_named_for_a_talk_is_read(small_event, copy, kept, text):
    for name in (copy, kept):
        (small_event / "sources" / name).write_text(text, encoding="utf-8")
    reports = {r.name: r for r in ingest_event(small_event).reports}
    assert reports[kept].status == "lu" and reports[kept].talk == Path(kept).stem.lower()
    assert reports[copy].state == f"ignoré : copie identique de {kept}"


def test_a_copy_of_a_file_left_out_is_not_called_a_copy(small_event):
    sources = small_event / "sources"
    for name in ("notes.md", "brouillon.md"):
        (sources / name).write_text(SPOKEN, encoding="utf-8")
    for name in ("conf-2.txt", "conf-3.txt"):
        (sources / name).write_text("\n", encoding="utf-8")
    reasons = {r.name: r.reason for r in ingest_event(small_event).reports}
    assert "aucune intervention" in reasons["notes.md"]
    assert reasons["brouillon.md"] == reasons["notes.md"]
    assert reasons["conf-2.txt"] == reasons["conf-3.txt"] == "fichier vide"


@pytest.mark.parametrize(
    ("name", "talk", "state"),
    [
        (
            "conf-8.md",
            "conf-8",
            "lu (remarque : en-tête : intervention « conf-99 » inconnue du programme, "
            "le fichier est attribué à conf-8 d'après son nom)",
        ),
        (
            "notes.md",
            None,
            "ignoré : en-tête : intervention « conf-99 » inconnue du programme, et le nom du "
            "fichier ne correspond à aucune intervention (table « sources » de event.yaml "
            "ou nom de fichier)",
        ),
    ],
    ids=["name-maps", "nothing-maps"],
)
def test_a_header_naming_an_unknown_talk_is_said(small_event, name, talk, state):
    (small_event / "sources" / name).write_text(
        f"---\ntalk: conf-99\n---\n\n{SPOKEN}", encoding="utf-8"
    )
    report = {r.name: r for r in ingest_event(small_event).reports}[name]
    assert (report.talk, report.state) == (talk, state)


def test_a_header_that_contradicts_the_sources_table_is_said(small_event):
    """event.yaml gives 01-ouverture.md to the opening; its header said conf-7, and won
    without a word."""
    (small_event / "sources" / "01-ouverture.md").write_text(
        f"---\ntalk: conf-7\n---\n\n{SPOKEN}", encoding="utf-8"
    )
    report = {r.name: r for r in ingest_event(small_event).reports}["01-ouverture.md"]
    assert (report.talk, report.state) == (
        "conf-7",
        "lu (remarque : en-tête : intervention « conf-7 », alors que la table « sources » de "
        "event.yaml donne « ouverture » ; l'en-tête l'emporte)",
    )


@pytest.mark.parametrize("name", ["conf-7.MD", "Conf-7.md", "CONF-7.md"])
def test_a_file_name_maps_to_its_talk_whatever_its_case(small_event, name):
    (small_event / "sources" / name).write_text(SPOKEN, encoding="utf-8")
    report = {r.name: r for r in ingest_event(small_event).reports}[name]
    assert (report.talk, report.status) == ("conf-7", "lu")


def test_a_chair_listed_among_a_talks_speakers_speaks_in_it():
    from omap_synthesis.ingest import _qa_classifier
    from omap_synthesis.models import Event, Item, Person, Session, Turn

    chair = Person("Lionel Jospin", "président de séance")
    items = (
        Item("conf-1", "conf", "Le logement", session="S1", speakers=(Person("Jacques Chirac"),)),
        Item(
            "conf-2",
            "conf",
            "Les institutions",
            session="S1",
            speakers=(Person("Lionel Jospin", "candidat"), Person("Jacques Chirac")),
        ),
    )
    event = Event("e", "Journée", "2024-03-14", ".", items, (Session("S1", "Session", chair),))
    turn = Turn("Lionel Jospin", 0, 10)
    # Chairing the first talk, speaking in the second: his proposals there are his own.
    assert _qa_classifier(event, "conf-1")(0, turn)[0] == "moderation"
    assert _qa_classifier(event, "conf-2")(0, turn)[0] == "talk"
    # His role is the one the programme gives him where he speaks.
    assert event.person_in("Lionel Jospin", "conf-2").role == "candidat"
    assert event.person_in("Lionel Jospin", "conf-1").role == "président de séance"
    assert event.person_in("Jacques Chirac", None) == Person("Jacques Chirac")


@pytest.mark.parametrize(
    ("notes", "expected"),
    [
        # The moderator's opening under the title stays in the first exchange; the headed
        # questions that nobody answered are two exchanges, not one.
        (
            "Youssef Kettani : Nous prenons vos questions, brièvement.\n\n"
            "## Échange 1\n\nRim Tazi (doctorante) : Qui finance le cloud de l'État ?\n\n"
            "Youssef Kettani : Nous y reviendrons plus tard.\n\n",
            [("moderation", 1), ("question", 1), ("moderation", 1), ("question", 2)],
        ),
        # « Merci, c'est clair » after the answer is no new question: the headings say where
        # exchanges start.
        (
            "## Échange 1\n\nRim Tazi (doctorante) : Qui finance le cloud de l'État ?\n\n"
            "Hicham Alami : Le budget de l'Agence, pour l'essentiel.\n\n"
            "Rim Tazi (doctorante) : Merci, c'est clair.\n\n",
            [("question", 1), ("reponse", 1), ("question", 1), ("question", 2)],
        ),
    ],
)
def test_the_headings_of_qa_notes_open_the_exchanges(small_event, notes, expected):
    (small_event / "sources" / "qr-1.md").write_text(
        f"# Questions de la salle\n\n{notes}"
        "## Échange 2\n\nOmar Sefrioui (ingénieur) : Et les communes rurales ?\n",
        encoding="utf-8",
    )
    passages = [p for p in ingest_event(small_event).passages if p.talk == "qr-1"]
    assert [(p.kind, p.exchange) for p in passages] == expected


def test_a_talk_given_twice_in_two_formats_is_read_once(small_event):
    import docx

    sources = small_event / "sources"
    said = [
        (
            "Hicham Alami",
            "Bonjour à toutes et à tous. La plateforme d'échange relie déjà douze "
            "administrations, et nous voulons doubler ce nombre d'ici deux ans.",
        ),
        (
            "Hicham Alami",
            "Il faut, pour cela, un cadre juridique commun et des équipes formées "
            "dans chaque ministère.",
        ),
    ]
    (sources / "conf-2.txt").write_text(
        "".join(f"[00:0{k}:00] {name} : {text}\n\n" for k, (name, text) in enumerate(said)),
        encoding="utf-8",
    )
    document = docx.Document()
    for name, text in said:  # other case and punctuation, one line break more
        document.add_paragraph(f"{name} : {text.lower().replace(',', '')}")
    document.save(sources / "conf-2.docx")
    (sources / "notes-conf-2.md").write_text(
        f"---\ntalk: conf-2\n---\n\n{said[0][0]} : {said[0][1]}\n", encoding="utf-8"
    )
    (sources / "conf-2-diapositives.md").write_text(
        "---\ntalk: conf-2\n---\n\n"
        "Hicham Alami : Diapositive 3, les douze administrations reliées et le calendrier.\n",
        encoding="utf-8",
    )
    result = ingest_event(small_event)
    assert [m for m in result.messages if "conf-2" in m] == [
        "conf-2.docx : même texte que conf-2.txt, ignoré pour ne pas le lire deux fois",
        "notes-conf-2.md : texte déjà contenu dans conf-2.txt, ignoré pour ne pas le lire "
        "deux fois",
    ]
    reports = {r.name: r for r in result.reports}
    assert reports["conf-2.docx"].talk == "conf-2" and reports["conf-2.docx"].state == (
        "ignoré : même texte que conf-2.txt, ignoré pour ne pas le lire deux fois"
    )
    read = {p.source for p in result.passages if p.talk == "conf-2"}
    assert read == {"conf-2.txt", "conf-2-diapositives.md"}


def test_slides_are_written_not_said(small_event):
    """Notes taken on slides were counted as speech: in the speaking time, in the words of the
    talk, and quoted like speech. A file of slides, by a word of its name or by its header's
    « nature », gives « diapositive » passages; a header can say a file is no slides."""
    from omap_synthesis.anonymise import build_pseudonymiser
    from omap_synthesis.report import words_frame

    sources = small_event / "sources"
    said = "Leila Bennani : Diapositive 3. Simplifier avant de digitaliser.\n"
    for name, header in [
        ("conf-2-slides.md", "talk: conf-2"),
        ("conf-3.md", "nature: diapositives"),
        ("conf-4-slides.md", "talk: conf-4\nnature: transcription"),
    ]:
        (sources / name).write_text(f"---\n{header}\n---\n{said}", encoding="utf-8")
    result = ingest_event(small_event)
    kinds = {p.source: p.kind for p in result.passages if p.source != "conf-1.txt"}
    assert kinds == {
        "conf-2-slides.md": "diapositive",
        "conf-3.md": "diapositive",
        "conf-4-slides.md": "talk",
    }
    pseudo = build_pseudonymiser(result.passages, result.event)
    frame = words_frame(result.passages, pseudo, result.event)
    assert set(frame["talk"]) == {"conf-1", "conf-4"}
    assert "diapositive" not in {p.kind for p in result.passages if p.source == "conf-1.txt"}
