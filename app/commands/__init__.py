"""One module per CLI sub-command; see :mod:`app.cli` for the protocol."""
