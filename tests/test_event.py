"""Programme and codebook loaders: the sample files are valid, broken ones are named clearly."""

from __future__ import annotations

import pytest

from omap_synthesis.errors import InputError
from omap_synthesis.event import load_codebook, load_event


def test_sample_programme(sample_event):
    event = load_event(sample_event)
    talks = [it for it in event.items if it.kind == "conf"]
    assert [t.id for t in talks] == [f"conf-{i}" for i in range(1, 9)]
    assert [it.id for it in event.items if it.kind == "qa"] == ["qr-1", "qr-2"]
    assert event.item("conf-5").speakers == ()  # the programme names no speaker
    assert event.item("rapporteur").start == "15:05"
    assert not any("O3" in t.objectives for t in talks)  # no talk is devoted to objective 3
    assert "objectif 3" in event.objectives_note.lower()
    assert event.fictional and "fictives" in event.notice


def test_sample_programme_uses_invented_names(sample_event):
    real = ["Zyani", "Melyani", "El Farsi", "Himmi", "Ouajka", "Belahbib", "Baddag", "Rahali",
            "Ayache", "Bounabat", "Eldaouibi", "Alaoui Ismail"]  # fmt: skip
    text = "\n".join(p.read_text(encoding="utf-8", errors="ignore") for p in
                     (sample_event / "sources").glob("*") if p.suffix != ".docx")  # fmt: skip
    text += (sample_event / "event.yaml").read_text(encoding="utf-8")
    assert not [name for name in real if name.lower() in text.lower()]


def test_sample_codebook(sample_event):
    codebook = load_codebook(sample_event / "codebook.yaml")
    assert [lab.id for lab in codebook.top] == ["O1", "O2", "O3"]
    assert all(codebook.children(top.id) for top in codebook.top)
    assert all(lab.description for lab in codebook.labels)


EVENT_OK = """id: e\ntitle: T\nitems:\n  - {id: a, kind: conf, title: A, start: "10:00"}\n"""


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("id: e\ntitle: [\n", "YAML invalide"),
        ("- juste une liste\n", "table YAML"),
        ("id: e\ntitle: T\n", "« items »"),
        ("id: e\ntitle: T\nitems: conf-1\n", "champ « items » : liste des séquences attendue"),
        ("title: T\nitems:\n  - {id: a, kind: conf, title: A}\n", "« id »"),
        (
            EVENT_OK.replace('"10:00"', '"25h"'),
            "ligne 4 : séquence n° 1 (« a »), champ « start » : heure attendue au format HH:MM "
            "ou 10h45, lu « 25h »",
        ),
        (EVENT_OK.replace("kind: conf", "kind: atelier"), "séquence n° 1 (« a »), champ « kind »"),
        (EVENT_OK + "  - {id: a, kind: qa, title: B}\n", "en double"),
        (EVENT_OK + "sources:\n  f.txt: zz\n", "sources.f.txt"),
        (EVENT_OK.replace("title: A", "title: A, session: S9"), "session « S9 »"),
        ("id: e\ntitle: T\nid: f\n", "ligne 3 : clé « id » en double (déjà ligne 1)"),
        (
            EVENT_OK.replace('"10:00"', '"11:15", end: "9:55"'),
            "séquence n° 1 (« a »), champ « end » : la séquence finit (9:55) avant de commencer "
            "(11:15)",
        ),
        (EVENT_OK.replace("id: e", "id: OMAP 2022/10"), "champ « id » : « OMAP 2022/10 » doit"),
        (EVENT_OK.replace("id: e", "id: '..'"), "doit pouvoir nommer un dossier"),
        (
            "id: e\ntitle: " + "[" * 5000 + "\n",
            "YAML invalide (structure imbriquée trop profondément)",
        ),
        # Values the parser reads but cannot build stopped the whole run with a traceback.
        (EVENT_OK + "date: 2022-13-45\n", "ligne 5 : YAML invalide (date impossible"),
        (EVENT_OK + "date: 2022-02-30\n", "« 2022-02-30 »"),
        (EVENT_OK + "venue: !!int abc\n", "ligne 5 : YAML invalide (nombre impossible"),
        (EVENT_OK + "fictional: !!bool peut-être\n", "booléen impossible : « peut-être »"),
        (EVENT_OK + "sessions:\n\t- id: S1\n", "ligne 6 : YAML invalide (tabulation"),
        # A bracket or a quote left open: the line where it was opened, not the one where the
        # parser stumbles.
        (
            "id: e\ntitle: T\nitems: [{id: a, kind: conf, title: A}\nsources: {}\n",
            "ligne 3 : YAML invalide (le crochet « [ » ouvert ici n'est pas fermé avant la "
            "ligne 4)",
        ),
        ("id: e\ntitle: {x: 1\n\n", "ligne 2 : YAML invalide (l'accolade « { » ouverte ici"),
        ("id: e\ntitle: 'T\nitems: []\n", "ligne 2 : YAML invalide (l'apostrophe ouverte ici"),
        # An error inside a list written across lines, or inside a quoted text, is where the
        # parser stumbles: the bracket or the quote is closed.
        (
            EVENT_OK + 'sources: [a.txt,\n  "b" c,\n  e.txt]\n',
            "ligne 6 : YAML invalide (syntaxe incorrecte",
        ),
        ('id: e\ntitle: "T\n  \\q"\n', "ligne 3 : YAML invalide (syntaxe incorrecte"),
    ],
)
def test_bad_programme(tmp_path, content, message):
    (tmp_path / "event.yaml").write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_event(tmp_path)
    assert "event.yaml" in str(info.value) and message in str(info.value)


def test_a_merge_key_is_no_duplicate_key(tmp_path):
    """« <<: *alias » is valid YAML: the keys it brings may be given again."""
    items = (
        "items:\n  - &conf {id: a, kind: conf, title: A, start: '10:00'}\n"
        "  - <<: *conf\n    id: b\n    title: B\n"
    )
    (tmp_path / "event.yaml").write_text(f"id: e\ntitle: T\n{items}", encoding="utf-8")
    assert [(it.id, it.title, it.start) for it in load_event(tmp_path).items] == [
        ("a", "A", "10:00"),
        ("b", "B", "10:00"),
    ]


def test_times_written_without_quotes_are_times(tmp_path):
    (tmp_path / "event.yaml").write_text(EVENT_OK.replace('"10:00"', "9:05, end: 11:45"))
    (item,) = load_event(tmp_path).items
    assert (item.start, item.end) == ("9:05", "11:45")


def test_a_programme_saved_in_cp1252_is_read_with_a_warning(tmp_path, caplog):
    (tmp_path / "event.yaml").write_bytes(
        ("# Journée\n" + EVENT_OK.replace("title: A", "title: Clôture")).encode("cp1252")
    )
    with caplog.at_level("WARNING"):
        (item,) = load_event(tmp_path).items
    assert item.title == "Clôture"
    assert "event.yaml, ligne 1 : le fichier n'est pas en UTF-8, lu en cp1252" in caplog.text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "liste « labels »"),
        ("labels: []\n", "liste « labels »"),
        (
            "labels:\n  - {id: A, name: N, description: d}\n  - {id: A, name: M, terms: [x]}\n",
            "en double",
        ),
        ("labels:\n  - {id: A}\n", "ni nom, ni description"),
        ("labels:\n  - {id: 'A; B', name: N, terms: [x]}\n", "« ; » ne peut pas figurer"),
        ("labels:\n  - {name: N}\n", "labels[0].id"),
        ("labels: " + "[" * 5000 + "\n", "YAML invalide (structure imbriquée trop profondément)"),
        (
            "labels:\n  - {id: A, name: N, terms: x, children: [{id: B, name: b, children: "
            "[{id: C, name: c}]}]}\n",
            "un seul niveau",
        ),
    ],
)
def test_bad_codebook(tmp_path, content, message):
    path = tmp_path / "codebook.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_codebook(path)
    assert "codebook.yaml" in str(info.value) and message in str(info.value)


def test_codebook_oddities_are_read_with_a_warning(tmp_path, caplog):
    """A label with a name only is recognised by its name; terms written as one text are a
    comma-separated list. Both are said on the log (stderr for the commands)."""
    path = tmp_path / "codebook.yaml"
    path.write_text(
        "labels:\n  - {id: E, name: Énergie}\n  - {id: R, name: Retraites, terms: 'retraite, "
        "pension ; âge légal'}\n",
        encoding="utf-8",
    )
    codebook = load_codebook(path)
    assert codebook.get("R").terms == ("retraite", "pension", "âge légal")
    assert codebook.get("E").name == "Énergie" and codebook.get("E").terms == ()
    said = " ".join(r.getMessage() for r in caplog.records)
    assert "« E » n'a ni description ni termes" in said and "labels[1].terms" in said


def test_a_label_without_a_name_is_said_and_its_id_is_not_a_term(tmp_path, caplog, nlp):
    from omap_synthesis.tag import CodebookTagger

    path = tmp_path / "codebook.yaml"
    path.write_text("labels:\n  - {id: A, terms: [simplification]}\n", encoding="utf-8")
    codebook = load_codebook(path)
    assert "le label « A » n'a pas de nom ; son identifiant en tient lieu" in caplog.text
    tagger = CodebookTagger(codebook)
    docs = [nlp("Le partenariat a bien fonctionné."), nlp("Il faut une simplification.")]
    said, meant = tagger.tag(docs, ["p1", "p2"])
    # « a » (the verb) does not count for label « A »; « simplification » does.
    assert said.scores["A"] == 0.0 and not said.explanations.get("A", {}).get("terms")
    assert meant.explanations["A"]["terms"] == ["simplification"]


def test_a_term_that_is_no_text_is_said_and_left_out(tmp_path, caplog):
    """« null » and « true » became the terms « None » and « True »; a number stays a term,
    and a label named as its id is not said to have no name."""
    path = tmp_path / "codebook.yaml"
    path.write_text(
        "labels:\n  - {id: A, name: A, terms: [registre, null, true, 2030, [x]]}\n",
        encoding="utf-8",
    )
    assert load_codebook(path).get("A").terms == ("registre", "2030")
    said = " ".join(r.getMessage() for r in caplog.records)
    assert "« labels[0].terms[1] » : valeur vide, ignorée" in said
    assert "« labels[0].terms[2] » : « True » n'est pas un terme" in said
    assert "terms[4]" in said and "n'a pas de nom" not in said


def test_a_key_one_letter_from_a_known_one_is_read_with_a_warning(tmp_path, caplog):
    # Extra fields are allowed; a near miss of a known one is most likely a typo.
    (tmp_path / "event.yaml").write_text(
        "id: e\ntitle: T\nsessions:\n  - {id: S1, title: Matin}\nitems:\n"
        "  - id: a\n    kind: conf\n    title: A\n    sesion: S1\n    commentaire: à revoir\n"
        "    speakers:\n      - {name: Rim Tazi, institution: ENSA, rôle: doctorante}\n",
        encoding="utf-8",
    )
    with caplog.at_level("WARNING"):
        (item,) = load_event(tmp_path).items
    assert item.session == ""
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 2
    assert warnings[0].endswith(
        "event.yaml, ligne 9 : clé « sesion » inconnue dans la séquence n° 1 (« a »), ignorée "
        "(vouliez-vous dire « session » ?)"
    )
    assert "clé « rôle » inconnue dans « speakers[0] » de la séquence n° 1 (« a »)" in warnings[1]


@pytest.mark.parametrize(
    ("written", "read"),
    [("10h45", "10:45"), ("10 h 45", "10:45"), ("9h", "9:00"), ("14H05", "14:05")],
)
def test_times_written_the_french_way_are_read(tmp_path, written, read):
    (tmp_path / "event.yaml").write_text(EVENT_OK.replace('"10:00"', f'"{written}"'))
    (item,) = load_event(tmp_path).items
    assert item.start == read


def test_a_faulty_entry_of_the_programme_is_named_by_its_place_and_id(tmp_path):
    # Counted from 1 with its id (or its title), and its line: not a 0-based « items[2] ».
    (tmp_path / "event.yaml").write_text(
        EVENT_OK
        + "  - {id: pause, kind: pause, title: Pause, start: '10:30'}\n"
        + "  - id: b\n    kind: conf\n    title: B\n    start: 10h45\n    end: 10:40\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as info:
        load_event(tmp_path)
    assert info.value.reason == (
        "ligne 6 : séquence n° 3 (« b »), champ « end » : la séquence finit (10:40) avant de "
        "commencer (10:45)"
    )
    (tmp_path / "event.yaml").write_text(EVENT_OK + "  - {kind: conf, title: Atelier C}\n")
    with pytest.raises(InputError) as info:
        load_event(tmp_path)
    assert (
        info.value.reason
        == "ligne 5 : séquence n° 2 (« Atelier C »), champ « id » manquant ou vide"
    )


def test_a_programme_saved_in_utf16_is_read(tmp_path):
    (tmp_path / "event.yaml").write_bytes(EVENT_OK.replace("T", "Télé").encode("utf-16"))
    assert load_event(tmp_path).title == "Télé"
