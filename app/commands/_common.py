"""What the step commands share: column roles, output checks, running a step.

Not a command itself (the leading underscore keeps it out of ``localreach --help``).
"""

from __future__ import annotations

from pathlib import Path

from core.errors import ColumnError, LocalReachError

OUTPUT_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx")


def roles_of(df, overrides: dict[str, str] | None = None) -> dict[str, str]:
    """Column -> role value, guessed from headers and values; ``overrides`` win."""
    from core.roles import detect_roles

    return {**{str(c): str(g.role) for c, g in detect_roles(df).items()}, **(overrides or {})}


def parse_role_overrides(items: list[str], columns: list[str]) -> dict[str, str]:
    """``["Tel=phone"]`` -> ``{"Tel": "phone"}``, refusing unknown columns and roles."""
    from core.roles import Role

    roles = {}
    for item in items:
        column, _, role = item.partition("=")
        if not role:
            raise LocalReachError(f"--role '{item}': write it as COLUMN=ROLE, e.g. --role Tel=phone")
        if column not in columns:
            raise LocalReachError(f"--role: there is no column named '{column}' in the file")
        if role not in {r.value for r in Role}:
            raise LocalReachError(
                f"--role: '{role}' is not a role; use one of {', '.join(r.value for r in Role)}"
            )
        roles[column] = role
    return roles


def read_input(path: str):
    from core.io import read_table

    return read_table(path)[0]


def check_threshold(threshold: float) -> None:
    from core.steps.dedupe import check_threshold as check

    check(threshold, "--threshold")


def check_output(output: str, inputs: list[str]) -> None:
    """Refuse, before any work, an output we cannot write or that is one of the inputs."""
    out = Path(output)
    if out.suffix.lower() not in OUTPUT_SUFFIXES:
        raise LocalReachError(f"{out.name}: cannot write '{out.suffix}' files; use .csv, .tsv "
                              "or .xlsx.")
    for source in inputs:
        if out.exists() and Path(source).exists() and out.resolve() == Path(source).resolve():
            raise LocalReachError(f"{out.name}: is also an input; choose another output file "
                                  "(source files are never changed).")


def refuse_earlier_output(df, columns: tuple[str, ...], file: str) -> None:
    """An input that already holds the columns a step adds is an earlier run's output."""
    for column in columns:
        if column in df.columns:
            raise ColumnError(f"{file}: already has a column '{column}'; rename or remove "
                              "it first (is this the output of an earlier run?).")


def run_step(step_id: str, frames: dict, roles: dict, settings: dict, ctx, **shared):
    """Run one registered step with its config built from ``settings`` (flags), the
    way a recipe and the window run it; ``shared`` goes into the step context.
    Returns (frames, report, context)."""
    from core.steps.base import StepContext
    from core.steps.registry import step

    found = step(step_id)
    config = found.config({k: v for k, v in settings.items() if v is not None}, f"localreach {step_id}")
    key = shared.pop("key", None)
    context = StepContext(parent=ctx, key=key)
    context.shared.update(shared)
    out, report = found.run(frames, roles, config, context)
    return out, report, context
