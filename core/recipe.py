"""Recipes: the whole pipeline as a TOML file, re-run headless on next month's export.

A recipe holds only settings -- file names, import options, column roles and each
step's config -- never personal data. :func:`run_recipe` reads the two files, runs
every enabled step through the same engine functions the GUI and the CLI use
(import, clean, pseudonymize, dedupe, link, segment, personas, merge), and writes the
outputs into OUTDIR all at once (staged beside it, then moved in), with:

- ``run.json``: per step its status, wall and CPU time, a note, and the change summary;
- ``changes.csv``: people new since the previous run and people who changed segment,
  by customer id only;
- ``audit.csv``: one audit row per transformation (hashes, never values).

With a key, the steps after ``pseudonymize`` work on pseudonyms (as in the GUI) and the
merge step reveals real details from that step's vault for contactable people only
(one ``reveal`` audit row each time: counts and key fingerprint).

A step whose engine is not part of this LocalReach is reported as skipped, never faked.

The run's region (phones and postcodes that do not say their country) is the caller's
``region``, else the recipe's, else detected from the files (:mod:`core.region`), else
the caller's locale; it is passed to every step and reported in ``run.json``.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import shutil
import tempfile
import time
import tomllib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd
import tomli_w

from core.atomic import atomic_open
from core.audit import export_csv, make_entry
from core.errors import LocalReachError
from core.jobs import JobContext, ensure_context
from core.project.store import project_region
from core.region import check_region, detect_region
from core.settings_check import build, checked

RECIPE_VERSION = 1
# Duplicates and links are found on the cleaned plain data (typos, nicknames, family members
# need the real spellings); everything after pseudonymize -- groups, personas -- runs on tokens.
STEPS = ("import", "clean", "dedupe", "link", "pseudonymize", "segment", "personas", "merge")
CUSTOMERS = "customers.csv"  # the main output: every CRM row with its person and group


@dataclass
class Recipe:
    """Settings of a pipeline run; ``steps`` maps a step id to its config dict."""

    name: str = "LocalReach recipe"
    crm: dict = field(default_factory=dict)  # file, options (ImportOptions), roles
    sales: dict = field(default_factory=dict)
    steps: dict[str, dict] = field(default_factory=dict)
    region: str | None = None  # the project's region; None: detected at each run
    version: int = RECIPE_VERSION

    def enabled(self, step: str) -> bool:
        cfg = self.steps.get(step)
        return cfg is not None and cfg.get("enabled", True)

    def config(self, step: str) -> dict:
        return {k: v for k, v in self.steps.get(step, {}).items() if k != "enabled"}


def _drop_none(value):
    """TOML has no null: leave unset values out (the dataclass defaults fill them in)."""
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_drop_none(v) for v in value if v is not None]
    return value


def recipe_text(recipe: Recipe) -> str:
    return tomli_w.dumps(_drop_none(asdict(recipe)))


def save_recipe(recipe: Recipe, path: str | os.PathLike) -> None:
    with atomic_open(path, "w", encoding="utf-8") as fh:
        fh.write(recipe_text(recipe))


def load_recipe(path: str | os.PathLike) -> tuple[Recipe, Path]:
    """Read a recipe; returns it and its folder (relative file names start there)."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LocalReachError(f"Recipe {path.name} not found; check the path.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise LocalReachError(f"Recipe {path.name} cannot be read ({type(exc).__name__}); save it as UTF-8 text.") from None
    except tomllib.TOMLDecodeError as exc:
        raise LocalReachError(f"Recipe {path.name} is not valid TOML ({exc}); fix that line.") from None
    version = data.get("version", RECIPE_VERSION)
    if not isinstance(version, int) or version > RECIPE_VERSION:
        raise LocalReachError(f"Recipe {path.name} needs a newer LocalReach (recipe version {version}).")
    unknown = sorted(set(data.get("steps", {})) - set(STEPS))
    if unknown:
        raise LocalReachError(
            f"Recipe {path.name}: unknown step '{unknown[0]}'; steps are {', '.join(STEPS)}."
        )
    known = {"name", "crm", "sales", "steps", "region", "version"}
    extra = sorted(set(data) - known)
    if extra:
        raise LocalReachError(f"Recipe {path.name}: unknown setting '{extra[0]}' at the top level.")
    if data.get("region") is not None:
        try:
            data["region"] = check_region(data["region"])
        except LocalReachError as exc:
            raise LocalReachError(f"Recipe {path.name}: {exc}") from None
    return Recipe(**data), path.parent


_IMPORT_OPTIONS = ("encoding", "delimiter", "sheet", "header_row")


def recipe_from_project(tree: dict, name: str = "Recipe from a project") -> Recipe:
    """The recipe a project's settings make: import options, roles and step configs.

    Reads the state tree of a project (see :mod:`core.project.store`). Fixes that carry
    data values (merged spellings) are left out, so the recipe holds settings only.
    The project's stored region becomes the recipe's.
    """
    sources, roles, state = tree.get("sources", {}), tree.get("roles", {}), tree.get("state", {})
    files = {}
    for source in ("crm", "sales"):
        src = sources.get(source)
        if src:
            files[source] = {
                "file": src.get("path"),
                "options": {k: src[k] for k in _IMPORT_OPTIONS if src.get(k) is not None},
                "roles": dict(roles.get(source, {})),
            }
    steps: dict[str, dict] = {}
    applied = (state.get("quality") or {}).get("applied", {})
    clean = {f"{s}_steps": [step for step in applied[s] if "mapping" not in step] for s in ("crm", "sales")
             if applied.get(s)}
    if clean:
        steps["clean"] = clean
    privacy = state.get("privacy") or {}
    if (privacy.get("applied") or {}).get("crm") and "crm" in privacy.get("configs", {}):
        steps["pseudonymize"] = dict(privacy["configs"]["crm"])
    if isinstance(state.get("duplicates"), dict):
        steps["dedupe"] = dict(state["duplicates"].get("config") or {})
    if "sales" in files:
        steps["link"] = {}
    if isinstance(state.get("segments"), dict) and state["segments"].get("config"):
        steps["segment"] = dict(state["segments"]["config"])
        steps["personas"] = {}
    return Recipe(name=name, crm=files.get("crm", {}), sales=files.get("sales", {}), steps=steps,
                  region=project_region(tree))


# -- running ------------------------------------------------------------------------------
class Skipped(Exception):
    """A step cannot run here (engine missing, no key, nothing to do); the reason is shown."""


@dataclass
class _Run:
    """What flows between steps."""

    recipe: Recipe
    base: Path
    staging: Path
    key: bytes | None
    crm: pd.DataFrame | None = None
    sales: pd.DataFrame | None = None
    roles: dict[str, dict[str, str]] = field(default_factory=dict)
    segment_config: object | None = None  # SegmentConfig once the segment step ran
    personas: dict | None = None  # the personas JSON, as merge's persona_map reads it
    audit: list[dict] = field(default_factory=list)
    key_fingerprint: str = ""
    vault: object | None = None  # the pseudonymize step's Vault: merge reveals through it
    region: str | None = None  # decided after the import (see the module docstring)
    locale: str | None = None

    def log(self, step: str, params: dict, before: pd.DataFrame | None, after: pd.DataFrame | None,
            rows_out: int | None = None) -> None:
        """One audit row for a step, stamped with this run's key fingerprint."""
        rows_in = 0 if before is None else len(before)
        rows_out = (0 if after is None else len(after)) if rows_out is None else rows_out
        self.audit.append(make_entry(step, params, rows_in, rows_out, before, after, self.key_fingerprint))


def _engine(module: str, name: str):
    """The engine function ``module.name``, or Skipped when this build does not have it."""
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and module.startswith(exc.name):
            raise Skipped(f"not available in this version ({module})") from None
        raise
    fn = getattr(mod, name, None)
    if fn is None:
        raise Skipped(f"not available in this version ({module}.{name})")
    return fn


def _resolve(base: Path, name: str | None) -> Path | None:
    if not name:
        return None
    path = Path(name).expanduser()
    return path if path.is_absolute() else base / path


def _roles(df: pd.DataFrame, declared: dict[str, str]) -> dict[str, str]:
    """Detected roles (when the detector exists), overridden by the recipe's own."""
    detected: dict[str, str] = {}
    with contextlib.suppress(Skipped):
        detect = _engine("core.roles", "detect_roles")
        detected = {str(c): str(getattr(g, "role", g)) for c, g in detect(df).items()}
    return {**detected, **{c: r for c, r in declared.items() if c in df.columns}}


def _step_import(run: _Run, cfg: dict, ctx: JobContext, paths: dict[str, Path | None]) -> str:
    from core.io import ImportOptions, read_table

    notes = []
    for name in ("crm", "sales"):
        path = paths[name]
        if path is None:
            continue
        spec = getattr(run.recipe, name)
        options = ImportOptions.from_dict(spec.get("options"))
        df, report = read_table(path, options, ctx)
        setattr(run, name, df)
        run.roles[name] = _roles(df, spec.get("roles", {}))
        notes.append(f"{name}: {len(df):,} rows")
        run.log("import", {"file": path.name, "sha256": report.sha256, **options.to_dict()}, None, df)
    if run.crm is None:
        raise LocalReachError("The recipe names no customer list; give one with --crm.")
    if run.region is None:
        run.region = (detect_region(run.crm, run.roles["crm"])
                      or detect_region(run.sales, run.roles.get("sales", {}), run.locale))
    return "; ".join(notes)


def _step_clean(run: _Run, cfg: dict, ctx: JobContext) -> str:
    default_steps = _engine("core.quality.steps", "default_steps")
    run_steps = _engine("core.quality.steps", "run_steps")
    notes = []
    for name in ("crm", "sales"):
        df = getattr(run, name)
        if df is None:
            continue
        roles = run.roles[name]
        steps = cfg.get(f"{name}_steps") or default_steps(df, roles, cfg.get("region") or run.region)
        out, _ = run_steps(df, steps, ctx, roles)
        run.log("clean", {"file": name, "steps": steps}, df, out)
        setattr(run, name, out)
        notes.append(f"{name}: {len(steps)} cleaning steps")
    return "; ".join(notes)


def _step_pseudonymize(run: _Run, cfg: dict, ctx: JobContext) -> str:
    _engine("core.privacy.policy", "pseudonymize")
    if run.key is None:
        raise Skipped("no project key: give --key-file (passphrase in LOCALREACH_PASSPHRASE)")
    from core.io import write_table
    from core.privacy import policy
    from core.privacy.detect import detect_pii

    df = run.crm
    region = cfg.get("phone_region") or run.region
    config = (policy.PrivacyConfig.from_dict({**cfg, "phone_region": region}) if cfg.get("columns")
              else policy.default_config(detect_pii(df), region))
    out, vault, report = policy.pseudonymize(df, config, run.key, None, ctx)
    write_table(out, run.staging / "customers_pseudonymized.csv", ctx)
    vault.save(run.staging / "vault.json")
    run.log("pseudonymize", config.to_dict(), df, out)
    # as in the GUI, the later steps work on pseudonyms; merge reveals through the vault
    run.crm, run.vault = out, vault
    run.roles["crm"] = {c: r for c, r in run.roles["crm"].items() if c in out.columns}
    actions = ", ".join(f"{c} ({e['action']})" for c, e in report["columns"].items()) or "nothing to do"
    return f"customers_pseudonymized.csv: {actions}"


def _step_dedupe(run: _Run, cfg: dict, ctx: JobContext) -> str:
    find_duplicates = _engine("core.dedupe.pipeline", "find_duplicates")
    from core.dedupe.pipeline import DedupeConfig

    config = build(DedupeConfig, cfg, "[steps.dedupe]")
    df = run.crm
    out, _pairs, report = find_duplicates(df, run.roles["crm"], config, ctx=ctx)
    run.log("dedupe", asdict(config), df, out)
    run.crm = out
    return f"{report['records']:,} records are {report['people']:,} people; {report['to_review']:,} to review"


def _step_link(run: _Run, cfg: dict, ctx: JobContext) -> str:
    link_records = _engine("core.dedupe.link", "link_records")
    from core.dedupe.link import LinkConfig

    if run.sales is None:
        raise Skipped("no sales file")
    config = build(LinkConfig, cfg, "[steps.link]")
    df = run.sales
    out, report = link_records(run.crm, df, run.roles["crm"], run.roles["sales"], config, ctx)
    run.log("link", asdict(config), df, out)
    run.sales = out
    return f"{report['linked']:,} of {report['rows']:,} sales lines linked"


def _step_segment(run: _Run, cfg: dict, ctx: JobContext) -> str:
    segment_customers = _engine("core.segment.pipeline", "segment_customers")
    from core.segment.pipeline import SegmentConfig

    if run.sales is None:
        raise Skipped("no sales file")
    config = build(SegmentConfig, cfg, "[steps.segment]")
    df = run.crm
    out, report = segment_customers(df, run.sales, config, ctx)
    run.log("segment", asdict(config), df, out)
    run.crm = out
    run.segment_config = config
    return f"{report['people']:,} people in {report['sizes']['segment'].nunique()} groups"


def _step_personas(run: _Run, cfg: dict, ctx: JobContext) -> str:
    build_personas = _engine("core.personas.build", "build_personas")
    from core.personas.export import to_json, write_personas

    if run.segment_config is None:
        raise Skipped("needs the segment step")
    personas = build_personas(run.crm, run.sales, run.segment_config.feature_config(), ctx)
    formats = cfg.get("formats", ["json"])
    for fmt in formats:
        write_personas(personas, run.staging / f"personas.{fmt}")
    run.personas = json.loads(to_json(personas))
    run.log("personas", cfg, run.crm, None, rows_out=len(personas))
    return f"{len(personas)} personas ({', '.join(p.name for p in personas[:3])}{', ...' if len(personas) > 3 else ''})"


def _template_files(cfg: dict) -> list[str]:
    return cfg.get("templates") or ([cfg["template"]] if cfg.get("template") else [])


def _preflight(recipe: Recipe, base: Path) -> None:
    """Refuse a broken template before an hour of work, not after it."""
    if recipe.enabled("merge"):
        with contextlib.suppress(Skipped):
            load_template = _engine("core.compose.template", "load_template")
            for f in _template_files(recipe.config("merge")):
                load_template(_resolve(base, f))


def _step_merge(run: _Run, cfg: dict, ctx: JobContext) -> str:
    merge = _engine("core.compose.merge", "merge")
    from core.compose.merge import MergeConfig, persona_map
    from core.compose.outputs import write
    from core.compose.template import load_template
    from core.privacy.vault import reveal_audit_args

    files = _template_files(cfg)
    if not files:
        raise Skipped("no template in the recipe ([steps.merge] template = \"...\")")
    names = [chr(ord("A") + i) for i in range(len(files))] if len(files) > 1 else ["main"]
    templates = {n: load_template(_resolve(run.base, f)) for n, f in zip(names, files, strict=True)}
    settings = {k: v for k, v in cfg.items() if k not in ("template", "templates", "format", "one_file_each")}
    config = MergeConfig.from_dict(checked(MergeConfig, settings, "[steps.merge]"))
    personas = persona_map(run.personas) if run.personas else None
    df = run.crm

    def audit_reveal(entry: dict) -> None:  # counts and key fingerprint, never a value
        params, rows, revealed, fp = reveal_audit_args(entry)
        run.audit.append(make_entry("reveal", params, rows, revealed, key_fingerprint=fp))

    result = merge(df, run.roles["crm"], templates, config, personas=personas, sales=run.sales,
                   vault=run.vault, audit=audit_reveal, ctx=ctx)
    fmt = cfg.get("format", "csv")
    write(result, run.staging / "messages", fmt, cfg.get("one_file_each", False), ctx)
    summary = result.summary()
    run.log("merge", {**config.to_dict(), "format": fmt, "templates": [Path(f).name for f in files]},
            df, None, rows_out=summary["written"])
    return f"{summary['written']:,} messages (.{fmt}), {summary['left_out']:,} people left out"


_RUNNERS: dict[str, Callable] = {
    "clean": _step_clean,
    "pseudonymize": _step_pseudonymize,
    "dedupe": _step_dedupe,
    "link": _step_link,
    "segment": _step_segment,
    "personas": _step_personas,
    "merge": _step_merge,
}


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
    from core.io import read_table

    return read_table(file)[0]


def run_recipe(
    recipe: Recipe,
    outdir: str | os.PathLike,
    crm_path: str | os.PathLike | None = None,
    sales_path: str | os.PathLike | None = None,
    ctx: JobContext | None = None,
    *,
    base: str | os.PathLike = ".",
    key: bytes | None = None,
    previous: str | os.PathLike | None = None,
    region: str | None = None,
    locale: str | None = None,
) -> dict:
    """Run every enabled step; write the outputs into ``outdir`` (all or nothing).

    ``region`` overrides the recipe's; ``locale`` (the system's, read by the caller) is
    the last resort when neither the recipe nor the data says the region.
    ``crm_path``/``sales_path`` override the recipe's files (next month's export);
    ``previous`` is an earlier run's folder to compare with (default: ``outdir`` itself
    when it holds one). Returns the run report that is also saved as ``run.json``.
    """
    ctx = ensure_context(ctx)
    base, outdir = Path(base), Path(outdir)
    paths = {
        "crm": Path(crm_path) if crm_path else _resolve(base, recipe.crm.get("file")),
        "sales": Path(sales_path) if sales_path else _resolve(base, recipe.sales.get("file")),
    }
    if paths["crm"] is None:
        raise LocalReachError("The recipe names no customer list; give one with --crm.")
    if outdir.exists() and not outdir.is_dir():
        raise LocalReachError(f"{outdir.name} is a file, not a folder; choose a folder for the output.")
    _preflight(recipe, base)
    prev = _previous_customers(Path(previous) if previous else outdir)
    outdir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.", suffix=".partial", dir=outdir.parent))
    key_fingerprint = ""
    if key is not None:
        key_fingerprint = _engine("core.privacy.tokens", "fingerprint")(key)
    region = check_region(region) if region else recipe.region
    run = _Run(recipe, base, staging, key, key_fingerprint=key_fingerprint, region=region, locale=locale)
    steps: list[dict] = []
    started = time.perf_counter()
    try:
        for i, step in enumerate(STEPS):
            ctx.progress(i, len(STEPS), f"Step {i + 1} of {len(STEPS)}: {step}")
            entry = {"step": step, "status": "done", "seconds": 0.0, "cpu_seconds": 0.0, "note": ""}
            if step != "import" and not recipe.enabled(step):
                entry.update(status="skipped", note="not in the recipe" if step not in recipe.steps else "turned off")
                steps.append(entry)
                continue
            t0, cpu0 = time.perf_counter(), time.process_time()
            try:
                if step == "import":
                    entry["note"] = _step_import(run, recipe.config(step), ctx, paths)
                else:
                    entry["note"] = _RUNNERS[step](run, recipe.config(step), ctx)
            except Skipped as why:
                entry.update(status="skipped", note=str(why))
            entry["seconds"] = round(time.perf_counter() - t0, 3)
            entry["cpu_seconds"] = round(time.process_time() - cpu0, 3)
            steps.append(entry)
        report = _finish(run, steps, prev, ctx)
        report["seconds"] = round(time.perf_counter() - started, 3)
        with atomic_open(staging / "run.json", "w") as fh:
            json.dump(report, fh, indent=2)
        _commit(staging, outdir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    ctx.progress(len(STEPS), len(STEPS), "Done")
    return report


def _finish(run: _Run, steps: list[dict], prev: pd.DataFrame | None, ctx: JobContext) -> dict:
    from core.io import write_table

    ctx.progress(len(STEPS) - 1, len(STEPS), "Writing the results")
    write_table(run.crm, run.staging / CUSTOMERS, ctx)
    outputs = [CUSTOMERS]
    if run.sales is not None and "matched_id" in run.sales.columns:
        write_table(run.sales, run.staging / "sales_linked.csv", ctx)
        outputs.append("sales_linked.csv")
    report: dict = {"recipe": run.recipe.name, "region": run.region, "steps": steps, "people": None,
                    "changes": None}
    if "cluster_id" in run.crm.columns:
        report["people"] = int(run.crm["cluster_id"].nunique())
    id_column = _id_column(run.crm, run.roles.get("crm", {}))
    if prev is not None and id_column and id_column in prev.columns:
        try:
            summary, table = change_summary(prev, run.crm, id_column)
        except Skipped as why:
            report["changes"] = {"skipped": str(why)}
        else:
            write_table(table, run.staging / "changes.csv", ctx)
            outputs.append("changes.csv")
            report["changes"] = summary
    export_csv(run.audit, run.staging / "audit.csv")
    outputs += ["audit.csv", "run.json"]
    report["outputs"] = sorted({*outputs, *(p.name for p in run.staging.iterdir())})
    return report


def _commit(staging: Path, outdir: Path) -> None:
    """Move the staged outputs into ``outdir`` (replacing an earlier run's files)."""
    outdir.mkdir(parents=True, exist_ok=True)
    for item in staging.iterdir():
        target = outdir / item.name
        if item.is_dir() and target.exists():
            shutil.rmtree(target)
        os.replace(item, target)
