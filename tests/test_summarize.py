"""Extractive summaries: budget rule, verbatim spans, bad input, ROUGE, the two commands."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from omap_synthesis import fredsum
from omap_synthesis.cli import app
from omap_synthesis.ingest import ingest_file
from omap_synthesis.nlp import parse_passages
from omap_synthesis.rouge import lcs_length, rouge, strip_speaker_tags, tokenize
from omap_synthesis.segment import count_words
from omap_synthesis.summarize import (
    SentenceScorer,
    default_budget,
    lead,
    load_model,
    select,
    summarize,
    textrank,
)

FREDSUM = Path(__file__).resolve().parent / "fixtures" / "fredsum"
runner = CliRunner()

TRANSCRIPT = """\
Animatrice : Bonjour à toutes et à tous. Merci d'être là. Madame Benali, vous avez la parole.

Leïla Benali : Merci. Euh, notre ministère a ouvert un guichet unique numérique en 2021. \
Les usagers déposent désormais leurs demandes de permis en ligne, sans se déplacer. \
Le délai moyen de traitement est passé de quarante jours à douze jours. \
Ce résultat tient à l'interopérabilité des registres entre les ministères.

Animatrice : Merci. Une question rapide : combien de temps a pris le projet ?

Leïla Benali : Le projet a pris trois ans, euh, parce qu'il a fallu harmoniser les données. \
Il faut, je crois, un référentiel commun des données pour toute l'administration. \
Nous proposons aussi de former les agents aux outils collaboratifs. \
Sans formation, les meilleurs outils restent inutilisés dans les services.

Animatrice : Très bien. On passe à la question suivante.

Karim Alaoui : Je voudrais ajouter que le partenariat avec les universités a beaucoup aidé. \
Les étudiants ont développé des prototypes de services en ligne avec les agents. \
Ce partenariat public-université devrait devenir la règle pour les projets numériques.
"""


@pytest.fixture(scope="module")
def transcript(tmp_path_factory, nlp):
    path = tmp_path_factory.mktemp("resume") / "table-ronde.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    ingested = ingest_file(path)
    source = ingested.sources[path.name]
    return path, ingested.passages, parse_passages(nlp, ingested.passages), source.text


def _words(sentences) -> int:
    return sum(count_words(s.text) for s in sentences)


# --- ROUGE ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("candidate", "reference", "expected"),
    [
        # R1: 3 of 3 candidate words, 3 of 4 reference words; R2: 2 of 2, 2 of 3; LCS 3.
        ("le chat dort", "le chat dort bien", (6 / 7, 4 / 5, 6 / 7)),
        # Accents kept: « état » and « décide » match; R2 1 of 2 and 1 of 4; LCS 3 of 3 and 5.
        ("L'État décide", "l'état ne décide pas", (3 / 4, 1 / 3, 3 / 4)),
        # Counts are clipped: « le » matches once; LCS 1 of 3 and of 2.
        ("le le le", "le chat", (0.4, 0.0, 0.4)),
        # Order matters only to ROUGE-2 and ROUGE-L.
        ("dort chat le", "le chat dort", (1.0, 0.0, 1 / 3)),
        ("", "le chat", (0.0, 0.0, 0.0)),
        ("Élevé, ÉLEVÉ", "élevé élevé", (1.0, 1.0, 1.0)),
    ],
)
def test_rouge_against_hand_computed_values(candidate, reference, expected):
    scores = rouge(candidate, reference)
    assert (scores.rouge1, scores.rouge2, scores.rougeL) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("a b c d", "a c d", 3),
        ("a b c b d a b", "b d c a b a", 4),
        ("x y", "a b", 0),
        ("", "a b", 0),
    ],
)
def test_lcs_length(a, b, expected):
    assert lcs_length(a.split(), b.split()) == expected == lcs_length(b.split(), a.split())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("P1 : Bonsoir.", "Bonsoir."),
        ("Jordan Bardella :oui, bien sûr.", "oui, bien sûr."),
        ("P2: Et l'Europe ?", "Et l'Europe ?"),
        ("Il a dit : non.", "Il a dit : non."),
    ],
)
def test_strip_speaker_tags(text, expected):
    assert strip_speaker_tags(text) == expected


def test_tokens_keep_accents():
    assert tokenize("Déjà l'été, ÇA !") == ["déjà", "l", "été", "ça"]


# --- budget and provenance --------------------------------------------------------------------


@pytest.mark.parametrize("words", [1, 10, 25, 40, 60, 90])
def test_budget_is_reached_and_crossed_by_the_last_sentence_only(transcript, words):
    _, passages, docs, _ = transcript
    sentences = summarize(passages, docs, words)
    total = _words(sentences)
    assert total >= words
    # Before the last sentence was added, the total was still below the budget.
    assert total - max(count_words(s.text) for s in sentences) < words


@pytest.mark.parametrize("words", [10, 40, 90])
def test_a_transcript_too_long_to_score_whole_is_scored_by_windows(transcript, words, monkeypatch):
    # Three sentences a window: the summary keeps the budget's rule and the source order, and
    # draws on the whole transcript.
    import omap_synthesis.summarize as module

    _, passages, docs, source_text = transcript
    monkeypatch.setattr(module, "WINDOW_SENTENCES", 3)
    sentences = summarize(passages, docs, words)
    total = _words(sentences)
    assert total >= words
    assert total - max(count_words(s.text) for s in sentences) < words
    starts = [s.start_char for s in sentences]
    assert starts == sorted(starts)
    assert all(source_text[s.start_char : s.end_char] == s.text for s in sentences)
    if words == 90:
        assert sentences[-1].start_char > len(source_text) // 2


@pytest.mark.parametrize("system", [summarize, lead, textrank])
def test_sentences_are_verbatim_and_in_source_order(transcript, system):
    _, passages, docs, source_text = transcript
    sentences = system(passages, docs, 50)
    assert sentences
    by_id = {p.id: p for p in passages}
    for s in sentences:
        assert source_text[s.start_char : s.end_char] == s.text
        passage = by_id[s.passage_id]
        assert passage.start_char <= s.start_char < s.end_char <= passage.end_char
        assert s.speaker == passage.speaker
        assert 0.0 <= s.score <= 1.0
    starts = [s.start_char for s in sentences]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)


def test_leading_filler_is_left_out_of_a_sentence(transcript):
    _, passages, docs, _ = transcript
    texts = [s.text for s in summarize(passages, docs, 10_000)]
    assert "notre ministère a ouvert un guichet unique numérique en 2021." in texts
    assert any("trois ans, euh, parce" in t for t in texts)  # verbatim inside


def test_transcript_shorter_than_budget_is_returned_whole(transcript):
    _, passages, docs, _ = transcript
    sentences = summarize(passages, docs, 10_000)
    tags = sum(count_words(turn.split(" : ", 1)[0]) for turn in TRANSCRIPT.split("\n\n"))
    # Every word but the speaker tags and the « Euh » that opens a sentence (cleaning drops it;
    # the « euh » inside a sentence stays in its verbatim text).
    assert _words(sentences) == count_words(TRANSCRIPT) - tags - 1
    assert len(sentences) == 19


def test_empty_transcript_gives_no_sentence():
    assert summarize([], {}) == []
    assert summarize([], {}, 20) == []


@pytest.mark.parametrize("words", [0, -5])
def test_budget_must_be_positive(transcript, words):
    _, passages, docs, _ = transcript
    with pytest.raises(ValueError, match="budget de mots"):
        summarize(passages, docs, words)


@pytest.mark.parametrize(
    ("total", "expected"), [(0, 40), (100, 40), (1000, 150), (2500, 375), (10_000, 600)]
)
def test_default_budget(total, expected):
    assert default_budget(total) == expected


def test_default_budget_applies_without_words(transcript):
    _, passages, docs, _ = transcript
    total = sum(count_words(p.text) for p in passages)
    sentences = summarize(passages, docs)
    assert _words(sentences) >= default_budget(total)


# --- speaker- and redundancy-aware ------------------------------------------------------------


def test_moderation_passages_score_lower(transcript):
    _, passages, docs, _ = transcript
    chaired = [replace(p, kind="moderation") if p.speaker == "Animatrice" else p for p in passages]
    plain = {s.start_char: s.score for s in summarize(passages, docs, 10_000) if s.speaker}
    marked = {s.start_char: s for s in summarize(chaired, docs, 10_000)}
    moderator = [s for s in marked.values() if s.speaker == "Animatrice"]
    assert moderator
    assert all(s.score < plain[s.start_char] for s in moderator)


def test_selection_skips_a_sentence_similar_to_one_chosen():
    scores = np.array([0.9, 0.85, 0.7])
    words = np.array([10.0, 10.0, 10.0])
    sim = np.array([[0, 0.95, 0], [0.95, 0, 0], [0, 0, 0]])
    assert select(scores, words, 20) == [0, 1]
    assert select(scores, words, 20, sim, redundancy=0.2) == [0, 2]


def test_selection_stops_once_the_budget_is_reached():
    words = np.array([5.0, 30.0, 5.0])
    assert select(np.array([0.9, 0.8, 0.7]), words, 6) == [0, 1]
    assert select(np.array([0.9, 0.8, 0.7]), words, 5) == [0]


# --- the trained scorer -----------------------------------------------------------------------


def test_shipped_model_round_trips_and_keeps_the_heldout_list():
    scorer, model = load_model()
    again = SentenceScorer.from_dict(scorer.to_dict())
    x = np.random.default_rng(0).normal(size=(4, len(model["features"])))
    assert np.allclose(again.decision_function(x), scorer.decision_function(x))
    heldout = set(model["training"]["heldout_debates"])
    assert heldout and not heldout & set(model["training"]["train_debates"])


def test_scorer_follows_estimator_conventions():
    from sklearn.base import clone

    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 3))
    y = (x[:, 0] + 0.1 * rng.normal(size=200) > 0).astype(float)
    scorer = SentenceScorer(C=0.5)
    assert scorer.get_params() == {"C": 0.5, "threshold": 0.5, "random_state": 0}
    assert scorer.fit(x, y) is scorer and scorer.coef_[0] > 0
    assert not hasattr(clone(scorer), "coef_")


@pytest.mark.parametrize(
    ("sentences", "reference", "expected"),
    [
        (["Il faut agir vite.", "Bonsoir."], "il faut agir vite", [1.0, 0.0]),
        (["Il faut agir vite et bien."], "il faut agir", [1 / 4]),
        (["oui"], "oui, bien sûr", [1.0]),
    ],
)
def test_sentence_labels(sentences, reference, expected):
    assert fredsum.sentence_labels(sentences, (reference,)).tolist() == pytest.approx(expected)


@pytest.mark.parametrize(
    ("name", "debate"),
    [("A_B--Partie_1_X.txt", "A_B"), ("Primaire_LR_2--Partie_7", "Primaire_LR_2")],
)
def test_debate_of(name, debate):
    assert fredsum.debate_of(name) == debate


def test_split_is_by_debate_and_seeded():
    debates = [d for d in "ABCDEFGH" for _ in range(3)]
    held = fredsum.split_debates(debates, 0.25, seed=0)
    assert held == fredsum.split_debates(debates, 0.25, seed=0)
    assert len(held) == 2


# --- command line -----------------------------------------------------------------------------


def test_summarize_json_is_pure_json_with_verbatim_spans():
    path = FREDSUM / "transcript" / "Royale_Bayroux--Partie_2_Media.txt"
    result = runner.invoke(app, ["summarize", str(path), "--words", "80", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    text = ingest_file(path).sources[path.name].text
    rows = data["sentences"]
    assert rows and list(rows[0]) == [
        "text",
        "passage_id",
        "speaker",
        "start_char",
        "end_char",
        "score",
    ]
    for row in rows:
        assert text[row["start_char"] : row["end_char"]] == row["text"]
    total = sum(count_words(r["text"]) for r in rows)
    assert total >= 80 and total - max(count_words(r["text"]) for r in rows) < 80


def test_summarize_prints_a_readable_french_summary(transcript):
    path = transcript[0]
    result = runner.invoke(app, ["summarize", str(path), "--words", "30"])
    assert result.exit_code == 0, result.output
    assert "Résumé de table-ronde.txt" in result.stdout and "Leïla Benali :" in result.stdout


@pytest.mark.parametrize("words", ["0", "-3"])
def test_summarize_rejects_a_non_positive_budget(transcript, words):
    result = runner.invoke(app, ["summarize", str(transcript[0]), "--words", words])
    assert result.exit_code == 2
    assert "budget --words doit être un entier positif" in result.stderr


@pytest.mark.parametrize("command", ["run", "draft", "watch"])
def test_every_command_refuses_a_non_positive_budget_alike(tmp_path, command):
    (tmp_path / "sources").mkdir()
    result = runner.invoke(app, [command, str(tmp_path), "--words", "0"])
    assert result.exit_code == 2
    assert "le budget --words doit être un entier positif (reçu : 0)" in result.stderr


def test_summarize_unsupported_format_names_the_file(tmp_path):
    path = tmp_path / "notes.odt"
    path.write_bytes(b"PK\x03\x04 pas un texte")
    result = runner.invoke(app, ["summarize", str(path), "--json"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "notes.odt" in result.stderr and "aucun fichier utilisable" in result.stderr


def test_evaluate_summaries_on_fixture_segments():
    result = runner.invoke(app, ["evaluate", "summaries", "--fredsum", str(FREDSUM), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["segments"]) == 3
    assert list(data["scores"]) == ["lead", "textrank", "omap-synthesis", "humain"]
    for scores in data["scores"].values():
        assert set(scores) == {"rouge1", "rouge2", "rougeL"}
        assert all(0.0 < v < 1.0 for v in scores.values())
    assert data["scores"]["humain"]["rouge1"] == pytest.approx(_human_rouge1())


def _human_rouge1() -> float:
    values = []
    for path in sorted((FREDSUM / "transcript").glob("*.txt")):
        refs = [
            strip_speaker_tags(
                (FREDSUM / "summary_extractive" / k / path.name).read_text(encoding="utf-8")
            )
            for k in "12"
        ]
        values.append(rouge(*refs).rouge1)
    return sum(values) / len(values)


def test_evaluate_summaries_prints_the_three_systems():
    result = runner.invoke(
        app, ["evaluate", "summaries", "--fredsum", str(FREDSUM), "--split", "validation"]
    )
    assert result.exit_code == 0, result.output
    for name in ("début (lead)", "TextRank", "omap-synthesis", "1 segment(s)"):
        assert name in result.stdout


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--segments", "Royale_Bayroux--Partie_2_Media.txt", "--limit", "1"], 1),
        (["--segments", "Royale_Bayroux--Partie_2_Media,Zemmour_Pecresse--Partie_4_OTAN"], 2),
        (["--split", "apprentissage"], 2),
        (["--limit", "1"], 1),
    ],
)
def test_evaluate_summaries_selection(args, expected):
    cmd = ["evaluate", "summaries", "--fredsum", str(FREDSUM), "--json", *args]
    result = runner.invoke(app, cmd)
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)["segments"]) == expected


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--segments", "Inconnu--Partie_1"], "introuvable"),
        (["--split", "tout-sauf"], "partie inconnue"),
    ],
)
def test_evaluate_summaries_bad_arguments(args, message):
    cmd = ["evaluate", "summaries", "--fredsum", str(FREDSUM), *args]
    result = runner.invoke(app, cmd)
    assert result.exit_code == 2 and message in result.stderr


def test_evaluate_summaries_needs_a_fredsum_layout(tmp_path):
    shutil.copytree(FREDSUM / "summary_extractive", tmp_path / "summary_extractive")
    result = runner.invoke(app, ["evaluate", "summaries", "--fredsum", str(tmp_path)])
    assert result.exit_code == 2 and "transcript" in result.stderr


def test_summarize_by_talk_gives_one_summary_per_source(transcript, tmp_path, nlp):
    from omap_synthesis.ingest import ingest_files
    from omap_synthesis.summarize import summarize_by_talk

    other = tmp_path / "autre.txt"
    other.write_text("Sara Bennis : Le registre national est ouvert. Il sert à tous.\n", "utf-8")
    ingested = ingest_files([transcript[0], other])
    docs = parse_passages(nlp, ingested.passages)
    summaries = summarize_by_talk(ingested.passages, docs, 20)
    assert list(summaries) == ["table-ronde.txt", "autre.txt"]
    assert [s.text for s in summaries["autre.txt"]] == [
        "Le registre national est ouvert.",
        "Il sert à tous.",
    ]


def test_segments_without_a_usable_summary_are_named_not_scored(tmp_path):
    for folder in ("transcript", "summary_extractive/1", "summary_extractive/2"):
        (tmp_path / folder).mkdir(parents=True)
    for stem in ("bon", "vide", "seul"):
        (tmp_path / "transcript" / f"{stem}.txt").write_text("A : Il faut agir.", encoding="utf-8")
        (tmp_path / "summary_extractive/1" / f"{stem}.txt").write_text("Il faut agir.")
    (tmp_path / "summary_extractive/2/bon.txt").write_text("Il faut agir.", encoding="utf-8")
    (tmp_path / "summary_extractive/2/vide.txt").write_text("\n", encoding="utf-8")
    skipped = {}
    assert [s.name for s in fredsum.load_segments(tmp_path, skipped=skipped)] == ["bon"]
    assert skipped == {
        "seul": "pas de résumé extractif 2",
        "vide": "le résumé extractif 2 est vide",
    }


def test_a_french_summary_quotes_no_sentence_in_another_language(nlp, tmp_path):
    from omap_synthesis.summary_features import candidates

    path = tmp_path / "qr.txt"
    path.write_text(
        "Amina Idrissi : Il faut partager les registres de données entre ministères.\n\n"
        "Sara Benali : In several countries where we work, digital training is mandatory for "
        "every civil servant, and it is funded by a central budget.\n\n"
        "Amina Idrissi : Le financement reste la question centrale pour les administrations.\n",
        encoding="utf-8",
    )
    passages = ingest_file(path).passages
    found = candidates(passages, parse_passages(nlp, passages))
    assert [s.text[:12] for s in found.sents] == ["Il faut part", "Le financeme"]
