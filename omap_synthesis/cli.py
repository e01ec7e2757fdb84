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


def _run_stages(event_dir: Path | None, out: Path | None, stages: tuple[str, ...]) -> None:
    from omap_synthesis.pipeline import run

    event_dir = event_dir or DEFAULT_EVENT_DIR
    try:
        result = run(event_dir, out or REPORTS_DIR, stages)
    except InputError as exc:
        _fail(str(exc))
    except PermissionError as exc:
        _fail(f"impossible d'écrire dans {exc.filename or out} (droits insuffisants)")
    _accounting(result.ingested, Console())
    if not result.ingested.passages:
        _fail("aucune source utilisable.", 1)
    Console().print(f"Résultats écrits dans {result.out_dir}", highlight=False)


@app.command()
def ingest(
    event_dir: Annotated[Path, typer.Argument(help="Dossier de l'événement.")], out: OutDir = None
):
    """Lire les sources d'un événement et écrire la table des passages."""
    _run_stages(event_dir, out, ("ingest",))


@app.command()
def run(event_dir: EventDir = None, out: OutDir = None):
    """Tout le travail sur un événement : passages, analyses, texte du rapporteur, rapport."""
    _run_stages(event_dir, out, ("ingest",))


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    app()
