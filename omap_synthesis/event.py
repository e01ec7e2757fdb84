"""Load and validate ``event.yaml`` and ``codebook.yaml``."""

from __future__ import annotations

import datetime as dt
import difflib
import logging
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml

from omap_synthesis.errors import TOO_DEEP, BuildsValues, InputError, os_reason, yaml_reason
from omap_synthesis.models import Codebook, Event, Item, Label, Person, Session, join_words

log = logging.getLogger(__name__)

_TIME = re.compile(r"^([01]?\d|2[0-3]):[0-5]\d$")
# « 10h45 », « 10 h 45 », « 10h »: how a time is written in French.
_FRENCH_TIME = re.compile(r"^([01]?\d|2[0-3])\s*[hH]\s*([0-5]\d)?$")
ITEM_KINDS = {"accueil", "ouverture", "conf", "qa", "pause", "rapporteur", "cloture", "repas"}


_MERGE = "tag:yaml.org,2002:merge"


class _Loader(BuildsValues, yaml.SafeLoader):
    """YAML as a person writes it: « 11:45 » is a time, not the base-60 integer 705 of YAML
    1.1, and a key given twice in one table is an error, where the last one silently won (a
    key a merge « <<: *alias » brings may be given again: that is what merging is for)."""

    def construct_mapping(self, node, deep=False):
        seen: dict = {}
        for key_node, _ in node.value:
            if key_node.tag == _MERGE:
                continue
            key = self.construct_object(key_node, deep=deep)
            try:
                first = seen.setdefault(key, key_node.start_mark.line + 1)
            except TypeError:  # an unhashable key: the parent class says so
                break
            if first != key_node.start_mark.line + 1:
                raise DuplicateKey(key, first, key_node.start_mark.line + 1)
        return super().construct_mapping(node, deep)


_Loader.yaml_implicit_resolvers = {
    first: list(resolvers) for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
for _digit in "0123456789":
    _Loader.yaml_implicit_resolvers.setdefault(_digit, []).insert(
        0, ("tag:yaml.org,2002:str", re.compile(r"^\d{1,2}:\d{2}(?::\d{2})?$"))
    )


class _Table(dict):
    """A YAML table that knows the line of each of its keys (``lines``)."""

    lines: dict


class _LineLoader(_Loader):
    """``_Loader`` whose tables are ``_Table``: a message can name the line of a key."""

    def construct_yaml_map(self, node):
        table = _Table()
        table.lines = {
            self.construct_object(k): k.start_mark.line + 1
            for k, _ in node.value
            if isinstance(k, yaml.ScalarNode) and k.tag != _MERGE
        }
        yield table
        table.update(self.construct_mapping(node))


_LineLoader.add_constructor("tag:yaml.org,2002:map", _LineLoader.construct_yaml_map)


class DuplicateKey(yaml.YAMLError):
    def __init__(self, key: object, first: int, line: int):
        super().__init__(f"clé « {key} » en double (déjà ligne {first})")
        self.line = line


def load_yaml(path: Path, lines: bool = False) -> object:
    """A YAML file written by the user (programme, codebook, rapporteur's edits), in UTF-8 (or
    cp1252, with a warning); with ``lines``, its tables know the line of each key (``_Table``).

    Raises ``InputError`` naming the file, and the line where there is one.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:  # missing, a folder, unreadable
        raise InputError(path, os_reason(exc)) from None
    try:
        # UTF-16 with its byte-order mark, as some Windows editors save; else UTF-8.
        utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
        text = data.decode("utf-16" if utf16 else "utf-8-sig")
    except UnicodeDecodeError as exc:
        # Saved by an editor set to Windows-1252: read as such rather than stop at 15:00.
        line = data[: exc.start].count(b"\n") + 1
        log.warning("%s, ligne %d : le fichier n'est pas en UTF-8, lu en cp1252", path, line)
        text = data.decode("cp1252", "replace")
    try:
        return yaml.load(text, Loader=_LineLoader if lines else _Loader)
    except DuplicateKey as exc:
        raise InputError(path, str(exc), exc.line) from None
    except yaml.YAMLError as exc:
        raise InputError(path, *yaml_reason(exc)) from None
    except RecursionError:
        raise InputError(path, f"YAML invalide ({TOO_DEEP})") from None


# The keys of each table of event.yaml that the tools read (others are allowed and ignored).
_EVENT_KEYS = frozenset(
    {"id", "title", "date", "organiser", "venue", "fictional", "notice", "objectives_note"}
    | {"codebook", "sessions", "items", "sources"}
)
_SESSION_KEYS = frozenset({"id", "title", "moderator"})
_ITEM_KEYS = frozenset(
    {"id", "kind", "title", "label", "session", "start", "end", "speakers", "objectives"}
)
_PERSON_KEYS = frozenset({"name", "role", "institution"})


def _warn_near_keys(table: object, known: frozenset[str], path: Path, where: str) -> None:
    """Warn of a key of ``table`` that the tools do not know but that is close to one they do
    (« sesion » for « session », « Rôle » for « role »): allowed, like any extra field, but
    most likely a typo whose value would be lost without a word."""
    if not isinstance(table, dict):
        return
    for key in table:
        if not isinstance(key, str) or key in known:
            continue
        plain = unicodedata.normalize("NFKD", key).encode("ascii", "ignore").decode().lower()
        close = difflib.get_close_matches(plain, known, n=1, cutoff=0.8)
        if close:
            line = getattr(table, "lines", {}).get(key)
            at = f"{path}, ligne {line}" if line else str(path)
            log.warning(
                "%s : clé « %s » inconnue dans %s, ignorée (vouliez-vous dire « %s » ?)",
                at,
                key,
                where,
                close[0],
            )


def _text(value: object, path: Path, where: str, required: bool = True) -> str:
    if value is None or value == "":
        if required:
            raise InputError(path, f"champ « {where} » manquant ou vide")
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, str | int | float):
        raise InputError(path, f"champ « {where} » : texte attendu")
    return str(value).strip()


def _person(raw: object, path: Path, where: str, owner: str = "") -> Person:
    """A person of the programme, at ``where`` (a field of the entry ``owner``, ``_entry``)."""
    if isinstance(raw, str):
        return Person(name=raw.strip())
    if not isinstance(raw, dict):
        raise InputError(
            path, f"champ « {where} » : une personne (name, role, institution) attendue"
        )
    _warn_near_keys(
        raw, _PERSON_KEYS, path, f"« {where} » de la {owner}" if owner else f"« {where} »"
    )
    return Person(
        name=_text(raw.get("name"), path, f"{where}.name"),
        role=_text(raw.get("role"), path, f"{where}.role", required=False),
        institution=_text(raw.get("institution"), path, f"{where}.institution", required=False),
    )


def _time(value: object, path: Path, where: str) -> str:
    """A time of the programme as « HH:MM », written so or the French way (« 10h45 »,
    « 10 h 45 », « 10h »)."""
    text = _text(value, path, where, required=False)
    if french := _FRENCH_TIME.match(text):
        text = f"{french.group(1)}:{french.group(2) or '00'}"
    if text and not _TIME.match(text):
        raise InputError(
            path, f"champ « {where} » : heure attendue au format HH:MM ou 10h45, lu « {text} »"
        )
    return text


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def _entry(kind: str, index: int, raw: object) -> str:
    """An entry of a list of event.yaml as an organiser finds it: « séquence n° 6
    (« conf-4 ») », counted from 1, with its id, else its title."""
    names = (raw.get(k) for k in ("id", "title")) if isinstance(raw, dict) else ()
    name = next((str(v).strip() for v in names if isinstance(v, str | int) and str(v).strip()), "")
    return f"{kind} n° {index + 1}" + (f" (« {name} »)" if name else "")


@contextmanager
def _located(path: Path, kind: str, index: int, raw: object) -> Iterator[str]:
    """Check an entry of a list of event.yaml: within the block, an ``InputError`` about it
    is said with the entry (``_entry``) and the line where it starts."""
    label = _entry(kind, index, raw)
    try:
        yield label
    except InputError as exc:
        line = min(getattr(raw, "lines", {}).values(), default=None)
        joined = ", " if exc.reason.startswith("champ") else " : "
        raise InputError(path, f"{label}{joined}{exc.reason}", exc.line or line) from None


def _session(raw: object, path: Path, label: str) -> Session:
    if not isinstance(raw, dict):
        raise InputError(path, "table attendue (id, title, moderator)")
    _warn_near_keys(raw, _SESSION_KEYS, path, f"la {label}")
    moderator = raw.get("moderator")
    return Session(
        id=_text(raw.get("id"), path, "id"),
        title=_text(raw.get("title"), path, "title", required=False),
        moderator=_person(moderator, path, "moderator", label) if moderator else None,
    )


def _item(raw: object, path: Path, label: str, session_ids: set[str], seen: set[str]) -> Item:
    if not isinstance(raw, dict):
        raise InputError(path, "table attendue (id, kind, title, start, end…)")
    _warn_near_keys(raw, _ITEM_KEYS, path, f"la {label}")
    item_id = _text(raw.get("id"), path, "id")
    if item_id in seen:
        raise InputError(path, f"champ « id » : identifiant « {item_id} » en double")
    kind = _text(raw.get("kind"), path, "kind")
    if kind not in ITEM_KINDS:
        raise InputError(
            path, f"champ « kind » : « {kind} » inconnu ({', '.join(sorted(ITEM_KINDS))})"
        )
    session = _text(raw.get("session"), path, "session", required=False)
    if session and session not in session_ids:
        raise InputError(path, f"champ « session » : session « {session} » inconnue")
    speakers = raw.get("speakers") or []
    if not isinstance(speakers, list):
        raise InputError(path, "champ « speakers » : liste attendue")
    objectives = raw.get("objectives") or []
    if not isinstance(objectives, list):
        raise InputError(path, "champ « objectives » : liste attendue")
    start = _time(raw.get("start"), path, "start")
    end = _time(raw.get("end"), path, "end")
    if start and end and _minutes(end) < _minutes(start):
        raise InputError(
            path, f"champ « end » : la séquence finit ({end}) avant de commencer ({start})"
        )
    return Item(
        id=item_id,
        kind=kind,
        title=_text(raw.get("title"), path, "title"),
        start=start,
        end=end,
        label=_text(raw.get("label"), path, "label", required=False),
        session=session,
        speakers=tuple(_person(p, path, f"speakers[{j}]", label) for j, p in enumerate(speakers)),
        objectives=tuple(str(o) for o in objectives),
    )


def load_event(event_dir: str | Path) -> Event:
    """Read ``event.yaml`` of an event folder and check it.

    Raises
    ------
    InputError
        With the file and the faulty field when the programme is unusable.
    """
    event_dir = Path(event_dir)
    if event_dir.exists() and not event_dir.is_dir():
        raise InputError(event_dir, "un dossier d'événement est attendu, c'est un fichier")
    path = event_dir / "event.yaml"
    raw = load_yaml(path, lines=True)
    if not isinstance(raw, dict):
        raise InputError(path, "le programme doit être une table YAML (id, title, items…)")
    _warn_near_keys(raw, _EVENT_KEYS, path, "le programme")
    sessions = []
    for i, s in enumerate(raw.get("sessions") or []):
        with _located(path, "session", i, s) as label:
            sessions.append(_session(s, path, label))
    session_ids = {s.id for s in sessions}
    raw_items = raw.get("items")
    if raw_items and not isinstance(raw_items, list):
        raise InputError(path, "champ « items » : liste des séquences attendue (- id: …)")
    if not raw_items:
        raise InputError(
            path, "champ « items » manquant ou vide : le programme n'a aucune séquence"
        )
    items: list[Item] = []
    for i, it in enumerate(raw_items):
        with _located(path, "séquence", i, it) as label:
            items.append(_item(it, path, label, session_ids, {x.id for x in items}))
    seen = {it.id for it in items}
    mapping = raw.get("sources") or {}
    if not isinstance(mapping, dict):
        raise InputError(path, "champ « sources » : table fichier → intervention attendue")
    for name, item_id in mapping.items():
        if str(item_id) not in seen:
            raise InputError(
                path, f"champ « sources.{name} » : intervention « {item_id} » inconnue"
            )
    event_id = _text(raw.get("id"), path, "id")
    if re.search(r"[/\\]", event_id) or event_id in {".", ".."}:
        raise InputError(
            path,
            f"champ « id » : « {event_id} » doit pouvoir nommer un dossier (ni « / », ni « \\ », "
            "ni « . » ou « .. » seuls)",
        )
    return Event(
        id=event_id,
        title=_text(raw.get("title"), path, "title"),
        date=_text(raw.get("date"), path, "date", required=False),
        directory=str(event_dir),
        items=tuple(items),
        sessions=tuple(sessions),
        organiser=_text(raw.get("organiser"), path, "organiser", required=False),
        venue=_text(raw.get("venue"), path, "venue", required=False),
        fictional=bool(raw.get("fictional", False)),
        notice=_text(raw.get("notice"), path, "notice", required=False),
        objectives_note=_text(raw.get("objectives_note"), path, "objectives_note", required=False),
        codebook=_text(raw.get("codebook"), path, "codebook", required=False) or "codebook.yaml",
        sources=tuple((str(k), str(v)) for k, v in mapping.items()),
    )


def _terms(raw: object, path: Path, where: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    if isinstance(raw, str):
        # « terms: retraite, pension »: a text where a list was meant.
        log.warning(
            "%s : champ « %s.terms » : un texte au lieu d'une liste, lu comme des termes "
            "séparés par des virgules",
            path,
            where,
        )
        raw = re.split(r"[,;]", raw)
    if not isinstance(raw, list):
        raise InputError(path, f"champ « {where}.terms » : liste de termes attendue")
    terms = []
    for k, term in enumerate(raw):
        # « - null », « - true », « - [a, b] »: no term (a number is one: « 2030 »).
        if term is None or isinstance(term, bool | list | dict):
            what = (
                "valeur vide, ignorée" if term is None else f"« {term} » n'est pas un terme, ignoré"
            )
            log.warning("%s : champ « %s.terms[%d] » : %s", path, where, k, what)
        elif str(term).strip():
            terms.append(str(term).strip())
    return tuple(terms)


def load_codebook(path: str | Path) -> Codebook:
    """Read and check a codebook (schema in DESIGN.md).

    A label needs an id, a name and at least a description or a term; ids are unique across the
    whole codebook; children are one level deep.
    """
    path = Path(path)
    raw = load_yaml(path)
    if not isinstance(raw, dict) or not isinstance(raw.get("labels"), list) or not raw["labels"]:
        raise InputError(path, "le codebook doit contenir une liste « labels » non vide")
    labels: list[Label] = []

    def add(entry: object, where: str, parent: str | None) -> None:
        if not isinstance(entry, dict):
            raise InputError(path, f"champ « {where} » : table attendue (id, name, description)")
        label_id = _text(entry.get("id"), path, f"{where}.id")
        if ";" in label_id:  # the tables list a passage's labels separated by « ; »
            raise InputError(
                path, f"champ « {where}.id » : « ; » ne peut pas figurer dans un identifiant"
            )
        if any(lab.id == label_id for lab in labels):
            raise InputError(path, f"champ « {where}.id » : identifiant « {label_id} » en double")
        name = _text(entry.get("name"), path, f"{where}.name", required=False) or label_id
        description = _text(entry.get("description"), path, f"{where}.description", required=False)
        terms = _terms(entry.get("terms"), path, where)
        if not description and not terms and name == label_id:
            raise InputError(
                path,
                f"champ « {where} » : le label « {label_id} » n'a ni nom, ni description, "
                "ni termes",
            )
        if not entry.get("name") and (description or terms):
            log.warning(
                "%s : champ « %s » : le label « %s » n'a pas de nom ; son identifiant en tient "
                "lieu dans les textes et les tableaux",
                path,
                where,
                label_id,
            )
        if not description and not terms:
            log.warning(
                "%s : champ « %s » : le label « %s » n'a ni description ni termes ; seul son nom "
                "« %s » le fait reconnaître",
                path,
                where,
                label_id,
                name,
            )
        labels.append(Label(label_id, name, description, terms, parent))
        children = entry.get("children") or []
        if children and parent is not None:
            raise InputError(path, f"champ « {where}.children » : un seul niveau de sous-thèmes")
        if not isinstance(children, list):
            raise InputError(path, f"champ « {where}.children » : liste attendue")
        for j, child in enumerate(children):
            add(child, f"{where}.children[{j}]", label_id)

    for i, entry in enumerate(raw["labels"]):
        add(entry, f"labels[{i}]", None)
    return Codebook(labels=tuple(labels), path=str(path))


def say_unknown_objectives(event: Event, codebook: Codebook) -> None:
    """Warn, once per item, that the programme gives it an objective the codebook lacks: its
    prior is lost (``tag.tag_passages`` leaves such objectives out without a word)."""
    known = {lab.id for lab in codebook.labels}
    for item in event.items:
        unknown = [f"« {o} »" for o in item.objectives if o not in known]
        if unknown:
            several = "s" if len(unknown) > 1 else ""
            log.warning(
                "event.yaml : « %s » a pour objectif%s %s, absent%s du codebook : sans effet",
                item.id,
                several,
                join_words(unknown),
                several,
            )
