"""Find, on the dependency parse, the clauses in which a speaker calls for an action.

A *cue* is a construction that makes a clause a recommendation. The constructions (their words
are data, in ``resources/recommendations.yaml``):

- impersonal necessity: « il faut / faudrait / va falloir » + infinitive, que-clause or noun
  phrase; « il convient de »; the cleft « ce qu'il faut, c'est … »;
- modal: « nous devons / l'État devrait » + infinitive;
- a proposal verb with a first-person subject: « nous recommandons la création de … », « je
  souhaite que … », « on veut revoir … »; the cleft « ce qu'on propose, c'est … »;
- necessity predicates: « il est nécessaire de … », « je suis favorable à ce que … », « je suis
  pour la dissolution de … », « la nécessité de … », « on a besoin de faire … », « l'enjeu est
  que … », « la création de X me paraît une condition … »;
- first-person commitments to a future action: « je supprimerai … », « on va exonérer … »;
- first-person plural imperatives: « simplifions d'abord »;
- enumerated verbless items that name a measure: « Deuxièmement, un investissement économique. »,
  and bare infinitive clauses: « Donc remettre de l'humain, revaloriser les salaires. »
When the complement is « qu'il y ait X », the action is X.

A cue is dropped when its clause is a question, a hypothesis (« si … »), in a past tense,
reported (« on nous a dit qu'il fallait »), a negated proposal, a relative clause that describes
(« l'enseignement qu'on doit tirer »), a commitment aimed at the opponent's plan (« avec vous, on
va taxer … »), or when its complement is no action (« il faut être calme », « il ne faut pas
croire que », « je vais vous donner un chiffre »).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from functools import cache

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from omap_synthesis.french import (
    NEGATIONS,
    SCENE_MARKS,
    SUBJECT_DEPS,
    VERB_ENDINGS,
    addresses_opponent,
    clause_heads,
    first_person,
    has_demonstrative_subject,
    has_hypothesis_mark,
    infinitive,
    is_existential,
    is_future,
    is_negated,
    is_participle,
    is_passive,
    is_past,
    is_purpose,
    is_relative,
    lemma,
    next_text,
    resource,
    sets_the_scene,
    subjects,
)

Doc.set_extension("omap_cues", default=None, force=True)

_COPULAS = {"être"}
# Sentences whose constructions a detector remembers (see ``_constructions``).
_RECENT = 8
_CLAUSE_ENDS = {".", "!", "?", ";", "…"}
_COMPLEMENTS = {"obj", "iobj", "obl", "obl:arg", "obl:mod", "ccomp", "xcomp", "expl:comp"}
_INTERROGATIVES = ("est-ce", "qu'est-ce", "pourquoi", "comment", "faut-il", "doit-on", "peut-on")


@cache
def lexicon() -> dict[str, frozenset[str]]:
    """The detector's word lists, plus the nominalisations of ``actions.yaml``."""
    data = {
        key: dict(values)
        if isinstance(values, dict)
        else frozenset(tuple(v) if isinstance(v, list) else v for v in values)
        for key, values in resource("recommendations.yaml").items()
    }
    data["nominalisations"] = frozenset(
        key.split()[0] for key in resource("actions.yaml")["nominalisations"]
    )
    return data


@dataclass(frozen=True)
class Cue:
    """One construction that makes a sentence a recommendation.

    ``trigger`` is the token carrying the force (« faut », « recommandons »), ``head`` the token
    heading the action (a verb or a noun), ``actor`` the head of the stated actor; all are token
    indices in the ``Doc``.
    """

    kind: str
    trigger: int
    head: int
    actor: int | None = None
    negated: bool = False


class RecommendationDetector:
    """Find the recommendation cues of a parsed ``Doc`` (sets ``doc._.omap_cues``).

    Parameters
    ----------
    words : dict, optional
        The word lists; defaults to ``resources/recommendations.yaml``.

    Examples
    --------
    >>> detector = RecommendationDetector()
    >>> doc = detector(nlp("Il faut partager les registres."))  # doctest: +SKIP
    >>> [c.kind for c in doc._.omap_cues]  # doctest: +SKIP
    ['deontic']
    """

    def __init__(self, words: dict | None = None):
        self.words = words or lexicon()
        # The constructions of the last sentences read: the model's features look at each
        # sentence and at its neighbours, so every sentence is asked for several times in a row.
        self._recent: OrderedDict[tuple[int, int, int], tuple[Doc, tuple[Cue, ...]]] = OrderedDict()

    def __call__(self, doc: Doc) -> Doc:
        doc._.omap_cues = [cue for sent in doc.sents for cue in self.sentence_cues(sent)]
        return doc

    def sentence_cues(self, sent: Span) -> list[Cue]:
        """Cues of one sentence, after the exclusions: those of its main clauses first, then
        those of a clause that says when or why (``sets_the_scene``), each in token order."""
        if self._interrogative(sent):
            return []
        cues = self._constructions(sent)
        if not cues:
            cues = self._enumerated_item(sent) or self._infinitive_headline(sent)
        kept = [cue for cue in cues if self._keeps(sent, cue)]
        return sorted(kept, key=lambda cue: sets_the_scene(sent.doc[cue.trigger]))

    def raw_cues(self, sent: Span) -> list[Cue]:
        """Every construction of the sentence, before the exclusions (features of the model)."""
        cues = self._constructions(sent)
        return cues or self._enumerated_item(sent) or self._infinitive_headline(sent)

    def action_cues(self, sent: Span) -> list[Cue]:
        """The raw constructions that may give the action of a sentence the classifier kept
        against the rules: not those whose complement is a verb of talk or thought (« on pourra
        y revenir dans le détail », « je pense qu'il faut »), nor those of a clause that says
        when or why (« quand on reviendra à des prix traditionnels, j'assume … »)."""
        doc = sent.doc
        return [
            cue
            for cue in self.raw_cues(sent)
            if not talk_only(doc[cue.head], self.words) and not sets_the_scene(doc[cue.trigger])
        ]

    def _constructions(self, sent: Span) -> list[Cue]:
        """The cues of the sentence's tokens, remembered for the last few sentences read."""
        key = (id(sent.doc), sent.start, sent.end)
        found = self._recent.get(key)
        if found is None or found[0] is not sent.doc:
            found = (sent.doc, tuple(cue for token in sent for cue in self._token_cues(token)))
            self._recent[key] = found
            if len(self._recent) > _RECENT:
                self._recent.popitem(last=False)
        return list(found[1])

    # --- constructions -------------------------------------------------------------------

    def _token_cues(self, token: Token) -> list[Cue]:
        w, lem = self.words, lemma(token)
        if token.pos_ in {"VERB", "AUX"} and lem in w["impersonal_deontic"]:
            return self._complement_cue("deontic", token)
        if lem in w["impersonal_convenir"] and any(s.lower_ == "il" for s in subjects(token)):
            return self._complement_cue("deontic", token)
        if lem in w["modal"] and token.pos_ in {"VERB", "AUX"}:
            return self._modal(token)
        if lem in w["proposal_verbs"] and token.pos_ == "VERB":
            return self._proposal(token)
        if token.pos_ == "ADJ" and lem in w["necessity_adjectives"] | w["favour_adjectives"]:
            return self._necessity_adjective(token)
        if token.pos_ == "ADP" and token.lower_ in w["favour_prepositions"]:
            return self._favour(token)
        if token.pos_ == "NOUN" and lem in w["necessity_nouns"]:
            verbs = [c for c in token.children if c.pos_ == "VERB" and c.dep_ in {"acl", "xcomp"}]
            return [Cue("necessity", token.i, self._through(verbs[0]).i)] if verbs else []
        if token.pos_ == "NOUN" and lem in w["need_nouns"]:
            return self._need(token)
        if token.pos_ == "NOUN" and lem in w["goal_nouns"]:
            return self._goal_noun(token)
        if token.pos_ == "NOUN" and lem in w["condition_nouns"]:
            return self._condition_noun(token)
        # The tagger sometimes misses a first-person future entirely (« supprimerai »: ADP).
        verbal = token.pos_ == "VERB" or is_future(token)
        if verbal and token.dep_ != "xcomp" and first_person(token):
            return self._commitment(token)
        if token.lower_.endswith("ons"):
            return self._imperative(token)
        return []

    def _through(self, verb: Token) -> Token:
        """Follow « pouvoir / continuer à / commencer par … » to the verb that says the action."""
        seen = 0
        while lemma(verb) in self.words["pass_through_verbs"] and seen < 4:
            nxt = [c for c in verb.children if c.dep_ == "xcomp" and c.pos_ == "VERB"]
            if not nxt:
                break
            verb, seen = nxt[0], seen + 1
        return verb

    def _complement(self, token: Token) -> tuple[Token | None, Token | None]:
        """Action head and actor of the complement of ``token`` (infinitive, clause or noun).

        When the parser attached the complement elsewhere (« il va falloir faire … » puts
        « faire » under « va »), the next infinitive of the same clause is taken.
        """
        children = list(token.children)
        if token.dep_ == "xcomp":
            children += [c for c in token.head.children if c.i > token.i and c.dep_ == "xcomp"]
        found = self._tree_complement(token, children)
        if found[0] is not None and is_existential(found[0]) and is_negated(found[0]):
            return None, None
        if found[0] is not None and is_existential(found[0]):
            things = [c for c in found[0].children if c.dep_ == "obj" and c.pos_ == "NOUN"]
            return (things[0], None) if things else (None, None)
        impersonal = any(s.dep_ == "expl:subj" for s in subjects(token))
        if found[0] is None and (impersonal or lemma(token) in self.words["impersonal_deontic"]):
            return self._next_infinitive(token), None
        return found

    def _next_infinitive(self, token: Token) -> Token | None:
        for tok in token.doc[token.i + 1 : token.sent.end]:
            if tok.text in _CLAUSE_ENDS or tok.morph.get("VerbForm") == ["Fin"]:
                return None
            if tok.pos_ == "VERB" and tok.morph.get("VerbForm") == ["Inf"]:
                return self._through(tok)
        return None

    def _tree_complement(self, token: Token, children: list[Token]):
        relative = token.dep_ in {"acl:relcl", "advcl"}
        named = [c for c in children if c.dep_ == "obj" and c.pos_ == "NOUN" and c.i > token.i]
        if relative and any(c.morph.get("PronType") == ["Rel"] for c in children):
            # « c'est pour ça que je veux une taxe carbone »: the object is there, no cleft.
            return (named[0], None) if named else (self._cleft(token), None)
        children = [c for c in children if not has_hypothesis_mark(c) and not is_purpose(c)]
        for child in children:
            # « je recommande le dépôt des sources …, mis à jour à chaque version »: a
            # participle after the object describes the object, it is not the action.
            participle = child.morph.get("VerbForm") == ["Part"]
            if participle and named and named[0].i < child.i:
                continue
            if child.dep_ == "xcomp" and child.pos_ in {"VERB", "AUX"}:
                return self._through(child), None
            # « je propose un revenu minimum garanti »: the adjective was misread as xcomp.
            if child.dep_ == "xcomp" and named and not any(c.dep_ == "cop" for c in child.children):
                return named[0], None
            if child.dep_ == "xcomp":
                return None, None
            if child.dep_ == "ccomp" and (child.pos_ == "VERB" or is_participle(child)):
                actor = next(iter(subjects(child)), None)
                return self._through(child), actor
        for child in children:
            if child.dep_ in {"obj", "obl:arg"} and child.pos_ in {"NOUN", "PROPN"}:
                if not (lemma(token) in self.words["proposal_verbs"] and _addressee(child)):
                    return child, None
                # « on demande aux États de les reprendre »: who is asked, then what to do.
                verbs = [
                    c
                    for c in child.children
                    if c.dep_ in {"acl", "xcomp"}
                    and c.pos_ == "VERB"
                    and any(m.lower_ in {"de", "d'", "d’"} for m in c.children if m.dep_ == "mark")
                ]
                if verbs:
                    return self._through(verbs[0]), None
            if child.dep_ in {"obj", "obl:arg"} and child.lower_ == "ce":
                verbs = [c for c in child.children if c.dep_ == "acl:relcl" and c.pos_ == "VERB"]
                return (verbs[0], next(iter(subjects(verbs[0])), None)) if verbs else (None, None)
            # « je propose donc : passage au quinquennat et … »: what follows the colon; « il
            # faut, à chaque délit, une sanction pénale », the noun made a conjunct of the verb.
            after_colon = child.i > 0 and child.doc[child.i - 1].text == ":"
            conjunct = child.dep_ == "conj" and lemma(token) in self.words["impersonal_deontic"]
            if child.pos_ == "NOUN" and child.i > token.i and (after_colon or conjunct):
                return child, None
        return self._cleft(token), None

    def _cleft(self, token: Token) -> Token | None:
        """« Ce qu'il faut / ce qu'on propose, c'est … »: the action after « c'est »."""
        sent = token.sent
        tokens = list(sent[token.i - sent.start + 1 :])
        for k, tok in enumerate(tokens[:-1]):
            if tok.lower_ in {"c'", "c’", "ce"} and lemma(tokens[k + 1]) in _COPULAS:
                return _predicate_after(tokens[k + 2 :])
        return None

    def _complement_cue(self, kind: str, token: Token) -> list[Cue]:
        if is_past(token):
            return []
        head, actor = self._complement(token)
        if head is None:
            return []
        return [Cue(kind, token.i, head.i, actor.i if actor else None, is_negated(token))]

    def _modal(self, token: Token) -> list[Cue]:
        # « l'enseignement qu'on doit tirer »: a relative clause describes, unless « nous » speaks.
        if is_past(token) or holds_already(token):
            return []
        clause = [token, token.head] if token.dep_.startswith("aux") else [token]
        relative = any(is_relative(t) for t in clause)
        if relative and not any(first_person(t, allow_on=False) for t in clause):
            return []
        if token.dep_.startswith("aux") and token.head.pos_ == "VERB":
            head = token.head
        else:
            verbs = [c for c in token.children if c.dep_ == "xcomp" and c.pos_ in {"VERB", "AUX"}]
            # « nous devons au contraire découper … »: the parser hung the infinitive on a
            # short adverbial phrase; the next bare infinitive of the clause is the action.
            later = None if verbs else self._next_infinitive(token)
            if (
                later is not None
                and later.i - token.i <= _ADVERBIAL_GAP
                and not any(c.dep_ == "mark" for c in later.children)
            ):
                verbs = [later]
            if not verbs:
                return []
            head = verbs[0]
        found = subjects(token) or subjects(head)
        subject = next(iter(found), None)
        if subject is not None and subject.lower_ == "il" and subject.dep_ == "expl:subj":
            return []
        head = self._through(head)
        # Of two subjects before the verb, the nearer is its own; the other heads the sentence
        # (« les ressources humaines : l'administration doit pouvoir recruter … »).
        before = [s for s in found if s.i < token.i]
        actor = before[-1].i if before else subject.i if subject is not None else None
        return [Cue("modal", token.i, head.i, actor, is_negated(token) or is_negated(head))]

    def _proposal(self, token: Token) -> list[Cue]:
        w = self.words
        if not first_person(token) or is_negated(token):
            return []
        if is_past(token) and lemma(token) not in w["proposal_past_ok"]:
            return []
        head, actor = self._complement(token)
        if head is None:
            return []
        # « je vous propose de passer aux questions »: the session's course, not an action.
        to_room = any(
            c.dep_ in {"iobj", "obj"} and c.lower_ in {"vous", "nous"} for c in token.children
        )
        if to_room and infinitive(head) in w["discourse_verbs"]:
            return []
        return [Cue("proposal", token.i, head.i, actor.i if actor else None)]

    def _necessity_adjective(self, token: Token) -> list[Cue]:
        copulas = [c for c in token.children if c.dep_ == "cop"]
        holder = token
        # « la création d'un fonds me semble indispensable »: a verb of seeming as copula.
        if not copulas and token.dep_ == "xcomp" and lemma(token.head) in self.words["seeming"]:
            copulas, holder = [token.head], token.head
        if not copulas or any(is_past(c) for c in copulas):
            return []
        if lemma(token) in self.words["favour_adjectives"] and not first_person(holder, False):
            return []
        subject = next(iter(subjects(holder)), None)
        if subject is not None and subject.pos_ == "NOUN":
            # « la création d'un fonds n'est pas / ne me semble pas indispensable »: no call.
            if is_negated(token) or is_negated(holder) or not self._is_measure(subject):
                return []
            return [Cue("necessity", token.i, subject.i)]
        if holder is not token and is_negated(holder):
            return []
        return self._complement_cue("necessity", token)

    def _favour(self, prep: Token) -> list[Cue]:
        """« je suis pour la dissolution des … », « nous sommes donc pour faire payer … ».

        The parser often misreads this copula (« suis » as « suivre », or as punctuation), so
        the words before the preposition are read in order: a present « suis / sommes » with
        « je / nous », only adverbs in between, none of them a negation or a place.
        """
        k = prep.i - 1
        while k > prep.sent.start and prep.doc[k].pos_ == "ADV":
            if prep.doc[k].lower_ in NEGATIONS | {"là", "ici"}:  # « je suis là pour … »
                return []
            k -= 1
        copula, subject = prep.doc[k], prep.doc[k - 1] if k > prep.sent.start else None
        if copula.lower_ not in {"suis", "sommes"} or subject is None:
            return []
        if subject.lower_ not in {"je", "nous"}:
            return []
        head = prep.head
        if head.i < prep.i or head.pos_ not in {"NOUN", "VERB"}:
            return []
        return [Cue("necessity", prep.i, head.i)]

    def _need(self, token: Token) -> list[Cue]:
        """« on a besoin de faire des réformes » (an action, not a state: « besoin que … »)."""
        verb = token.head
        if lemma(verb) != "avoir" or not first_person(verb) or is_negated(verb) or is_past(verb):
            return []
        around = [*token.children, *(c for c in verb.children if c.i > token.i)]
        actions = [c for c in around if c.pos_ == "VERB" and c.dep_ in {"acl", "xcomp"}]
        if not actions or not any(m.lower_ in {"de", "d'"} for m in actions[0].children):
            return []
        return [Cue("necessity", token.i, self._through(actions[0]).i)]

    def _goal_noun(self, token: Token) -> list[Cue]:
        """« l'enjeu est que / de … », « ma proposition, c'est … », « d'où ma proposition : la
        création de … » (never someone else's)."""
        if any(lemma(c) in self.words["foreign_possessives"] for c in token.children):
            return []
        measure = self._after_colon(token)
        if measure is not None:
            return [Cue("goal", token.i, measure.i)]
        if token.dep_ in {"nmod", "obl", "obl:arg", "obl:mod", "iobj"}:
            return []
        if token.dep_ == "obj" and is_existential(token.head):
            return []
        if any(c.dep_ == "nmod" and c.i < token.head.i for c in token.children):
            return []
        following = list(token.sent[token.i - token.sent.start + 1 :])
        for k, tok in enumerate(following[:6]):
            if lemma(tok) in _COPULAS:
                if tok.morph.get("VerbForm") != ["Fin"] or is_past(tok):
                    return []
                if "acl:relcl" in {tok.dep_, tok.head.dep_}:
                    return []
                found = _predicate_after(following[k + 1 :])
                return [Cue("goal", token.i, found.i)] if found is not None else []
        return []

    def _after_colon(self, token: Token) -> Token | None:
        """The measure named right after a colon that follows ``token`` (« ma proposition : la
        création d'un comité »), or ``None``."""
        words = list(token.doc[token.i + 1 : token.sent.end])
        colon = next((k for k, t in enumerate(words[:4]) if t.text == ":"), None)
        if colon is None or any(t.pos_ in {"VERB", "AUX"} for t in words[:colon]):
            return None
        noun = next((t for t in words[colon + 1 : colon + 4] if t.pos_ == "NOUN"), None)
        return noun if noun is not None and self._is_measure(noun) else None

    def _condition_noun(self, token: Token) -> list[Cue]:
        """« la création d'une instance me paraît une condition de réussite »."""
        verb = token.head
        if token.dep_ not in {"obj", "xcomp", "ROOT"} or is_past(verb):
            return []
        holder = token if token.dep_ == "ROOT" else verb
        subject = next((s for s in subjects(holder) if s.pos_ == "NOUN"), None)
        if subject is None or not self._is_measure(subject):
            return []
        return [Cue("necessity", token.i, subject.i)]

    def _commitment(self, token: Token) -> list[Cue]:
        """« je supprimerai … », « on va exonérer … » (an action, not the talk's own course)."""
        going = [c for c in token.children if c.dep_.startswith("aux") and lemma(c) == "aller"]
        if is_negated(token) or any(is_negated(c) for c in going):
            return []
        # « je m'engage à publier … », « nous nous engageons à ouvrir … ».
        pledge = lemma(token) in self.words["pledge_verbs"] and any(
            c.dep_ in {"expl:comp", "obj", "expl:pv"} and c.lower_ in _OWN_REFLEXIVES
            for c in token.children
        )
        if pledge or (lemma(token) == "aller" and token.morph.get("Tense") == ["Pres"]):
            verbs = [c for c in token.children if c.dep_ == "xcomp" and c.pos_ == "VERB"]
            if not verbs or is_past(token):
                return []
            head = self._through(verbs[0])
        elif going and token.morph.get("VerbForm") == ["Inf"]:
            head = self._through(token)
        elif is_future(token):
            head = self._through(token)
        else:
            return []
        # A future read as a noun (« je mobiliserai l'épargne … ») needs a complement that says
        # the action: « je la ferai » would give an action line without its object.
        complements = [c for c in head.children if c.dep_ in _COMPLEMENTS]
        if (pledge or lemma(token) == "aller") and head.head == token:
            # « nous allons créer, dès 2025, une filière … »: past the aside, the parser hangs
            # the object on « aller ».
            complements += [c for c in token.children if c.i > head.i and c.dep_ == "obj"]
        if head.pos_ not in {"VERB", "AUX"}:
            complements = [c for c in complements if c.pos_ in {"NOUN", "PROPN"}]
        if (
            is_negated(head)
            # « je vais prendre un exemple »; one does not pledge to the talk's course.
            or (lemma(head) in self.words["discourse_verbs"] and not pledge)
            or not complements
            or "acl:relcl" in {token.dep_, head.dep_}
            or any(has_hypothesis_mark(c) for t in clause_heads(token, head) for c in t.children)
            or any(_since(c) for t in clause_heads(token, head) for c in t.children)
            or addresses_opponent(token.sent)
        ):
            return []
        return [Cue("commitment", token.i, head.i)]

    def _imperative(self, token: Token) -> list[Cue]:
        """« Simplifions d'abord » (the tagger often misses the mood: the form decides)."""
        if token.pos_ not in {"VERB", "PROPN", "NOUN"} or subjects(token):
            return []
        if token.lower_ in self.words["discourse_imperatives"] or (
            token.pos_ == "NOUN" and token.lower_.endswith(("tions", "sions", "xions"))
        ):
            return []
        if any(c.dep_ in {"det", "case"} for c in token.children):
            return []
        after = token.nbor(1) if token.i + 1 < token.sent.end else None
        if after is not None and after.lower_ in self.words["discourse_imperative_objects"]:
            return []
        before = token.nbor(-1) if token.i > token.sent.start else None
        if before is not None and not (
            before.is_punct or before.pos_ == "CCONJ" or lemma(before) in {"dire", "puis"}
        ):
            return []
        if before is not None and before.lower_ in {"nous", "on"}:
            return []
        # « Commençons par former les agents »: the action is the infinitive (followed from
        # here, for the tagger may read the imperative as a noun, whose lemma is no verb's).
        head = token
        if infinitive(token) in self.words["pass_through_verbs"]:
            then = [c for c in token.children if c.dep_ == "xcomp" and c.pos_ == "VERB"]
            head = self._through(then[0]) if then else token
        verb = infinitive(head)
        excluded = self.words["discourse_verbs"] | self.words["non_action_verbs"]
        if not verb.endswith(VERB_ENDINGS) or {verb, lemma(head)} & excluded:
            return []
        return [Cue("imperative", token.i, head.i)]

    def _enumerated_item(self, sent: Span) -> list[Cue]:
        """« Deuxièmement, un investissement économique. »: a verbless item naming a measure."""
        if any(t.pos_ in {"VERB", "AUX"} and t.morph.get("VerbForm") == ["Fin"] for t in sent):
            return []
        words = [t for t in sent if t.is_alpha]
        # « Non à la privatisation des barrages. »: a measure refused, item of a programme.
        refused = len(words) > 1 and words[0].lower_ == "non" and words[1].lower_ in _TO
        if not words or not (
            refused
            or words[0].lower_ in self.words["enumerators"]
            or words[0].lower_.endswith("ième")
        ):
            return []
        nouns = [t for t in words[1:] if t.pos_ == "NOUN"]
        for noun in nouns[:2]:
            if self._is_measure(noun):
                return [Cue("item", words[0].i, noun.i, negated=refused)]
        return []

    def _infinitive_headline(self, sent: Span) -> list[Cue]:
        """« Donc remettre de l'humain, revaloriser les salaires. »: a bare infinitive clause."""
        root = sent.root
        if root.morph.get("VerbForm") != ["Inf"] or not root.lower_.endswith(("er", "ir", "re")):
            return []
        if any(
            c.dep_ in {"mark", "case", "aux:tense", "cop"} or c.dep_ in SUBJECT_DEPS
            for c in root.children
        ):
            return []
        if any(has_demonstrative_subject(t) for t in sent if t.morph.get("VerbForm") == ["Fin"]):
            return []
        first = next((t for t in sent if t.is_alpha), None)
        if first is None or first.lower_ in {"comment", "pourquoi", "que", "quoi", "où"}:
            return []
        if self.weighs_a_prospect(sent):
            return []
        return [Cue("infinitive", root.i, self._through(root).i)]

    def weighs_a_prospect(self, sent: Span) -> bool:
        """« Envisager que plus personne ne puisse avoir une retraite pleine … »: a bare
        infinitive of weighing or thinking with a « que » clause is an exclamation over a
        prospect (often the opponent's plan), not a proposal."""
        root = sent.root
        if root.morph.get("VerbForm") != ["Inf"] or any(
            c.dep_ in SUBJECT_DEPS for c in root.children
        ):
            return False
        head = self._through(root)
        return lemma(head) in self.words["exclamative_verbs"] and any(
            c.dep_ == "ccomp" and any(m.lower_ in {"que", "qu'"} for m in c.children)
            for c in head.children
        )

    def _is_measure(self, noun: Token) -> bool:
        lem = lemma(noun)
        return lem in self.words["nominalisations"] or lem in self.words["measure_nouns"]

    # --- exclusions -------------------------------------------------------------------------

    def _keeps(self, sent: Span, cue: Cue) -> bool:
        doc = sent.doc
        trigger, head = doc[cue.trigger], doc[cue.head]
        if self._question(trigger) or self._hypothetical(trigger) or self._reported(trigger):
            return False
        if trigger.dep_ == "acl:relcl" and lemma(trigger.head) in (
            self.words["discourse_nouns"] | self.words["generic_antecedents"]
        ):
            return False
        return self._is_action(head)

    def _is_action(self, head: Token) -> bool:
        w = self.words
        if _duration(head):
            return False  # « il faudrait cent soixante ans pour tout remplacer »: it would take
        if head.pos_ == "NOUN":
            # « que ce moyen soit un vecteur de croissance »: a description of something.
            described = any(c.dep_ == "cop" for c in head.children) and any(
                s.pos_ in {"NOUN", "PROPN"} for s in subjects(head)
            )
            return not described and lemma(head) not in w["virtue_nouns"] | w["discourse_nouns"]
        if head.pos_ == "PROPN" and head.i != head.sent.start:
            return False
        if infinitive(head) in w["non_action_verbs"] and not is_passive(head):
            return False
        verbal = head.pos_ == "VERB" or is_participle(head)
        if not verbal and any(c.dep_ == "cop" for c in head.children):
            return False
        objects = [c for c in head.children if c.dep_ in {"obj", "obl:arg"}]
        if head.dep_ == "acl:relcl" and any(o.morph.get("PronType") == ["Rel"] for o in objects):
            objects.append(head.head)
        return not any(lemma(o) in w["discourse_nouns"] | w["virtue_nouns"] for o in objects)

    def _interrogative(self, sent: Span) -> bool:
        start = sent.text.lower().lstrip("«\"' ").removeprefix("alors, ").removeprefix("et ")
        return start.startswith(_INTERROGATIVES) and "?" in sent.text + next_text(sent)

    def _question(self, trigger: Token) -> bool:
        nxt = trigger.nbor(1) if trigger.i + 1 < len(trigger.doc) else None
        if nxt is not None and nxt.text.startswith("-"):
            return True
        for tok in trigger.doc[trigger.i + 1 : trigger.sent.end]:
            if tok.text in _CLAUSE_ENDS:
                return tok.text == "?"
        return next_text(trigger.sent).startswith("?")

    def _hypothetical(self, trigger: Token) -> bool:
        if counterfactual(trigger):
            return True
        token = trigger
        while True:
            if has_hypothesis_mark(token):
                return True
            if token.dep_ != "advcl" or token.head.i == token.i:
                return False
            token = token.head

    def _reported(self, trigger: Token) -> bool:
        """Inside what someone else says (or what the speaker denies saying)."""
        return self._reported_on_tree(trigger) or self._reported_before(trigger)

    def _reported_before(self, trigger: Token) -> bool:
        """« Il disait c'est ce qu'il faudrait faire »: the parser did not attach the quote."""
        for tok in trigger.doc[trigger.sent.start : trigger.i]:
            if tok.lower_ == "mais" or tok.text in _CLAUSE_ENDS:
                return False
            if (
                lemma(tok) in self.words["reporting_verbs"]
                and tok.pos_ == "VERB"
                and subjects(tok)
                and not first_person(tok, allow_on=False)
                and is_past(tok)
            ):
                return True
        return False

    def _reported_on_tree(self, trigger: Token) -> bool:
        w, token = self.words, trigger
        while token.head.i != token.i and not own_clause(token):
            child, token = token, token.head
            if lemma(token) not in w["reporting_verbs"] or child.dep_ not in {
                "ccomp",
                "parataxis",
                "obj",
                "xcomp",
            }:
                continue
            own = lemma(token) not in w["hearsay_verbs"] and first_person(token, allow_on=False)
            if not own or is_negated(token):
                return True
        return False


def own_clause(token: Token) -> bool:
    """A main clause coordinated with its own subject (« …, mais je pense qu'il faut … »): what
    it says is not inside the clause the parser hung it on (« on entend souvent qu'il faut … »).
    A subordinate one (« ou quand vous devez … ») goes with the clause it is coordinated to."""
    return (
        token.dep_ == "conj"
        and bool(subjects(token))
        and not any(c.dep_ == "mark" for c in token.children)
    )


_TO = frozenset({"à", "au", "aux"})
# At most this many words between « devoir » and an infinitive the parser hung elsewhere.
_ADVERBIAL_GAP = 4
_OWN_REFLEXIVES = frozenset({"me", "m'", "m’", "nous"})


def talk_only(head: Token, words: dict | None = None) -> bool:
    """A verb of talk or thought that acts on nothing named (« revenir dans le détail »,
    « penser qu'il faut »; not « voir les sureffectifs », « ajouter des critères »), and not one
    of the light verbs whose complements may say an action (« avoir », « laisser » …)."""
    light = {"être", "avoir", "laisser", "aller", "falloir"}
    named = any(c.dep_ == "obj" and c.pos_ in {"NOUN", "PROPN"} for c in head.children)
    verbs = (words or lexicon())["non_action_verbs"] - light
    return infinitive(head) in verbs and not (named or is_passive(head))


def _addressee(noun: Token) -> bool:
    """A complement in « à » (« aux États »): whom a proposal is made to, not what it
    proposes."""
    return any(c.dep_ == "case" and c.lower_ in _TO for c in noun.children)


def counterfactual(trigger: Token) -> bool:
    """« Si demain tous les ministères adoptaient les badges, il faudrait un registre »: what
    would be needed in a world the speaker imagines (« si » and an imperfect), not a call. « Si
    on veut réduire la dette, il faut … » sets a goal, and stays."""
    return trigger.morph.get("Mood") == ["Cnd"] and any(
        has_hypothesis_mark(c) and c.morph.get("Tense") == ["Imp"]
        for c in trigger.children
        if c.dep_ == "advcl"
    )


def _since(complement: Token) -> bool:
    """« nous délivrons depuis 2022 … »: what has gone on since a date is done, not pledged (the
    tagger reads « délivrons » as a future)."""
    return complement.dep_.startswith("obl") and any(
        c.dep_ == "case" and c.lower_ == "depuis" for c in complement.children
    )


def holds_already(modal: Token) -> bool:
    """« les agriculteurs doivent déjà respecter … »: an obligation that already holds."""
    clause = [modal, modal.head] if modal.dep_.startswith("aux") else [modal]
    clause += [c for c in modal.children if c.dep_ == "xcomp"]
    return any(c.lower_ == "déjà" for t in clause for c in t.children if c.dep_ == "advmod")


def _duration(noun: Token) -> bool:
    """A length of time (« cent soixante ans »), not the thing it would be spent on (« deux
    ans de formation »)."""
    return lemma(noun) in lexicon()["duration_nouns"] and not any(
        c.dep_ == "nmod" for c in noun.children
    )


def calls_for_nothing(token: Token) -> bool:
    """A necessity that calls for no action: an obligation that holds already, or « il faudrait
    cent soixante ans pour tout remplacer » (how long it would take)."""
    if lemma(token) == "devoir":
        return holds_already(token)
    if lemma(token) == "falloir":
        return any(c.dep_ == "obj" and _duration(c) for c in token.children)
    return False


def _predicate_after(tokens: list[Token]) -> Token | None:
    """What follows « c'est / est »: the verb of « que … » or « de … », else the first noun;
    never in a clause that says when or why (« c'est de l'éolien en mer parce que ça crée de
    l'emploi »), and « de » before an article is a partitive (« de l'éolien »), not the « de »
    of an infinitive."""
    wanted = {"VERB", "NOUN"}
    for k, tok in enumerate(tokens):
        following = tokens[k + 1] if k + 1 < len(tokens) else None
        article = following is not None and following.pos_ == "DET"
        partitive = tok.lower_ in {"de", "d'", "d’"} and article
        if tok.lower_ in {"que", "qu'", "qu’", "de", "d'", "d’"} and not partitive:
            wanted = {"VERB"}
        elif tok.pos_ in wanted:
            return tok
        elif tok.text in _CLAUSE_ENDS or tok.lower_ in SCENE_MARKS:
            return None
    return None


@Language.factory("omap_recommendations")
def make_recommendation_detector(nlp: Language, name: str) -> RecommendationDetector:
    """Pipeline component: ``nlp.add_pipe("omap_recommendations")`` sets ``doc._.omap_cues``."""
    return RecommendationDetector()
