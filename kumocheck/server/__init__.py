"""The language server: `lsp.py` speaks the protocol (the only module importing pygls);
`cli.py` adds the `server` command without importing pygls until it runs."""
