"""``python -m slmap`` runs the CLI."""

from slmap.cli import main

main()
