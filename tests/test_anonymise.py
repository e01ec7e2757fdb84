"""Audience members get stable pseudonyms; programme speakers keep their names."""

from __future__ import annotations

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
        ("Anas Lazrakovitch parle", "Anas Lazrakovitch parle"),
        ("Mme Karima Sefiani (ENSA)", "[Participant·e 2] (ENSA)"),
    ],
)
def test_names_in_text(text, expected):
    pseudo = Pseudonymiser({"Anas Lazrak": "Participant·e 1", "Karima Sefiani": "Participant·e 2"})
    assert pseudo.text(text).startswith(expected)


def test_offsets_follow_replacements():
    pseudo = Pseudonymiser({"Anas Lazrak": "Participant·e 1"})
    text = "Bonjour Anas Lazrak, puis Lazrak encore. Fin"
    public, shifts = pseudo.text_with_offsets(text)
    delta = sum(d for end, d in shifts if end <= text.index("Fin"))
    assert public[text.index("Fin") + delta :] == "Fin"


def test_person_entities_in_qa_notes(nlp):
    passages = [
        _p("q1", "Nora Alami", "Je rejoins ce qu'a dit Karim Benjelloun ce matin."),
        _p("r1", "Samira Idrissi", "Merci pour la question.", kind="reponse"),
    ]
    docs = {p.id: nlp(p.text) for p in passages}
    pseudo = build_pseudonymiser(passages, None, docs)
    assert set(pseudo.key()) >= {"Nora Alami"}
    if any(e.label_ == "PER" and e.text == "Karim Benjelloun" for e in docs["q1"].ents):
        assert "Karim Benjelloun" in pseudo.key()
        assert "Karim Benjelloun" not in pseudo.text(passages[0].text)


def test_programme_speaker_asking_from_the_floor_stays_public(sample_ingested):
    passages = list(sample_ingested.passages) + [
        _p("extra", "Leila Bennani", "Une question de ma part.", exchange=9)
    ]
    pseudo = build_pseudonymiser(passages, sample_ingested.event)
    assert not pseudo.is_audience("Leila Bennani")


def test_the_lecturer_of_a_talk_the_programme_names_nobody_for_stays_public(sample_ingested):
    from dataclasses import replace

    event = sample_ingested.event
    lecturer = event.item("conf-7").speakers[0].name
    items = tuple(replace(it, speakers=()) if it.id == "conf-7" else it for it in event.items)
    event = replace(event, items=items)
    answer = _p("extra", lecturer, "Je réponds depuis la salle.", exchange=9)
    passages = [*sample_ingested.passages, answer]
    assert not build_pseudonymiser(passages, event).is_audience(lecturer)
    # Without her talk, nothing says she is not from the audience.
    elsewhere = [p for p in passages if p.talk != "conf-7"]
    assert build_pseudonymiser(elsewhere, event).is_audience(lecturer)
