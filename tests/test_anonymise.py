"""Audience members get stable pseudonyms; programme speakers keep their names."""

from __future__ import annotations

import pandas as pd
import pytest

from omap_synthesis.anonymise import Pseudonymiser, build_pseudonymiser
from omap_synthesis.models import Passage


def _p(pid, speaker, text, kind="question", exchange=1):
    return Passage(pid, "qr.md", "qr-1", speaker, text, text, 0, len(text), kind=kind,
                   exchange=exchange)  # fmt: skip


def test_audience_speakers_are_numbered_in_order(sample_ingested):
    pseudo = build_pseudonymiser(sample_ingested.passages, sample_ingested.event)
    key = pseudo.key()
    assert key["Thomas Reinholt"].startswith("Participant·e ")
    assert len(set(key.values())) == len(key)
    assert "Leila Bennani" not in key and "Youssef Kettani" not in key
    assert pseudo.speaker("Leila Bennani") == "Leila Bennani"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Comme le disait M. Anas Lazrak tout à l'heure", "Comme le disait [Participant·e 1] tout"),
        ("Lazrak a raison", "[Participant·e 1] a raison"),
        ("Lazrakovitch parle", "Lazrakovitch parle"),
        ("Mme Karima Sefiani (ENSA)", "[Participant·e 2] (ENSA)"),
        (
            "Anas a raison, et LAZRAK aussi",
            "[Participant·e 1] a raison, et [Participant·e 1] aussi",
        ),
        (
            "tout comme A. Lazrak et K. SEFIANI.",
            "tout comme [Participant·e 1] et [Participant·e 2].",
        ),
        ("Karima le disait : la France", "Karima le disait : la France"),
        # A transcript's lower case: the whole name, and a part after a title, in any case.
        ("Ce n'est pas vrai, monsieur lazrak.", "Ce n'est pas vrai, [Participant·e 1]."),
        ("anas lazrak et madame Sefiani", "[Participant·e 1] et [Participant·e 2]"),
        ("Anas lazrak a raison", "[Participant·e 1] a raison"),
        ("monsieur Lazrak a raison", "[Participant·e 1] a raison"),
        # A part alone in lower case may be a word: it stays.
        ("lazrak a raison", "lazrak a raison"),
    ],
)
def test_names_in_text(text, expected):
    pseudo = Pseudonymiser(
        {"Anas Lazrak": "Participant·e 1", "Karima Sefiani": "Participant·e 2"},
        kept_first_names=frozenset({"Karima"}),
    )
    assert pseudo.text(text).startswith(expected)


def test_audience_affiliations_leave_the_speaker_tags():
    pseudo = Pseudonymiser(
        {"Anas Lazrak": "Participant·e 1"}, affiliations=frozenset({"ingénieur, Commune de Salé"})
    )
    text = "Anas Lazrak (ingénieur, Commune de Salé) : Ma question. Fin"
    public, shifts = pseudo.text_with_offsets(text)
    assert public == "[Participant·e 1] : Ma question. Fin"
    delta = sum(d for end, d in shifts if end <= text.index("Fin"))
    assert public[text.index("Fin") + delta :] == "Fin"


def test_a_title_does_not_make_another_person(nlp):
    passages = [
        _p("q1", "M. Anas Lazrak", "Je rejoins ce qu'a dit Samira Idrissi."),
        _p("q2", "Anas Lazrak", "Une autre question.", exchange=2),
    ]
    pseudo = build_pseudonymiser(passages, None, {})
    assert pseudo.key() == {"Anas Lazrak": "Participant·e 1"}
    assert pseudo.speaker("M. Anas Lazrak") == "Participant·e 1"
    assert pseudo.is_audience("M. Anas Lazrak")


def test_a_first_name_the_talks_use_as_a_word_stays(sample_ingested):
    talks = [p for p in sample_ingested.passages if p.kind == "talk"]
    assert any("France" in p.text.split() for p in talks)
    passages = [*sample_ingested.passages, _p("extra", "France Alaoui", "Ma question.", exchange=9)]
    pseudo = build_pseudonymiser(passages, sample_ingested.event)
    alias = pseudo.speaker("France Alaoui")
    assert alias.startswith("Participant·e")
    assert pseudo.text("la France et France Alaoui") == f"la France et [{alias}]"


def test_a_programme_persons_name_parts_are_never_replaced(sample_ingested):
    passages = [
        *sample_ingested.passages,
        _p("extra", "Hicham Bennani", "Ma question s'adresse à Madame Bennani.", exchange=9),
    ]
    pseudo = build_pseudonymiser(passages, sample_ingested.event)
    assert pseudo.is_audience("Hicham Bennani")
    text = "Leila Bennani : merci. Hicham Bennani et Madame Bennani."
    alias = pseudo.speaker("Hicham Bennani")
    assert pseudo.text(text) == f"Leila Bennani : merci. [{alias}] et Madame Bennani."


def test_short_forms_of_a_name_are_the_same_person(nlp):
    passages = [
        _p("q1", "France Leroy", "Je rejoins Madame Leroy, LEROY et F. Leroy sur ce point."),
    ]
    docs = {p.id: nlp(p.text) for p in passages}
    pseudo = build_pseudonymiser(passages, None, docs)
    assert pseudo.key() == {"France Leroy": "Participant·e 1"}
    assert "leroy" not in pseudo.text(passages[0].text).lower()


def test_names_in_file_names_are_told(caplog):
    """A file name is not rewritten (it keys the dataset): the run says which name it holds."""
    from types import SimpleNamespace

    from omap_synthesis.pipeline import _say_names_in_file_names

    pseudo = Pseudonymiser({"Anas Lazrak": "Participant·e 1"})
    assert pseudo.names_in("qr-2-lazrak-anas") == ["lazrak", "anas"]
    assert pseudo.names_in("conf-1") == []
    sources = {"qr-2-LAZRAK.md": None, "conf-1.txt": None}
    with caplog.at_level("WARNING"):
        _say_names_in_file_names(SimpleNamespace(sources=sources), pseudo)
    assert [r.getMessage().split(" : ")[0] for r in caplog.records] == ["qr-2-LAZRAK.md"]
    assert "« LAZRAK »" in caplog.records[0].getMessage()


def test_a_label_that_names_nobody_is_a_voice_of_its_sequence_in_the_dataset(sample_ingested):
    """Each file a diarisation tool labelled starts at « SPEAKER_00 »: two talks' SPEAKER_00
    are two voices, in the passages table as in the speakers table and the QDA cases. A person
    of the audience keeps her pseudonym, and a label the programme gives as a name stays."""
    from dataclasses import replace

    from omap_synthesis.anonymise import public_speaker
    from omap_synthesis.export import speakers_frame
    from omap_synthesis.models import Person

    event = sample_ingested.event
    passages = [
        Passage("a-1", "conf-1.json", "conf-1", "SPEAKER_00", "Bonjour.", "Bonjour.", 0, 8),
        Passage("b-1", "conf-5.json", "conf-5", "SPEAKER_00", "Merci.", "Merci.", 0, 6),
        _p("q-1", "Anas Lazrak", "Une question sur les registres ?"),
        Passage("c-1", "notes.md", None, "Locuteur 2", "Oui.", "Oui.", 0, 4),
    ]
    pseudo = build_pseudonymiser(passages, event)
    names = [public_speaker(pseudo, p, event) for p in passages]
    assert names == [
        "SPEAKER_00 — Conf 1",
        "SPEAKER_00 — Conf 5",
        "Participant·e 1",
        "Locuteur 2 — notes.md",
    ]
    first, *others = event.sessions
    chaired = replace(event, sessions=(replace(first, moderator=Person("SPEAKER_00")), *others))
    assert public_speaker(pseudo, passages[0], chaired) == "SPEAKER_00"
    frame = pd.DataFrame(
        {"speaker": names, "talk": ["conf-1", "conf-5", "qr-1", ""], "role": "",
         "institution": "", "words": [1, 1, 5, 1]}
    )  # fmt: skip
    table = speakers_frame(frame, set(), set(pseudo.key().values()))
    assert list(table["talks"][:2]) == ["conf-1", "conf-5"]
