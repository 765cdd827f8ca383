"""`localreach run RECIPE.toml [--crm FILE] [--sales FILE] [--events FILE] -o OUTDIR`: the pipeline, headless.

Re-runs a saved recipe on new files (next month's export) and prints what each step
did and what changed since the previous run in OUTDIR (or ``--previous``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from app.region import REGION_HELP, system_locale
from core.errors import KeyStoreError, LocalReachError

NAME = "run"
HELP = "Run a saved recipe (the whole pipeline) on new files and say what changed."


def add_arguments(parser) -> None:
    parser.add_argument("recipe", help="recipe .toml (e.g. resources/demo/recipe.toml)")
    parser.add_argument("--crm", help="customer list to use instead of the recipe's")
    parser.add_argument("--sales", help="sales file to use instead of the recipe's")
    parser.add_argument("--events", help="events file to use instead of the recipe's [events]")
    parser.add_argument("-o", "--output", required=True, help="output folder (created if needed)")
    parser.add_argument("--previous", help="an earlier run's folder to compare with "
                        "(default: OUTDIR when it holds one)")
    parser.add_argument("--key-file", help="passphrase-protected key file for the pseudonymize "
                        "step (passphrase in LOCALREACH_PASSPHRASE)")
    parser.add_argument("--region", metavar="XX", help=REGION_HELP.replace("default:", "default: the recipe's, else"))


def _key(recipe, key_file: str | None) -> bytes | None:
    """The project key when the recipe pseudonymises; without one that step is skipped."""
    if not recipe.enabled("pseudonymize"):
        return None
    from app.commands.pseudonymize import cli_key

    try:
        return cli_key(key_file)
    except KeyStoreError:
        if key_file:
            raise
        return None


def run(args) -> int:
    from app.terminal import cli_context
    from core.recipe import load_recipe, run_recipe

    recipe, base = load_recipe(args.recipe)
    out = Path(args.output)
    for given in (args.crm, args.sales, args.events):
        if given and not Path(given).is_file():
            raise LocalReachError(f"{Path(given).name}: file not found; check the path.")
        if given and out.exists() and Path(given).resolve().parent == out.resolve():
            raise LocalReachError(f"{Path(given).name} is inside the output folder; choose another "
                                  "output folder (source files are never changed).")
    report = run_recipe(recipe, out, args.crm, args.sales, cli_context(), base=base,
                        events_path=args.events,
                        key=_key(recipe, args.key_file), previous=args.previous,
                        region=args.region, locale=system_locale())
    print(summary(report, out), file=sys.stdout)
    return 0


def summary(report: dict, out: Path) -> str:
    lines = [f"{report['recipe']}: finished in {report['seconds']:.1f} s; region {report.get('region') or 'not known'}"]
    for step in report["steps"]:
        lines.append(f"  {step['step']:<13}{step['status']:<8} {step['note']}")
    changes = report.get("changes")
    if changes and "skipped" not in changes:
        lines.append(f"Since the previous run: {changes['new_people']:,} new people, "
                     f"{changes['changed_segment']:,} changed group, "
                     f"{changes['gone_records']:,} records no longer in the list (see changes.csv).")
        lines += [f"  {move}: {n:,}" for move, n in list(changes["moves"].items())[:5]]
    lines.append(f"Wrote {', '.join(report['outputs'])} to {out}")
    return "\n".join(lines)
