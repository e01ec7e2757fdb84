"""Quotations of the rapporteur's text: the part of a long sentence that holds the action;
the rapporteur's edits file."""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from types import SimpleNamespace

import pytest

from omap_synthesis.check import _verbatim, check_sentence
from omap_synthesis.draft import (
    edit_problems,
    edits_applied,
    excerpt_for,
    join_words,
    label_name,
    load_edits,
    split_actor,
)
from omap_synthesis.errors import InputError
from omap_synthesis.models import DraftSentence, Label
from omap_synthesis.segment import count_words

LONG = (
    "Et il faudrait que le concessionnaire, au lieu de collecter des photocopies de pièces "
    "que l'usager a déjà fournies ailleurs, puisse interroger directement, via la plateforme "
    "d'interopérabilité et avec l'identifiant unique, les registres qui existent déjà."
)
ACTION = (
    "Interroger directement, via la plateforme d'interopérabilité et avec l'identifiant "
    "unique, les registres qui existent déjà (le concessionnaire)"
)


@pytest.mark.parametrize(
    "names, said",
    [
        (["hôpital"], "hôpital"),
        (["hôpital", "école"], "hôpital et école"),
        (["hôpital", "école", "sobriété"], "hôpital, école et sobriété"),
        # « … climat et sobriété » would read as one name: the names are kept apart.
        (
            ["hôpital et santé", "production d'énergie et climat", "sobriété"],
            "hôpital et santé\u00a0; production d'énergie et climat\u00a0; sobriété",
        ),
        (["école et enseignants", "retraites"], "école et enseignants\u00a0; retraites"),
    ],
)
def test_an_enumeration_keeps_names_with_their_own_et_apart(names, said):
    assert join_words(names) == said


def test_a_sentence_that_fits_is_quoted_whole():
    text = "Il faut simplifier les démarches avant de les dématérialiser."
    assert excerpt_for(text, 25, "Simplifier les démarches") == text


def test_a_sentence_with_a_filler_is_not_quoted_in_the_synthesis():
    from omap_synthesis.draft import quotable

    said = "Alors, euh, je vais commencer par vous présenter le réseau de la métropole."
    assert not quotable(said)
    assert quotable(said.replace("euh, ", ""))


def test_the_excerpt_keeps_the_clauses_of_the_action_and_marks_the_gaps():
    quoted = excerpt_for(LONG, 25, ACTION)
    assert quoted.startswith("Et il faudrait que le concessionnaire […] puisse interroger")
    assert "photocopies" not in quoted
    sentence = DraftSentence(f"Elle a proposé : « {quoted} ».", ("p1",))
    assert check_sentence(sentence, {"p1": LONG}, "", {}) == []


def test_the_clause_with_the_verb_of_the_action_is_preferred():
    text = (
        "Et je supprimerai deux cents postes et non pas cent cinquante, deux cents postes pour "
        "en recréer cinquante dans les trois missions essentielles de l'État qui sont "
        "protéger, éduquer et soigner."
    )
    quoted = excerpt_for(text, 25, "Supprimer deux cents postes")
    assert quoted == "Et je supprimerai deux cents postes et non pas cent cinquante […]"


def test_when_no_choice_of_clauses_fits_the_sentence_stays_whole():
    text = (
        "Deuxième remarque, un gigantesque effort de formation pour que les chômeurs "
        "d'aujourd'hui soient formés pour les emplois de demain et pas pour les emplois "
        "d'hier, partout."
    )
    assert excerpt_for(text, 25, "Former les chômeurs pour les emplois de demain") == text


def test_a_long_clause_is_cut_around_the_action_not_before_it():
    """Spoken text with few commas: the first clause that fits (« Comme il y a de moins en
    moins d'agents … ») does not say the action; the quotation is cut around it instead."""
    text = (
        "Comme il y a de moins en moins d'agents qui restent dans les petites communes, parce "
        "que les départs à la retraite se multiplient, et que les recrutements ne suivent pas "
        "il faut que nous puissions mutualiser les services numériques entre communes voisines "
        "pour garder un service de qualité partout sur le territoire national et dans les zones "
        "rurales les plus isolées du pays."
    )
    quoted = excerpt_for(text, 25, "Mutualiser les services numériques entre communes")
    assert quoted.startswith("[…] il faut que nous puissions mutualiser les services numériques")
    assert quoted.endswith(" […]") and count_words(quoted) <= 26
    assert _verbatim(quoted, text.casefold())


def test_without_an_action_the_first_clause_that_fits():
    quoted = excerpt_for(LONG, 25)
    assert quoted.startswith("Et il faudrait que le concessionnaire, au lieu de")
    assert quoted.endswith(" […]")  # the rest of the sentence is left out, and said so
    sentence = DraftSentence(f"Elle a proposé : « {quoted} ».", ("p1",))
    assert check_sentence(sentence, {"p1": LONG}, "", {}) == []


def test_a_sentence_of_many_clauses_is_quoted_where_it_proposes():
    text = (
        "C'est notre méthode, et la bonne méthode, la leur, elle mènera au blocage, "
        + "parce que, voyez-vous, " * 6
        + "on a besoin de rouvrir les guichets dans les communes, et vite, sinon rien."
    )
    quoted = excerpt_for(text, 40, "Rouvrir les guichets dans les communes")
    assert "rouvrir les guichets" in quoted and quoted.startswith("[…] ")
    sentence = DraftSentence(f"Elle a proposé : « {quoted} ».", ("p1",))
    assert check_sentence(sentence, {"p1": text}, "", {}) == []


@pytest.mark.parametrize(
    ("before", "text", "after", "quoted"),
    [
        # The parser set « Moi, » and « Pareil » apart as sentences of their own.
        ("Elle est au cœur du projet. Moi, ", "ce que je veux, c'est zéro papier.", "", "[…] ce"),
        ("Oui. Pareil ", "pour les mairies, je propose un guichet.", " Voilà.", "[…] pour"),
        ("Oui. Ceux qui sont Sans Domicile ", "Fixe, il faut les loger.", "", "[…] Fixe"),
        ("Ceux qui sont ", "Sans abri, il faut les loger.", "", "Sans abri"),  # unpunctuated
        ("C'est au cœur du projet. ", "Je veux zéro papier.", " Et vite.", "Je veux"),
        ("", "Je veux zéro papier", " et partout.", "Je veux zéro papier […]"),
    ],
)
def test_a_quotation_the_parser_cut_out_of_a_sentence_says_so(before, text, after, quoted):
    said = excerpt_for(text, 25, "Supprimer le papier", before=before, after=after)
    assert said.startswith(quoted) and said.endswith("[…]") == quoted.endswith("[…]")


def test_a_quotation_inside_the_sentence_is_never_cut():
    text = (
        "Il faut, comme le dit la loi depuis longtemps, respecter enfin le principe « une "
        "donnée, un propriétaire, une source, un registre de référence tenu par une seule "
        "administration responsable », et le faire vite, partout, dans tous les ministères."
    )
    action = "Respecter le principe une donnée, un propriétaire"
    for words in (12, 20, 25):
        quoted = excerpt_for(text, words, action)
        assert quoted.count("«") == quoted.count("»"), quoted


def test_a_malformed_edits_file_names_its_line(tmp_path):
    path = tmp_path / "lecture.yaml"
    path.write_text("exclure: [R-1, R-2\nordre: [R-3]\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_edits(path)
    assert str(info.value).startswith(f"{path}, ligne ") and "YAML invalide" in str(info.value)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"exclure: [R-1]\nordre: [R-2]\nexclure: [R-3]\n",
            "ligne 3 : clé « exclure » en double (déjà ligne 1)",
        ),
    ],
)
def test_an_edits_file_with_a_key_twice_is_refused(tmp_path, content, message):
    path = tmp_path / "lecture.yaml"
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        load_edits(path)
    assert message in str(info.value)


def _worded(rid: str, action: str = "Partager les registres", score: float = 0.9):
    return SimpleNamespace(id=rid, action=action, score=score)


def test_a_vague_line_put_first_is_read_with_a_warning(tmp_path):
    """Put first by « ordre », « Action à préciser » was read aloud without a word."""
    path = tmp_path / "lecture.yaml"
    path.write_text("ordre: [R-2, R-1]\n", encoding="utf-8")
    recs = [_worded("R-1"), _worded("R-2", "Exister ailleurs", 0.4)]
    assert edit_problems(recs, load_edits(path)) == [
        "lecture.yaml, ligne 1 : « R-2 » sera lue, mais sa ligne d'action est vague ou "
        "incertaine (« Exister ailleurs ») : à reformuler avant la lecture"
    ]


def test_edits_that_cannot_be_done_are_named(tmp_path, caplog):
    path = tmp_path / "lecture.yaml"
    path.write_text(
        "exclude: [R-1]\nexclure: [R-2, R-9]\nordre: [R-2, R-3, R-1, R-3]\n", encoding="utf-8"
    )
    with caplog.at_level(logging.WARNING):
        edits = load_edits(path)
    assert "lecture.yaml : clé « exclude » inconnue, ignorée" in caplog.text
    recs = [_worded(f"R-{n}") for n in (1, 2, 3)]
    problems = edit_problems(recs, edits)
    assert len(problems) == 3
    assert problems[0].startswith("lecture.yaml, ligne 2 : identifiant inconnu « R-9 », sans effet")
    assert problems[1] == (
        "lecture.yaml, ligne 3 : « R-2 » est à la fois dans « exclure » et dans « ordre » : la "
        "recommandation est exclue"
    )
    assert problems[2] == (
        "lecture.yaml, ligne 3 : « R-3 » est deux fois dans « ordre » : seule sa première place "
        "compte"
    )


def test_what_the_edits_did_is_said(tmp_path):
    """Nothing told the rapporteur, in the terminal, that her file had been applied."""
    path = tmp_path / "lecture.yaml"
    path.write_text("exclure: [R-1, R-1, R-9]\nordre: [R-3, R-2, R-1]\n", encoding="utf-8")
    recs = [_worded(f"R-{n}") for n in (1, 2, 3)]
    assert edits_applied(recs, load_edits(path)) == (
        "lecture.yaml appliqué : une recommandation écartée, deux placées en tête"
    )
    assert edits_applied(recs, load_edits(tmp_path / "absent.yaml")) == ""
    # Read in its place, « lecture.yml » is the file its warnings name.
    path.rename(tmp_path / "lecture.yml")
    problems = edit_problems(recs, load_edits(tmp_path / "lecture.yml"))
    assert problems[0].startswith("lecture.yml, ligne 1 : identifiant inconnu « R-9 »")
    assert all(p.startswith("lecture.yml, ligne") for p in problems)


def test_many_unknown_ids_are_counted_and_an_id_without_its_prefix_is_read(tmp_path):
    """20 000 unknown ids made 20 000 warnings (5 Mo); « 3e3615dc6b » and « R- 3e3615dc6b »
    were unknown ids."""
    path = tmp_path / "lecture.yaml"
    unknown = ", ".join(f"R-{n:010x}" for n in range(1, 21))
    path.write_text(f"exclure: [{unknown}, 3e3615dc6b]\nordre: [R- 3E3615DC6C]\n")
    edits = load_edits(path)
    assert edits.exclude[-1] == "R-3e3615dc6b" and edits.order == ["R-3e3615dc6c"]
    recs = [_worded(rid) for rid in ("R-3e3615dc6b", "R-3e3615dc6c")]
    problems = edit_problems(recs, edits)
    assert len(problems) == 6 and problems[0].startswith("lecture.yaml, ligne 1 : identifiant")
    assert problems[-1] == (
        "lecture.yaml : 15 autres identifiants inconnus, sans effet (« R-0000000006 » …)"
    )


def test_six_unknown_ids_are_all_said_and_an_id_of_digits_is_an_id(tmp_path):
    path = tmp_path / "lecture.yaml"
    unknown = ", ".join(f"R-{n:010x}" for n in range(1, 7))
    path.write_text(f"exclure: [{unknown}]\nordre: [0123456701, 1234567890]\n")
    edits = load_edits(path)
    assert edits.order == ["R-0123456701", "R-1234567890"]  # not 21913025, an octal number
    problems = edit_problems([_worded("R-0123456701"), _worded("R-1234567890")], edits)
    assert len(problems) == 6 and all("identifiant inconnu" in p for p in problems)


def test_an_edits_file_saved_in_cp1252_is_read(tmp_path):
    path = tmp_path / "lecture.yaml"
    path.write_bytes("# Édité à 15 h\nexclure: [R-1]\nordre: [R-é]\n".encode("cp1252"))
    edits = load_edits(path)
    assert (edits.exclude, edits.order) == (["R-1"], ["R-é"])


def test_an_id_ordered_twice_takes_its_first_place():
    from omap_synthesis.draft import apply_edits

    recs = [SimpleNamespace(id=f"R-{n}") for n in (1, 2, 3, 4)]
    ordered = apply_edits(recs, ["R-1"], ["R-4", "R-4"])
    assert [r.id for r in ordered] == ["R-4", "R-2", "R-3"]
    ordered = apply_edits(recs, [], ["R-3", "R-2", "R-3"])
    assert [r.id for r in ordered] == ["R-3", "R-2", "R-1", "R-4"]


def test_a_sentence_the_parser_ended_on_a_semicolon_is_quoted_as_cut():
    text = "Il faudrait que 30 % des agents soient formés au numérique en 2024 ;"
    assert excerpt_for(text, 40, "Former les agents au numérique") == (
        "Il faudrait que 30 % des agents soient formés au numérique en 2024 […]"
    )


def test_an_edits_file_forgives_a_single_id_and_suggests_a_misspelt_key(tmp_path, caplog):
    path = tmp_path / "lecture.yaml"
    path.write_text("exlure: [R-1]\nordre: R-2\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        assert load_edits(path).order == ["R-2"]
    assert "clé « exlure » inconnue, ignorée (vouliez-vous dire « exclure » ?)" in caplog.text
    path.write_text("exclure: R-07545F0EED, r-3105b8c484\n", encoding="utf-8")
    assert load_edits(path).exclude == ["R-07545f0eed", "R-3105b8c484"]


def test_one_slip_in_the_edits_file_does_not_undo_the_others(tmp_path, caplog):
    """A table where a list is expected, a number, a table or an empty item: each is left out
    with its line, and every other edit applies."""
    path = tmp_path / "lecture.yaml"
    path.write_text(
        "exclure:\n  - R-1\n  - 12345\n  - {id: R-2}\n  - ~\nordre: {R-3: oui}\n",
        encoding="utf-8",
    )
    with caplog.at_level(logging.WARNING):
        edits = load_edits(path)
    assert (edits.exclude, edits.order) == (["R-1"], [])
    said = [r.getMessage() for r in caplog.records]
    assert said[0].startswith("lecture.yaml, ligne 3 : « 12345 » dans « exclure » n'est pas un")
    # What was read is shown as the file writes it, not as Python would.
    assert said[1].startswith("lecture.yaml, ligne 4 : « {id: R-2} » dans « exclure »")
    assert said[2] == "lecture.yaml, ligne 5 : élément vide dans « exclure », ignoré"
    assert said[3].startswith("lecture.yaml, ligne 6 : « ordre » doit être une liste")
    assert "(lu : {R-3: oui}) : ignorée" in said[3]
    path.write_text("exclure: [R-1, R-1]\nordre: 5\n", encoding="utf-8")
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        edits = load_edits(path)
    assert "ligne 2 : « 5 » dans « ordre » n'est pas un identifiant" in caplog.text
    problems = edit_problems([_worded("R-1")], edits)
    assert problems == [
        "lecture.yaml, ligne 1 : « R-1 » est deux fois dans « exclure » : une fois suffit"
    ]


def test_an_empty_item_of_the_edits_file_is_skipped_and_said(tmp_path, caplog):
    path = tmp_path / "lecture.yaml"
    path.write_text("exclure: [R-1, null, ~]\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        assert load_edits(path).exclude == ["R-1"]
    assert "lecture.yaml, ligne 1 : élément vide dans « exclure », ignoré" in caplog.text


def test_a_bad_edits_file_is_set_aside_not_blocking_the_text(tmp_path, caplog):
    from omap_synthesis.pipeline import _edits

    (tmp_path / "lecture.yaml").write_text("exclure: [R-1\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        edits = _edits(tmp_path)
    assert (edits.exclude, edits.order) == ([], []) and edits.unread
    assert "le fichier est ignoré, ni exclusion ni ordre ne sont appliqués" in caplog.text


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("Abdelkrim Sbai", "d'Abdelkrim Sbai"),
        ("Élodie Martin", "d'Élodie Martin"),
        ("Hicham Alami", "d'Hicham Alami"),
        ("Khadija Tazi", "de Khadija Tazi"),
        ("Youssef Amrani", "de Youssef Amrani"),
        ("Yves Martin", "d'Yves Martin"),
        ("une personne non nommée", "d'une personne non nommée"),
    ],
)
def test_of_a_name_elides_before_a_vowel(name, said):
    from omap_synthesis.draft import of

    assert of(name) == said


@pytest.mark.parametrize(
    ("title", "said"),
    [
        ("L'interministérialité digitale", "consacrée à *L'interministérialité digitale*"),
        ("La donnée publique", "consacrée à *La donnée publique*"),
        ("Le débat présidentiel de 2022", "consacrée au *débat présidentiel de 2022*"),
        ("Les retraites en débat", "consacrée aux *retraites en débat*"),
        # No definite article: the title is named (« consacrée à Énergie et climat »).
        ("Lesotho et Maroc", "intitulée *Lesotho et Maroc*"),
        ("Énergie et climat", "intitulée *Énergie et climat*"),
        ("Un État stratège", "intitulée *Un État stratège*"),
        ("Laïcité et services publics", "intitulée *Laïcité et services publics*"),
    ],
)
def test_a_title_opening_on_le_or_les_contracts_with_a(title, said):
    from omap_synthesis.draft import to_title

    assert to_title(title) == said


@pytest.mark.parametrize(
    ("name", "description", "terms", "said"),
    [
        ("Afrique", "Pratiques des pays africains.", ("Afrique", "Sénégal"), "Afrique"),
        ("Europe et France", "Directives de l'Union.", (), "Europe et France"),
        ("Modèles", "Ce que l'Europe fait.", ("Europe",), "modèles"),
        ("Gouvernance", "Qui pilote.", ("gouvernance", "pilotage"), "gouvernance"),
    ],
)
def test_a_label_named_in_a_sentence_keeps_the_capital_of_a_proper_noun(
    name, description, terms, said
):
    assert label_name(Label("O3.1", name, description, terms)) == said


@pytest.mark.parametrize(
    ("title", "heading"),
    [
        (
            "Lecture des éléments de recommandations essentiels de la journée",
            "Éléments de recommandations essentiels de la journée",
        ),
        ("Synthèse des travaux", "Synthèse des travaux"),
        (None, "Éléments de recommandations essentiels de la journée"),
    ],
)
def test_the_heading_is_the_programmes_title_of_the_reading(title, heading):
    from omap_synthesis.draft import _heading

    reading = SimpleNamespace(title=title) if title else None
    assert _heading(reading) == heading


@pytest.mark.parametrize(
    ("action", "split"),
    [
        (
            "Publier les délais réels (les administrations)",
            ("Publier les délais réels", "les administrations"),
        ),
        ("Garder les registres en interne (l'État)", ("Garder les registres en interne", "l'État")),
        # A speaker's own parentheses name no actor.
        ("Saisir la commission (CNDP)", ("Saisir la commission (CNDP)", None)),
        ("Créer un fonds commun", ("Créer un fonds commun", None)),
    ],
)
def test_the_actor_an_action_line_names_last_is_split_off(action, split):
    assert split_actor(action) == split


def test_a_failing_sentence_of_a_recommendation_names_it_for_lecture_yaml():
    # Any sentence of the item, not only the line: « Acteur désigné : … » carries no quote.
    sentence = DraftSentence("Acteur désigné : les 12 ministères.", ("p1",), recommendation="R-1")
    (problem,) = check_sentence(sentence, {"p1": "les ministères"}, "", {})
    assert "nombre absent des sources : 12" in str(problem)
    assert "(recommandation R-1, à écarter dans lecture.yaml)" in str(problem)


AMINA, KARIM = "Amina Idrissi", "Karim Bennani"


def _inputs(said: list[tuple[str, str, str, float]], public: dict | None = None, **fields):
    """Inputs of the sample event's programme: ``said`` lists (talk, speaker, sentence, the
    summariser's score); every sentence is a passage of its own, on objective O1. ``public``
    maps the audience's names to their pseudonyms."""
    from omap_synthesis.anonymise import Pseudonymiser
    from omap_synthesis.config import DATA_DIR
    from omap_synthesis.draft import DraftInputs
    from omap_synthesis.event import load_codebook, load_event
    from omap_synthesis.models import Passage, SummarySentence

    event = load_event(DATA_DIR / "omap-2022-10-20")
    passages, summaries = [], {}
    for k, (talk, speaker, text, score) in enumerate(said):
        passages.append(Passage(f"p{k}", f"{talk}.txt", talk, speaker, text, text, 0, len(text)))
        summaries.setdefault(talk, []).append(
            SummarySentence(text, f"p{k}", speaker, 0, len(text), score)
        )
    return DraftInputs(
        event,
        load_codebook(DATA_DIR / "omap-2022-10-20" / event.codebook),
        passages,
        Pseudonymiser(public or {}),
        summaries=summaries,
        labels_of={p.id: ("O1",) for p in passages},
        **fields,
    )


def _recommendation(inputs, rid: str, pids: list[str], score: float = 0.9):
    """A recommendation on O1 made in the passages ``pids`` (each said whole)."""
    from omap_synthesis.models import Evidence, Recommendation

    by_id = {p.id: p for p in inputs.passages}
    evidence = tuple(
        Evidence(p.text, p.id, p.speaker, p.source, p.talk, 0, len(p.text))
        for p in (by_id[pid] for pid in pids)
    )
    action = "Partager les registres entre ministères"
    return Recommendation(rid, evidence[0].quote, action, evidence, ("O1",), score=score)


def test_the_audience_is_not_named_aloud_among_those_who_took_up_or_opposed_a_proposal():
    from omap_synthesis.draft import DraftBuilder

    public = {"Anas Lazrak": "Participant·e 1", "Hajar Ouazzani": "Participant·e 2"}
    inputs = _inputs(
        [
            ("conf-1", AMINA, "Il faut partager les registres de base entre tous.", 0.9),
            ("qr-2", "Anas Lazrak", "Je propose de partager les registres des ministères.", 0.5),
            ("qr-2", "Hajar Ouazzani", "Partageons enfin les registres entre ministères.", 0.5),
            ("qr-2", KARIM, "Il ne faut pas partager les registres entre ministères.", 0.5),
            ("qr-2", "Anas Lazrak", "Il ne faut pas partager les registres des ministères.", 0.5),
        ],
        public,
    )
    rec = _recommendation(inputs, "R-1", ["p0", "p1", "p2"])
    other = replace(_recommendation(inputs, "R-2", ["p3"]), contradicts=("R-3",))
    audience = replace(_recommendation(inputs, "R-3", ["p4"]), contradicts=("R-2",))
    inputs = replace(inputs, recommendations=[rec, other, audience])
    builder = DraftBuilder(inputs)
    said = " ".join(s.text for s in builder.recommendation_item(rec))
    outside = re.sub(r"\([^()]*\)", "", said)
    assert "Elle a été reprise par deux personnes du public" in outside
    assert "Participant·e" not in outside
    said = " ".join(s.text for s in builder.recommendation_item(other))
    outside = re.sub(r"\([^()]*\)", "", said)
    assert "Une proposition d'une personne du public va en sens contraire" in outside
    assert "Participant·e" not in outside


def test_who_backed_a_proposal_is_read_with_the_source():
    from omap_synthesis.draft import DraftBuilder, References, facts, typography
    from omap_synthesis.models import Evidence
    from tests.grammar import grammar_errors

    inputs = _inputs(
        [
            ("qr-2", AMINA, "Il faut partager les registres de base entre tous.", 0.9),
            ("qr-2", KARIM, "Je soutiens totalement cette proposition.", 0.5),
            ("qr-2", "Anas Lazrak", "J'appuie cette proposition.", 0.5),
        ],
        public={"Anas Lazrak": "Participant·e 1"},
    )
    backed = tuple(
        Evidence(p.text, p.id, p.speaker, p.source, p.talk, 0, len(p.text))
        for p in inputs.passages[1:]
    )
    rec = replace(_recommendation(inputs, "R-1", ["p0"]), endorsements=backed, support=3)
    inputs = replace(inputs, recommendations=[rec])
    item = DraftBuilder(inputs).recommendation_item(rec)
    said = item[-1].text
    assert said.startswith(f"{KARIM} et une personne du public l'ont appuyée (Questions/")
    assert item[-1].passage_ids == ("p1", "p2")
    refs = References(inputs.event, inputs.passages, inputs.pseudonymiser)
    passages = {p.id: p.text for p in inputs.passages}
    speakers = {p.id: refs.speaker(p) for p in inputs.passages}
    assert (
        check_sentence(item[-1], passages, facts(inputs), refs.refs_of(), speakers=speakers) == []
    )
    assert grammar_errors(typography(said.split(" (")[0] + ".")) == []


def test_the_synthesis_gives_the_floor_to_another_speaker_before_the_same_one_again():
    from omap_synthesis.draft import DraftBuilder

    inputs = _inputs(
        [
            # Amina Idrissi's sentences are the summariser's best in both talks.
            ("conf-1", AMINA, "Les registres de base doivent être partagés entre tous.", 0.9),
            ("conf-1", KARIM, "Un identifiant unique simplifie la vie des usagers.", 0.5),
            ("conf-6", AMINA, "Le guichet unique doit couvrir les grands moments de vie.", 0.9),
            ("conf-6", KARIM, "La donnée saisie une fois sert à toutes les administrations.", 0.5),
        ]
    )
    points = DraftBuilder(inputs)._summary_points("O1", ["conf-1", "conf-6"], limit=2)
    assert [s.text.split(" a ")[0] for s in points] == [AMINA, KARIM]


FILLER = (
    "Et c'est pour ça que, parlant du guichet je veux le redire, ce qui nous a permis de garder "
    "les bureaux ouverts, parce que moi, je n'oublie pas les deux années que nous venons de vivre."
)


def test_the_synthesis_quotes_no_sentence_that_says_nothing(nlp):
    from dataclasses import replace

    from omap_synthesis.claims import claimless
    from omap_synthesis.draft import DraftBuilder

    inputs = _inputs(
        [
            # The summariser's best in both talks is a filler.
            ("conf-1", AMINA, FILLER, 0.9),
            ("conf-1", KARIM, "Les registres de base doivent être partagés entre tous.", 0.5),
            ("conf-6", AMINA, FILLER.replace("guichet", "concessionnaire"), 0.9),
        ]
    )
    docs = {p.id: nlp(p.clean) for p in inputs.passages}
    said = [s for sentences in inputs.summaries.values() for s in sentences]
    inputs = replace(inputs, claimless=claimless(inputs.passages, docs, said))
    points = DraftBuilder(inputs)._summary_points("O1", ["conf-1", "conf-6"], limit=2)
    # Nothing from Conf 6 rather than its filler.
    assert [s.text.split(" a ")[0] for s in points] == [KARIM]


def test_the_synthesis_quotes_no_sentence_the_text_calls_action_a_preciser():
    from dataclasses import replace

    from omap_synthesis.draft import DraftBuilder

    vague = "Il faudra y revenir avec les ministères concernés dans les prochains mois."
    inputs = _inputs(
        [
            ("conf-1", AMINA, vague, 0.9),
            ("conf-1", KARIM, "Un identifiant unique simplifie la vie des usagers.", 0.5),
        ]
    )
    # Read as a recommendation whose line is too vague to say: « Action à préciser ».
    inputs = replace(inputs, recommendations=[_recommendation(inputs, "R-1", ["p0"], score=0.3)])
    (point,) = DraftBuilder(inputs)._summary_points("O1", ["conf-1"], limit=1)
    assert point.text.startswith(f"{KARIM} a rappelé")


@pytest.mark.parametrize(
    ("names", "preposition", "said"),
    [
        (["Conf 1"], "dans", "dans la séquence Conf 1"),
        (["Débat 1", "Débat 2"], "dans", "dans les séquences Débat 1 et Débat 2"),
        (["Conf 1"], "à", "à la séquence Conf 1"),
        (["Conf 1", "Conf 2"], "à", "aux séquences Conf 1 et Conf 2"),
        (["Conf 3", "Q/R (session 1)"], "", "les séquences Conf 3 et Q/R (session 1)"),
    ],
)
def test_the_programmes_labels_are_named_as_sequences(names, preposition, said):
    from omap_synthesis.draft import sequences

    assert sequences(names, preposition) == said


def test_an_objective_whose_sentences_are_all_read_as_recommendations_says_so():
    from dataclasses import replace

    from omap_synthesis.draft import build_draft
    from omap_synthesis.render import draft_markdown
    from tests.grammar import grammar_errors, prose

    inputs = _inputs(
        [
            ("conf-1", AMINA, "Il faut partager les registres de base entre tous.", 0.9),
            ("conf-1", KARIM, "Il faut un identifiant unique pour chaque usager.", 0.5),
        ]
    )
    recs = [_recommendation(inputs, f"R-{k}", [f"p{k}"]) for k in range(2)]
    text = draft_markdown(build_draft(replace(inputs, recommendations=recs)))
    said = text.split("### ")[1].split("\n\n")[1]
    # Every sentence is read among the recommendations: the synthesis says where they are.
    assert said == (
        "Cet objectif a surtout été traité dans la séquence Conf 1. Deux recommandations "
        "lues ci-après s’y rattachent."
    )
    assert grammar_errors(prose(text.split("## Recommandations")[0])) == []


@pytest.mark.parametrize(
    ("items", "said"),
    [
        (
            ["conf-7"],
            "La transcription de *Conf 7* n’a pas de ponctuation : ses phrases s’arrêtent à "
            "chaque sous-titre, segment ou ligne, et les recommandations et citations qui en "
            "viennent sont à vérifier.",
        ),
        (
            ["ouverture", "conf-7"],
            "Les transcriptions d’*Ouverture officielle* et de *Conf 7* n’ont pas de "
            "ponctuation : leurs phrases",
        ),
    ],
)
def test_the_rapporteur_is_told_which_transcripts_had_no_punctuation(items, said):
    from omap_synthesis.draft import build_draft
    from omap_synthesis.render import draft_markdown
    from tests.grammar import grammar_errors, prose

    inputs = _inputs([("conf-7", AMINA, "Il faut partager les registres de base.", 0.9)])
    draft = build_draft(replace(inputs, unpunctuated_items=items))
    note = next(
        line for line in draft_markdown(draft).splitlines() if line.startswith("> **À vérifier")
    )
    assert said in note.replace("\u00a0", " ")
    assert grammar_errors(prose(note)) == []


def test_an_objective_no_talk_was_given_to_is_said_touched_on_not_treated():
    """« aucune conférence du programme ne lui est consacrée. Cet objectif a surtout été traité
    dans la séquence Conf 8. » contradicted itself when read aloud."""
    from omap_synthesis.draft import build_draft
    from omap_synthesis.render import draft_markdown
    from tests.grammar import grammar_errors

    sentence = "Le Rwanda a lancé en 2015 une plateforme de services, la {}."
    inputs = _inputs([("conf-8", AMINA, sentence.format(k), 0.9) for k in range(3)])
    inputs = replace(inputs, labels_of={f"p{k}": ("O3",) for k in range(3)})
    text = draft_markdown(build_draft(inputs)).replace("\u00a0", " ")
    said = "Il a néanmoins été abordé, surtout dans la séquence Conf 8."
    assert "aucune conférence du programme ne lui est consacrée. " + said in text
    assert grammar_errors(said) == []


def test_many_sequences_without_transcript_are_named_without_their_titles():
    """Ten titles of the programme read aloud made a sentence of over 100 words."""
    from omap_synthesis.draft import build_draft
    from omap_synthesis.render import draft_markdown

    inputs = _inputs([("conf-1", AMINA, "Il faut partager les registres de base entre tous.", 0.9)])
    recs = [_recommendation(inputs, "R-0", ["p0"])]
    few = ["conf-2", "conf-3"]
    many = ["conf-2", "conf-3", "conf-4", "conf-5"]
    for missing, named in ((few, "*Conf 2 (Etat des lieux"), (many, "*Conf 2*, *Conf 3*")):
        draft = build_draft(replace(inputs, recommendations=recs, missing_items=missing))
        text = draft_markdown(draft).replace("\u00a0", " ")
        assert named in text.split("## Points restés ouverts")[1], missing


def test_a_vague_line_ranked_first_is_not_read_when_a_worded_one_can_be():
    """« Always the first » read « Action à préciser. » aloud when the best-ranked line was
    vague; and one vague line sent every worded one after it to the annex."""
    from omap_synthesis.draft import build_draft

    inputs = _inputs(
        [
            (f"conf-{k}", AMINA, f"Il faut partager les registres numéro {k}.", 0.9)
            for k in (1, 2, 3)
        ]
    )
    recs = [_recommendation(inputs, f"R-{k}", [f"p{k}"]) for k in range(3)]
    recs[0] = replace(recs[0], action="Rassurer")
    recs[1] = replace(recs[1], action="Exister ailleurs", score=0.3)
    draft = build_draft(replace(inputs, recommendations=recs), words=4000)
    main = next(s for s in draft.sections if s.title == "Recommandations")
    assert main.item_ids == ["R-2"]


def test_a_talk_heard_that_proposed_nothing_is_named_among_the_points_left_open():
    """Conf 3 proposed nothing: the text never said so, and listeners could not tell it from
    a talk whose proposals were not read."""
    from omap_synthesis.draft import build_draft
    from omap_synthesis.render import draft_markdown
    from tests.grammar import grammar_errors

    inputs = _inputs(
        [
            ("conf-1", AMINA, "Il faut partager les registres de base entre tous.", 0.9),
            ("conf-3", KARIM, "Le registre national existe depuis 2020.", 0.5),
        ]
    )
    recs = [_recommendation(inputs, "R-0", ["p0"])]
    text = draft_markdown(build_draft(replace(inputs, recommendations=recs)))
    said = "Aucune recommandation n’a été relevée dans la séquence Conf\u00a03."
    open_points = text.split("## Points restés ouverts")[1].split("##")[0]
    assert said.replace("\u00a0", " ") in open_points.replace("\u00a0", " ")
    assert "Conf 1" not in open_points.replace("\u00a0", " ")
    assert grammar_errors(said) == []


def _four_recommendations(words: int):
    """The draft, in ``words`` words, of four recommendations of Conf 1 on O1, the first
    quotable; « euh »: no sentence of the others is, the synthesis gives the count."""
    from omap_synthesis.draft import build_draft

    inputs = _inputs(
        [
            ("conf-1", AMINA, "Il faut partager les registres de base entre tous.", 0.9),
            ("conf-1", KARIM, "Il faut euh un identifiant unique pour chaque usager.", 0.5),
            ("conf-1", AMINA, "Il faut euh former les agents d'accueil à la loi.", 0.5),
            ("conf-1", KARIM, "Il faut euh publier les délais réels de traitement.", 0.5),
        ]
    )
    recs = [_recommendation(inputs, f"R-{k}", [f"p{k}"]) for k in range(4)]
    return build_draft(replace(inputs, recommendations=recs), words=words)


@pytest.mark.parametrize(
    ("words", "said"),
    [
        (1800, None),
        (
            300,
            "Voici la recommandation retenue pour cette lecture. Trois autres recommandations, "
            "relevées au cours de la journée, figureront dans le rapport publié.",
        ),
        (
            320,
            "Voici les recommandations retenues pour cette lecture. Deux autres recommandations, "
            "relevées au cours de la journée, figureront dans le rapport publié.",
        ),
    ],
)
def test_the_listeners_are_told_of_the_recommendations_not_read(words, said):
    """With --words 300, one recommendation was read after « voici les principales
    recommandations », and nothing said that others had been made."""
    from tests.grammar import grammar_errors

    draft = _four_recommendations(words)
    main = next(s for s in draft.sections if s.title == "Recommandations")
    told = [" ".join(s.text for s in paragraph) for paragraph in main.paragraphs]
    assert told == ([said] if said else [])
    assert not said or grammar_errors(said) == []


@pytest.mark.parametrize(
    ("words", "said"),
    [
        (1800, "Quatre recommandations lues ci-après s’y rattachent."),
        # A short reading leaves some to the annex: listeners are not promised four.
        (320, "Quatre recommandations relevées s’y rattachent, dont deux lues ci-après."),
    ],
)
def test_the_count_of_an_objectives_recommendations_says_how_many_are_read(words, said):
    from omap_synthesis.render import draft_markdown
    from tests.grammar import grammar_errors

    draft = _four_recommendations(words)
    text = draft_markdown(draft)
    assert said in text.split("### ")[1]
    assert grammar_errors(said) == []


def test_a_merged_recommendation_cites_every_sequence_it_was_made_in():
    from omap_synthesis.check import check_sentence
    from omap_synthesis.draft import DraftBuilder, References, facts, typography
    from tests.grammar import grammar_errors

    inputs = _inputs(
        [
            ("conf-1", AMINA, "Il faut partager les registres de base entre tous.", 0.9),
            ("conf-6", AMINA, "Les registres doivent être partagés entre ministères.", 0.5),
            ("conf-6", KARIM, "Je propose de partager les registres des ministères.", 0.5),
            ("conf-7", KARIM, "Partageons enfin les registres entre ministères.", 0.5),
        ]
    )
    rec = _recommendation(inputs, "R-1", ["p0", "p1", "p2", "p3"])
    item = DraftBuilder(inputs).recommendation_item(rec)
    said = " ".join(s.text for s in item)
    refs = References(inputs.event, inputs.passages, inputs.pseudonymiser)
    # Amina Idrissi in Conf 6, Karim Bennani in Conf 6 and Conf 7: every source is cited.
    for pid in ("p0", "p1", "p2", "p3"):
        assert refs.ref(pid) in said
    assert f"{AMINA} a repris cette proposition (Conf 6, {AMINA}," in said
    passages = {p.id: p.text for p in inputs.passages}
    speakers = {p.id: refs.speaker(p) for p in inputs.passages}
    for sentence in item:
        problems = check_sentence(
            sentence, passages, facts(inputs), refs.refs_of(), speakers=speakers
        )
        assert problems == []
    assert grammar_errors(typography(" ".join(s.text for s in item[2:]))) == []


def test_typography_keeps_a_unit_with_its_number_outside_quotations():
    from omap_synthesis.draft import typography
    from tests.grammar import grammar_errors

    text = typography(
        "Recruter 50 000 soignants, partir à 62 ans et verser 1100 euros par mois "
        "(« 62 ans et 50 000 postes »)."
    )
    assert "50\u00a0000 soignants" in text and "62\u00a0ans" in text and "1100\u00a0euros" in text
    assert "« 62 ans et 50 000 postes »" in text  # the speaker's words, as spoken
    assert typography("En 2022 les ménages, en 1995 10 000 personnes") == (
        "En 2022 les ménages, en 1995 10\u00a0000 personnes"
    )
    assert grammar_errors(text.split(" (")[0] + ".") == []


def test_a_label_the_programme_gives_as_a_name_is_that_person_not_an_unnamed_one():
    # A moderator listed as « P2 » in event.yaml is a person of the programme, as in the
    # dataset; « P3 », whom the programme does not name, stays unnamed.
    from dataclasses import replace

    from omap_synthesis.draft import References
    from omap_synthesis.models import Person

    inputs = _inputs(
        [
            ("qr-1", "P2", "Nous prenons une dernière question.", 0.5),
            ("qr-1", "P3", "Merci pour cette journée.", 0.5),
            ("conf-8", "Locuteur 2", "Le Rwanda a lancé sa plateforme en 2015.", 0.5),
        ]
    )
    first, *others = inputs.event.sessions
    event = replace(inputs.event, sessions=(replace(first, moderator=Person("P2")), *others))
    refs = References(event, inputs.passages, inputs.pseudonymiser)
    assert [refs.speaker(p) for p in inputs.passages] == [
        "P2",
        "une personne non nommée",
        "une personne non nommée",  # a diarisation tool's label names nobody either
    ]
    assert refs.ref("p0").startswith("Questions/Réponses, session 1, P2")


@pytest.mark.parametrize(
    ("recommended", "said"),
    [
        (True, "voici les principales recommandations qui s’en dégagent."),
        # Nothing found: the opening does not promise what the text then says it lacks.
        (False, "voici ce qui s’en dégage."),
    ],
)
def test_the_opening_promises_recommendations_only_when_there_are_some(recommended, said):
    from dataclasses import replace

    from omap_synthesis.draft import build_draft
    from omap_synthesis.render import draft_markdown
    from tests.grammar import grammar_errors, prose

    inputs = _inputs(
        [
            ("conf-1", AMINA, "Il faut partager les registres de base entre tous.", 0.9),
            ("conf-1", KARIM, "Un identifiant unique simplifie la vie des usagers.", 0.5),
        ]
    )
    recs = [_recommendation(inputs, "R-0", ["p0"])] if recommended else []
    text = draft_markdown(build_draft(replace(inputs, recommendations=recs)))
    opening = text.split("## Ouverture")[1].split("##")[0].strip()
    assert said in opening
    assert grammar_errors(prose(opening)) == []


@pytest.mark.parametrize(
    ("missing", "said"),
    [
        (
            ["conf-6", "conf-7"],
            "Les séquences Conf 6 et Conf 7, qui devaient le traiter, n’ont pas de transcription.",
        ),
        (
            ["conf-6"],
            "Le programme le confiait à la séquence Conf 7, mais l’analyse des passages ne l’y "
            "retrouve pas. La séquence Conf 6, qui devait le traiter, n’a pas de transcription.",
        ),
    ],
)
def test_an_objective_whose_sequences_have_no_transcript_is_not_said_unaddressed(missing, said):
    # The sample programme gives O2 to Conf 6 and Conf 7; nothing of either is read.
    from dataclasses import replace

    from omap_synthesis.draft import build_draft, typography
    from omap_synthesis.render import draft_markdown
    from tests.grammar import grammar_errors, prose

    inputs = _inputs(
        [
            ("conf-1", AMINA, "Il faut partager les registres de base entre tous.", 0.9),
            ("conf-1", KARIM, "Un identifiant unique simplifie la vie des usagers.", 0.5),
        ]
    )
    text = draft_markdown(build_draft(replace(inputs, missing_items=missing)))
    (o2,) = [lab for lab in inputs.codebook.top if lab.id == "O2"]
    paragraph = text.split(f"### {typography(o2.name)}\n\n")[1].split("\n\n")[0]
    assert paragraph == said
    assert grammar_errors(prose(paragraph)) == []


LEILA = "Leila Naciri"
GUICHET = (
    "Quand nous avons ouvert le premier guichet numérique dans notre région, les agents ont "
    "d'abord douté de l'outil, puis ils ont vu les files d'attente diminuer semaine après "
    "semaine, et aujourd'hui plus personne ne voudrait revenir aux formulaires sur papier que "
    "nous remplissions à la main pendant des années entières."
)


@pytest.mark.parametrize(
    ("title", "said"),
    [
        (
            "L'interministérialité digitale",
            "au terme de cette journée d’études du 20 octobre 2022 consacrée à "
            "*L’interministérialité digitale*,",
        ),
        # A title that names the event is not called « journée d'études » a second time, nor
        # a study day when it is a seminar; its own quotation marks are the programme's.
        (
            "Séminaire de recherche « Retraites et santé »",
            "au terme du *Séminaire de recherche « Retraites et santé »* du 20 octobre 2022,",
        ),
        (
            "Journée d'études sur les politiques sociales",
            "au terme de la *Journée d’études sur les politiques sociales* du 20 octobre 2022,",
        ),
        ("Les Rencontres du numérique", "au terme des *Rencontres du numérique* du 20"),
        ("L'Atelier des données", "au terme de l’*Atelier des données* du 20"),
        # An ordinal before the kind of event, which then takes the article of a consonant.
        ("Troisième Forum de l'administration électronique", "au terme du *Troisième Forum"),
        ("Deuxième édition des Rencontres de l'OMAP", "au terme de la *Deuxième édition des"),
        ("Deuxièmes Assises de la simplification", "au terme des *Deuxièmes Assises de la"),
        ("Le Printemps du numérique public", "au terme du *Printemps du numérique public* du"),
    ],
)
def test_the_opening_names_the_event_by_its_title_and_passes_the_gate(nlp, title, said):
    from dataclasses import replace

    from omap_synthesis.check import check_draft
    from omap_synthesis.draft import DraftBuilder, References, facts
    from omap_synthesis.render import draft_markdown
    from tests.grammar import grammar_errors, prose

    inputs = _inputs([("conf-1", AMINA, "Il faut partager les registres de base entre tous.", 0.9)])
    inputs = replace(inputs, event=replace(inputs.event, title=title))
    inputs = replace(inputs, recommendations=[_recommendation(inputs, "R-0", ["p0"])])
    draft = DraftBuilder(inputs).build()
    opening = draft_markdown(draft).split("## Ouverture")[1].split("##")[0].strip()
    assert said in opening
    refs = References(inputs.event, inputs.passages, inputs.pseudonymiser)
    passages = {p.id: p.text for p in inputs.passages}
    speakers = {p.id: refs.speaker(p) for p in inputs.passages}
    assert (
        check_draft(
            draft.sentences(), passages, facts(inputs), refs.refs_of(), nlp, False, speakers
        )
        == []
    )
    assert grammar_errors(prose(opening)) == []


def test_with_no_recommendation_every_talk_read_is_quoted_in_the_synthesis(nlp):
    from dataclasses import replace

    from omap_synthesis.check import check_draft
    from omap_synthesis.draft import DraftBuilder, References, facts
    from omap_synthesis.render import draft_markdown
    from tests.grammar import grammar_errors, prose

    inputs = _inputs(
        [
            # Too long to be quoted whole: it is quoted cut, not left out.
            ("conf-1", AMINA, GUICHET, 0.9),
            ("conf-6", KARIM, "Mon service a numérisé les actes d'état civil sans recruter.", 0.5),
            ("conf-7", LEILA, "Les mairies rurales attendent toujours un bon réseau.", 0.5),
            ("conf-8", KARIM, "Je garde un souvenir précis de la première réunion.", 0.5),
        ]
    )
    # The last talk carries no objective: it is quoted apart.
    inputs = replace(inputs, labels_of={**inputs.labels_of, "p3": ()})
    draft = DraftBuilder(inputs).build()
    text = draft_markdown(draft)
    synthesis = text.split("## Ce que les interventions ont apporté")[1].split("## Recomm")[0]
    refs = References(inputs.event, inputs.passages, inputs.pseudonymiser)
    for pid in ("p0", "p1", "p2", "p3"):
        assert refs.ref(pid) in synthesis, pid
    assert "«\u00a0Quand nous avons ouvert" in synthesis and "[…]\u00a0»" in synthesis
    assert synthesis.split("### Autres interventions")[1].count("«") == 1
    assert "ci-après" not in text
    passages = {p.id: p.text for p in inputs.passages}
    speakers = {p.id: refs.speaker(p) for p in inputs.passages}
    problems = check_draft(
        draft.sentences(), passages, facts(inputs), refs.refs_of(), nlp, False, speakers
    )
    assert problems == []
    assert grammar_errors(prose(synthesis)) == []


def test_an_objective_of_a_day_without_recommendation_points_to_none_ci_apres():
    from dataclasses import replace

    from omap_synthesis.draft import build_draft, typography
    from omap_synthesis.render import draft_markdown
    from tests.grammar import grammar_errors, prose

    inputs = _inputs(
        [
            # Nothing worth quoting: the objective says that no recommendation bears on it.
            ("conf-1", AMINA, "Alors euh le guichet, euh, on en a beaucoup parlé, voilà.", 0.9),
            ("conf-1", KARIM, "Et euh les registres, c'est pareil, euh, on verra bien.", 0.5),
        ]
    )
    text = draft_markdown(build_draft(replace(inputs, recommendations=[])))
    (o1,) = [lab for lab in inputs.codebook.top if lab.id == "O1"]
    paragraph = text.split(f"### {typography(o1.name)}\n\n")[1].split("\n\n")[0]
    assert paragraph == (
        "Cet objectif a surtout été traité dans la séquence Conf 1. Aucune recommandation ne "
        "s’y rattache."
    )
    assert grammar_errors(prose(paragraph)) == []


def test_a_quotation_is_dated_where_it_is_said_in_a_long_timed_passage():
    """A subtitled turn from 10 to 14 minutes into Conf 2 (10 h 55): words halfway through it
    are « vers 11 h 07 », not the turn's start; the gate knows every minute the turn runs."""
    from omap_synthesis.anonymise import Pseudonymiser
    from omap_synthesis.config import DATA_DIR
    from omap_synthesis.draft import References
    from omap_synthesis.event import load_event
    from omap_synthesis.models import Passage

    event = load_event(DATA_DIR / "omap-2022-10-20")
    text = "x" * 1000
    turn = Passage("p1", "conf-2.srt", "conf-2", "Hicham Alami", text, text, 0, 1000, 600, 840)
    refs = References(event, [turn], Pseudonymiser())
    assert refs.ref("p1") == "Conf 2, Hicham Alami, vers 11\u00a0h\u00a005"
    assert refs.ref("p1", 500) == "Conf 2, Hicham Alami, vers 11\u00a0h\u00a007"
    assert refs.ref("p1", 1000) == "Conf 2, Hicham Alami, vers 11\u00a0h\u00a009"
    assert {refs.ref("p1", at) for at in range(0, 1001, 50)} <= refs.refs_of()["p1"]
    assert len(refs.refs_of()["p1"]) == 5


def test_several_opposed_proposals_are_named_each_with_its_preposition():
    from omap_synthesis.draft import DraftBuilder, typography
    from tests.grammar import grammar_errors

    inputs = _inputs(
        [
            ("conf-1", AMINA, "Il faut partager les registres de base entre tous.", 0.9),
            ("qr-2", KARIM, "Il ne faut pas partager les registres entre ministères.", 0.5),
            ("qr-2", "Anas Lazrak", "Il ne faut surtout pas partager les registres.", 0.5),
        ],
        public={"Anas Lazrak": "Participant·e 1"},
    )
    rec = replace(_recommendation(inputs, "R-1", ["p0"]), contradicts=("R-2", "R-3"))
    others = [
        replace(_recommendation(inputs, f"R-{k}", [f"p{k - 1}"]), contradicts=("R-1",))
        for k in (2, 3)
    ]
    inputs = replace(inputs, recommendations=[rec, *others])
    said = DraftBuilder(inputs).recommendation_item(rec)[-1].text
    assert said.startswith(
        f"Des propositions de {KARIM} et d'une personne du public vont en sens contraire ("
    )
    assert said.endswith("les trois positions sont conservées.")
    assert grammar_errors(typography(re.sub(r" \([^()]*(?:\([^()]*\)[^()]*)*\)", "", said))) == []


@pytest.mark.parametrize(
    ("action", "said"),
    [
        ("Garder des guichets physiques", True),
        ("Publier les délais réels (les administrations)", True),
        ("Rendre les services accessibles à tous", True),
        # Cut on a word that announces more: a sentence ended by a subtitle, a misparse.
        ("Exonérer d'impôt sur les sociétés pendant", False),
        ("Investir 20 milliards sur", False),
        ("Donner la possibilité aux gens qui", False),
        ("Désigner que", False),
        ("Recommander", False),
    ],
)
def test_a_line_cut_on_a_word_that_announces_more_says_no_action(action, said):
    from omap_synthesis.draft import display_action, says_action

    rec = SimpleNamespace(action=action, score=0.9)
    assert says_action(rec) is said
    assert (display_action(rec) == "Action à préciser") is not said


@pytest.mark.parametrize(
    ("said", "asked"),
    [
        ("Qui finance les projets communs ?", True),
        ("Et les communes rurales, qui les équipe ?", True),
        # A statement that asks for assent asks no question.
        ("C'est le cas de ma mère, qui a commencé à seize ans, d'accord ?", False),
        ("Les registres sont partagés depuis 2019, non ?", False),
        ("Vous le savez bien, n'est-ce pas ?", False),
    ],
)
def test_only_a_question_is_quoted_as_asked(said, asked):
    from omap_synthesis.draft import DraftBuilder

    inputs = _inputs([("conf-1", AMINA, said, 0.9)])
    cited = DraftBuilder(inputs).cite("p0", said).text
    assert (" a demandé\u00a0:" in cited) is asked


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("Les mairies rurales attendent toujours un bon réseau.", True),
        ("[…] les mairies rurales attendent toujours un bon réseau […]", True),
        # A subtitle of a transcript without punctuation is a fragment, not a sentence.
        (
            "médecins et l'ensemble des soignants nous avons pris des mesures et revalorisé les",
            False,
        ),
        ("Les mairies rurales attendent toujours un bon réseau et les", False),
    ],
)
def test_a_fragment_is_not_quoted_whole(text, said):
    from omap_synthesis.draft import quotable

    assert quotable(text) is said
