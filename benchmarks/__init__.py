"""citegraph's benchmarks: crawl requests/time/cost against the physical floor and a naive
crawler, and analysis scaling. One command: ``python -m benchmarks.run`` (see README.md).

Benchmarks are not tests: nothing here is timed in CI; ``tests/test_benchmarks.py`` only
smoke-runs ``python -m benchmarks.run --quick``.
"""
