"""Command handlers, one module per family. `FAMILIES` is what the bootstrap registers."""

from commands import help, ideas

FAMILIES = [help.family, ideas.family]
