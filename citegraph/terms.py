"""Term variants, matching and contexts: which works use "pre-training", and how.

A term such as ``pre-training`` is written many ways: ``pretraining``, ``pre training``,
``pre-trained``, ``pretrain``, ``Pre-Training``, ``"pretraining"`` (OpenAlex abstract tokens
keep their punctuation, DEFECTS.md item 11). :func:`compile_term` turns a term into one
regular expression that accepts every joiner (hyphen, space, none) between its parts and every
inflection of its last word; a user may pass a regular expression instead.

:func:`term_hits` decides one work's term use from its title and, only when the record has a
real abstract, its abstract. A work whose abstract is missing or is really a citation line
(``has_abstract`` False: BERT W2963341956, DEFECTS.md item 2) and whose title does not match
is ``"unknown"``, never ``"no"``: its text was simply not seen.

:func:`annotate_terms` writes the node attributes of ``notes/SCHEMA.md`` (``term_use``,
``term_forms``, ``term_snippet``, ``term_collocations`` for the primary term, and
``terms = {term: {...}}`` for every term).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping, NamedTuple, Sequence

import networkx as nx

from .bulk import gc_paused
from .errors import TermError

__all__ = [
    "TermMatcher",
    "TermMatch",
    "variants",
    "compile_term",
    "term_hits",
    "annotate_terms",
    "term_record",
    "is_adopter",
    "spelling_labels",
    "annotated_terms",
    "USES",
    "STOPWORDS",
]

log = logging.getLogger("citegraph")

#: The values of the ``term_use`` node attribute.
USES = ("title", "abstract", "no", "unknown")

_HYPHEN_CHARS = "-\u00ad\u2010\u2011\u2012\u2013\u2014\u2015"
_HYPHEN_CLASS = "[" + re.escape(_HYPHEN_CHARS) + "]"
# Between the parts of a compound: a hyphen, whitespace, or nothing at all.
_JOINER = rf"({_HYPHEN_CLASS}\s*|\s+)?"
_SPLIT = re.compile(rf"(?:{_HYPHEN_CLASS}|\s)+")
_PREFIXES = ("pre", "post", "fine", "self", "semi", "multi", "cross", "meta")
_VOWELS = set("aeiouy")
_CONTEXT_CHARS = 70
_BOUNDARY_PUNCT = set(".,;:!?)]}")
_QUOTES = "\"'“‘«"
_STRIP = "\"'“”‘’«»()[]{}<>*_`.,;:!?"

#: Words that are never a collocation ("the pre-training" gives nothing).
STOPWORDS = frozenset(
    """a an the this that these those its their our his her my your some any each every all both
    no not nor and or but if then than so as at by for from in into of on onto to with within without
    via per over under about after before during through between among against upon toward towards
    is are was were be been being has have had do does did can could may might will would shall should
    must we they it he she i you which who whom whose what where when while how why also such more most
    less least very much many few other another same own only just further here there
    use uses used using based apply applied applying employ employs employed employing perform performs
    performed performing show shows showed shown study studies studied without versus vs et al
    first second third then now well already previously often usually typically commonly widely""".split()
)


class TermMatch(NamedTuple):
    """One occurrence: ``text[start:end]`` as written, and its spelling family."""

    start: int
    end: int
    text: str
    spelling: str


@dataclass(frozen=True)
class TermMatcher:
    """One compiled term: its pattern, the literal every match contains, and its spelling labels.

    ``parts`` is the term split into words (``["pre", "training"]``); empty for a regex.
    ``needle`` is a lowercase literal every match contains, used to skip texts cheaply.
    """

    term: str
    pattern: re.Pattern[str]
    regex: bool = False
    parts: tuple[str, ...] = ()
    needle: str = ""
    forms: tuple[str, ...] = field(default_factory=tuple)
    lowercase: re.Pattern[str] | None = None

    def finditer(self, text: str) -> Iterator[TermMatch]:
        """Non-empty occurrences of the term in ``text``, in order."""
        if not text:
            return
        lowered = text.lower()
        if self.needle and self.needle not in lowered:
            return
        # A case-sensitive search of the lowercased text is several times faster than
        # IGNORECASE; it is only valid while lowercasing keeps every position ("İ" does not).
        if self.lowercase is not None and len(lowered) == len(text):
            matches = self.lowercase.finditer(lowered)
        else:
            matches = self.pattern.finditer(text)
        for match in matches:
            if match.end() > match.start():
                yield TermMatch(match.start(), match.end(), text[match.start():match.end()], self._spelling(match))

    def _spelling(self, match: re.Match[str]) -> str:
        """The spelling family of a match: the term written with the joiners the match used.

        For ``pre-training``, ``Pretrained`` → ``pretraining``, ``pre-trains`` → ``pre-training``,
        ``pre training`` → ``pre training``. A regex or a one-word term: the normalised form.
        """
        if self.regex or len(self.parts) < 2:
            return normalize_form(match.group(0))
        joiners = []
        for index in range(1, len(self.parts)):
            joined = match.group(f"j{index}") or ""
            joiners.append("" if not joined else (" " if joined.isspace() else "-"))
        label = self.parts[0]
        for joiner, part in zip(joiners, self.parts[1:]):
            label += joiner + part
        return label


def normalize_form(text: str) -> str:
    """A surface form as reported: lowercase, unicode hyphens as ``-``, whitespace as one space."""
    lowered = text.lower()
    lowered = re.sub(_HYPHEN_CLASS, "-", lowered)
    return re.sub(r"\s+", " ", re.sub(r"-\s+", "-", lowered)).strip()


# --- variants -------------------------------------------------------------------------------


def _split_term(term: str) -> list[str]:
    words = [w for w in _SPLIT.split(term.strip().lower()) if w]
    if len(words) == 1:
        word = words[0]
        for prefix in _PREFIXES:
            if word.startswith(prefix) and len(word) - len(prefix) >= 4 and word[len(prefix)].isalpha():
                return [prefix, word[len(prefix):]]
    return words


def _undouble(stem: str) -> tuple[str, bool]:
    if len(stem) >= 3 and stem[-1] == stem[-2] and stem[-1] not in _VOWELS and stem[-1].isalpha():
        return stem[:-1], True
    return stem, False


def _restore_e(stem: str) -> str:
    """Guess the base of an ``-ing``/``-ed`` stem (``tun`` → ``tune``); for display only."""
    endings = ("v", "z", "c", "dl", "bl", "pl", "tl", "gl", "kl", "ur", "ut", "at", "as", "is", "os", "us")
    cvc = (len(stem) == 3 and stem[0] not in _VOWELS and stem[1] in _VOWELS and stem[2] not in _VOWELS | set("wx"))
    if stem.endswith(endings) and not stem.endswith(("ck", "ss")) or cvc:
        return stem + "e"
    return stem


@dataclass(frozen=True)
class _Inflection:
    stem: str  # what every form starts with (undoubled, no final e)
    base: str  # display base form ("train", "tune", "transformer")
    doubled: bool
    verb: bool
    given: str


def _inflection(word: str, compound: bool) -> _Inflection:
    if len(word) >= 5 and word.endswith("ing"):
        stem, doubled = _undouble(word[:-3])
        return _Inflection(stem, stem if doubled else _restore_e(stem), doubled, True, word)
    if len(word) >= 4 and word.endswith("ed"):
        stem, doubled = _undouble(word[:-2])
        return _Inflection(stem, stem if doubled else _restore_e(stem), doubled, True, word)
    if compound:
        base = word[:-1] if word.endswith("s") and not word.endswith("ss") else word
        stem = base[:-1] if base.endswith("e") and not base.endswith("ee") else base
        return _Inflection(stem, base, False, True, word)
    return _Inflection(word, word, False, False, word)


def _plural(word: str) -> str:
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and len(word) > 1 and word[-2] not in _VOWELS:
        return word[:-1] + "ies"
    return word + "s"


def _word_forms(inf: _Inflection) -> list[str]:
    if not inf.verb:
        return [inf.given, _plural(inf.given)]
    double = inf.stem[-1] if inf.doubled else ""
    ing = inf.stem + double + "ing"
    ed = inf.base + "d" if inf.base.endswith("e") else inf.stem + double + "ed"
    if inf.base.endswith("y") and inf.base[-2:-1] not in _VOWELS:
        ed = inf.base[:-1] + "ied"
    return [inf.given, ing, ed, inf.base, _plural(inf.base), ing + "s"]


def variants(term: str) -> list[str]:
    """Spellings and inflections of ``term`` that :func:`compile_term` matches (lowercase).

    ``pre-training`` → ``pre-training, pretraining, pre training, pre-trained, pretrained, ...,
    pre-train, pretrain, pre-trains, ...``. A compound (hyphenated, spaced, or a known prefix
    such as pre/fine/self/multi glued on) gets every joiner; its last word gets the verb
    inflections when it is an ``-ing``/``-ed`` form or the compound is a prefixed verb
    (``fine-tune``), else a plural (``transformer`` → ``transformer, transformers``). The matcher
    is a little more lenient than this list (it accepts any of the endings on the stem).
    """
    parts = _split_term(term)
    if not parts or not any(ch.isalnum() for ch in "".join(parts)):
        raise TermError("empty --term: give a word such as pre-training, or a regular expression with --regex")
    inf = _inflection(parts[-1], compound=len(parts) > 1 and parts[0] in _PREFIXES)
    joiners = ("-", "", " ") if len(parts) > 1 else ("",)
    out: dict[str, None] = {}
    for form in _word_forms(inf):
        for joiner in joiners:
            out.setdefault(joiner.join([*parts[:-1], form]), None)
    return list(out)


# --- compiling ------------------------------------------------------------------------------


def _last_word_pattern(inf: _Inflection) -> tuple[str, str]:
    """``(literal, rest)``: the last word's pattern as a literal start and the regex after it."""
    if not inf.verb:
        word, plural = inf.given, _plural(inf.given)
        common = len(word) if plural.startswith(word) else len(word) - 1
        return word[:common], f"(?:{re.escape(word[common:])}|{re.escape(plural[common:])})"
    stem = inf.stem
    double = f"(?:{re.escape(stem[-1])})?" if stem[-1].isalpha() and stem[-1] not in _VOWELS else ""
    if stem.endswith("y"):
        return stem[:-1], "(?:y|ie|i)" + double + "(?:e|es|s|ed|d|ing|ings)?"
    return stem, double + "(?:e|es|s|ed|d|ing|ings)?"


def _starts_word(literal: str) -> str:
    """``literal`` with the check that no word character precedes it, placed *after* the
    literal so the regex engine can scan for the literal quickly."""
    if not literal:
        return r"(?<!\w)"
    return re.escape(literal) + rf"(?<!\w.{{{len(literal)}}})"


def compile_term(term: str, *, regex: bool = False) -> TermMatcher:
    """One case-insensitive matcher for ``term`` and all its :func:`variants`, or for a regex.

    Matches stand alone as words: a letter, digit or underscore may not touch either end
    (``pretrainingx`` and ``unpretrained`` do not match; ``"pretraining"``, ``(pre-trained)``
    and ``pre-training-based`` do). Raises :class:`TermError` for an empty term, an invalid
    regular expression, or one that matches the empty string.
    """
    if term is None or not str(term).strip():
        raise TermError("empty --term: give a word such as pre-training, or a regular expression with --regex")
    term = str(term).strip()
    if regex:
        try:
            pattern = re.compile(term, re.IGNORECASE)
        except re.error as exc:
            raise TermError(f"invalid --term regular expression {term!r}: {exc.msg} at position {exc.pos}") from exc
        if pattern.search("") is not None:
            raise TermError(f"--term regular expression {term!r} matches the empty string; make it match a word")
        return TermMatcher(term=term, pattern=pattern, regex=True, forms=(term,))
    parts = _split_term(term)
    forms = tuple(variants(term))
    inf = _inflection(parts[-1], compound=len(parts) > 1 and parts[0] in _PREFIXES)
    literal, rest = _last_word_pattern(inf)
    if len(parts) == 1:
        body = _starts_word(literal) + rest
    else:
        body = _starts_word(parts[0])
        for index, part in enumerate(parts[1:], start=1):
            word = re.escape(literal) + rest if index == len(parts) - 1 else re.escape(part)
            body += _JOINER.replace("(", f"(?P<j{index}>", 1) + word
    body += r"(?!\w)"
    needle = max([*parts[:-1], inf.stem], key=len)
    return TermMatcher(term=term, pattern=re.compile(body, re.IGNORECASE | re.DOTALL), parts=tuple(parts),
                       needle=needle, forms=forms, lowercase=re.compile(body, re.DOTALL))


# --- per work -------------------------------------------------------------------------------


def _clean_token(token: str) -> str:
    return token.strip(_STRIP + _HYPHEN_CHARS).lower()


def _is_content(word: str) -> bool:
    return len(word) >= 2 and word not in STOPWORDS and any(ch.isalpha() for ch in word) and not word[0].isdigit()


def _adjective_like(word: str) -> bool:
    return word.endswith(("ed", "ive", "al", "ic", "ous", "ful", "less", "able", "ible", "ary", "ory", "ly"))


def _collocation(text: str, start: int, matcher: TermMatcher) -> str | None:
    """The content word(s) right before a match: ``unsupervised``, ``language model``; else None.

    Stops at a clause boundary (``.,;:`` ...) and at a stopword, so "the pre-training" and
    "BERT: Pre-training" give nothing. Takes a second word only for a noun compound
    ("language model pre-training"): the nearer word must not look like an adjective, and the
    farther one must not look like a verb form (``-s``, ``-ed``, ``-ing``).
    """
    before = text[max(0, start - 80):start].rstrip(_QUOTES)
    if before.endswith(("(", "[", "{")):
        return None
    if before and not before[-1].isspace():
        attached = re.search(r"(\w+)" + _HYPHEN_CLASS + r"$", before)  # "self-pretraining"
        if not attached:
            return None
        word = attached.group(1).lower()
        return word if _is_content(word) and not matcher.pattern.fullmatch(word) else None
    tokens = before.split()
    if not tokens or tokens[-1][-1] in _BOUNDARY_PUNCT:
        return None
    first = _clean_token(tokens[-1])
    if not _is_content(first) or matcher.pattern.fullmatch(first):
        return None
    if len(tokens) >= 2 and tokens[-2][-1] not in _BOUNDARY_PUNCT and not _adjective_like(first):
        second = _clean_token(tokens[-2])
        if _is_content(second) and not second.endswith(("s", "ed", "ing")) and tokens[-2][0] not in "(\"'“":
            return f"{second} {first}"
    return first


def _snippet(text: str, start: int, end: int) -> str:
    left = max(0, start - _CONTEXT_CHARS)
    right = min(len(text), end + _CONTEXT_CHARS)
    if left > 0:
        space = text.find(" ", left, start)
        left = space + 1 if space != -1 else left
    if right < len(text):
        space = text.rfind(" ", end, right)
        right = space if space != -1 else right
    core = re.sub(r"\s+", " ", text[left:right]).strip()
    return ("…" if left > 0 else "") + core + ("…" if right < len(text) else "")


def term_hits(title: str | None, abstract: str | None, has_abstract: bool, matcher: TermMatcher) -> dict[str, Any]:
    """How one work uses the term: ``{use, where, forms, spellings, snippet, collocations}``.

    ``use`` is ``"title"`` when the title matches (whatever the abstract says), ``"abstract"``
    when only the abstract does, ``"no"`` when a real abstract and the title were searched in
    vain, and ``"unknown"`` when the title does not match and there is no real abstract to
    search (``has_abstract`` False: missing, or a citation line). ``where`` lists the fields
    that matched; ``forms`` the normalised surface forms in order of appearance; ``spellings``
    their spelling families; ``snippet`` a keyword-in-context line (from the abstract when it
    matched, as it says more than a title); ``collocations`` the content words right before
    each match ("unsupervised", "generative", "language model").
    """
    found: dict[str, list[TermMatch]] = {}
    texts = {"title": title or "", "abstract": (abstract or "") if has_abstract else ""}
    for name, text in texts.items():
        matches = list(matcher.finditer(text))
        if matches:
            found[name] = matches
    if "title" in found:
        use = "title"
    elif "abstract" in found:
        use = "abstract"
    else:
        use = "no" if has_abstract else "unknown"
    forms: dict[str, None] = {}
    spellings: dict[str, None] = {}
    collocations: dict[str, None] = {}
    for name, matches in found.items():
        for match in matches:
            forms.setdefault(normalize_form(match.text), None)
            spellings.setdefault(match.spelling, None)
            word = _collocation(texts[name], match.start, matcher)
            if word:
                collocations.setdefault(word, None)
    snippet = ""
    for name in ("abstract", "title"):
        if name in found:
            first = found[name][0]
            snippet = _snippet(texts[name], first.start, first.end)
            break
    return {
        "use": use,
        "where": list(found),
        "forms": list(forms),
        "spellings": list(spellings),
        "snippet": snippet,
        "collocations": list(collocations),
    }


# --- the graph ------------------------------------------------------------------------------


def _as_terms(terms: str | Sequence[str]) -> list[str]:
    listed = [terms] if isinstance(terms, str) else list(terms)
    if not listed:
        raise TermError("no --term given: give a word such as pre-training")
    return listed


def annotate_terms(G: nx.DiGraph, terms: str | Sequence[str] = ("pre-training",), *, regex: bool = False) -> None:
    """Set every node's term attributes (``notes/SCHEMA.md``) for ``terms``; the first is primary.

    Flat ``term_use``/``term_forms``/``term_snippet``/``term_collocations`` describe the primary
    term; ``terms`` holds ``{term: {use, forms, snippet, collocations, where, spellings}}`` for
    each term and replaces any earlier annotation; ``G.graph["terms"]`` lists the terms, primary
    first. All terms are compiled before any node is touched, so a :class:`TermError` leaves the
    graph as it was.
    """
    listed = _as_terms(terms)
    matchers = [compile_term(term, regex=regex) for term in listed]
    counts = dict.fromkeys(USES, 0)
    with gc_paused():
        _annotate_nodes(G, matchers, counts)
    G.graph["terms"] = [matcher.term for matcher in matchers]
    log.info("term %r: %s", matchers[0].term, ", ".join(f"{k} {v}" for k, v in counts.items()))


def _annotate_nodes(G: nx.DiGraph, matchers: Sequence[TermMatcher], counts: dict[str, int]) -> None:
    for _, attrs in G.nodes(data=True):
        per_term = {}
        for matcher in matchers:
            hits = term_hits(attrs.get("title"), attrs.get("abstract"), bool(attrs.get("has_abstract")), matcher)
            per_term[matcher.term] = {
                "use": hits["use"],
                "forms": hits["forms"],
                "snippet": hits["snippet"],
                "collocations": hits["collocations"],
                "where": hits["where"],
                "spellings": hits["spellings"],
            }
        primary = per_term[matchers[0].term]
        attrs["term_use"] = primary["use"]
        attrs["term_forms"] = primary["forms"]
        attrs["term_snippet"] = primary["snippet"]
        attrs["term_collocations"] = primary["collocations"]
        attrs["terms"] = per_term
        counts[primary["use"]] += 1


def term_record(attrs: Mapping[str, Any], term: str | None = None) -> dict[str, Any]:
    """A node's annotation for ``term`` (``None``: the primary term, i.e. the first annotated).

    A node never annotated reads as ``use == "unknown"`` for the primary term; asking for a
    term the graph was not annotated with raises :class:`TermError`.
    """
    per_term = attrs.get("terms") or {}
    if term is None:
        if per_term:
            return next(iter(per_term.values()))
        return {
            "use": attrs.get("term_use", "unknown"),
            "forms": list(attrs.get("term_forms") or []),
            "snippet": attrs.get("term_snippet") or "",
            "collocations": list(attrs.get("term_collocations") or []),
            "where": [],
            "spellings": list(attrs.get("term_forms") or []),
        }
    if term in per_term:
        return per_term[term]
    known = sorted(per_term) or "no term"
    raise TermError(f"the graph is annotated for {known}, not {term!r}; run annotate_terms with it")


def is_adopter(attrs: Mapping[str, Any], term: str | None = None) -> bool:
    """True when the node uses the term in its title or abstract."""
    use = attrs.get("term_use") if term is None else term_record(attrs, term)["use"]
    return use in ("title", "abstract")


def spelling_labels(term: str, *, regex: bool = False) -> dict[str, str]:
    """The spelling families of a compound term: ``{"hyphenated": "pre-training",
    "closed": "pretraining", "open": "pre training"}``; empty for a one-word term or a regex."""
    if regex:
        return {}
    parts = _split_term(term)
    if len(parts) < 2:
        return {}
    return {name: joiner.join(parts) for name, joiner in (("hyphenated", "-"), ("closed", ""), ("open", " "))}


def annotated_terms(G: nx.DiGraph) -> list[str]:
    """The terms the graph's nodes are annotated with, primary first (empty when none)."""
    for _, attrs in G.nodes(data=True):
        if attrs.get("terms"):
            return list(attrs["terms"])
    return []
