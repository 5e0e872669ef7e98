"""``python -m citegraph`` runs the command line."""

from .cli import main

main()
