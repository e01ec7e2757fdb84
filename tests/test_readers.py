"""Readers: one per format, all exposing verbatim spans with speakers and times."""

from __future__ import annotations

import json

import docx
import pytest

from omap_synthesis.errors import InputError
from omap_synthesis.ingest import ingest_file
from omap_synthesis.readers import known_names, read_source, split_speaker_tag

LIMIT = 1_000_000


def _turns(source):
    return [(t.speaker, source.text[t.start_char : t.end_char]) for t in source.turns]


def _read(tmp_path, name: str, text: str):
    """The source read from a file ``name`` holding ``text`` (UTF-8)."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_source(path, LIMIT)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Jordan Bardella : je pense", ("Jordan Bardella", "")),
        ("P1 :On cherchait", ("P1", "")),
        ("Patrick Poivre d'Arvor : A la seconde près", ("Patrick Poivre d'Arvor", "")),
        ("Karim Ouazzani (doctorant, ENSIAS) : Bonjour", ("Karim Ouazzani", "doctorant, ENSIAS")),
        (
            "Représentant de la Direction du budget : Merci",
            ("Représentant de la Direction du budget", ""),
        ),
        (
            "Latifa Cherkaoui (cheffe de service, Ministère de la Santé et de la Protection "
            "sociale) : Bonjour",
            (
                "Latifa Cherkaoui",
                "cheffe de service, Ministère de la Santé et de la Protection sociale",
            ),
        ),
        # A function after a comma or a dash, as minutes write it.
        (
            "Mohammed El Alaoui, directeur d'école : Merci beaucoup.",
            ("Mohammed El Alaoui", "directeur d'école"),
        ),
        ("M. El Alaoui — DSI du ministère : Oui.", ("M. El Alaoui", "DSI du ministère")),
        ("Monsieur Bardella, vous avez dit : non", None),
        # A note's heading that names who speaks, or nobody.
        ("Réponse de Leila Bennani : oui", ("Leila Bennani", "")),
        ("Question de M. Karim Lazrak (ENSA) : pourquoi ?", ("M. Karim Lazrak", "ENSA")),
        ("Question d'un participant : faut-il un guichet ?", None),
        ("Réponse : oui", None),
        ("Merci Monsieur, pour votre question : bien sûr", None),
        ("Premièrement, il faut dire : non", None),
        ("Deuxième point : il faut simplifier", None),
        # Headings and notes of hand-written minutes are not speakers.
        ("Note : il faudrait un guichet unique", None),
        ("N.B. : le registre existe déjà", None),
        ("Recommandation 2 : créer un comité", None),
        ("Il est 10:30 maintenant", None),
        ("voir http://exemple.org", None),
    ],
)
def test_speaker_tags(line, expected):
    tag = split_speaker_tag(line)
    assert (tag[:2] if tag else None) == expected


def test_plain_text_front_matter_and_continuation(tmp_path):
    source = _read(
        tmp_path,
        "talk.txt",
        "---\ntalk: conf-1\navertissement: fictif\n---\n"
        "Amina Saidi : Bonjour à tous.\n\nUn paragraphe qui continue.\n\n"
        "[00:05:10] Omar Tahiri : Merci.\n",
    )
    assert source.meta["talk"] == "conf-1"
    assert _turns(source) == [
        ("Amina Saidi", "Bonjour à tous."),
        ("Amina Saidi", "Un paragraphe qui continue."),
        ("Omar Tahiri", "Merci."),
    ]
    assert source.turns[2].times[0][2] == 310.0


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1252", b""), ("latin-1", b"")],
)
def test_encodings_and_crlf(tmp_path, encoding, prefix):
    text = "Élise Morin : Il faut simplifier les démarches à l'égard des usagers.\r\n"
    path = tmp_path / "enc.txt"
    path.write_bytes(prefix + text.encode(encoding))
    source = read_source(path, LIMIT)
    assert "\r" not in source.text and not source.text.startswith("\ufeff")
    assert _turns(source) == [("Élise Morin", text.split(" : ", 1)[1].strip())]


def test_cp1252_specific_characters(tmp_path):
    path = tmp_path / "win.txt"
    path.write_bytes("Élise Morin : l’œuvre « commune » – voilà…".encode("cp1252"))
    source = read_source(path, LIMIT)
    assert source.encoding == "cp1252"
    assert "l’œuvre" in source.text


def test_c1_controls_of_a_utf8_file_are_quoted_as_written_and_analysed_as_cp1252(tmp_path):
    # A Word text decoded as latin-1 and saved as UTF-8: U+0092 for « ’ », U+009C for « œ »;
    # « qu\x92il faut » made « faut » a noun and the action line « Prévoir le faut ». Quotes and
    # positions are those of the decoded file (the contract); the analysed text reads cp1252,
    # and an apostrophe written twice (« C’\x92est ») once.
    path = tmp_path / "mojibake.txt"
    text = "Élise Morin : Bonjour.\nJe pense qu\x92il faut un v\x9cu commun\x85 C’\x92est dit.\n"
    path.write_text(text, encoding="utf-8")
    source = read_source(path, LIMIT)
    assert source.text == text
    assert source.remarks == (
        "ligne 2 : caractères de contrôle, analysés comme les caractères cp1252 qu'ils "
        "codaient (’, œ, …), cités tels quels",
    )
    ingested = ingest_file(path)
    (passage,) = ingested.passages
    assert passage.text == text[passage.start_char : passage.end_char]
    assert passage.clean == "Bonjour. Je pense qu’il faut un vœu commun… C’est dit."
    assert ingested.reports[0].removed == {"control": 1}


def test_markdown_headings_are_not_speech(tmp_path):
    path = tmp_path / "qa.md"
    path.write_text("# Notes\n\n## Échange 1\n\nAnas Lazrak (étudiant) : Une question ?\n")
    source = read_source(path, LIMIT)
    assert _turns(source) == [("Anas Lazrak", "Une question ?")]
    assert source.turns[0].heading == "Échange 1"
    assert source.turns[0].affiliation == "étudiant"


SRT = """1
00:00:00,000 --> 00:00:02,500
Hicham Alami : Bonjour, euh, merci.

2
00:00:02,500 --> 00:00:05,000
Nous avons migré vers le cloud.

3
00:00:05,000 --> 00:00:07,000
[Applaudissements]
"""


def test_srt_turns_and_times(tmp_path):
    path = tmp_path / "conf.srt"
    path.write_text(SRT, encoding="utf-8")
    source = read_source(path, LIMIT)
    assert len(source.turns) == 1
    turn = source.turns[0]
    assert turn.speaker == "Hicham Alami"
    assert source.text[turn.start_char : turn.end_char].startswith("Bonjour, euh, merci.\n")
    assert turn.times[0][2:] == (0.0, 2.5) and turn.times[-1][3] == 7.0


def test_srt_styling_is_no_text_and_hides_no_speaker_tag(tmp_path):
    source = _read(
        tmp_path,
        "debat.srt",
        "1\n00:00:01,000 --> 00:00:03,000\n<i>Léa Salamé : Bonsoir à tous.</i>\n\n"
        '2\n00:00:03,000 --> 00:00:05,000\n{\\an8}<font color="#ffff00">Marine Le Pen</font> : '
        "Bonsoir, <b>merci</b>.\n",
    )
    assert _turns(source) == [
        ("Léa Salamé", "Bonsoir à tous."),
        ("Marine Le Pen", "Bonsoir, merci."),
    ]


def test_a_speaker_tag_in_bold_or_italics_is_a_tag(tmp_path):
    source = _read(
        tmp_path,
        "notes.md",
        "# Échange 1\n\n**Léa Salamé** : Bonsoir.\n\n**Marine Le Pen :** Bonsoir à tous.\n\n"
        "_Emmanuel Macron_ : Il faut publier les délais.\n\n**Remarque :** rien de plus.\n",
    )
    assert _turns(source) == [
        ("Léa Salamé", "Bonsoir."),
        ("Marine Le Pen", "Bonsoir à tous."),
        ("Emmanuel Macron", "Il faut publier les délais."),
        (None, "rien de plus."),
    ]


def test_a_speaker_tag_on_a_later_line_of_a_subtitle_opens_a_turn(tmp_path):
    # The tag of a speaker the file tags at the start of a subtitle; « Résultat : … » tags
    # no subtitle and stays the speaker's words.
    source = _read(
        tmp_path,
        "debat.srt",
        "1\n00:00:01,000 --> 00:00:03,000\nLéa Salamé : Bonsoir.\n\n"
        "2\n00:00:03,000 --> 00:00:06,000\nMerci.\nEmmanuel Macron : Bonsoir à tous.\n\n"
        "3\n00:00:06,000 --> 00:00:08,000\nEmmanuel Macron : Un mot.\n"
        "Résultat : la double saisie.\n",
    )
    assert _turns(source) == [
        ("Léa Salamé", "Bonsoir.\nMerci."),
        ("Emmanuel Macron", "Bonsoir à tous."),
        ("Emmanuel Macron", "Un mot. Résultat : la double saisie."),
    ]


VTT = """WEBVTT

NOTE transcription fictive

00:00:01.000 --> 00:00:03.000
<v Samira Idrissi>Le registre national
de la population avance.</v>

00:00:03.000 --> 00:00:04.500
<v Youssef Kettani>Merci.</v>
"""


def test_vtt_voice_tags(tmp_path):
    path = tmp_path / "conf.vtt"
    path.write_text(VTT, encoding="utf-8")
    source = read_source(path, LIMIT)
    assert _turns(source) == [
        ("Samira Idrissi", "Le registre national de la population avance."),
        ("Youssef Kettani", "Merci."),
    ]
    assert source.turns[1].times[0][2:] == (3.0, 4.5)


def test_an_unclosed_vtt_voice_tag_is_mended_and_said(tmp_path):
    """« <v Youssef Kettani puisqu'il … » was quoted as speech, tag included."""
    path = tmp_path / "conf.vtt"
    path.write_text(
        "WEBVTT\n\n00:00.000 --> 00:02.000\n<v Samira Idrissi>Les registres.\n\n"
        "00:02.000 --> 00:04.000\n<v Youssef Kettani>Merci.\n\n"
        "00:04.000 --> 00:06.000\n<v Youssef Kettani puisqu'il s'agit des données.\n\n"
        "00:06.000 --> 00:08.000\n<v Inconnu la suite.\n",
        encoding="utf-8",
    )
    source = read_source(path, LIMIT)
    assert _turns(source) == [
        ("Samira Idrissi", "Les registres."),
        ("Youssef Kettani", "Merci.\npuisqu'il s'agit des données.\nInconnu la suite."),
    ]
    assert source.remarks == (
        "ligne 10 : balise de voix « <v » sans « > », lue comme « <v Youssef Kettani> »",
        "ligne 13 : balise de voix « <v » sans « > », le texte est gardé, sans orateur",
    )


def test_whisperx_json(tmp_path):
    doc = {
        "speakers": {"SPEAKER_01": "Youssef Kettani"},
        "segments": [
            {"start": 0.0, "end": 2.0, "text": " Bonjour.", "speaker": "SPEAKER_01"},
            {"start": 2.0, "end": 5.0, "text": " La loi de finances.", "speaker": "SPEAKER_00"},
            {"start": 5.0, "end": 7.0, "text": " Le budget.", "speaker": "SPEAKER_00"},
        ],
    }
    path = tmp_path / "conf.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    source = read_source(path, LIMIT)
    assert _turns(source) == [
        ("Youssef Kettani", "Bonjour."),
        ("SPEAKER_00", "La loi de finances.\nLe budget."),
    ]
    assert source.turns[1].times[-1][2:] == (5.0, 7.0)


def test_docx_paragraphs_and_headings(tmp_path):
    document = docx.Document()
    document.add_heading("Transcription fictive", level=1)
    document.add_paragraph("Nadia Fassi : Massar relie les écoles.")
    document.add_paragraph("Suite de son propos.")
    path = tmp_path / "conf.docx"
    document.save(path)
    source = read_source(path, LIMIT)
    assert _turns(source) == [
        ("Nadia Fassi", "Massar relie les écoles."),
        ("Nadia Fassi", "Suite de son propos."),
    ]


def test_docx_line_breaks_before_speaker_tags_start_turns(tmp_path):
    document = docx.Document()
    paragraph = document.add_paragraph("P1 : Que proposez-vous ?")
    paragraph.add_run().add_break()
    paragraph.add_run("Eric Zemmour : Je propose ceci,")
    paragraph.add_run().add_break()
    paragraph.add_run("et cela.")
    path = tmp_path / "debat.docx"
    document.save(path)
    assert _turns(read_source(path, LIMIT)) == [
        ("P1", "Que proposez-vous ?"),
        ("Eric Zemmour", "Je propose ceci, et cela."),
    ]


@pytest.mark.parametrize("part", ["word/document.xml", "word/styles.xml"])
def test_a_docx_with_damaged_xml_is_unreadable_not_a_crash(tmp_path, cut_docx, part):
    path = tmp_path / "conf.docx"
    cut_docx(path, part)
    with pytest.raises(InputError) as info:
        read_source(path, LIMIT)
    assert str(info.value) == f"{path} : document Word illisible (XML abîmé)"


def test_docx_read_again_comes_from_the_cache_until_it_changes(tmp_path, monkeypatch):
    import omap_synthesis.readers as readers

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    document = docx.Document()
    document.add_paragraph("Nadia Fassi : Massar relie les écoles.")
    path = tmp_path / "conf.docx"
    document.save(path)
    first = read_source(path, LIMIT)
    calls = []
    original = readers.read_docx
    monkeypatch.setattr(readers, "read_docx", lambda *a: calls.append(a) or original(*a))
    assert read_source(path, LIMIT) == first and calls == []
    document.add_paragraph("Suite de son propos.")
    document.save(path)
    assert len(read_source(path, LIMIT).turns) == 2 and len(calls) == 1


@pytest.mark.parametrize(
    ("name", "content", "message", "line"),
    [
        ("vide.txt", b"  \n\n", "fichier vide", None),
        ("notes.pdf", b"%PDF-1.4", "extension", None),
        ("binaire.txt", b"Ali : ok\n\x00\x01\x02", "indécodables", 2),
        ("shape.json", b'{"text": "bonjour"}', "segments", None),
        (
            "seg.json",
            b'{"segments": [{"text": "x"}]}',
            "segment n° 1 n'a ni « start » ni « end » valables",
            None,
        ),
        ("broken.json", b'{"segments": [', "JSON invalide", 1),
        ("profond.json", b'{"segments": ' + b"[" * 5000, "imbriquée trop profondément", None),
        ("broken.docx", b"PK\x03\x04 not a zip", "Word illisible", None),
        ("front.md", b"---\ntalk: [\n---\nA : b\n", "en-tête YAML", None),
        (
            "date.md",
            b"---\ntalk: conf-6\ndate: 2022-13-45\n---\nA : b\n",
            "en-tête YAML invalide (date impossible : « 2022-13-45 »)",
            3,
        ),
        ("profond.md", b"---\ntalk: " + b"[" * 5000 + b"\n---\nA : b\n", "trop profondément", 1),
    ],
)
def test_bad_inputs_name_the_file(tmp_path, name, content, message, line):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        read_source(path, LIMIT)
    assert name in str(info.value) and message in str(info.value)
    if line:
        assert info.value.line == line


KEPT = "texte gardé, daté d'après les sous-titres voisins"
PARTLY_BROKEN = {
    # A malformed timing keeps its text, timed from the cues around it: the speaker's name in
    # it would otherwise pass what follows to the speaker before. Text outside any cue is
    # named, not read.
    "conf.srt": (
        "hors sous-titre\n\n1\n00:00:00,000 --> 00:00:02,000\nHicham Alami : Bonjour.\n\n"
        "2\n00:00:02,000 -> 00:00:04,000\nYoussef Kettani : Gardé.\n\n3\n00:00:04,000 --> "
        "00:00:06,000\nSuite.\n",
        ["ligne 1 : texte hors sous-titre (« hors sous-titre »), passage ignoré"],
        [f"ligne 8 : horodatage mal formé « 00:00:02,000 -> 00:00:04,000 », {KEPT}"],
    ),
    # Without blank lines, the cue after a malformed timing still starts at its own timing.
    "serre.srt": (
        "1\n00:00:00,000 --> 00:00:02,000\nHicham Alami : Bonjour.\n2\n00:00:0x,000 --> "
        "00:00:04,000\nYoussef Kettani : Gardé.\n3\n00:00:04,000 --> 00:00:06,000\nSuite.\n",
        [],
        [f"ligne 5 : horodatage mal formé « 00:00:0x,000 --> 00:00:04,000 », {KEPT}"],
    ),
    # The WebVTT parser would drop a block without timing silently, and refuse the whole file
    # for one malformed timing; it also drops a cue whose timing it cannot read (61 minutes).
    "conf.vtt": (
        "WEBVTT\n\nNOTE une note\n\nHicham Alami : égaré\n\n00:00.000 --> 00:02.000\n"
        "Hicham Alami : Bonjour.\n\n00:02.000 -> 00:04.000\nYoussef Kettani : Gardé.\n\n"
        "00:04.000 --> 00:06.000\nSuite.\n\n00:61:00.000 --> 00:62:00.000\nPerdu.\n",
        [
            "ligne 5 : texte hors sous-titre (« Hicham Alami : égaré »), passage ignoré",
            "ligne 16 : horodatage impossible « 00:61:00.000 --> 00:62:00.000 », sous-titre ignoré",
        ],
        [
            "ligne 10 : horodatage mal formé « 00:02.000 -> 00:04.000 », "
            "texte gardé, daté d'après le sous-titre précédent"
        ],
    ),
    "conf.json": (
        '{"segments": [{"start": 0, "end": 2, "text": "Hicham Alami : Bonjour."}, '
        '{"start": 2, "text": "Perdu."}, "x", {"start": 4, "end": 6, "text": "Suite."}, '
        '{"start": true, "end": 7, "text": "Perdu."}, {"start": -1, "end": 7, "text": "Perdu."}]}',
        [
            "le segment n° 2 n'a pas de « end » valable, il est ignoré",
            "le segment n° 3 n'est pas une table, il est ignoré",
            "le segment n° 5 n'a pas de « start » valable, il est ignoré",
            "le segment n° 6 n'a pas de « start » valable, il est ignoré",
        ],
        [],
    ),
}


def test_a_dialogue_cue_holds_one_turn_per_dashed_reply(tmp_path):
    source = _read(
        tmp_path,
        "dialogue.srt",
        "1\n00:00:01,000 --> 00:00:03,000\n- Marie Curie : Bonjour.\n- Paul Langevin : Salut,\n"
        "comment vas-tu ?\n\n2\n00:00:03,000 --> 00:00:04,000\n- Très bien.\n",
    )
    assert _turns(source) == [
        ("Marie Curie", "Bonjour."),
        ("Paul Langevin", "Salut, comment vas-tu ?"),
        (None, "Très bien."),
    ]
    assert source.turns[1].times[0][2:] == (1.0, 3.0)


def test_two_voices_of_one_webvtt_cue_are_two_turns(tmp_path):
    path = tmp_path / "dialogue.vtt"
    path.write_text(
        "WEBVTT\n\n00:01.000 --> 00:03.000\n<v Marie Curie>Bonjour.</v>\n"
        "<v Paul Langevin>Salut &amp; <b>bravo</b> !</v>\n\n"
        "00:03.000 --> 00:04.000\n<v Paul Langevin>Merci.\n"
    )
    source = read_source(path, LIMIT)
    assert _turns(source) == [
        ("Marie Curie", "Bonjour."),
        ("Paul Langevin", "Salut & bravo !\nMerci."),
    ]
    assert source.turns[1].times[0][2:] == (1.0, 3.0)


def test_webvtt_timings_with_a_comma_are_read(tmp_path):
    path = tmp_path / "converti.vtt"
    path.write_text("WEBVTT\n\n00:00:01,000 --> 00:00:03,500\nNadia Fassi : R&amp;D &lt;ok&gt;\n")
    source = read_source(path, LIMIT)
    assert _turns(source) == [("Nadia Fassi", "R&D <ok>")] and not source.problems
    assert source.turns[0].times[0][2:] == (1.0, 3.5)


def test_srt_stamps_without_hours_are_minutes_and_a_lone_last_index_is_not_text(tmp_path):
    path = tmp_path / "court.srt"
    path.write_text(
        "1\n00:13,000 --> 01:15,500\nBonjour.\n\n2\n01:16,000 --> 01:18,000\nFin.\n\n3\n"
    )
    source = read_source(path, LIMIT)
    assert source.text == "Bonjour.\nFin." and not source.problems
    assert [t[2:] for t in source.turns[0].times] == [(13.0, 75.5), (76.0, 78.0)]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        (
            "a.srt",
            "1\n00:00:01,000 --> 00:00:02,000\nUn.\n\n2\n00:00:20,000 --> 00:00:18,000\nDeux.\n",
        ),
        ("a.vtt", "WEBVTT\n\n00:01.000 --> 00:02.000\nUn.\n\n00:20.000 --> 00:18.000\nDeux.\n"),
    ],
)
def test_a_cue_ending_before_it_starts_keeps_its_text_and_its_start(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content)
    source = read_source(path, LIMIT)
    assert source.text == "Un.\nDeux."
    assert source.turns[0].times[1][2:] == (20.0, 20.0)
    assert not source.problems  # nothing is left out
    (problem,) = source.remarks
    assert (
        problem.startswith("ligne 6 : fin avant le début « 00:") and "début est gardée" in problem
    )


@pytest.mark.parametrize(
    ("content", "line", "timing"),
    [
        (
            "1\n00:00:01,000 --> 00:00:05,000\nHicham Alami : Premier.\n\n2\n"
            "00:61:99,000 --> 00:00:09,000\nYoussef Kettani : Perdu.\n\n"
            "3\n00:00:10,000 --> 00:00:12,000\nSuite.\n",
            6,
            "00:61:99,000 --> 00:00:09,000",
        ),
        # Without blank lines, the cue ends where the next one starts.
        (
            "1\n00:00:01,000 --> 00:00:05,000\nHicham Alami : Premier.\n2\n"
            "00:00:06,000 --> 00:00:60,000\nPerdu.\nPerdu aussi.\n"
            "3\n00:00:10,000 --> 00:00:12,000\nSuite.\n",
            5,
            "00:00:06,000 --> 00:00:60,000",
        ),
    ],
)
def test_an_srt_cue_with_an_impossible_stamp_is_named_and_left_out(tmp_path, content, line, timing):
    path = tmp_path / "conf.srt"
    path.write_text(content, encoding="utf-8")
    source = read_source(path, LIMIT)
    assert source.text == "Hicham Alami : Premier.\nSuite."
    assert source.problems == (
        f"ligne {line} : horodatage impossible « {timing} », sous-titre ignoré",
    )
    assert not source.remarks
    assert [t[2:] for t in source.turns[0].times] == [(1.0, 5.0), (10.0, 12.0)]


def test_an_impossible_clock_stamp_is_remarked_on_and_its_text_kept(tmp_path):
    path = tmp_path / "conf.txt"
    path.write_text(
        "[00:05:00] Nadia Fassi : Il faut créer un guichet.\n\n"
        "[99:99:99] Omar Chraibi : Oui.\n\n[00:07:00] Nadia Fassi : Et partager les registres.\n"
    )
    source = read_source(path, LIMIT)
    assert [t.speaker for t in source.turns] == ["Nadia Fassi", "Omar Chraibi", "Nadia Fassi"]
    assert not source.problems
    assert source.remarks == (
        "ligne 3 : horodatage impossible « [99:99:99] », texte gardé sans cette heure",
    )
    assert [t.times[0][2] for t in source.turns][::2] == [300.0, 420.0]
    assert 300.0 <= source.turns[1].times[0][2] <= source.turns[1].times[0][3] <= 420.0


def test_a_whisper_segment_ending_before_it_starts_keeps_its_start(tmp_path):
    path = tmp_path / "asr.json"
    path.write_text(
        '{"segments": [{"start": 0, "end": 2, "text": "Un."}, '
        '{"start": 20, "end": 18.5, "text": "Deux."}]}'
    )
    source = read_source(path, LIMIT)
    assert source.text == "Un.\nDeux." and not source.problems
    assert source.turns[0].times[1][2:] == (20.0, 20.0)
    assert source.remarks == (
        "le segment n° 2 finit avant de commencer (« start » 20, « end » 18.5), "
        "seule l'heure de début est gardée",
    )


def test_a_whisper_segment_with_an_absurd_start_keeps_its_end(tmp_path):
    """« start » 1e308 before « end » 36.07: the start was kept, and the passage was dated
    « vers 2,7e304 h »; the time that falls between the neighbours' is kept."""
    path = tmp_path / "asr.json"
    path.write_text(
        '{"segments": [{"start": 14.2, "end": 26.5, "text": "Un."}, '
        '{"start": 1e308, "end": 36.07, "text": "Deux."}, '
        '{"start": 36.6, "end": 48, "text": "Trois."}]}'
    )
    source = read_source(path, LIMIT)
    assert [t[2:] for t in source.turns[0].times] == [(14.2, 26.5), (36.07, 36.07), (36.6, 48.0)]
    assert source.remarks == (
        "le segment n° 2 finit avant de commencer (« start » 1e+308, « end » 36.07), "
        "seule l'heure de fin est gardée",
    )


def test_clock_stamps_going_back_are_remarked_on_with_their_line(tmp_path):
    path = tmp_path / "conf.txt"
    path.write_text(
        "[00:05:00] Nadia Fassi : Il faut créer un guichet.\n\n"
        "[00:07:30] Omar Chraibi : Oui.\n\nSuite de la réponse.\n\n"
        "[00:01:00] Nadia Fassi : Et partager les registres.\n"
    )
    source = read_source(path, LIMIT)
    assert not source.problems
    assert source.remarks == (
        "ligne 7 : horodatage 00:01:00 antérieur au précédent (00:07:30), "
        "fin du bloc précédent inconnue",
    )
    assert [t.times[0][2:] for t in source.turns] == [
        (300.0, 450.0),
        (450.0, None),
        (450.0, None),
        (60.0, None),
    ]


def test_whisper_speaker_names_that_are_not_text_are_noted_not_fatal(tmp_path):
    path = tmp_path / "asr.json"
    path.write_text(
        '{"speakers": {"SPEAKER_00": 2022, "SPEAKER_01": "Nadia Fassi"}, "segments": ['
        '{"start": 0, "end": 1, "text": "Bonjour.", "speaker": "SPEAKER_00"}, '
        '{"start": 1, "end": 2, "text": "Merci.", "speaker": "SPEAKER_01"}, '
        '{"start": 2, "end": 3, "text": "Au revoir.", "speaker": 7}]}'
    )
    source = read_source(path, LIMIT)
    assert _turns(source) == [
        ("SPEAKER_00", "Bonjour."),
        ("Nadia Fassi", "Merci."),
        (None, "Au revoir."),
    ]
    assert not source.problems  # every segment is read
    assert source.remarks == (
        "la table « speakers » ne donne pas de nom à « SPEAKER_00 », son étiquette est gardée",
        "le « speaker » du segment n° 3 n'est pas un texte, le segment est lu sans orateur",
    )


@pytest.mark.parametrize("name", sorted(PARTLY_BROKEN))
def test_a_bad_cue_is_named_not_the_whole_file(tmp_path, name):
    content, problems, remarks = PARTLY_BROKEN[name]
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    source = read_source(path, LIMIT)
    assert (source.problems, source.remarks) == (tuple(problems), tuple(remarks))
    spoken = " ".join(source.text[t.start_char : t.end_char] for t in source.turns)
    assert "Bonjour." in spoken and "Suite." in spoken and "Perdu" not in spoken
    if name != "conf.json":
        kept = next(t for t in source.turns if "Gardé." in source.text[t.start_char : t.end_char])
        assert kept.speaker == "Youssef Kettani" and kept.times[0][2] == 2.0
        assert source.turns[-1].speaker == "Youssef Kettani"  # « Suite. » is his


def test_an_srt_timing_without_digits_is_remarked_on_not_read_as_speech(tmp_path):
    source = _read(
        tmp_path,
        "conf.srt",
        "1\n00:00:01,000 --> 00:00:05,000\nHicham Alami : Premier.\n\n"
        "2\nabc --> def\nYoussef Kettani : Sans chiffres.\n\n"
        "3\n00:00:16,000 --> 00:00:18,000\nSuite.\n",
    )
    assert source.text == "Hicham Alami : Premier.\nYoussef Kettani : Sans chiffres.\nSuite."
    assert _turns(source) == [
        ("Hicham Alami", "Premier."),
        ("Youssef Kettani", "Sans chiffres.\nSuite."),
    ]
    assert source.turns[1].times[0][2:] == (5.0, 16.0)
    assert not source.problems
    assert source.remarks == (f"ligne 6 : horodatage mal formé « abc --> def », {KEPT}",)


def test_a_lone_cue_with_a_malformed_timing_is_read(tmp_path):
    path = tmp_path / "seul.vtt"
    path.write_text("WEBVTT\n\n00:01.000 -> 00:02.000\nBonjour\n", encoding="utf-8")
    source = read_source(path, LIMIT)
    assert source.text == "Bonjour" and source.remarks[0].startswith("ligne 3 : horodatage")


def test_size_limit_is_checked_before_reading(tmp_path):
    path = tmp_path / "gros.txt"
    with path.open("wb") as handle:
        handle.truncate(3_000_000)  # sparse: never read, never parsed
    with pytest.raises(InputError, match="trop volumineux"):
        read_source(path, 1_000_000)


def test_one_turn_per_line_without_blank_lines(tmp_path):
    source = _read(
        tmp_path,
        "debat.txt",
        "P1 : Que proposez-vous ?\nEric Zemmour : Je propose ceci.\nDeuxième point : la suite.\n"
        "[00:01:02] Jean Luc Mélenchon : Et moi cela.\n\nUn paragraphe sans nom le prolonge.\n",
    )
    assert _turns(source) == [
        ("P1", "Que proposez-vous ?"),
        ("Eric Zemmour", "Je propose ceci.\nDeuxième point : la suite."),
        ("Jean Luc Mélenchon", "Et moi cela."),
        ("Jean Luc Mélenchon", "Un paragraphe sans nom le prolonge."),
    ]
    assert source.turns[2].times[0][2] == 62.0


def test_utf16_with_its_mark_is_read(tmp_path):
    path = tmp_path / "conf.txt"
    path.write_bytes("Nadia Fassi : Il faut créer un guichet unique.\n".encode("utf-16"))
    source = read_source(path, LIMIT)
    assert _turns(source) == [("Nadia Fassi", "Il faut créer un guichet unique.")]
    assert source.encoding == "utf-16" and not source.problems


def test_a_line_not_in_utf8_in_a_utf8_file_is_read_and_named(tmp_path):
    path = tmp_path / "conf.txt"
    path.write_bytes(
        "Nadia Fassi : Il faut créer un guichet.\n\n".encode()
        + "Omar Chraibi : Le café coûte cher.\n".encode("cp1252")
    )
    source = read_source(path, LIMIT)
    assert _turns(source) == [
        ("Nadia Fassi", "Il faut créer un guichet."),
        ("Omar Chraibi", "Le café coûte cher."),
    ]
    assert not source.problems
    assert source.remarks == ("ligne 3 : pas en UTF-8 comme le reste, lue en cp1252",)


def test_clock_stamps_date_each_block_within_the_window_to_the_next_stamp(tmp_path):
    source = _read(
        tmp_path,
        "conf.txt",
        "Youssef Kettani : Bienvenue.\n\n[00:01:12] Leila Bennani : Un.\n\nDeux.\n\n"
        "[00:02:40] Leila Bennani : Trois.\n",
    )
    times = [t.times[0][2:] if t.times else () for t in source.turns]
    assert times[0] == ()  # before the first stamp: undated
    # The block without tag goes on with the turn above: the two share 00:01:12–00:02:40,
    # each its part, in proportion to its characters.
    (a, b), (c, d) = times[1:3]
    assert a == 72.0 and d == 160.0 and a < b <= c < d
    assert times[3] == (160.0, None)  # after the last stamp: its start only


def test_automatic_captions_that_roll_are_read_once(tmp_path):
    # YouTube's automatic captions: a line of spaces inside a cue, each word timed, and every
    # caption repeating the line before.
    source = _read(
        tmp_path,
        "auto.vtt",
        "WEBVTT\nKind: captions\nLanguage: fr\n\n"
        "00:00:00.000 --> 00:00:02.510 align:start position:0%\n \n"
        "il<00:00:00.400><c> faudrait</c><00:00:00.800><c> créer</c>\n\n"
        "00:00:02.510 --> 00:00:02.520 align:start position:0%\nil faudrait créer\n \n\n"
        "00:00:02.520 --> 00:00:05.000 align:start position:0%\nil faudrait créer\n"
        "un<00:00:02.900><c> guichet</c><00:00:03.300><c> unique</c>\n",
    )
    assert not source.problems
    assert source.text == "il faudrait créer\nun guichet unique"
    assert [u[2:] for u in source.turns[0].times] == [(0.0, 2.51), (2.52, 5.0)]


def test_a_line_of_spaces_before_the_next_cue_still_ends_a_cue(tmp_path):
    source = _read(
        tmp_path,
        "a.vtt",
        "WEBVTT\n\n00:00.000 --> 00:01.000\nUn.\n   \n00:01.000 --> 00:02.000\nDeux.\n",
    )
    assert source.text == "Un.\nDeux." and not source.problems


def test_rolling_captions_keep_untimed_words_and_the_voice(tmp_path):
    source = _read(
        tmp_path,
        "auto.vtt",
        "WEBVTT\n\n00:00:00.000 --> 00:00:02.500\nbonjour à tous\n\n"
        "00:00:02.500 --> 00:00:05.000\nbonjour à tous\n"
        "<v Leila Bennani>il<00:00:02.900><c> faut</c><00:00:03.300><c> agir</c>\n\n"
        "00:00:05.000 --> 00:00:08.000\nil faut agir\nmerci\n",
    )
    assert source.text == "bonjour à tous\nil faut agir\nmerci"
    assert [t.speaker for t in source.turns] == [None, "Leila Bennani"]


def test_a_note_line_is_nobodys_words(tmp_path):
    # Neither a speaker named « Note » nor the words of the speaker before it.
    source = _read(
        tmp_path,
        "qr.md",
        "Amina Rami : Les registres ne se parlent pas.\n"
        "Remarque : il faudrait un guichet unique pour les entreprises.\n",
    )
    assert _turns(source) == [
        ("Amina Rami", "Les registres ne se parlent pas."),
        (None, "il faudrait un guichet unique pour les entreprises."),
    ]


@pytest.mark.parametrize("between", ["\n\n", "\n"])
def test_a_speaker_tag_without_its_colon_opens_a_turn_with_a_remark(tmp_path, between):
    path = tmp_path / "debat.txt"
    path.write_text(
        f"Léa Salamé : Monsieur Macron ?{between}Emmanuel Macron : Il faut bloquer les prix."
        f"{between}Léa Salamé Vous n'êtes pas d'accord ?"
        # The name glued to the speech, as in a FREDSum transcript.
        f"{between}Emmanuel MacronBon, on avance.\n\n"
        f"Léa Salamé a raison, et Léa Salamé, vous le savez, pose la question.\n"
    )
    source = read_source(path, LIMIT)
    assert _turns(source) == [
        ("Léa Salamé", "Monsieur Macron ?"),
        ("Emmanuel Macron", "Il faut bloquer les prix."),
        ("Léa Salamé", "Vous n'êtes pas d'accord ?"),
        ("Emmanuel Macron", "Bon, on avance."),
        ("Emmanuel Macron", "Léa Salamé a raison, et Léa Salamé, vous le savez, pose la question."),
    ]
    lines = (3, 4) if between == "\n" else (5, 7)
    assert source.remarks == tuple(
        f"ligne {line} : prise de parole sans deux-points après « {name} », lue comme une "
        "prise de parole de ce nom"
        for line, name in zip(lines, ("Léa Salamé", "Emmanuel Macron"), strict=True)
    )


@pytest.mark.parametrize("programme", [False, True])
def test_a_semicolon_for_the_colon_of_a_speaker_tag_opens_a_turn_with_a_remark(tmp_path, programme):
    # « ; » is the key beside « : » on a French keyboard. The name is a tag of the file, or,
    # when the file never tags it otherwise, a person of the programme.
    path = tmp_path / "debat.txt"
    other = "Nadia Berrada : Et la fibre ?\n\n" if not programme else ""
    path.write_text(
        "[00:01:00] Karim Alaoui : Il faut un guichet unique.\n\n"
        f"{other}[00:01:40] Nadia Berrada ; Non, commençons par les registres.\n\n"
        "Anticipons ; voilà le mot.\n"
    )
    with known_names(["Karim Alaoui", "Nadia Berrada"] if programme else []):
        source = read_source(path, LIMIT)
    turns = _turns(source)
    assert turns[-2:] == [
        ("Nadia Berrada", "Non, commençons par les registres."),
        ("Nadia Berrada", "Anticipons ; voilà le mot."),
    ]
    assert source.turns[-2].times[0][2] == 100.0
    line = 3 if programme else 5
    assert source.remarks == (
        f"ligne {line} : prise de parole sans deux-points après « Nadia Berrada » "
        "(point-virgule à la place), lue comme une prise de parole de ce nom",
    )


def test_an_html_comment_of_markdown_is_neither_speech_nor_published(tmp_path):
    """« <!-- Note interne : ne pas publier --> » went to the public passages table as the
    moderator's words."""
    path = tmp_path / "qr.md"
    path.write_text(
        "Amina Alaoui : Merci. <!-- à vérifier --> Il faut partager les registres.\n\n"
        "<!-- Note interne : ne pas publier,\nle passage a été retiré. -->\n\n"
        "Karim Bennis : Et les former.\n",
        encoding="utf-8",
    )
    source = read_source(path, LIMIT)
    said = " ".join(source.text[t.start_char : t.end_char] for t in source.turns)
    assert "à vérifier" not in said and "Note interne" not in source.text
    assert " ".join(said.split()) == "Merci. Il faut partager les registres. Et les former."
    assert source.problems == (
        "ligne 1 : commentaire HTML, laissé de côté (ni analysé ni publié)",
        "ligne 3 : commentaire HTML, laissé de côté (ni analysé ni publié)",
    )


def test_word_tables_tracked_changes_and_content_controls_are_read(tmp_path):
    """python-docx's paragraphs leave out a table (« Nom | propos », common in minutes), the
    words of a tracked insertion and a content control: they were lost without a word."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    document.add_paragraph("Leila Bennani : Il faut simplifier les procédures.")
    table = document.add_table(rows=2, cols=2)
    for row, (who, said) in zip(
        table.rows,
        [("Intervenant", "Propos"), ("Hicham Alami", "Nous recommandons un cloud commun.")],
        strict=True,
    ):
        row.cells[0].text, row.cells[1].text = who, said
    paragraph = document.add_paragraph("Samira Idrissi : Il faut ")
    w = nsdecls("w")
    paragraph._p.append(
        parse_xml(f"<w:ins {w} w:id='1' w:author='a'><w:r><w:t>vraiment</w:t></w:r></w:ins>")
    )
    paragraph._p.append(
        parse_xml(
            f"<w:del {w} w:id='2' w:author='a'><w:r><w:delText>jamais</w:delText></w:r></w:del>"
        )
    )
    paragraph._p.append(
        parse_xml(f"<w:r {w}><w:t xml:space='preserve'> créer un registre.</w:t></w:r>")
    )
    document.element.body.insert(
        len(document.element.body) - 1,
        parse_xml(
            f"<w:sdt {w}><w:sdtContent><w:p><w:r><w:t>Nadia Fassi : Il faut former les agents."
            "</w:t></w:r></w:p></w:sdtContent></w:sdt>"
        ),
    )
    path = tmp_path / "notes.docx"
    document.save(str(path))
    source = read_source(path, LIMIT)
    turns = [(t.speaker, source.text[t.start_char : t.end_char]) for t in source.turns]
    assert turns == [
        ("Leila Bennani", "Il faut simplifier les procédures."),
        ("Hicham Alami", "Nous recommandons un cloud commun."),
        ("Samira Idrissi", "Il faut vraiment créer un registre."),
        ("Nadia Fassi", "Il faut former les agents."),
    ]


def test_a_subtitle_number_that_is_no_number_is_said_and_not_read_as_speech(tmp_path):
    """« onze » where a cue's number should be: the parser gave the number and the timing
    line to the cue above, as words of its speaker."""
    path = tmp_path / "conf.srt"
    path.write_text(
        "1\n00:00:01,000 --> 00:00:04,000\nAmina Alaoui : Il faut simplifier.\n\n"
        "onze\n00:00:05,000 --> 00:00:08,000\nNous devons créer un guichet unique.\n",
        encoding="utf-8",
    )
    source = read_source(path, LIMIT)
    said = " ".join(source.text[t.start_char : t.end_char] for t in source.turns)
    assert said.split() == "Il faut simplifier. Nous devons créer un guichet unique.".split()
    assert [t.times[-1][2:] for t in source.turns] == [(5.0, 8.0)]
    assert source.remarks == (
        "ligne 5 : numéro de sous-titre illisible « onze », sous-titre lu sans ce numéro",
    )


def test_markdown_marks_are_neither_quoted_nor_in_the_way_of_a_tag(tmp_path):
    """A list item, a quotation, a table and a code fence: their marks were quoted as speech
    (« | Intervenant | Propos | … ») and hid the tags behind them; « Réponse de Leila
    Bennani : » is hers, a heading of a note (« Citation : ») names nobody."""
    text = (
        "Salma Berrada : Nous passons aux questions.\n\n"
        "- Réponse de Leila Bennani : oui, il faut le créer.\n\n"
        "> Citation : « Il faut mutualiser les centres de données. »\n\n"
        "| Intervenant | Propos |\n|---|---|\n| Hicham Alami | Nous recommandons le cloud. |\n\n"
        "```\n**Rim Benjelloun** : Il faut renforcer les partenariats.\n```\n"
    )
    source = _read(tmp_path, "notes.md", text)
    assert len(source.text) == len(text)
    turns = [(t.speaker, source.text[t.start_char : t.end_char]) for t in source.turns]
    assert turns == [
        ("Salma Berrada", "Nous passons aux questions."),
        ("Leila Bennani", "oui, il faut le créer."),
        (None, "« Il faut mutualiser les centres de données. »"),
        ("Hicham Alami", "Nous recommandons le cloud."),
        ("Rim Benjelloun", "Il faut renforcer les partenariats."),
    ]


def test_a_header_without_its_opening_rule_is_read_as_a_header(tmp_path):
    """« talk: qr-1 », « avertissement: … », « --- » at the top: the header's lines were read
    as speech (and published), the talk taken from the file's name."""
    source = _read(
        tmp_path,
        "notes.md",
        "talk: qr-1\navertissement: notes fictives\n---\n\nHind Tazi : Faut-il un registre ?\n",
    )
    assert source.meta == {"talk": "qr-1", "avertissement": "notes fictives"}
    assert _turns(source) == [("Hind Tazi", "Faut-il un registre ?")]
    assert source.remarks == (
        "ligne 1 : en-tête sans sa première ligne « --- », lu comme un en-tête",
    )


def test_a_rule_under_speech_is_no_header(tmp_path):
    text = "Hind Tazi : Faut-il un registre ?\n---\n\nOmar Chraibi : Oui.\n"
    source = _read(tmp_path, "notes.md", text)
    assert source.meta == {} and not source.remarks
    assert _turns(source)[0] == ("Hind Tazi", "Faut-il un registre ?")


@pytest.mark.parametrize(
    ("name", "text", "line", "count", "start"),
    [
        (
            "notes.md",
            "Amina Alaoui : Bonjour.\n\n![logo](data:image/png;base64,{run})\n",
            3,
            "471",
            "![logo](data",
        ),
        ("conf.txt", "Amina Alaoui : Bonjour.\n\n{run} : Merci.\n", 3, "440", "iVBORw0KGgoi"),
        (
            "conf.srt",
            "1\n00:00:01,000 --> 00:00:02,000\nAmina Alaoui : Bonjour.\n\n"
            "2\n00:00:02,000 --> 00:00:03,000\n{run} Merci.\n",
            7,
            "440",
            "iVBORw0KGgoi",
        ),
    ],
    ids=["markdown-image", "text-label", "srt"],
)
def test_a_long_run_without_spaces_is_no_speech(tmp_path, name, text, line, count, start):
    """A base64 image pasted in notes went whole into the passages (33 000 characters quoted
    in the report); a 500 000-character « word » took minutes to lay out in the PDF."""
    source = _read(tmp_path, name, text.format(run="iVBORw0KGgo" * 40))
    said = [" ".join(source.text[t.start_char : t.end_char].split()) for t in source.turns]
    assert "iVBOR" not in source.text
    assert said[0].startswith("Bonjour.") and all(":" not in x and "logo" not in x for x in said)
    assert source.problems == (
        f"ligne {line} : suite de {count} caractères sans espace (« {start}… »), qui n'est pas "
        "du texte (image ou donnée encodée ?), laissée de côté (ni analysée ni publiée)",
    )


def test_an_opening_rule_with_trailing_spaces_opens_the_header(tmp_path):
    source = _read(tmp_path, "notes.md", "--- \ntalk: qr-1\n---\n\nHind Tazi : Un registre ?\n")
    assert source.meta == {"talk": "qr-1"} and not source.remarks
    assert _turns(source) == [("Hind Tazi", "Un registre ?")]


def test_each_long_run_is_said_at_its_own_line(tmp_path):
    image = "![](data:image/png;base64," + "iVBORw0KGgo" * 40 + ")"
    source = _read(tmp_path, "notes.md", f"Amina Alaoui : Bonjour.\n\n{image}\n\n\n\n{image}\n")
    assert [p.split(" : ")[0] for p in source.problems] == ["ligne 3", "ligne 7"]
