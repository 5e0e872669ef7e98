"""The batch of issue 14's cases (``tests/hostile_cases.py``) stays runnable: a few of them, one
per kind of setup, in the normal suite. The whole batch (about 140 cases, a few minutes) runs
with ``python tests/hostile_cases.py``.
"""

from __future__ import annotations

import hostile_cases

SAMPLE = ("analyze while the lock is held, short wait", "cache clear --yes over a foreign SQLite cache.db",
          "gzip bomb (1 GiB of zeros in 1 MB)", "redirect to another loopback host, with a key",
          "a referenced work with referenced_works = 12345", "Retry-After: 'inf'", "--rate-limit nan",
          "graph.json holding null", "--regex (x|xy|y)*z", "user:password in --api-url", "--seed W١",
          "--seed https://doi.org/10.18653%2Fv1%2FN19-1423")


def test_a_sample_of_the_hostile_cases_keeps_the_readme_s_promises() -> None:
    cases = [case for case in hostile_cases.CASES if case.name in SAMPLE]
    assert len(cases) == len(SAMPLE), [case.name for case in cases]
    lines: list[str] = []
    results = hostile_cases.run_cases(cases, jobs=2, report=lines.append)
    assert not [case.name for case, _, failed in results if failed], "\n".join(lines)
    assert len(hostile_cases.CASES) >= 129
