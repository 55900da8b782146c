"""Speakers as objects: name, role, affiliation, type, anonymity; pronouns and nominals resolved.

The source span of an attribution is a phrase ("a White House spokesman, Benjamin Chang", "It",
"the statement"). This module reads who it denotes from the phrase and its parse, and links
mentions of the same speaker within the article ("Chang" after "Benjamin Chang", "it" after
"A US embassy statement"). Resolution is deliberately local ("coref-lite"): the antecedent is the
nearest earlier speaker mention of a compatible type; failing that, for "he"/"she" a named subject
earlier in the sentence or the last person named within three sentences, for "they" the plural
subject or organisation just before; a relative pronoun ("Sanders, who claims") is its noun.

Does not handle: cataphora ("Before he left, Smith said"), split antecedents ("they" for two
named people), or identity across articles (that is the store's job).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from saidwhat.lexicon import ANONYMOUS_MARKERS, ANONYMOUS_NOUNS, DOCUMENT_NOUNS, table, words
from saidwhat.engine.docvalues import entities
from saidwhat.engine.first_names import first_name_gender
from saidwhat.engine.person_names import HONORIFICS, PORTFOLIOS, TITLE_WORDS, key, name_words, without_title
from saidwhat.engine.transcripts import FIRST_PERSON, SECOND_PERSON, holder, interview_turns

PERSON_PRONOUNS = words("pronouns_person")
THING_PRONOUNS = words("pronouns_thing")
PLURAL_PRONOUNS = words("pronouns_plural")
RELATIVE_PRONOUNS = words("pronouns_relative")
GROUP_NOUNS = words("group_nouns")
ROLE_STOP = RELATIVE_PRONOUNS  # "Sanders, who …": a relative pronoun is never a role


@dataclass
class SpeakerInfo:
    """What one source phrase says about its speaker."""

    name: str | None = None
    role: str | None = None
    affiliation: str | None = None
    type: str = "unknown"
    anonymous: bool = False
    pronoun: str | None = None
    head_lemma: str = ""
    definite: bool = False
    gender: str | None = None  # "f" or "m" where the phrase (or a pronoun for it) says so


@dataclass
class Cluster:
    """One speaker within the article: its mentions (token ranges) and merged description."""

    info: SpeakerInfo
    mentions: list[tuple[int, int]] = field(default_factory=list)


def _without_article(text: str) -> str:
    return text[4:] if text.lower().startswith("the ") else text


def _sentence_before_start(doc: Doc, tok) -> int:
    """Where the sentence before ``tok``'s own begins (its own start in the first sentence)."""
    start = tok.sent.start
    return doc[start - 1].sent.start if start > 0 else start


def _entity_text(span: Span, labels: tuple[str, ...], possessors: bool = True) -> str | None:
    """The entity of these labels that holds the phrase's head, else the longest; without
    ``possessors``, a possessor or a prepositional object is not who the phrase is ("Scott's
    niece" is not Scott, "a spokeswoman for Hillary Clinton" not Clinton)."""
    owner = set() if possessors else {  # "Scott's niece", "a spokeswoman for Hillary Clinton"
        t.i for c in span.root.children if c.dep_ in ("poss", "prep") for t in c.subtree}
    ents = [e for e in entities(span.doc, span.start, span.end) if e.label_ in labels and not owner.intersection(range(e.start, e.end))]
    head = [e for e in ents if e.start <= span.root.i < e.end]
    if head:
        return _without_article(head[0].text)
    if not ents:
        return None
    return _without_article(max(ents, key=len).text)


def _capitalised_by_position(tok) -> bool:
    """A common word capitalised only because it opens a sentence or headline ("Dock workers
    threaten …"), not a name."""
    return tok.i == tok.sent.start and not tok.ent_type_ and tok.text[:1].isupper() and tok.text[1:].islower()


# possessive pronoun -> entity labels of what it can stand for ("his office": a PERSON's)
FEMALE = words("gender_female")
MALE = words("gender_male")
POSSESSIVES = {word: tuple(labels.split()) for word, labels in table("possessives").items()}


def _possessor(doc: Doc, pronoun) -> str | None:
    """The nearest earlier entity a possessive pronoun can stand for, in its sentence or the one
    before ("Mayor Daniel Reyes believes …, his office said" gives Daniel Reyes)."""
    start = _sentence_before_start(doc, pronoun)
    labels = POSSESSIVES[pronoun.lower_]
    found = [e for e in entities(doc, start, pronoun.i) if e.label_ in labels]
    return _without_article(found[-1].text) if found else None


def _appositive_name(root) -> str | None:
    """A name in apposition to a role noun, read off its shape: two to four capitalised proper
    nouns ("spokeswoman, Ana Ruiz")."""
    for c in root.children:
        if c.dep_ != "appos" or c.pos_ != "PROPN":
            continue
        words = [t for t in c.subtree if not t.is_punct]
        if 2 <= len(words) <= 4 and all(t.pos_ == "PROPN" and t.text[:1].isupper() for t in words):
            return " ".join(t.text for t in words)
    return None


def _role(doc: Doc, root) -> str:
    """The role noun with its lower-case modifiers right before it: "general secretary"."""
    words = [root.lemma_.lower() if root.tag_ == "NNS" else root.lower_]
    i = root.i - 1
    while i >= 0 and doc[i].head.i == root.i and doc[i].dep_ in ("amod", "compound") \
            and (doc[i].text.islower() or _capitalised_by_position(doc[i])) and not doc[i].ent_type_:
        words.insert(0, doc[i].lower_)
        i -= 1
    return " ".join(words)


def _title_before(span: Span) -> tuple[str | None, str | None]:
    """(role, affiliation) from the words before a person's name in the source phrase:
    "U.S. Defense Secretary Mark Esper" gives ("defense secretary", "U.S."), "White House press
    secretary Stephanie Grisham" ("press secretary", "White House"), "Interior Minister Wolfgang
    Peschorn" ("interior minister", None). Honorifics ("Mr.") are neither."""
    people = [e for e in entities(span.doc, span.start, span.end) if e.label_ == "PERSON"]
    if not people:
        return None, None
    name = max(people, key=len)
    words = [t for t in span.doc[span.start:name.start] if not (t.is_punct or t.dep_ in ("det", "case"))]
    if not words or any(t.dep_ not in ("compound", "amod", "nmod") for t in words):
        return None, None
    affiliation: list = []
    while words and words[0].ent_type_ in ("GPE", "NORP", "ORG", "PERSON") \
            and key(words[0].text) not in PORTFOLIOS | TITLE_WORDS:
        affiliation.append(words.pop(0))
    words = [t for t in words if key(t.text) not in HONORIFICS]
    affiliation_text = " ".join(t.text for t in affiliation) or None
    if not words or not (words[-1].pos_ == "NOUN" or key(words[-1].text) in TITLE_WORDS):
        return None, affiliation_text
    return " ".join(_as_role_word(t) for t in words), affiliation_text


def _as_role_word(tok) -> str:
    """A title word as a role: common words in lower case ("Defense Secretary" is "defense
    secretary"); names and abbreviations as written ("former Pennsylvania Gov.", "DNC chairwoman")."""
    if tok.text.endswith(".") or (tok.ent_type_ and key(tok.text) not in PORTFOLIOS | TITLE_WORDS):
        return tok.text
    return tok.lower_


def describe(doc: Doc, start: int, end: int) -> SpeakerInfo:
    """Read a speaker description off the source phrase ``doc[start:end]``."""
    span = doc[start:end]
    root = span.root
    info = SpeakerInfo(head_lemma=root.lemma_.lower())
    info.definite = any(t.lower_ in ("the", "this", "that") for t in root.children if t.dep_ == "det") \
        or any(t.dep_ == "poss" for t in root.children)  # "Austria's interior minister"
    info.gender = gender_of(span)
    if len(span) == 1 and root.pos_ == "PRON":
        info.pronoun = root.lower_
        return info
    sentence = root.sent.text.lower()
    # a person's relative, aide or lawyer is not that person; a person's tweet or campaign speaks
    # for them (the engine's convention, which the store's identities rely on)
    relation_noun = root.pos_ == "NOUN" and root.lemma_.lower() not in DOCUMENT_NOUNS | GROUP_NOUNS
    person = _entity_text(span, ("PERSON",), possessors=not relation_noun)
    org = _entity_text(span, ("ORG",))
    place = _entity_text(span, ("GPE", "NORP", "LOC"))
    if not person:  # "the mayor's spokeswoman, Ana Ruiz" where the tagger missed the name
        person = _appositive_name(root)
    if person:
        info.name, info.type = without_title(person), "person"
    if root.pos_ == "NOUN":
        lemma = root.lemma_.lower()
        if lemma in DOCUMENT_NOUNS:
            info.type = "document"
            named = [t for t in span if t.dep_ != "det" and not t.is_punct]
            # "the Mueller report" has a name; "a letter", "court filings", "the study" do not
            if any(t.pos_ == "PROPN" or t.ent_type_ for t in named):
                info.name = info.name or " ".join(t.text for t in named)
            else:
                info.role = info.role or lemma
        elif lemma in GROUP_NOUNS and not person:
            info.type = "organization" if root.tag_ == "NN" else "group"
            named = [t for t in span if t.dep_ != "det" and not t.is_punct]
            # "the company" names no one (a different company in every article); "the Port
            # Avalon Workers' Union" or "the Justice Department" does
            determined = any(c.dep_ == "det" for c in root.children)  # "Police said" keeps its name
            if not determined or len(named) > 1 or any(t.pos_ == "PROPN" or t.ent_type_ for t in named):
                info.name = " ".join(t.text for t in named)
        else:
            info.role = _role(doc, root) if lemma not in ROLE_STOP else None
            if not person:
                info.type = "group" if root.tag_ == "NNS" else "person"
        modifiers = [t for t in root.children if t.dep_ in ("compound", "amod", "nmod", "poss")]
        aff = [t for t in modifiers if t.ent_type_ in ("ORG", "GPE", "NORP")
               or (t.pos_ == "PROPN" and not _capitalised_by_position(t))]
        aff = aff or [t for t in modifiers if t.dep_ == "poss" and t.pos_ in ("NOUN", "PROPN")]
        owner = next((t for t in modifiers if t.dep_ == "poss" and t.lower_ in POSSESSIVES), None)
        if not aff and owner is not None:  # "his office said": whose office
            info.affiliation = _possessor(doc, owner)
        if aff:
            lo = min(t.left_edge.i for t in aff)
            hi = max(t.right_edge.i for t in aff) + 1
            words = [t for t in doc[lo:hi] if t.dep_ not in ("det", "case")]
            info.affiliation = " ".join(t.text for t in words) or None
        # "an official at the ministry"; a document's author: "a study by the Institute"
        preps = ("of", "for", "at", "with") + (("by", "from") if info.type == "document" else ())
        for prep in (t for t in root.children if t.dep_ == "prep" and t.lower_ in preps):
            obj = [g for g in prep.children if g.dep_ == "pobj"]
            if obj and not info.affiliation:
                lo, hi = obj[0].left_edge.i, obj[0].right_edge.i + 1
                while hi > lo + 1 and doc[hi - 1].is_punct:  # "by the Institute, a stoppage …"
                    hi -= 1
                info.affiliation = _without_article(doc[lo:hi].text)
    elif root.pos_ == "PROPN" or org or place:
        if person:
            # "Tom Blake, the union leader": the appositive is the role
            title = next((c for c in root.children if c.dep_ == "appos" and c.pos_ == "NOUN"), None)
            if title is not None and title.lemma_.lower() not in ROLE_STOP:
                info.role = _role(doc, title)
            before, affiliation = _title_before(span)
            info.role = info.role or before
            info.affiliation = info.affiliation or affiliation
        elif org:
            info.name, info.type = org, "organization"
        elif root.ent_type_ in ("GPE",) or (place and root.ent_type_ in ("GPE", "LOC")):
            info.name, info.type = place, "country"
        elif root.ent_type_ == "NORP" and root.tag_ in ("NNS", "NNPS") and not info.definite:
            # "Republicans said", "many Democrats": a party's or people's members, no one by name
            info.type, info.role, info.anonymous = "group", place, True
        elif root.ent_type_ == "NORP":
            info.name, info.type = place, "group"
        else:
            info.name = span.text.removeprefix("the ").removeprefix("The ")
            # a name the tagger missed, but whose head says what it is: "Port Avalon Workers' Union"
            info.type = "organization" if root.ent_type_ == "ORG" or root.lower_ in GROUP_NOUNS else "unknown"
            if info.type == "unknown":
                _person_by_first_name(info)
    if not info.affiliation and info.type == "person" and (org or place) and info.name != (org or place) \
            and (org or place).lower() not in (info.role or ""):  # "Interior" of "interior minister"
        info.affiliation = org or place
    if info.name and info.affiliation and info.affiliation in info.name:
        info.affiliation = None  # "Iraqi government": the name already says it
    _gender_by_first_name(info)
    anonymous_phrase = root.lemma_.lower() in ANONYMOUS_NOUNS or root.lower_ in ANONYMOUS_NOUNS
    if not info.name and info.type in ("person", "group", "unknown") and (
            anonymous_phrase or any(m in sentence for m in ANONYMOUS_MARKERS)):
        info.anonymous = True
    return info


def _gender_by_first_name(info: SpeakerInfo) -> None:
    """ "Mary Steenburgen": her first name says what the phrase's words do not."""
    if info.gender is None and info.type == "person" and info.name:
        given = name_words(info.name)
        if len(given) > 1:
            info.gender = first_name_gender(given[0])


def _person_by_first_name(info: SpeakerInfo) -> None:
    """A name the tagger did not type, read as a person's where it opens with a known first name
    ("Mayor Ana Ruiz": Ana Ruiz, mayor): the title before it is the role."""
    words = without_title(info.name).split()
    titles = info.name.split()[:len(info.name.split()) - len(words)]
    if len(words) < 2 or not all(w[:1].isupper() for w in words):
        return
    gender = first_name_gender(words[0])
    if gender is None:
        return
    info.name, info.type, info.gender = " ".join(words), "person", info.gender or gender
    role = [w for w in titles if key(w) not in HONORIFICS]
    if role and not info.role:
        info.role = " ".join(w.lower() if key(w) in TITLE_WORDS | PORTFOLIOS else w for w in role)


def gender_of(span: Span) -> str | None:
    """ "f" or "m" where a word of the phrase says so ("Mrs.", "spokeswoman", "Steenburgen's son,
    filmmaker Charlie McDowell" is "m"), the head first; words inside a possessor, a
    prepositional phrase or a clause describe someone else ("the lawyer for the woman")."""
    root = span.root

    def own(tok) -> bool:
        while tok.i != root.i and span.start <= tok.i < span.end:
            if tok.dep_ in ("poss", "prep", "pobj", "relcl", "acl"):
                return False
            tok = tok.head
        return True

    for tok in [root] + [t for t in span if t.i != root.i and own(t)]:
        key = tok.lower_.rstrip(".")
        if key in FEMALE:
            return "f"
        if key in MALE:
            return "m"
    return None


def _agrees(pronoun: str, cand: SpeakerInfo) -> bool:
    """A "he" never stands for a woman nor a "she" for a man (where the text says which)."""
    said = "f" if pronoun in FEMALE else "m" if pronoun in MALE else None
    return said is None or cand.gender is None or cand.gender == said


def _compatible(pronoun: str, cand: SpeakerInfo) -> bool:
    if pronoun in PERSON_PRONOUNS:
        return cand.type == "person" and cand.head_lemma not in ("people",) and _agrees(pronoun, cand)
    if pronoun in THING_PRONOUNS:
        return cand.type in ("document", "organization", "country", "unknown")
    if pronoun in PLURAL_PRONOUNS:
        return cand.type in ("group", "organization", "country") or cand.anonymous
    return False


def _same(a: SpeakerInfo, b: SpeakerInfo) -> bool:
    """Whether a later definite/name mention ``b`` refers back to the earlier speaker ``a``."""
    if b.definite and b.head_lemma and b.head_lemma == a.head_lemma:
        # "the statement" after "A US embassy statement"; "the official" after "an official"
        if not b.name or (b.type == a.type and b.type in ("document", "organization", "group")):
            return True
    if bool(a.name) != bool(b.name) and a.type == b.type == "person" and a.role and a.role == b.role \
            and (a.affiliation is None or b.affiliation is None or a.affiliation == b.affiliation) \
            and (a if not a.name else b).definite:
        # "Austria's interior minister" and "Interior Minister Wolfgang Peschorn": one person
        return True
    if a.name and b.name:
        la, lb = name_words(a.name), name_words(b.name)
        # "Blake" after "Tom Blake", even where the tagger did not see a person in "Blake"; two
        # different first names are two people ("James P. Kennedy Jr." is not "Patrick W. Carlineo
        # Jr.", "Jeh Johnson" not "Gary Johnson")
        if not la or not lb or (len(la) > 1 and len(lb) > 1 and la[0] != lb[0]):
            return a.name == b.name
        return a.name == b.name or (la[-1] == lb[-1] and a.type == "person" and (
            b.type == "person" or (b.type == "unknown" and len(lb) == 1)))
    if b.definite and b.head_lemma in GROUP_NOUNS and a.type in ("organization", "group") and b.head_lemma == "group":
        return True
    return False


def resolve(doc: Doc, sources: list[tuple[int, int] | None],
            contents: list[set[int]] | None = None) -> tuple[list[Cluster], list[int | None], list[str | None]]:
    """Cluster the source phrases (token ranges, in text order) into speakers.

    ``contents`` (token indices per attribution) keep a pronoun inside what someone else said
    from standing for that someone ("The staff member recalled that he said …": he is not the
    staff member). Returns the clusters and, per source, the index of its cluster (None for no
    source) and how it was found (see :data:`HOW`), ending ``:name`` where the speaker has a name
    and ``:none`` where not, which :mod:`saidwhat.engine.speaker_confidence` turns into a confidence.
    """
    clusters: list[Cluster] = []
    assignment: list[int | None] = []
    history: list[int] = []  # cluster indices in order of mention
    owners: dict[int, int] = {}  # sentence start -> cluster of the speaker quoted in it
    contents = contents or []
    qmask = doc._.saidwhat_qmask or [0] * len(doc)
    turns = interview_turns(doc)
    people = _people(doc)
    deferred: dict[int, int] = {}  # source index -> attribution whose content holds its "I"
    how: list[str | None] = []
    for k, rng in enumerate(sources):
        if rng is None:
            assignment.append(None)
            how.append(None)
            continue
        described = describe(doc, *rng)
        had_name = bool(described.name)
        info = _completed(described, people)
        path = _named_path(described) if had_name else ("completed" if info.name else "phrase")
        target: int | None = next((ci for ci, cl in enumerate(clusters) if rng in cl.mentions), None)
        if target is not None:  # the same phrase is the source of several cues
            assignment.append(target)
            earlier = next((j for j in range(k) if sources[j] == rng), None)  # else an antecedent's phrase
            how.append(how[earlier] if earlier is not None else path)
            continue
        if info.pronoun in FIRST_PERSON:
            # "“I would not have run if I was not blessed,” he said": the I is whoever says the
            # words around it, known once that attribution is read
            around = holder(rng, k, contents)
            if around is not None:
                deferred[k] = around
                assignment.append(None)
                how.append("in_quote")
                continue
        turn = turns.get(rng[0]) if turns else None
        label = turn is not None and rng[1] - rng[0] == 1 and doc[rng[0]].text == turn  # "A:" itself
        if label and turn == "Q":
            info = SpeakerInfo(type="person")  # the interviewer: not a speaker named "Q"
        antecedent = _relative_antecedent(doc, rng) if info.pronoun in RELATIVE_PRONOUNS else None
        if turn is not None and ((turn == "A" and (label or info.pronoun in FIRST_PERSON))
                                 or (turn == "Q" and info.pronoun in SECOND_PERSON)):
            # an interview transcript: the answers' I (and the questions' you) is the interviewee
            target, path = _cluster_of(doc, clusters, history, turns["interviewee"], people), "interview"
        elif info.pronoun in FIRST_PERSON and not qmask[rng[0]]:
            target, path = None, "writer"  # the writer's own "I" (an op-ed's author): no one the text names
        elif antecedent is not None:
            # "Sanders, who claims …": the noun the relative clause hangs on is the speaker
            target, path = _cluster_of(doc, clusters, history, antecedent, people), "relative"
        elif info.pronoun:
            path = "pronoun"
            reporting = {assignment[j] for j, content in enumerate(contents[:len(assignment)])
                         if rng[0] in content and assignment[j] is not None}
            target = _pronoun_target(doc, info.pronoun, rng, clusters, history, reporting, people)
        elif info.definite and info.head_lemma in DOCUMENT_NOUNS and (
                owner := _last_mention_owner(doc, rng[0], info.head_lemma, owners)) is not None:
            target, path = owner, "document"  # "the statement": the last one mentioned, and its speaker
        elif not info.anonymous or info.definite:
            for ci in reversed(history):
                if _same(clusters[ci].info, info):
                    target = ci
                    path = path if info.name else "same"
                    break
            if target is None and info.definite and not info.name and info.type == "person" and info.role:
                named_role = _role_holder(doc, rng[0], info.head_lemma)
                if named_role is not None:  # "Indiana Gov. Mike Pence … the governor said"
                    target, path = _cluster_of(doc, clusters, history, named_role, people, only_named=True), "role"
            if target is None and info.definite and not info.name and info.head_lemma in GROUP_NOUNS:
                # "Apple said … The company said": the last named organisation quoted before it
                target = next((ci for ci in reversed(history) if clusters[ci].info.type == "organization"
                               and clusters[ci].info.name), None)
                path = "company"
        elif info.anonymous:
            path = "anonymous"
        if target is None:
            if info.pronoun:
                info.type = "person" if info.pronoun in PERSON_PRONOUNS else "unknown"
            clusters.append(Cluster(info))
            target = len(clusters) - 1
        else:
            _merge(clusters[target].info, info)
        clusters[target].mentions.append(rng)
        history.append(target)
        assignment.append(target)
        how.append(path)
        owners[doc[rng[0]].sent.start] = target
    return _finish(doc, sources, contents, clusters, assignment, how, deferred)


def _finish(doc: Doc, sources, contents, clusters: list[Cluster], assignment: list[int | None],
            how: list[str | None], deferred: dict[int, int]):
    """The deferred first persons take their holder's speaker (innermost first); mentions in text
    order; each path says whether the speaker ended up with a name."""
    for k in sorted(deferred, key=lambda k: len(contents[deferred[k]])):
        target = assignment[deferred[k]]
        if target is None:
            clusters.append(Cluster(SpeakerInfo(type="person", pronoun=doc[sources[k][0]].lower_)))
            target = len(clusters) - 1
        clusters[target].mentions.append(sources[k])
        assignment[k] = target
    for cl in clusters:
        cl.mentions.sort()
    how = [None if h is None or t is None else f"{h}:{'name' if clusters[t].info.name else 'none'}"
           for h, t in zip(how, assignment)]
    return clusters, assignment, how


def _named_path(info: SpeakerInfo) -> str:
    """Which kind of name the phrase holds: a person's, an organisation's, another."""
    if info.type == "person":
        return "named_person"
    return "named_org" if info.type in ("organization", "country", "group", "document") else "named_other"


TITLE_NOUNS = table("title_abbreviations")
ROLE_LOOKBACK = 1500  # tokens: how far back a "the governor" looks for the governor named


def _role_holder(doc: Doc, before: int, noun: str) -> tuple[int, int] | None:
    """The person named last before ``before`` with ``noun`` as their title ("Gov. Mike Pence",
    "Governor Pence") or as the head of an apposition ("Chris Christie, the New Jersey governor"),
    as a token range; None where no one was, or where two different people were (then "the
    governor" could be either)."""
    found: list[tuple[int, int, str]] = []
    for ent in entities(doc, max(0, before - ROLE_LOOKBACK), before):
        if ent.label_ != "PERSON":
            continue
        titles = [t for t in doc[max(0, ent.start - 3):ent.start]  # "Indiana Gov." of "Indiana Gov. Mike Pence"
                  if not t.is_punct and ent.start <= t.head.i < ent.end and t.dep_ in ("compound", "amod", "nmod")] + \
            [t for t in ent if key(t.text) in TITLE_WORDS | HONORIFICS or key(t.text) in TITLE_NOUNS]
        nouns = {TITLE_NOUNS.get(key(t.text), t.lemma_.lower()) for t in titles}
        nouns |= {c.lemma_.lower() for t in ent for c in t.children if c.dep_ == "appos" and c.pos_ == "NOUN"}
        if noun in nouns:
            found.append((ent.start, ent.end, " ".join(name_words(without_title(ent.text)))))
    if not found:
        return None
    names = {n for _s, _e, n in found}
    last = found[-1]
    if any(not (n == last[2] or n.split()[-1:] == last[2].split()[-1:]) for n in names):
        return None
    return last[0], last[1]


# how a source's speaker was found (resolve's third list, before ":name" / ":none")
HOW = ("named_person", "named_org", "named_other", "completed", "phrase", "same", "company", "document", "anonymous", "pronoun", "relative",
       "interview", "writer", "in_quote", "role")


def _pronoun_target(doc: Doc, pronoun: str, rng: tuple[int, int], clusters: list[Cluster],
                    history: list[int], reporting: set[int | None],
                    people: list[tuple[int, list[str], str]]) -> int | None:
    """The cluster a pronoun source stands for: the last earlier speaker it can be (not one whose
    words hold it), unless a person named as a main clause's subject since is nearer; a "they"
    with none, the group named just before; a he/she with none, the person named just before."""
    target = None
    for ci in reversed(history):
        if ci not in reporting and _compatible(pronoun, clusters[ci].info):
            target = ci
            break
    if pronoun in PERSON_PRONOUNS:
        # "C. Boyden Gray, who served …, ticked through the code: “…,” he said"
        last = max((m[1] for m in clusters[target].mentions), default=-1) if target is not None else -1
        subject = _recent_subject(doc, rng[0], last)
        if subject is not None:
            named = _cluster_of(doc, clusters, history, subject, people, only_named=True)
            if named is not None and named not in reporting and _agrees(pronoun, clusters[named].info):
                target = named
    if target is None and pronoun in ("they", "them"):
        group = _nearest_group(doc, rng[0])
        if group is not None:
            target = _cluster_of(doc, clusters, history, group, people)
    if target is None and pronoun in PERSON_PRONOUNS:
        # no earlier speaker fits: "Sondland amended his testimony … he said"
        named = _nearest_person(doc, rng[0])
        if named is not None:
            target = _cluster_of(doc, clusters, history, named, people, only_named=True)
            if target is not None and not _agrees(pronoun, clusters[target].info):
                target = None  # "she said" after a man was named: no one we know
            if target is not None and clusters[target].info.type in ("unknown", "country"):
                clusters[target].info.type = "person"  # "he" says so: a mis-tagged surname
    return target


def _merge(merged: SpeakerInfo, info: SpeakerInfo) -> None:
    """What a new mention adds to its speaker. A gender only from the words of a phrase ("the
    spokeswoman"), never from a pronoun resolved to the speaker: one wrong guess would then block
    the right ones."""
    for attr in ("name", "role", "affiliation") + (() if info.pronoun else ("gender",)):
        if getattr(merged, attr) is None and getattr(info, attr) is not None:
            setattr(merged, attr, getattr(info, attr))
    if merged.name and info.name and len(name_words(info.name)) > len(name_words(merged.name)):
        merged.name = info.name  # "Esper" in the headline, "Mark Esper" in the lede
    if merged.name:
        merged.anonymous = False


def _people(doc: Doc) -> list[tuple[int, list[str], str]]:
    """Every person the text names in full (two words or more): (first token, name words, name)."""
    out = []
    for e in entities(doc):
        if e.label_ == "PERSON" and not any(ch in e.text for ch in "[](){}"):
            name = without_title(e.text)
            words = name_words(name)
            if len(words) > 1:
                out.append((e.start, words, name))
    return out


def _completed(info: SpeakerInfo, people: list[tuple[int, list[str], str]]) -> SpeakerInfo:
    """A surname's full name where the text gives one ("Schilling" is Curt Schilling, "Mr. Vander
    Plaats" Bob Vander Plaats): the full names ending in those words; of several people with
    that surname, the one named first. Never a full name for a word no person ends with."""
    if not info.name or info.type not in ("person", "unknown") or info.anonymous:
        return info
    words = name_words(info.name)
    if not words or len(words) > 2 or (len(words) == 2 and info.type != "person"):
        return info
    n = len(words)
    fits = [(at, full, name) for at, full, name in people if len(full) > n and full[-n:] == words]
    if not fits:
        return info
    at, full, name = min(fits)
    info.name, info.type = name, "person"
    _gender_by_first_name(info)
    return info


def _relative_antecedent(doc: Doc, rng: tuple[int, int]) -> tuple[int, int] | None:
    """The noun phrase a relative pronoun stands for (its clause's head noun and what precedes
    it in its phrase), as a token range; None where the parse does not show one."""
    if rng[1] - rng[0] != 1:
        return None
    verb = doc[rng[0]].head
    if verb.dep_ != "relcl":
        return None
    noun = verb.head
    if noun.pos_ not in ("NOUN", "PROPN"):
        return None
    return (noun.left_edge.i, noun.i + 1)


def _last_mention_owner(doc: Doc, before: int, lemma: str, owners: dict[int, int]) -> int | None:
    """The speaker of the sentence holding the nearest earlier mention of ``lemma``, if any."""
    for tok in reversed(doc[:before]):
        if tok.lemma_.lower() == lemma and tok.pos_ == "NOUN":
            return owners.get(tok.sent.start)
    return None


def _cluster_of(doc: Doc, clusters: list[Cluster], history: list[int], phrase: tuple[int, int],
                people: list[tuple[int, list[str], str]], only_named: bool = False) -> int | None:
    """The cluster an antecedent phrase belongs to: the one already holding it, else the nearest
    earlier speaker it describes, else a new cluster for it (with ``only_named``, only if it has
    a name)."""
    held = next((ci for ci, cl in enumerate(clusters) if phrase in cl.mentions), None)
    if held is not None:
        return held
    info = _completed(describe(doc, *phrase), people)
    nearest = next((ci for ci in reversed(history) if _same(clusters[ci].info, info)), None)
    if nearest is not None or (only_named and not info.name):
        return nearest
    clusters.append(Cluster(info, [phrase]))
    return len(clusters) - 1


def _recent_subject(doc: Doc, before: int, after: int) -> tuple[int, int] | None:
    """The last person named as the subject of a main clause in the sentence of ``before`` or the
    one before it, between token ``after`` and ``before`` (the name's tokens), else None."""
    lo = max(_sentence_before_start(doc, doc[before]), after)
    for t in reversed(doc[lo:before]):
        if t.dep_ in ("nsubj", "nsubjpass") and t.ent_type_ == "PERSON" and t.head.dep_ == "ROOT":
            ent = next((e for e in entities(doc, t.sent.start, before) if e.start <= t.i < e.end), None)
            if ent is not None:
                return (ent.start, ent.end)
    return None


def _nearest_person(doc: Doc, before: int, window: int = 3) -> tuple[int, int] | None:
    """Who a "he"/"she" with no earlier speaker stands for: a named subject earlier in its own
    sentence ("Yet Sondland has amended his testimony — "…," he said"), else the last PERSON
    entity within ``window`` sentences before it."""
    sent = doc[before].sent
    for t in reversed(doc[sent.start:before]):
        # (the small model often tags a surname as a place: "Sondland" GPE)
        if t.dep_ in ("nsubj", "nsubjpass") and t.pos_ == "PROPN" and t.ent_type_ in ("", "PERSON", "GPE"):
            lo = t.i
            while lo > sent.start and doc[lo - 1].pos_ == "PROPN" and doc[lo - 1].head.i == t.i:
                lo -= 1
            return (lo, t.i + 1)
    lo = sent.start
    for _ in range(window - 1):  # back to the start of the sentence window - 1 before this one
        if lo == 0:
            break
        lo = doc[lo - 1].sent.start
    found = [e for e in entities(doc, lo, before) if e.label_ == "PERSON"]
    return (found[-1].start, found[-1].end) if found else None


def _nearest_group(doc: Doc, before: int) -> tuple[int, int] | None:
    """Who a "they" with no earlier speaker stands for: the last plural noun subject ("Farmers
    blocked the road. They said …") or organisation named in its sentence or the one before."""
    lo = _sentence_before_start(doc, doc[before])
    for t in reversed(doc[lo:before]):
        if t.dep_ in ("nsubj", "nsubjpass") and t.tag_ in ("NNS", "NNPS"):
            return (t.left_edge.i, t.i + 1)
        if t.ent_type_ == "ORG" and t.ent_iob_ == "B":
            ent = next((e for e in entities(doc, t.i, before) if e.start == t.i), None)
            if ent is not None and ent.end <= before:
                return (ent.start, ent.end)
    return None
