"""Files through the Import screen, then "Find customer groups", as a user goes."""

from pathlib import Path


def import_and_find_groups(window, qtbot, files: dict[str, Path]) -> list:
    """Preview and import each ``{target: path}``, then find groups on Segments; the
    errors the screen would have shown (none when it went well)."""
    imports = window.screens["import"]
    for target, path in files.items():
        imports.preview_file(target, path)
        qtbot.waitUntil(lambda: not window.jobs.is_running("import"), timeout=30000)
        imports.import_pending()
        qtbot.waitUntil(lambda: not window.jobs.is_running("import"), timeout=30000)
    errors = []
    segments = window.screens["segments"]
    segments.show_error = errors.append
    window.go_to("segments")
    segments.find_groups()
    qtbot.waitUntil(lambda: segments.result() is not None or bool(errors), timeout=30000)
    return errors
