"""The one shape of a pipeline step, shared by the window, the command line and recipes.

A step reads frames (``"crm"``, ``"sales"``, ...) and the role of each of their columns,
never the demo's column names; its settings are a dataclass built from a recipe, a project
or command-line flags through :meth:`StepConfig.from_dict`, which turns a misspelt key
into one clear line. ``run`` returns new frames (the inputs are never changed) and a
small report: a note in plain words and a few counts.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import pandas as pd

from core.errors import ColumnError
from core.jobs import JobContext
from core.roles import ROLE_LABELS, Role
from core.settings_check import build

Frames = dict[str, pd.DataFrame]
Roles = dict[str, dict[str, str]]  # frame name -> column -> role value


class Skipped(Exception):
    """A step cannot run here (no key, no sales file, no template); the reason is shown."""


@dataclass
class StepConfig:
    """Base of every step's settings: plain values, so they go into recipes and projects."""

    @classmethod
    def from_dict(cls, settings: dict | None, where: str = ""):
        """The config from a settings table; an unknown key is one error naming the nearest valid one."""
        return build(cls, dict(settings or {}), where or f"[steps.{cls.__module__.rsplit('.', 1)[-1]}]")

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    def values_for(self, engine: type) -> dict:
        """The settings the engine's own config dataclass takes (a step's config adds the
        columns it reads, its files or its output formats to the engine's settings)."""
        names = {f.name for f in dataclasses.fields(engine)}
        return {k: v for k, v in self.to_dict().items() if k in names}


@dataclass
class StepReport:
    """What a step did: one plain-words note, a few counts, the engine's own report (for
    callers that show more, such as the window's charts) and the roles when they changed."""

    note: str
    counts: dict[str, int] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)
    roles: Roles | None = None  # the roles after the step, when it changed them


class StepContext(JobContext):
    """A job context that also carries what one run shares between its steps.

    ``key``: the project key (pseudonymize, merge's reveal); ``base``: the folder relative
    file names start from; ``outputs``: where a step writes its files (None: nowhere);
    ``shared``: objects a later step needs (``vault``, ``personas``, ``feature_config``)
    or the caller gives (``previous``: last run's records with their ``cluster_id``).
    """

    def __init__(self, progress=None, *, key: bytes | None = None, base: Path | None = None,
                 outputs: Path | None = None, parent: JobContext | None = None) -> None:
        super().__init__(progress if parent is None else parent.progress)
        self._parent = parent
        self.key, self.base, self.outputs = key, base or Path("."), outputs
        self.shared: dict[str, Any] = {}

    def check(self) -> None:
        if self._parent is not None:
            self._parent.check()
        super().check()

    def progress(self, done: int, total: int, message: str = "") -> None:
        if self._parent is not None:
            self._parent.progress(done, total, message)
        else:
            super().progress(done, total, message)


def step_context(ctx: JobContext | None) -> StepContext:
    """``ctx`` as a StepContext (a plain JobContext keeps its progress and cancel)."""
    if isinstance(ctx, StepContext):
        return ctx
    return StepContext(parent=ctx)


class Step:
    """One pipeline step, declared in its class line --
    ``class MergeStep(Step, id="merge", config=MergeStepConfig)`` -- with ``needs``, the
    frames it reads, when it is not only ``crm``; it implements :meth:`run`. Its title is
    the registry's (:data:`core.steps.registry.TITLES`), which screens read without
    loading an engine."""

    id: ClassVar[str]
    Config: ClassVar[type[StepConfig]]
    needs: ClassVar[tuple[str, ...]] = ("crm",)

    def __init_subclass__(cls, *, id: str | None = None, config: type[StepConfig] | None = None,
                          needs: tuple[str, ...] | None = None, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        for name, value in (("id", id), ("Config", config), ("needs", needs)):
            if value is not None:
                setattr(cls, name, value)

    @property
    def title(self) -> str:
        from core.steps.registry import TITLES

        return TITLES[self.id]

    def config(self, settings: dict | None = None, where: str = ""):
        return self.Config.from_dict(settings, where or f"[steps.{self.id}]")

    def run(self, frames: Frames, roles: Roles, config: StepConfig,
            ctx: JobContext) -> tuple[Frames, StepReport]:
        raise NotImplementedError


# -- reading columns through roles -------------------------------------------------------
def columns_of(roles: dict[str, str], role: str, frame: pd.DataFrame | None = None) -> list[str]:
    """Every column with ``role`` (in the frame, when one is given)."""
    return [c for c, r in roles.items() if r == role and (frame is None or c in frame.columns)]


def column_of(roles: dict[str, str], role: str, frame: pd.DataFrame | None = None) -> str | None:
    """The first column with ``role``, or None."""
    found = columns_of(roles, role, frame)
    return found[0] if found else None


def role_label(role: str) -> str:
    """'Order date' for ``order_date``: the words the role picker shows."""
    label = ROLE_LABELS.get(Role(role), role) if role in {r.value for r in Role} else role
    words = label.split(" ", 1)[-1] if label.startswith(("a ", "an ")) else label
    return words[:1].upper() + words[1:]


def needs_role(what: str, role: str) -> ColumnError:
    """The error for a missing role, in plain words: 'this needs an order date: mark one
    column as Order date'."""
    label = ROLE_LABELS.get(Role(role), role)
    return ColumnError(f"{what} needs {label}: mark one column as {role_label(role)}.")


def require(roles: dict[str, str], role: str, frame: pd.DataFrame, what: str) -> str:
    """The column with ``role``, or :func:`needs_role`'s error."""
    column = column_of(roles, role, frame)
    if column is None:
        raise needs_role(what, role)
    return column
