"""Turn a recommendation into an action line: infinitive + object + actor where stated.

« Il faut absolument que les ministères partagent leurs registres » becomes « Partager les
registres entre ministères »; « nous proposons la création d'une cellule d'expertise » becomes
« Créer une cellule d'expertise ». The line is built from the dependency parse; the
nominalisation lexicon and the words to drop are data (``resources/actions.yaml``).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import replace
from functools import cache

from spacy.tokens import Doc, Span, Token

from omap_synthesis.deontic import Cue, lexicon
from omap_synthesis.french import (
    VERB_ENDINGS,
    contrastive,
    denied,
    infinitive,
    is_future,
    is_negated,
    lemma,
    resource,
    subjects,
)
from omap_synthesis.nlp import SENTENCE_ENDS

# Dependents that never belong to the action: its subject, auxiliaries, clause markers, and
# the clauses that give reasons or comments.
_SKIPPED_DEPS = frozenset(
    "nsubj nsubj:pass expl:subj aux aux:tense aux:pass aux:caus cop mark punct cc advcl "
    "parataxis discourse vocative dislocated conj dep".split()
)
_CLAUSES = frozenset({"acl:relcl", "advcl", "parataxis", "dislocated"})
# What makes a noun the predicate of a clause (« ce qu'il faut, c'est une table »).
_PREDICATE_DEPS = (
    frozenset("nsubj nsubj:pass expl:subj cop mark aux aux:tense aux:pass punct".split()) | _CLAUSES
)
_REFLEXIVES = frozenset({"se", "s'"})
_NOUN_MODIFIERS = frozenset({"det", "amod", "nummod"})
_CAUSATIVE = frozenset({"aux:caus", "dep"})
# Partitive and contracted articles the parser marks as prepositions (« de la croissance »).
_ARTICLES = frozenset({"de", "d'", "d’", "du", "des", "au", "aux"})
_NEGATIONS = frozenset({"ne", "n'", "pas", "jamais", "plus", "guère"})
_NEGATIVE_ADVERBS = frozenset({"plus", "jamais", "guère"})
# Adverbs that stay before an infinitive (« mieux attribuer »).
_PREVERBAL = frozenset({"mieux"})
# What goes with « ne » when it does not restrict (« ne … que »).
_NEGATORS = _NEGATIVE_ADVERBS | {"pas", "point"}
_CONTRACTIONS = {("de", "le"): "du", ("de", "les"): "des", ("à", "le"): "au", ("à", "les"): "aux"}
# « le », « la », « de », « ne », « se », « que » before a vowel or a mute h; the word that
# follows is the second group (an aspirated h, « la hausse », is not elided).
_VOWEL = "[aeiouyhàâéèêîôœ]"  # or a mute h: the aspirated ones are in actions.yaml
_ELISIONS = (
    re.compile(rf"\b(l)[ea] (?=({_VOWEL}\w*))", re.I),
    re.compile(rf"\b([dns]|qu)e (?=({_VOWEL}\w*))", re.I),
    re.compile(r"\b(c)e (?=(est|était|étaient)\b)", re.I),
)
_PUNCT_END = frozenset({",", ";", ":", "—", "–"})
_CONJUNCTIONS = frozenset({"et", "ou", "mais", "ni"})
_INCISE_MARKS = frozenset({",", "—", "–"})
_PREPOSITIONS = frozenset("à au aux de d' du des pour par avec sans sous sur dans en vers".split())
NBSP = "\u00a0"


def _phrases(phrases, multiword_only: bool = True) -> re.Pattern:
    """A pattern of whole ``phrases`` (by default only those of several words or with an
    apostrophe, which the parser splits), the space after an apostrophe optional."""
    chosen = [p for p in phrases if not multiword_only or " " in p or "'" in p]
    alternatives = "|".join(re.escape(p).replace("'", "' ?") for p in chosen)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.I)


@cache
def _lexicon() -> dict:
    data = resource("actions.yaml")
    return {
        "nominalisations": {tuple(k.split()): v for k, v in data["nominalisations"].items()},
        "support_verb": data["support_verb"],
        "reciprocal": frozenset(data["reciprocal_verbs"]),
        "state_verbs": data["state_verbs"],
        "change_verbs": frozenset(data["change_verbs"]),
        "dropped": frozenset(data["dropped_adverbs"]),
        "interjections": frozenset(data["interjections"]),
        "places": frozenset(data["place_names"]),
        "peoples": frozenset(data["peoples"]),
        "titles": frozenset(data["titles"]),
        "order": frozenset(data["order_adverbs"]),
        "determiners": data["determiners"],
        "demonstrative_phrases": frozenset(data["demonstrative_phrases"]),
        "clitics": frozenset(data["clitics"]),
        "function_words": frozenset(data["function_words"]) | _PUNCT_END,
        "negative": frozenset(data["negative_determiners"]),
        "negative_pronouns": frozenset(data["negative_pronouns"]),
        "aspirated_h": tuple(data["aspirated_h"]),
        "max_words": int(data["max_words"]),
        "passing": frozenset(data["passing_verbs"]),
        "naming": frozenset(data["naming_verbs"]),
        "incise_openers": tuple(tuple(o.split()) for o in data["incise_openers"]),
        "clause_openers": frozenset(data["clause_openers"]),
        "clause_needed_after": frozenset(data["clause_needed_after"]),
        "dropped_phrases": _phrases(
            p for p in data["dropped_adverbs"] if p not in data["order_adverbs"]
        ),
        "order_phrases": _phrases(data["order_adverbs"]),
        "order_any": _phrases(data["order_adverbs"], multiword_only=False),
    }


def _elide(match: re.Match) -> str:
    """« la » → « l' » (and so on) unless the next word starts with an aspirated h."""
    if match.group(2).casefold().startswith(_lexicon()["aspirated_h"]):
        return match.group(0)
    return match.group(1) + "'"


def _elides(word: str) -> bool:
    """An article before ``word`` is elided (« l'hôpital »), so « à » does not contract with it
    (« à l'hôpital », not « au hôpital »)."""
    return bool(re.match(_VOWEL, word, re.I)) and not word.casefold().startswith(
        _lexicon()["aspirated_h"]
    )


def nominal_verb(word: str) -> str:
    """The verb of a one-word nominalisation (« création » → « créer »), else ``word``."""
    return _lexicon()["nominalisations"].get((word,), word)


@cache
def multiword_verbs() -> frozenset[str]:
    """The verbs of several words of the nominalisation lexicon (« mettre en place »): a line
    that says one alone says no action."""
    return frozenset(v for v in _lexicon()["nominalisations"].values() if " " in v)


def lexicon_support_verb() -> str:
    """The verb an action line gets when the proposal names a thing (« prévoir »)."""
    return _lexicon()["support_verb"]


def state_verbs() -> frozenset[str]:
    """Verbs of a state: their subject is what an action is about (« l'identifiant unique doit
    devenir la clé commune »)."""
    return frozenset(_lexicon()["state_verbs"])


def names_a_thing(doc: Doc, cue: Cue) -> bool:
    """The cue's verb names its direct object rather than calls for it (« c'est ce qu'on
    appelle le système de la double peine »: see ``naming_verbs``), or the cue's action is such
    a verb naming what a relative « que » stands for (« je propose qu'il y en ait 40 000,
    qu'on appelle des PLA », with the relative clause read as the proposal)."""
    trigger, head = doc[cue.trigger], doc[cue.head]
    return (
        lemma(trigger) in _lexicon()["naming"]
        and head.head == trigger
        and head.dep_ == "obj"
        and head.pos_ in {"NOUN", "PROPN"}
        and not any(c.dep_ == "case" for c in head.children)
    ) or _names_what_que_stands_for(head)


def _names_what_que_stands_for(verb: Token) -> bool:
    """« qu'on appelle … »: a naming verb whose object is the relative « que »."""
    return lemma(verb) in _lexicon()["naming"] and any(
        c.dep_ == "obj" and c.lower_ in _THAT and c.i < verb.i for c in verb.children
    )


def named_thing(pronoun: Token) -> Token | None:
    """The noun a naming verb gives to the pronoun object « ce » (« supprimer ce qu'on appelle
    la double peine »: « peine », so that the line says « Supprimer la double peine »), else
    ``None``."""
    if pronoun.dep_ != "obj" or pronoun.lower_ not in {"ce", "cela", "ça"}:
        return None
    for clause in pronoun.children:
        if clause.dep_ == "acl:relcl" and _names_what_que_stands_for(clause):
            # « le minimum contributif » may come as an adjective with its noun under it.
            named = [
                c
                for c in clause.children
                if c.i > clause.i
                and (c.dep_, c.pos_) in {("obj", "NOUN"), ("obj", "PROPN"), ("xcomp", "ADJ")}
            ]
            if named:
                return named[0]
    return None


def action_line(doc: Doc, cue: Cue) -> str:
    """The action line of one cue: an infinitive phrase, capitalised, without final stop.

    Parameters
    ----------
    doc : Doc
        The parsed ``clean`` text of the passage.
    cue : Cue
        A cue from :class:`omap_synthesis.deontic.RecommendationDetector`.

    Returns
    -------
    str
        For example « Partager les registres entre ministères ».

    Examples
    --------
    >>> detector = RecommendationDetector()
    >>> doc = detector(nlp("Il faut que les ministères partagent leurs registres."))
    >>> action_line(doc, doc._.omap_cues[0])
    'Partager les registres entre ministères'
    """
    head = action_head(doc, cue)
    cue = replace(cue, head=head.i)
    modal = head.head if head.dep_ == "xcomp" and head.head.i != cue.trigger else None
    restricted = _restriction(modal) if modal is not None else []
    if restricted:
        # « qu'on ne puisse toucher les prestations … qu'après dix années »: « ne … que » on
        # « pouvoir » restricts the action, which the line says with its restriction.
        words, actor, free = _verb_action(head, cue)
        words = ["ne", *words, *(w for c in restricted for w in _render(c))]
        return _finish(words, actor, free)
    if modal is not None and _subjunctive_pouvoir(modal):
        # « qu'on ne puisse plus licencier … »: the negation hangs on « pouvoir »; the
        # speaker's clause keeps it, as it keeps the subject of « que les Français puissent
        # travailler … ».
        if denied(modal) or _said_of_subject(modal, cue):
            said = _clause_said(modal)
            if said is not None:
                return said
    later = _later_infinitive(head)
    if later is not None:
        # « ces personnes doivent pouvoir participer au scrutin »: the parser hung the action
        # beside the modal, not under it.
        words, actor, free = _verb_action(later, cue)
        if lemma(head) == "pouvoir":
            words = _negation(head, cue, words) + ["pouvoir", *words]
        return _finish(words, actor, free)
    # « je mobiliserai l'épargne »: a future the tagger read as a noun is a commitment's verb.
    misread = cue.kind == "commitment" and is_future(head)
    verb = next((c for c in head.children if _misread_infinitive(c)), None)
    if verb is not None:
        return _finish(_misread_action(head, verb, _cue_negated(cue, doc) or denied(head)))
    verb = _infinitive_before(head)
    if verb is not None:
        negation = ["ne", "pas"] if _cue_negated(cue, doc) or denied(head) else []
        return _finish([*negation, verb.lower_, *_render(head)])
    said = _subject_clause(head)
    if said is not None:
        return said
    if head.pos_ in {"NOUN", "PROPN"} and cue.kind != "imperative" and not misread:
        # « Deuxièmement, non à la fermeture des trésoreries rurales »: a measure refused.
        refused = _cue_negated(cue, doc) or any(
            c.lower_ == "non" and c.i < head.i and c.dep_ == "advmod" for c in head.children
        )
        line = _finish((["ne", "pas"] if refused else []) + _noun_action(head))
    else:
        line = _finish(*_verb_action(head, cue))
    if reads_badly(line, head.sent):
        # A misparse can leave a verb of the sentence, or a dangling word, in the line; the
        # speaker's own words from the clause read better than a broken rewrite.
        return verbatim_action(head) or line
    if _said_of_subject(head, cue):
        return _clause_said(head) or line
    if line == _finish([infinitive(head)]) and head.pos_ == "VERB":
        # A bare verb whose complements the parser hung elsewhere (« il faut désigner, pour
        # chaque catégorie de données, une seule administration responsable »).
        following = _past_broken_incise(head, _following(head))
        if (
            lemma(head) not in _SEMI_AUXILIARIES
            and not _said_where(head)
            and any(t.pos_ in {"NOUN", "PROPN"} for t in following)
        ):
            inside = _dropped_tokens(head.sent)  # « tout de suite »: all three words
            words = [
                _cased(t)
                for t in following
                if t.lower_ not in _lexicon()["dropped"] and t.i not in inside
            ]
            words = [w for k, w in enumerate(words) if not (k and w == "," == words[k - 1])]
            while words and words[-1] in _PUNCT_END:
                words.pop()
            if words[:1] == [","] and words.count(",") == 1:
                words = words[1:]  # « sortir, de cette dépendance » is no incise
            longer = _finish([infinitive(head)] + words)
            if not reads_badly(longer, head.sent):
                return longer
    return line


def _subject_clause(noun: Token) -> str | None:
    """« je propose que tout projet d'éoliennes soit soumis au vote … », with the verb hung
    elsewhere: a noun that heads a « que » clause is its subject, and the line says the clause,
    whose verb « Prévoir tout projet … » would lose; ``None`` for another noun, or when no verb
    in the subjunctive follows within the line (the speaker broke the clause off)."""
    mark = next((c for c in noun.children if c.dep_ == "mark" and c.lower_ in _THAT), None)
    if noun.pos_ != "NOUN" or mark is None:
        return None
    sent, inside = noun.sent, {t.i for t in noun.subtree}
    verb = next(
        (
            t
            for t in sent[noun.i + 1 - sent.start :]
            if t.i not in inside and t.pos_ in {"VERB", "AUX"} and t.morph.get("Mood") == ["Sub"]
        ),
        None,
    )
    if verb is None:
        return None
    line = _finish(_until_end(list(sent[_restart(mark) - sent.start :]), _SO_THAT))
    return line if verb.text in line.split() else None


def _restart(mark: Token) -> int:
    """Where the « que » clause of ``mark`` starts: at the last « que » when the speaker
    started twice (« il faut que, qu'il y ait … »)."""
    start = mark.i
    for t in mark.doc[mark.i + 1 : mark.sent.end]:
        again = t.lower_ in _THAT or t.lower_.startswith(("qu'", "qu’"))
        if not (t.is_punct or again):
            break
        start = t.i if again else start
    return start


def action_head(doc: Doc, cue: Cue) -> Token:
    """The word that heads the cue's action line: the cue's head, or the infinitive a verb
    hands its force to (« réussir à », « continuer à », « pouvoir », « proposer de »: see
    ``passing_verbs`` and the detector's ``pass_through_verbs`` and ``proposal_verbs``), which
    the line says alone (« je veux proposer de baisser la TVA » → « Baisser la TVA »). Not
    through a negated verb, whose negation the line would lose. A cue in an aside that comments
    on its clause (« c'est doubler, comme je le souhaite, les aides ») has that clause's verb
    for action."""
    trigger = doc[cue.trigger]
    head = trigger.head if _comments(trigger) else doc[cue.head]
    late = _infinitive_past_incise(trigger)
    if late is not None and head.i < late.i:
        return _through(late)
    return _through(_past_connective(head))


def _infinitive_past_incise(verb: Token) -> Token | None:
    """« je propose, y compris pour toutes celles et ceux qui sont à la retraite, de passer … »:
    the « de » infinitive of a proposal verb after an incise between commas, which the parser
    hung inside the incise; ``None`` when the verb has its infinitive."""
    doc = verb.doc
    if (
        not _passing(verb)
        or _infinitive_complement(verb) is not None
        or verb.i + 1 >= len(doc)
        or doc[verb.i + 1].text != ","
    ):
        return None
    for t in doc[verb.i + 2 : verb.sent.end - 1]:
        if t.text in SENTENCE_ENDS:
            return None
        after = doc[t.i + 1]
        if (
            t.lower_ in {"de", "d'", "d’"}
            and doc[t.i - 1].text == ","
            and after.pos_ == "VERB"
            and after.morph.get("VerbForm") == ["Inf"]
        ):
            return after
    return None


def _past_connective(head: Token) -> Token:
    """The infinitive a connective the parser read as the action's noun introduces (« je
    demanderai d'une part de faire un audit »: « part »), else ``head``."""
    said = sorted([head, *(c for c in head.children if c.dep_ in {"case", "det"})])
    if "".join(t.text_with_ws for t in said).strip().lower() not in _lexicon()["dropped"]:
        return head
    return next(
        (c for c in head.children if c.i > head.i and c.morph.get("VerbForm") == ["Inf"]), head
    )


def _through(verb: Token) -> Token:
    """``verb``, or the infinitive it hands its force to (see ``action_head``)."""
    while _passing(verb):
        inner = _infinitive_complement(verb)
        if inner is None:
            break
        verb = inner
    return verb


def _passing(verb: Token) -> bool:
    """``verb`` hands its force to the infinitive it governs (see ``action_head``)."""
    words = lexicon()
    passing = words["pass_through_verbs"] | words["proposal_verbs"] | _lexicon()["passing"]
    return lemma(verb) in passing and not denied(verb)


def _comments(trigger: Token) -> bool:
    """« comme je le souhaite », « comme je l'ai proposé »: a « comme » clause whose object
    « le » stands for the clause it hangs on, a verb."""
    return (
        trigger.dep_ == "advcl"
        and trigger.head.pos_ == "VERB"
        and any(c.dep_ == "mark" and c.lower_ == "comme" for c in trigger.children)
        and any(c.dep_ == "obj" and c.lower_ in {"le", "l'", "l’"} for c in trigger.children)
    )


def _infinitive_complement(verb: Token) -> Token | None:
    """The infinitive the parser made the complement of ``verb``, after it."""
    return next(
        (
            c
            for c in verb.children
            if c.dep_ == "xcomp"
            and c.i > verb.i
            and c.pos_ == "VERB"
            and c.morph.get("VerbForm") == ["Inf"]
        ),
        None,
    )


def _later_infinitive(modal: Token) -> Token | None:
    """The infinitive of « pouvoir » or « devoir » left without one, when the parser hung it
    on the modal's own head, after the modal, or, past an incise between commas, made it the
    head of the sentence (« le Préfet doit pouvoir, au nom de l'État, utiliser … »)."""
    if lemma(modal) not in {"pouvoir", "devoir"} or any(
        c.dep_ == "xcomp" and c.pos_ == "VERB" for c in modal.children
    ):
        return None
    doc = modal.doc
    beside = (c for c in modal.head.children if c.i > modal.i and c.dep_ in {"xcomp", "advcl"})
    after_incise = (
        a
        for a in modal.ancestors
        if a.i > modal.i + 2
        and a.pos_ == "VERB"
        and doc[modal.i + 1].text == "," == doc[a.i - 1].text
    )
    return next(
        (
            c
            for c in itertools.chain(beside, after_incise)
            if c.morph.get("VerbForm") == ["Inf"] and not any(m.dep_ == "mark" for m in c.children)
        ),
        None,
    )


def _restriction(modal: Token) -> list[Token]:
    """The « que … » complements of a « ne » without « pas » on ``modal`` (« on ne puisse
    toucher … qu'après dix années »), after it."""
    if not denied(modal) or any(c.lower_ in _NEGATORS for c in modal.children):
        return []
    return [
        c
        for c in modal.children
        if c.i > modal.i
        and c.dep_ not in {"xcomp", "mark"}
        and any(m.dep_ == "mark" and lemma(m) == "que" for m in c.children)
    ]


def _subjunctive_pouvoir(verb: Token) -> bool:
    """« puisse », « puissent »: « pouvoir » in the mood that « Faire en sorte que » takes."""
    return lemma(verb) == "pouvoir" and verb.lower_.startswith("puiss")


def _clause_said(verb: Token) -> str | None:
    """The speaker's clause of ``verb``, whole (« Faire en sorte que … »); ``None`` when the
    line's length would cut it, perhaps before its verb, or when it takes something up by a
    pronoun (« que les citoyens puissent la soutenir »), which a rewrite names."""
    if any(t.dep_ in {"obj", "iobj"} and t.lower_ in _OBJECT_CLITICS for t in verb.subtree):
        return None
    return verbatim_action(verb, whole=True)


def _said_of_subject(verb: Token, cue: Cue) -> bool:
    """« qu'à l'université, la laïcité s'applique », « que les Français puissent travailler
    … »: a pronominal verb or « pouvoir » with its own nominal subject says what should become
    of the subject, which « S'appliquer … (la laïcité) » would make an actor; the speaker's
    clause says it right. Reciprocal verbs of a plural subject keep their line (« Se
    coordonner entre ministères »)."""
    pronominal = any(c.lower_ in _REFLEXIVES for c in verb.children if c.dep_.startswith("expl"))
    if verb.pos_ != "VERB" or not (pronominal or _subjunctive_pouvoir(verb)):
        return False
    subject = _subject(verb, cue)
    if subject is None or subject not in subjects(verb):
        return False
    return not (infinitive(verb) in _lexicon()["reciprocal"] and _plural(subject))


def _misread_infinitive(token: Token) -> bool:
    """An infinitive the parser hung on the noun after it as an adjective: « il faut les
    penser ensemble » reads « penser » as an adjective of « ensemble », « les » as its
    article."""
    return (
        token.dep_ == "amod" and token.i < token.head.i and token.morph.get("VerbForm") == ["Inf"]
    )


def _infinitive_before(noun: Token) -> Token | None:
    """« il convient de conditionner les aides … », with « conditionner » read as a noun and
    « les aides » hung on « convient »: the infinitive after « de », just before the object."""
    if noun.pos_ != "NOUN":
        return None
    before = noun.doc[noun.left_edge.i - 1] if noun.left_edge.i > noun.sent.start else None
    if (
        before is None
        or before.pos_ != "NOUN"
        or before.head != noun.head
        or not before.lower_.endswith(VERB_ENDINGS)
        or any(c.dep_ == "det" for c in before.children)
        or not any(c.dep_ == "case" and c.lower_ in {"de", "d'", "d’"} for c in before.children)
    ):
        return None
    return before


def _misread_action(noun: Token, verb: Token, negated: bool) -> list[str]:
    """The infinitive, what its clitic stands for, and the words that follow it in the noun's
    phrase: « Penser l'interopérabilité et la sécurité ensemble ». The parser hangs the clitic
    on the noun (as its article) or on the verb."""
    clitic = _object_clitic(verb, [*noun.children, *verb.children])
    taken = antecedent(clitic, verb) if clitic is not None else None
    words = [infinitive(verb)] + (_taken_up(taken) if taken is not None else [])
    if clitic is not None and taken is None:
        words = [clitic.text] + words  # « Les penser ensemble »
    words += _render(noun, skip={t.i for t in noun.subtree if t.i <= verb.i})
    return (["ne", "pas"] if negated else []) + words


# Verbs whose action is the verb they govern (« il faut pouvoir, dans certains métiers, … »).
_SEMI_AUXILIARIES = frozenset("pouvoir devoir vouloir falloir aller faire".split())


def _following(head: Token) -> list[Token]:
    """The tokens after ``head`` up to the next clause: a conjunction, a subject, a verb, a
    clitic, a relative pronoun or the sentence's end."""
    found: list[Token] = []
    for t in head.doc[head.i + 1 : head.sent.end]:
        if (
            t.text in SENTENCE_ENDS
            or t.pos_ in {"CCONJ", "SCONJ", "VERB", "AUX"}
            or t.dep_.startswith(("nsubj", "expl"))
            or (t.pos_ == "PRON" and t.lower_ in _lexicon()["clitics"])
            or t.morph.get("PronType") == ["Rel"]
        ):
            break
        found.append(t)
    while found and found[-1].pos_ in _DANGLING_POS:
        found.pop()  # « … à laquelle »: the relative clause's preposition
    return found


def _past_broken_incise(head: Token, following: list[Token]) -> list[Token]:
    """``following`` (see ``_following``), or, when it stops inside an incise that a clause
    breaks (« appliquer, avec la volonté de le faire, les règles … »), the noun phrase after
    the mark that closes the incise: the action's object, which the incise held apart."""
    if not following or following[0].text not in _INCISE_MARKS:
        return following
    mark = following[0].text
    if any(t.text == mark for t in following[1:]):
        return following
    doc = head.doc
    close = next((t for t in doc[following[-1].i + 1 : head.sent.end] if t.text == mark), None)
    if close is None or doc[following[-1].i + 1].text in SENTENCE_ENDS:
        return following
    rest = _following(close)
    if rest and rest[0].pos_ in {"DET", "NOUN", "PROPN", "NUM"}:
        return rest
    return following


# Words after which a conjugated verb belongs to a subordinate clause of the line.
_SUBORDINATORS = frozenset(
    "que qu' qu’ qui dont où quand si lorsque lorsqu' lorsqu’ comme puisque quoi".split()
)
_THAT = frozenset({"que", "qu'", "qu’"})
_FINITE_MOODS = frozenset({"Ind", "Sub", "Cnd"})
_DANGLING_POS = frozenset({"ADP", "DET", "CCONJ", "SCONJ"})
# Weak pronouns that stand before a verb, never last unless a preposition governs them
# (« avec lui »): « Laisser la moitié des économies lui » lost its place for the pronoun.
_CLITICS = frozenset({"lui", "leur", "me", "te", "se", "y", "en"})


def reads_badly(line: str, sent: Span) -> bool:
    """True when an action line cannot be an infinitive phrase: a conjugated verb of the
    sentence outside a subordinate clause of the line (« Prévoir un module … soit intégré »),
    or a last word that announces more (« … quel que soit »). Words are read with the
    sentence's own parse.

    Examples
    --------
    >>> reads_badly("Prévoir un module soit intégré", doc[:].sent)  # doctest: +SKIP
    True
    """
    by_text: dict[str, Token] = {}
    for token in sent:
        by_text.setdefault(token.lower_, token)
    words = re.findall(r"\w+(?:-\w+)*['’]?", line.lower())
    if not words:
        return True  # a misparse left no word at all
    tokens = [by_text.get(w) for w in words[1:]]
    last = tokens[-1] if tokens else None
    if last is not None and (last.pos_ in _DANGLING_POS or last.lower_ in _THAT | {"soit"}):
        return True
    # « Renouveler chaque année au moins »: the amount it announced was lost.
    if words[-1] == "environ" or words[-2:] in (["au", "moins"], ["au", "plus"]):
        return True
    before = tokens[-2] if len(tokens) > 1 else None
    if words[-1] in _CLITICS and (before is None or before.pos_ != "ADP"):
        return True
    for word, token in zip(words[1:], tokens, strict=True):
        if word in _SUBORDINATORS:
            return False
        if token is not None and token.pos_ in {"VERB", "AUX"}:
            clause = token.head if token.dep_ in {"cop", "aux", "aux:pass"} else token
            # A conjugated form that only describes a noun is the tagger's reading of an
            # adjective (« une formation continue »).
            describes = clause.dep_ in {"acl", "amod"} and not subjects(clause)
            if _FINITE_MOODS & set(token.morph.get("Mood")) and not describes:
                return True
    return False


def needed_action(falloir: Token) -> str:
    """« il faut plus d'autorité », « il faut, à chaque délit, des sanctions »: what « falloir »
    governs when the parser found no object or verb under it, after the support verb
    (« Prévoir plus d'autorité »)."""
    words = [w for c in falloir.children if _kept(c) for w in _render(c)]
    return _finish([_lexicon()["support_verb"], *words])


def verbatim_action(head: Token, whole: bool = False) -> str | None:
    """The action in the speaker's words: « Faire en sorte qu'un module … soit intégré … » for
    a clause or an adjective (« il faut que toute application soit interopérable »; an
    adjective without a subject is said as such: « Être plus dur sur les peines »), the
    infinitive and the words that follow it for a verb, the support verb and the noun phrase for
    a noun (« Prévoir une formation continue des équipes »); else ``None``, and ``None`` for a
    clause the line's length would cut when it must be ``whole``."""
    sent = head.sent
    # A clause after the action that says why (« parce que je crois … ») or what else, with
    # a pronoun for subject (« et c'est en reconstruisant … »), not what to do.
    aside = {
        x.i
        for c in head.children
        if c.i > head.i
        and (
            (
                c.dep_ == "advcl"
                and any(lemma(m) in _BECAUSE for m in c.children if m.dep_ == "mark")
            )
            or (c.dep_ in {"conj", "parataxis"} and any(s.pos_ == "PRON" for s in subjects(c)))
        )
        for x in c.subtree
    }
    tokens = [t for t in head.subtree if sent.start <= t.i < sent.end and t.i not in aside]
    mark = next((c for c in head.children if c.dep_ == "mark" and lemma(c) == "que"), None)
    if mark is not None:
        # « il faut que, qu'il y ait … »: the speaker started twice; the last start counts.
        clause = [t for t in tokens if t.i >= _restart(mark)]
        words = _until_end(clause, _SO_THAT)
        if whole and words != _until_end(clause, _SO_THAT, cut=False):
            return None
        return _finish(words)
    if head.pos_ == "ADJ":
        if not subjects(head):
            # « il faut être ferme »: the attitude itself.
            return _finish(_until_end(tokens))
        return _finish(_until_end(tokens, [*_SO_THAT, "que"]))
    if head.pos_ == "VERB" and head.morph.get("VerbForm") == ["Inf"]:
        line = _finish(_until_end([t for t in tokens if t.i > head.i], [infinitive(head)]))
        if reads_badly(line, sent):
            # « renouveler chaque année au moins un pour cent du linéaire »: the parser hung the
            # amount outside the verb's phrase; the words that follow it read as said.
            line = _finish(_until_end(list(sent[head.i - sent.start + 1 :]), [infinitive(head)]))
        return line
    if head.pos_ == "NOUN":
        # The noun's phrase, from its article: not the clause the noun heads (« Enfin, il faut
        # … : c'est l'élargissement du champ du référendum »).
        start = min((c.i for c in head.children if c.dep_ in _NOUN_MODIFIERS), default=head.i)
        phrase = [t for t in tokens if t.i >= min(start, head.i)]
        return _finish(_until_end(phrase, [_lexicon()["support_verb"]]))
    return None


_SO_THAT = ("Faire", "en", "sorte")


def _until_end(tokens: list[Token], lead: Sequence[str] = (), cut: bool = True) -> list[str]:
    """The words ``lead`` then those of ``tokens`` as written (the first one lower-cased at a
    sentence's start), up to the first sentence end, cut to the line's length (unless not
    ``cut``)."""
    tokens = [t for t in tokens if not _interjection(t)]
    end = next((k for k, t in enumerate(tokens) if t.text in SENTENCE_ENDS), len(tokens))
    text = "".join(_cased(t) + t.whitespace_ for t in tokens[:end])
    if lead and end and tokens[0].is_sent_start and tokens[0].pos_ != "PROPN":
        text = text[:1].lower() + text[1:]
    words = [*lead, *re.sub(r"([,;:])", r" \1 ", text).split()]
    if not cut:
        return words
    kept = _cut(words, _lexicon()["max_words"])
    return kept if kept == words else _without_bare_infinitive(kept, len(lead), tokens[:end])


# Prepositions that introduce an infinitive.
_TO_INFINITIVE = frozenset({"pour", "de", "d'", "d’", "à", "sans", "afin"})


def _without_bare_infinitive(words: list[str], lead: int, tokens: list[Token]) -> list[str]:
    """``words`` (``lead`` words, then words of ``tokens``, cut) without a last infinitive that
    has none of its complements before the cut (« … que ce qu'on impose aux Français pour
    permettre », where the speaker started the phrase again after a comma), nor the preposition
    before it."""
    if len(words) < lead + 3 or words[-2].lower() not in _TO_INFINITIVE:
        return words
    said = sum(1 for w in words[lead:] if w == words[-1])
    verb = [t for t in tokens if t.text == words[-1]][said - 1 : said]
    if not verb or verb[0].morph.get("VerbForm") != ["Inf"]:
        return words
    if any(c.i < verb[0].i and c.dep_ not in {"mark", "case", "punct"} for c in verb[0].children):
        return words
    kept = words[:-2]
    while kept and (kept[-1] in _PUNCT_END or kept[-1].lower() in _lexicon()["function_words"]):
        kept.pop()
    return kept


# Object pronouns that take up something said before.
_OBJECT_CLITICS = frozenset({"le", "la", "les", "l'", "l’", "lui", "leur", "en"})
# Endings of a present participle or verbal adjective, never of a past participle.
_PRESENT_PARTICIPLE = ("ant", "ants", "ante", "antes")
# Marks of a clause that gives a reason.
_BECAUSE = frozenset({"parce", "car", "puisque"})
# Adverbs that, without « ne », oppose a conjunct to what precedes it (« et pas », « et non »).
_CONTRAST_NOT = frozenset({"pas", "non", "jamais"})


def _verb_action(verb: Token, cue: Cue) -> tuple[list[str], list[str], int]:
    """Words of the infinitive phrase, of the actor (« entre ministères », « (l'État) »), and
    how many leading words the line's length does not count (see ``_state``)."""
    lex = _lexicon()
    words = (
        ["se"]
        if any(c.lower_ in _REFLEXIVES for c in verb.children if c.dep_.startswith("expl"))
        else []
    )
    subject = _subject(verb, cue)
    # « que les impôts baissent »: what changes is no actor (« Faire baisser les impôts »).
    changed = subject is not None and _changes(verb, words)
    # « faire payer les riches »: the causative is half of the action, not an auxiliary.
    if changed or any(
        lemma(c) == "faire" and c.i < verb.i for c in verb.children if c.dep_ in _CAUSATIVE
    ):
        words.append("faire")
    at = len(words)
    words += _verb_words(verb)
    verb_lemma = words[at]
    actor = None
    if subject is not None and (changed or _passive(verb)):
        words += _render(subject, skip={c.i for c in subject.children if c.dep_ == "case"})
        actor = None if changed else next((c for c in verb.children if c.dep_ == "obl:agent"), None)
    else:
        actor = subject
    clitic, taken = clitic_antecedent(verb)
    if taken is not None and taken == actor:
        actor = None
    after = postposed_clitic(verb)
    if after is not None and taken is None:
        # « étendez-les », with nothing named before to stand for: « les étendre ».
        words.insert(at, after.lower_)
        at += 1
    parallel = [c for c in verb.children if _parallel(c, verb)]
    kept = [c.i for c in verb.children if _kept(c) and c not in (actor, after, *parallel)]
    start, unopened = len(words), False
    # The verbs joined to the action are said where the speaker said them, before what the
    # verb governs after them (« recruter et garder ses profils, avec un statut adapté »).
    conjuncts = _joined_conjuncts(verb)
    joined_at = None
    for child in verb.children:
        if joined_at is None and conjuncts and child.i > conjuncts[0].i:
            joined_at = len(words)
        if _topic_before(child, verb) or child in parallel:
            continue
        if child.dep_ == "obj" and child.morph.get("PronType") == ["Rel"]:
            words += _antecedent(verb)
        elif (named := named_thing(child)) is not None:
            words += _render(named)
        elif child == clitic and taken is not None:
            words += _taken_up(taken)
        elif _kept(child) and child not in (actor, after):
            # With no one named to act, « son », « sa », « ses » are the doer's own, whoever
            # does it (« il ne faut pas battre sa coulpe »), not an article's.
            words += _render(child, own=actor is None)
        elif child.dep_ in _CLAUSES:
            words += [w for top in _tops(_after_incise(child)) for w in _render(top)]
        elif _inner_mark(child, verb, max(kept, default=verb.i)):
            # Never right after the verb (« changer, les conditions »: the words the mark set
            # off are gone), nor the mark that would close an incise so left open.
            if len(words) == start:
                unopened = True
            elif unopened:
                unopened = False
            else:
                words.append(child.text)
    doc = verb.doc
    aside = verb.i + 1 < len(doc) and doc[verb.i + 1].text in _INCISE_MARKS
    for c in _misplaced_objects(verb, cue):
        listed = _listed_after(verb, c)
        phrase = list(itertools.dropwhile(lambda w: w in _INCISE_MARKS, _render(c)))
        if listed and c.dep_ == "obj" and c.head.i != cue.trigger and c.head in _governors(verb):
            # « continuer à investir sur l'école, les fondamentaux, les mathématiques »: a verb
            # the line passed through (``action_head``) has no object of its own; the item is
            # the action's.
            words += [",", *phrase]
        elif aside or not (any(t.dep_ == "obj" for t in verb.children) or listed):
            # Not the next item of a list (« sortir du plastique, les pesticides »), unless
            # past an aside.
            words += phrase
    joined, free = False, 0
    for conj in conjuncts:
        rest = [w for c in conj.children if _kept(c) for w in _render(c)]
        # The speaker's « et » or « ou » (« simplifier … et publier … »), else a comma.
        link = next(
            (c.lower_ for c in conj.children if c.dep_ == "cc" and c.lower_ in {"et", "ou"}),
            ",",
        )
        negation = _conjunct_negation(conj, rest)
        added = [link, *negation, *_verb_words(conj), *rest]
        if negation == ["ne"]:
            # A cut would part « ne » from its « que »: the line may run over by the two
            # words of the link and the negation, or says the first action only.
            if _count(words + added) > lex["max_words"] + free + 2:
                continue
            free += 2
        if joined_at is None:
            words += added
        else:
            words[joined_at:joined_at] = added
            joined_at += len(added)
        joined = True
    for clause in map(_through, parallel):
        words += [
            ",",
            *_verb_words(clause),
            *(w for c in clause.children if _kept(c) for w in _render(c)),
        ]
        joined = True
    for listed in _listed(verb):
        words += [",", *_render(listed)]
        joined = True
    state = actor is not None and actor == subject and not _passive(verb) and not joined
    if verb_lemma in lex["state_verbs"] and state and at == 0:
        words, free = _state(verb_lemma, verb, cue, subject, words[1:])
        return words, [], free
    # « il faut mieux attribuer les logements »: « mieux » keeps its place before the
    # infinitive (« Mieux attribuer … », not « Attribuer mieux … »).
    before = [
        c for c in verb.children if c.i < verb.i and _preverbal(c) and c.text in words[at + 1 :]
    ]
    for c in before:
        del words[words.index(c.text, at + 1)]
    words[at:at] = [c.lower_ for c in before]
    words = _negation(verb, cue, words) + words
    if actor is None:
        return words, [], free
    return words, _actor(actor, verb_lemma in lex["reciprocal"]), free


def _changes(verb: Token, words: list[str]) -> bool:
    """``verb`` says a change its subject undergoes (``change_verbs``, actions.yaml): used
    without object or clause, not passive, not reflexive, not already under « faire »."""
    return (
        infinitive(verb) in _lexicon()["change_verbs"]
        and not words
        and not _passive(verb)
        and not any(
            c.dep_ in {"obj", "ccomp", "xcomp"} or (c.dep_ in _CAUSATIVE and lemma(c) == "faire")
            for c in verb.children
        )
    )


def _misplaced_objects(verb: Token, cue: Cue) -> list[Token]:
    """Nouns after ``verb`` that the parser hung, as objects, on the verb that governs it (the
    cue's trigger, or a verb the line passed through: ``action_head``) or on an aside that
    comments on it, past the aside or a phrase it misread: « nous allons créer, dès 2025, une
    filière … », « il faut donner, en particulier aux petites communes, la possibilité … »,
    « je m'engage à publier d'ici juin une liste », « je veux proposer de baisser, pas des
    chèques, la TVA », « doubler, comme je le souhaite, les aides »."""
    trigger = verb.doc[cue.trigger]
    holders = [c for t in (verb, *_governors(verb)) for c in t.children if _comments(c)]
    if verb.head == trigger != verb or (verb.dep_ == "xcomp" and _passing(verb.head)):
        holders.append(verb.head)
    return [
        c
        for holder in holders
        for c in holder.children
        if c.dep_ in {"obj", "dep"} and c.pos_ in {"NOUN", "PROPN"} and c.i > verb.i
    ]


def _listed_after(verb: Token, phrase: Token) -> bool:
    """A comma stands between ``verb`` and ``phrase``: an item of a list, not an object. A
    phrase the speaker sets against the action (« pas des chèques », see ``_contrast``) is no
    item, nor are its commas."""
    contrasted = {i for c in phrase.head.children for i in _contrast(c)}
    first = next((t for t in phrase.subtree if not t.is_punct and t.i not in contrasted), phrase)
    return any(
        t.is_punct and not {t.i - 1, t.i, t.i + 1} & contrasted
        for t in verb.doc[verb.i + 1 : first.i]
    )


def _governors(verb: Token) -> list[Token]:
    """The verbs ``verb`` completes, up the infinitives (« il faut pouvoir doubler »)."""
    found = []
    while verb.dep_ == "xcomp" and verb.head != verb:
        verb = verb.head
        found.append(verb)
    return found


def _parallel(clause: Token, verb: Token) -> bool:
    """« je souhaite qu'ils puissent voyager, qu'ils puissent trouver un emploi »: a « que »
    clause after a comma, which the parser hung on an action said in a « que » clause of its
    own, in the same verb or mood, says a second action, not a complement of the first (« de
    telle sorte …, que personne ne puisse … » is none: its mood differs, and its negation would
    be lost)."""
    governor = verb.head if verb.dep_ == "xcomp" else verb
    mood = clause.morph.get("Mood")
    return (
        clause.i > verb.i
        and clause.dep_ in {"ccomp", "advcl"}
        and (lemma(clause) == lemma(governor) or (mood and mood == governor.morph.get("Mood")))
        and not denied(clause)
        and _that(clause)
        and _that(governor)
        and clause.left_edge.i > 0
        and clause.doc[clause.left_edge.i - 1].text == ","
    )


def _listed(verb: Token) -> list[Token]:
    """« il faut former les agents, recruter des ingénieurs », « que l'on puisse créer sur
    place, consommer au plus près »: the infinitives after a comma, without a preposition, that
    the parser hung beside the action on the verb that governs it; the next actions of a
    list."""
    if verb.dep_ != "xcomp":
        return []
    doc = verb.doc
    return [
        c
        for c in verb.head.children
        if c.dep_ == "xcomp"
        and c.i > verb.i
        and c.pos_ == "VERB"
        and c.morph.get("VerbForm") == ["Inf"]
        and not any(m.dep_ == "mark" for m in c.children)
        and doc[c.left_edge.i - 1].text == ","
        # Right after the comma, but for its pronouns and negation (not « c'est-à-dire »).
        and all(t.pos_ == "PRON" or t.lower_ in _NEGATIONS for t in doc[c.left_edge.i : c.i])
        # « garder les registres en interne, les concevoir, les exploiter »: an action on what
        # the line names already, taken up by a pronoun, makes it longer, not clearer.
        and not any(t.dep_ in {"obj", "iobj"} and t.lower_ in _OBJECT_CLITICS for t in c.children)
    ]


def _that(clause: Token) -> bool:
    """The clause opens with « que » (which the parser may take for a relative pronoun)."""
    return clause.left_edge.lower_ in _THAT and clause.left_edge.head == clause


def _preverbal(child: Token) -> bool:
    return child.dep_ == "advmod" and child.lower_ in _PREVERBAL and not list(child.children)


def _topic_before(child: Token, verb: Token) -> bool:
    """« le premier enjeu collectif, c'est de réduire … »: a noun set off by a comma before the
    infinitive names the topic, not what the action acts on."""
    return (
        child.pos_ in {"NOUN", "PROPN"}
        and child.right_edge.i < verb.i
        and any(t.text == "," for t in verb.doc[child.right_edge.i + 1 : verb.i])
    )


def _negation(verb: Token, cue: Cue, words: list[str]) -> list[str]:
    """How a line of ``words`` says a negated action: « ne pas », « ne plus », « ne jamais »,
    or « ne » alone when the line has a negative determiner (« ne financer aucun projet »,
    « aucun contrat ne dépasse … »); ``[]`` when the action is not negated."""
    if not (_cue_negated(cue, verb.doc) or denied(verb)):
        return []
    if _lexicon()["negative"] & {w.lower() for w in words}:
        return ["ne"]
    # « il ne faut oublier personne »: « Ne pas oublier personne » would not be French.
    if any(negative_pronoun(c) and c.text in words for c in verb.children):
        return ["ne"]
    said = [verb, verb.doc[cue.trigger]]
    # « il faudrait ne publier que les marchés de plus de … »: « ne … que » restricts, and
    # « ne pas publier que … » would say another thing.
    if not {c.lower_ for h in said for c in h.children} & _NEGATORS and _restricts(words):
        return ["ne"]
    adverb = next(
        (c.lower_ for h in said for c in h.children if c.lower_ in _NEGATIVE_ADVERBS),
        "pas",
    )
    return ["ne", adverb]


def negative_pronoun(token: Token) -> bool:
    """« personne », « rien » as said after « ne »: with no determiner (not « la personne »)."""
    return token.lower_ in _lexicon()["negative_pronouns"] and not any(
        c.dep_ == "det" for c in token.children
    )


def _cue_negated(cue: Cue, doc: Doc) -> bool:
    """The cue's negation, unless it rests on a « pas » that sets a phrase against another
    (« je veux baisser la TVA, pas des chèques »: see ``contrastive``)."""
    said = (doc[cue.trigger], doc[cue.head])
    return cue.negated and not (any(map(is_negated, said)) and not any(map(denied, said)))


def _conjunct_negation(conj: Token, rest: list[str]) -> list[str]:
    """The negation of a conjoined verb: « et ne demander les pièces qu'à l'entreprise
    retenue » (« ne … que »), « et ne plus fermer … », « et ne pas … »."""
    if not denied(conj):
        return []
    said = {c.lower_ for c in conj.children} & _NEGATORS
    if said:
        return ["ne", min(said)]
    return ["ne"] if _restricts(rest) else ["ne", "pas"]


def _restricts(words: list[str]) -> bool:
    """A « que » among the words of a line whose « ne » has no « pas »: « ne … que »."""
    return any(w.lower() in _THAT or w.lower().startswith(("qu'", "qu’")) for w in words)


def _state(
    state: str, verb: Token, cue: Cue, subject: Token, rest: list[str]
) -> tuple[list[str], int]:
    """« Faire en sorte que » + the subject + the verb of state ``state`` (« être » for « être
    garant »: see ``_verb_words``) in the subjunctive + its complements ``rest``: « Faire en
    sorte que la durée de concession ne dépasse pas sept à dix ans »; and the number of words
    before the verb, which the line's length does not count (as it does not count an actor)."""
    leading = {"case", "cc", "punct"}  # « et la forme de coopération doit devenir … »
    phrase = _render(subject, skip={c.i for c in subject.children if c.dep_ in leading})
    singular, plural = _lexicon()["state_verbs"][state]
    # « ne dépasse pas », « ne reste plus »; « aucun contrat ne dépasse … » has its own.
    negation = _negation(verb, cue, phrase + rest)
    form = negation[:1] + [plural if _plural(subject) else singular] + negation[1:]
    head = ["Faire", "en", "sorte", "que", *phrase]  # elided by _finish: « qu'aucun »
    return head + form + rest, _count(head)


def _subject(verb: Token, cue: Cue) -> Token | None:
    """The nominal subject of the action: the verb's own (the last one before it, as « l'enjeu
    est que ces signalements soient traités » has two) or the modal's (« l'État doit … »). An
    infinitive has none of its own: a noun the parser made its subject is the speaker's framing
    (« ma proposition, c'est de défiscaliser … »), not who should act."""
    nominal = [
        s
        for s in subjects(verb)
        if s.pos_ in {"NOUN", "PROPN"} and s.i < verb.i and s.i != cue.trigger
    ]
    if nominal and verb.morph.get("VerbForm") != ["Inf"]:
        return nominal[-1]
    if cue.actor is not None and verb.doc[cue.actor].pos_ in {"NOUN", "PROPN"}:
        return verb.doc[cue.actor]
    # « je ne veux pas augmenter les loyers, je veux qu'ils baissent »: a plural subject
    # pronoun stands for the noun the sentence named before (« Baisser », not « Baisser (les
    # loyers) », said nothing).
    # A noun whose phrase holds a clause is left: the parser may have hung the clause's own
    # verb on it (« les étudiants qui travaillent soient aidés »).
    plural = [s for s in subjects(verb) if s.pos_ == "PRON" and s.lower_ in _SUBJECT_AGREEMENT]
    if plural and not nominal and verb.morph.get("VerbForm") != ["Inf"]:
        noun = antecedent(plural[-1], verb)
        if noun is not None and not any(t.pos_ in {"VERB", "AUX"} for t in noun.subtree):
            return noun
    return None


def _antecedent(verb: Token) -> list[str]:
    """« la trame que je veux partager »: the noun the relative clause hangs on."""
    for token in [verb, *verb.ancestors]:
        if token.dep_ == "acl:relcl" and token.head.pos_ in {"NOUN", "PROPN"}:
            return _render(token.head)
    return []


# Object clitics that stand for a noun, with the number and gender the noun agrees in; and the
# verbs whose clitic stands for a whole clause or for what the verb governs (« il faut le
# faire », « je le dis », « je les ferai financer »).
_CLITIC_AGREEMENT = {
    "les": ("Plur", None),
    "la": ("Sing", "Fem"),
    "le": ("Sing", "Masc"),
    "l'": ("Sing", None),
    "l’": ("Sing", None),
}
PRO_VERBS = frozenset({"faire", "dire"})
# Subject pronouns that stand for a noun (« il », « elle » are too often impersonal or a
# person).
_SUBJECT_AGREEMENT = {"ils": ("Plur", None), "elles": ("Plur", "Fem")}
# Determiners an antecedent loses for the definite article (« il n'existe aucune agence, il
# faut la créer » → « créer l'agence »).
_INDEFINITE = frozenset(
    "de d' d’ du des un une aucun aucune nul nulle quelques plusieurs certains certaines".split()
)
# Where the named thing an object clitic takes up stands: a subject, an object, a detached
# phrase (« ces progrès, il faut pouvoir les financer »), a heading (« Immigration
# économique : … »).
_ANTECEDENT_DEPS = frozenset({"nsubj", "nsubj:pass", "obj", "dislocated", "ROOT", "appos"})


def clitic_antecedent(verb: Token) -> tuple[Token | None, Token | None]:
    """The object clitic of ``verb`` and the noun it stands for (see ``antecedent``); both
    ``None`` when the verb has no object clitic."""
    clitic = _object_clitic(verb, [c for c in verb.children if c.dep_ == "obj"])
    clitic = clitic or postposed_clitic(verb)
    return (clitic, antecedent(clitic, verb)) if clitic is not None else (None, None)


def postposed_clitic(verb: Token) -> Token | None:
    """The object clitic an imperative carries after a hyphen (« partageons-les », « étendez-la
    »), whatever the parser made of it, or ``None``."""
    doc = verb.doc
    k = verb.i + 2
    if k < len(doc) and doc[k - 1].text == "-" and doc[k].lower_ in _CLITIC_AGREEMENT:
        return doc[k] if doc[k].head == verb else None
    return None


def _object_clitic(verb: Token, candidates: list[Token]) -> Token | None:
    """The first of ``candidates`` that is an object clitic said before ``verb``."""
    return next(
        (
            c
            for c in candidates
            if c.pos_ == "PRON" and c.lower_ in _CLITIC_AGREEMENT and c.i < verb.i
        ),
        None,
    )


def antecedent(clitic: Token, verb: Token) -> Token | None:
    """The noun an object clitic (or a plural subject pronoun, see ``_subject``) of ``verb``
    stands for, when the same sentence names it
    before: the nearest noun that agrees with it in number and gender (coordinated nouns are
    plural), heading a subject, an object or a detached phrase, and not the subject of the
    verb or of its modal. « les administrations qui détiennent ces données doivent les mettre
    à disposition » → « données ». ``None`` when nothing agrees, when the noun is the verb's
    own dependent (already in the line), and for a clitic of « faire » or « dire » (see
    ``PRO_VERBS``)."""
    if lemma(verb) in PRO_VERBS:
        return None
    number, gender = {**_CLITIC_AGREEMENT, **_SUBJECT_AGREEMENT}[clitic.lower_]
    # « le gouvernement a tort, nous devons le reconnaître »: « le » is the clause.
    if number == "Sing" and lemma(verb) in lexicon()["non_action_verbs"]:
        return None
    # The verb and the modals it completes (« doivent les mettre », « il faut pouvoir les
    # financer »): their own subjects are not what the clitic takes up.
    governors = {verb.i}
    token = verb
    while token.dep_ == "xcomp" and token.head.i != token.i:
        token = token.head
        governors.add(token.i)
    for noun in reversed(verb.sent[: clitic.i - verb.sent.start]):
        # A noun phrase without a preposition hung as an adjunct is detached too (« ce
        # personnel hospitalier, il faut le soutenir »).
        bare = noun.dep_.startswith("obl") and not any(c.dep_ == "case" for c in noun.children)
        if noun.pos_ not in {"NOUN", "PROPN"} or not (noun.dep_ in _ANTECEDENT_DEPS or bare):
            continue
        if verb.dep_ == "conj" and verb.head == noun:  # a verb the parser joined to the noun
            continue
        if noun.dep_.startswith("nsubj") and noun.head.i in governors and not _detached(noun):
            continue
        if _agrees(noun, number, gender):
            # « l'agrivoltaïsme est un vrai projet …, nous allons le porter »: what the
            # predicate describes is its subject.
            subject = next((x for x in subjects(noun) if x.pos_ in {"NOUN", "PROPN"}), None)
            if any(c.dep_ == "cop" for c in noun.children) and subject is not None:
                noun = subject if _agrees(subject, number, gender) else noun
            # A noun the verb governs is in the line already (« les économies, je les ferais »).
            return noun if noun.head != verb else None
    return None


def _agrees(noun: Token, number: str, gender: str | None) -> bool:
    """``noun`` has this number (see ``_plural``) and, when given and the noun is singular,
    this gender."""
    plural = _plural(noun)
    if ("Plur" if plural else "Sing") != number:
        return False
    return not gender or plural or noun.morph.get("Gender", [gender])[0] == gender


def _plural(noun: Token) -> bool:
    """A plural noun, or nouns joined by « et » (« l'État et les régions »)."""
    coordinated = any(c.dep_ == "conj" and c.pos_ in {"NOUN", "PROPN"} for c in noun.children)
    return coordinated or noun.morph.get("Number") == ["Plur"]


def _taken_up(noun: Token) -> list[str]:
    """The antecedent's noun phrase, with the definite article that a heading lacks
    (« Immigration économique : … il faut la limiter » → « limiter l'immigration économique »)
    or that replaces an indefinite or negative determiner (``_INDEFINITE``)."""
    indefinite = {c.i for c in noun.children if c.dep_ == "det" and c.lower_ in _INDEFINITE}
    words = _render(noun, skip=_clause_words(noun) | indefinite)
    if noun.pos_ == "NOUN" and (indefinite or not any(c.dep_ == "det" for c in noun.children)):
        plural = noun.morph.get("Number") == ["Plur"]
        article = "les" if plural else "la" if noun.morph.get("Gender") == ["Fem"] else "le"
        words = [article, words[0][:1].lower() + words[0][1:], *words[1:]]
    return words


def _detached(subject: Token) -> bool:
    """A nominal subject that its verb has another subject beside (« cette relation, nous
    devons la retisser », « ces progrès il faut … »): a detached phrase the parser hung as
    subject."""
    return any(s != subject for s in subjects(subject.head)) or any(
        c.dep_ == "expl:subj" for c in subject.head.children
    )


# Dependents that stay in the noun phrase of an antecedent; its clauses, its own preposition
# and whatever the parser hung on a noun heading a sentence do not.
_NOUN_PHRASE_DEPS = frozenset(
    {"det", "amod", "nmod", "nummod", "compound", "flat:name", "fixed", "conj", "cc"}
)


def _clause_words(noun: Token) -> set[int]:
    """The words of ``noun``'s subtree outside its noun phrase (see ``_NOUN_PHRASE_DEPS``;
    the case of a complement stays: « la question des retraites »)."""
    phrase, todo = {noun.i}, [noun]
    while todo:
        for child in todo.pop().children:
            inner = child.head != noun and child.dep_ == "case"
            if (child.dep_ in _NOUN_PHRASE_DEPS or inner) and not child.is_punct:
                phrase.add(child.i)
                todo.append(child)
    return {t.i for t in noun.subtree} - phrase


def _adjectival(verb: Token) -> bool:
    """« être exigeant »: a present participle after « être » is an adjective, said as such
    (not « exiger »). No past participle ends in « -ant »: one the tagger reads as past is
    present too (« l'État doit être garant de … », not « garer l'État »); nor is a participle
    whose lemma is no infinitive a verb (« doivent être inquiets », not « Inquiet les … »)."""
    return (
        verb.morph.get("VerbForm") == ["Part"]
        and (
            verb.morph.get("Tense") == ["Pres"]
            or verb.lower_.endswith(_PRESENT_PARTICIPLE)
            or not verb.lemma_.lower().endswith(VERB_ENDINGS)
        )
        and any(c.dep_ in {"aux:pass", "cop"} and lemma(c) == "être" for c in verb.children)
    )


def _verb_words(verb: Token) -> list[str]:
    """The infinitive of ``verb``, or « être » and the adjective (``_adjectival``)."""
    return ["être", verb.lower_] if _adjectival(verb) else [infinitive(verb)]


def _passive(verb: Token) -> bool:
    if _adjectival(verb):
        return False
    if verb.morph.get("Voice") == ["Pass"]:
        return True
    return any(c.dep_ in {"aux:pass", "cop"} for c in verb.children)


def _actor(actor: Token, reciprocal: bool) -> list[str]:
    phrase = _render(actor, skip={c.i for c in actor.children if c.dep_ == "case"})
    if reciprocal and actor.morph.get("Number") == ["Plur"]:
        return ["entre"] + [w for w in phrase if w.lower() not in {"les", "des", "ces"}]
    return ["("] + phrase + [")"]


def _noun_action(noun: Token) -> list[str]:
    """« la mise en place d'un cadre » → « mettre en place un cadre »; « un moratoire » →
    « prévoir un moratoire » (the support verb)."""
    lex = _lexicon()
    following = tuple(t.lower_ for t in noun.doc[noun.i : noun.i + 4])
    # « une formation continue des équipes »: an adjective of the noun has no place beside
    # the verb (« Former continue … »), so the noun stays, with the support verb.
    described = any(
        (c.dep_ == "amod" and c.i > noun.i) or (c.dep_ == "acl" and c.i == noun.i + 1)
        for c in noun.children
    )
    if is_needed(noun):
        # « nous avons besoin d'une instance »: what is needed, without its « de ».
        return [lex["support_verb"]] + _object_phrase(noun)
    for key, verb in lex["nominalisations"].items():
        if following[: len(key)] != key:
            continue
        # After a longer key, a content word right after it is its adjective, however parsed
        # (« la mise en œuvre concertée de … »).
        end = noun.i + len(key)
        adjective = (
            described
            if len(key) == 1
            else end < len(noun.doc) and noun.doc[end].pos_ in {"ADJ", "NOUN", "VERB"}
        )
        # « il faut de la formation pour les agents », « une meilleure formation »: without
        # the « de » complement that becomes its object, the verb would stand without one
        # (« Former pour les agents »); the noun stays, with the support verb.
        unsaid = len(key) == 1 and not any(_is_de_object(c) for c in noun.children)
        if not adjective and not unsaid:
            return [verb] + _nominal_complements(noun, set(range(noun.i, end)))
    # The noun's clause (« je suis donc pour la dissolution … »: subject, copula, adverb,
    # preposition) is no part of the measure; only its article and adjectives precede it.
    last = max(
        (c.i for c in noun.children if c.i > noun.i and c.dep_ not in _PREDICATE_DEPS),
        default=noun.i,
    )
    clause = {
        x.i
        for c in noun.children
        if (c.dep_ in _PREDICATE_DEPS and not _inner_mark(c, noun, last) and not _restrictive(c))
        or (
            c.i < noun.i
            and c.dep_ not in _NOUN_MODIFIERS
            and c.lower_ not in _ARTICLES
            and not _misread_noun(c)
        )
        for x in c.subtree
    }
    words = _render(noun, skip=clause)
    favoured = lemma(noun.head) in lexicon()["favour_adjectives"]
    if favoured and words[:1] in (["au"], ["aux"]) and len(words) > 1:
        # « je suis favorable au retour à … » → « Prévoir le retour à … ».
        words[:1] = ["les"] if words[0] == "aux" else ["l'" if _elides(words[1]) else "le"]
    bare = not any(c.dep_ in {"det", "nummod", "case"} for c in noun.children)
    if bare and words[:1] == [noun.text] and noun.pos_ == "NOUN":
        # « je propose : passage au quinquennat » → « Prévoir le passage au quinquennat ».
        plural, feminine = noun.morph.get("Number") == ["Plur"], noun.morph.get("Gender") == ["Fem"]
        words.insert(0, "les" if plural else "la" if feminine else "le")
    return [lex["support_verb"]] + words


def _misread_noun(word: Token) -> bool:
    """« un bien de première nécessité », with « bien » taken for an adverb of « nécessité »:
    an adverb with an article of its own before it is a noun, the head of the phrase."""
    return word.pos_ == "ADV" and any(c.dep_ == "det" and c.i < word.i for c in word.children)


def _inner_mark(child: Token, head: Token, last: int) -> bool:
    """A comma or dash of ``head`` between two words the line keeps, after ``head`` and before
    ``last``: half of an incise (« ouvrir aux chercheurs, dans un cadre sécurisé, des jeux de
    données ») whose other half the parser put inside a complement."""
    return child.dep_ == "punct" and child.text in _INCISE_MARKS and head.i < child.i < last


def is_needed(token: Token) -> bool:
    """The complement of « avoir besoin de » (« d'une instance » in « nous avons besoin,
    nous aussi, d'une instance »), whichever relation the parser gave it."""
    return (
        token.dep_ in {"obj", "obl:arg"}
        and lemma(token) != "besoin"
        and any(c.dep_ == "obj" and lemma(c) == "besoin" for c in token.head.children)
        and any(lemma(c) in {"de", "d'"} for c in token.children if c.dep_ in {"case", "mark"})
    )


def _nominal_complements(noun: Token, parts: set[int]) -> list[str]:
    """« la création d'une cellule dédiée » → « une cellule dédiée » (object of the verb)."""
    words: list[str] = []
    has_object = any(_is_de_object(c) for c in noun.children)
    for child in noun.children:
        if child.i in parts or child.i < noun.i or child.dep_ in {"det", "punct", "acl:relcl"}:
            continue
        # « la mise en place d'un guichet unique et d'une carte … »: a second object the
        # parser hung on the action noun loses its « de » as the first does.
        second = has_object and child.dep_ == "conj" and _is_de_object(child, "conj")
        words += _object_phrase(child) if _is_de_object(child) or second else _render(child)
    return words


def _is_de_object(child: Token, dep: str = "nmod") -> bool:
    return child.dep_ == dep and any(
        c.dep_ == "case" and lemma(c) in {"de", "du", "des", "d'"} for c in child.children
    )


def _object_phrase(child: Token) -> list[str]:
    """Drop the « de » of the nominalised verb's object and repair the article."""
    case = next((c for c in child.children if c.dep_ == "case"), None)
    if case is None:
        return _render(child)
    # « le dépôt des sources et de la documentation » → « les sources et la documentation »:
    # a conjunct's « de » before its article goes too; so does that of a conjunct the parser
    # hung deeper when both say « d'un(e) » (« l'adoption d'une nomenclature des dépenses et
    # d'un référentiel » → « une nomenclature des dépenses et un référentiel »).
    parallel = _indefinite(child)
    conjoined = {
        c.i
        for conj in child.subtree
        if conj.dep_ == "conj"
        and (conj.head == child or (parallel and _indefinite(conj)))
        and any(d.dep_ == "det" for d in conj.children)
        for c in conj.children
        if c.dep_ == "case" and c.lower_ in {"de", "d'", "d’"}
    }
    # Words the parser hung on the object but said before its « de » are not part of it,
    # save the « et » of a conjunct.
    linked = {
        c.i for c in child.children if child.dep_ == "conj" and c.dep_ == "cc" and c.pos_ == "CCONJ"
    }
    before = {x.i for c in child.children if c.i < case.i and c.i not in linked for x in c.subtree}
    words = _render(child, skip={case.i} | conjoined | before)
    # A number is the article of its noun (« la création de quatorze réacteurs »).
    has_det = any(c.dep_ in {"det", "nummod"} for c in child.children)
    if case.lower_ == "du":
        return ["le"] + words
    if case.lower_ == "des" and case.morph.get("Definite") == ["Def"]:
        return ["les"] + words
    # A plural the tagger read as singular (« d'observatoires régionaux ») shows in its form.
    plural_form = child.lower_.endswith(("s", "x")) and not lemma(child).endswith(("s", "x"))
    if not has_det and (child.morph.get("Number") == ["Plur"] or plural_form):
        return ["des"] + words
    return words


def _indefinite(noun: Token) -> bool:
    """« d'un registre », « d'une instance »: « de » and an indefinite singular article."""
    return any(c.dep_ == "case" and c.lower_ in {"de", "d'", "d’"} for c in noun.children) and any(
        c.dep_ == "det" and c.lower_ in {"un", "une"} for c in noun.children
    )


def _after_incise(clause: Token) -> list[Token]:
    """What the parser hung on a clause set off by commas but the sentence says after it.

    « passer d'une logique de prestation, où l'administration commande une étude, à une
    logique de partenariat » puts « à une logique de partenariat » under the clause: dropping
    the clause would drop it too, and with it the action's meaning. The words after the
    clause's last comma are kept when they open with a preposition.
    """
    tokens = [t for t in clause.subtree if t.text not in SENTENCE_ENDS]
    first = tokens[0].i if tokens else clause.i
    if first == 0 or clause.doc[first - 1].text != ",":
        return []
    commas = [t.i for t in tokens if t.text == "," and t.i > clause.i]
    rest = [t for t in tokens if commas and t.i > commas[-1]]
    return rest if rest and rest[0].pos_ == "ADP" else []


def _tops(tokens: list[Token]) -> list[Token]:
    """The tokens of ``tokens`` whose head is outside it, in order."""
    inside = {t.i for t in tokens}
    return [t for t in tokens if t.head.i not in inside or t.head == t]


def _kept(child: Token) -> bool:
    lex = _lexicon()
    if _orders_actions(child) or _manner(child):
        return True
    if {t.i for t in child.subtree} <= _contrast(child):
        return False
    if child.dep_ in _SKIPPED_DEPS or child.dep_.startswith("expl") or _interjection(child):
        return False
    if _appended_clause(child) or _announces_clause(child) or _names_where(child):
        return False
    if _floating_quantifier(child):
        return False
    if _past_a_break(child):
        return False
    if child.pos_ == "PRON" and (
        child.lower_ in lex["clitics"] or child.morph.get("PronType") == ["Rel"]
    ):
        # « financer ce qui marche »: « ce » heads what the restrictive clause names.
        return any(_restrictive(c) for c in child.children)
    # « je leur restituerai », « il faut leur en donner »: a clitic before its verb, alone or
    # with others, whatever tag the parser gave it; never moved after the verb.
    verbal = child.head.pos_ == "VERB" or is_future(child.head)
    between = child.doc[child.i : child.head.i]
    if verbal and between and all(t.lower_ in lex["clitics"] for t in between):
        return False
    # « il faut plus de policiers »: a quantity, not a negation (« il ne faut plus de … »).
    quantity = bool(list(child.children)) and not denied(child.head)
    negation = child.lower_ in _NEGATIONS and not (contrastive(child) and _adds(child))
    if child.dep_ == "advmod" and negation and not quantity:
        return False
    if child.pos_ == "ADP" and not any(True for _ in child.children):
        return False
    return not _emphasis(child)


def _joined_conjuncts(verb: Token) -> list[Token]:
    """The verbs coordinated to ``verb`` that the line says with it: without a subject of their
    own, not set against it (« pensée dès la conception, et pas ajoutée à la fin »: the line
    keeps the speaker's meaning without what not to do), not past a break (``_past_a_break``)."""
    return [
        c
        for c in verb.children
        if c.dep_ == "conj"
        and c.pos_ == "VERB"
        and not subjects(c)
        and not any(a.dep_ == "advmod" and a.lower_ in _CONTRAST_NOT for a in c.children)
        and not _past_a_break(c)
    ]


def _past_a_break(child: Token) -> bool:
    """A full stop or the start of a clause of reason lies between ``child`` and its head: the
    parser ran over it (« il faut faire vivre la donnée. Et au fond … »; « cibler sur ces
    rouleurs parce que la voiture, pour eux, … »: « pour eux » is the reason's)."""
    between = child.doc[child.head.i + 1 : child.i]
    return any(t.text in SENTENCE_ENDS or t.lower_ in _BECAUSE for t in between)


def _said_where(verb: Token) -> bool:
    """« des métiers où il faudra recruter »: the action is said in a « où » clause of a noun,
    on ``verb`` or on the verb that governs it."""
    clause = [verb, verb.head] if verb.dep_ == "xcomp" else [verb]
    return any(
        c.lower_ == "où" and c.morph.get("PronType") == ["Rel"] and c.i < v.i
        for v in clause
        for c in v.children
    )


def _names_where(child: Token) -> bool:
    """« des métiers où il faudra recruter, la boulangerie, la plomberie »: after the verb of
    a « où » clause and a comma, nouns the parser took for objects name the places the clause
    speaks of (no comma parts a verb from its object), not what to act on."""
    verb = child.head
    if child.dep_ != "obj" or child.i < verb.i or not _said_where(verb):
        return False
    first = next(c for c in verb.children if c.dep_ == "obj" and c.i > verb.i)
    words = [t for t in first.subtree if not t.is_punct]
    return words[0].i == verb.i + 2 and child.doc[verb.i + 1].text == ","


def _floating_quantifier(child: Token) -> bool:
    """« il ne faut pas les supprimer tous »: « tous » after the verb counts what the object
    clitic before it stands for; the line says that by the clitic's antecedent, or not at all
    (« Ne pas supprimer tous »)."""
    verb = child.head
    return (
        lemma(child) == "tout"
        and child.morph.get("Number") == ["Plur"]
        and child.dep_ == "advmod"
        and child.i > verb.i
        and not any(True for _ in child.children)
        and any(
            c.dep_ in {"obj", "iobj"} and c.i < verb.i and c.lower_ in _lexicon()["clitics"]
            for c in verb.children
        )
    )


def _announces_clause(child: Token) -> bool:
    """« de telle sorte », « à tel point »: a phrase whose « tel » announces the « que » clause
    that says its measure, which the line never keeps (a clause of the verb); alone it dangles
    (« Revaloriser le minimum vieillesse de telle sorte »)."""
    return child.dep_.split(":")[0] in {"obl", "nmod"} and any(
        c.dep_ == "amod" and lemma(c) == "tel" for c in child.children
    )


def _appended_clause(child: Token) -> bool:
    """A clause set off by a comma that the parser hung on the verb but that says something of
    a noun of the line: a relative clause (« reprendre la réforme de 2010, qui était de
    fusionner … »), or a « que » clause after the verb's object, which a verb with an object
    cannot govern (« développer une filière, que nous avons tous les moyens … », a relative
    clause the speaker broke off). Kept, it would dangle; the line ends before it."""
    if child.head.pos_ not in {"VERB", "AUX"} or not _appended(child.left_edge):
        return False
    if child.dep_ == "acl:relcl":
        return True
    objects = [c for c in child.head.children if c.dep_ == "obj" and c.i < child.i]
    return child.dep_ == "ccomp" and _that(child) and any(c.pos_ == "NOUN" for c in objects)


# After « pas », words that add to what was said rather than set against it (« pas seulement
# dans les hôpitaux, mais aussi … »).
_NOT_ONLY = frozenset({"seulement", "uniquement", "simplement", "juste", "que", "qu'", "qu’"})


def _contrast(token: Token) -> set[int]:
    """« baisser la TVA, pas des chèques, pas des tickets »: the words of ``token``'s phrase
    that a contrastive « pas » opening it (or just before it, hung on its head) sets against
    the action, from the « pas » to the next comma. They say what the speaker does not propose,
    and the line, which says what to do, leaves them out; words past that comma are the
    sentence's again, wherever the parser hung them."""
    words = [t for t in token.subtree if not t.is_punct]
    first = words[0] if words else token
    before = token.doc[first.i - 1] if first.i > 0 else None
    if first.lower_ == "pas" and first != token:
        adverb = first
    elif before is not None and before.lower_ == "pas" and before.head == token.head:
        adverb = before
    else:
        return set()
    if not contrastive(adverb) or _adds(adverb):
        return set()
    end = next((t.i for t in token.subtree if t.i > adverb.i and t.text == ","), None)
    start = min(adverb.i, token.left_edge.i)  # with the comma that opens it
    return set(range(start, token.right_edge.i + 1 if end is None else end))


def _adds(adverb: Token) -> bool:
    """« pas seulement dans les hôpitaux, mais aussi … »: the words after « pas » add to what
    was said rather than set against it."""
    following = adverb.doc[adverb.i + 1] if adverb.i + 1 < len(adverb.doc) else None
    return following is not None and following.lower_ in _NOT_ONLY


def _manner(clause: Token) -> bool:
    """« arrêter de gérer l'hôpital comme on gère une entreprise »: a « comme » clause right
    after the action says how it is done, and dropping it would say the contrary; « comme je
    l'ai dit », set off or in the speaker's voice, is an aside. So does an infinitive in
    « avant de » or « sans » (« simplifier les démarches avant de les numériser »): the order
    or the condition is the speaker's point."""
    doc = clause.doc
    marks = {c.lower_ for c in clause.children if c.dep_ == "mark"}
    infinitive_clause = bool(marks & {"avant", "sans"}) and clause.morph.get("VerbForm") == ["Inf"]
    return (
        clause.dep_ == "advcl"
        and clause.i > clause.head.i
        and ("comme" in marks or infinitive_clause)
        and not any(t.text in _INCISE_MARKS for t in doc[clause.head.i + 1 : clause.i])
        and not any(c.lower_ in _SPEAKER_PRONOUNS for c in clause.children)
        and lemma(clause) not in lexicon()["reporting_verbs"]
    )


def _interjection(token: Token) -> bool:
    """« eh bien », « ben »: a word of ``interjections`` (actions.yaml), or one fixed to it."""
    word = token.head if token.dep_ == "fixed" else token
    return word.pos_ != "PROPN" and word.lower_ in _lexicon()["interjections"]


def _cased(token: Token) -> str:
    """``token`` as written, with the capital the transcript lost on a name (see
    ``place_names`` and ``peoples`` in actions.yaml): « l'europe » → « l'Europe », « les
    français » → « les Français », « monsieur macron » → « monsieur Macron »."""
    text, lex = token.text, _lexicon()
    if not (text.isalpha() and text.islower()) or token.pos_ in _DANGLING_POS | {"PRON"}:
        return text
    before = token.doc[token.i - 1].lower_ if token.i else ""
    # With a plural article: not « un test de français », nor « les arsenaux russes et
    # américains », which the tagger may read as nouns.
    people = (
        lemma(token) in lex["peoples"]
        and token.pos_ in {"NOUN", "PROPN"}
        and token.morph.get("Number") == ["Plur"]
        and any(c.lower_ in {"les", "des", "aux"} for c in token.children)
    )
    named = token.pos_ == "PROPN" and token.ent_type_ in {"LOC", "PER"}
    if token.lower_ in lex["places"] or people or named or before in lex["titles"]:
        return text[:1].upper() + text[1:]
    return text


def _phrase(token: Token) -> str:
    """``token``'s words, without the punctuation at their edges: the comma that sets off an
    adverb may hang on it (« et, notamment » with « , » under « notamment »)."""
    words = list(token.subtree)
    while words and words[0].is_punct and words[0] != token:
        words.pop(0)
    while words and words[-1].is_punct and words[-1] != token:
        words.pop()
    return "".join(t.text_with_ws for t in words).strip().lower()


def _emphasis(token: Token) -> bool:
    """An adverb of ``dropped_adverbs`` (actions.yaml): the speaker's emphasis or the order of
    their points, not the action; « aussi » and « également » after « mais » (« non seulement
    … mais aussi … ») add a second part to the action and stay."""
    if token.i and token.doc[token.i - 1].lower_ == "mais":
        return False
    if _misread_noun(token):
        return False
    dropped = _phrase(token) in _lexicon()["dropped"] or _inside_dropped_phrase(token)
    return dropped and not _orders_actions(token)


def _inside_dropped_phrase(token: Token) -> bool:
    """``token``'s words lie inside a phrase of several words of ``dropped_adverbs``, which the
    parser may have split (« tout de suite »: « tout » on the governing verb, « de suite » an
    object of the action)."""
    first, last = token.left_edge, token.right_edge
    return any(a <= first.idx and last.idx + len(last) <= b for a, b in _dropped_spans(token.sent))


def _dropped_tokens(sent: Span) -> set[int]:
    """The tokens of ``sent`` that lie inside a phrase of several words of
    ``dropped_adverbs``."""
    spans = _dropped_spans(sent)
    return {
        t.i for t in sent if spans and any(a <= t.idx and t.idx + len(t) <= b for a, b in spans)
    }


def _dropped_spans(sent: Span) -> list[tuple[int, int]]:
    """Character spans, in the document, of the phrases of several words of
    ``dropped_adverbs`` in ``sent``."""
    return [
        (sent.start_char + m.start(), sent.start_char + m.end())
        for m in _lexicon()["dropped_phrases"].finditer(sent.text)
    ]


def _orders_actions(token: Token) -> bool:
    """A word of an adverb of ``order_adverbs`` that follows one of two coordinated verbs,
    alone up to the next punctuation: it orders the actions (« Simplifions d'abord,
    digitalisons ensuite »), not the speaker's points. Read on the words, for the parser
    often hangs « d' » and « abord » apart (as a fixed expression, or as punctuation)."""
    verb = token.head
    if token.i <= verb.i or not (
        verb.dep_ == "conj" or any(c.dep_ == "conj" for c in verb.children)
    ):
        return False
    end = next((t.i for t in token.doc[verb.i + 1 : verb.sent.end] if t.is_punct), verb.sent.end)
    words = "".join(t.text_with_ws for t in token.doc[verb.i + 1 : end]).strip().lower()
    return token.i < end and words.replace("’", "'") in _lexicon()["order"]


# A relative clause short enough to stay in a line when it restricts its noun.
RESTRICTIVE_WORDS = 8
_SPEAKER_PRONOUNS = frozenset({"je", "j'", "me", "m'", "moi", "nous", "vous", "te", "t'"})
_DEMONSTRATIVES = frozenset({"celui", "celle", "ceux", "celles"})


def _appended(token: Token) -> bool:
    """Set off by a comma (« …, celui qui consiste à … »)."""
    return token.i > 0 and token.doc[token.i - 1].text == ","


def _restrictive(clause: Token) -> bool:
    """A short « qui … » clause not set off by a comma, which says which thing is meant
    (« des grilles qui tiennent compte du marché »), or a « où … » clause that says where
    (« partout où ils fonctionnent bien »); dropping it would change the action."""
    tokens = _clause_core(clause)
    demonstrative = clause.head.lower_ in _DEMONSTRATIVES
    if clause.dep_ == "acl:relcl" and demonstrative and not _appended(clause.head):
        # « protéger ceux qui fuient la guerre »: the clause is what the pronoun names.
        return not any(t.text in SENTENCE_ENDS for t in tokens)
    relative = any(c.dep_ == "nsubj" and c.lower_ == "qui" for c in clause.children) or any(
        (c.lower_ == "où" or _governed_lequel(c)) and c.i < clause.i for c in clause.children
    )
    return (
        clause.dep_ == "acl:relcl"
        # « …, ce qui est difficile », « qui me paraît plus adapté »: a comment.
        and not _comment(clause.head)
        and not any(t.lower_ in _SPEAKER_PRONOUNS for t in tokens)
        and relative
        and tokens[0].i > 0
        and not _appended(tokens[0])
        and _count([t.text for t in tokens]) <= RESTRICTIVE_WORDS
        and not any(t.text in SENTENCE_ENDS or (t.dep_ in _CLAUSES and t != clause) for t in tokens)
    )


def _governed_lequel(pronoun: Token) -> bool:
    """« dans lesquelles », « selon lesquelles »: a form of « lequel » after a preposition,
    which opens a clause that says which thing is meant (« changer les conditions dans
    lesquelles on fait des contrôles d'identité »)."""
    return pronoun.lower_.startswith(_LEQUEL) and any(c.dep_ == "case" for c in pronoun.children)


_LEQUEL = ("lequel", "laquelle", "lesquel", "auquel", "auxquel", "duquel", "desquel")


def _clause_core(clause: Token) -> list[Token]:
    """The words of a relative clause; for a « où » clause, up to a comma that opens a clause
    of its own within it (« où ils fonctionnent bien, même lorsqu'ils sont … » ends at
    « bien »)."""
    tokens = list(clause.subtree)
    if not any(c.lower_ == "où" for c in clause.children):
        return tokens
    for k, t in enumerate(tokens):
        after = tokens[k + 1 :]
        if t.text == "," and k and any(x.dep_ in _CLAUSES and x != clause for x in after):
            return tokens[:k]
    return tokens


def _comment(token: Token) -> bool:
    """« …, ce qui est difficile et coûteux »: the pronoun that opens a comment on the clause
    (after a comma; « le prolongement de ce qui existe » is no comment)."""
    return (
        token.pos_ == "PRON"
        and token.lower_ in {"ce", "c'"}
        and _appended(token)
        and any(c.dep_ == "acl:relcl" for c in token.children)
    )


def _bare_demonstrative(token: Token, kept: set[int]) -> bool:
    """« …, celui qui consiste à harmoniser … »: an appended demonstrative that only heads a
    relative clause, dropped, would be left dangling; it goes with its clause (« celui des
    44,8 % … » keeps its complement, so it stays)."""
    if token.lower_ not in _DEMONSTRATIVES or not _appended(token):
        return False
    children = [c for c in token.children if c.dep_ != "punct"]
    return bool(children) and all(c.dep_ == "acl:relcl" and c.i not in kept for c in children)


_NEAR_FAR = frozenset({"-là", "-ci"})
_OWN = frozenset({"son", "sa", "ses"})


def _demonstrative(noun: Token) -> bool:
    return any(c.dep_ == "det" and c.lower_ in {"ce", "cet", "cette", "ces"} for c in noun.children)


def _render(token: Token, skip: set[int] | None = None, own: bool = False) -> list[str]:
    """Words of ``token``'s subtree, determiners normalised (but for the third person's
    possessives when ``own``), comments and emphasis dropped."""
    lex, skip = _lexicon(), set(skip or ())
    stop = next((t.i for t in token.subtree if t.i > token.i and t.text in SENTENCE_ENDS), None)
    if stop is not None:
        skip.update(t.i for t in token.subtree if t.i >= stop)
    skip.update(i for t in token.subtree for i in _contrast(t))
    kept = {
        x.i for t in token.subtree if t.i != token.i and _restrictive(t) for x in _clause_core(t)
    }
    kept.update(x.i for t in token.subtree if t.i != token.i and _manner(t) for x in t.subtree)
    for t in token.subtree:
        if t.i in kept or t.i == token.i:
            continue
        bare = _bare_demonstrative(t, kept)
        if (
            bare
            or t.dep_ in _CLAUSES
            or (t.pos_ in {"VERB", "AUX"} and subjects(t))
            or (_emphasis(t) and t.dep_ != "det")  # « tout contrat » stays
            or _comment(t)
            or _interjection(t)
            or _announces_clause(t)
        ):
            skip.update(x.i for x in t.subtree)
            skip.difference_update(x.i for x in _after_incise(t))
            if bare:
                skip.add(t.i - 1)  # the comma that set it off
        elif t.dep_ == "conj" and any(
            c.dep_ in {"nsubj", "expl:subj"} and c.pos_ == "PRON" for c in t.children
        ):
            # « entre l'agence et les régions, c'est ma conviction », « …, et c'est la raison
            # pour laquelle … »: a clause of its own the parser made a conjunct of a noun;
            # what follows it belongs to it, wherever the parser hung it.
            skip.update(x.i for x in token.subtree if x.i >= t.left_edge.i)
    # « d'une part », which the parser may split over several heads: each of its words goes,
    # not only those whose subtree lies inside it (« …, une part, et, d'part, … »), and with it
    # the comma that closed it (« …, d'une part, et » → « …, et »), both when a conjunction
    # precedes it (« et, d'autre part, attribuer » → « et attribuer »).
    gone = _dropped_tokens(token.sent)
    for i in sorted(gone):
        if i - 1 in gone or i - 1 < 0 or token.doc[i - 1].text != ",":
            continue
        end = i
        while end + 1 in gone:
            end += 1
        if end + 1 < len(token.doc) and token.doc[end + 1].text == ",":
            skip.add(end + 1)
            if i >= 2 and token.doc[i - 2].lower_ in _CONJUNCTIONS:
                skip.add(i - 1)
    skip |= gone
    words: list[str] = []
    for t in token.subtree:
        if t.i in skip:
            continue
        if t.text in _NEAR_FAR and _demonstrative(t.doc[t.i - 1]):
            continue  # « ce sujet-là » becomes « le sujet »
        following = t.nbor(1) if t.i + 1 < len(t.doc) else None
        next_word = following.lower_ if following is not None else ""
        if (
            t.dep_ == "det"
            and t.lower_ in lex["determiners"]
            # The noun, or the word after the determiner (« dès cet été », where the parser
            # takes « été » for « être »).
            and not {lemma(t.head), next_word} & lex["demonstrative_phrases"]
            # « avec ses propres équipes »: the possessive is the phrase's point.
            and next_word not in {"propre", "propres"}
            and not (own and t.lower_ in _OWN)
        ):
            masc, fem = lex["determiners"][t.lower_]
            gender = t.head.morph.get("Gender")
            # « à l'hôpital », but « aux enseignants »: only « le » and « la » are elided.
            elided = masc != "les" and following is not None and _elides(following.text)
            if masc == fem or elided:
                article = masc
            elif gender in (["Fem"], ["Masc"]):
                article = fem if gender == ["Fem"] else masc
            else:
                article = t.lower_  # « leur demande »: the gender is unknown
            if words and (words[-1].lower(), article) in _CONTRACTIONS and not elided:
                article = _CONTRACTIONS[words.pop().lower(), article]
            words.append(article)
        elif t.is_sent_start and t.pos_ != "PROPN":
            words.append(t.text[:1].lower() + t.text[1:])
        else:
            words.append(_cased(t))
    return words


# « …, c'est-à-dire … » links two wordings of one thing and stays between them. The parser
# scatters its words, though (« c' » under one word, « est-à-dire » under another): a line
# that keeps only « est-à-dire », or the connector without the comma that sets off the second
# wording, or the connector at its end, loses it.
_REFORMULATION = (
    (re.compile(r"\b(c)['’] (?=est-à-dire\b)", re.I), r"\1'"),
    (re.compile(r"\s*(?<!['’])\best-à-dire\b", re.I), ""),
    (re.compile(r"(?<!,)\s+\bc['’]est-à-dire\b,?", re.I), ""),
    (re.compile(r"[\s,]*\bc['’]est-à-dire[\s,]*$", re.I), ""),
)


def _finish(words: list[str], actor: list[str] | None = None, free: int = 0) -> str:
    """Join, cap the length (the actor and ``free`` leading words are not counted), elide,
    capitalise."""
    limit = _lexicon()["max_words"] + free
    if _count(words) > limit:
        words = _cut(words, limit)
    # A line ends on neither punctuation nor a conjunction (« Créer un guichet unique pour les
    # citoyens et », where a subtitle cut the sentence), nor on a word that announces an
    # example after them (« soutenir les artisans et notamment »), nor on a « plutôt » whose
    # alternative was left out (« Former les agents plutôt »).
    while len(words) > 1 and (
        words[-1] in _PUNCT_END
        or words[-1].lower() in _CONJUNCTIONS | {"plutôt"}
        or (_announces_example(words[-1]) and words[-2].lower() in _CONJUNCTIONS | {","})
    ):
        words.pop()
    text = " ".join(w for w in words + (actor or []) if w.strip())
    text = _lexicon()["dropped_phrases"].sub(" ", text)
    text = re.sub(r"[\s,]+(?:et|ou|mais)\s*$", "", text)  # « …, et par ailleurs » lost its end
    if len(_lexicon()["order_any"].findall(text)) < 2:  # « d'abord … ensuite » orders actions
        text = _lexicon()["order_phrases"].sub(" ", text)
    text = re.sub(r"\s+([,.)])", r"\1", text)
    # French typography: a no-break space before « : ; ! ? % » (the draft is checked for it).
    text = re.sub(r"\s*([;:!?%])", NBSP + r"\1", text)
    text = re.sub(r"([(])\s+", r"\1", text)
    text = re.sub(r"\s+-\s*|\s*-\s+", "-", text)
    for pattern, repl in _REFORMULATION:
        text = pattern.sub(repl, text)
    for pattern in _ELISIONS:
        text = pattern.sub(_elide, text)
    text = re.sub(r"(\w)(['’]) (?=\w)", r"\1\2", text)
    text = _STUTTER.sub(r"\1", text)
    text = re.sub(r"(,\s*){2,}", ", ", text)
    text = _OPEN_WORD_COMMA.sub(r"\1 ", text)
    text = re.sub(r"[,;:]\s*\(", " (", text)
    text = re.sub(r"[\s,;:\u00a0]+\)", ")", text)
    text = re.sub(r"[^\S\u00a0]+", " ", _quotes_closed(text))
    # A dash that no second dash closes opens an aside or a list the line does not carry to
    # its end (« Définir un petit nombre d'indicateurs communs d'impact — le délai réel »):
    # the line stops before it.
    head, *aside = re.split(r"\s[—–]\s", text)
    if len(aside) == 1 and len(head.split()) >= _DASH_HEAD_WORDS:
        text = head
    text = text.strip(' ,;:-–—"' + NBSP)
    return text[:1].upper() + text[1:]


# Words the line keeps before an unclosed dash: a verb and its object at least.
_DASH_HEAD_WORDS = 3


# A word said twice in a row, as speech recognisers write a stutter (« partager les les
# données »); « nous nous », « vous vous » are a subject and its reflexive pronoun, and a
# number said twice is a number (« de vingt à cinq cinq », 5,5 %), « un » aside.
_NUMBER_WORDS = (
    "zéro|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze"
    "|quinze|seize|vingt|trente|quarante|cinquante|soixante|cent|mille|\\d+"
)
_STUTTER = re.compile(rf"\b(?!(?:nous|vous|{_NUMBER_WORDS})\b)(\w+)(?:\s+\1\b)+", re.IGNORECASE)


# A comma right after a word that opens a phrase (« que, les communes puissent … », where an
# interjection or a hesitation set off by commas was taken out) is no comma of the line.
_OPEN_WORD_COMMA = re.compile(r"\b(que|de|du|des|à|au|aux|le|la|les|un|une)\s*,\s+", re.I)


def _announces_example(word: str) -> bool:
    """« notamment », « surtout »: a word of ``incise_openers`` (actions.yaml) on its own."""
    return (word.lower(),) in _lexicon()["incise_openers"]


def _quotes_closed(text: str) -> str:
    """``text`` without a « that the line does not close (the parse left the end of the
    quotation elsewhere): it ends before it; a lone » is dropped."""
    depth, out = 0, []
    for k, char in enumerate(text):
        if char == "«" and "»" not in text[k:]:
            break
        if char == "»" and not depth:
            continue
        depth += (char == "«") - (char == "»")
        out.append(char)
    return "".join(out)


def _cut(words: list[str], limit: int) -> list[str]:
    """Keep at most ``limit`` words: without an aside between two commas when that is enough
    (the words after it are often the action's own: « confier l'exploitation des plateformes,
    y compris …, à des opérateurs privés »; see ``incise_openers``), else ending at the last
    comma past half the limit if any, else before the last word past half the limit that opens
    a clause or a conjunct (``clause_openers``)."""
    commas = [k for k, word in enumerate(words) if word == ","]
    for a, b in itertools.pairwise(commas):
        opener = tuple(w.lower() for w in words[a + 1 : b])
        aside = any(opener[: len(o)] == o for o in _lexicon()["incise_openers"])
        shorter = words[:a] + words[b + 1 :]
        # Not when it heads a list (« , notamment les écoles , les crèches , … »): it must be
        # the last incise, or be followed by a complement of the verb (« , à des opérateurs »).
        ends = b + 1 < len(words) and (b == commas[-1] or words[b + 1].lower() in _PREPOSITIONS)
        if aside and ends and _count(shorter) <= limit:
            return shorter
    count, last_comma, last_opener = 0, None, None
    for k, word in enumerate(words):
        if word == "," and count > limit // 2:
            last_comma = k
        if count > limit // 2 and _opens_clause(words, k):
            last_opener = k
        if word[:1].isalnum():
            count += 1
        if count > limit:
            kept = words[: last_comma or last_opener or k]
            while kept and kept[-1].lower() in _lexicon()["function_words"]:
                kept.pop()
            return kept
    return words


def _opens_clause(words: list[str], k: int) -> bool:
    """``words[k]`` opens a clause or a conjunct the words before it can do without."""
    lex, word = _lexicon(), words[k].lower().replace("’", "'")
    elided = tuple(o for o in lex["clause_openers"] if o.endswith("'"))
    if not (word in lex["clause_openers"] or word.startswith(elided)) or k == 0:
        return False
    before = words[k - 1].lower()
    between_numbers = word in {"et", "ou"} and before[:1].isdigit()
    return before not in lex["clause_needed_after"] and not between_numbers


def _count(words: list[str]) -> int:
    return sum(1 for w in words if w[:1].isalnum())
