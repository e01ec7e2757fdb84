"""Errors whose message is meant for the user (in French)."""

import errno

import yaml


class InputError(Exception):
    """Bad input: the message names the file (and line or field where there is one)."""

    def __init__(self, path, message: str, line: int | None = None):
        self.path = str(path)
        self.line = line
        self.message = message
        # The message without the file, for a caller that names the file itself.
        self.reason = f"ligne {line} : {message}" if line else message
        where = f"{self.path}, ligne {line}" if line else self.path
        super().__init__(f"{where} : {message}")


def os_reason(exc: OSError) -> str:
    """Why a file could not be read or written, in French (the system's own message is in the
    machine's language, often English)."""
    if isinstance(exc, FileNotFoundError):
        return "fichier introuvable"
    if isinstance(exc, IsADirectoryError):
        return "c'est un dossier, pas un fichier"
    if isinstance(exc, NotADirectoryError):
        return "un élément du chemin n'est pas un dossier"
    if isinstance(exc, PermissionError):
        return "accès refusé"
    if isinstance(exc, FileExistsError):
        return "un fichier du même nom existe déjà"
    known = {
        errno.ENOSPC: "disque plein",
        errno.EROFS: "système de fichiers en lecture seule",
        errno.ENAMETOOLONG: "nom de fichier trop long",
    }
    if exc.errno in known:
        return known[exc.errno]
    if exc.errno is not None:
        return f"erreur du système de fichiers (code {exc.errno})"
    return "lecture ou écriture impossible"


# Why a JSON or YAML file nested deeper than the parser's recursion limit (``RecursionError``)
# cannot be read.
TOO_DEEP = "structure imbriquée trop profondément"

# The JSON parser's messages, in French (the parser's own are in English).
_JSON_MESSAGES = {
    "Expecting value": "valeur attendue",
    "Expecting ',' delimiter": "virgule attendue",
    "Expecting ':' delimiter": "deux-points attendu",
    "Expecting property name enclosed in double quotes": "nom de champ entre guillemets attendu",
    "Unterminated string starting at": "texte entre guillemets jamais fermé",
    "Extra data": "texte en trop après l'objet JSON",
    "Invalid control character at": "caractère de contrôle dans un texte",
    "Invalid \\escape": "séquence d'échappement invalide",
}


def json_reason(exc) -> str:
    """« JSON invalide (virgule attendue, colonne 52) » for a ``json.JSONDecodeError``."""
    what = _JSON_MESSAGES.get(exc.msg, "syntaxe incorrecte")
    return f"JSON invalide ({what}, colonne {exc.colno})"


def yaml_reason(exc) -> tuple[str, int | None]:
    """The French message and the line of a ``yaml.YAMLError`` (its own text is in English)."""
    if isinstance(exc, BadValue):
        return f"YAML invalide ({exc})", exc.line
    mark = getattr(exc, "problem_mark", None)
    if mark is None:
        return "YAML invalide", None
    if "'\\t'" in str(getattr(exc, "problem", "")):
        return "YAML invalide (tabulation : l'indentation se fait avec des espaces)", mark.line + 1
    opened = getattr(exc, "context_mark", None)
    context = str(getattr(exc, "context", ""))
    kind = next((k for k in _OPENERS if k in context), None)
    if kind and opened is not None and opened.line < mark.line:
        # « exclure: [R-1, R-2 » left open: the parser stumbles lines later, where nothing is
        # wrong; the fix is where it was opened.
        at_end = any(e in str(getattr(exc, "problem", "")) for e in ("end of stream", "stream end"))
        if at_end or (kind != "quoted scalar" and _new_key(mark, opened)):
            buffer = getattr(opened, "buffer", None) or ""
            apostrophe = (
                kind == "quoted scalar" and buffer[opened.pointer : opened.pointer + 1] == "'"
            )
            what, feminine = ("l'apostrophe", True) if apostrophe else _OPENERS[kind]
            e = "e" if feminine else ""
            closed = (
                f"jamais fermé{e}" if at_end else f"pas fermé{e} avant la ligne {mark.line + 1}"
            )
            return f"YAML invalide ({what} ouvert{e} ici n'est {closed})", opened.line + 1
    return f"YAML invalide (syntaxe incorrecte, colonne {mark.column + 1})", mark.line + 1


def _new_key(mark, opened) -> bool:
    """Whether the parser stumbled, inside a bracket, on a line indented no further than the
    one that opened it (« ordre: » after « exclure: [R-1 »): the bracket is surely left open.
    Elsewhere, in a list written across lines, the error is where the parser stumbles."""
    lines = (getattr(mark, "buffer", None) or "").split("\n")

    def indent(n: int) -> int:
        return len(lines[n]) - len(lines[n].lstrip(" ")) if n < len(lines) else 0

    return len(lines) > mark.line and indent(mark.line) <= indent(opened.line)


# What the YAML parser was reading (its ``context``) when a bracket or a quote was left open.
_OPENERS = {
    "flow sequence": ("le crochet « [ »", False),
    "flow mapping": ("l'accolade « { »", True),
    "quoted scalar": ("le guillemet", False),
}


# What a value tagged so must be, in words (« 2022-13-45 » is no date).
_VALUE_KINDS = {"timestamp": "date", "int": "nombre", "float": "nombre", "bool": "booléen"}


class BadValue(yaml.YAMLError):
    """A value the YAML parser reads but cannot build: « date: 2022-13-45 », « !!int abc »."""

    def __init__(self, node):
        kind = _VALUE_KINDS.get(str(node.tag).rsplit(":", 1)[-1], "valeur")
        super().__init__(f"{kind} impossible : « {node.value} »")
        self.line = node.start_mark.line + 1


class BuildsValues:
    """A mixin for a YAML loader: a value it cannot build (a date of the 13th month, an
    integer tag on a word) is a ``BadValue`` at its line, not a ``ValueError`` from deep in
    the parser that stops the whole run."""

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep)
        except (ValueError, TypeError, KeyError, OverflowError):
            raise BadValue(node) from None
