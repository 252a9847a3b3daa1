"""Terraform files as trees of bodies, blocks and attributes with positions.

The text is parsed with python-hcl2's Lark grammar; shared names and constants of the
Terraform loader live here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from scplint.loaders.terraform.templates import Heredoc
from scplint.model import (
    PolicyKind,
    Span,
)

LOGGER = logging.getLogger(__name__)

LOADER_NAME = "terraform"
POLICY_RESOURCE = "aws_organizations_policy"
POLICY_DATA_SOURCE = "aws_iam_policy_document"

# ``type`` values of aws_organizations_policy; the provider defaults to SERVICE_CONTROL_POLICY.
POLICY_TYPES = {
    "SERVICE_CONTROL_POLICY": PolicyKind.SCP,
    "RESOURCE_CONTROL_POLICY": PolicyKind.RCP,
}
SCP_NAME_HINTS = ("scp", "service_control")


# ---------------------------------------------------------------------------
# Evaluated values with positions
# ---------------------------------------------------------------------------


@dataclass
class Node:
    """An evaluated HCL value and where it was written.

    ``value`` is a scalar, a ``Placeholder``, a list of nodes or a dict of nodes. ``file``
    is the source file of ``span``. Spans from other files are not recorded in a
    document's source map.
    """

    value: Any
    span: Span | None = None
    file: Path | None = None
    key_spans: dict[str, Span] = field(default_factory=dict)
    # Set for the value of a heredoc, whose JSON text can be parsed with exact positions.
    heredoc: Heredoc | None = None
    # True for the result of ``toset()``, whose for_each keys are the elements.
    is_set: bool = False


@dataclass
class JsonEncoded:
    """The result of ``jsonencode(value)``."""

    node: Node


@dataclass
class FileContent:
    """The text of a JSON file read by ``file()`` or ``templatefile()``."""

    path: Path
    template: bool
    decoded: bool = False


@dataclass
class DocumentRef:
    """A reference to ``data.aws_iam_policy_document.NAME.json`` or ``.minified_json``."""

    name: str
    minified: bool


@dataclass
class Branches:
    """A ``cond ? a : b`` whose condition is unknown; both results are possible."""

    condition: str
    when_true: Node
    when_false: Node
    text: str = ""


@dataclass
class Attribute:
    name: str
    name_span: Span
    expr: Any  # lark Tree
    span: Span


@dataclass
class Block:
    type: str
    labels: list[str]
    body: Body
    span: Span
    header_span: Span


@dataclass
class Body:
    attributes: dict[str, Attribute]
    blocks: list[Block]


@dataclass
class ModuleFile:
    """One parsed ``.tf`` file of a module directory."""

    path: Path
    text: str
    body: Body


@dataclass
class Module:
    """The ``.tf`` files of one directory, indexed by what the evaluator looks up."""

    directory: Path
    files: list[ModuleFile]
    locals: dict[str, tuple[Attribute, ModuleFile]] = field(default_factory=dict)
    data_sources: dict[tuple[str, str], tuple[Block, ModuleFile]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for module_file in self.files:
            for block in module_file.body.blocks:
                if block.type == "locals":
                    for name, attribute in block.body.attributes.items():
                        self.locals[name] = (attribute, module_file)
                elif block.type == "data" and len(block.labels) == 2:
                    self.data_sources[(block.labels[0], block.labels[1])] = (block, module_file)

    def policy_resources(self) -> Iterator[tuple[Block, ModuleFile]]:
        for module_file in self.files:
            for block in module_file.body.blocks:
                if block.type == "resource" and block.labels[:1] == [POLICY_RESOURCE]:
                    yield block, module_file


class TerraformSyntaxError(Exception):
    def __init__(self, message: str, span: Span | None) -> None:
        super().__init__(message)
        self.span = span


# ---------------------------------------------------------------------------
# Parsing: Lark tree -> bodies, blocks and attributes
# ---------------------------------------------------------------------------


def _rule(tree: Any) -> str:
    data = getattr(tree, "data", None)
    return str(data) if data is not None else ""


def _span_of(item: Any) -> Span:
    if hasattr(item, "meta"):
        meta = item.meta
        return Span(meta.line, meta.column, meta.end_line, meta.end_column)
    return Span(item.line, item.column, item.end_line, item.end_column)


def _subtrees(tree: Any) -> list[Any]:
    return [child for child in tree.children if hasattr(child, "data")]


# Parsed bodies by file text: a directory's .tf files are read as siblings of each other,
# so without this every file of a module would be parsed once per file in the module.
_BODY_CACHE: dict[str, Body] = {}


def _parse_hcl(text: str) -> Body:
    body = _BODY_CACHE.get(text)
    if body is None:
        body = _BODY_CACHE[text] = _parse_hcl_text(text)
    return body


def _parse_hcl_text(text: str) -> Body:
    """Parse HCL text, raising ``TerraformSyntaxError`` with the position lark reports."""
    import lark
    from hcl2.api import parses_to_tree

    try:
        tree = parses_to_tree(text)
    except lark.exceptions.UnexpectedCharacters as error:
        found = text[error.pos_in_stream] if 0 <= error.pos_in_stream < len(text) else "end of file"
        raise TerraformSyntaxError(
            f"invalid HCL: unexpected character {found!r} at line {error.line}, column {error.column}",
            Span.point(error.line, error.column),
        ) from None
    except lark.exceptions.UnexpectedEOF:
        last_line = text.count("\n") + 1
        raise TerraformSyntaxError(
            "invalid HCL: the file ends inside an unclosed block, string or expression",
            Span.point(last_line, 1),
        ) from None
    except lark.exceptions.UnexpectedToken as error:
        token = error.token
        line = getattr(token, "line", None) or error.line
        column = getattr(token, "column", None) or error.column
        if token.type == "$END" or not isinstance(line, int) or line < 1:
            raise TerraformSyntaxError(
                "invalid HCL: the file ends inside an unclosed block, string or expression",
                Span.point(text.count("\n") + 1, 1),
            ) from None
        lines = text.splitlines()
        found = lines[line - 1][column - 1 : column] if line <= len(lines) else ""
        found_text = repr(found) if found.strip() else "line break"
        raise TerraformSyntaxError(
            f"invalid HCL: unexpected {found_text} at line {line}, column {column}",
            Span.point(line, column),
        ) from None
    except lark.exceptions.LarkError as error:
        raise TerraformSyntaxError(f"invalid HCL: {error}", None) from None
    body_tree = _subtrees(tree)[0]
    return _read_body(body_tree, text)


def _read_name(tree: Any, text: str) -> str:
    """Return a block type, block label or attribute name as written."""
    if _rule(tree) == "string":
        return _string_literal(tree, text) or ""
    return text[tree.meta.start_pos : tree.meta.end_pos]


def _read_body(tree: Any, text: str) -> Body:
    attributes: dict[str, Attribute] = {}
    blocks: list[Block] = []
    for child in _subtrees(tree):
        kind = _rule(child)
        if kind == "attribute":
            parts = _subtrees(child)
            name_tree, expr = parts[0], parts[-1]
            name = _read_name(name_tree, text)
            attributes[name] = Attribute(name, _span_of(name_tree), expr, _span_of(child))
        elif kind == "block":
            parts = _subtrees(child)
            body_tree = parts[-1]
            names = [_read_name(part, text) for part in parts[:-1] if _rule(part) != "new_line_or_comment"]
            header = _span_of(parts[0])
            blocks.append(Block(names[0], names[1:], _read_body(body_tree, text), _span_of(child), header))
    return Body(attributes, blocks)


def _string_literal(tree: Any, text: str) -> str | None:
    """Return the value of a quoted string without template sequences, else None."""
    from hcl2.utils import process_escape_sequences

    pieces: list[str] = []
    for part in _subtrees(tree):
        token = part.children[0]
        if hasattr(token, "data"):
            return None
        if token.type == "STRING_CHARS":
            pieces.append(process_escape_sequences(str(token)))
        elif token.type in ("ESCAPED_INTERPOLATION", "ESCAPED_DIRECTIVE"):
            pieces.append(str(token)[1:])
        else:
            return None
    return "".join(pieces)


# Parsed sibling files, keyed by path, modification time and size.
_PARSE_CACHE: dict[tuple[str, int, int], ModuleFile | None] = {}


def _parse_sibling(path: Path) -> ModuleFile | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key not in _PARSE_CACHE:
        try:
            text = path.read_bytes().decode("utf-8-sig")
            _PARSE_CACHE[key] = ModuleFile(path, text, _parse_hcl(text))
        except (OSError, UnicodeDecodeError, TerraformSyntaxError, RecursionError) as error:
            LOGGER.debug("skipping sibling %s: %s", path, error)
            _PARSE_CACHE[key] = None
    return _PARSE_CACHE[key]


