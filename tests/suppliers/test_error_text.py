"""Every error text a codec (or ingest) can write for a supplier reads in German on the portal.

The codecs (``hub/formats``, no Django) write English texts; ``suppliers/error_text.py``
recognises each by pattern and says it with a translatable template. This test reads the
codecs' source and collects every text they can raise or collect as an error: the string or
f-string given to ``FormatError`` (and its subclasses), to the codecs' error helpers
(``error``, ``fail``, ``_error``, ``_close``), to ``CellError``, and to ``ValueError`` in the modules
whose ValueErrors become positioned errors (dates, numbers, the UNA header). A name given
instead of a literal is followed to the strings assigned to it in the same function; any
other expression passes on a text built elsewhere, and that one is collected where it is
built. Texts written only while *rendering* (functions and classes named ``render``,
``write``, ``Builder``) go to staff in a delivery's last error, not to a supplier, and are
left out. Ingest (``hub/ingest``) adds its own: the errors it raises, and the refusals
``authority.py`` returns (who may send what, the envelope sender).

For each text, its f-string holes are filled with sample values and the German page must
show something else than the English: a new codec error without a German template fails
here, saying which and where.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.utils import translation

from suppliers.error_text import TEXTS, error_text, positioned_error

HUB = Path(__file__).resolve().parents[2] / "hub"
SOURCES = ("formats", "ingest")
RAISERS = {"FormatError", "UnsupportedFormat", "IdocError", "CellError", "error", "fail", "_error", "_close"}
# Modules whose ValueErrors are caught by the codecs and become a positioned error's text.
VALUE_ERRORS_SHOWN = {"formats/codes.py", "formats/canonical.py", "formats/edifact/syntax.py", "formats/tabular/table.py"}
# Modules whose functions return a refusal's text (an empty string when all is well).
RETURNED_TEXTS = {"ingest/authority.py"}
RENDERING = re.compile(r"render|write|Builder", re.IGNORECASE)


@dataclass(frozen=True)
class CodecText:
    where: str  # file:line
    template: str  # the text with its holes as {0}, {1}, ...


def _template(node: ast.AST) -> str | None:
    """The text a string, f-string or concatenation of them writes, holes numbered; None if it is no literal."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.replace("{", "{{").replace("}", "}}")
    if isinstance(node, ast.JoinedStr):
        out = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                out.append(str(value.value).replace("{", "{{").replace("}", "}}"))
            else:
                out.append("{}")
        return "".join(out)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _template(node.left), _template(node.right)
        if left is not None and right is not None:
            return left + right
        if left is not None:
            return left + "{}"
        if right is not None:
            return "{}" + right
    if isinstance(node, ast.IfExp):  # "a" if x else "b": both are written; the first stands for them here
        return _template(node.body)
    return None


def _assigned(function: ast.AST, name: str) -> list[ast.AST]:
    """The values assigned to ``name`` inside ``function``."""
    values = []
    for node in ast.walk(function):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        if node_value := getattr(node, "value", None):
            values += [node_value for t in targets if isinstance(t, ast.Name) and t.id == name]
    return values


class _Collector(ast.NodeVisitor):
    def __init__(self, module: str) -> None:
        self.module = module
        self.scopes: list[ast.AST] = []
        self.names: list[str] = []
        self.found: list[CodecText] = []

    def _enter(self, node: ast.AST, name: str) -> None:
        self.scopes.append(node)
        self.names.append(name)
        self.generic_visit(node)
        self.scopes.pop()
        self.names.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._enter(node, node.name)

    visit_AsyncFunctionDef = visit_FunctionDef  # noqa: N815 - ast's naming

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._enter(node, node.name)

    def visit_Call(self, node: ast.Call) -> None:
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        wanted = name in RAISERS or (name == "ValueError" and self.module in VALUE_ERRORS_SHOWN)
        if wanted and not any(RENDERING.search(n) for n in self.names):
            arg = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "text"), None)
            values = [arg] if arg is not None else []
            if isinstance(arg, ast.Name) and self.scopes:
                values = _assigned(self.scopes[-1], arg.id)
            self._add(values, node.lineno)
        self.generic_visit(node)

    def visit_Return(self, node: ast.Return) -> None:
        if self.module in RETURNED_TEXTS and node.value is not None:
            self._add([node.value], node.lineno)
        self.generic_visit(node)

    def _add(self, values: list[ast.AST], line: int) -> None:
        for value in values:
            template = _template(value)
            if template is not None and re.search(r"[A-Za-z]{3,}", template.replace("{}", "")):  # words, not a key like "{}:{}"
                self.found.append(CodecText(f"{self.module}:{line}", template))


def codec_texts() -> list[CodecText]:
    """Every error text the codecs and ingest write for a supplier, once per template."""
    found: dict[str, CodecText] = {}
    for path in sorted(p for source in SOURCES for p in (HUB / source).rglob("*.py")):
        module = path.relative_to(HUB).as_posix()
        collector = _Collector(module)
        collector.visit(ast.parse(path.read_text(), str(path)))
        for text in collector.found:
            found.setdefault(text.template, text)
    return list(found.values())


def sample(template: str) -> str:
    """The text as a codec would write it, its holes filled with data (values that read the same in any language)."""
    values = [f"X{n}7" for n in range(template.count("{}"))]
    return template.format(*values)


def test_the_collector_finds_the_codecs_texts():
    """The walk over the source sees what it must: literals, f-strings, names followed to their strings."""
    templates = {t.template for t in codec_texts()}
    assert len(templates) > 120
    assert "'{}' is not a number" in templates  # an f-string in a FormatError
    assert "{} segment outside a message (UNH..UNT)" in templates
    assert "the file holds no VDA record" in templates  # a plain string
    assert "the ISA header is cut short: it needs 16 elements and a segment terminator" in templates
    assert "{}: {} cannot be written in {} {} (N {})" not in templates  # a VDA record writer's: rendering is left out
    assert "the envelope sender {} is not a verified identifier of {}, who sent this file" in templates  # ingest's refusal
    assert "{}; the whole interchange is refused" in templates


@pytest.mark.parametrize("text", codec_texts(), ids=lambda t: t.where)
def test_every_codec_error_text_has_a_german_template(text: CodecText):
    english = sample(text.template)
    with translation.override("de"):
        german = error_text(english)
    assert german != english, f"{text.where}: no German for {text.template!r} (add a template to suppliers/error_text.py and its msgstr)"


def test_every_template_is_translated_and_keeps_its_values():
    """Each template of the table has a German msgstr that uses the same named values."""
    missing = []
    for _pattern, template in TEXTS:
        with translation.override("de"):
            german = translation.gettext(template)
        if german == template:
            missing.append(template)
        names = set(re.findall(r"%\((\w+)\)s", template))
        assert set(re.findall(r"%\((\w+)\)s", german)) == names, template
    assert not missing, "no German for:\n" + "\n".join(missing)


def test_a_text_inside_a_text_is_translated_too():
    inner = "the envelope sender X9 is not a verified identifier of supplier SUP00001, who sent this file"
    with translation.override("de"):
        shown = error_text(f"{inner}; the whole interchange is refused")
    assert shown == (
        "der Absender im Umschlag X9 ist keine bestätigte Kennung von supplier SUP00001, der diese Datei gesendet hat;"
        " die ganze Übertragung wird abgelehnt"
    )


def test_a_positioned_error_reads_in_german():
    error = {"segment": 14, "tag": "QTY", "element": 1, "component": 2, "text": "'12,5x' is not a number", "message_ref": "1"}
    with translation.override("de"):
        shown = positioned_error(error)
    assert shown == {"position": "Segment 14 (QTY), Element 1, Komponente 2", "text": "'12,5x' ist keine Zahl", "message_ref": "1"}


def test_a_text_longer_than_the_limit_stays_as_written_so_a_partners_value_cannot_stall_the_page():
    from suppliers.error_text import MAX_TRANSLATED

    short = "'a b: c' is not a number"
    hostile = "'" + "a b: " * 400 + "' is not a number"  # the value is the partner's; its separators make the matching backtrack
    assert len(short) <= MAX_TRANSLATED < len(hostile)
    with translation.override("de"):
        assert error_text(short) == "'a b: c' ist keine Zahl"
        assert error_text(hostile) == hostile
