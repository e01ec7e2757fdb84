"""The pipeline loads once; parses are cached on disk and a bad cache entry is rebuilt."""

from __future__ import annotations

import pytest

from omap_synthesis import nlp as nlp_module
from omap_synthesis.config import cache_dir
from omap_synthesis.nlp import numeral_value, numeral_values


def test_load_once(nlp):
    assert nlp_module.load_nlp() is nlp
    assert nlp.meta["lang"] == "fr"


def _entries():
    return sorted((cache_dir() / "docs").glob("*.spacy"))


def test_parse_is_cached_and_reused(nlp, monkeypatch):
    texts = ["Il faut partager les registres.", "Le cloud gouvernemental avance."]
    first = nlp_module.parse(nlp, texts)
    assert [d.text for d in first] == texts
    calls = []
    monkeypatch.setattr(nlp, "pipe", lambda *a, **k: calls.append(1) or iter(()))
    again = nlp_module.parse(nlp, texts)
    assert not calls
    assert [t.lemma_ for t in again[0]] == [t.lemma_ for t in first[0]]
    assert [t.dep_ for t in again[1]] == [t.dep_ for t in first[1]]


def test_corrupted_cache_is_rebuilt(nlp):
    texts = ["Une phrase pour un cache corrompu."]
    nlp_module.parse(nlp, texts)
    path = next(p for p in _entries() if p.stem == nlp_module._key(nlp, texts))
    path.write_bytes(b"not a docbin")
    docs = nlp_module.parse(nlp, texts)
    assert docs[0].text == texts[0] and docs[0][0].lemma_
    assert path.read_bytes() != b"not a docbin"


def test_stale_cache_is_not_trusted(nlp):
    texts = ["Texte attendu."]
    nlp_module.parse(nlp, texts)
    path = next(p for p in _entries() if p.stem == nlp_module._key(nlp, texts))
    nlp_module._store(path, [nlp("Autre texte.")])
    assert nlp_module.parse(nlp, texts)[0].text == "Texte attendu."


def test_parse_passages_groups_by_source(nlp, sample_ingested):
    passages = [p for p in sample_ingested.passages if p.talk == "conf-1"][:3]
    docs = nlp_module.parse_passages(nlp, passages)
    assert [docs[p.id].text for p in passages] == [p.clean for p in passages]


def test_two_processes_parse_like_one(nlp, sample_ingested, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    passages = sample_ingested.passages
    shared = nlp_module.parse_passages(nlp, passages, processes=2)
    alone = nlp_module.parse_passages(nlp, passages, cache=False)

    def annotations(doc):
        return [
            (t.text, t.lemma_, t.pos_, t.dep_, t.head.i, t.ent_type_, t.is_sent_start) for t in doc
        ]

    assert all(annotations(shared[p.id]) == annotations(alone[p.id]) for p in passages)
    sources = {p.source for p in passages}
    assert len(list((tmp_path / "omap-synthesis" / "docs").glob("*.spacy"))) == len(sources)


def test_a_hung_child_is_killed_and_reaped():
    import os
    import time

    pid = os.fork()
    if pid == 0:  # a child that never finishes
        time.sleep(600)
        os._exit(0)
    assert nlp_module._reap(pid, timeout=0.2) is True
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def test_parse_without_a_component_is_cached_apart(nlp):
    texts = ["Karim Bennis a présenté le registre national à Rabat."]
    without = nlp_module.parse(nlp, texts, disable=("ner",))
    assert not without[0].has_annotation("ENT_IOB")
    full = nlp_module.parse(nlp, texts)
    assert full[0].has_annotation("ENT_IOB") and full[0].ents
    assert [t.lemma_ for t in full[0]] == [t.lemma_ for t in without[0]]
    assert nlp_module.parse(nlp, texts, disable=("ner",))[0].ents == ()


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        # A line-broken transcript: the parser alone runs the heading into the proposal.
        (
            "Nous proposons des conventions types, validées une\nfois pour toutes, au lieu de "
            "négocier pendant dix-huit mois.\nQuatrièmement, la qualité des données.",
            [
                "Nous proposons des conventions types, validées une\nfois pour toutes, au lieu "
                "de négocier pendant dix-huit mois.",
                "Quatrièmement, la qualité des données.",
            ],
        ),
        # Abbreviations are single tokens: « M. » does not end a sentence.
        (
            "Je remercie M. Anas Lazrak pour sa question. Elle est juste.",
            ["Je remercie M. Anas Lazrak pour sa question.", "Elle est juste."],
        ),
        # An ellipsis before a lower-case word does not either.
        ("Bien… merci à vous.", ["Bien… merci à vous."]),
        # A compound the tokenizer cuts stays in one sentence.
        (
            "Nous proposons un observatoire du partenariat public-université, qui pourrait être "
            "adossé à l'OMAP. Il recenserait les conventions.",
            [
                "Nous proposons un observatoire du partenariat public-université, qui pourrait "
                "être adossé à l'OMAP.",
                "Il recenserait les conventions.",
            ],
        ),
        ("Un partenariat public-privé, qui marche.", ["Un partenariat public-privé, qui marche."]),
        # A letter ending a sentence keeps its stop as an initial does; no name follows it
        # with a pronoun, while a name after an initial stays in the sentence.
        (
            "Il faut rénover les logements classés F et G. Nous demandons un guichet unique.",
            ["Il faut rénover les logements classés F et G.", "Nous demandons un guichet unique."],
        ),
        ("Selon J. Le Pen, il faut agir.", ["Selon J. Le Pen, il faut agir."]),
    ],
)
def test_sentences_start_after_a_full_stop_and_a_capital(nlp, text, sentences):
    assert "omap_sentence_starts" in nlp.pipe_names
    assert [s.text.strip() for s in nlp(text).sents if s.text.strip()] == sentences


@pytest.mark.parametrize(
    ("text", "compound"),
    [
        (
            "Nous proposons la création d'un observatoire du partenariat public-université, qui "
            "pourrait être adossé à l'OMAP.",
            "public-université",
        ),
        ("Il faut publier les données elles-mêmes, en format ouvert.", "elles-mêmes"),
        ("Il faut former les agents au contenu de la loi 55-19. Je vous remercie.", "55-19"),
    ],
)
def test_a_compound_cut_by_the_tokenizer_is_one_phrase(nlp, text, compound):
    first = next(t for t in nlp(text) if compound.startswith(t.text))
    assert "".join(t.text_with_ws for t in first.subtree).strip() == compound


def test_a_compound_is_not_hung_in_a_cycle(nlp):
    # « dire » heads the whole of « c'est-à-dire »: its first word cannot carry it.
    doc = nlp("Il faut protéger, c'est-à-dire au lieu de marchandiser.")
    for token in doc:
        for _ in range(len(doc)):
            if token.head == token:
                break
            token = token.head
        assert token.dep_ == "ROOT"


@pytest.mark.parametrize("word", ["cinquante-quatre", "Quarante-trois", "soixante-et-onze"])
def test_hyphenated_numerals_are_one_token(nlp, word):
    assert [t.text for t in nlp.tokenizer(f"Il y en a {word} pour cent.")][4] == word


def test_the_parse_cache_key_follows_the_pipeline_components(nlp):
    key = nlp_module.model_key(nlp)
    with nlp.select_pipes(disable=["omap_sentence_starts"]):
        assert nlp_module.model_key(nlp) != key


def test_in_a_text_without_punctuation_a_line_break_ends_a_sentence(nlp):
    text = "il faudrait créer un guichet unique pour les transferts\nnous recommandons aussi que"
    text += " les hôpitaux partagent leurs données chaque mois\net former les cadres de santé"
    sentences = [s.text.strip() for s in nlp(text).sents]
    assert sentences == [
        "il faudrait créer un guichet unique pour les transferts",
        "nous recommandons aussi que les hôpitaux partagent leurs données chaque mois",
        "et former les cadres de santé",
    ]


def test_each_item_of_a_list_is_a_sentence(nlp):
    text = "Nos recommandations :\n- il faut créer un guichet unique\n- il faut former les agents"
    sentences = [s.text.strip() for s in nlp(text).sents]
    assert sentences[-2:] == ["- il faut créer un guichet unique", "- il faut former les agents"]


@pytest.mark.parametrize(
    ("word", "value"),
    [
        ("15", "15"),
        ("quinze", "15"),
        ("5,5", "5.5"),
        ("5.5", "5.5"),
        ("soixante-dix-sept", "77"),
        ("quatre-vingts", "80"),
        ("quatre-vingt-dix", "90"),
        ("vingt-et-un", "21"),
        ("deux-cents", "200"),
        ("ans", None),
        ("quatre-ans", None),
        # Over several words, one number.
        ("deux cents", "200"),
        ("trois mille cinq cents", "3500"),
        ("vingt-cinq mille", "25000"),
        ("quatre-vingt mille", "80000"),
        ("mille deux cents", "1200"),
        ("vingt et un", "21"),
        ("deux millions cinq cent mille", "2500000"),
        ("1 000", "1000"),
        ("1\u00a0000", "1000"),
        ("12 500,5", "12500.5"),
        ("2,5 millions", "2500000"),
        ("1000000", "1000000"),
        # Side by side, but not one number.
        ("deux trois", None),
        ("cinq vingt", None),
        ("60 65", None),
        ("mille mille", None),
    ],
)
def test_a_number_has_one_value_in_digits_or_in_words(word, value):
    assert numeral_value(word) == value


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("Il faut recruter deux cents médecins.", ["200"]),
        ("Il faut former vingt-cinq mille enseignants.", ["25000"]),
        ("Il faut recruter 1 000 médecins.", ["1000"]),
        ("Il faut investir 2,5 millions d'euros.", ["2500000"]),
        ("En 2022 150 000 emplois ont été créés.", ["2022", "150000"]),
        ("Entre 17 et 20 ans, soit cinq pour cent des jeunes.", ["17", "20", "5"]),
        ("Il faut un registre et vingt et un guichets.", ["21"]),
        ("Des millions de familles attendent 3 millions de logements.", ["3000000"]),
    ],
)
def test_numbers_said_over_several_tokens_are_read_as_one(nlp, text, values):
    assert numeral_values(nlp(text)) == values
