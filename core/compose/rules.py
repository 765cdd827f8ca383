"""The no-code rule table: "if persona is Bargain hunters -> offer block B".

A :class:`RuleBlock` is a named block (``offer``) filled by the first rule that matches,
or by ``otherwise``. It compiles to an ``{% if %}/{% elif %}/{% else %}`` Jinja block,
set once at the top of each template part, so the user writes ``{{ offer }}`` where it
belongs and the block text may itself hold merge fields.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace

from core.compose.template import Template
from core.errors import TemplateError

TEXT_OPS = {"is": "==", "is not": "!="}
NUMBER_OPS = {">": ">", ">=": ">=", "<": "<", "<=": "<="}
OPS = (*TEXT_OPS, "contains", *NUMBER_OPS, "is empty", "is not empty")


@dataclass(frozen=True)
class Rule:
    """``if <field> <op> <value> -> <text>``; text may contain merge fields."""

    field: str
    op: str
    value: str
    text: str


@dataclass(frozen=True)
class RuleBlock:
    name: str
    rules: tuple[Rule, ...] = ()
    otherwise: str = ""

    def to_dict(self) -> dict:
        return {"name": self.name, "rules": [asdict(r) for r in self.rules],
                "otherwise": self.otherwise}

    @classmethod
    def from_dict(cls, d: dict) -> RuleBlock:
        return cls(d["name"], tuple(Rule(**r) for r in d.get("rules", ())), d.get("otherwise", ""))


def _condition(rule: Rule, where: str) -> str:
    name = rule.field
    if not name.isidentifier():
        raise TemplateError(f"{where}: '{name}' is not a merge field name")
    value = json.dumps(str(rule.value).strip().lower())
    if rule.op in TEXT_OPS:
        return f"({name}|text|lower) {TEXT_OPS[rule.op]} {value}"
    if rule.op == "contains":
        return f"{value} in ({name}|text|lower)"
    if rule.op in NUMBER_OPS:
        try:
            number = float(str(rule.value).replace(",", "."))
        except ValueError:
            raise TemplateError(f"{where}: the value must be a number for '{rule.op}'") from None
        return f"({name}|number) {NUMBER_OPS[rule.op]} {number!r}"
    if rule.op == "is empty":
        return f"{name} is empty"
    if rule.op == "is not empty":
        return f"{name} is not empty"
    raise TemplateError(f"{where}: unknown comparison '{rule.op}'; use one of {', '.join(OPS)}")


def block_source(block: RuleBlock) -> str:
    """The Jinja source of one rule block (tested for its exact branches)."""
    if not block.name.isidentifier():
        raise TemplateError(f"rule table '{block.name}': the name must be one word (letters, _)")
    parts = []
    for i, rule in enumerate(block.rules):
        cond = _condition(rule, f"rule table {block.name}, rule {i + 1}")
        parts.append(f"{{% {'if' if i == 0 else 'elif'} {cond} %}}{rule.text}")
    if not parts:
        return block.otherwise
    return "".join(parts) + f"{{% else %}}{block.otherwise}{{% endif %}}"


def apply_blocks(template: Template, blocks: list[RuleBlock] | tuple[RuleBlock, ...]) -> Template:
    """Prepend ``{% set name %}...{% endset %}`` to each part that uses a block."""
    if not blocks:
        return template
    sources = {b.name: block_source(b) for b in blocks}
    changes = {}
    for part, source in template.parts().items():
        used = [name for name in sources if name in source]
        if used:
            prefix = "".join(f"{{% set {n} %}}{sources[n]}{{% endset %}}" for n in used)
            changes[part] = prefix + source
    return replace(template, **changes)

