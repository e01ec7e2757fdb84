"""The post-event report: what it says of the recommendations."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from tests.test_draft import AMINA, KARIM, _inputs, _recommendation


def test_an_opposed_recommendation_is_named_so_that_a_reader_finds_it():
    from omap_synthesis.draft import References
    from omap_synthesis.report import build_view, render_html
    from tests.grammar import grammar_errors

    inputs = _inputs(
        [
            ("conf-1", AMINA, "Il faut augmenter les salaires des agents publics.", 0.9),
            ("conf-6", KARIM, "Il ne faut surtout pas faire ça maintenant.", 0.5),
        ]
    )
    said, against = _recommendation(inputs, "R-1", ["p0"]), _recommendation(inputs, "R-2", ["p1"])
    said = replace(said, action="Augmenter les salaires des agents publics", contradicts=("R-2",))
    # A line that says no action: its title is « Action à préciser », which names nothing.
    against = replace(against, action="Faire", contradicts=("R-1",))
    view = build_view(replace(inputs, recommendations=[said, against]), [], {}, [], {})
    ref = References(inputs.event, inputs.passages, inputs.pseudonymiser).ref("p1")
    assert [r["contradicts"] for r in view.recommendations] == [
        f"recommandation 2, formulée par {KARIM} ({ref})",
        "recommandation 1 (Augmenter les salaires des agents publics)",
    ]
    opposed = re.findall(r"Position contraire&nbsp;: (.*?)</p>", render_html(view))
    assert len(opposed) == 2 and not any("Action à préciser" in o for o in opposed)
    for rec in view.recommendations:
        assert grammar_errors(f"Position contraire\u00a0: {rec['contradicts']}.") == []


def test_a_quotation_of_an_unnamed_speaker_says_so():
    """A quotation of « P1 » (no one of the programme) says who spoke in its reference, in the
    same order as a named speaker's, instead of going unattributed."""
    from omap_synthesis.report import build_view

    inputs = _inputs(
        [
            ("conf-1", AMINA, "Il faut augmenter les salaires des agents publics.", 0.9),
            ("conf-6", "P1", "Il faut baisser le prix des carburants pour les ménages.", 0.5),
        ]
    )
    recs = [_recommendation(inputs, "R-1", ["p0"]), _recommendation(inputs, "R-2", ["p1"])]
    view = build_view(replace(inputs, recommendations=recs), [], {}, [], {})
    refs = [e["ref"] for r in view.recommendations for e in r["evidence"]]
    assert refs[0].startswith("Conf 1, ") and AMINA in refs[0]
    assert refs[1].startswith("Conf 6, une personne non nommée, ")


def test_a_quotation_cut_out_of_a_longer_sentence_says_so():
    """The parser cut the sentence after « Ce que nous proposerons, »: the report marks the
    cut with « […] », as the rapporteur's text does, instead of opening on « et je … »."""
    from omap_synthesis.models import Evidence
    from omap_synthesis.report import build_view

    said = "Ce que nous proposerons, et je pense que nous supprimerons la taxe sur les carburants."
    inputs = _inputs([("conf-1", AMINA, said, 0.9)])
    rec = _recommendation(inputs, "R-1", ["p0"])
    start = said.index("et je")
    cut = Evidence(said[start:], "p0", AMINA, "conf-1.txt", "conf-1", start, len(said))
    view = build_view(
        replace(inputs, recommendations=[replace(rec, evidence=(cut,))]), [], {}, [], {}
    )
    (quote,) = view.recommendations[0]["evidence"]
    assert quote["text"] == f"[…] {said[start:]}"
    assert [s["text"] for t in view.summaries for s in t["sentences"]] == [said]


def test_a_backed_recommendation_shows_who_backed_it(tmp_path):
    from omap_synthesis.models import Evidence
    from omap_synthesis.report import build_view, render_docx, render_html

    inputs = _inputs(
        [
            ("qr-2", AMINA, "Il faut partager les registres de base entre tous.", 0.9),
            ("qr-2", KARIM, "Je soutiens totalement cette proposition.", 0.5),
        ]
    )
    p = inputs.passages[1]
    backed = (Evidence(p.text, p.id, p.speaker, p.source, p.talk, 0, len(p.text)),)
    rec = replace(_recommendation(inputs, "R-1", ["p0"]), endorsements=backed, support=2)
    view = build_view(replace(inputs, recommendations=[rec]), [], {}, [], {})
    (shown,) = view.recommendations[0]["endorsements"]
    assert shown["text"] == p.text and KARIM in shown["ref"]
    assert f"Appuyée&nbsp;: «&nbsp;{p.text}&nbsp;»" in render_html(view)
    render_docx(view, tmp_path / "rapport.docx")


def test_the_recommendations_read_at_the_closing_come_apart_from_the_others(tmp_path):
    import docx

    from omap_synthesis.report import READ_HEADINGS, build_view, render_docx, render_html

    inputs = _inputs(
        [
            ("conf-1", AMINA, "Il faut partager les registres de base entre tous.", 0.9),
            ("conf-6", KARIM, "Il faut former les agents au numérique.", 0.5),
            ("conf-7", KARIM, "Il faut publier les délais réels.", 0.5),
        ]
    )
    recs = [_recommendation(inputs, f"R-{k}", [f"p{k}"]) for k in range(3)]
    inputs = replace(inputs, recommendations=recs)
    view = build_view(inputs, [], {}, [], {}, read_aloud={"R-0", "R-1"})
    assert view.read_count == 2
    html = render_html(view)
    assert html.index(READ_HEADINGS[0]) < html.index('id="R-1"') < html.index(READ_HEADINGS[1])
    assert html.index(READ_HEADINGS[1]) < html.index('id="R-2"')
    assert '<ol class="recs" start="3">' in html
    render_docx(view, tmp_path / "rapport.docx")
    headings = [p.text for p in docx.Document(tmp_path / "rapport.docx").paragraphs]
    assert headings.index(READ_HEADINGS[0]) < headings.index(READ_HEADINGS[1])
    # Those read are not the head of the list (the rapporteur's order): one list, as before.
    assert build_view(inputs, [], {}, [], {}, read_aloud={"R-1"}).read_count == 0


def test_the_actor_a_line_names_goes_apart_from_its_title():
    from omap_synthesis.report import build_view, render_html

    inputs = _inputs([("conf-6", KARIM, "L'administration doit fixer les redevances.", 0.9)])
    rec = replace(
        _recommendation(inputs, "R-1", ["p0"]),
        action="Fixer le niveau des redevances (l'administration)",
    )
    view = build_view(replace(inputs, recommendations=[rec]), [], {}, [], {})
    (shown,) = view.recommendations
    assert shown["action"] == "Fixer le niveau des redevances"
    assert shown["actor"] == "l’administration"
    assert "Acteur désigné&nbsp;: l’administration.</p>" in render_html(view)


@pytest.mark.parametrize(
    ("title", "heading"),
    [
        (
            "L'interministérialité digitale",
            "L’interministérialité digitale — rapport de la journée",
        ),
        # A title that names the event is not followed by « de la journée d'études ».
        (
            "Séminaire de recherche « Retraites »",
            "Séminaire de recherche « Retraites » — rapport",
        ),
        # A heading opens on a capital.
        ("séminaire de recherche sur les retraites", "Séminaire de recherche sur les retraites"),
    ],
)
def test_the_report_is_titled_after_the_event(title, heading):
    from omap_synthesis.report import build_view

    inputs = _inputs([("conf-1", AMINA, "Il faut partager les registres.", 0.9)])
    view = build_view(replace(inputs, event=replace(inputs.event, title=title)), [], {}, [], {})
    assert view.title.startswith(heading)
    assert view.title.endswith("rapport") == title.lower().startswith("séminaire")


def test_an_unnamed_voice_is_one_person_of_its_sequence_in_the_words_chart():
    """« P1 » of two sequences are two voices, not one person who spoke all day; so is a
    diarisation tool's « Locuteur 2 »."""
    from omap_synthesis.report import words_frame

    inputs = _inputs(
        [
            ("conf-1", "P1", "Bonsoir, nous parlons ce soir des retraites.", 0.5),
            ("qr-1", "Locuteur 2", "Vous avez une minute pour conclure.", 0.5),
            ("conf-6", AMINA, "Il faut partager les registres.", 0.9),
            ("conf-6", "", "Applaudissements nourris dans la salle.", 0.1),
        ]
    )
    frame = words_frame(inputs.passages, inputs.pseudonymiser, inputs.event)
    assert list(frame["speaker"]) == [
        "P1 — Conf 1",
        "Locuteur 2 — Questions/Réponses (session 1)",
        AMINA,
        "personne non nommée — Conf 6",
    ]


def test_the_table_of_sources_names_each_sequence_as_the_report_does():
    from omap_synthesis.models import SourceReport
    from omap_synthesis.report import build_view

    inputs = _inputs([("conf-3", AMINA, "Il faut partager les registres.", 0.9)])
    accounting = [
        SourceReport("conf-3.vtt", "webvtt", "conf-3", 1, 5),
        SourceReport("notes.txt", "texte", None, status="ignoré", reason="séquence inconnue"),
    ]
    view = build_view(inputs, accounting, {}, [], {})
    assert [s["talk"] for s in view.sources] == ["Conf 3", ""]


def test_the_reports_own_prose_follows_french_typography(tmp_path):
    """The notice, the method, the table of sources, a theme's recurrence and the captions are
    the tool's prose: a non-breaking space before « : », typographic apostrophes and grouped
    digits, in HTML and in Word; every table has a caption, and Word repeats its header row."""
    import docx

    from omap_synthesis.models import SourceReport
    from omap_synthesis.report import build_view, render_docx, render_html

    inputs = _inputs([("conf-3", AMINA, "Il faut partager les registres.", 0.9)])
    inputs = replace(
        inputs,
        event=replace(
            inputs.event, fictional=True, notice="Données fictives : tout est inventé, d'abord."
        ),
    )
    accounting = [SourceReport("conf-3.vtt", "webvtt", "conf-3", 12, 1305)]
    view = build_view(inputs, accounting, {"mesure : silhouette": 0.1}, ["Lu : tout."], {})
    assert view.notice == "Données fictives\u00a0: tout est inventé, d’abord."
    assert "'" not in view.subtitle + view.organiser + view.venue
    assert view.method == ["Lu\u00a0: tout."]
    assert view.quality[0][0] == "mesure\u00a0: silhouette"
    assert view.sources[0]["words"] == "1\u00a0305"
    html = render_html(view)
    assert html.count("<table>") == html.count("<caption>") == 4
    render_docx(view, tmp_path / "rapport.docx")
    document = docx.Document(tmp_path / "rapport.docx")
    texts = [p.text for p in document.paragraphs]
    assert not [t for t in texts if re.search(r"\w : ", t)]
    for table in document.tables:
        assert table.rows[0]._tr.trPr.xpath("./w:tblHeader")


def test_the_objectives_heatmap_has_the_sequences_in_rows_and_names_the_objectives():
    """Twelve sequences side by side and three objectives made a strip that the page shrank
    to unreadable labels, and the codes O1–O3 were named nowhere near it."""
    from omap_synthesis.report import analysis_figure_jobs

    inputs = _inputs([("conf-3", AMINA, "Il faut partager les registres.", 0.9)])
    job = next(j for j in analysis_figure_jobs(inputs) if j.name == "objectives")
    matrix = job.args[0]
    assert list(matrix.columns) == ["O1", "O2", "O3"] and "Conf 3" in matrix.index
    assert matrix.loc["Conf 3", "O1"] == 1.0
    assert "O2\u00a0: Acteurs de l’interministérialité digitale\u00a0; O3" in job.caption


def test_the_word_report_opens_on_a_table_of_contents(tmp_path):
    """A report of some thirty pages had no table of contents: Word's TOC field, after the
    notice, shows the chapters and is filled in, page numbers included, when Word opens it."""
    import docx
    from docx.oxml.ns import qn

    from omap_synthesis.report import build_view, render_docx

    inputs = _inputs([("conf-3", AMINA, "Il faut partager les registres.", 0.9)])
    render_docx(build_view(inputs, [], {}, [], {}), tmp_path / "rapport.docx")
    document = docx.Document(tmp_path / "rapport.docx")
    paragraphs = document.paragraphs
    chapters = [p.text for p in paragraphs if p.style.name == "Heading 1"]
    at = next(k for k, p in enumerate(paragraphs) if p.style.name == "TOC Heading")
    assert paragraphs[at - 1].style.name in {"Subtitle", "Intense Quote"}  # after the notice
    assert paragraphs[at].text == "Sommaire"
    assert [p.text for p in paragraphs[at + 1 : at + 1 + len(chapters)]] == chapters
    assert chapters[0] == "Programme" and chapters[-1] == "Sources"
    body = document.element.body
    kinds = [f.get(qn("w:fldCharType")) for f in body.iter(qn("w:fldChar"))]
    assert kinds == ["begin", "separate", "end"]
    assert [t.text.split()[0] for t in body.iter(qn("w:instrText"))] == ["TOC"]
    assert document.settings.element.find(qn("w:updateFields")).get(qn("w:val")) == "true"


def test_the_programme_table_opens_each_session_with_its_title_and_moderator(tmp_path):
    """The moderators speak in the questions and the words chart: the programme introduces
    them, on a row that spans the table at the head of their session, in HTML and in Word."""
    import docx

    from omap_synthesis.report import build_view, render_docx, render_html

    inputs = _inputs([("conf-1", AMINA, "Il faut partager les registres.", 0.9)])
    view = build_view(inputs, [], {}, [], {})
    heads = [row["session"] for row in view.programme if "session" in row]
    chairs = [s.moderator.name for s in inputs.event.sessions if s.moderator]
    assert chairs and len(heads) == len(inputs.event.sessions)
    assert all(any(name in head for head in heads) for name in chairs)
    assert render_html(view).count('<th scope="colgroup" colspan="3">') == len(heads)
    render_docx(view, tmp_path / "rapport.docx")
    programme = docx.Document(tmp_path / "rapport.docx").tables[0]
    assert [row.cells[0].text for row in programme.rows if row.cells[0].text in heads] == heads


def test_the_points_left_open_are_in_the_report_too(tmp_path):
    """Two positions that go the opposite way and a sequence without a transcript were said in
    the text of 15:05 only: the report had them, if at all, in the line of each
    recommendation."""
    import docx

    from omap_synthesis.report import build_view, render_docx, render_html
    from tests.grammar import grammar_errors

    inputs = _inputs(
        [
            ("conf-1", AMINA, "Il faut augmenter les salaires des agents publics.", 0.9),
            ("conf-6", KARIM, "Il ne faut pas augmenter les salaires des agents.", 0.5),
        ]
    )
    said, against = _recommendation(inputs, "R-1", ["p0"]), _recommendation(inputs, "R-2", ["p1"])
    recs = [replace(said, contradicts=("R-2",)), replace(against, contradicts=("R-1",))]
    inputs = replace(inputs, recommendations=recs, missing_items=["conf-7", "conf-8"])
    view = build_view(inputs, [], {}, [], {})
    assert view.open_points == [
        "Les recommandations 1 et 2 vont en sens contraire\u00a0; les deux positions sont "
        "conservées.",
        "Aucune transcription n’a été fournie pour Conf 7 et Conf 8.",
    ]
    assert all(grammar_errors(point) == [] for point in view.open_points)
    assert "<h3>Points restés ouverts</h3>" in render_html(view)
    render_docx(view, tmp_path / "rapport.docx")
    texts = [p.text for p in docx.Document(tmp_path / "rapport.docx").paragraphs]
    assert "Points restés ouverts" in texts and view.open_points[1] in texts


def test_an_objective_code_is_spelt_out_and_the_organiser_signs_the_word_report(tmp_path):
    """« (O1, O2.2) » after a recommendation said nothing to a reader without the codebook;
    the Word report was by « omap-synthesis »."""
    import docx

    from omap_synthesis.report import build_view, render_docx, render_html

    inputs = _inputs([("conf-1", AMINA, "Il faut partager les registres de base.", 0.9)])
    label = inputs.codebook.labels[0]
    rec = replace(_recommendation(inputs, "R-1", ["p0"]), objectives=(label.id,))
    view = build_view(replace(inputs, recommendations=[rec]), [], {}, [], {})
    html = render_html(view)
    assert f'<abbr title="{label.name}">{label.id}</abbr>'.replace("'", "&#39;") in html
    render_docx(view, tmp_path / "rapport.docx")
    author = docx.Document(tmp_path / "rapport.docx").core_properties.author
    assert author == inputs.event.organiser != ""
