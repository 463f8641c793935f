"""Command modules beyond the core ones in ``pricewatch.cli``.

Each module here defines its click commands and ``register(cli)``; ``register_commands``
finds them, so adding a command needs no edit of cli.py. Modules import their heavy
dependencies inside the command functions, keeping ``pricewatch --help`` fast.
"""

from __future__ import annotations

import importlib
import pkgutil

import click

__all__ = ["register_commands"]


def register_commands(group: click.Group) -> None:
    """Import every public module of this package and let it add its commands."""
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        module.register(group)
