"""Recurring themes: content terms, the estimator, labels, quotes, bad input, the two commands."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import clone
from typer.testing import CliRunner

from omap_synthesis.cli import app
from omap_synthesis.ingest import ingest_files
from omap_synthesis.models import Passage, Tagging
from omap_synthesis.nlp import parse_passages
from omap_synthesis.theme_model import ContentTerms, ThemeModel, content_terms, name_words
from omap_synthesis.theme_tables import passage_map, theme_talk_counts, themes_frame, themes_json
from omap_synthesis.themes import _model_notes, find_themes, french_label
from omap_synthesis.themes_eval import join_parts, load_debates, part_of, part_order

DEBATE = Path(__file__).resolve().parent / "fixtures" / "fredsum" / "debat-themes"
runner = CliRunner()

RETRAITES = [
    "La réforme des retraites repousse l'âge légal de départ à soixante-quatre ans.",
    "Les pensions des retraités modestes doivent être revalorisées chaque année.",
    "Les cotisations des salariés financent les pensions du régime général.",
    "Les carrières longues permettent un départ anticipé à la retraite.",
    "Le déficit des caisses de retraite inquiète les partenaires sociaux.",
    "La pénibilité des métiers manuels justifie un départ plus précoce à la retraite.",
]
ECOLE = [
    "Les enseignants demandent des classes moins chargées dans les écoles primaires.",
    "Les élèves en difficulté ont besoin d'un soutien scolaire gratuit.",
    "Le salaire des professeurs débutants reste trop faible pour attirer des candidats.",
    "Les parents d'élèves réclament des cantines scolaires de meilleure qualité.",
    "La formation des enseignants doit intégrer la pédagogie numérique.",
    "Le baccalauréat professionnel prépare les lycéens aux métiers techniques.",
]
ENGLISH = [
    "The pension reform is a question that we should discuss with all the unions.",
    "We have heard that the schools need more teachers and they want better pay.",
    "It is not clear what the government will do with the budget this year.",
]
SPEAKERS = ("Claire Martin", "Paul Durand")


def _turns(bank: list[str], n: int, shift: int = 0) -> list[str]:
    """``n`` turns of two sentences each, taken in turn from ``bank``."""
    return [
        f"{bank[(2 * i + shift) % len(bank)]} {bank[(2 * i + 1 + shift) % len(bank)]}"
        for i in range(n)
    ]


def _write(path: Path, turns: list[str]) -> Path:
    lines = [f"{SPEAKERS[i % 2]} : {text}" for i, text in enumerate(turns)]
    path.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, nlp):
    """One transcript on pensions then schools, a second one back on schools."""
    folder = tmp_path_factory.mktemp("themes")
    first = _write(folder / "debat.txt", _turns(RETRAITES, 8) + _turns(ECOLE, 8))
    second = _write(folder / "suite.txt", _turns(ECOLE, 8, shift=1))
    ingested = ingest_files([first, second])
    return ingested, parse_passages(nlp, ingested.passages)


# A small smoothing window: the test turns are short, the default suits whole talks.
SMALL = {"bandwidth": 40.0}


def _find(corpus, **kwargs):
    ingested, docs = corpus
    model = ThemeModel(**SMALL, n_themes=kwargs.pop("n_themes", None))
    return find_themes(ingested.passages, docs, model=model, **kwargs)


def _bank_of(passage: Passage) -> str:
    return "retraites" if any(s in passage.text for s in RETRAITES) else "école"


def _passages(nlp, texts: list[str], source: str = "notes.txt"):
    """Passages built directly (one per text), with their docs."""
    passages, pos = [], 0
    for i, text in enumerate(texts):
        passages.append(
            Passage(
                f"notes-{i + 1:04d}",
                source,
                None,
                SPEAKERS[i % 2],
                text,
                text,
                pos,
                pos + len(text),
            )
        )
        pos += len(text) + 2
    return passages, parse_passages(nlp, passages)


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        (
            "Le guichet unique simplifie les formalités administratives.",
            {"guichet unique", "formalité", "formalité administratif"},
            {"le", "les"},
        ),
        ("Euh, je pense que, voilà, les enseignants manquent.", {"enseignant"}, {"euh", "penser"}),
        ("Madame Claire Martin parle des retraites.", {"retraite"}, {"claire", "martin"}),
        # A name's word in lower case is the common word.
        ("Une réponse claire sur les retraites.", {"clair", "retraite"}, {"claire"}),
        # … but a word French has only as a name is a name in lower case too.
        ("et valérie pécresse parle des retraites", {"retraite"}, {"valérie", "pécresse"}),
        # The label « Eric Zemmour » names « éric » in the text.
        ("pour éric zemmour, la retraite est secondaire", {"retraite"}, {"éric", "zemmour"}),
        ("En 2022, 40 % des dossiers.", {"dossier"}, {"2022", "40"}),
    ],
)
def test_content_terms(nlp, text, present, absent):
    found = set(
        content_terms(nlp(text), name_words(SPEAKERS + ("Valérie Pécresse", "Eric Zemmour"))).terms
    )
    assert present <= found
    assert not absent & found


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["Leila Bennani"], {"leila", "bennani"}),
        (["Éric Véran"], {"eric", "veran"}),
        (["Représentant de la Direction du budget"], set()),
        (["Ahmed El Amrani", None, ""], {"ahmed", "amrani"}),
        (["SPEAKER_00"], {"speaker_00"}),
    ],
)
def test_name_words(names, expected):
    assert name_words(names) == expected


def test_a_title_said_with_a_name_is_no_word_of_a_label(nlp):
    # « Mme Le Pen » in each turn of one part of a debate: a term, not a name for the theme.
    texts = [f"Mme Martin, {t[0].lower()}{t[1:]}" for t in RETRAITES] * 2 + ECOLE * 2
    passages, docs = _passages(nlp, texts)
    themes = find_themes(passages, docs, model=ThemeModel(**SMALL)).themes
    assert len(themes) == 2
    assert all("mme" not in theme.label.lower() for theme in themes)


def test_the_meeting_is_no_word_of_a_label(nlp):
    """« Infrastructure, serveurs et journée »: the day itself named a theme of the sample
    event."""
    texts = [f"Dans cette journée, {t[0].lower()}{t[1:]}" for t in RETRAITES] * 2
    passages, docs = _passages(nlp, texts + ECOLE * 2)
    themes = find_themes(passages, docs, model=ThemeModel(**SMALL)).themes
    assert len(themes) == 2 and any(theme.terms[0] == "journée" for theme in themes)
    assert all("journée" not in theme.label.lower() for theme in themes)


@pytest.mark.parametrize(
    ("forms", "expected"),
    [
        (["retraite"], "Retraite"),
        (["retraite", "pensions"], "Retraite et pensions"),
        (["ADD", "registres", "identifiant", "usagers"], "ADD, registres et identifiant"),
        (["école", "école", "élèves"], "École et élèves"),
        ([], "Thème sans terme distinctif"),
    ],
)
def test_french_label(forms, expected):
    assert french_label(forms) == expected


def test_model_follows_estimator_conventions():
    docs = [["impôt", "taxe"], ["impôt", "budget"], ["école", "élève"], ["école", "classe"]] * 3
    model = ThemeModel(n_themes=2, random_state=3)
    assert model.get_params()["random_state"] == 3
    assert clone(model).get_params() == model.get_params()
    assert not hasattr(model, "labels_")
    assert model.fit(docs) is model
    assert model.n_themes_ == 2 and len(model.labels_) == len(docs)
    again = clone(model).fit(docs)
    assert again.labels_.tolist() == model.labels_.tolist()
    assert model.labels_[0] == model.labels_[1] != model.labels_[2] == model.labels_[3]


def _three_subjects(shared: int, seed: int) -> list[list[str]]:
    """Ten passages on each of three subjects; the last two share ``shared`` common words."""
    rng = np.random.default_rng(seed)
    common = [f"s{i}" for i in range(8)]
    docs = []
    for subject, extra in (("a", 0), ("b", shared), ("c", shared)):
        for _ in range(10):
            own = rng.choice([f"{subject}{i}" for i in range(8)], 3, replace=False)
            docs.append([*own, *rng.choice(common, extra, replace=False)])
    return docs


def test_near_tie_prefers_themes_without_a_dominant_one():
    # Two subjects close to each other: two themes (one holding two passages in three) separate
    # the passages barely better than three, within the silhouette's standard error.
    docs = _three_subjects(shared=3, seed=4)
    model = ThemeModel(k_range=(2, 4)).fit(docs)
    assert model.n_themes_ == 3
    assert model.set_aside_ == (2, pytest.approx(2 / 3))
    assert model.scores_[2] - model.scores_[3] < model.score_errors_[2]
    assert ThemeModel(k_range=(2, 4), max_share=1.0).fit(docs).n_themes_ == 2


def test_a_clearly_better_dominant_theme_is_kept():
    docs = _three_subjects(shared=5, seed=0)
    model = ThemeModel(k_range=(2, 4)).fit(docs)
    assert model.n_themes_ == 2 and model.set_aside_ is None
    assert model.scores_[2] - max(model.scores_[3], model.scores_[4]) > model.score_errors_[2]


def test_the_near_tie_is_explained_in_the_notes():
    docs = _three_subjects(shared=3, seed=4)
    model = ThemeModel(k_range=(2, 4)).fit(docs)
    terms = [ContentTerms(tuple(d), tuple(d)) for d in docs]
    notes = _model_notes(model, docs, terms)
    assert "Avec 2 thèmes, l'un regroupait 67 % des passages : 3 thèmes retenus" in notes[-1]


def test_themes_are_found_by_content_within_and_across_files(corpus):
    result = _find(corpus)
    ingested, _ = corpus
    by_id = {p.id: p for p in ingested.passages}
    assert result.quality["n_themes"] == 2
    theme_of_bank: dict[str, set] = {}
    for pid, tid in result.assignment.items():
        theme_of_bank.setdefault(_bank_of(by_id[pid]), set()).add(tid)
    assert all(len(ids) == 1 for ids in theme_of_bank.values())
    assert theme_of_bank["retraites"] != theme_of_bank["école"]
    school = next(t for t in result.themes if t.id in theme_of_bank["école"])
    assert school.recurrence.sources == ("debat.txt", "suite.txt")
    assert set(school.recurrence.speakers) == set(SPEAKERS)
    pensions = next(t for t in result.themes if t.id in theme_of_bank["retraites"])
    assert {"retraite", "pensions", "départ"} & {w.lower() for w in pensions.terms}
    assert "claire" not in " ".join(school.terms + pensions.terms).lower()


def test_quotes_are_verbatim_with_provenance(corpus):
    ingested, _ = corpus
    result = _find(corpus)
    passages = {p.id: p for p in ingested.passages}
    for theme in result.themes:
        assert theme.quotes
        for quote in theme.quotes:
            source = ingested.sources[quote.source].text
            assert source[quote.start_char : quote.end_char] == quote.text
            p = passages[quote.passage_id]
            assert p.start_char <= quote.start_char < quote.end_char <= p.end_char
            assert quote.passage_id in theme.passage_ids and quote.speaker == p.speaker


def test_results_are_deterministic(corpus):
    first, second = _find(corpus), _find(corpus)
    assert first.assignment == second.assignment
    assert [t.label for t in first.themes] == [t.label for t in second.themes]
    assert first.quality == second.quality


def test_quality_panel(corpus):
    quality = _find(corpus).quality
    assert -1 <= quality["silhouette"] <= 1 and -1 <= quality["coherence_npmi"] <= 1
    assert 0.8 <= quality["stability_ari"] <= 1
    assert quality["k_choice"] == "silhouette et stabilité" and "2" in quality["k_scores"]
    # The stability of the k chosen is among those measured for the choice.
    assert quality["k_stabilities"][str(quality["n_themes"])] == quality["stability_ari"]


@pytest.mark.parametrize("as_mapping", [True, False])
def test_objective_mix_from_taggings(corpus, as_mapping):
    ingested, _ = corpus
    labels = {
        p.id: ("O1",) if _bank_of(p) == "retraites" else ("O2", "O2.1") for p in ingested.passages
    }
    taggings = labels if as_mapping else [Tagging(pid, lab) for pid, lab in labels.items()]
    result = _find(corpus, taggings=taggings)
    mixes = sorted(t.objectives for t in result.themes)
    assert mixes == [(("O1", 1.0),), (("O2", 1.0), ("O2.1", 1.0))]
    assert all(t.objectives == () for t in _find(corpus).themes)


def test_a_theme_holding_most_passages_is_named(corpus):
    # Two themes asked of a corpus two thirds about schools.
    result = _find(corpus, n_themes=2)
    large = max(result.themes, key=lambda t: len(t.passage_ids))
    assert result.quality["largest_share"] == pytest.approx(2 / 3, abs=0.05)
    named = [n for n in result.notes if " regroupe " in n]
    assert len(named) == 1 and "à lire avec prudence" in named[0]
    assert named[0].startswith(f"Le thème {large.id} (« {large.label} ») regroupe")


def test_fixed_number_of_themes(corpus):
    result = _find(corpus, n_themes=3)
    assert result.quality["n_themes"] == 3 and result.quality["k_choice"] == "fixé"
    assert len(result.assignment) == len(corpus[0].passages)


@pytest.mark.parametrize(
    ("texts", "themes", "note"),
    [
        ([], 0, "Aucun passage"),
        ([RETRAITES[0], ECOLE[0]], 1, "Trop peu de passages"),
        ([RETRAITES[1]] * 8, 1, "même contenu"),
        (["[Applaudissements]", "Euh… hum."], 0, "contenu analysable"),
    ],
)
def test_bad_input_gives_a_defined_result(nlp, texts, themes, note):
    passages, docs = _passages(nlp, texts)
    result = find_themes(passages, docs)
    assert len(result.themes) == themes
    assert any(note in n for n in result.notes), result.notes
    assert set(result.assignment) <= {p.id for p in passages}


def test_talk_without_text_among_others(nlp):
    texts = _turns(RETRAITES, 6) + ["", "[Rires]"] + _turns(ECOLE, 6)
    passages, docs = _passages(nlp, texts)
    result = find_themes(passages, docs, model=ThemeModel(**SMALL))
    assert len(result.themes) == 2
    spoken = {p.id for p in passages if p.text not in ("", "[Rires]")}
    assert spoken <= set(result.assignment)
    themes = {result.assignment[p.id] for p in passages if p.text and p.text in texts[:6]}
    assert len(themes) == 1


def test_two_languages(nlp):
    texts = _turns(RETRAITES, 6) + _turns(ECOLE, 6) + ENGLISH
    passages, docs = _passages(nlp, texts)
    result = find_themes(passages, docs, model=ThemeModel(**SMALL))
    english = {p.id for p in passages if p.text in ENGLISH}
    assert english and not english & set(result.assignment)
    assert len(result.assignment) == len(passages) - len(english)
    assert any("autre langue" in n for n in result.notes)


def test_tables_for_the_notebook(corpus):
    ingested, _ = corpus
    result = _find(corpus)
    frame = themes_frame(result)
    assert list(frame["theme"]) == [t.id for t in result.themes]
    counts = theme_talk_counts(result, ingested.passages)
    assert counts.to_numpy().sum() == len(result.assignment)
    assert list(counts.columns) == ["debat.txt", "suite.txt"]
    points = passage_map(result)
    assert len(points) == len(ingested.passages) and np.isfinite(points[["x", "y"]]).all().all()


def test_json_lists_every_member_passage(corpus):
    ingested, _ = corpus
    data = themes_json(_find(corpus), ingested.passages)
    members = [m["passage_id"] for t in data["themes"] for m in t["passages"]]
    assert sorted(members) == sorted(p.id for p in ingested.passages)


def test_themes_command_json(tmp_path):
    first = _write(tmp_path / "débat.txt", _turns(RETRAITES, 8) + _turns(ECOLE, 8))
    second = _write(tmp_path / "suite.txt", _turns(ECOLE, 8, shift=1))
    result = runner.invoke(app, ["themes", str(first), str(second), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data["quality"]) >= {"silhouette", "stability_ari", "coherence_npmi", "n_themes"}
    texts = {p.name: p.read_text(encoding="utf-8") for p in (first, second)}
    seen = 0
    for theme in data["themes"]:
        assert {"id", "label", "terms", "passages", "quotes"} <= set(theme)
        for member in theme["passages"]:
            span = texts[member["source"]][member["start_char"] : member["end_char"]]
            assert span and span == span.strip()
            seen += 1
        for quote in theme["quotes"]:
            assert texts[quote["source"]][quote["start_char"] : quote["end_char"]] == quote["text"]
    assert seen == len(_turns(RETRAITES, 8) + _turns(ECOLE, 8) + _turns(ECOLE, 8))


def test_themes_command_prints_the_quality_panel(tmp_path):
    path = _write(tmp_path / "débat.txt", _turns(RETRAITES, 8) + _turns(ECOLE, 8))
    result = runner.invoke(app, ["themes", str(path), "--n-themes", "2"])
    assert result.exit_code == 0, result.output
    assert "Qualité : silhouette" in result.stdout and "stabilité" in result.stdout


def test_themes_command_without_usable_file(tmp_path):
    path = tmp_path / "vide.odt"
    path.write_bytes(b"rien")
    result = runner.invoke(app, ["themes", str(path), "--json"])
    assert result.exit_code == 1 and result.stdout == ""


@pytest.mark.parametrize(
    ("name", "order"),
    [
        ("Macron_Lepen_2--Partie_10_Laicite.txt", (10,)),
        ("Macron_Lepen_1--Partie_1_2_35h.txt", (1, 2)),
        ("Debat--Partie_2_1_Baisse_Du_Co2.txt", (2, 1)),
        ("Debat--Partie_3_Retraites.txt", (3,)),
    ],
)
def test_part_order(name, order):
    assert part_order(Path(name)) == order


def test_parts_are_joined_in_order_and_passages_find_their_part():
    (debate,) = load_debates(DEBATE)
    assert [p.stem.split("_", 3)[-1] for p in debate.parts] == ["Media", "Deputes", "Education"]
    text, bounds = join_parts(debate)
    for path, (a, b) in zip(debate.parts, bounds, strict=True):
        assert text[a:b] == path.read_text(encoding="utf-8").strip()
    probe = Passage("x", "d.txt", None, None, "", "", bounds[1][0] + 1, bounds[1][0] + 9)
    assert part_of(probe, bounds) == 1


def test_evaluate_themes_beats_both_baselines():
    result = runner.invoke(app, ["evaluate", "themes", "--fredsum", str(DEBATE), "--json"])
    assert result.exit_code == 0, result.output
    mean = json.loads(result.stdout)["mean"]
    for metric in ("nmi", "ari"):
        model = mean["model_true_k"][metric]
        assert model > mean["baseline_turns"][metric]
        assert model > mean["baseline_turns_smoothed"][metric]


def test_a_debate_with_c1_control_characters_is_evaluated(tmp_path):
    """« qu\x92il » (a cp1252 text once read as latin-1): the joined text is the file's, as the
    reader reads it, so the two agree (they did not while the reader repaired C1 controls)."""
    shutil.copytree(DEBATE, tmp_path / "debat")
    part = tmp_path / "debat" / "transcript" / "Royale_Bayroux--Partie_3_Deputes.txt"
    text = part.read_text(encoding="utf-8")
    part.write_text(text.replace("'", "\x92", 3), encoding="utf-8")
    (debate,) = load_debates(tmp_path / "debat")
    joined, bounds = join_parts(debate)
    said = joined[bounds[1][0] : bounds[1][1]]
    assert said == text.replace("'", "\x92", 3).strip()
    result = runner.invoke(app, ["evaluate", "themes", "--fredsum", str(tmp_path / "debat")])
    assert result.exit_code == 0, result.output


def test_evaluate_themes_needs_a_fredsum_layout(tmp_path):
    result = runner.invoke(app, ["evaluate", "themes", "--fredsum", str(tmp_path)])
    assert result.exit_code == 2 and "transcript" in result.stderr


def test_sample_event_themes(sample_ingested, nlp):
    docs = parse_passages(nlp, sample_ingested.passages)
    result = find_themes(sample_ingested.passages, docs, event=sample_ingested.event)
    assert 2 <= len(result.themes) <= 12
    assert max(len(t.recurrence.talks) for t in result.themes) >= 2
    for theme in result.themes:
        for quote in theme.quotes:
            source = sample_ingested.sources[quote.source].text
            assert source[quote.start_char : quote.end_char] == quote.text
    named = {w for p in sample_ingested.event.programme_people for w in p.lower().split()}
    assert not named & {w.lower() for t in result.themes for w in t.label.split()}
