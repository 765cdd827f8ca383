"""Mail-merge templates: parse the e-mail-like file, lint its fields, render it safely.

A template is written like an e-mail: header lines (``Subject:``, optionally ``From:``),
a blank line, then the body. A ``.html`` template has an HTML body; its plain-text part
is derived from the rendered HTML. Templates come from users and shared files, so they
run in Jinja2's :class:`SandboxedEnvironment` with extra limits: no constant folding (so
nothing runs at compile time), operators and filters refuse to build huge strings, each
part is capped in size, and a watchdog stops a render that runs too long.

Empty cells are handed to Jinja as :class:`EmptyValue`: ``default(...)`` and ``if``
treat them as missing, and printing one without a default is a render error for that
recipient -- never a silent "Dear ,".
"""

from __future__ import annotations

import ctypes
import difflib
import functools
import re
import threading
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from jinja2 import TemplateError as JinjaError
from jinja2 import TemplateSyntaxError, Undefined, meta, nodes
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from core.compose import filters
from core.errors import TemplateError

MAX_PART_CHARS = 200_000  # one subject/body part of one recipient
MAX_SECONDS = 2.0  # one recipient's render
CACHE_SIZE = 50_000  # renders kept per template: people with the same fields share one
_RANDOM = {"lipsum"}  # a global whose text changes on every call: never cached
_HEADERS = {"subject": "subject", "from": "sender"}


class RenderError(TemplateError):
    """One recipient's message cannot be rendered; it is left out with this reason."""


class RenderTimeout(Exception):
    """Injected into a render that ran longer than :data:`MAX_SECONDS`."""


class EmptyValue(Undefined):
    """An empty cell: falsy, replaced by ``default``, an error when printed bare."""

    __slots__ = ()

    def __str__(self) -> str:
        raise UndefinedError(f"the field {self._undefined_name} is empty and has no default")


@dataclass(frozen=True)
class Template:
    """The sources of one message: subject, plain body, optional HTML body, sender."""

    subject: str
    text: str = ""
    html: str = ""
    sender: str = ""

    def parts(self) -> dict[str, str]:
        return {k: v for k, v in (("subject", self.subject), ("text", self.text),
                                  ("html", self.html)) if v}


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str = ""


def parse_template(source: str, is_html: bool = False, origin: str = "template") -> Template:
    """Split header lines from the body; the first line must be ``Subject:``-like."""
    lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    headers: dict[str, str] = {}
    i = 0
    while i < len(lines) and lines[i].strip():
        name, sep, value = lines[i].partition(":")
        key = _HEADERS.get(name.strip().lower())
        if not sep or key is None:
            if is_html and i == 0:
                break  # an HTML file with no header lines at all
            raise TemplateError(
                f"{origin}, line {i + 1}: expected a header line such as 'Subject: ...' "
                "followed by a blank line and the body"
            )
        headers[key] = value.strip()
        i += 1
    body = "\n".join(lines[i + 1 if headers else i:])
    if not headers.get("subject"):
        raise TemplateError(f"{origin}: no 'Subject:' line at the top; add one, then a blank line")
    if is_html:
        return Template(subject=headers["subject"], html=body, sender=headers.get("sender", ""))
    return Template(subject=headers["subject"], text=body, sender=headers.get("sender", ""))


def load_template(path: str | Path) -> Template:
    path = Path(path)
    try:
        source = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise TemplateError(f"template {path.name} not found; check the path") from None
    except UnicodeDecodeError:
        raise TemplateError(f"template {path.name} is not UTF-8 text; save it as UTF-8") from None
    return parse_template(source, is_html=path.suffix.lower() in (".html", ".htm"), origin=path.name)


def field_name(column: str) -> str:
    """The merge-field name of a column: ``"First Name"`` -> ``first_name``."""
    name = re.sub(r"\W+", "_", str(column).strip().lower()).strip("_") or "field"
    return f"f_{name}" if name[0].isdigit() else name


class _Sandbox(SandboxedEnvironment):
    """The sandbox plus size limits on operators, calls and filters."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def call_binop(self, context, operator, left, right):
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(n, int):
                    _limit(len(seq) * n)
        elif operator == "**" and isinstance(right, int | float) and abs(right) > 64:
            raise SecurityError("a power in the template is too large")
        elif operator == "%" and isinstance(left, str) and re.search(r"\d{5,}", left):
            raise SecurityError("a format width in the template is too large")
        elif operator == "+" and isinstance(left, str | list) and isinstance(right, str | list):
            _limit(len(left) + len(right))
        return super().call_binop(context, operator, left, right)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805
        _check_args(args, kwargs)
        return _limited(super().call(__context, __obj, *args, **kwargs))


def _limit(size: int) -> None:
    if size > MAX_PART_CHARS:
        raise SecurityError(f"the template builds text longer than {MAX_PART_CHARS:,} characters")


def _limited(value):
    if isinstance(value, str | list | tuple):
        _limit(len(value))
    return value


def _check_args(args, kwargs) -> None:
    for a in (*args, *kwargs.values()):
        if isinstance(a, int) and not isinstance(a, bool) and abs(a) > MAX_PART_CHARS:
            raise SecurityError("a number given to a function in the template is too large")


def _guard_filter(func):
    @functools.wraps(func)
    def guarded(*args, **kwargs):
        _check_args(args, kwargs)
        return _limited(func(*args, **kwargs))

    return guarded


def make_environment(html: bool, locale: str = "en_GB") -> SandboxedEnvironment:
    """A sandbox with our filters; autoescape only for HTML parts."""
    env = _Sandbox(autoescape=html, undefined=EmptyValue, optimized=False,
                   keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(filters.make_filters(locale))
    env.filters = {k: _guard_filter(f) for k, f in env.filters.items()}
    env.tests["empty"] = lambda v: isinstance(v, Undefined) or v in ("", None)
    return env


def _unsafe_attributes(ast: nodes.Template) -> list[str]:
    names = [n.attr for n in ast.find_all(nodes.Getattr)]
    names += [n.arg.value for n in ast.find_all(nodes.Getitem)
              if isinstance(n.arg, nodes.Const) and isinstance(n.arg.value, str)]
    return sorted({n for n in names if n.startswith("_")})


def lint(template: Template, fields: set[str] | list[str]) -> list[str]:
    """Problems found before any rendering: syntax, unsafe access, unknown fields."""
    known = set(fields)
    problems: list[str] = []
    env = make_environment(False)
    for part, source in template.parts().items():
        try:
            ast = env.parse(source)
        except TemplateSyntaxError as exc:
            problems.append(f"{_part_label(part)}, line {exc.lineno}: {exc.message}")
            continue
        unsafe = _unsafe_attributes(ast)
        if unsafe:
            problems.append(f"{_part_label(part)}: unsafe template: access to {unsafe[0]} "
                            "is not allowed")
        for name in sorted(meta.find_undeclared_variables(ast) - known - set(env.globals)):
            close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]}?" if close else "; check the field list"
            problems.append(f"{_part_label(part)}: unknown merge field {name}{hint}")
    if "\n" in template.subject.strip() or "\r" in template.subject:
        problems.append("subject: the subject must be one line")
    return problems


def fields_used(source: str) -> set[str]:
    """The merge fields one template part refers to (empty when it does not parse)."""
    try:
        return set(meta.find_undeclared_variables(make_environment(False).parse(source)))
    except TemplateSyntaxError:
        return set()


def fields_without_default(template: Template) -> set[str]:
    """Fields printed bare somewhere: no ``default`` filter and no enclosing ``if field``."""
    env = make_environment(False)
    bare: set[str] = set()
    for source in template.parts().values():
        try:
            ast = env.parse(source)
        except TemplateSyntaxError:
            continue
        found: set[str] = set()
        _collect_bare(ast, frozenset(), found)
        bare |= found & meta.find_undeclared_variables(ast)
    return bare


def _collect_bare(node: nodes.Node, guarded: frozenset[str], bare: set[str]) -> None:
    if isinstance(node, nodes.If):
        inner = guarded | {n.name for n in node.test.find_all(nodes.Name)}
        for child in node.body:
            _collect_bare(child, inner, bare)
        for child in (*node.elif_, *node.else_):
            _collect_bare(child, guarded, bare)
        return
    if isinstance(node, nodes.For):  # looping over an empty field simply prints nothing
        for child in (*node.body, *node.else_):
            _collect_bare(child, guarded, bare)
        return
    if isinstance(node, nodes.Filter) and node.name in ("default", "d"):
        for child in (*node.args, *node.kwargs):
            _collect_bare(child, guarded, bare)
        return
    if isinstance(node, nodes.Name) and node.ctx == "load" and node.name not in guarded:
        bare.add(node.name)
    for child in node.iter_child_nodes():
        _collect_bare(child, guarded, bare)


def _part_label(part: str) -> str:
    return {"subject": "subject", "text": "text body", "html": "HTML body"}[part]


class Compiled:
    """A linted template ready to render many recipients (one per call, thread-confined)."""

    def __init__(self, template: Template, fields, locale: str = "en_GB") -> None:
        problems = lint(template, fields)
        if problems:
            more = len(problems) - 1
            raise TemplateError(problems[0] + (f" (and {more} more problem{'s' * (more != 1)})" if more else ""))
        self.template = template
        text_env, html_env = make_environment(False, locale), make_environment(True, locale)
        self._parts = {part: (html_env if part == "html" else text_env).from_string(src)
                       for part, src in template.parts().items()}
        self._fields = sorted({f for src in template.parts().values() for f in fields_used(src)})
        names = {n.name for src in template.parts().values()
                 for n in text_env.parse(src).find_all(nodes.Name)}
        self._cache: dict[tuple, Rendered] | None = None if _RANDOM & names else {}

    def render(self, context: dict) -> Rendered:
        """Render one recipient, or raise :class:`RenderError` with a reason (no values).

        A render depends only on the fields the template names, so recipients with the
        same values in them share one (a greeting by first name: ~2,600 renders for
        60,000 people); failures are not kept (the next such recipient fails again)."""
        key = self._key(context)
        rendered = self._cache.get(key) if key is not None else None
        if rendered is None:
            rendered = self._render(context)
            if key is not None and len(self._cache) < CACHE_SIZE:
                self._cache[key] = rendered
        return rendered

    def _key(self, context: dict) -> tuple | None:
        if self._cache is None:
            return None
        try:
            key = tuple(_value_key(context.get(f, _MISSING)) for f in self._fields)
            hash(key)
        except TypeError:  # a value that cannot be a key: rendered each time
            return None
        return key

    def _render(self, context: dict) -> Rendered:
        out: dict[str, str] = {}
        try:
            with _WATCHDOG:
                for part, tpl in self._parts.items():
                    out[part] = _render_limited(tpl, context)
        except UndefinedError as exc:
            raise RenderError(str(exc)) from None
        except SecurityError as exc:
            raise RenderError(f"unsafe template: {exc}") from None
        except RenderTimeout:
            raise RenderError(f"the template took longer than {MAX_SECONDS:g} s") from None
        except (JinjaError, TypeError, ValueError, ArithmeticError, LookupError,
                RecursionError) as exc:
            raise RenderError(f"the template failed: {type(exc).__name__}") from None
        subject = out.get("subject", "").strip()
        if "\n" in subject or "\r" in subject:
            raise RenderError("the subject would contain a line break")
        html = out.get("html", "")
        text = out.get("text") or (html_to_text(html) if html else "")
        return Rendered(subject=subject, text=text, html=html)


_MISSING = object()


def _value_key(value):
    """A field's value as a cache key that tells apart what renders apart: 1, 1.0, True
    and "1" (equal keys in a dict) differ by type; every empty value is alike."""
    if isinstance(value, Undefined):
        return _MISSING
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple):
        return (type(value), tuple(_value_key(v) for v in value))
    if isinstance(value, dict):
        return (dict, tuple((k, _value_key(v)) for k, v in value.items()))
    return (type(value), value)


def _render_limited(tpl, context: dict) -> str:
    chunks, size = [], 0
    for chunk in tpl.generate(context):
        size += len(chunk)
        _limit(size)
        chunks.append(chunk)
    return "".join(chunks)


class _Watchdog:
    """Raises :class:`RenderTimeout` inside a rendering thread after MAX_SECONDS.

    One daemon thread checks every 50 ms; the lock makes sure it only fires while that
    thread's render is still running (``__exit__`` takes the lock before leaving).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._started: dict[int, float] = {}
        self._thread: threading.Thread | None = None

    def __enter__(self):
        with self._lock:
            self._started[threading.get_ident()] = time.monotonic()
            if self._thread is None:
                self._thread = threading.Thread(target=self._watch, name="render-watchdog",
                                                daemon=True)
                self._thread.start()
        return self

    def __exit__(self, *exc):
        with self._lock:
            self._started.pop(threading.get_ident(), None)
        return False

    def _watch(self) -> None:
        while True:
            time.sleep(0.05)
            with self._lock:
                now = time.monotonic()
                for ident, started in list(self._started.items()):
                    if now - started > MAX_SECONDS:
                        del self._started[ident]
                        ctypes.pythonapi.PyThreadState_SetAsyncExc(
                            ctypes.c_ulong(ident), ctypes.py_object(RenderTimeout))


_WATCHDOG = _Watchdog()


class _TextExtractor(HTMLParser):
    _BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "ul", "ol", "table", "tr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "li":
            self.out.append("\n- ")
        elif tag == "br":
            self.out.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in self._BLOCKS:
            self.out.append("\n\n")

    def handle_data(self, data):
        if not self._skip:
            self.out.append(data)


def html_to_text(markup: str) -> str:
    """The plain-text alternative of an HTML body (escaped values come back literal)."""
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    text = re.sub(r"[ \t]+", " ", "".join(parser.out))
    text = "\n".join(line.strip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"

