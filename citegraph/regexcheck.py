"""Is a user's ``--term`` regular expression safe to run on every title and abstract?

Python's regex engine backtracks: a pattern that can match the same text in many ways under a
repeat takes exponential time on a text that almost matches (``(a+)+$`` on ``aaaa…a!``), and a
crawl of thousands of abstracts would never finish. :func:`refuse_slow_regex` looks at the
pattern as the engine will run it (the standard library's own parse tree, after its
optimisations: ``(a|ab)`` is parsed as ``a(?:|b)``, ``(\\w|\\d)`` as the class ``[\\w\\d]``) and
refuses the two shapes that make backtracking explode:

1. a repeat of more than a few inside another such repeat (``(a+)+``, ``(\\w*)*``, ``(x{1,50})+``);
2. under an unbounded repeat, a choice the engine cannot make from the next character: a branch
   two of whose alternatives can start with the same character (``(x|xy)*z``, ``(a|b|ab)*c``),
   or two of which match nothing (``(a|a)+`` is ``(a(?:|))+``), and an optional part that can
   start like what follows it (``(a?a)+``). An alternative that can match nothing starts with
   whatever can follow the branch, the repeat's own start included.

Character sets are compared on a sample of characters (ASCII, Latin-1, a few others, and every
character the pattern names), so the check is conservative for the letters, digits and
punctuation terms are made of. Possessive repeats and atomic groups never backtrack, so what
is inside them is not a choice. Ordinary patterns pass: ``pre-?train(ing|ed)``,
``(pre|post)[- ]?training``, ``\\bself-?supervis\\w*``, ``foo(bar)*``.
"""

from __future__ import annotations

import re
import re._constants as sre  # the standard library's own regex parser and its opcodes
import re._parser as parser
from typing import Any, Iterable

from .errors import TermError

__all__ = ["refuse_slow_regex"]

#: A repeat allowing more than this many iterations counts as unbounded.
FEW = 10

_SAMPLE_EXTRA = "ßİıſǅΣσςЖж١٢߀०中あ가\u00a0\u2009\u2010\u2013\u2014\u2019\u201c\u3000\ufeff𝟘🤖"
_CATEGORIES = {str(name): re.compile(escape) for name, escape in (
    (sre.CATEGORY_DIGIT, r"\d"), (sre.CATEGORY_NOT_DIGIT, r"\D"), (sre.CATEGORY_SPACE, r"\s"),
    (sre.CATEGORY_NOT_SPACE, r"\S"), (sre.CATEGORY_WORD, r"\w"), (sre.CATEGORY_NOT_WORD, r"\W"))}


def refuse_slow_regex(term: str, pattern: re.Pattern[str]) -> None:
    """Raise :class:`TermError` (one line) when matching ``pattern`` can take exponential time."""
    tree = parser.parse(pattern.pattern, pattern.flags).data
    if _nested_repeats(tree):
        raise TermError(f"--term regular expression {term!r} repeats a repeat (like (a+)+): matching it can take "
                        "exponential time; write the inner part once (a+)")
    sample = _sample(tree)
    if _Choices(sample).ambiguous(tree, frozenset(), repeated=False):
        raise TermError(f"--term regular expression {term!r} repeats a choice the next character cannot decide "
                        "(like (x|xy)* or (a?a)+): matching it can take exponential time; make the alternatives "
                        "start differently")


def _is_repeat(name: str) -> bool:
    return name in ("MAX_REPEAT", "MIN_REPEAT")


def _unbounded(high: int) -> bool:
    return high is sre.MAXREPEAT or high > FEW


def _nested_repeats(items: Any, inside: bool = False) -> bool:
    """True when an unbounded repeat sits inside another one (``(a+)+``, ``(\\w*)*``)."""
    for op, arg in items:
        name = str(op)
        if _is_repeat(name):
            low, high, body = arg
            if _unbounded(high) and (inside or _nested_repeats(body, True)):
                return True
            if _nested_repeats(body, inside):
                return True
        elif name == "SUBPATTERN" and _nested_repeats(arg[-1], inside):
            return True
        elif name == "BRANCH" and any(_nested_repeats(branch, inside) for branch in arg[1]):
            return True
        elif name in ("ASSERT", "ASSERT_NOT") and _nested_repeats(arg[1], inside):
            return True
    return False


def _walk(items: Any) -> Iterable[tuple[str, Any]]:
    """Every (opcode name, argument) in the tree, depth first."""
    for op, arg in items:
        yield str(op), arg
        name = str(op)
        if _is_repeat(name) or name == "POSSESSIVE_REPEAT":
            yield from _walk(arg[2])
        elif name == "SUBPATTERN":
            yield from _walk(arg[-1])
        elif name == "ATOMIC_GROUP":
            yield from _walk(arg)
        elif name == "BRANCH":
            for branch in arg[1]:
                yield from _walk(branch)
        elif name in ("ASSERT", "ASSERT_NOT"):
            yield from _walk(arg[1])
        elif name == "GROUPREF_EXISTS":
            yield from _walk(arg[1])
            if arg[2] is not None:
                yield from _walk(arg[2])
        elif name == "IN":
            yield from ((str(o), a) for o, a in arg)


def _sample(tree: Any) -> tuple[str, ...]:
    """The characters sets are compared on: Latin-1, a few scripts and dashes, and every
    character the pattern names (with its case variants), range ends included."""
    chars = {chr(n) for n in range(256)} | set(_SAMPLE_EXTRA)
    for name, arg in _walk(tree):
        named = [arg] if name in ("LITERAL", "NOT_LITERAL") else list(arg) if name.startswith("RANGE") else []
        for code in named:
            char = chr(code)
            chars |= {char, char.lower(), char.upper(), char.casefold()[:1] or char}
    return tuple(sorted(chars))


class _Choices:
    """First-character sets over a fixed sample, and the search for an undecidable choice."""

    def __init__(self, sample: tuple[str, ...]) -> None:
        self.sample = sample
        self.everything = frozenset(sample)

    def _same(self, char: str, code: int) -> bool:
        # Terms are matched case-insensitively; folding both ways is the generous reading.
        other = chr(code)
        return char == other or char.lower() == other.lower() or char.upper() == other.upper()

    def _in_set(self, char: str, items: Any) -> bool:
        negate, hit = False, False
        for op, arg in items:
            name = str(op)
            if name == "NEGATE":
                negate = True
            elif name == "LITERAL":
                hit = hit or self._same(char, arg)
            elif name.startswith("RANGE"):
                low, high = arg
                hit = hit or any(low <= ord(c) <= high for c in {char, char.lower(), char.upper()} if len(c) == 1)
            elif name == "CATEGORY":
                found = _CATEGORIES.get(str(arg))
                hit = hit or found is None or bool(found.match(char))
            else:  # anything else in a set: assume it may match
                hit = True
        return hit != negate

    def chars(self, name: str, arg: Any) -> frozenset[str]:
        if name == "LITERAL":
            return frozenset(c for c in self.sample if self._same(c, arg))
        if name == "NOT_LITERAL":
            return frozenset(c for c in self.sample if not self._same(c, arg))
        if name == "IN":
            return frozenset(c for c in self.sample if self._in_set(c, arg))
        return self.everything  # ANY

    def first(self, items: Any) -> tuple[frozenset[str], bool]:
        """The characters a match of ``items`` can start with, and whether it can be empty."""
        chars: set[str] = set()
        for op, arg in items:
            starts, empty = self.first_of(str(op), arg)
            chars |= starts
            if not empty:
                return frozenset(chars), False
        return frozenset(chars), True

    def first_of(self, name: str, arg: Any) -> tuple[frozenset[str], bool]:
        if name in ("LITERAL", "NOT_LITERAL", "ANY", "IN"):
            return self.chars(name, arg), False
        if _is_repeat(name) or name == "POSSESSIVE_REPEAT":
            starts, empty = self.first(arg[2])
            return starts, empty or arg[0] == 0
        if name == "SUBPATTERN":
            return self.first(arg[-1])
        if name == "ATOMIC_GROUP":
            return self.first(arg)
        if name == "BRANCH":
            firsts = [self.first(branch) for branch in arg[1]]
            return frozenset().union(*(s for s, _ in firsts)), any(e for _, e in firsts)
        if name in ("AT", "ASSERT", "ASSERT_NOT"):
            return frozenset(), True
        if name == "GROUPREF_EXISTS":
            yes, no = self.first(arg[1]), self.first(arg[2] or [])
            return yes[0] | no[0], yes[1] or no[1]
        return self.everything, True  # a back reference: anything, or nothing

    def ambiguous(self, items: Any, follow: frozenset[str], *, repeated: bool) -> bool:
        """True when, under an unbounded repeat, a choice in ``items`` cannot be made from the
        next character; ``follow`` is what can come after ``items``."""
        for index, (op, arg) in enumerate(items):
            name = str(op)
            rest, rest_empty = self.first(items[index + 1:])
            after = rest | follow if rest_empty else rest
            if _is_repeat(name):
                low, high, body = arg
                starts, _ = self.first(body)
                if repeated and low != high and starts & after:  # one more time, or go on?
                    return True
                inner = after | starts if high is sre.MAXREPEAT or high > 1 else after
                if self.ambiguous(body, inner, repeated=repeated or _unbounded(high)):
                    return True
            elif name == "SUBPATTERN":
                if self.ambiguous(arg[-1], after, repeated=repeated):
                    return True
            elif name == "BRANCH":
                firsts = [self.first(branch) for branch in arg[1]]
                if repeated:
                    starts = [s | after if empty else s for s, empty in firsts]
                    if sum(empty for _, empty in firsts) > 1 or any(
                            starts[a] & starts[b] for a in range(len(starts)) for b in range(a + 1, len(starts))):
                        return True
                if any(self.ambiguous(branch, after, repeated=repeated) for branch in arg[1]):
                    return True
            elif name in ("ASSERT", "ASSERT_NOT"):
                if self.ambiguous(arg[1], self.everything, repeated=repeated):
                    return True
            elif name == "GROUPREF_EXISTS":
                if any(self.ambiguous(branch, after, repeated=repeated) for branch in (arg[1], arg[2] or [])):
                    return True
        return False
