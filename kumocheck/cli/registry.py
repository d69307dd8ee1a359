"""The subcommands other modules contribute, and which module adds each.

`kumocheck check` (and `rule`) live in `kumocheck.cli`; every other subcommand is added
by its own module. Importing those modules (the compiler, the runtime, the language
server) costs more than a warm `check` itself, so the command line imports only the
module of the subcommand being run and lists the others with their help text alone.
"""

from __future__ import annotations

import argparse
import importlib
from typing import Sequence

import attrs


@attrs.frozen
class CommandModule:
    """A module that adds subcommands: its name, its register function, and
    the (name, help) of each subcommand it adds, in the order it adds them."""

    module: str
    register: str
    commands: tuple[tuple[str, str], ...]


#: In the order `kumocheck --help` lists them (after check and rule).
MODULES: tuple[CommandModule, ...] = (
    CommandModule("kumocheck.cli.schemas", "add_commands", (
        ("schemas", "write JSON Schema files for the data-file kinds (taplo, Even Better TOML)"),
    )),
    CommandModule("kumocheck.compiler.cli", "add_commands", (
        ("compile", "compile a policy into a Python module"),
        ("resolve", "print the queue config a policy gives each queue name"),
        ("verify", "run the compiled module beside the policy in Lua 5.4 and compare"),
    )),
    CommandModule("kumocheck.cli.explain", "add_command", (
        ("explain", "show every field of a queue's config and where its value comes from"),
    )),
    CommandModule("kumocheck.cli.diff", "add_command", (
        ("diff", "show which queues' configs change between two versions of a policy"),
    )),
    CommandModule("kumocheck.cli.kumotest", "add_command", (
        ("test", "run declarative policy tests (*.kumotest.toml)"),
    )),
    CommandModule("kumocheck.server.cli", "add_commands", (
        ("server", "run the language server (LSP) for editors"),
    )),
)

#: Marks the namespace of a subcommand whose module was not imported (see `add_commands`).
PLACEHOLDER = "_placeholder_for"


def requested_command(argv: Sequence[str]) -> str | None:
    """The subcommand named on a command line: its first word that is not an option."""
    return next((word for word in argv if not word.startswith("-")), None)


def add_commands(subparsers, load: str | None | bool) -> None:
    """Add every contributed subcommand to `subparsers`.

    `load=True` imports every module; a command name imports only the module that adds
    it; others get a placeholder parser with the help text, so `--help` still lists
    them. A module that cannot be imported (an optional part left out) adds nothing
    when everything is loaded, and placeholders when only its command was asked for.
    """
    for entry in MODULES:
        names = [name for name, _ in entry.commands]
        if load is True or load in names:
            try:
                module = importlib.import_module(entry.module)
            except ImportError:
                if load is True:
                    continue
            else:
                getattr(module, entry.register)(subparsers)
                continue
        for name, help_text in entry.commands:
            placeholder = subparsers.add_parser(name, help=help_text, add_help=False)
            placeholder.add_argument("rest", nargs=argparse.REMAINDER)
            placeholder.set_defaults(**{PLACEHOLDER: name})
