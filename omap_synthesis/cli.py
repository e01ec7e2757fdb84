"""Command line: ``omap-synthesis`` (also ``python -m omap_synthesis``)."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from omap_synthesis.config import DEFAULT_EVENT_DIR, REPORTS_DIR
from omap_synthesis.errors import InputError
from omap_synthesis.ingest import Ingested

app = typer.Typer(
    help="Synthèse d'une journée d'études : sources, objectifs, thèmes, résumés, recommandations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
evaluate_app = typer.Typer(
    help="Mesurer la qualité sur des données annotées.",
    no_args_is_help=True,
)
app.add_typer(evaluate_app, name="evaluate")
err = Console(stderr=True)

EventDir = Annotated[
    Path | None, typer.Argument(help="Dossier de l'événement (par défaut : l'exemple fourni).")
]
OutDir = Annotated[Path | None, typer.Option("--out", help="Dossier de sortie (reports/).")]


def _fail(message: str, code: int = 2) -> None:
    err.print(f"[bold red]Erreur[/] : {message}", highlight=False)
    raise typer.Exit(code)


def _emit_json(data: object) -> None:
    """With ``--json``, stdout holds only this JSON document."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _load_files(files: list[Path]) -> Ingested:
    """Read loose files given on the command line; unusable ones are named on stderr."""
    from omap_synthesis.ingest import ingest_files

    ingested = ingest_files(files)
    for message in ingested.messages:
        err.print(f"Ignoré : {message}", highlight=False)
    if not ingested.passages:
        _fail("aucun fichier utilisable.", 1)
    return ingested


def _accounting(ingested: Ingested, console: Console) -> None:
    table = Table(title="Sources lues", title_justify="left")
    for col in ("fichier", "format", "intervention", "passages", "mots", "état"):
        table.add_column(col, justify="right" if col in {"passages", "mots"} else "left")
    for r in ingested.reports:
        removed = ", ".join(f"{k} {v}" for k, v in sorted(r.removed.items()))
        state = (
            r.reason
            if r.status != "lu"
            else ("lu" + (f" (nettoyé : {removed})" if removed else ""))
        )
        table.add_row(r.name, r.format, r.talk or "", str(r.passages), str(r.words), state)
    console.print(table)
    read = [r for r in ingested.reports if r.status == "lu"]
    console.print(
        f"{len(read)} fichier(s) lu(s), {len(ingested.reports) - len(read)} ignoré(s), "
        f"{len(ingested.passages)} passages, {sum(r.words for r in read)} mots.",
        highlight=False,
    )
    for item in ingested.missing_items():
        console.print(f"Aucune source pour « {item} ».", highlight=False)


def _run_stages(
    event_dir: Path | None, out: Path | None, stages: tuple[str, ...], words: int | None = None
) -> None:
    from omap_synthesis.check import FaithfulnessError
    from omap_synthesis.draft import DEFAULT_WORDS
    from omap_synthesis.pipeline import run

    event_dir = event_dir or DEFAULT_EVENT_DIR
    if words is not None and words <= 0:
        _fail("--words doit être un nombre de mots positif.")
    try:
        result = run(event_dir, out or REPORTS_DIR, stages, words or DEFAULT_WORDS)
    except InputError as exc:
        _fail(str(exc))
    except FaithfulnessError as exc:
        _fail(str(exc), 1)
    except PermissionError as exc:
        _fail(f"impossible d'écrire dans {exc.filename or out} (droits insuffisants)")
    _accounting(result.ingested, Console())
    if not result.ingested.passages:
        _fail("aucune source utilisable.", 1)
    if result.timings:
        steps = ", ".join(f"{k} {v:.1f} s" for k, v in result.timings.items())
        err.print(f"Durées : {steps}.", highlight=False)
    Console().print(f"Résultats écrits dans {result.out_dir}", highlight=False)


@app.command()
def ingest(
    event_dir: Annotated[Path, typer.Argument(help="Dossier de l'événement.")], out: OutDir = None
):
    """Lire les sources d'un événement et écrire la table des passages."""
    _run_stages(event_dir, out, ("ingest",))


DraftWords = Annotated[
    int | None,
    typer.Option("--words", help="Longueur visée du texte lu, en mots (par défaut 1 800)."),
]


@app.command()
def draft(event_dir: EventDir = None, out: OutDir = None, words: DraftWords = None):
    """Tout jusqu'au texte du rapporteur (lecture-15h05.md et .docx)."""
    _run_stages(event_dir, out, ("ingest", "draft"), words)


@app.command()
def run(event_dir: EventDir = None, out: OutDir = None, words: DraftWords = None):
    """Tout le travail : passages, analyses, texte du rapporteur, rapport et jeu de données."""
    _run_stages(event_dir, out, ("ingest", "draft", "report"), words)


@app.command("summarize")
def summarize_command(
    file: Annotated[
        Path, typer.Argument(help="Transcription (.txt, .md, .srt, .vtt, .json Whisper, .docx).")
    ],
    words: Annotated[
        int | None,
        typer.Option(
            "--words",
            help="Budget de mots (par défaut : 15 % de la transcription, entre 40 et 600).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON seule sur stdout.")] = False,
):
    """Résumé extractif d'une transcription : des phrases verbatim, dans l'ordre du texte."""
    from dataclasses import asdict

    from omap_synthesis.nlp import load_nlp, parse_passages
    from omap_synthesis.segment import count_words
    from omap_synthesis.summarize import summarize

    if words is not None and words <= 0:
        _fail(f"le budget --words doit être un entier positif (reçu : {words}).")
    ingested = _load_files([file])
    docs = parse_passages(load_nlp(), ingested.passages)
    sentences = summarize(ingested.passages, docs, words)
    if as_json:
        rows = [{**asdict(s), "score": round(s.score, 4)} for s in sentences]
        _emit_json({"sentences": rows})
        return
    total = sum(count_words(s.text) for s in sentences)
    budget = f"budget {words} mots" if words else "budget par défaut"
    typer.echo(f"Résumé de {file.name} : {len(sentences)} phrase(s), {total} mots ({budget}).\n")
    for s in sentences:
        # Line breaks of subtitle cues are the file's, not the speaker's: shown as spaces.
        text = " ".join(s.text.split())
        typer.echo(f"{s.speaker or 'Sans nom'} : {text}  [car. {s.start_char}–{s.end_char}]")


_SYSTEM_NAMES = {
    "lead": "début (lead)",
    "textrank": "TextRank",
    "omap-synthesis": "omap-synthesis",
    "humain": "annotateur 1 contre 2",
}


@evaluate_app.command("summaries")
def evaluate_summaries(
    fredsum_dir: Annotated[
        Path,
        typer.Option("--fredsum", help="Dossier FREDSum (transcript/, summary_extractive/1 et 2)."),
    ],
    segments: Annotated[
        list[str] | None,
        typer.Option("--segments", help="Segments à évaluer (noms de fichiers, répétable)."),
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="Seulement les N premiers segments.")
    ] = None,
    split: Annotated[
        str,
        typer.Option(
            "--split",
            help="tout, validation (débats jamais vus à l'entraînement) ou apprentissage.",
        ),
    ] = "tout",
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON seule sur stdout.")] = False,
):
    """ROUGE-1/2/L du résumeur, du début (lead) et de TextRank sur des résumés humains."""
    from omap_synthesis import fredsum
    from omap_synthesis.nlp import load_nlp
    from omap_synthesis.summarize import load_model

    names = [n.strip() for item in segments or [] for n in item.split(",") if n.strip()]
    try:
        chosen = fredsum.load_segments(fredsum_dir, names or None)
        heldout = load_model()[1]["training"]["heldout_debates"]
        chosen = fredsum.select_split(chosen, split, heldout)[:limit]
    except (InputError, ValueError) as exc:
        _fail(str(exc))
    if not chosen:
        _fail(f"aucun segment de la partie « {split} » parmi ceux demandés.")
    err.print(f"Évaluation de {len(chosen)} segment(s)…", highlight=False)
    result = fredsum.evaluate(chosen, load_nlp())
    if as_json:
        scores = {name: s.as_dict() for name, s in result.scores.items()}
        _emit_json({"split": split, "segments": list(result.segments), "scores": scores})
        return
    table = Table(
        title=f"ROUGE F1 ({len(chosen)} segment(s), partie « {split} »)", title_justify="left"
    )
    for col in ("système", "ROUGE-1", "ROUGE-2", "ROUGE-L"):
        table.add_column(col, justify="left" if col == "système" else "right")
    for name, s in result.scores.items():
        table.add_row(
            _SYSTEM_NAMES.get(name, name), f"{s.rouge1:.3f}", f"{s.rouge2:.3f}", f"{s.rougeL:.3f}"
        )
    Console().print(table)


def _tag_setup(codebook_path: Path, event_dir: Path | None, use_prior: bool = True):
    """The codebook, and the programme whose objectives give the prior (if any).

    Without ``--event``, an ``event.yaml`` next to the codebook is used when it is valid.
    """
    from omap_synthesis.event import load_codebook, load_event

    try:
        codebook = load_codebook(codebook_path)
        if not use_prior:
            return codebook, None
        if event_dir is not None:
            return codebook, load_event(event_dir)
    except InputError as exc:
        _fail(str(exc))
    beside = codebook_path.parent
    if not (beside / "event.yaml").exists():
        return codebook, None
    try:
        return codebook, load_event(beside)
    except InputError as exc:
        err.print(f"Programme ignoré (pas d'a priori) : {exc}", highlight=False)
        return codebook, None


def _read_tag_inputs(path: Path):
    from omap_synthesis.tag_eval import read_inputs

    try:
        items, problems = read_inputs(path)
    except InputError as exc:
        _fail(str(exc))
    for message in problems:
        err.print(f"Ligne ignorée : {message}", highlight=False)
    if not items:
        _fail("aucune ligne utilisable.", 1)
    return items


def _tag_items(items, codebook, event, notes: bool = True):
    from omap_synthesis.tag import tag_texts

    taggings = tag_texts(
        [str(i.id) for i in items],
        [i.text for i in items],
        codebook,
        talks=[i.talk for i in items],
        groups=[i.group for i in items],
        event=event,
    )
    for item, tagging in zip(items, taggings, strict=True):
        if tagging.note and notes:
            err.print(f"Ligne {item.line} (id {item.id}) : {tagging.note}.", highlight=False)
    return taggings


CodebookOption = Annotated[
    Path, typer.Option("--codebook", help="Codebook YAML (labels, sous-thèmes, termes).")
]
TagEventOption = Annotated[
    Path | None,
    typer.Option(
        "--event",
        help="Dossier de l'événement dont le programme donne l'a priori (par défaut : "
        "event.yaml à côté du codebook, s'il existe).",
    ),
]


@app.command("tag")
def tag_command(
    input_file: Annotated[
        Path, typer.Argument(help='Passages en JSON Lines : {"id", "text", "talk"?}.')
    ],
    codebook: CodebookOption,
    event_dir: TagEventOption = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Sortie JSON Lines seule sur stdout.")
    ] = False,
    explain: Annotated[
        bool, typer.Option("--explain", help="Ajouter les explications (termes, composantes).")
    ] = False,
):
    """Étiqueter des passages avec les objectifs et sous-thèmes d'un codebook."""
    book, event = _tag_setup(codebook, event_dir)
    items = _read_tag_inputs(input_file)
    taggings = _tag_items(items, book, event)
    if as_json:
        for item, t in zip(items, taggings, strict=True):
            row = {"id": item.id, "labels": list(t.labels), "scores": t.scores}
            if explain:
                row.update(explanations=t.explanations, note=t.note)
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    table = Table(title=f"Objectifs de {len(items)} passage(s)", title_justify="left")
    for col in ("passage", "objectifs retenus", "meilleurs scores", "remarque"):
        table.add_column(col)
    for item, t in zip(items, taggings, strict=True):
        best = sorted(t.scores.items(), key=lambda kv: -kv[1])[:3]
        table.add_row(
            str(item.id),
            ", ".join(t.labels) or "hors objectifs",
            "  ".join(f"{k} {v:.2f}" for k, v in best if v > 0),
            t.note,
        )
    Console().print(table)


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


@evaluate_app.command("tagging")
def evaluate_tagging(
    gold: Annotated[
        Path, typer.Option("--gold", help='Passages annotés : {"id", "text", "labels"}.')
    ],
    codebook: CodebookOption,
    event_dir: TagEventOption = None,
    split: Annotated[
        str | None,
        typer.Option("--split", help="Seulement les lignes dont « split » vaut cette valeur."),
    ] = None,
    no_prior: Annotated[
        bool, typer.Option("--no-prior", help="Sans l'a priori du programme.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON seule sur stdout.")] = False,
):
    """Précision, rappel et F1 du marquage par label, moyennes macro par niveau."""
    from omap_synthesis.tag_eval import evaluate, read_gold

    book, event = _tag_setup(codebook, event_dir, use_prior=not no_prior)
    try:
        items = read_gold(gold, book)
    except InputError as exc:
        _fail(str(exc))
    if split is not None:
        items = [i for i in items if i.split == split]
        if not items:
            _fail(f"aucune ligne de la partie « {split} » dans {gold}.")
    taggings = _tag_items(items, book, event, notes=False)
    result = evaluate([i.labels for i in items], [t.labels for t in taggings], book)
    if as_json:
        _emit_json({"split": split, "prior": event is not None, **result.as_dict()})
        return
    title = f"Marquage : {result.passages} passage(s)" + (f", partie « {split} »" if split else "")
    table = Table(title=title, title_justify="left")
    for col in ("label", "précision", "rappel", "F1", "effectif", "prédits"):
        table.add_column(col, justify="left" if col == "label" else "right")
    macros = [("objectifs", result.macro_top), ("sous-thèmes", result.macro_sub)]
    for score in (*result.labels, result.none):
        table.add_row(
            score.label,
            _fmt(score.precision),
            _fmt(score.recall),
            _fmt(score.f1),
            str(score.support),
            str(score.predicted),
        )
    for label, score in macros:
        if score is not None:
            table.add_row(
                f"macro {label}",
                "",
                _fmt(score.precision),
                _fmt(score.recall),
                _fmt(score.f1),
                "",
                "",
            )
    Console().print(table)
    Console().print(
        "A priori du programme : " + ("oui" if event is not None else "non"), highlight=False
    )


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    app()
