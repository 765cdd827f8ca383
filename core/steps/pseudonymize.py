"""Pseudonymize: personal data replaced by keyed tokens, originals in an encrypted vault.

Comes after duplicates and links (found on real spellings); the steps after it work on
tokens, and merge reveals real details for contactable people only, through the vault.
The key is the run's (``ctx.key``); without one the step is skipped and says why.
The files keyed like the customer list (events, sales lines) get in their customer id
and e-mail columns the tokens the list's columns of those roles got, so their behaviour
and orders still find their people.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.lookup import MATCHED_COLUMN
from core.privacy.detect import detect_pii
from core.privacy.policy import PrivacyConfig, default_config, pseudonymize
from core.privacy.tokens import tokenize_values
from core.roles import person_key
from core.steps.activity import EVENTS
from core.steps.base import (
    Skipped,
    Step,
    StepConfig,
    StepReport,
    column_of,
    columns_of,
    step_context,
)


@dataclass
class PseudonymizeConfig(StepConfig):
    """Policies by column (empty: the default policy for each detected kind of personal
    data); ``phone_region`` is the project's region; ``reference_date`` fixes ages."""

    columns: dict[str, dict] = field(default_factory=dict)
    phone_region: str | None = None
    reference_date: str = ""
    country_column: str = ""

    def privacy_config(self, df, roles: dict[str, str]) -> PrivacyConfig:
        if self.columns:
            return PrivacyConfig.from_dict(self.to_dict())
        config = default_config(detect_pii(df, roles), self.phone_region)
        config.reference_date = self.reference_date
        config.country_column = self.country_column or config.country_column
        return config


class PseudonymizeStep(Step, id="pseudonymize", config=PseudonymizeConfig):

    def run(self, frames, roles, config: PseudonymizeConfig, ctx):  # typed on Step.run
        ctx = step_context(ctx)
        if ctx.key is None:
            raise Skipped("no project key: give --key-file (passphrase in LOCALREACH_PASSPHRASE)")
        df = frames["crm"]
        privacy = config.privacy_config(df, roles.get("crm", {}))
        out, vault, report = pseudonymize(df, privacy, ctx.key, ctx.shared.get("vault"), ctx,
                                          workers=ctx.shared.get("workers", 1))
        ctx.shared["vault"] = vault
        actions = ", ".join(f"{c} ({e['action']})" for c, e in report["columns"].items())
        new_roles = {**roles, "crm": {c: r for c, r in roles.get("crm", {}).items() if c in out.columns}}
        counts = {"columns": len(report["columns"]), "rows": report["rows"]}
        frames = {**frames, "crm": out}
        for name in KEYED:
            if frames.get(name) is not None:
                frames[name] = keyed_tokens(frames[name], name, roles, report["columns"], privacy, ctx.key)
        return frames, StepReport(actions or "nothing to do", counts,
                                                 {**report, "config": privacy.to_dict()}, new_roles)


KEYED = (EVENTS, "sales")  # the files that name the list's customers by id or e-mail
KEY_ROLES = ("customer_id", "email")


def key_columns(frame, own_roles: dict, role: str, list_roles: dict) -> list[str]:
    """The columns of ``frame`` naming a customer by ``role``; for the role that keys the
    list's people (:func:`core.roles.person_key` of ``list_roles``: its customer id, else
    its e-mail) also the link step's ``matched_id``, which holds that column's values."""
    key = person_key(list_roles)
    linked = [MATCHED_COLUMN] if key and role == key[1] and MATCHED_COLUMN in frame.columns else []
    return list(dict.fromkeys(columns_of(own_roles, role, frame) + linked))


def keyed_tokens(frame, name: str, roles: dict, done: dict, privacy: PrivacyConfig, key: bytes):
    """Frame ``name`` (keyed like the customer list) with its key columns as the list's:
    tokens of the same kind where the list's column of that role became tokens, emptied
    where it was masked, generalised or dropped (nothing to meet), as they are where it
    was kept. ``done`` is :func:`pseudonymize`'s report of the list's columns; the
    window's Privacy screen calls this too."""
    frame = frame.copy(deep=False)  # copy-on-write: only the columns replaced below are new
    for role in KEY_ROLES:
        own = column_of(roles.get("crm", {}), role)
        entry = done.get(own) if own else None
        if entry is None or entry["action"] == "keep":
            continue
        for column in key_columns(frame, roles.get(name, {}), role, roles.get("crm", {})):
            values = frame[column].astype(str).where(frame[column].notna(), "")
            frame[column] = (tokenize_values(values, entry["kind"] or "text", key,
                                             region=privacy.phone_region, column=column)
                             if entry["action"] == "token" else "")
    return frame
