"""The faithfulness gate catches drafts corrupted on purpose."""

from __future__ import annotations

import pytest

from omap_synthesis.check import FaithfulnessError, assert_faithful, check_sentence
from omap_synthesis.models import DraftSentence

PASSAGES = {
    "p1": "Il faut que les 12 ministères partagent le registre social unifié d'ici 2025.",
    "p2": "L'Agence pour le Développement du Digital héberge déjà 40 % des applications.",
}
FACTS = "Conf 3 Samira Idrissi 11 h 20–11 h 40 Ministère de la Transition Numérique"
REFS = {"p1": {"Conf 3, Samira Idrissi, 11 h 20–11 h 40"}, "p2": {"Conf 2, Hicham Alami"}}
REF = "Conf 3, Samira Idrissi, 11 h 20–11 h 40"


def _s(text, pids=("p1",), refs=()):
    return DraftSentence(text, tuple(pids), tuple(refs))


GOOD = [
    _s(f"Samira Idrissi a rappelé : « les 12 ministères partagent le registre » ({REF}).",
       refs=(REF,)),
    _s("Partager le registre social unifié entre les 12 ministères d'ici 2025."),
    _s("Samira Idrissi a rappelé : « Il faut que les 12 ministères […] d'ici 2025. »"),
    _s("Héberger les applications : l'Agence pour le Développement du Digital en héberge 40 %.",
       pids=("p2",)),
]  # fmt: skip

BAD = [
    (_s("Samira Idrissi a rappelé : « les 15 ministères partagent le registre »."), "citation"),
    (_s("Elle a dit : « d'ici 2025 […] les 12 ministères partagent »."), "citation"),
    (_s("Elle a dit : « […] »."), "citation"),
    (_s("Partager le registre entre les 15 ministères."), "nombre absent"),
    (_s("Partager le registre d'ici 2030."), "2030"),
    (_s(f"Il faut partager ({REF}).", pids=("p2",), refs=(REF,)), "aucun passage cité"),
    (_s("Partager le registre.", pids=("p9",)), "inconnu"),
    (_s("Texte sans la référence.", refs=(REF,)), "absente"),
]


@pytest.mark.parametrize("sentence", GOOD)
def test_faithful_sentences_pass(sentence, nlp):
    assert check_sentence(sentence, PASSAGES, FACTS, REFS, nlp) == []


@pytest.mark.parametrize(("sentence", "reason"), BAD)
def test_corrupted_sentences_fail(sentence, reason):
    problems = check_sentence(sentence, PASSAGES, FACTS, REFS)
    assert problems and any(reason in p.reason for p in problems)


def test_invented_organisation_is_caught(nlp):
    sentence = _s("La Banque mondiale financera le partage du registre social unifié.")
    problems = check_sentence(sentence, PASSAGES, FACTS, REFS, nlp)
    assert any("Banque mondiale" in p.reason for p in problems)


@pytest.mark.parametrize(
    ("text", "said", "faithful"),
    [
        # The recogniser takes these infinitives for a place and a person.
        ("Taxer les importations de tabac.", "Je propose que l'on taxe les importations.", True),
        ("Approprier les terres.", "Il faut qu'ils s'approprient les terres.", True),
        # The accent of the stem changes in the conjugated form.
        (
            "Siéger dans les commissions consultatives (les associations d'usagers).",
            "Je propose que les associations d'usagers siègent dans les commissions consultatives.",
            True,
        ),
        # A name of the same ending is still caught where the evidence has no such verb.
        ("Didier Dupont financera le registre.", "Il faut financer le registre.", False),
    ],
)
def test_an_infinitive_opening_an_action_line_is_no_name(nlp, text, said, faithful):
    problems = check_sentence(_s(text, pids=("p3",)), {"p3": said}, FACTS, REFS, nlp)
    assert (problems == []) is faithful, problems


def test_gate_stops_with_a_french_message():
    with pytest.raises(FaithfulnessError) as info:
        assert_faithful([BAD[0][0], GOOD[1]], PASSAGES, FACTS, REFS)
    assert "1 phrase(s) non fidèle(s)" in str(info.value)
    assert "les 15 ministères" in str(info.value)


def test_entities_of_unchanged_sentences_come_from_the_cache(nlp, tmp_path, monkeypatch):
    from omap_synthesis.check import check_draft

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    named = _s("Partager le registre avec Karim Bennis.")
    sentences = [*GOOD, named]
    first = check_draft(sentences, PASSAGES, FACTS, REFS, nlp)
    assert any("Karim Bennis" in str(p) for p in first)
    parsed = []
    original = nlp.pipe
    monkeypatch.setattr(nlp, "pipe", lambda texts, **k: original(parsed.extend(texts) or texts))
    assert check_draft(sentences, PASSAGES, FACTS, REFS, nlp) == first
    assert parsed == []
    # A new sentence alone is parsed.
    extra = _s("Partager le registre.")
    assert check_draft([*sentences, extra], PASSAGES, FACTS, REFS, nlp) == first
    assert parsed == ["Partager le registre."]


def test_corrupt_gate_cache_is_rebuilt(nlp, tmp_path, monkeypatch):
    from omap_synthesis.check import check_draft

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    named = [_s("Partager le registre avec Karim Bennis.")]
    first = check_draft(named, PASSAGES, FACTS, REFS, nlp)
    for path in (tmp_path / "omap-synthesis" / "stages" / "gate").glob("*.pickle"):
        path.write_bytes(b"corrompu")
    assert check_draft(named, PASSAGES, FACTS, REFS, nlp) == first
    assert first


def test_the_speaker_of_a_cited_passage_may_be_named(nlp):
    """Someone the programme does not list (a substitute, the audience) speaks in a source:
    the draft names them as the author of what it cites, and only there."""
    sentence = _s("Proposition formulée par Karima Ouazzani : « les 12 ministères partagent ».")
    speakers = {"p1": "Karima Ouazzani", "p2": "Hicham Alami"}
    assert check_sentence(sentence, PASSAGES, FACTS, REFS, nlp, speakers=speakers) == []
    problems = check_sentence(sentence, PASSAGES, FACTS, REFS, nlp)
    assert any("Karima Ouazzani" in p.reason for p in problems)
    elsewhere = check_sentence(
        _s(sentence.text, pids=("p2",)), PASSAGES, FACTS, REFS, nlp, speakers=speakers
    )
    assert any("Karima Ouazzani" in p.reason for p in elsewhere)


@pytest.mark.parametrize(
    ("name", "faithful"),
    [
        # The recogniser ran a sequence's name over the colon: each part is found.
        ("Direction du budget : budget", True),
        ("Direction du budget : Rabat", False),
    ],
)
def test_a_name_run_over_a_colon_is_checked_part_by_part(name, faithful):
    sentence = DraftSentence(
        "Un thème est revenu dans les séquences Conf 2 et Le cas de la Direction du budget : "
        "budget, difficulté et digitale.",
        ("p1",),
    )
    passages = {"p1": "Le budget est l'exercice le plus interministériel qui soit."}
    facts = "Conf 2\nLe cas de la Direction du budget"
    problems = check_sentence(sentence, passages, facts, {}, entities=((name, "ORG", True),))
    assert (problems == []) is faithful
