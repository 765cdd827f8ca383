"""Running a recipe: every enabled step through the registry, outputs committed at once.

The steps run in :data:`core.steps.registry.STEP_IDS` order, the same engines the window
and the commands use; each step's settings are checked by its own config. The outputs go
into a staging folder beside OUTDIR and are moved in only when every step finished:

- ``customers.csv``: every customer row with its person and group;
- ``run.json``: per step its status, wall and CPU time, a note, and the change summary;
- ``changes.csv``: people new since the previous run and people who changed segment,
  by customer id only;
- ``audit.csv``: one audit row per transformation (hashes, never values).

With a key, the steps after ``pseudonymize`` work on pseudonyms (as in the window) and
merge reveals real details from that step's vault for contactable people only (one
``reveal`` audit row each time: counts and key fingerprint).

The run's region (phones and postcodes that do not say their country) is the caller's
``region``, else the recipe's, else detected from the files (:mod:`core.region`), else
the caller's locale; it is passed to every step that reads one and reported in ``run.json``.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import tempfile
import time
import weakref
from pathlib import Path

import pandas as pd

from core.atomic import atomic_open
from core.audit import ColumnDigests, export_csv, frame_hash, make_entry
from core.compose.outputs import write
from core.dedupe.people import PERSON_COLUMN
from core.dedupe.pipeline import CLUSTER_COLUMN
from core.errors import LocalReachError
from core.freed_memory import release_freed_memory
from core.io import read_table, write_table
from core.jobs import JobContext, ensure_context
from core.lookup import MATCHED_COLUMN
from core.personas.export import write_personas
from core.privacy.tokens import fingerprint
from core.privacy.vault import reveal_audit_args
from core.recipe.schema import Recipe, source_names
from core.region import check_region, detect_region
from core.steps.activity import EVENTS
from core.steps.base import Skipped, StepContext
from core.steps.importing import SOURCE_PREFIX, ImportConfig
from core.steps.registry import STEP_IDS, steps

CUSTOMERS = "customers.csv"  # the main output: every CRM row with its person and group
RECORDS = "records.csv"  # with several lists: which person each list's row is
REGION_FIELDS = ("region", "phone_region")  # config fields that take the project's region


def _resolve(base: Path, name: str | None) -> Path | None:
    if not name:
        return None
    path = Path(name).expanduser()
    return path if path.is_absolute() else base / path


def import_config(recipe: Recipe, base: Path, crm_path=None, sales_path=None,
                  events_path=None) -> ImportConfig:
    """The import step's settings from the recipe's file tables and the caller's files."""
    specs: dict[str, dict] = {}
    if recipe.sources and not crm_path:
        for name, source in zip(source_names(recipe.sources), recipe.sources, strict=True):
            specs[SOURCE_PREFIX + name] = source
    else:
        specs["crm"] = {**recipe.crm, "file": str(crm_path) if crm_path else recipe.crm.get("file")}
    if sales_path or recipe.sales.get("file"):
        specs["sales"] = {**recipe.sales, "file": str(sales_path) if sales_path else recipe.sales["file"]}
    if events_path or recipe.events.get("file"):
        specs[EVENTS] = {**recipe.events, "file": str(events_path or recipe.events["file"])}
    if not (specs.get("crm") or {}).get("file") and not recipe.sources:
        raise LocalReachError("The recipe names no customer list; give one with --crm.")
    return ImportConfig(files={n: str(_resolve(base, s["file"])) for n, s in specs.items()},
                        options={n: dict(s.get("options") or {}) for n, s in specs.items()},
                        roles={n: dict(s.get("roles") or {}) for n, s in specs.items()})


def with_region(config, region: str | None):
    """``config`` with the run's region in its region field(s) the recipe left unset
    (merge's is the sender's country: the project's, unless the recipe says otherwise)."""
    unset = {f.name: region for f in dataclasses.fields(config)
             if f.name in REGION_FIELDS and getattr(config, f.name) in (None, "")}
    return dataclasses.replace(config, **unset) if region and unset else config


class _Audit:
    """One audit row per transformation, chained by the frames' hashes."""

    def __init__(self, key_fingerprint: str) -> None:
        self.rows: list[dict] = []
        self.key_fingerprint = key_fingerprint
        self._hashes: dict[int, tuple[weakref.ref, str]] = {}
        self._columns = ColumnDigests()

    def add(self, step: str, params: dict, before, after, rows_out: int | None = None) -> None:
        rows_in = 0 if before is None else len(before)
        rows_out = (0 if after is None else len(after)) if rows_out is None else rows_out
        entry = make_entry(step, params, rows_in, rows_out, None, None, self.key_fingerprint)
        self.rows.append({**entry, "input_hash": self._hash(before), "output_hash": self._hash(after)})

    def _hash(self, frame) -> str:
        """frame_hash once per frame: a step's output is the next one's input, and steps
        never change their inputs (1.5 CPU-s a hash of a million sales lines)."""
        if frame is None:
            return ""
        known = self._hashes.get(id(frame))
        if known is None or known[0]() is not frame:
            known = self._hashes[id(frame)] = (weakref.ref(frame), frame_hash(frame, columns=self._columns))
        return known[1]

    def reveal(self, entry: dict) -> None:  # counts and key fingerprint, never a value
        params, rows, revealed, fp = reveal_audit_args(entry)
        self.rows.append(make_entry("reveal", params, rows, revealed, key_fingerprint=fp))

    def step(self, step_id: str, config, report, before: dict, after: dict) -> None:
        params = config.to_dict()
        if step_id == "import":
            for entry in report.details["audit"]:
                frame = entry.pop("frame")
                self.add("import", entry, None, after[frame])
        elif step_id == "clean":
            for name, detail in report.details.items():
                self.add("clean", {"file": name, "steps": detail["steps"]}, before[name], after[name])
        elif step_id == "personas":
            self.add("personas", params, after["crm"], None, rows_out=report.counts["personas"])
        elif step_id == "merge":
            params = {k: v for k, v in params.items() if k not in ("template", "templates", "inline_templates")}
            names = [Path(f).name for f in config.files()] or list(config.inline_templates)
            self.add("merge", {**params, "templates": names},
                     after["crm"], None, rows_out=report.counts["written"])
        else:
            if step_id == "pseudonymize":
                params = report.details["config"]
            for name in ("crm", "sales"):
                if name in after and before.get(name) is not after[name]:
                    self.add(step_id, params, before.get(name), after[name])


def _write_outputs(step_id: str, config, ctx: StepContext, frames: dict, note: str) -> str:
    """Write the files a step leaves in the run's folder besides customers.csv; returns
    the step's note for run.json (naming the file when it is the step's main output)."""
    folder = ctx.outputs
    if step_id == "pseudonymize":
        write_table(frames["crm"], folder / "customers_pseudonymized.csv", ctx)
        ctx.shared["vault"].save(folder / "vault.json")
        return f"customers_pseudonymized.csv: {note}"
    elif step_id == "personas":
        for fmt in config.formats:
            write_personas(ctx.shared["personas"], folder / f"personas.{fmt}")
    elif step_id == "merge":
        write(ctx.shared["merge_result"], folder / "messages", config.format, config.one_file_each, ctx)
    elif step_id == "link" and "records" in frames:
        write_table(frames["records"], folder / RECORDS, ctx)
    return note


def run_recipe(
    recipe: Recipe,
    outdir: str | os.PathLike,
    crm_path: str | os.PathLike | None = None,
    sales_path: str | os.PathLike | None = None,
    ctx: JobContext | None = None,
    *,
    events_path: str | os.PathLike | None = None,
    base: str | os.PathLike = ".",
    key: bytes | None = None,
    previous: str | os.PathLike | None = None,
    region: str | None = None,
    locale: str | None = None,
) -> dict:
    """Run every enabled step; write the outputs into ``outdir`` (all or nothing).

    ``region`` overrides the recipe's; ``locale`` (the system's, read by the caller) is
    the last resort when neither the recipe nor the data says the region.
    ``crm_path``/``sales_path``/``events_path`` override the recipe's files (next month's export);
    ``previous`` is an earlier run's folder to compare with (default: ``outdir`` itself
    when it holds one); when its customers carry a ``cluster_id``, the dedupe step keeps
    every known record's person and matches only new and changed records. Returns the
    run report that is also saved as ``run.json``.
    """
    job = ensure_context(ctx)
    base, outdir = Path(base), Path(outdir)
    imports = import_config(recipe, base, crm_path, sales_path, events_path)
    if outdir.exists() and not outdir.is_dir():
        raise LocalReachError(f"{outdir.name} is a file, not a folder; choose a folder for the output.")
    configs = {s.id: s.config(recipe.config(s.id)) for s in steps() if s.id != "import"}
    if recipe.sales.get("list") and not configs["link"].sales_list:  # [sales] list = "shop"
        configs["link"] = dataclasses.replace(configs["link"], sales_list=recipe.sales["list"])
    run_ctx = StepContext(parent=job, key=key, base=base)
    merging = configs["merge"]
    if recipe.enabled("merge") and (merging.files() or merging.inline_templates):
        run_ctx.shared["templates"] = merging.load_templates(base)  # a broken template fails now, not in an hour
    prev = _previous_customers(Path(previous) if previous else outdir)
    if prev is not None and CLUSTER_COLUMN in prev.columns:
        run_ctx.shared["previous"] = prev  # known records keep their person (dedupe step)
    earlier = Path(previous) if previous else outdir
    earlier = earlier if earlier.is_dir() else earlier.parent
    if recipe.sources and (earlier / RECORDS).is_file():  # ... and the link step's people
        run_ctx.shared["previous_records"] = read_table(earlier / RECORDS)[0]
    outdir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.", suffix=".partial", dir=outdir.parent))
    run_ctx.outputs = staging
    audit = _Audit(fingerprint(key) if key is not None else "")
    run_ctx.shared["audit"] = audit.reveal
    region = check_region(region) if region else recipe.region
    frames: dict[str, pd.DataFrame] = {}
    roles: dict[str, dict[str, str]] = {}
    entries: list[dict] = []
    started = time.perf_counter()
    total = len(STEP_IDS)
    try:
        for i, step in enumerate(steps()):
            job.progress(i, total, f"Step {i + 1} of {total}: {step.id}")
            entry = {"step": step.id, "status": "done", "seconds": 0.0, "cpu_seconds": 0.0, "note": ""}
            if step.id != "import" and not recipe.enabled(step.id):
                entry.update(status="skipped", note="not in the recipe" if step.id not in recipe.steps else "turned off")
                entries.append(entry)
                continue
            config = imports if step.id == "import" else with_region(configs[step.id], region)
            t0, cpu0 = time.perf_counter(), time.process_time()
            try:
                after, report = step.run(frames, roles, config, run_ctx)
            except Skipped as why:
                entry.update(status="skipped", note=str(why))
            else:
                audit.step(step.id, config, report, frames, after)
                frames, roles = after, report.roles or roles
                entry["note"] = _write_outputs(step.id, config, run_ctx, frames, report.note)
                del after, report  # the details (dedupe's scored pairs: ~0.6 GB at 1M) go now, not after the next step
                if step.id == "import" and region is None:
                    region = _data_region(frames, roles, locale)
                release_freed_memory()  # the next step's peak starts from what is in use
            entry["seconds"] = round(time.perf_counter() - t0, 3)
            entry["cpu_seconds"] = round(time.process_time() - cpu0, 3)
            entries.append(entry)
        report = _finish(recipe, frames, roles, region, entries, prev, audit, staging, job)
        report["seconds"] = round(time.perf_counter() - started, 3)
        with atomic_open(staging / "run.json", "w") as fh:
            json.dump(report, fh, indent=2)
        _commit(staging, outdir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    job.progress(total, total, "Done")
    return report


def _data_region(frames: dict[str, pd.DataFrame], roles: dict, locale: str | None) -> str | None:
    """The region the imported lists say (a function of its own so that no local of the
    run keeps the imported list alive once cleaning has replaced it: 1M rows, ~0.3 GB)."""
    crm = frames.get("crm", next(iter(frames.values())))
    return (detect_region(crm, roles.get("crm", {}))
            or detect_region(frames.get("sales"), roles.get("sales", {}), locale))


# -- change summary -----------------------------------------------------------------------
def _id_column(df: pd.DataFrame, roles: dict[str, str]) -> str | None:
    by_role = [c for c, r in roles.items() if r == "customer_id" and c in df.columns]
    return by_role[0] if by_role else ("customer_id" if "customer_id" in df.columns else None)


def change_summary(previous: pd.DataFrame, current: pd.DataFrame, id_column: str) -> tuple[dict, pd.DataFrame]:
    """People new since ``previous`` and people whose segment changed, by customer id.

    A person is a ``cluster_id`` when dedupe ran (several records, one person), else one
    record. A person is new when none of their ids was in the previous run.
    """
    if "segment" not in current.columns or "segment" not in previous.columns:
        raise Skipped("needs the segment column in both runs")
    before = previous.drop_duplicates(id_column).set_index(id_column)["segment"].astype(str)
    person = current["cluster_id"] if "cluster_id" in current.columns else current[id_column]
    cur = pd.DataFrame({"person": person.astype(str).to_numpy(), "id": current[id_column].astype(str).to_numpy(),
                        "segment": current["segment"].astype(str).to_numpy()})
    cur["previous"] = cur["id"].map(before)
    rows = []
    for _, group in cur.groupby("person", sort=False):
        ids = ";".join(group["id"])
        known = group["previous"].dropna()
        segment = group["segment"].iloc[0]
        if known.empty:
            rows.append((ids, "", segment, "new"))
        elif segment not in set(known):
            rows.append((ids, known.iloc[0], segment, "changed segment"))
    gone = sorted(set(before.index.astype(str)) - set(cur["id"]))
    rows += [(g, before[g], "", "no longer in the list") for g in gone]
    table = pd.DataFrame(rows, columns=["customer_ids", "previous_segment", "segment", "change"], dtype="str")
    moves = table[table["change"] == "changed segment"]
    summary = {
        "new_people": int((table["change"] == "new").sum()),
        "changed_segment": int(len(moves)),
        "gone_records": len(gone),
        "moves": {f"{a} -> {b}": int(n) for (a, b), n in
                  moves.groupby(["previous_segment", "segment"]).size().sort_values(ascending=False).items()},
    }
    return summary, table


def _previous_customers(path: Path | None) -> pd.DataFrame | None:
    if path is None:
        return None
    file = path / CUSTOMERS if path.is_dir() else path
    if not file.is_file():
        return None
    return read_table(file)[0]


def _finish(recipe: Recipe, frames: dict, roles: dict, region: str | None, entries: list[dict],
            prev: pd.DataFrame | None, audit: _Audit, staging: Path, ctx: JobContext) -> dict:
    ctx.progress(len(STEP_IDS) - 1, len(STEP_IDS), "Writing the results")
    crm = frames["crm"] if "crm" in frames else next(iter(frames.values()))
    write_table(crm, staging / CUSTOMERS, ctx)
    outputs = [CUSTOMERS]
    sales = frames.get("sales")
    if sales is not None and MATCHED_COLUMN in sales.columns:
        write_table(sales, staging / "sales_linked.csv", ctx)
        outputs.append("sales_linked.csv")
    report: dict = {"recipe": recipe.name, "region": region, "steps": entries, "people": None,
                    "changes": None}
    person = CLUSTER_COLUMN if CLUSTER_COLUMN in crm.columns else PERSON_COLUMN if "records" in frames else None
    if person is not None:  # several lists: one row of the person table each
        report["people"] = int(crm[person].nunique())
    id_column = _id_column(crm, roles.get("crm", {}))
    if prev is not None and id_column and id_column in prev.columns:
        try:
            summary, table = change_summary(prev, crm, id_column)
        except Skipped as why:
            report["changes"] = {"skipped": str(why)}
        else:
            write_table(table, staging / "changes.csv", ctx)
            outputs.append("changes.csv")
            report["changes"] = summary
    export_csv(audit.rows, staging / "audit.csv")
    outputs += ["audit.csv", "run.json"]
    report["outputs"] = sorted({*outputs, *(p.name for p in staging.iterdir())})
    return report


def _commit(staging: Path, outdir: Path) -> None:
    """Move the staged outputs into ``outdir`` (replacing an earlier run's files)."""
    outdir.mkdir(parents=True, exist_ok=True)
    for item in staging.iterdir():
        target = outdir / item.name
        if item.is_dir() and target.exists():
            shutil.rmtree(target)
        os.replace(item, target)
