"""The post-event report: self-contained HTML, Word, and PDF where Chromium is available."""

from __future__ import annotations

import base64
import io
import logging
from collections import defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from omap_synthesis import caching
from omap_synthesis.anonymise import public_speaker
from omap_synthesis.draft import (
    ACTOR_LEAD,
    UNSAID,
    DraftInputs,
    References,
    counted,
    display_action,
    french_date,
    join_words,
    marked_cuts,
    of_event,
    quote,
    slot,
    split_actor,
    typography,
)
from omap_synthesis.figure_worker import FigureWorker
from omap_synthesis.models import SLIDE, grouped_digits

# The PDF is printed by omap_synthesis.pdf; these names stay importable from here.
from omap_synthesis.pdf import (  # noqa: F401
    CHROMIUM_FLAGS,
    Browser,
    chromium,
    render_pdf,
    start_pdf,
)
from omap_synthesis.segment import count_words
from omap_synthesis.themes import DOMINANT_WARNING, dominant_shares

log = logging.getLogger(__name__)
SPEECH_KINDS = {"ouverture", "conf", "qa"}


@dataclass
class Figure:
    name: str
    caption: str
    alt: str
    png: bytes


@dataclass
class ReportView:
    """Everything the templates show, already pseudonymised and formatted."""

    title: str
    subtitle: str
    notice: str
    event: object
    date: str
    venue: str
    programme: list[dict]
    summaries: list[dict]
    coverage: list[dict]
    themes: list[dict]
    recommendations: list[dict]
    # Said when ``recommendations`` is empty.
    no_recommendation: str
    uncovered: str
    exchanges: list[dict]
    method: list[str]
    quality: list[tuple[str, str]]
    sources: list[dict]
    objectives_note: str = ""
    organiser: str = ""
    # The other points left open, as the text of 15:05 says them: the recommendations that go
    # the opposite way, the sequences without a transcript (sentences).
    open_points: list[str] = field(default_factory=list)
    figures: dict[str, Figure] = field(default_factory=dict)
    # How many of ``recommendations``, at their head, the text of 15:05 reads aloud (0: the
    # list is not parted, as when no text was read).
    read_count: int = 0
    toc: list[tuple[str, str]] = field(
        default_factory=lambda: [
            ("programme", "Programme"),
            ("resumes", "Résumés des interventions"),
            ("objectifs", "Couverture des objectifs"),
            ("themes", "Thèmes récurrents"),
            ("recommandations", "Recommandations"),
            ("questions", "Questions du public"),
            ("intervenants", "Temps de parole"),
            ("methode", "Méthode"),
            ("sources", "Sources"),
        ]
    )

    def figure(self, name: str) -> Markup:
        fig = self.figures.get(name)
        if fig is None:
            return Markup("<p class='missing'>Figure indisponible&nbsp;: données manquantes.</p>")
        data = base64.b64encode(fig.png).decode()
        return Markup(
            f'<figure><img src="data:image/png;base64,{data}" alt="{escape(fig.alt)}">'
            f"<figcaption>{escape(fig.caption)}</figcaption></figure>"
        )


_EXCHANGES = ("échange de questions-réponses", "échanges de questions-réponses")


def _speech_items(event):
    return [it for it in event.items if it.kind in SPEECH_KINDS]


def objective_matrix(inputs: DraftInputs) -> pd.DataFrame:
    """Share of each speech item's passages carrying each top-level label."""
    items = _speech_items(inputs.event)
    rows = {}
    for lab in inputs.codebook.top:
        row = {}
        for it in items:
            mine = [p for p in inputs.passages if p.talk == it.id]
            hits = sum(lab.id in inputs.labels_of.get(p.id, ()) for p in mine)
            row[it.display] = hits / len(mine) if mine else 0.0
        rows[lab.id] = row
    return pd.DataFrame.from_dict(rows, orient="index")


def theme_matrix(inputs: DraftInputs) -> pd.DataFrame:
    """Number of passages of each theme in each speech item (items without text included)."""
    from omap_synthesis.theme_tables import theme_talk_counts
    from omap_synthesis.themes import ThemeResult

    assignment = {pid: t.id for t in inputs.themes for pid in t.passage_ids}
    result = ThemeResult(list(inputs.themes), assignment, {})
    counts = theme_talk_counts(result, inputs.passages, inputs.event)
    items = _speech_items(inputs.event)
    counts = counts.reindex(columns=[it.id for it in items], fill_value=0)
    counts.columns = [it.display for it in items]
    counts.index = [t.label for t in inputs.themes]
    return counts


@dataclass(frozen=True)
class FigureJob:
    """A figure of the report: the function of :mod:`omap_synthesis.figures` that draws it, its
    arguments, and its cache key (a digest of the data it shows)."""

    name: str
    caption: str
    alt: str
    draw: str
    args: tuple
    kwargs: dict
    key: str


def _job(name: str, caption: str, alt: str, draw: str, args: tuple, kwargs: dict, *data):
    key = caching.digest("figure", draw, *data)
    return FigureJob(name, typography(caption), alt, draw, args, kwargs, key)


def words_frame(passages, pseudonymiser, event) -> pd.DataFrame:
    """Talk, public speaker name (``public_speaker``: « P1 — Conf 2 » for a label that names
    nobody) and words of each passage said (the data of the first figures): the text of
    slides is written, not said."""
    passages = [p for p in passages if p.kind != SLIDE]
    return pd.DataFrame(
        {
            "talk": [p.talk or "" for p in passages],
            "speaker": [
                public_speaker(pseudonymiser, p, event, "personne non nommée") for p in passages
            ],
            "words": [count_words(p.text) for p in passages],
        },
        columns=["talk", "speaker", "words"],
    )


# When the text of 15:05 was read: the recommendations it read, then the others.
# The text of 15:05 is the rapporteur's synthesis, not the closing; and what was said aloud is
# not known: the report says what that text read.
READ_HEADINGS = ("Retenues pour la lecture de synthèse", "Autres recommandations relevées")
OTHERS_NOTE = (
    "Relevées dans les transcriptions sans être retenues pour cette lecture\u00a0: à vérifier "
    "avant de les citer."
)
# The speakers the bar chart of words shows at most (its caption says so when there are more).
SPEAKERS_SHOWN = 20


def _named(item) -> str:
    """« Conf 3 — Titre », or the title alone when it starts with the label (« Pause-café »,
    « Ouverture officielle : … »), or the label alone when it starts with the title
    (« Questions/Réponses (session 1) »): how the report names a slot, in HTML and in Word."""
    if item.title.startswith(item.display):
        return typography(item.title)
    if item.display.startswith(item.title):
        return typography(item.display)
    return typography(f"{item.display} — {item.title}")


def _read_head(recommendations: list[dict], read_aloud: Collection[str]) -> int:
    """How many recommendations, at the head of the list, were read aloud; 0 when those read
    are not the head of the list (the list then stays whole)."""
    n = sum(r["id"] in read_aloud for r in recommendations)
    return n if all(r["id"] in read_aloud for r in recommendations[:n]) else 0


def programme_figure_jobs(event, passages, pseudonymiser) -> list[FigureJob]:
    """The figures of the day's programme and of who spoke: ready once the passages are read
    and the audience pseudonymised, before the analysis."""
    frame = words_frame(passages, pseudonymiser, event)
    by_talk, by_speaker = frame[["talk", "words"]], frame[["speaker", "words"]]
    jobs = [
        _job(
            "timeline",
            "Déroulé de la journée d’après le programme ; barres pâles : séquence sans "
            "transcription.",
            "Chronologie horizontale des séquences de la journée, de l’accueil à la clôture, "
            "avec le nombre de mots transcrits pour chacune.",
            "timeline",
            (event, by_talk),
            {},
            event,
            by_talk.to_dict("split") if len(frame) else None,
        )
    ]
    if len(frame):
        people = by_speaker["speaker"].nunique()
        shown = (
            f" ; les {SPEAKERS_SHOWN} qui parlent le plus, sur {people}"
            if people > SPEAKERS_SHOWN
            else ""
        )
        jobs.append(
            _job(
                "speakers",
                f"Mots prononcés par intervenant·e (personnes du public sous pseudonyme{shown}).",
                "Diagramme en barres du nombre de mots prononcés par chaque intervenant·e.",
                "words_per_speaker",
                (by_speaker,),
                {"top": SPEAKERS_SHOWN},
                by_speaker.to_dict("split"),
            )
        )
    return jobs


def analysis_figure_jobs(inputs: DraftInputs) -> list[FigureJob]:
    """The heatmaps of objectives and themes per talk."""
    jobs = []
    objectives = objective_matrix(inputs)
    if objectives.size and inputs.labels_of:
        # Sequences in rows: a dozen of them side by side made a strip whose labels the page
        # shrank to unreadable; the objectives, a handful, are named in the caption.
        args = (objectives.T, "Séquences × objectifs", "part des passages")
        names = " ; ".join(f"{lab.id} : {lab.name}" for lab in inputs.codebook.top)
        jobs.append(
            _job(
                "objectives",
                f"Part des passages de chaque séquence rattachés à chaque objectif ({names}).",
                "Carte de chaleur : séquences en lignes, objectifs en colonnes, part des passages "
                "étiquetés dans chaque case.",
                "heatmap",
                args,
                {},
                args[0].to_dict("split"),
                args[1:],
            )
        )
    themes = theme_matrix(inputs)
    if themes.size:
        args = (themes, "Thèmes × séquences", "passages")
        jobs.append(
            _job(
                "themes",
                "Nombre de passages de chaque thème récurrent par séquence.",
                "Carte de chaleur : thèmes en lignes, séquences en colonnes, nombre de passages.",
                "heatmap",
                args,
                {"fmt": "{:.0f}"},
                themes.to_dict("split"),
                args[1:],
                "{:.0f}",
            )
        )
    return jobs


def start_figures(
    jobs: list[FigureJob], worker: FigureWorker | None = None
) -> Callable[[], dict[str, Figure]]:
    """Start drawing the figures that are not in the cache; the function returned gives them all.

    A figure whose data did not change since an earlier run (any process) is not drawn again.
    The others are drawn by ``worker`` (:mod:`omap_synthesis.figure_worker`) while the caller
    goes on, or, without a worker or when it fails, here when the function is called; matplotlib
    is only imported here when a figure has to be drawn here.
    """
    pngs = {job.key: caching.load("figures", job.key) for job in jobs}
    missing = [job for job in jobs if pngs[job.key] is None]
    batch = None
    if worker is not None and missing:
        batch = worker.submit([(job.draw, job.args, job.kwargs) for job in missing])

    def figures() -> dict[str, Figure]:
        drawn = worker.results(batch, len(missing)) if batch is not None else None
        if drawn is None:
            from omap_synthesis.figures import render

            drawn = [render(job.draw, job.args, job.kwargs) for job in missing]
        for job, png in zip(missing, drawn, strict=True):
            caching.store("figures", job.key, png)
            pngs[job.key] = png
        return {job.name: Figure(job.name, job.caption, job.alt, pngs[job.key]) for job in jobs}

    return figures


class ReportFigures:
    """The report's figures, each batch started as soon as its data are ready.

    ``programme(pseudonymiser)`` once the passages are parsed, ``analysis(inputs)`` once the
    analysis is done; calling the object gives every figure. With a ``worker``, the figures are
    drawn there in the meantime (see :func:`start_figures`).
    """

    def __init__(self, event, passages, worker: FigureWorker | None = None) -> None:
        self.event, self.passages, self.worker = event, passages, worker
        self._batches: list[Callable[[], dict[str, Figure]]] = []

    def programme(self, pseudonymiser) -> None:
        jobs = programme_figure_jobs(self.event, self.passages, pseudonymiser)
        self._batches.append(start_figures(jobs, self.worker))

    def analysis(self, inputs: DraftInputs) -> None:
        self._batches.append(start_figures(analysis_figure_jobs(inputs), self.worker))

    def __call__(self) -> dict[str, Figure]:
        return {name: fig for batch in self._batches for name, fig in batch().items()}


def _person(person) -> str:
    """« Youssef Kettani, Secrétaire Général, Ministère … »: a person as the programme has her."""
    return ", ".join(x for x in (person.name, person.role, person.institution) if x)


def _why_no_summary(item_id: str, inputs: DraftInputs) -> str:
    """What the report says where a talk has no summary."""
    if item_id in inputs.unreadable_items:
        return "Le fichier de la transcription de cette séquence est vide ou illisible."
    if item_id in inputs.missing_items:
        return "Aucune transcription de cette séquence n’a été fournie."
    return "Aucune phrase de cette séquence n’a pu être retenue pour un résumé."


def build_view(
    inputs: DraftInputs,
    accounting,
    quality: dict,
    method: list[str],
    figures: dict[str, Figure] | None = None,
    set_aside: dict[str, str] | None = None,
    read_aloud: Collection[str] = (),
) -> ReportView:
    """Gather and format the report's content (public texts only).

    ``figures`` are the report's figures when already drawn (:func:`start_figures`); by default
    they are drawn here. ``set_aside`` says, per source file, which passages the analysis
    could not read (:func:`omap_synthesis.pipeline.set_aside`). ``read_aloud`` are the ids of
    the recommendations the text read at 15:05 reads aloud: each recommendation is titled as
    that text titles it, read aloud or in its annex.
    """
    set_aside = set_aside or {}
    event, pseudo = inputs.event, inputs.pseudonymiser
    refs = References(event, inputs.passages, pseudo)
    by_id = {p.id: p for p in inputs.passages}

    def quoted(passage_id: str, text: str, start: int, end: int) -> dict:
        # A quotation stands alone: its reference names whoever spoke, a role or « une
        # personne non nommée » too, so that none goes unattributed.
        passage = by_id[passage_id]
        ref = refs.ref(passage_id, start, everyone=True)
        # « […] » where the parser cut the quotation out of a longer sentence, as in the draft.
        text = marked_cuts(
            " ".join(text.split()),
            before=passage.text[: start - passage.start_char],
            after=passage.text[end - passage.start_char :],
        )
        return {"text": pseudo.text(text), "ref": ref}

    programme = []
    for it in event.items:
        # A session opens with its title and its moderator, who speaks in its questions.
        if (
            it.session
            and (session := event.session(it.session))
            and (not programme or programme[-1].get("session_id") != it.session)
        ):
            chair = session.moderator
            programme.append(
                {
                    "session_id": session.id,
                    "session": typography(
                        f"{session.title or session.id}"
                        + (f" — modération\u00a0: {_person(chair)}" if chair else "")
                    ),
                }
            )
        programme.append(
            {
                "session_id": it.session,
                "slot": slot(it.start, it.end),
                "name": _named(it),
                "people": typography("\u00a0; ".join(_person(p) for p in it.speakers)),
            }
        )
    summaries = [
        {
            "id": it.id,
            "name": _named(it),
            "sentences": [
                quoted(s.passage_id, s.text, s.start_char, s.end_char)
                for s in inputs.summaries.get(it.id, [])
            ],
            "missing": _why_no_summary(it.id, inputs),
        }
        for it in _speech_items(event)
    ]
    rec_count = defaultdict(int)
    for rec in inputs.recommendations:
        for label_id in rec.objectives:
            rec_count[label_id] += 1
    coverage = [
        {
            "name": f"{lab.id} — {lab.name}",
            "passages": sum(lab.id in inputs.labels_of.get(p.id, ()) for p in inputs.passages),
            "recommendations": rec_count.get(lab.id, 0),
        }
        for lab in inputs.codebook.labels
    ]
    wide = dominant_shares(inputs.themes)
    themes = [
        {
            "label": t.label,
            "terms": ", ".join(t.terms),
            "recurrence": typography(
                f"Présent dans {counted(len(t.recurrence.talks), 'séquence', 'séquences', True)}, "
                f"{counted(len(t.recurrence.sessions), 'session', 'sessions', True)}, chez "
                f"{counted(len(t.recurrence.speakers), 'personne', 'personnes', True)} et dans "
                f"{counted(len(t.recurrence.exchanges), *_EXCHANGES)}."
                + (
                    f" Il regroupe {round(100 * wide[t.id])}\u00a0% des passages\u00a0: "
                    f"{DOMINANT_WARNING}."
                    if t.id in wide
                    else ""
                )
            ),
            "quotes": [
                quoted(q.passage_id, q.text, q.start_char, q.end_char) for q in t.quotes[:2]
            ],
        }
        for t in inputs.themes
    ]
    # The actor a line names last goes apart, as in the text read at 15:05 (« Fixer le niveau
    # des redevances », « Acteur désigné : l'administration »).
    titled = {
        r.id: split_actor(display_action(r, uncertain_too=r.id not in read_aloud))
        for r in inputs.recommendations
    }
    titles = {rid: typography(title) for rid, (title, _) in titled.items()}
    found = {r.id: r for r in inputs.all_found}
    numbers = {r.id: k for k, r in enumerate(inputs.recommendations, 1)}

    def opposed(rid: str) -> str:
        """The opposed recommendation as a reader finds it: its number in the list and its
        title; who made it and where when its title says no action or it is not listed."""
        title = titles.get(rid, UNSAID)
        named = (
            f"recommandation {numbers[rid]}"
            if rid in numbers
            else "une recommandation écartée de ce rapport"
        )
        if title != UNSAID:
            return f"{named} ({title})"
        first = next((e for e in found[rid].evidence if e.passage_id in by_id), None)
        if first is None:
            return named
        passage = by_id[first.passage_id]
        where = refs.ref(passage.id, first.start_char)
        return typography(f"{named}, formulée par {refs.subject(passage)} ({where})")

    label_names = {lab.id: lab.name for lab in inputs.codebook.labels}
    recommendations = [
        {
            "id": r.id,
            "action": titles[r.id],
            "actor": typography(titled[r.id][1] or ""),
            "objectives": ", ".join(r.objectives),
            # Each code with its name, for a reader who does not know the codebook.
            "objective_names": [(o, label_names.get(o, o)) for o in r.objectives],
            "evidence": [
                quoted(e.passage_id, e.quote, e.start_char, e.end_char)
                for e in r.evidence
                if e.passage_id in by_id
            ],
            "contradicts": "\u00a0; ".join(
                opposed(c) for c in getattr(r, "contradicts", ()) if c in found
            ),
            "endorsements": [
                quoted(e.passage_id, e.quote, e.start_char, e.end_char)
                for e in getattr(r, "endorsements", ())
                if e.passage_id in by_id
            ],
        }
        for r in inputs.recommendations
    ]
    pairs = sorted(
        {
            tuple(sorted((numbers[r.id], numbers[c])))
            for r in inputs.recommendations
            for c in getattr(r, "contradicts", ())
            if c in numbers
        }
    )
    open_points = [
        f"Les recommandations {a} et {b} vont en sens contraire\u00a0; les deux positions sont "
        "conservées."
        for a, b in pairs
    ]
    unheard = [it.display for it in event.items if it.id in inputs.missing_items]
    if unheard:
        open_points.append(
            typography(f"Aucune transcription n'a été fournie pour {join_words(unheard)}.")
        )
    covered = {o for r in inputs.recommendations for o in r.objectives}
    uncovered = join_words(
        [f"{lab.id} ({lab.name})" for lab in inputs.codebook.labels if lab.id not in covered]
    )
    exchanges = []
    for it in (it for it in event.items if it.kind == "qa"):
        turns = defaultdict(list)
        for p in (p for p in inputs.passages if p.talk == it.id and p.exchange):
            turns[p.exchange].append(p)
        for number, members in sorted(turns.items()):
            merged: list[dict] = []
            for p in members:
                # Said at the head of a line: « Le représentant de … », « Une personne … ».
                speaker = refs.speaker(p)
                speaker = speaker[:1].upper() + speaker[1:]
                if merged and merged[-1]["speaker"] == speaker:
                    merged[-1]["text"] += " " + pseudo.text(p.text)
                else:
                    merged.append({"speaker": speaker, "text": pseudo.text(p.text)})
            exchanges.append({"title": f"{it.display}, échange {number}", "turns": merged})
    sources = [
        {
            "name": r.name,
            "format": r.format,
            # The sequence as the report names it elsewhere (« Conf 3 »), not its id.
            "talk": item.display if (item := event.item(r.talk or "")) else r.talk or "",
            "passages": grouped_digits(r.passages),
            "words": grouped_digits(r.words),
            "state": typography(" ; ".join(filter(None, (r.state, set_aside.get(r.name))))),
        }
        for r in accounting
    ]
    view = ReportView(
        # A heading opens on a capital, whatever the programme wrote (« journée d'études … »).
        title=typography(
            f"{event.title[:1].upper()}{event.title[1:]} — rapport"
            + ("" if of_event(event.title) else " de la journée d’études")
        ),
        subtitle=typography(f"{event.organiser}, {french_date(event.date)}"),
        organiser=typography(event.organiser or ""),
        notice=typography(event.notice) if event.fictional else "",
        objectives_note=typography(event.objectives_note or ""),
        event=event,
        date=french_date(event.date),
        venue=typography(event.venue or ""),
        programme=programme,
        summaries=summaries,
        coverage=coverage,
        themes=themes,
        recommendations=recommendations,
        read_count=_read_head(recommendations, read_aloud),
        no_recommendation=(
            "Les recommandations relevées ont toutes été écartées de ce rapport (lecture.yaml)."
            if inputs.all_found
            else "Aucune recommandation explicite n’a été relevée dans les sources."
        ),
        uncovered=uncovered,
        open_points=open_points,
        exchanges=exchanges,
        method=[typography(p) for p in method],
        quality=[(typography(k), v) for k, v in quality.items()],
        sources=sources,
    )
    if figures is None:
        jobs = programme_figure_jobs(event, inputs.passages, pseudo) + analysis_figure_jobs(inputs)
        figures = start_figures(jobs)()
    view.figures = figures
    return view


def render_html(view: ReportView) -> str:
    """One self-contained HTML file; every text from the sources is escaped."""
    env = Environment(
        loader=PackageLoader("omap_synthesis", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("rapport.html.j2").render(
        r=view, read_headings=READ_HEADINGS, others_note=OTHERS_NOTE, actor_lead=ACTOR_LEAD
    )


def render_docx(view: ReportView, path: Path) -> None:
    """The report as an editable Word document (headings, tables, figures with captions)."""
    from docx.image.image import Image
    from docx.oxml import OxmlElement
    from docx.shared import Cm

    from omap_synthesis.render import word_document

    document = word_document(view.title, view.event.organiser)
    document.add_paragraph(view.title, style="Title")
    contents = document.add_paragraph(view.subtitle, style="Subtitle")
    if view.notice:
        contents = document.add_paragraph(f"Avertissement. {view.notice}", style="Intense Quote")

    def figure(name: str) -> None:
        fig = view.figures.get(name)
        if fig is None:
            document.add_paragraph("Figure indisponible\u00a0: données manquantes.")
            return
        # Page wide, or, for a tall figure (sequences in rows), half a page high.
        size = Image.from_blob(fig.png)
        tall = size.px_height > size.px_width
        picture = document.add_picture(
            io.BytesIO(fig.png), **({"height": Cm(13)} if tall else {"width": Cm(15)})
        )
        picture._inline.docPr.set("descr", fig.alt)  # the alternative text, as in the HTML
        document.add_paragraph(fig.caption, style="Caption")

    def table(header: list[str], rows: list[list | str]) -> None:
        """A row given as a text spans the table (a session's heading in the programme)."""
        grid = document.add_table(rows=1, cols=len(header), style="Light Grid Accent 1")
        for cell, text in zip(grid.rows[0].cells, header, strict=True):
            cell.text = text
        # The header row repeats on every page the table runs over.
        grid.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
        for row in rows:
            cells = grid.add_row().cells
            if isinstance(row, str):
                cells[0].merge(cells[-1]).paragraphs[0].add_run(row).bold = True
                continue
            for cell, value in zip(cells, row, strict=True):
                cell.text = str(value)

    document.add_heading("Programme", 1)
    table(
        ["Horaire", "Séquence", "Intervenant·e·s"],
        [
            p["session"] if "session" in p else [p["slot"], p["name"], p["people"]]
            for p in view.programme
        ],
    )
    figure("timeline")
    document.add_heading("Résumés des interventions", 1)
    for s in view.summaries:
        document.add_heading(s["name"], 2)
        if not s["sentences"]:
            document.add_paragraph(s["missing"])
        for q in s["sentences"]:
            document.add_paragraph(f"{quote(q['text'])} ({q['ref']})", style="Quote")
    document.add_heading("Couverture des objectifs", 1)
    figure("objectives")
    table(
        ["Objectif ou sous-thème", "Passages", "Recommandations"],
        [[c["name"], c["passages"], c["recommendations"]] for c in view.coverage],
    )
    if view.objectives_note:
        document.add_paragraph(view.objectives_note)
    document.add_heading("Thèmes récurrents", 1)
    figure("themes")
    for t in view.themes:
        document.add_heading(t["label"], 2)
        document.add_paragraph(f"Termes\u00a0: {t['terms']}. {t['recurrence']}")
        for q in t["quotes"]:
            document.add_paragraph(f"{quote(q['text'])} ({q['ref']})", style="Quote")
    document.add_heading("Recommandations", 1)
    for k, rec in enumerate(view.recommendations):
        if view.read_count and k in (0, view.read_count):
            document.add_heading(READ_HEADINGS[k > 0], 2)
            if k:
                document.add_paragraph(OTHERS_NOTE)
        document.add_paragraph(rec["action"], style="List Number").runs[0].bold = True
        if rec["actor"]:
            document.add_paragraph(f"{ACTOR_LEAD}\u00a0: {rec['actor']}.")
        for e in rec["evidence"]:
            document.add_paragraph(f"{quote(e['text'])} ({e['ref']})", style="Quote")
        for e in rec["endorsements"]:
            document.add_paragraph(f"Appuyée\u00a0: {quote(e['text'])} ({e['ref']})", style="Quote")
        if rec["contradicts"]:
            document.add_paragraph(f"Position contraire\u00a0: {rec['contradicts']}.")
    if not view.recommendations:
        document.add_paragraph(view.no_recommendation)
    if view.uncovered or view.open_points:
        document.add_heading("Points restés ouverts", 2)
    if view.uncovered:
        document.add_paragraph(f"Aucune recommandation ne porte sur\u00a0: {view.uncovered}.")
    for point in view.open_points:
        document.add_paragraph(point)
    document.add_heading("Questions du public", 1)
    for ex in view.exchanges:
        document.add_heading(ex["title"], 2)
        for turn in ex["turns"]:
            paragraph = document.add_paragraph()
            paragraph.add_run(turn["speaker"]).bold = True
            paragraph.add_run(f"\u00a0: {turn['text']}")
    document.add_heading("Temps de parole", 1)
    figure("speakers")
    document.add_heading("Méthode", 1)
    for p in view.method:
        document.add_paragraph(p)
    if view.quality:
        table(["Mesure", "Valeur"], [list(q) for q in view.quality])
    document.add_heading("Sources", 1)
    table(
        ["Fichier", "Format", "Séquence", "Passages", "Mots", "État"],
        [
            [s["name"], s["format"], s["talk"], s["passages"], s["words"], s["state"]]
            for s in view.sources
        ],
    )
    _table_of_contents(document, contents)
    document.save(str(path))


# Where Word's schema puts « updateFields » among the settings: before the first of these.
_AFTER_UPDATE_FIELDS = (
    "hdrShapeDefaults footnotePr endnotePr compat docVars rsids mathPr attachedSchema "
    "themeFontLang clrSchemeMapping doNotIncludeSubdocsInStats doNotAutoCompressPictures "
    "forceUpgrade captions readModeInkLockDown smartTagType schemaLibrary shapeDefaults "
    "doNotEmbedSmartTags decimalSymbol listSeparator"
).split()


def _table_of_contents(document, after) -> None:
    """A table of contents after the paragraph ``after``: Word's TOC field over the headings of
    levels 1 and 2, which Word fills in, page numbers included, when it opens the file
    (« updateFields »); until then, and in a reader that does not update fields, the field
    shows the headings of level 1."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def run(child: str, text: str | None = None, **attributes: str):
        r, element = OxmlElement("w:r"), OxmlElement(child)
        for name, value in attributes.items():
            element.set(qn(name), value)
        element.text = text
        r.append(element)
        return r

    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    title = document.add_paragraph("Sommaire", style="TOC Heading")
    entries = [document.add_paragraph(text) for text in headings]
    first = entries[0]._p.r_lst[0]
    for r in (
        run("w:fldChar", **{"w:fldCharType": "begin"}),
        run("w:instrText", ' TOC \\o "1-2" \\h \\z \\u ', **{"xml:space": "preserve"}),
        run("w:fldChar", **{"w:fldCharType": "separate"}),
    ):
        first.addprevious(r)
    entries[-1]._p.append(run("w:fldChar", **{"w:fldCharType": "end"}))
    anchor = after._p
    for paragraph in (title, *entries):
        anchor.addnext(paragraph._p)
        anchor = paragraph._p
    settings = document.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    later = [c for c in settings if c.tag in {qn(f"w:{n}") for n in _AFTER_UPDATE_FIELDS}]
    if later:
        later[0].addprevious(update)
    else:
        settings.append(update)
