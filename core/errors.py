"""User-facing errors: one clear line, never personal data, never a stack trace."""


class LocalReachError(Exception):
    """Base for every error a user can cause and fix (bad file, unknown column, ...).

    The message is shown as-is on one line (CLI standard error, GUI dialog), so it must
    say what went wrong, where, and what to do next -- without any cell values.
    """

    exit_code = 2


class FileImportError(LocalReachError):
    """A source file cannot be read safely (encoding, ragged row, zip bomb, ...)."""


class ColumnError(LocalReachError):
    """A named column does not exist or has no usable role."""


class TemplateError(LocalReachError):
    """A mail-merge template is unsafe or refers to unknown fields."""


class KeyStoreError(LocalReachError):
    """The project key cannot be stored, read back or unlocked."""
