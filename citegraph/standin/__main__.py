"""``python -m citegraph.standin DATA ...`` runs the stand-in (see :func:`citegraph.standin.cli.main`)."""

from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())
