"""Who acted (actor1) and against whom (actor2), from the dependency parse of one sentence.

actor1: possessor or national modifier of the trigger noun ("Iran's airstrikes", "US drone
strike"), subject of the trigger verb or of a light verb whose object is the trigger
("Pakistan launched missiles"), passive agent ("carried out by X"), the subject of a
reporting verb for a pronoun ("CENTCOM said that it killed" -> CENTCOM), or whoever is held
responsible ("held X accountable for the attack").
actor2: object of the trigger verb, "against/on/targeting X", victims of a passive killing.
Names go through the resolver: canonical actors, a country acting militarily -> its state
forces, unnamed actors kept as found with an inter code from lexicons/actor_roles.json.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from wirewatch.extract.lexicon import load
from wirewatch.extract.triggers import raw_triggers
from wirewatch.resolve.actors import Actor, lookup_actor, state_forces
from wirewatch.resolve.places import country_of_name


@dataclass(slots=True)
class ActorChoice:
    name: str
    inter: int | None
    iso3: str | None
    start: int  # offsets in the sentence
    end: int
    text: str


@cache
def _roles() -> dict[str, Any]:
    data = load("actor_roles")
    forces = {}
    for kind, words in data["force_nouns"].items():
        for w in words:
            forces[w] = kind
    return {
        "generic": {k.lower(): v for k, v in data["generic_actors"].items()},
        "forces": forces,
        "capitals": data["capital_metonyms"],
        "light": set(data["light_verbs"]),
        "reporting": set(data["reporting_verbs"]),
        "target_preps": set(data["target_preps"]),
        "agent_preps": set(data["agent_preps"]),
        "resp": set(data["responsibility_heads"]),
        "claim": set(data["claim_heads"]),
        "claim_verbs": set(data["claim_verbs"]),
    }


_OF_COUNTRY = re.compile(r"(?:\s+[a-z]+){0,2}?\s+of\s+(?:the\s+)?([A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,3})")
_PRONOUNS = {"it", "they", "we", "he", "she"}


def _country_iso3(text: str) -> str | None:
    t = re.sub(r"^(?:the)\s+", "", text.strip(), flags=re.I)
    caps = _roles()["capitals"]
    if t in caps:
        return caps[t]
    return country_of_name(t)


def _actor_from_resolved(actor: Actor, text: str, start: int, end: int) -> ActorChoice:
    return ActorChoice(actor.name, actor.inter, actor.iso3, start, end, text)


def _entity_of(token: Any) -> Any:
    doc = token.doc
    for ent in doc.ents:
        if ent.start <= token.i < ent.end:
            return ent
    return None


def name_phrase(tokens: list[Any], country: str | None, context_iso3: str | None) -> ActorChoice | None:
    """The actor a phrase (its tokens, the head first) names, or None."""
    if not tokens:
        return None
    head = tokens[0]
    doc = head.doc
    subtree = sorted(tokens, key=lambda t: t.i)
    lo, hi = subtree[0].i, subtree[-1].i + 1
    span = doc[lo:hi]
    # 1. a named actor entity (EntityRuler ACTOR from the resolver, or ORG/NORP spaCy found)
    for ent in doc.ents:
        if ent.start >= lo and ent.end <= hi and ent.label_ in ("ACTOR", "ORG", "NORP", "PERSON", "GPE"):
            found = lookup_actor(ent.ent_id_ or ent.text, context_iso3=context_iso3)
            if found is None and ent.ent_id_:
                found = lookup_actor(ent.text, context_iso3=context_iso3)
            if found is not None:
                return _actor_from_resolved(found, ent.text, ent.start_char, ent.end_char)
    # 1b. a named actor anywhere under the head (small-model parses often attach names oddly:
    # "fired by the paramilitary Rapid Support Forces")
    sub = list(head.subtree)
    if sub:
        slo, shi = sub[0].i, sub[-1].i + 1
        for ent in doc.ents:
            if ent.label_ == "ACTOR" and ent.start >= slo and ent.end <= shi and ent.start - hi <= 4:
                found = lookup_actor(ent.ent_id_ or ent.text, context_iso3=context_iso3)
                if found is not None:
                    return _actor_from_resolved(found, ent.text, ent.start_char, ent.end_char)
    roles = _roles()
    # 2. nationality + force noun: "US troops", "Pakistani police", "American forces"
    lower = span.text.lower()
    for noun, kind in sorted(roles["forces"].items(), key=lambda kv: -len(kv[0])):
        m = re.search(rf"\b{re.escape(noun)}\b", lower)
        if not m:
            continue
        words = span.text[: m.start()].strip().split()
        owner = _OF_COUNTRY.match(span.text[m.end() :])  # "the military forces of Armenia"
        if owner is not None:
            iso = _country_iso3(owner.group(1))
            if iso:
                return _actor_from_resolved(
                    state_forces(iso, kind), span.text, span.start_char, span.end_char
                )
        for k in range(len(words)):
            cand = " ".join(words[k:])
            iso = _country_iso3(cand)
            if iso:
                sf = state_forces(iso, kind)
                return _actor_from_resolved(sf, span.text, span.start_char, span.end_char)
        if context_iso3 and not words:
            # "security forces" with no nationality: the forces of the country it happened in
            sf = state_forces(context_iso3, kind)
            return _actor_from_resolved(sf, span.text, span.start_char, span.end_char)
    # 3. the phrase is itself an actor alias (CENTCOM, the Pentagon, the US military)
    text = re.sub(r"^(?:the|a|an|some|its|their)\s+", "", span.text, flags=re.I)
    found = lookup_actor(text, context_iso3=context_iso3)
    if found is None and head.text != text:
        found = lookup_actor(head.text, context_iso3=context_iso3)
    if found is not None:
        return _actor_from_resolved(found, span.text, span.start_char, span.end_char)
    # 4. a country or capital acting: "Pakistan launched", "Washington hit"
    for cand in (text, head.text):
        iso = _country_iso3(cand)
        if iso and (head.ent_type_ in ("GPE", "NORP", "") or cand in roles["capitals"]):
            sf = state_forces(iso, "military")
            return _actor_from_resolved(sf, span.text, span.start_char, span.end_char)
    # 5. an unnamed actor word: gunmen, militants, civilians, protesters
    generic = roles["generic"]
    for n in (2, 1):
        for i in range(len(subtree) - n + 1):
            words = " ".join(t.lower_ for t in subtree[i : i + n])
            if words in generic:
                g = generic[words]
                # "()" until the event's country is known (mentions._default_actors fills it)
                name = g["name"].replace("({country})", f"({country})" if country else "()").strip()
                return ActorChoice(name, g["inter"], None, span.start_char, span.end_char, span.text)
    return None


def _phrase_tokens(token: Any) -> list[Any]:
    """The token and its modifiers, without relative clauses or long PPs."""
    keep = [token]
    for child in token.children:
        if child.dep_ in ("compound", "amod", "det", "poss", "nummod", "nmod", "quantmod", "case"):
            keep.extend(child.subtree)
        elif (
            child.dep_ == "prep"
            and child.lower_ in ("of", "with", "in")
            and token.lower_ not in ("bases", "positions", "targets", "hideouts")
        ):
            keep.extend(child.subtree)
        elif child.dep_ == "appos":
            keep.extend(child.subtree)
    ent = _entity_of(token)
    if ent is not None:
        keep.extend(t for t in ent if t.i not in {k.i for k in keep})
    return keep


def _subject(verb: Any) -> Any:
    """The verb's subject; of two, the one nearer the verb ("New Delhi: Pakistan launched", where
    the first is a dateline the parser took for a subject)."""
    subjects = [child for child in verb.children if child.dep_ in ("nsubj", "csubj")]
    before = [t for t in subjects if t.i < verb.i]
    return before[-1] if before else (subjects[0] if subjects else None)


def _agent(verb: Any) -> Any:
    for child in verb.children:
        if child.dep_ == "agent" or (child.dep_ == "prep" and child.lower_ in _roles()["agent_preps"]):
            for g in child.children:
                if g.dep_ == "pobj":
                    return g
    return None


def _resolve_pronoun(tok: Any) -> Any:
    """'CENTCOM has said that it killed' -> the subject of the reporting verb above."""
    node = tok.head
    while node is not None and node.head.i != node.i:
        node = node.head
        if node.lemma_ in _roles()["reporting"] or node.lower_ in ("said", "says"):
            subj = _subject(node)
            if subj is not None and subj.lower_ not in _PRONOUNS:
                return subj
    if node is not None and (node.lemma_ in _roles()["reporting"] or node.lower_ in ("said", "says")):
        subj = _subject(node)
        if subj is not None and subj.lower_ not in _PRONOUNS:
            return subj
    return None


@dataclass(slots=True)
class _RoleTokens:
    """The tokens that head actor1 and actor2, as the parse is read."""

    a1: Any = None
    a2: Any = None


def find_roles(
    doc: Any, trigger_tokens: list[Any], country: str | None, context_iso3: str | None
) -> tuple[ActorChoice | None, ActorChoice | None]:
    """(actor1, actor2) for the event whose trigger words are `trigger_tokens`."""
    found = _RoleTokens()
    for trig in trigger_tokens:
        _modifier_actor(found, trig)
        verb = _event_verb(trig)
        if verb is not None:
            _verb_roles(found, verb, trigger_tokens)
        _other_party(found, trig)
        _noun_roles(found, trig)
        _claimed_by(found, trig)
        _held_responsible(found, trig)
    a1 = name_phrase(_phrase_tokens(found.a1), country, context_iso3) if found.a1 is not None else None
    a2 = name_phrase(_phrase_tokens(found.a2), country, context_iso3) if found.a2 is not None else None
    if a1 is not None and a2 is not None and a1.name == a2.name:
        a2 = None
    return a1, a2


def _modifier_actor(found: _RoleTokens, trig: Any) -> None:
    """The possessor or national modifier of the trigger noun: "Iran's airstrikes", "US strike"."""
    for child in trig.children:
        if child.dep_ == "poss" and found.a1 is None:
            found.a1 = child
        elif (
            child.dep_ in ("compound", "amod", "nmod")
            and found.a1 is None
            and (child.ent_type_ in ("GPE", "NORP", "ACTOR", "ORG") or _country_iso3(child.text))
        ):
            found.a1 = child


def _event_verb(trig: Any) -> Any:
    """The verb whose subject acted: the trigger itself, or a light verb with the trigger (or "a
    series of" it) as object ("Pakistan launched missiles", "undertook a series of strikes")."""
    if trig.pos_ in ("VERB", "AUX"):
        return trig
    nominal = trig
    while nominal.dep_ == "pobj" and nominal.head.lower_ == "of" and nominal.head.head.i != nominal.head.i:
        nominal = nominal.head.head
    if (
        nominal.dep_ in ("dobj", "obj", "attr")
        and nominal.head.pos_ == "VERB"
        and nominal.head.lemma_ in _roles()["light"]
    ):
        return nominal.head
    return None


def _verb_roles(found: _RoleTokens, verb: Any, trigger_tokens: list[Any]) -> None:
    """The verb's subject (or passive agent) acted; its object or target was acted on."""
    roles = _roles()
    # conjoined verbs share a subject: "Pakistan launched missiles and conducted airstrikes"
    base = verb
    while base.dep_ == "conj" and _subject(base) is None and base.head.i != base.i:
        base = base.head
    subj = _subject(base)
    if subj is not None and subj.lower_ in _PRONOUNS:
        subj = _resolve_pronoun(subj) or None
    if found.a1 is None and subj is not None:
        found.a1 = subj
    agent = _agent(verb)
    if agent is not None:
        found.a1 = agent
    for child in verb.children:
        if (
            child.dep_ in ("dobj", "obj", "nsubjpass")
            and found.a2 is None
            and child.i not in {t.i for t in trigger_tokens}
            and not _weapon(child)
        ):
            found.a2 = child
        elif child.dep_ == "prep" and child.lower_ in roles["target_preps"] and found.a2 is None:
            found.a2 = _target(child)
        elif child.dep_ in ("advcl", "xcomp") and child.lemma_ == "target" and found.a2 is None:
            found.a2 = _last_child(child, ("dobj", "obj"))


_HELD_PLACES = ("positions", "position", "bases", "base", "posts", "post", "camps", "camp", "hideouts",
                "checkpoints", "checkpoint", "barracks", "convoy", "convoys", "strongholds")  # fmt: skip


def _weapon(token: Any) -> bool:
    """ "fired grenade launchers": what was fired is not whom it was fired at."""
    head = [w for w in token.subtree if w.i <= token.i]  # "grenade launchers", not "...at the base"
    return any(t.kind == "instrument" for t in raw_triggers(" ".join(w.text for w in head)))


def _target(prep: Any) -> Any:
    """The object of "at/on/against ...", the owner of positions or bases; never a date ("on
    30 April")."""
    obj = _last_child(prep, ("pobj",))
    if obj is None or obj.ent_type_ in ("DATE", "TIME", "CARDINAL", "ORDINAL"):
        return None
    return _owner(obj)


def _owner(token: Any) -> Any:
    """ "the positions of the Donbass militia": the militia, whose positions they were."""
    if token is None or token.lower_ not in _HELD_PLACES:
        return token
    for prep in token.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            owner = _last_child(prep, ("pobj",))
            if owner is not None:
                return owner
    return token


def _last_child(token: Any, deps: tuple[str, ...]) -> Any:
    """The last child of `token` with one of these dependencies, or None."""
    last = None
    for g in token.children:
        if g.dep_ in deps:
            last = g
    return last


def _other_party(found: _RoleTokens, trig: Any) -> None:
    """ "an encounter with security forces", "clashes with rebels": the other party."""
    for child in trig.children:
        if (
            child.dep_ == "prep"
            and child.lower_ == "with"
            and trig.lower_ not in ("drone", "drones", "missiles")
        ):
            for g in child.children:
                if g.dep_ == "pobj":
                    if found.a1 is None:
                        found.a1 = g
                    elif found.a2 is None:
                        found.a2 = g


def _noun_roles(found: _RoleTokens, trig: Any) -> None:
    """ "attacks on X", "strikes against X", "targeting X" hanging off the trigger noun; an agent
    in a clause on it ("the strike carried out by X")."""
    roles = _roles()
    for child in trig.children:
        if child.dep_ == "prep" and child.lower_ in roles["target_preps"] and found.a2 is None:
            found.a2 = _target(child)
        if child.dep_ in ("acl", "advcl", "xcomp") and child.lemma_ == "target" and found.a2 is None:
            found.a2 = _last_child(child, ("dobj", "obj"))
        if child.dep_ in ("acl", "relcl") and found.a1 is None:
            agent = _agent(child)
            if agent is not None:
                found.a1 = agent
        if child.dep_ == "prep" and child.lower_ in roles["agent_preps"] and found.a1 is None:
            found.a1 = _last_child(child, ("pobj",))  # "an attack by al-Shabaab on a police station"


def _claimed_by(found: _RoleTokens, trig: Any) -> None:
    """ "X claimed responsibility for the attack"; "the bombing was claimed by X"."""
    if found.a1 is None and trig.dep_ == "nsubjpass" and trig.head.lemma_ in _roles()["claim_verbs"]:
        found.a1 = _agent(trig.head)
    if (
        found.a1 is None
        and trig.dep_ == "pobj"
        and trig.head.lower_ == "for"
        and trig.head.head.lower_ in _roles()["claim"]
    ):
        subj = _subject(trig.head.head.head)
        if subj is not None and subj.lower_ not in _PRONOUNS:
            found.a1 = subj


def _held_responsible(found: _RoleTokens, trig: Any) -> None:
    """ "held X accountable for the attack", "blamed X for the attack"."""
    if found.a1 is None and trig.dep_ == "pobj" and trig.head.lower_ == "for":
        h = trig.head.head
        resp = _roles()["resp"]
        if h.lower_ in resp or h.lemma_ in resp:
            v = h.head if h.dep_ in ("acomp", "oprd", "xcomp", "ccomp") else h
            for child in v.children:
                if child.dep_ in ("dobj", "obj") and child.i != h.i:
                    found.a1 = child
