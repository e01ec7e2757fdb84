"""Codebook tagging: term matching, the contract of the scores, prior, languages, CLI, metrics."""

from __future__ import annotations

import dataclasses
import json
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import clone
from typer.testing import CliRunner

from omap_synthesis.cli import app
from omap_synthesis.event import load_codebook
from omap_synthesis.models import Codebook, Label
from omap_synthesis.tag import CodebookTagger, neighbour_votes, tag_passages, tag_texts
from omap_synthesis.tag_eval import closure, evaluate, read_inputs
from omap_synthesis.tag_index import description_terms
from omap_synthesis.terms import TermMatcher, read_doc, sentence_language

ROOT = Path(__file__).resolve().parents[1]
FREDSUM = Path(__file__).resolve().parent / "fixtures" / "fredsum"
runner = CliRunner()

CODEBOOK = Codebook(
    (
        Label(
            "A",
            "Simplification administrative",
            "Simplifier les démarches des usagers et supprimer les pièces justificatives.",
            ("simplification", "guichet unique", "pièce justificative"),
        ),
        Label(
            "A.1",
            "Guichet unique",
            "Une seule porte d'entrée pour toutes les démarches du citoyen.",
            ("guichet unique",),
            parent="A",
        ),
        Label(
            "B",
            "Partenariat public-privé",
            "Concessions et contrats confiés à des opérateurs privés.",
            ("partenariat public-privé", "concession", "concessionnaire"),
        ),
        Label(
            "C",
            "Benchmarking",
            "Modèles étrangers de réussite : Estonie, Singapour, France.",
            ("Estonie", "Singapour", "interopérabilité"),
        ),
    )
)


@pytest.fixture(scope="module")
def tagger():
    return CodebookTagger(CODEBOOK)


@pytest.fixture(scope="module")
def matcher(nlp):
    return TermMatcher(
        nlp,
        {
            "A": ["simplification", "guichet unique", "donnée", "interopérabilité"],
            "B": ["partenariat public-privé", "ADD"],
        },
    )


@pytest.mark.parametrize(
    ("text", "term", "found"),
    [
        ("Il faut simplifier les démarches.", "simplification", True),
        ("Une procédure enfin simplifiée pour les familles.", "simplification", True),
        ("La simplification des formalités avance.", "simplification", True),
        ("Nous avons créé un guichet unique régional.", "guichet unique", True),
        ("Les guichets uniques des régions.", "guichet unique", True),
        ("Un guichet, puis une procédure unique.", "guichet unique", False),
        ("Le partenariat public-privé est utile.", "partenariat public-privé", True),
        ("Les partenariats public/privé se multiplient.", "partenariat public-privé", True),
        ("Les données de l'état civil circulent.", "donnée", True),
        ("Je vous donne un exemple précis.", "donnée", False),
        ("Un système interopérable par défaut.", "interopérabilité", True),
        ("L'ADD pilote la plateforme.", "ADD", True),
    ],
)
def test_terms_match_by_lemma_and_family(nlp, matcher, text, term, found):
    doc = nlp(text)
    matched = {matcher.terms[i].text for i, _, _ in matcher.matches(doc)}
    assert (term in matched) is found


@pytest.mark.parametrize(
    ("sentence", "language"),
    [
        ("Nous proposons un guichet unique pour les usagers.", "fr"),
        ("We have heard Estonia mentioned several times this morning.", "en"),
        ("السلام عليكم ورحمة الله تعالى وبركاته", "ar"),
        ("Le principe du « once only », comme disent les Anglais.", "fr"),
    ],
)
def test_sentence_language(sentence, language):
    assert sentence_language(sentence) == language


def test_scores_cover_the_codebook_and_keep_parents(nlp, tagger):
    texts = [
        "Un guichet unique évitera aux usagers de courir d'une administration à l'autre.",
        "La concession a été confiée à un opérateur privé, le concessionnaire.",
        "Nous avons regardé l'Estonie et Singapour, deux modèles d'interopérabilité.",
    ]
    taggings = tagger.tag(list(nlp.pipe(texts)), ["a", "b", "c"])
    for t in taggings:
        assert set(t.scores) == set(CODEBOOK.ids)
        assert all(0.0 <= s <= 1.0 for s in t.scores.values())
        assert set(closure(t.labels, CODEBOOK)) == set(t.labels)
    assert [t.labels for t in taggings] == [("A", "A.1"), ("B",), ("C",)]
    assert "guichet unique" in taggings[0].explanations["A.1"]["terms"]
    assert set(taggings[0].explanations["A"]) >= {"term", "similarity", "prior", "score"}


@pytest.mark.parametrize(
    ("text", "note"),
    [
        ("", "texte vide"),
        ("   \n ", "texte vide"),
        ("We have heard Estonia and Singapore mentioned several times this morning.", "anglais"),
        # One function word of the short list is not enough; « must », « through » count too.
        ("We must simplify administrative procedures through a one-stop shop.", "anglais"),
        ("بسم الله الرحمن الرحيم. السلام عليكم ورحمة الله تعالى وبركاته", "arabe"),
        ("Merci Madame la présidente. Vous avez la parole.", "séance"),
        (
            "Monsieur le Directeur général de l'Agence du guichet unique, chers collègues… "
            "Nous enchaînons avec le premier témoignage ministériel.",
            "séance",
        ),
        (
            "Madame Rim Benjelloun est professeure à l'Institut national des postes, et elle va "
            "nous présenter un état des lieux de la simplification des démarches.",
            "séance",
        ),
    ],
)
def test_passages_without_analysable_content_are_hors_objectifs(nlp, tagger, text, note):
    tagging = tagger.tag([nlp(text)], ["x"], priors=[["A"]])[0]
    assert tagging.labels == ()
    assert note in tagging.note
    assert set(tagging.scores.values()) == {0.0}


@pytest.mark.parametrize(
    ("text", "procedural"),
    [
        ("Monsieur le Secrétaire général, mesdames et messieurs, chers étudiants…", True),
        ("Monsieur Squalli, professeur à l'ENSIAS, va nous parler des registres.", True),
        ("Nous allons maintenant ouvrir la séance de questions.", True),
        ("Nous allons pouvoir passer aux questions.", True),
        ("Madame Tazi, vous dites que l'État est propriétaire des données.", False),
        ("Nous présenterons un projet de loi sur la simplification.", False),
        ("Je veux que nous ouvrions le débat sur le port des tenues religieuses.", False),
        ("Nous devons passer à une logique de partenariat durable.", False),
        # The floor passed on by the speaker; a topic the speaker moves on to is discussed.
        ("Je passe la parole sans plus tarder à Mme Garnier, que je remercie.", True),
        ("Je passe à la question des registres, centrale pour l'interopérabilité.", False),
        # Given or ceded, the floor too, to a person; these verbs move on with « parole » only.
        ("Je donne maintenant la parole à notre collègue de la Direction du budget.", True),
        ("Je cède maintenant la parole à Mme Tazi, qui a fait le déplacement depuis Rabat.", True),
        ("Nous devons donner la parole aux usagers dans la simplification des démarches.", False),
        ("Nous donnons la parole aux citoyens de Casablanca grâce au portail.", False),
        ("Nous laissons la question de la gouvernance des données ouverte.", False),
        # The room's equipment.
        ("Est-ce que la télécommande fonctionne encore ?", True),
        ("Nous manquons de techniciens en cybersécurité.", False),
        # « merci » is a stop word of spaCy's: alone, it still thanks.
        ("Merci.", True),
        ("Merci beaucoup.", True),
        ("Merci, il faut simplifier les démarches des usagers.", False),
    ],
)
def test_session_management_sentences(nlp, text, procedural):
    assert bool(read_doc(nlp(text)).procedural) is procedural


def test_english_cut_into_fragments_stays_english(nlp):
    """The French sentence splitter cuts this into « We » / « need » / « more » / « police
    officers » / …: fragments too short to tell take the passage's language, so « police »
    does not count as French evidence."""
    codebook = Codebook((Label("S", "Sécurité", "Police et justice.", ("police", "prison")),))
    text = (
        "We need more police officers on the streets and longer prison sentences for repeat "
        "offenders."
    )
    assert len(list(nlp(text).sents)) > 1
    tagging = CodebookTagger(codebook).tag([nlp(text)], ["x"])[0]
    assert tagging.labels == () and "passage en anglais" in tagging.note


def test_mixed_passage_is_tagged_on_its_french_sentences(nlp, tagger):
    text = "Thank you very much, we are happy to be here. Le guichet unique simplifie tout."
    tagging = tagger.tag([nlp(text)], ["x"])[0]
    assert tagging.labels == ("A", "A.1")
    assert "anglais" in tagging.note


def test_prior_lowers_the_bar_but_needs_evidence(nlp, tagger):
    weak = nlp("Le dossier demandait encore des pièces justificatives.")
    empty = nlp("Il vous reste deux minutes, nous reprendrons après.")
    without = tagger.decision_function([weak, empty])
    with_prior = tagger.decision_function([weak, empty], priors=[["A"], ["A"]])
    a = CODEBOOK.ids.index("A")
    assert with_prior[0, a] > without[0, a] > 0
    assert with_prior[1, a] == without[1, a] == 0.0


def test_a_long_passage_is_noted(nlp, tagger):
    text = " ".join(["Le guichet unique simplifie les démarches des usagers du service."] * 60)
    tagging = tagger.tag([nlp(text)], ["x"])[0]
    assert "passage long (" in tagging.note
    assert "passage long" not in tagger.tag([nlp(text[:200])], ["y"])[0].note


def test_an_objective_missing_from_the_codebook_is_named_once(nlp, tagger, caplog):
    docs = list(nlp.pipe(["Le guichet unique simplifie tout.", "Le guichet unique avance."]))
    with caplog.at_level("WARNING"):
        tagger.decision_function(docs, priors=[["A", "Z9"], ["Z9"]])
    assert caplog.text.count("objectif « Z9 » du programme absent du codebook") == 1


def test_tagging_an_events_passages_leaves_an_unknown_objective_out_without_a_word(
    nlp, tagger, caplog, sample_ingested
):
    """The run says it once per talk (``event.say_unknown_objectives``); the tagger said it
    again at each call (the recommendations tag their sentences too)."""
    from dataclasses import replace

    from omap_synthesis.tag import tag_passages

    event = sample_ingested.event
    items = tuple(replace(it, objectives=("Z9", *it.objectives)) for it in event.items)
    passages = [p for p in sample_ingested.passages if p.talk == "conf-1"][:3]
    docs = [nlp(p.clean) for p in passages]
    with caplog.at_level("WARNING"):
        tag_passages(passages, docs, tagger.codebook, replace(event, items=items), tagger)
    assert "Z9" not in caplog.text


def test_evidence_overrides_the_prior(nlp, tagger):
    doc = nlp("L'Estonie et Singapour ont réussi leur interopérabilité.")
    tagging = tagger.tag([doc], ["x"], priors=[["B"]])[0]
    assert tagging.labels == ("C",)
    assert tagging.explanations["C"]["prior"] == -1


def test_context_comes_from_the_same_group_only(nlp, tagger):
    docs = list(nlp.pipe(["Le guichet unique simplifie les démarches.", "Qui va le financer ?"]))
    alone = tagger.decision_function(docs, groups=["t1", "t2"])
    together = tagger.decision_function(docs, groups=["t1", "t1"])
    a = CODEBOOK.ids.index("A")
    assert together[1, a] > alone[1, a]


ESTIMATOR_TEXTS = [
    "Un guichet unique pour les usagers.",
    "La concession du permis de conduire.",
    "Simplifier les pièces justificatives.",
    "Le concessionnaire investit.",
    "Le modèle estonien.",
    "Une simplification attendue.",
]
ESTIMATOR_LABELS = [["A", "A.1"], ["B"], ["A"], ["B"], ["C"], ["A"]]


def test_estimator_conventions(nlp):
    tagger = CodebookTagger(CODEBOOK, threshold=0.7)
    copy = clone(tagger)
    assert copy.get_params()["threshold"] == 0.7 and copy.codebook == CODEBOOK
    assert not hasattr(copy, "thresholds_")
    docs = list(nlp.pipe(ESTIMATOR_TEXTS))
    assert copy.fit(docs, ESTIMATOR_LABELS) is copy
    assert copy.classes_ == CODEBOOK.ids and copy.thresholds_.shape == (len(CODEBOOK.ids),)
    assert copy.predict(docs).shape == (len(docs), len(CODEBOOK.ids))
    unsupervised = clone(tagger).fit(docs)
    assert hasattr(unsupervised, "idf_") and not hasattr(unsupervised, "thresholds_")


def test_tagging_is_deterministic(nlp, tagger):
    docs = list(nlp.pipe(["Le guichet unique.", "La concession.", "L'Estonie."]))
    first = tagger.decision_function(docs)
    assert np.array_equal(first, clone(tagger).decision_function(docs))


def test_tag_passages_applies_the_programme(sample_ingested, nlp):
    from omap_synthesis.nlp import parse_passages

    ingested = sample_ingested
    codebook = load_codebook(Path(ingested.event.directory) / ingested.event.codebook)
    talk = next(p.talk for p in ingested.passages if p.talk == "conf-1")
    passages = [p for p in ingested.passages if p.talk == talk][:8]
    docs = parse_passages(nlp, passages)
    taggings = tag_passages(passages, docs, codebook, ingested.event)
    assert [t.passage_id for t in taggings] == [p.id for p in passages]
    priors = {t.explanations.get("O1", {}).get("prior") for t in taggings} - {None}
    assert priors == {1}
    assert sum("O1" in t.labels for t in taggings) >= len(taggings) // 2


def test_cached_components_give_the_same_tags(sample_ingested, nlp, tmp_path, monkeypatch):
    from omap_synthesis.nlp import parse_passages

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    ingested = sample_ingested
    codebook = load_codebook(Path(ingested.event.directory) / ingested.event.codebook)
    passages = [p for p in ingested.passages if p.talk in {"conf-1", "qr-1"}]
    docs = parse_passages(nlp, passages)
    fresh = tag_passages(passages, docs, codebook, ingested.event)
    assert tag_passages(passages, docs, codebook, ingested.event, cache="m") == fresh
    calls = []
    original = CodebookTagger.components
    monkeypatch.setattr(
        CodebookTagger, "components", lambda self, doc: calls.append(doc) or original(self, doc)
    )
    assert tag_passages(passages, docs, codebook, ingested.event, cache="m") == fresh
    assert calls == []
    # With one source fewer, the cached call reads every component from the cache; only the
    # uncached call computes them.
    rest = [p for p in passages if p.source != passages[0].source]
    assert tag_passages(rest, docs, codebook, ingested.event, cache="m") == tag_passages(
        rest, docs, codebook, ingested.event
    )
    assert len(calls) == len(rest)


@pytest.mark.parametrize(
    "segment",
    [
        "transcript/Mitterrand_Chirac--Partie_2_Emploi.txt",
        "debat-themes/transcript/Royale_Bayroux--Partie_8_Education.txt",
    ],
)
def test_fredsum_turns_get_their_debate_theme(segment):
    from omap_synthesis.ingest import ingest_file

    codebook = load_codebook(ROOT / "data" / "gold" / "fredsum-codebook.yaml")
    expected = {"Emploi": "emploi", "Education": "education"}[segment.rsplit("_", 1)[1][:-4]]
    turns: dict[int, list[str]] = {}
    for p in ingest_file(FREDSUM / segment).passages:
        turns.setdefault(p.turn, []).append(p.clean)
    texts = [" ".join(parts) for parts in turns.values() if len(" ".join(parts).split()) >= 25]
    taggings = tag_texts([str(i) for i in range(len(texts))], texts, codebook)
    best = Counter(max(t.scores, key=t.scores.get) for t in taggings)
    assert best.most_common(1)[0][0] == expected


@pytest.mark.parametrize(
    ("gold", "pred", "f1_top", "f1_sub"),
    [
        ([["A", "A.1"], ["B"], []], [["A", "A.1"], ["B"], []], 1.0, 1.0),
        ([["A", "A.1"], ["B"]], [["A"], ["A"]], (2 / 3 + 0) / 2, 0.0),
        ([["A"], ["C"]], [["C"], []], (0 + 0 + 0) / 3, None),
    ],
)
def test_evaluation_macro_averages(gold, pred, f1_top, f1_sub):
    result = evaluate(gold, pred, CODEBOOK)
    assert result.macro_top.f1 == pytest.approx(f1_top)
    if f1_sub is None:
        assert result.macro_sub.f1 is None
    else:
        assert result.macro_sub.f1 == pytest.approx(f1_sub)


def _flat(text: str) -> str:
    """Console output without the line breaks rich adds at its width."""
    return " ".join(text.split())


def _codebook_file(tmp_path: Path) -> Path:
    path = tmp_path / "codebook.yaml"
    path.write_text(
        "labels:\n"
        "  - id: A\n    name: Simplification\n"
        "    description: Simplifier les démarches administratives des usagers.\n"
        "    terms: [simplification, guichet unique]\n"
        "  - id: B\n    name: Partenariat public-privé\n"
        "    description: Concessions confiées au secteur privé.\n"
        "    terms: [concession, partenariat public-privé]\n",
        encoding="utf-8",
    )
    return path


def test_tag_command_json_lines_and_bad_lines(tmp_path):
    inputs = tmp_path / "in.jsonl"
    inputs.write_text(
        '{"id": 1, "text": "Un guichet unique pour simplifier."}\n'
        "pas du JSON\n"
        '{"id": "x", "text": ""}\n'
        '{"text": "sans identifiant"}\n'
        '{"id": "en", "text": "We have heard this several times this morning, thank you."}\n'
        '{"id": "x", "text": "Encore un guichet unique."}\n',
        encoding="utf-8",
    )
    result = runner.invoke(
        app, ["tag", str(inputs), "--codebook", str(_codebook_file(tmp_path)), "--json"]
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in rows] == [1, "x", "en", "x"]
    assert rows[0]["labels"] == ["A"] and set(rows[0]["scores"]) == {"A", "B"}
    assert rows[1]["labels"] == [] and rows[2]["labels"] == []
    assert f"{inputs}, ligne 2 : JSON invalide (" in _flat(result.stderr)
    assert "ligne 4 : champ « id »" in _flat(result.stderr)
    assert f"{inputs}, ligne 5 (passage « en ») : passage en anglais" in _flat(result.stderr)
    assert "ligne 6 : identifiant « x » déjà employé ligne 3" in _flat(result.stderr)
    assert f"{inputs} : 4 ligne(s) lue(s), 2 ignorée(s)." in _flat(result.stderr)


@pytest.mark.parametrize(
    ("codebook_text", "message"),
    [
        ("", "labels"),
        ("labels: [\n", "YAML invalide"),
        ("labels:\n  - id: A\n    name: Un\n  - id: A\n    name: Deux\n", "en double"),
        ("labels:\n  - id: A\n", "ni nom, ni description"),
    ],
)
def test_tag_command_bad_codebook(tmp_path, codebook_text, message):
    codebook = tmp_path / "codebook.yaml"
    codebook.write_text(codebook_text, encoding="utf-8")
    inputs = tmp_path / "in.jsonl"
    inputs.write_text('{"id": 1, "text": "Bonjour."}\n', encoding="utf-8")
    result = runner.invoke(app, ["tag", str(inputs), "--codebook", str(codebook), "--json"])
    assert result.exit_code == 2
    assert message in _flat(result.stderr) and result.stdout == ""


def test_tag_command_names_talks_the_programme_does_not_have(tmp_path, sample_event):
    inputs = tmp_path / "in.jsonl"
    inputs.write_text(
        '{"id": 1, "text": "Un guichet unique.", "talk": "conf-99"}\n'
        '{"id": 2, "text": "Un guichet unique.", "talk": "conf-1"}\n'
    )
    args = ["tag", str(inputs), "--codebook", str(sample_event / "codebook.yaml"), "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "absente(s) du programme, sans a priori : conf-99." in _flat(result.stderr)


def test_tag_command_explains_in_its_table_too(tmp_path):
    inputs = tmp_path / "in.jsonl"
    inputs.write_text('{"id": 1, "text": "Un guichet unique pour simplifier."}\n')
    args = ["tag", str(inputs), "--codebook", str(_codebook_file(tmp_path))]
    plain = runner.invoke(app, args, env={"COLUMNS": "250"})
    explained = runner.invoke(app, [*args, "--explain"], env={"COLUMNS": "250"})
    assert explained.exit_code == 0, explained.output
    assert "explication" not in plain.stdout and "explication" in explained.stdout
    assert re.search(
        r"A : [^(]*guichet unique[^(]*\(score \d,\d{3}, seuil 0,550 ; termes \d,\d\d",
        explained.stdout,
    )


def test_tag_command_without_usable_line(tmp_path):
    inputs = tmp_path / "in.jsonl"
    inputs.write_text("{oops\n[1, 2]\n", encoding="utf-8")
    result = runner.invoke(app, ["tag", str(inputs), "--codebook", str(_codebook_file(tmp_path))])
    assert result.exit_code == 1
    assert "ligne 1 : JSON invalide" in _flat(result.stderr)
    assert "aucune ligne utilisable" in _flat(result.stderr)


def test_read_inputs_keeps_good_lines(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text('{"id": 1, "text": "a", "talk": "conf-1"}\n\n{"id": 2}\n', encoding="utf-8")
    inputs, problems = read_inputs(path)
    assert [(i.id, i.talk, i.line) for i in inputs] == [(1, "conf-1", 1)]
    assert [p.reason for p in problems] == [
        "ligne 3 : champ « text » manquant ou qui n'est pas du texte"
    ]
    assert str(problems[0]).startswith(f"{path}, ligne 3 : ")


def test_read_inputs_reads_texts_as_ingestion_analyses_passages(tmp_path):
    # A line break inside a paragraph is a space, a C1 control character its cp1252 character
    # (same length: the explanations' offsets hold).
    path = tmp_path / "in.jsonl"
    text = "Je pense qu\x92il faut un guichet\nunique."
    path.write_text(json.dumps({"id": 1, "text": text}) + "\n", encoding="utf-8")
    (item,), _ = read_inputs(path)
    assert item.text == "Je pense qu’il faut un guichet unique."


def test_a_line_nested_too_deep_is_reported_and_the_others_are_read(tmp_path):
    path = tmp_path / "in.jsonl"
    deep = "[" * 100_000 + "]" * 100_000
    path.write_text(
        f'{{"id": 1, "text": "a"}}\n{{"id": 2, "text": {deep}}}\n{{"id": 3, "text": "b"}}\n',
        encoding="utf-8",
    )
    inputs, problems = read_inputs(path)
    assert [i.id for i in inputs] == [1, 3]
    assert [p.reason for p in problems] == [
        "ligne 2 : JSON invalide (structure imbriquée trop profondément)"
    ]


def test_a_line_not_in_utf8_is_reported_and_the_others_are_read(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_bytes(
        b'{"id": 1, "text": "Le guichet unique."}\n'
        + '{"id": 2, "text": "Les données partagées."}\n'.encode("cp1252")
        + '{"id": 3, "text": "Un registre à jour."}\n'.encode()
    )
    inputs, problems = read_inputs(path)
    assert [i.id for i in inputs] == [1, 3]
    assert [p.reason for p in problems] == ["ligne 2 : pas en UTF-8"]


def test_evaluate_tagging_command(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        '{"id": 1, "text": "Un guichet unique pour simplifier.", "labels": ["A"], "split": "t"}\n'
        '{"id": 2, "text": "La concession au privé.", "labels": ["B"], "split": "h"}\n'
        '{"id": 3, "text": "Merci à tous.", "labels": [], "split": "h"}\n',
        encoding="utf-8",
    )
    codebook = str(_codebook_file(tmp_path))
    result = runner.invoke(
        app, ["evaluate", "tagging", "--gold", str(gold), "--codebook", codebook, "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["passages"] == 3 and data["macro"]["top"]["f1"] == 1.0
    assert data["hors_objectifs"]["f1"] == 1.0
    held = runner.invoke(
        app, ["evaluate", "tagging", "--gold", str(gold), "--codebook", codebook, "--split", "h"]
    )
    assert held.exit_code == 0 and "2 passage(s)" in held.stdout
    # The macro row's three figures sit under précision, rappel and F1, like the other rows.
    macro = next(line for line in held.stdout.splitlines() if "macro objectifs" in line)
    cells = [c.strip() for c in re.split(r"[│|]", macro)[1:-1]]
    assert cells[1:4] == ["1,000"] * 3 and cells[4:] == ["", ""]


def test_evaluate_tagging_rejects_unknown_labels(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"id": 1, "text": "Texte.", "labels": ["Z"]}\n', encoding="utf-8")
    result = runner.invoke(
        app,
        ["evaluate", "tagging", "--gold", str(gold), "--codebook", str(_codebook_file(tmp_path))],
    )
    assert result.exit_code == 2
    assert "ligne 1 : label(s) inconnu(s) du codebook : Z" in _flat(result.stderr)


def test_label_with_a_name_only_is_matched_by_its_name(nlp):
    codebook = Codebook(
        (
            Label("R", "Retraites", ""),
            Label("E", "Europe", "L'Union européenne, ses institutions et l'euro."),
        )
    )
    doc = nlp("La réforme des retraites repousse l'âge de départ.")
    tagging = CodebookTagger(codebook).tag([doc], ["x"])[0]
    assert tagging.labels == ("R",)
    assert tagging.explanations["R"]["terms"] == ["retraites"]


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        (
            "L'âge légal de départ à la retraite, la durée de cotisation et les régimes spéciaux.",
            {"âge légal de départ", "retraite", "durée de cotisation", "régimes spéciaux"},
        ),
        ("Concessions et contrats confiés à des opérateurs privés.", {"opérateurs privés"}),
        ("Modèles étrangers de réussite : Estonie, Singapour.", {"Estonie", "Singapour"}),
    ],
)
def test_description_terms(nlp, description, expected):
    terms = description_terms(nlp(description))
    assert expected <= set(terms)
    assert len(terms) == len(set(terms))
    assert not {"le", "la", "de", "à", "des"} & set(terms)


def test_labels_without_terms_are_tagged_from_their_description(nlp):
    codebook = Codebook(
        (
            Label(
                "R",
                "Retraites",
                "L'âge légal de départ, la durée de cotisation, le montant des pensions.",
            ),
            Label(
                "S",
                "Sécurité",
                "La délinquance, les moyens de la police et de la gendarmerie, la justice pénale.",
            ),
        )
    )
    tagger = CodebookTagger(codebook)
    texts = [
        "Nous allons relever la durée de cotisation et garantir le montant des pensions.",
        "Il faut donner à la police les moyens de lutter contre la délinquance.",
        "Je vous remercie, madame, de votre invitation.",
    ]
    taggings = tagger.tag([nlp(t) for t in texts], ["r", "s", "x"])
    assert [t.labels for t in taggings] == [("R",), ("S",), ()]
    assert "durée de cotisation (description)" in taggings[0].explanations["R"]["terms"]
    # The description is read only for a label that lists few terms: a fuller list is more
    # precise.
    few = ("pension", "cotisation")
    many = (*few, "âge de départ", "retraite", "réforme des retraites")
    # A noun of the description that, parsed alone, reads as a verb (« été », the season, as
    # « être ») stands for itself.
    summer = Codebook((Label("C", "Confort", "Confort d'été et fortes chaleurs."),))
    tagged = CodebookTagger(summer).tag([nlp("Je suis content, nous sommes là.")], ["x"])
    assert tagged[0].explanations.get("C", {}).get("terms", []) == []
    for terms, mined in ((few, True), (many, False)):
        listed = Codebook((dataclasses.replace(codebook.labels[0], terms=terms),))
        assert CodebookTagger(listed)._index().term_mined.any() == mined


def test_description_terms_leave_listed_terms_alone(nlp):
    listed = ("cotisation", "pension", "âge de départ", "retraite", "régime spécial")
    codebook = Codebook(
        (
            Label("R", "Retraites", "Le système de retraite.", listed),
            Label("S", "Sécurité", "La police et les cotisations des policiers."),
        )
    )
    terms = {t.text: t for t in CodebookTagger(codebook)._index().matcher.terms}
    assert terms["cotisation"].labels == ("R",) and not terms["cotisation"].mined
    assert terms["police"].labels == ("S",) and terms["police"].mined
    # The words of the description add no derivational family to the listed terms.
    plain = TermMatcher(nlp, {"R": ["Retraites", *listed], "S": ["Sécurité"]})
    assert plain.canon == CodebookTagger(codebook)._index().matcher.canon


def test_fit_shrinks_thresholds_towards_the_default(nlp):
    docs = list(nlp.pipe(ESTIMATOR_TEXTS))
    # A default too strict for these passages: the best threshold for A lies below it.
    fitted = {
        s: CodebookTagger(CODEBOOK, threshold=0.95, threshold_shrinkage=s)
        .fit(docs, ESTIMATOR_LABELS)
        .thresholds_
        for s in (0.0, 3.0, 1e9)
    }
    a = CODEBOOK.ids.index("A")
    raw, shrunk, flat = fitted[0.0][a], fitted[3.0][a], fitted[1e9][a]
    assert raw < 0.9
    assert shrunk == pytest.approx((3 * raw + 3 * 0.95) / 6)
    assert flat == pytest.approx(0.95)
    # A label with fewer than min_positives examples keeps the default whatever the shrinkage.
    assert fitted[0.0][CODEBOOK.ids.index("C")] == 0.95


def test_cross_val_predict_fits_on_the_other_folds_only(nlp):
    from omap_synthesis.tag_eval import cross_val_predict

    docs = list(nlp.pipe([*ESTIMATOR_TEXTS, "Merci à tous."]))
    y = [*ESTIMATOR_LABELS, None]
    # Every passage about A is in f1: fitted on f2, A keeps the strict default and the weakest
    # A passage (« Une simplification attendue. ») is missed; a fit that saw f1 would keep it.
    folds = ["f1", "f2", "f1", "f2", "f2", "f1", None]
    tagger = CodebookTagger(CODEBOOK, threshold=0.95, threshold_shrinkage=0.0, min_positives=2)
    predicted = cross_val_predict(tagger, docs, y, folds)
    assert predicted.shape == (len(docs), len(CODEBOOK.ids))
    assert not predicted[-1].any()
    assert predicted[5, CODEBOOK.ids.index("A")] == 0
    f1 = [0, 2, 5]
    by_hand = clone(tagger).fit([docs[i] for i in (1, 3, 4)], [y[i] for i in (1, 3, 4)])
    assert np.array_equal(predicted[f1], by_hand.predict(docs)[f1])
    assert not hasattr(tagger, "thresholds_")


@pytest.mark.parametrize(
    ("keys", "confident", "k", "expected"),
    [
        # The two passages about concessions vote for each other; the third shares no word.
        (
            [{"concession": 1, "opérateur": 1}, {"concession": 2}, {"musique": 1}],
            [[0, 1], [0, 0], [1, 0]],
            1,
            [[0.0, 0.0], [0.0, 1.0], [0.0, 0.0]],
        ),
        # With two neighbours, the share is weighted by cosine: the closer one counts more.
        (
            [{"guichet": 1, "usager": 1}, {"guichet": 1, "usager": 1}, {"guichet": 1}],
            [[0, 0], [1, 0], [0, 0]],
            2,
            None,
        ),
    ],
)
def test_neighbour_votes(keys, confident, k, expected):
    votes = neighbour_votes(keys, np.array(confident, dtype=bool), k)
    assert votes.shape == (len(keys), 2)
    assert ((votes >= 0) & (votes <= 1)).all()
    if expected is not None:
        assert np.allclose(votes, expected)
    else:
        # passage 0: its twin (cosine 1) is confident, passage 2 (cosine < 1) is not
        assert 0.5 < votes[0, 0] < 1
        assert votes[2, 0] > 0 and votes[1, 0] == 0


def test_corpus_component_lends_labels_of_similar_confident_passages(nlp):
    texts = [
        "Le guichet unique simplifie les démarches des usagers avec une seule porte d'entrée.",
        "Une simplification des démarches : un guichet unique pour les usagers.",
        "Les usagers attendent des démarches rapides et une seule porte d'entrée.",
        "La concession confiée à un opérateur privé, le concessionnaire du réseau.",
    ]
    docs = list(nlp.pipe(texts))
    ids = ["a", "b", "c", "d"]
    on = CodebookTagger(CODEBOOK).tag(docs, ids)
    off = CodebookTagger(CODEBOOK, corpus_weight=0.0).tag(docs, ids)
    assert on[2].explanations["A"]["corpus"] > 0
    assert on[2].scores["A"] > off[2].scores["A"]
    assert on[2].scores["B"] <= off[2].scores["B"]
    assert all(t.explanations.get("A", {}).get("corpus", 0) == 0 for t in off)
    # Alone, a passage has no corpus to lean on; and the result does not depend on the run.
    alone = CodebookTagger(CODEBOOK).tag(docs[2:3], ids[2:3])[0]
    assert alone.scores["A"] == off[2].scores["A"]
    assert CodebookTagger(CODEBOOK).tag(docs, ids) == on


def test_an_acronym_term_matches_a_transcript_written_in_lower_case(nlp):
    matcher = TermMatcher(nlp, {"S": ["RSSI", "clé USB"], "A": ["ADD"]})

    def found(text):
        return sorted(matcher.terms[i].text for i, _, _ in matcher.matches(nlp(text)))

    assert found("il faut un rssi et plus de clé usb") == ["RSSI", "clé USB"]
    # Where capitals are written, a lower-case word is a word (« add » is not the agency).
    assert found("Il faut un rssi, pas une clé usb. L'ADD le dit.") == ["ADD"]


@pytest.mark.parametrize(
    ("text", "analysed", "languages"),
    [
        (
            "We have heard Estonia and Singapore mentioned several times this morning.",
            False,
            ("anglais",),
        ),
        (
            "Thank you very much, we are happy to be here. Le guichet unique simplifie tout.",
            True,
            ("anglais",),
        ),
        ("", False, ()),
        ("Merci Madame la présidente. Vous avez la parole.", True, ()),
    ],
)
def test_the_languages_left_unread_are_named(nlp, tagger, text, analysed, languages):
    """What the reading's unread note counts: the language of a passage, or of sentences,
    left out; nothing for an empty passage or one in French."""
    tagging = tagger.tag([nlp(text)], ["x"])[0]
    assert (tagging.analysed, tagging.languages) == (analysed, languages)


@pytest.mark.parametrize("name", ["tagging-omap", "tagging-omap-fresh"])
def test_the_tagging_gold_files_are_sound(name, sample_event):
    """Each labelled passage once, with a split drawn from its id alone and a talk of the
    programme; the second annotation labels passages of the first, with the codebook's ids."""
    import hashlib

    from omap_synthesis.event import load_event
    from omap_synthesis.tag_eval import read_gold

    event = load_event(sample_event)
    book = load_codebook(sample_event / event.codebook)
    gold = read_gold(ROOT / "data" / "gold" / f"{name}.jsonl", book)
    ids = [g.id for g in gold]
    assert len(ids) == len(set(ids)) >= 300
    for g in gold:
        parity = int(hashlib.sha256(g.id.encode()).hexdigest(), 16) % 2
        assert g.split == ("tuning" if parity == 0 else "heldout"), g.id
        assert event.item(g.talk) is not None and g.text.strip(), g.id
    second = ROOT / "data" / "gold" / f"{name}-second.jsonl"
    rows = [json.loads(line) for line in second.read_text(encoding="utf-8").splitlines()]
    assert {r["id"] for r in rows} <= set(ids)
    assert all(set(r["labels"]) <= set(book.ids) for r in rows)
