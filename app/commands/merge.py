"""`localreach merge DATA --template T -o OUTDIR --format F`: the mail merge from the shell.

The template is checked before anything is read in bulk or written: an unsafe template
or an unknown merge field stops the command with the reason and no output. Only people
who may be contacted are written; the summary says how many were left out and why.
With ``--vault`` (the file ``localreach pseudonymize --vault`` wrote) pseudonymised
values are revealed for the contactable people only, with the key ``cli_key`` finds;
the reveal is reported (counts and key fingerprint, never a value).
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from app.commands import constant
from app.commands.pseudonymize import PASSPHRASE_ENV
from app.region import add_region_argument
from core.errors import LocalReachError

NAME = "merge"
HELP = "Write one personalised message per contactable person (e-mails, letters or a table)."


def add_arguments(parser) -> None:
    parser.add_argument("data", help="customer table (.csv, .tsv, .txt or .xlsx)")
    parser.add_argument("--template", required=True, action="append",
                        help="template file: 'Subject: ...', a blank line, the body; give it "
                             "twice or more for an A/B test")
    parser.add_argument("-o", "--output", required=True, help="output folder")
    parser.add_argument("--format", required=True, choices=sorted(constant("core.compose.outputs", "FORMATS")))
    parser.add_argument("--rules", help="rule tables .toml: [[blocks]] name = \"reminder\" with "
                        "[[blocks.rules]] field/op/value/text (e.g. carts_abandoned_7d >= 1 -> "
                        "'You left {{ last_abandoned_product }} in your basket.') and otherwise; "
                        "the template writes {{ reminder }}")
    parser.add_argument("--sales", help="sales table for product recommendations")
    parser.add_argument("--personas", help="personas .json (persona fields by segment)")
    parser.add_argument("--suppression", help="file of e-mails never to contact")
    parser.add_argument("--locale", default="en_GB", help="money and dates, e.g. de_DE (en_GB)")
    parser.add_argument("--from", dest="sender", default="", help="sender address")
    parser.add_argument("--holdout", type=float, default=0.1,
                        help="A/B tests: share kept as a control group that gets nothing (0.1)")
    parser.add_argument("--seed", type=int, default=1, help="A/B tests: assignment seed (1)")
    parser.add_argument("--one-file-each", action="store_true", help="docx: one file per letter")
    parser.add_argument("--vault", help="vault file from 'localreach pseudonymize --vault': real "
                        "details come back for contactable people only")
    parser.add_argument("--key-file", help=f"passphrase-protected key file of the vault "
                        f"(passphrase in {PASSPHRASE_ENV})")
    parser.add_argument("--email-column", help="the column that holds e-mail addresses "
                        "(default: the one whose role is e-mail)")
    parser.add_argument("--consent", action="append", default=[], metavar="COLUMN=MEANING",
                        help="what a consent column means: 'COLUMN=opt-in' (yes = may contact) or "
                             "'COLUMN=opt-out' (yes = do not contact); 'none=allow' records that "
                             "you have a legal basis to write to a list without any consent column")
    parser.add_argument("--letters", action="store_true", help="letters by post: choose people "
                        "by a complete postal address (always so for docx)")
    parser.add_argument("--shop", default="", help="letters: the sender's name, above the address")
    add_region_argument(parser)


def open_vault(path: str, key_file: str | None):
    """The vault file and its key; a missing file or another key stops before any output."""
    from app.commands.pseudonymize import cli_key
    from core.privacy.vault import Vault

    for given, what in ((path, "Vault file"), (key_file, "Key file")):
        if given and not Path(given).is_file():
            raise LocalReachError(f"{what} {Path(given).name} not found; check the path.")
    key = cli_key(key_file)
    return Vault.load(key, path), key


def read_personas(path: str | None):
    """Segment -> persona fields from ``--personas``, or None; one clear line if unreadable."""
    from core.compose.merge import persona_map

    if not path:
        return None
    try:
        return persona_map(json.loads(Path(path).read_text(encoding="utf-8")))
    except (OSError, ValueError):
        raise LocalReachError(f"{Path(path).name}: not a readable personas .json file") from None


def read_rules(path: str | None) -> list[dict]:
    """The rule tables of ``--rules`` (as a recipe's ``[steps.merge] blocks``), checked."""
    import tomllib

    from core.compose.rules import RuleBlock, block_source

    if not path:
        return []
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        blocks = [RuleBlock.from_dict(b) for b in data.get("blocks", [])]
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, KeyError, TypeError) as exc:
        raise LocalReachError(f"{Path(path).name}: not a readable rules .toml ([[blocks]] with "
                              f"name and [[blocks.rules]] field, op, value, text; {type(exc).__name__}).") from None
    for block in blocks:
        block_source(block)  # a bad field name or comparison is one line now
    return [b.to_dict() for b in blocks]


@contextlib.contextmanager
def consent_questions():
    """Core's consent questions as one line naming the --consent answer to give."""
    from core.privacy.consent import ConsentUnclear, NoConsentInfo

    try:
        yield
    except ConsentUnclear as exc:
        raise LocalReachError(f"{exc} Say which with --consent '{exc.column}=opt-in' or "
                              f"--consent '{exc.column}=opt-out'.") from None
    except NoConsentInfo as exc:
        raise LocalReachError(f"{exc} To record it, add --consent none=allow.") from None


def consent_settings(given: list[str]):
    """``--consent COLUMN=opt-in|opt-out`` and ``--consent none=allow`` as settings."""
    from core.privacy.consent import ConsentSettings
    from core.roles.consent import OPT_IN, OPT_OUT

    settings = ConsentSettings()
    for item in given:
        column, sep, meaning = item.rpartition("=")
        meaning = meaning.strip().lower()
        if column.strip().lower() == "none" and meaning == "allow":
            settings.without_consent = True
        elif sep and column and meaning in (OPT_IN, OPT_OUT):
            settings.polarity[column] = meaning
        else:
            raise LocalReachError(f"--consent '{item}': write COLUMN=opt-in, COLUMN=opt-out or "
                                  "none=allow.")
    return settings


def run(args) -> int:
    from app.commands._common import roles_of, run_step
    from app.region import command_region
    from app.terminal import cli_context
    from core.compose.checks import plural
    from core.compose.outputs import write
    from core.compose.template import load_template
    from core.io import read_table
    from core.privacy.consent import load_suppression

    templates = {}
    for i, path in enumerate(args.template):
        templates[chr(ord("A") + i) if len(args.template) > 1 else "main"] = load_template(path)
    if "\n" in args.sender or "\r" in args.sender:
        raise LocalReachError("--from must be one line")
    frame, _ = read_table(args.data)
    personas = read_personas(args.personas)
    sales = read_table(args.sales)[0] if args.sales else None
    suppressed = load_suppression(args.suppression) if args.suppression else None
    vault, reveals = None, []
    if args.vault:
        vault, key = open_vault(args.vault, args.key_file)
        if suppressed is not None:
            suppressed.key = key  # plain addresses on the list meet the tokens in the data
    ab = None
    if len(templates) > 1:
        ab = {"variants": list(templates), "holdout": args.holdout, "seed": args.seed,
              "stratify_by": "segment"}
    settings = {"locale": args.locale, "sender": args.sender, "ab": ab,
                "consent": consent_settings(args.consent).to_dict(),
                "email_column": args.email_column or "", "format": args.format,
                "letters": args.letters or args.format == "docx",
                "shop": args.shop, "blocks": read_rules(args.rules)}
    frames = {"crm": frame} if sales is None else {"crm": frame, "sales": sales}
    ctx = cli_context()
    with consent_questions():
        roles = {name: roles_of(f) for name, f in frames.items()}
        settings["region"] = command_region(args.region, frame, roles["crm"])[0] or ""
        _, _, context = run_step("merge", frames, roles, settings, ctx,
                                 templates=templates, persona_map=personas, vault=vault,
                                 audit=reveals.append, suppressed=suppressed)
    result = context.shared["merge_result"]
    if not result.messages:
        reasons = "; ".join(f"{n:,} {why}" for why, n in result.summary()["reasons"].items())
        raise LocalReachError(f"Nobody in {Path(args.data).name} may be written to "
                              f"({reasons or 'the table is empty'}); nothing was written.")
    names = write(result, args.output, args.format, args.one_file_each, ctx)
    summary = result.summary()
    print(f"Wrote {plural(summary['written'], 'message')} as .{args.format} to {args.output} "
          f"({plural(len(names), 'file')}).")
    if summary["left_out"]:
        reasons = "; ".join(f"{n:,} {why}" for why, n in summary["reasons"].items())
        print(f"Left out {plural(summary['left_out'], 'person', 'people')}: {reasons}. "
              f"Rows and reasons: {Path(args.output) / 'left_out.csv'}")
    if vault is not None:
        revealed = sum(e["tokens_revealed"] for e in reveals)
        print(f"Revealed {revealed:,} pseudonymised values from {Path(args.vault).name}, for "
              f"people who may be contacted only (key {vault.fingerprint}).")
    return 0
