"""The `kumocheck server` subcommand; pygls is imported only when the server starts."""

from __future__ import annotations

import argparse
import sys

INSTALL_HINT = "kumocheck server needs pygls 2: install kumocheck[server] (pip install 'kumocheck[server]')"
_SERVER_PACKAGES = ("pygls", "lsprotocol", "cattrs")


def add_commands(subparsers) -> None:
    """Add `server` to the CLI's subcommands."""
    server = subparsers.add_parser(
        "server",
        help="run the language server (LSP) for editors",
        description="Speak the Language Server Protocol on stdin/stdout: diagnostics, hover and quick fixes.",
    )
    server.add_argument(
        "--stdio", action="store_true", default=True, help="talk LSP over stdin/stdout (the default and only transport)"
    )
    server.set_defaults(run=run_server)


def run_server(args: argparse.Namespace) -> int:
    """Start the server; exit 2 with an install hint when pygls is missing or too old."""
    try:
        from kumocheck.server.lsp import serve
    except ImportError as exc:
        missing = (exc.name or "").split(".")[0]
        if missing not in _SERVER_PACKAGES:
            raise
        print(f"kumocheck: {INSTALL_HINT} ({exc})", file=sys.stderr)
        return 2
    serve()
    return 0
