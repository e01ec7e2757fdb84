"""Whether a spoken sentence says something of its own, the test the synthesis quotes by."""

from __future__ import annotations

import pytest

from omap_synthesis.claims import claimless, says_something
from omap_synthesis.models import Passage, SummarySentence


@pytest.mark.parametrize(
    "sentence",
    [
        # A frame (« c'est pour ça »), an aside that only announces (« je veux le redire »), a
        # relative clause and a cause: nothing is stated.
        "Et c'est pour ça que, parlant du guichet je veux le redire, ce qui nous a permis de "
        "garder les bureaux ouverts, parce que moi, je n'oublie pas les deux années que nous "
        "venons de vivre.",
        # A noun and its relative clauses, with no verb of its own.
        "Toutes les mesures qui ont été prises, qui consistent à dire aux usagers qu'ils sont "
        "en retard parce qu'ils n'ont pas de compte en ligne.",
        "Alors, comme je le disais, si vous voulez, parce que c'est important.",
    ],
)
def test_a_sentence_of_frames_and_subordinates_says_nothing(nlp, sentence):
    assert not says_something(nlp(sentence)[:])


@pytest.mark.parametrize(
    "sentence",
    [
        "Je pense que les ministères doivent partager leurs registres.",
        # What « c'est pour cela que » introduces is said.
        "C'est pour cela que je propose de baisser les frais de dossier des entreprises.",
        # The clause of a cleft is what the sentence says.
        "C'est la raison pour laquelle nous avons défendu un guichet unique pour les entreprises.",
        "Ce n'est pas moi qui ai supprimé les postes d'infirmiers.",
        "Ce que nous proposons, c'est d'expérimenter un programme mutualisé dans la prochaine "
        "loi de finances.",
        # A cause that opens the sentence answers for itself.
        "Parce qu'un registre fiable, c'est une aide sociale qui arrive à la bonne famille.",
        # A relative clause inside the subject leaves the main clause main.
        "Un agent qui a passé vingt ans à tamponner des photocopies ne devient pas un expert des "
        "données.",
        # An item of a list, an answer, a wish.
        "Deuxième chose, aider les communes à numériser leurs registres d'état civil.",
        "Si, il y aura une augmentation des salaires de dix pour cent.",
        "Premier point, que nous puissions créer un fonds commun pour les projets numériques.",
    ],
)
def test_a_sentence_with_a_clause_of_its_own_says_something(nlp, sentence):
    assert says_something(nlp(sentence)[:])


def test_claimless_finds_summary_sentences_in_the_cleaned_parse(nlp):
    # Cleaning took « euh, » out of the analysed text: offsets of the source still find the
    # sentence in the parse.
    text = (
        "Euh, alors, comme je le disais, si vous voulez, parce que c'est important. "
        "Il faut ouvrir les registres aux chercheurs."
    )
    clean = text.removeprefix("Euh, ")
    passage = Passage(
        "p1",
        "conf-1.txt",
        "conf-1",
        "Amina Idrissi",
        text,
        clean,
        100,
        100 + len(text),
        removed=((0, 5),),
    )
    second = text.index("Il faut")
    sentences = [
        SummarySentence(text[:second].strip(), "p1", "Amina Idrissi", 100, 100 + second - 1, 0.9),
        SummarySentence(text[second:], "p1", "Amina Idrissi", 100 + second, 100 + len(text), 0.8),
    ]
    assert claimless([passage], {"p1": nlp(clean)}, sentences) == {("p1", 100)}


@pytest.mark.parametrize(
    ("sentence", "ceremony"),
    [
        (
            "Monsieur le Directeur général, chers collègues, chers étudiants… Alors, permettez-moi "
            "d'abord, au nom de l'Observatoire, de vous souhaiter la bienvenue ici, au Centre de "
            "conférences de Hay Ryad.",
            True,
        ),
        ("Mesdames et messieurs, merci d'être venus si nombreux ce matin.", True),
        # An address that goes on with the subject is not ceremony.
        ("Madame la ministre, les registres ne sont toujours pas partagés.", False),
        ("Je vous remercie de cette question sur les registres.", False),
    ],
)
def test_greetings_that_open_on_an_address_are_left_out_of_a_summary(nlp, sentence, ceremony):
    from omap_synthesis.claims import without_ceremony

    passage = Passage(
        "p1",
        "ouverture.txt",
        "ouverture",
        "Abdellah Mernissi",
        sentence,
        sentence,
        0,
        len(sentence),
    )
    said = SummarySentence(sentence, "p1", "Abdellah Mernissi", 0, len(sentence), 0.9)
    kept = without_ceremony([passage], {"p1": nlp(sentence)}, [said])
    assert kept == ([] if ceremony else [said])
