"""Turning findings' fixes into edits: shared by `check --fix` and the language server."""
