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

Term use is a value, never a node attribute: :func:`term_uses` computes a :class:`TermUses`
from the graph and the compiled matchers (:func:`compile_terms`), and every analysis, the
explorer and the exports take it as an argument. It is recomputed whenever it is needed, so
it can never describe another term than the one asked for.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping, NamedTuple, Sequence

import networkx as nx
import pandas as pd

from .bulk import gc_paused
from .errors import TermError
from .regexcheck import refuse_slow_regex

__all__ = [
    "TermMatcher",
    "TermMatch",
    "TermUse",
    "TermUses",
    "variants",
    "compile_term",
    "compile_terms",
    "term_hits",
    "term_uses",
    "spelling_labels",
    "USES",
    "ADOPTING_USES",
    "UNKNOWN_USE",
    "STOPWORDS",
]

log = logging.getLogger("citegraph")

#: How a work uses a term: in its title, in its abstract only, not at all (title and a real
#: abstract searched), or unknown (no real abstract, and the title does not match).
USES = ("title", "abstract", "no", "unknown")
#: The uses that make a work an adopter of the term.
ADOPTING_USES = frozenset(("title", "abstract"))

# ASCII hyphen, soft hyphen, the Unicode hyphens and dashes, the minus sign (U+2212), the small
# and fullwidth hyphen-minus (U+FE63, U+FF0D): recent abstracts, PDFs and OCR use them all.
_HYPHEN_CHARS = "-\u00ad\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"
# Invisible characters that can sit between the parts (zero-width space, non-joiner, joiner,
# word joiner, BOM): they join the parts as if nothing were there.
_INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff"
_INVISIBLE = re.compile("[" + _INVISIBLE_CHARS + "]")
_HYPHEN_CLASS = "[" + re.escape(_HYPHEN_CHARS) + "]"
_GAP = rf"[\s{_INVISIBLE_CHARS}]"
# Between the parts of a compound: hyphens (one or more, spaced or not: "pre - training",
# "pre--training"), whitespace, an invisible character, or nothing at all.
_JOINER = rf"({_GAP}*{_HYPHEN_CLASS}+{_GAP}*|{_GAP}+)?"
# The suspended hyphen of "pre- and post-training", "pre-/post-training", "pre-, mid- or post-training".
_SUSPENDED = rf"(?P<susp>{_HYPHEN_CLASS}(?:\s*(?:,|/|&|and|or)\s*(?:[^\W\d_]+{_HYPHEN_CLASS}\s*(?:,|/|&|and|or)\s*)*)[^\W\d_]+{_HYPHEN_CLASS})"
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
    ``literal`` is the lowercase literal every match of the last word starts with (``train``;
    ``stud`` for "studying", whose forms include "studied"), right after the joiner.
    """

    term: str
    pattern: re.Pattern[str]
    regex: bool = False
    parts: tuple[str, ...] = ()
    needle: str = ""
    literal: str = ""
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

    def form(self, match: TermMatch) -> str:
        """The surface form a match stands for: normalised, and for a suspended hyphen the form it
        implies ("pre- and post-training" → ``pre-training``)."""
        if self.parts and not self.regex and _SUSPENDED_MATCH.match(match.text[len(self.parts[0]):]):
            last = re.split(_HYPHEN_CLASS, match.text)[-1]
            return self.parts[0] + "-" + normalize_form(last)
        return normalize_form(match.text)

    def _spelling(self, match: re.Match[str]) -> str:
        """The spelling family of a match: the term written with the joiners the match used.

        For ``pre-training``, ``Pretrained`` → ``pretraining``, ``pre-trains`` → ``pre-training``,
        ``pre training`` → ``pre training``. A regex or a one-word term: the normalised form.
        """
        if self.regex or len(self.parts) < 2:
            return normalize_form(match.group(0))
        if "susp" in match.re.groupindex and match.group("susp"):
            return "-".join(self.parts)
        joiners = []
        for index in range(1, len(self.parts)):
            joined = _INVISIBLE.sub("", match.group(f"j{index}") or "")
            joiners.append("" if not joined else ("-" if re.search(_HYPHEN_CLASS, joined) else " "))
        label = self.parts[0]
        for joiner, part in zip(joiners, self.parts[1:]):
            label += joiner + part
        return label


def normalize_form(text: str) -> str:
    """A surface form as reported: lowercase, invisible characters dropped, any run of hyphens
    (unicode ones too, spaced or not) as one ``-``, whitespace as one space."""
    lowered = _INVISIBLE.sub("", text.lower())
    lowered = re.sub(rf"\s*{_HYPHEN_CLASS}+\s*", "-", lowered)
    return re.sub(r"\s+", " ", lowered).strip()


_SUSPENDED_MATCH = re.compile(_SUSPENDED, re.IGNORECASE)


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
    regular expression, one that matches the empty string, or one whose matching time can
    explode (:func:`citegraph.regexcheck.refuse_slow_regex`).
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
        refuse_slow_regex(term, pattern)
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
        if len(parts) == 2:  # "pre- and post-training" uses pre-training too
            body = f"(?:{body}|{_starts_word(parts[0])}{_SUSPENDED}{re.escape(literal)}{rest})"
    body += r"(?!\w)"
    needle = max([*parts[:-1], literal], key=len)  # not the stem: "studi(ed)" lacks "study"
    return TermMatcher(term=term, pattern=re.compile(body, re.IGNORECASE | re.DOTALL), parts=tuple(parts),
                       needle=needle, literal=literal, forms=forms, lowercase=re.compile(body, re.DOTALL))


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


@dataclass(frozen=True, slots=True)
class TermUse:
    """How one work uses one term (see :func:`term_hits`)."""

    use: str
    where: tuple[str, ...] = ()
    forms: tuple[str, ...] = ()
    spellings: tuple[str, ...] = ()
    snippet: str = ""
    collocations: tuple[str, ...] = ()

    @property
    def adopts(self) -> bool:
        """True when the work uses the term in its title or abstract."""
        return self.use in ADOPTING_USES


#: The use of a work whose text was never seen.
UNKNOWN_USE = TermUse("unknown")
#: The use of a work whose title and real abstract were searched in vain: most works, so they
#: share this one value (a million of them were a million objects).
NO_USE = TermUse("no")


def term_hits(title: str | None, abstract: str | None, has_abstract: bool, matcher: TermMatcher) -> TermUse:
    """How one work uses the term.

    ``use`` is ``"title"`` when the title matches (whatever the abstract says), ``"abstract"``
    when only the abstract does, ``"no"`` when a real abstract and the title were searched in
    vain, and ``"unknown"`` when the title does not match and there is no real abstract to
    search (``has_abstract`` False: missing, or a citation line). ``where`` lists the fields
    that matched; ``forms`` the normalised surface forms in order of appearance; ``spellings``
    their spelling families; ``snippet`` a keyword-in-context line (from the abstract when it
    matched, as it says more than a title); ``collocations`` the content words right before
    each match ("unsupervised", "generative", "language model").
    """
    needle = matcher.needle
    if needle and needle not in (title or "").lower() and not (has_abstract and needle in (abstract or "").lower()):
        # what finditer would conclude for both texts, without its generators: most works
        return NO_USE if has_abstract else UNKNOWN_USE
    found: dict[str, list[TermMatch]] = {}
    texts = {"title": title or "", "abstract": (abstract or "") if has_abstract else ""}
    for name, text in texts.items():
        matches = list(matcher.finditer(text))
        if matches:
            found[name] = matches
    if not found:
        return NO_USE if has_abstract else UNKNOWN_USE
    forms: dict[str, None] = {}
    spellings: dict[str, None] = {}
    collocations: dict[str, None] = {}
    for name, matches in found.items():
        for match in matches:
            forms.setdefault(matcher.form(match), None)
            spellings.setdefault(match.spelling, None)
            word = _collocation(texts[name], match.start, matcher)
            if word:
                collocations.setdefault(word, None)
    snippet_from = "abstract" if "abstract" in found else "title"
    first = found[snippet_from][0]
    return TermUse(
        use="title" if "title" in found else "abstract",
        where=tuple(found),
        forms=tuple(forms),
        spellings=tuple(spellings),
        snippet=_snippet(texts[snippet_from], first.start, first.end),
        collocations=tuple(collocations),
    )


# --- the graph ------------------------------------------------------------------------------


def compile_terms(terms: str | Sequence[str], *, regex: bool = False) -> list[TermMatcher]:
    """One matcher per term, the first being the primary term; all are compiled (and checked)
    before anything uses them, so a bad term fails before any work is done.

    Raises :class:`TermError` for no term, an empty one, a repeated one, or an invalid regex.
    """
    listed = [terms] if isinstance(terms, str) else list(terms)
    if not listed:
        raise TermError("no --term given: give a word such as pre-training")
    matchers = [compile_term(term, regex=regex) for term in listed]
    seen: set[str] = set()
    for matcher in matchers:
        if matcher.term in seen:
            raise TermError(f"--term {matcher.term!r} is given twice; give each term once")
        seen.add(matcher.term)
    return matchers


@dataclass(frozen=True)
class TermUses:
    """The term use of every work of a graph, for each term: a value computed by
    :func:`term_uses` from the graph and the matchers, and read, never written, by the analyses,
    the explorer and the exports.

    ``by_term[term][work id]`` is a :class:`TermUse`; ``matchers`` are the compiled terms,
    primary first. A work the graph does not hold reads as :data:`UNKNOWN_USE`.
    """

    matchers: tuple[TermMatcher, ...]
    by_term: Mapping[str, Mapping[str, TermUse]]

    @property
    def terms(self) -> list[str]:
        """The terms, primary first."""
        return [matcher.term for matcher in self.matchers]

    @property
    def primary(self) -> str:
        return self.matchers[0].term

    @property
    def regex(self) -> bool:
        return self.matchers[0].regex

    def matcher(self, term: str | None = None) -> TermMatcher:
        """The compiled matcher of ``term`` (``None``: the primary term)."""
        name = self._name(term)
        return next(m for m in self.matchers if m.term == name)

    def of(self, term: str | None = None) -> Mapping[str, TermUse]:
        """``{work id: TermUse}`` for ``term`` (``None``: the primary term)."""
        return self.by_term[self._name(term)]

    def get(self, work: str, term: str | None = None) -> TermUse:
        return self.of(term).get(work, UNKNOWN_USE)

    def adopters(self, term: str | None = None) -> set[str]:
        """Every work using ``term`` in its title or abstract."""
        return {work for work, hit in self.of(term).items() if hit.adopts}

    def frame(self, term: str | None = None) -> pd.DataFrame:
        """One row per work (index ``id``): ``use, where, forms, spellings, snippet, collocations``."""
        rows = {work: (hit.use, list(hit.where), list(hit.forms), list(hit.spellings), hit.snippet,
                       list(hit.collocations)) for work, hit in self.of(term).items()}
        frame = pd.DataFrame.from_dict(rows, orient="index",
                                       columns=["use", "where", "forms", "spellings", "snippet", "collocations"])
        frame.index.name = "id"
        return frame

    def _name(self, term: str | None) -> str:
        if term is None:
            return self.primary
        if term not in self.by_term:
            raise TermError(f"term use was computed for {self.terms}, not {term!r}")
        return term


def term_uses(G: nx.DiGraph, matchers: Sequence[TermMatcher]) -> TermUses:
    """How every work of ``G`` uses each term, from its title and (real) abstract; ``G`` is only read."""
    if not matchers:
        raise TermError("no --term given: give a word such as pre-training")
    by_term: dict[str, dict[str, TermUse]] = {matcher.term: {} for matcher in matchers}
    with gc_paused():
        for node, attrs in G.nodes(data=True):
            title, abstract, has_abstract = attrs.get("title"), attrs.get("abstract"), bool(attrs.get("has_abstract"))
            for matcher in matchers:
                by_term[matcher.term][node] = term_hits(title, abstract, has_abstract, matcher)
    uses = TermUses(tuple(matchers), by_term)
    counts = {use: 0 for use in USES}
    for hit in by_term[matchers[0].term].values():
        counts[hit.use] += 1
    log.info("term %r: %s", matchers[0].term, ", ".join(f"{k} {v}" for k, v in counts.items()))
    return uses


def spelling_labels(term: str, *, regex: bool = False) -> dict[str, str]:
    """The spelling families of a compound term: ``{"hyphenated": "pre-training",
    "closed": "pretraining", "open": "pre training"}``; empty for a one-word term or a regex."""
    if regex:
        return {}
    parts = _split_term(term)
    if len(parts) < 2:
        return {}
    return {name: joiner.join(parts) for name, joiner in (("hyphenated", "-"), ("closed", ""), ("open", " "))}
