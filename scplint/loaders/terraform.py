"""Terraform loader: policies in ``aws_organizations_policy`` resources.

Terraform is never run. The file is parsed with python-hcl2's Lark grammar, and a small
evaluator resolves what can be known statically: literals, ``local.*`` values of the
module, ``path.module`` / ``path.root``, ``jsonencode``, ``jsondecode``, ``file``,
``templatefile``, heredocs and ``aws_iam_policy_document`` data sources. Anything else
(``var.*``, resource attributes, most functions) becomes a ``Placeholder`` holding the
source expression, so rules never read an invented value.

Which documents a file yields:

- each ``aws_organizations_policy`` in the file whose ``content`` is ``jsonencode(...)``, a
  heredoc or JSON string, or ``file()`` / ``templatefile()`` of a JSON file. A referenced
  file's document reports positions in that JSON file, so its ``file`` is the JSON file's
  display path. A ``content`` of the form ``cond ? a : b`` yields one document per branch.
  A resource ``for_each`` over a literal list, set or map yields one document per element.
- each ``aws_iam_policy_document`` data source in the file whose ``json`` or
  ``minified_json`` is the ``content`` of an ``aws_organizations_policy`` in any ``.tf``
  file of the same directory (a Terraform module is a directory). A data source that only
  feeds another one through ``source_policy_documents`` / ``override_policy_documents`` is
  linted inside the merged document, not on its own.
- when the directory has no ``aws_organizations_policy`` at all, a calling module that
  scplint cannot see may deploy its data sources. They are linted when the file name, its
  directory name or the data source name contains "scp" or "service_control"
  (case-insensitive).

Module calls (``module "x" { source = ... }``) are not followed.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterator

from scplint.model import (
    LoadProblem,
    LoadResult,
    Placeholder,
    PolicyDocument,
    PolicyKind,
    SourceMap,
    Span,
)
from scplint.model import Path as DocPath

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

# Private-use characters stand in for template sequences inside JSON text, one character
# per sequence, so the JSON parser reads text of the same length and positions stay exact.
_MARKER_BASE = 0xE000
_MARKER_LIMIT = 0xF8FF - _MARKER_BASE


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


# ---------------------------------------------------------------------------
# Evaluation
# ---------------------------------------------------------------------------


class Evaluator:
    """Evaluate HCL expressions of one module into ``Node`` values."""

    MAX_DEPTH = 40

    def __init__(self, module: Module) -> None:
        self.module = module
        self.scope: dict[str, Node] = {}
        self._resolving: set[str] = set()
        self._depth = 0

    def with_scope(self, extra: dict[str, Node]) -> Evaluator:
        child = Evaluator(self.module)
        child.scope = {**self.scope, **extra}
        child._resolving = self._resolving
        return child

    def source(self, tree: Any, module_file: ModuleFile) -> str:
        return module_file.text[tree.meta.start_pos : tree.meta.end_pos]

    def placeholder(self, tree: Any, module_file: ModuleFile) -> Node:
        return Node(Placeholder(self.source(tree, module_file)), _span_of(tree), module_file.path)

    def evaluate(self, tree: Any, module_file: ModuleFile) -> Node:
        self._depth += 1
        try:
            if self._depth > self.MAX_DEPTH:
                return self.placeholder(tree, module_file)
            return self._evaluate(tree, module_file)
        finally:
            self._depth -= 1

    def _evaluate(self, tree: Any, module_file: ModuleFile) -> Node:
        kind = _rule(tree)
        span = _span_of(tree)
        file_path = module_file.path
        if kind == "expr_term":
            inner = _subtrees(tree)
            if len(inner) == 1:
                return self.evaluate(inner[0], module_file)
            return self.placeholder(tree, module_file)
        if kind == "string":
            return self._string(tree, module_file)
        if kind in ("int_lit", "float_lit"):
            raw = str(tree.children[0])
            number: int | float = int(raw) if kind == "int_lit" else float(raw)
            return Node(number, span, file_path)
        if kind == "literal_value":
            word = str(tree.children[0])
            return Node({"true": True, "false": False, "null": None}[word], span, file_path)
        if kind == "unary_op":
            operand = self.evaluate(_subtrees(tree)[0], module_file)
            operator = str(tree.children[0])
            if operator == "-" and isinstance(operand.value, (int, float)) and not isinstance(operand.value, bool):
                return Node(-operand.value, span, file_path)
            if operator == "!" and isinstance(operand.value, bool):
                return Node(not operand.value, span, file_path)
            return self.placeholder(tree, module_file)
        if kind == "tuple":
            items = [self.evaluate(child, module_file) for child in _subtrees(tree) if _rule(child) != "new_line_or_comment"]
            return Node(items, span, file_path)
        if kind == "object":
            return self._object(tree, module_file)
        if kind in ("heredoc_template", "heredoc_template_trim"):
            return self._heredoc(tree, module_file)
        if kind == "identifier":
            name = str(tree.children[0])
            if name in self.scope:
                return self.scope[name]
            return self.placeholder(tree, module_file)
        if kind in ("get_attr_expr_term", "index_expr_term"):
            return self._traversal(tree, module_file)
        if kind == "function_call":
            return self._function(tree, module_file)
        if kind == "conditional":
            return self._conditional(tree, module_file)
        return self.placeholder(tree, module_file)

    # Strings and heredocs

    def _string(self, tree: Any, module_file: ModuleFile) -> Node:
        from hcl2.utils import process_escape_sequences

        pieces: list[str] = []
        for part in _subtrees(tree):
            token = part.children[0]
            if hasattr(token, "data") and _rule(token) == "interpolation":
                inner = self.evaluate(_subtrees(token)[0], module_file)
                if isinstance(inner.value, (str, int, float)) and not isinstance(inner.value, (bool, Placeholder)):
                    pieces.append(str(inner.value))
                    continue
                return self._string_placeholder(tree, module_file)
            if hasattr(token, "data"):
                return self._string_placeholder(tree, module_file)
            if token.type == "STRING_CHARS":
                pieces.append(process_escape_sequences(str(token)))
            elif token.type in ("ESCAPED_INTERPOLATION", "ESCAPED_DIRECTIVE"):
                pieces.append(str(token)[1:])
        return Node("".join(pieces), _span_of(tree), module_file.path)

    def _string_placeholder(self, tree: Any, module_file: ModuleFile) -> Node:
        text = self.source(tree, module_file)
        return Node(Placeholder(text[1:-1]), _span_of(tree), module_file.path)

    def _heredoc(self, tree: Any, module_file: ModuleFile) -> Node:
        heredoc = Heredoc.from_token(tree.children[0])
        value = Placeholder(heredoc.content) if heredoc.has_templates else heredoc.content
        return Node(value, _span_of(tree), module_file.path, heredoc=heredoc)

    # Collections

    def _object(self, tree: Any, module_file: ModuleFile) -> Node:
        items: dict[str, Node] = {}
        key_spans: dict[str, Span] = {}
        for element in _subtrees(tree):
            if _rule(element) != "object_elem":
                continue
            key_tree, value_tree = _subtrees(element)[0], _subtrees(element)[-1]
            key = self._object_key(key_tree, module_file)
            items[key] = self.evaluate(value_tree, module_file)
            key_spans[key] = _span_of(key_tree)
        return Node(items, _span_of(tree), module_file.path, key_spans)

    def _object_key(self, key_tree: Any, module_file: ModuleFile) -> str:
        inner = _subtrees(key_tree)[0]
        while _rule(inner) == "expr_term" and len(_subtrees(inner)) == 1 and not inner.children[0] == "(":
            inner = _subtrees(inner)[0]
        if _rule(inner) == "identifier":
            return str(inner.children[0])
        if _rule(inner) == "keyword":
            return str(inner.children[0])
        if _rule(inner) == "literal_value":
            return str(inner.children[0])
        value = self.evaluate(inner, module_file).value
        if isinstance(value, str):
            return value
        return Placeholder(self.source(inner, module_file))

    # References

    def _traversal_parts(self, tree: Any, module_file: ModuleFile) -> tuple[Any, list[Any]]:
        """Split ``a.b[0].c`` into its root term and the list of attribute/index steps."""
        steps: list[Any] = []
        current = tree
        while _rule(current) in ("get_attr_expr_term", "index_expr_term"):
            base, step = _subtrees(current)
            steps.append(step)
            current = base
            while _rule(current) == "expr_term" and len(_subtrees(current)) == 1 and current.children[0] != "(":
                current = _subtrees(current)[0]
        steps.reverse()
        return current, steps

    def _step_key(self, step: Any, module_file: ModuleFile) -> Any:
        kind = _rule(step)
        if kind == "get_attr":
            return _read_name(_subtrees(step)[0], module_file.text)
        if kind == "short_index":
            return int(str(step.children[-1]))
        if kind == "braces_index":
            inner = self.evaluate(_subtrees(step)[0], module_file).value
            if isinstance(inner, Placeholder):
                return None
            return inner
        return None

    def _traversal(self, tree: Any, module_file: ModuleFile) -> Node:
        root, steps = self._traversal_parts(tree, module_file)
        if _rule(root) != "identifier":
            base = self.evaluate(root, module_file)
            return self._apply_steps(base, steps, tree, module_file)
        head = str(root.children[0])
        keys = [self._step_key(step, module_file) for step in steps]
        if head in self.scope:
            return self._apply_steps(self.scope[head], steps, tree, module_file)
        if head == "local" and keys and isinstance(keys[0], str):
            return self._apply_steps(self._local(keys[0], tree, module_file), steps[1:], tree, module_file)
        if head == "path" and keys and keys[0] in ("module", "root", "cwd"):
            # The module directory is the closest static value for all three.
            return self._apply_steps(Node(str(self.module.directory), _span_of(tree), module_file.path), steps[1:], tree, module_file)
        if head == "data" and len(keys) >= 3 and keys[0] == POLICY_DATA_SOURCE:
            if len(keys) == 3 and keys[2] in ("json", "minified_json") and (keys[0], keys[1]) in self.module.data_sources:
                return Node(DocumentRef(keys[1], keys[2] == "minified_json"), _span_of(tree), module_file.path)
        if head == "data" and len(keys) == 3 and keys[0] == "template_file" and keys[2] == "rendered":
            rendered = self._template_file(keys[1], tree, module_file)
            if rendered is not None:
                return rendered
        return self.placeholder(tree, module_file)

    def _apply_steps(self, base: Node, steps: list[Any], tree: Any, module_file: ModuleFile) -> Node:
        current = base
        for step in steps:
            key = self._step_key(step, module_file)
            value = current.value
            if isinstance(value, dict) and isinstance(key, str) and key in value:
                current = value[key]
            elif isinstance(value, list) and isinstance(key, int) and not isinstance(key, bool) and -len(value) <= key < len(value):
                current = value[key]
            else:
                return self.placeholder(tree, module_file)
        return current

    def _local(self, name: str, tree: Any, module_file: ModuleFile) -> Node:
        found = self.module.locals.get(name)
        if found is None or name in self._resolving:
            return self.placeholder(tree, module_file)
        attribute, defining_file = found
        self._resolving.add(name)
        try:
            # Locals never see the iterator scope of the place that reads them.
            resolved = Evaluator(self.module)
            resolved._resolving = self._resolving
            resolved._depth = self._depth
            node = resolved.evaluate(attribute.expr, defining_file)
        finally:
            self._resolving.discard(name)
        if defining_file.path != module_file.path:
            return _relocate(node, _span_of(tree), module_file.path)
        return node

    def _template_file(self, name: str, tree: Any, module_file: ModuleFile) -> Node | None:
        found = self.module.data_sources.get(("template_file", name))
        if found is None:
            return None
        block, defining_file = found
        template = block.body.attributes.get("template")
        if template is None:
            return None
        node = Evaluator(self.module).evaluate(template.expr, defining_file)
        if isinstance(node.value, FileContent):
            node = replace(node, value=replace(node.value, template=True))
        elif node.heredoc is None:
            return None
        if defining_file.path != module_file.path:
            return _relocate(node, _span_of(tree), module_file.path)
        return node

    # Functions and conditionals

    def _function(self, tree: Any, module_file: ModuleFile) -> Node:
        parts = _subtrees(tree)
        name = str(parts[0].children[0])
        argument_trees: list[Any] = []
        if len(parts) > 1 and _rule(parts[-1]) == "arguments":
            argument_trees = [arg for arg in _subtrees(parts[-1]) if _rule(arg) != "new_line_or_comment"]
        if any(str(child) == "..." for child in getattr(parts[-1], "children", [])):
            return self.placeholder(tree, module_file)
        span = _span_of(tree)
        file_path = module_file.path
        if name == "jsonencode" and len(argument_trees) == 1:
            return Node(JsonEncoded(self.evaluate(argument_trees[0], module_file)), span, file_path)
        if name == "jsondecode" and len(argument_trees) == 1:
            inner = self.evaluate(argument_trees[0], module_file)
            if isinstance(inner.value, JsonEncoded):
                return inner.value.node
            if isinstance(inner.value, FileContent):
                return Node(replace(inner.value, decoded=True), span, file_path)
            return self.placeholder(tree, module_file)
        if name in ("file", "templatefile") and argument_trees:
            target = self.evaluate(argument_trees[0], module_file).value
            if isinstance(target, str) and not isinstance(target, Placeholder):
                resolved = Path(target)
                if not resolved.is_absolute():
                    resolved = self.module.directory / resolved
                return Node(FileContent(Path(os.path.normpath(resolved)), name == "templatefile"), span, file_path)
            return self.placeholder(tree, module_file)
        if name == "toset" and len(argument_trees) == 1:
            node = self._list_function("distinct", argument_trees, tree, module_file)
            return replace(node, is_set=isinstance(node.value, list))
        if name in ("concat", "flatten", "tolist", "distinct", "compact") and argument_trees:
            return self._list_function(name, argument_trees, tree, module_file)
        return self.placeholder(tree, module_file)

    def _list_function(self, name: str, argument_trees: list[Any], tree: Any, module_file: ModuleFile) -> Node:
        """Evaluate list functions; an argument that is not a known list adds one placeholder item."""
        arguments = [self.evaluate(arg, module_file) for arg in argument_trees]
        if name == "tolist" and (len(arguments) != 1 or not isinstance(arguments[0].value, list)):
            return self.placeholder(tree, module_file)
        items: list[Node] = []
        for argument, argument_tree in zip(arguments, argument_trees):
            if isinstance(argument.value, list):
                items.extend(argument.value)
            else:
                items.append(self.placeholder(argument_tree, module_file))
        if name == "flatten":
            items = list(_flatten(items))
        if name == "distinct":
            seen: set[str] = set()
            unique: list[Node] = []
            for item in items:
                marker = json.dumps(_plain(item), sort_keys=True, default=str)
                if isinstance(item.value, Placeholder) or marker not in seen:
                    seen.add(marker)
                    unique.append(item)
            items = unique
        if name == "compact":
            items = [item for item in items if item.value not in ("", None)]
        return Node(items, _span_of(tree), module_file.path)

    def _conditional(self, tree: Any, module_file: ModuleFile) -> Node:
        parts = [part for part in _subtrees(tree) if _rule(part) != "new_line_or_comment"]
        condition_tree, true_tree, false_tree = parts[0], parts[1], parts[2]
        condition = self.evaluate(condition_tree, module_file).value
        if condition is True:
            return self.evaluate(true_tree, module_file)
        if condition is False:
            return self.evaluate(false_tree, module_file)
        branches = Branches(
            self.source(condition_tree, module_file),
            self.evaluate(true_tree, module_file),
            self.evaluate(false_tree, module_file),
            self.source(tree, module_file),
        )
        return Node(branches, _span_of(tree), module_file.path)


def _flatten(items: list[Node]) -> Iterator[Node]:
    for item in items:
        if isinstance(item.value, list):
            yield from _flatten(item.value)
        else:
            yield item


def _relocate(node: Node, span: Span, file: Path) -> Node:
    """Return a copy of ``node`` located at the reference ``span`` in ``file``.

    The children keep their own file, so a document built from them maps only the
    reference and falls back to it for every inner path.
    """
    return replace(node, span=span, file=file, key_spans={})


def _plain(node: Node) -> Any:
    """Convert a node to plain data, with unresolved values as placeholders."""
    value = node.value
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, Branches):
        return Placeholder(value.text)
    if isinstance(value, JsonEncoded):
        return Placeholder("jsonencode(...)")
    if isinstance(value, (FileContent, DocumentRef)):
        return Placeholder(str(value))
    return value


# ---------------------------------------------------------------------------
# Heredocs and JSON text with template sequences
# ---------------------------------------------------------------------------


@dataclass
class Heredoc:
    """A heredoc's body and where its first content line starts."""

    raw_body: str  # the lines between the markers, as written
    content: str  # the text Terraform produces: indentation removed for ``<<-``
    first_line: int
    has_templates: bool

    @classmethod
    def from_token(cls, token: Any) -> Heredoc:
        text = str(token)
        header, _, rest = text.partition("\n")
        # ``rest`` ends with the closing marker line and the newline after it.
        rest = rest.rstrip("\r\n")
        cut = rest.rfind("\n")
        lines = rest[:cut].split("\n") if cut >= 0 else []
        raw_body = "\n".join(lines) + ("\n" if lines else "")
        content = raw_body
        if header.startswith("<<-"):
            content = _strip_indentation(lines)
        scan = scan_templates(raw_body)
        return cls(raw_body, content, token.line + 1, bool(scan.sequences))


def _strip_indentation(lines: list[str]) -> str:
    """Remove the smallest indentation of the non-blank lines, as ``<<-`` heredocs do."""
    widths = [len(line) - len(line.lstrip(" \t")) for line in lines if line.strip()]
    width = min(widths, default=0)
    stripped = [line[width:] if line.strip() else line.lstrip(" \t") for line in lines]
    return "\n".join(stripped) + ("\n" if lines else "")


@dataclass
class TemplateScan:
    """Template sequences found in JSON text and the same-length text the JSON parser reads."""

    masked: str
    sequences: list[str]


def scan_templates(text: str) -> TemplateScan:
    """Replace each ``${...}`` or ``%{...}`` in ``text`` with marker characters.

    Inside a JSON string the sequence becomes marker characters; outside, a quoted string
    of marker characters, so ``"Resource": ${jsonencode(var.arns)}`` still parses. Escaped
    sequences (``$${``, ``%%{``) are kept as written.
    """
    out: list[str] = []
    sequences: list[str] = []
    in_string = False
    index = 0
    length = len(text)
    while index < length:
        char = text[index]
        if char in "$%" and text.startswith(char * 2 + "{", index):
            out.append(text[index : index + 3])
            index += 3
            continue
        if char in "$%" and index + 1 < length and text[index + 1] == "{":
            end = _template_end(text, index + 2)
            sequence = text[index:end]
            number = len(sequences)
            if number >= _MARKER_LIMIT:
                break
            sequences.append(sequence)
            marker = chr(_MARKER_BASE + number)
            if in_string or len(sequence) < 3:
                out.append(marker * len(sequence))
            else:
                out.append('"' + marker * (len(sequence) - 2) + '"')
            index = end
            continue
        if in_string and char == "\\" and index + 1 < length:
            out.append(text[index : index + 2])
            index += 2
            continue
        if char == '"':
            in_string = not in_string
        out.append(char)
        index += 1
    return TemplateScan("".join(out) + text[index:], sequences)


def _template_end(text: str, start: int) -> int:
    """Return the index after the ``}`` that closes a template sequence."""
    depth = 1
    index = start
    quote = False
    while index < len(text):
        char = text[index]
        if quote:
            if char == "\\":
                index += 1
            elif char == '"':
                quote = False
        elif char == '"':
            quote = True
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    return len(text)


def _unmask(value: Any, sequences: list[str]) -> Any:
    """Turn strings holding markers back into placeholders with the original text."""
    if isinstance(value, str):
        if not any(_MARKER_BASE <= ord(char) < _MARKER_BASE + len(sequences) for char in value):
            return value.replace("$${", "${").replace("%%{", "%{")
        pieces: list[str] = []
        previous = None
        for char in value:
            code = ord(char) - _MARKER_BASE
            if 0 <= code < len(sequences):
                if code != previous:
                    pieces.append(sequences[code])
                previous = code
            else:
                pieces.append(char)
                previous = None
        return Placeholder("".join(pieces))
    if isinstance(value, list):
        return [_unmask(item, sequences) for item in value]
    if isinstance(value, dict):
        return {_unmask(key, sequences): _unmask(item, sequences) for key, item in value.items()}
    return value


def _parse_json_text(text: str, base_line: int) -> tuple[Any, SourceMap, list[LoadProblem]]:
    from scplint.loaders import json_parser

    return json_parser.parse_json_text(text, base_line=base_line, base_column=1)


# ---------------------------------------------------------------------------
# Building documents
# ---------------------------------------------------------------------------


@dataclass
class Built:
    """A document under construction: data plus the spans recorded for this file."""

    data: Any
    source_map: SourceMap
    file: Path
    display: str
    file_text: str
    deployed_text: str | None
    problems: list[LoadProblem] = field(default_factory=list)


def _record(node: Node, path: DocPath, source_map: SourceMap, file: Path) -> Any:
    """Convert ``node`` to plain data, recording spans of nodes written in ``file``."""
    if node.file == file and node.span is not None:
        source_map.add_value(path, node.span)
    value = node.value
    if isinstance(value, list):
        return [_record(item, path + (index,), source_map, file) for index, item in enumerate(value)]
    if isinstance(value, dict):
        result: dict[Any, Any] = {}
        for key, item in value.items():
            if node.file == file and key in node.key_spans:
                source_map.add_key(path + (key,), node.key_spans[key])
            result[key] = _record(item, path + (key,), source_map, file)
        return result
    return _plain(node)


def _terraform_json(data: Any) -> str:
    """Serialise data as Terraform's ``jsonencode`` does: keys sorted, no spaces.

    Terraform escapes ``<``, ``>``, ``&``, U+2028 and U+2029 as ``\\u`` sequences
    (Terraform language docs, ``jsonencode`` function).
    """
    return _escape_like_go(json.dumps(data, separators=(",", ":"), ensure_ascii=False, sort_keys=True))


def _escape_like_go(text: str) -> str:
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return text


def _contains_placeholder(value: Any) -> bool:
    if isinstance(value, Placeholder):
        return True
    if isinstance(value, dict):
        return any(_contains_placeholder(key) or _contains_placeholder(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_contains_placeholder(item) for item in value)
    return False


class Loader:
    """Find the policies of one ``.tf`` file."""

    def __init__(self, path: Path, display: str, text: str, kind: PolicyKind) -> None:
        self.path = path
        self.display = display
        self.text = text
        self.kind = kind
        self.result = LoadResult()

    # Entry

    def run(self) -> LoadResult:
        try:
            body = _parse_hcl(self.text)
        except TerraformSyntaxError as error:
            self.result.problems.append(LoadProblem("SCP001", str(error), error.span))
            return self.result
        except RecursionError:
            self.result.problems.append(
                LoadProblem("SCP001", "invalid HCL: expressions are nested too deeply to parse")
            )
            return self.result
        this_file = ModuleFile(self.path, self.text, body)
        # path.module must be absolute so that file("${path.module}/x") is not joined twice.
        module = Module(Path(os.path.abspath(self.path.parent)), [this_file, *self._siblings()])
        self.module = module
        self.this_file = this_file
        self.evaluator = Evaluator(module)

        for block in body.blocks:
            if block.type == "resource" and block.labels[:1] == [POLICY_RESOURCE] and len(block.labels) == 2:
                self._policy_resource(block)
        self._data_sources()
        if not self.result.documents and not self.result.problems and self.result.skipped is None:
            self.result.skipped = "no aws_organizations_policy content or policy data source found"
        return self.result

    def _siblings(self) -> list[ModuleFile]:
        siblings: list[ModuleFile] = []
        try:
            candidates = sorted(self.path.parent.glob("*.tf"))
        except OSError:
            return siblings
        for candidate in candidates:
            if candidate.name == self.path.name:
                continue
            parsed = _parse_sibling(candidate)
            if parsed is not None:
                siblings.append(parsed)
        return siblings

    # aws_organizations_policy resources

    def _policy_resource(self, block: Block) -> None:
        address = f"{POLICY_RESOURCE}.{block.labels[1]}"
        kind = self._resource_kind(block, address)
        if kind is None:
            return
        content = block.body.attributes.get("content")
        if content is None:
            return
        for instance_name, evaluator in self._instances(block, address):
            node = evaluator.evaluate(content.expr, self.this_file)
            self._content(node, instance_name, kind, content)

    def _resource_kind(self, block: Block, address: str) -> PolicyKind | None:
        attribute = block.body.attributes.get("type")
        if attribute is None:
            return PolicyKind.SCP
        value = self.evaluator.evaluate(attribute.expr, self.this_file).value
        if isinstance(value, Placeholder) or not isinstance(value, str):
            # NOTE: an unresolved type is linted as the kind the caller assigned.
            return self.kind
        if value in POLICY_TYPES:
            return POLICY_TYPES[value]
        LOGGER.debug("%s: %s has type %s, which is not linted", self.display, address, value)
        return None

    def _instances(self, block: Block, address: str) -> Iterator[tuple[str, Evaluator]]:
        """Yield each instance of a resource with its ``each`` scope."""
        for_each = block.body.attributes.get("for_each")
        if for_each is None:
            yield address, self.evaluator
            return
        node = self.evaluator.evaluate(for_each.expr, self.this_file)
        elements = _iteration(node)
        if elements is None:
            unknown = {"each": Node({}, None, None)}
            yield address, self.evaluator.with_scope(unknown)
            return
        for key, value in elements:
            scope = {"each": Node({"key": key, "value": value}, None, None)}
            yield f"{address}[{json.dumps(key.value)}]", self.evaluator.with_scope(scope)

    def _content(self, node: Node, name: str, kind: PolicyKind, attribute: Attribute) -> None:
        value = node.value
        if isinstance(value, Branches):
            self._content(value.when_true, f"{name} (when {value.condition})", kind, attribute)
            self._content(value.when_false, f"{name} (unless {value.condition})", kind, attribute)
            return
        if isinstance(value, JsonEncoded):
            inner = value.node
            if isinstance(inner.value, FileContent):
                self._file_document(inner.value, name, kind, True, attribute.span)
                return
            self._jsonencode_document(inner, name, kind, attribute)
            return
        if isinstance(value, FileContent):
            self._file_document(value, name, kind, False, attribute.span)
            return
        if isinstance(value, DocumentRef):
            return  # linted with the data source, in the file that defines it
        if node.heredoc is not None and node.file == self.path:
            self._heredoc_document(node.heredoc, name, kind, attribute)
            return
        if isinstance(value, str) and not isinstance(value, Placeholder):
            self._string_document(node, name, kind, attribute)
            return
        LOGGER.debug("%s: content of %s cannot be resolved statically", self.display, name)

    def _add(self, built: Built, name: str, kind: PolicyKind) -> None:
        self.result.problems.extend(built.problems)
        self.result.documents.append(
            PolicyDocument(
                file=built.display,
                data=built.data,
                source_map=built.source_map,
                kind=kind,
                loader=LOADER_NAME,
                file_text=built.file_text,
                deployed_text=built.deployed_text,
                name=name,
            )
        )

    def _jsonencode_document(self, inner: Node, name: str, kind: PolicyKind, attribute: Attribute) -> None:
        source_map = SourceMap()
        source_map.add_key((), attribute.name_span)
        source_map.add_value((), attribute.span)
        data = _record(inner, (), source_map, self.path)
        deployed = None if _contains_placeholder(data) else _terraform_json(data)
        self._add(Built(data, source_map, self.path, self.display, self.text, deployed), name, kind)

    def _heredoc_document(self, heredoc: Heredoc, name: str, kind: PolicyKind, attribute: Attribute) -> None:
        built = self._json_text(
            heredoc.raw_body, heredoc.first_line, self.path, self.display, self.text, attribute.span
        )
        if built is None:
            return
        if not heredoc.has_templates:
            built.deployed_text = heredoc.content
        self._add(built, name, kind)

    def _string_document(self, node: Node, name: str, kind: PolicyKind, attribute: Attribute) -> None:
        source_map = SourceMap()
        source_map.add_value((), node.span or attribute.span)
        try:
            data = json.loads(node.value)
        except ValueError as error:
            self.result.problems.append(
                LoadProblem("SCP001", f"invalid JSON in the content of {name}: {error}", node.span)
            )
            return
        self._add(Built(data, source_map, self.path, self.display, self.text, node.value), name, kind)

    def _json_text(
        self,
        text: str,
        first_line: int,
        file: Path,
        display: str,
        file_text: str,
        fallback: Span | None,
        report: bool = True,
    ) -> Built | None:
        """Parse JSON text that may hold template sequences, with exact positions.

        Returns None when template directives make the text unreadable. A syntax error in
        text without templates is reported here when ``report`` is set, else returned in
        a ``Built`` whose data is None.
        """
        scan = scan_templates(text)
        data, source_map, problems = _parse_json_text(scan.masked, first_line)
        if data is None:
            if scan.sequences:
                LOGGER.debug("%s: JSON with template sequences cannot be read statically", display)
                return None
            if not problems:
                problems = [LoadProblem("SCP001", "invalid JSON policy text", fallback)]
            if not report:
                return Built(None, source_map, file, display, file_text, None, problems)
            self.result.problems.extend(problems)
            return None
        if scan.sequences:
            data = _unmask(data, scan.sequences)
            source_map = _unmask_source_map(source_map, scan.sequences)
        if fallback is not None and () not in source_map.values:
            source_map.add_value((), fallback)
        return Built(data, source_map, file, display, file_text, None, problems)

    def _file_document(
        self, content: FileContent, name: str, kind: PolicyKind, reencoded: bool, site: Span
    ) -> None:
        try:
            text = content.path.read_bytes().decode("utf-8-sig")
        except OSError as error:
            LOGGER.debug("%s: %s reads %s, which cannot be read: %s", self.display, name, content.path, error)
            return
        except UnicodeDecodeError as error:
            self.result.problems.append(
                LoadProblem("SCP001", f"{content.path.name} is not valid UTF-8 (byte {error.start})")
            )
            return
        display = self._display_for(content.path)
        if not content.template:
            # Only templatefile() expands ${...}; file() returns the text as written.
            built = self._plain_json(text, content.path, display)
            if built.data is None:
                self._add_file_problems(built.problems, display, site)
                return
        else:
            built = self._json_text(text, 1, content.path, display, text, None, report=False)
        if built is None:
            return
        if built.data is None:
            self._add_file_problems(built.problems or [LoadProblem("SCP001", "invalid JSON policy text")], display, site)
            return
        if reencoded:
            built.deployed_text = None if _contains_placeholder(built.data) else _terraform_json(built.data)
        elif not content.template or not scan_templates(text).sequences:
            built.deployed_text = text
        self._add_file_problems(built.problems, display, site)
        built.problems = []
        self._add(built, name, kind)

    def _add_file_problems(self, problems: list[LoadProblem], display: str, site: Span) -> None:
        """Report problems of a referenced file at the ``content`` attribute that reads it."""
        for problem in problems:
            where = display
            if problem.span is not None:
                where = f"{display}:{problem.span.line}:{problem.span.column}"
            self.result.problems.append(replace(problem, message=f"{where}: {problem.message}", span=site))

    def _plain_json(self, text: str, path: Path, display: str) -> Built:
        data, source_map, problems = _parse_json_text(text, 1)
        if data is None:
            return Built(None, source_map, path, display, text, None, problems)
        return Built(data, source_map, path, display, text, None, problems)

    def _display_for(self, target: Path) -> str:
        """Return the display path of a referenced file, relative to the same root as the .tf file."""
        display_parts = Path(self.display).parts
        path_parts = self.path.parts
        if Path(self.display).is_absolute() or len(display_parts) > len(path_parts):
            return str(target)
        if tuple(path_parts[-len(display_parts) :]) != display_parts:
            return str(target)
        root = Path(*path_parts[: len(path_parts) - len(display_parts)]) if len(path_parts) > len(display_parts) else Path(".")
        return Path(os.path.relpath(target, root)).as_posix()

    # aws_iam_policy_document data sources

    def _data_sources(self) -> None:
        used = self._used_data_sources()
        for block in self.this_file.body.blocks:
            if block.type != "data" or block.labels[:1] != [POLICY_DATA_SOURCE] or len(block.labels) != 2:
                continue
            name = block.labels[1]
            if name in used:
                kind, minified = used[name]
            elif not self._has_policy_resource() and self._named_like_scp(name):
                kind, minified = self.kind, False
            else:
                continue
            builder = DataSourceBuilder(self.evaluator, self.this_file)
            data, source_map = builder.build(block)
            if data is None:
                continue
            deployed = None
            if not _contains_placeholder(data):
                if minified:
                    deployed = _escape_like_go(json.dumps(data, separators=(",", ":"), ensure_ascii=False))
                else:
                    deployed = _escape_like_go(json.dumps(data, indent=2, ensure_ascii=False))
            address = f"data.{POLICY_DATA_SOURCE}.{name}"
            self._add(Built(data, source_map, self.path, self.display, self.text, deployed), address, kind)

    def _has_policy_resource(self) -> bool:
        return any(True for _ in self.module.policy_resources())

    def _named_like_scp(self, name: str) -> bool:
        words = f"{self.path.name} {self.path.parent.name} {name}".lower()
        return any(hint in words for hint in SCP_NAME_HINTS)

    def _used_data_sources(self) -> dict[str, tuple[PolicyKind, bool]]:
        """Map data source names used as policy content to (kind, minified output)."""
        used: dict[str, tuple[PolicyKind, bool]] = {}
        for block, module_file in self.module.policy_resources():
            content = block.body.attributes.get("content")
            if content is None or len(block.labels) != 2:
                continue
            evaluator = Evaluator(self.module)
            kind = self._resource_kind_in(block, module_file)
            if kind is None:
                continue
            if block.body.attributes.get("for_each") is not None:
                evaluator = evaluator.with_scope({"each": Node({}, None, None)})
            for reference in _document_refs(evaluator.evaluate(content.expr, module_file)):
                used.setdefault(reference.name, (kind, reference.minified))
        return used

    def _resource_kind_in(self, block: Block, module_file: ModuleFile) -> PolicyKind | None:
        attribute = block.body.attributes.get("type")
        if attribute is None:
            return PolicyKind.SCP
        value = Evaluator(self.module).evaluate(attribute.expr, module_file).value
        if isinstance(value, Placeholder) or not isinstance(value, str):
            return self.kind
        return POLICY_TYPES.get(value)


def _document_refs(node: Node) -> Iterator[DocumentRef]:
    value = node.value
    if isinstance(value, DocumentRef):
        yield value
    elif isinstance(value, Branches):
        yield from _document_refs(value.when_true)
        yield from _document_refs(value.when_false)


def _iteration(node: Node, *, dynamic_block: bool = False) -> list[tuple[Node, Node]] | None:
    """Return (key, value) pairs of a literal ``for_each`` collection, or None when unknown.

    A dynamic block numbers the elements of a list. A set, or any collection given to a
    resource ``for_each``, uses each element as its own key.
    """
    value = node.value
    if isinstance(value, list):
        if any(isinstance(item.value, (Placeholder, Branches)) for item in value):
            return None
        if dynamic_block and not node.is_set:
            return [(Node(index), item) for index, item in enumerate(value)]
        return [(item, item) for item in value]
    if isinstance(value, dict):
        if any(isinstance(key, Placeholder) for key in value):
            return None
        return [(Node(key), item) for key, item in value.items()]
    return None


def _unmask_source_map(source_map: SourceMap, sequences: list[str]) -> SourceMap:
    result = SourceMap()
    for path, span in source_map.values.items():
        result.add_value(tuple(_unmask(part, sequences) for part in path), span)
    for path, span in source_map.keys.items():
        result.add_key(tuple(_unmask(part, sequences) for part in path), span)
    return result


# ---------------------------------------------------------------------------
# aws_iam_policy_document translation
# ---------------------------------------------------------------------------

# Statement element order of the provider's JSON output.
_STATEMENT_ORDER = ("Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal", "Condition")
_LIST_ATTRIBUTES = {
    "actions": "Action",
    "not_actions": "NotAction",
    "resources": "Resource",
    "not_resources": "NotResource",
}
# Elements in which the provider turns ``&{`` into ``${`` (IAM policy variables).
_POLICY_VARIABLE_ELEMENTS = {"Resource", "NotResource"}


@dataclass
class Located:
    """A plain value with the span it came from (None when written in another file)."""

    value: Any
    span: Span | None
    key_span: Span | None = None


class DataSourceBuilder:
    """Translate an ``aws_iam_policy_document`` block into the JSON the AWS provider produces.

    Follows the provider's data source (terraform-provider-aws, ``policy_document_data_source.go``
    and ``policy_model.go``). ``effect`` defaults to Allow and ``version`` to 2012-10-17.
    Each statement carries ``Sid``, empty when unset. A one-element list becomes a string,
    and a longer action, resource or principal list is sorted in reverse order. Condition
    values keep their order, and ``condition`` blocks with the same test and variable
    append their values. ``source_policy_documents`` are merged first, then the block's
    statements, then ``override_policy_documents``. A statement with the Sid of an earlier
    one replaces it.
    """

    def __init__(self, evaluator: Evaluator, module_file: ModuleFile) -> None:
        self.evaluator = evaluator
        self.module_file = module_file
        self.file = module_file.path
        self._building: set[str] = set()

    def build(self, block: Block) -> tuple[Any, SourceMap]:
        source_map = SourceMap()
        source_map.add_value((), block.span)
        statements, version, id_value = self._merged(block, block.span)
        if statements is None:
            return None, source_map
        data: dict[str, Any] = {}
        if version.value:
            data["Version"] = version.value
            if version.span is not None:
                source_map.add_value(("Version",), version.span)
                if version.key_span is not None:
                    source_map.add_key(("Version",), version.key_span)
        if id_value is not None and id_value.value:
            data["Id"] = id_value.value
            if id_value.span is not None:
                source_map.add_value(("Id",), id_value.span)
        data["Statement"] = []
        for index, statement in enumerate(statements):
            data["Statement"].append(statement.emit(("Statement", index), source_map))
        return data, source_map

    # Merging

    def _merged(self, block: Block, site: Span) -> tuple[list[StatementDraft] | None, Located, Located | None]:
        name = block.labels[1]
        if name in self._building:
            return None, Located("", None), None
        self._building.add(name)
        try:
            body = block.body
            evaluator = self.evaluator
            local_site = site if self._is_here(block) else None
            version = self._scalar_attribute(body, "version", default="2012-10-17", site=local_site)
            id_value = self._scalar_attribute(body, "policy_id", default=None, site=local_site) if "policy_id" in body.attributes else None
            merged: list[StatementDraft] = []
            for document in self._referenced_documents(body, "source_policy_documents", site):
                if isinstance(document, StatementDraft):
                    merged.append(document)
                    continue
                statements, source_version, _ = document
                merged = _merge_statements(merged, statements)
                if isinstance(source_version.value, str) and source_version.value > str(version.value or ""):
                    version = source_version
            own = self._statements(body, evaluator, local_site)
            merged = _merge_statements(merged, own)
            for document in self._referenced_documents(body, "override_policy_documents", site):
                if isinstance(document, StatementDraft):
                    merged.append(document)
                    continue
                merged = _merge_statements(merged, document[0])
            return merged, version, id_value
        finally:
            self._building.discard(name)

    def _is_here(self, block: Block) -> bool:
        found = self.evaluator.module.data_sources.get((POLICY_DATA_SOURCE, block.labels[1]))
        return found is not None and found[1].path == self.file

    def _referenced_documents(self, body: Body, attribute_name: str, site: Span) -> Iterator[Any]:
        """Yield merged (statements, version, id) of each document in a list attribute.

        A document that is not another data source of this module yields one placeholder
        statement, which rules skip.
        """
        attribute = body.attributes.get(attribute_name)
        if attribute is None:
            return
        block_file = self._file_of_body(body)
        node = self.evaluator.evaluate(attribute.expr, block_file)
        items = node.value if isinstance(node.value, list) else [node]
        for item in items:
            span = item.span if item.file == self.file else site
            if isinstance(item.value, DocumentRef):
                found = self.evaluator.module.data_sources.get((POLICY_DATA_SOURCE, item.value.name))
                if found is not None:
                    referenced, _ = found
                    statements, version, id_value = self._merged(referenced, span or site)
                    if statements is not None:
                        if found[1].path != self.file:
                            statements = [statement.relocated(span or site) for statement in statements]
                        yield statements, version, id_value
                        continue
            text = item.value if isinstance(item.value, Placeholder) else Placeholder(f"{attribute_name} item")
            yield StatementDraft.placeholder(Placeholder(text), span or site)

    def _file_of_body(self, body: Body) -> ModuleFile:
        for block, module_file in self.evaluator.module.data_sources.values():
            if block.body is body:
                return module_file
        return self.module_file

    def _scalar_attribute(self, body: Body, name: str, default: Any, site: Span | None) -> Located:
        attribute = body.attributes.get(name)
        if attribute is None:
            return Located(default, None)
        node = self.evaluator.evaluate(attribute.expr, self._file_of_body(body))
        value = _plain(node)
        if site is None:
            return Located(value, None)
        return Located(value, node.span if node.file == self.file else site, attribute.name_span)

    # Statements

    def _statements(self, body: Body, evaluator: Evaluator, site: Span | None) -> list[StatementDraft]:
        block_file = self._file_of_body(body)
        statements: list[StatementDraft] = []
        for child in body.blocks:
            if child.type == "statement":
                statements.append(self._statement(child.body, evaluator, block_file, child.span, site))
            elif child.type == "dynamic" and child.labels == ["statement"]:
                statements.extend(self._dynamic_statements(child, evaluator, block_file, site))
        return statements

    def _dynamic_statements(
        self, block: Block, evaluator: Evaluator, block_file: ModuleFile, site: Span | None
    ) -> list[StatementDraft]:
        content = next((child for child in block.body.blocks if child.type == "content"), None)
        if content is None:
            return []
        iterator = self._iterator_name(block, "statement", evaluator, block_file)
        span = block.span if site is not None else None
        for_each = block.body.attributes.get("for_each")
        elements = None
        if for_each is not None:
            elements = _iteration(evaluator.evaluate(for_each.expr, block_file), dynamic_block=True)
        if elements is None:
            if _refers_to(content.body, iterator):
                text = self._source_of(for_each, block_file) if for_each else "dynamic statement"
                return [StatementDraft.placeholder(Placeholder(f'dynamic "statement" for_each = {text}'), span or site)]
            # NOTE: a statement toggled by an unknown for_each (often `var.x ? [1] : []`)
            # is linted once, as if enabled, because its content does not depend on the
            # iteration.
            return [self._statement(content.body, evaluator, block_file, span, site)]
        statements = []
        for key, value in elements:
            scoped = evaluator.with_scope({iterator: Node({"key": key, "value": value}, None, None)})
            statements.append(self._statement(content.body, scoped, block_file, span, site))
        return statements

    def _iterator_name(self, block: Block, default: str, evaluator: Evaluator, block_file: ModuleFile) -> str:
        attribute = block.body.attributes.get("iterator")
        if attribute is None:
            return default
        return block_file.text[attribute.expr.meta.start_pos : attribute.expr.meta.end_pos].strip()

    def _source_of(self, attribute: Attribute, block_file: ModuleFile) -> str:
        return block_file.text[attribute.expr.meta.start_pos : attribute.expr.meta.end_pos]

    def _located(self, node: Node, site: Span | None) -> Located:
        if site is None:
            return Located(_plain(node), None)
        return Located(_plain(node), node.span if node.file == self.file else site)

    def _statement(
        self, body: Body, evaluator: Evaluator, block_file: ModuleFile, span: Span | None, site: Span | None
    ) -> StatementDraft:
        draft = StatementDraft(span if site is not None else None)
        attributes = body.attributes

        def evaluate(name: str) -> tuple[Node, Attribute] | None:
            attribute = attributes.get(name)
            if attribute is None:
                return None
            return evaluator.evaluate(attribute.expr, block_file), attribute

        def key_span(attribute: Attribute) -> Span | None:
            return attribute.name_span if site is not None and block_file.path == self.file else None

        found = evaluate("sid")
        if found is not None:
            node, attribute = found
            draft.elements["Sid"] = self._located(node, site)
            draft.elements["Sid"].key_span = key_span(attribute)
        found = evaluate("effect")
        if found is not None:
            node, attribute = found
            draft.elements["Effect"] = self._located(node, site)
            draft.elements["Effect"].key_span = key_span(attribute)
        for attribute_name, element in _LIST_ATTRIBUTES.items():
            found = evaluate(attribute_name)
            if found is None:
                continue
            node, attribute = found
            items = self._string_list(node, site, element in _POLICY_VARIABLE_ELEMENTS)
            if items is not None:
                draft.lists[element] = (items, self._located(node, site).span, key_span(attribute))

        for element, block_type in (("Principal", "principals"), ("NotPrincipal", "not_principals")):
            for child in self._expanded_blocks(body, block_type, evaluator, block_file):
                child_body, child_evaluator, child_span = child
                draft.add_principal(element, self._principal(child_body, child_evaluator, block_file, site), child_span if site else None)
        for child in self._expanded_blocks(body, "condition", evaluator, block_file):
            child_body, child_evaluator, child_span = child
            if child_body is None:
                draft.condition_placeholder = Located(Placeholder(child_evaluator), child_span if site else None)
                continue
            draft.add_condition(self._condition(child_body, child_evaluator, block_file, site), child_span if site else None)
        return draft

    def _expanded_blocks(
        self, body: Body, block_type: str, evaluator: Evaluator, block_file: ModuleFile
    ) -> Iterator[tuple[Any, Any, Span]]:
        """Yield (body, evaluator, span) for static and dynamic nested blocks of one type.

        A dynamic block whose ``for_each`` is unknown and whose content reads the iterator
        yields ``(None, description, span)``.
        """
        for child in body.blocks:
            if child.type == block_type:
                yield child.body, evaluator, child.span
            elif child.type == "dynamic" and child.labels == [block_type]:
                content = next((inner for inner in child.body.blocks if inner.type == "content"), None)
                if content is None:
                    continue
                iterator = self._iterator_name(child, block_type, evaluator, block_file)
                for_each = child.body.attributes.get("for_each")
                elements = (
                    _iteration(evaluator.evaluate(for_each.expr, block_file), dynamic_block=True)
                    if for_each
                    else None
                )
                if elements is None:
                    if _refers_to(content.body, iterator):
                        text = self._source_of(for_each, block_file) if for_each else ""
                        yield None, f'dynamic "{block_type}" for_each = {text}', child.span
                    else:
                        yield content.body, evaluator, child.span
                    continue
                for key, value in elements:
                    scoped = evaluator.with_scope({iterator: Node({"key": key, "value": value}, None, None)})
                    yield content.body, scoped, child.span

    def _string_list(self, node: Node, site: Span | None, policy_variables: bool) -> list[Located] | None:
        value = node.value
        if isinstance(value, list):
            items = []
            for item in value:
                located = self._located(item, site)
                if isinstance(located.value, list):
                    return [Located(Placeholder(_placeholder_text(node)), self._located(node, site).span)]
                items.append(located)
        else:
            items = [self._located(node, site)]
        for item in items:
            if isinstance(item.value, bool):
                item.value = "true" if item.value else "false"
            elif isinstance(item.value, (int, float)) and not isinstance(item.value, bool):
                item.value = str(item.value)
            if policy_variables and isinstance(item.value, str) and not isinstance(item.value, Placeholder):
                item.value = item.value.replace("&{", "${")
        return items

    def _principal(self, body: Body, evaluator: Evaluator, block_file: ModuleFile, site: Span | None) -> tuple[Located, list[Located]]:
        type_attribute = body.attributes.get("type")
        identifiers = body.attributes.get("identifiers")
        type_node = evaluator.evaluate(type_attribute.expr, block_file) if type_attribute else Node(Placeholder("type"))
        items: list[Located] = []
        if identifiers is not None:
            items = self._string_list(evaluator.evaluate(identifiers.expr, block_file), site, True) or []
        return self._located(type_node, site), items

    def _condition(self, body: Body, evaluator: Evaluator, block_file: ModuleFile, site: Span | None) -> tuple[Located, Located, list[Located]]:
        def located(name: str) -> Located:
            attribute = body.attributes.get(name)
            if attribute is None:
                return Located(Placeholder(name), None)
            return self._located(evaluator.evaluate(attribute.expr, block_file), site)

        values_attribute = body.attributes.get("values")
        values: list[Located] = []
        if values_attribute is not None:
            node = evaluator.evaluate(values_attribute.expr, block_file)
            values = self._string_list(node, site, True) or []
        return located("test"), located("variable"), values


def _placeholder_text(node: Node) -> str:
    value = _plain(node)
    return str(value) if isinstance(value, str) else json.dumps(value, default=str)


def _refers_to(body: Body, name: str) -> bool:
    """Return True when any expression in ``body`` reads the variable ``name``."""
    for attribute in body.attributes.values():
        if _tree_refers_to(attribute.expr, name):
            return True
    return any(_refers_to(block.body, name) for block in body.blocks)


def _tree_refers_to(tree: Any, name: str) -> bool:
    if _rule(tree) == "expr_term":
        inner = _subtrees(tree)
        if len(inner) == 1 and _rule(inner[0]) == "identifier" and str(inner[0].children[0]) == name:
            return True
    return any(_tree_refers_to(child, name) for child in _subtrees(tree))


@dataclass
class StatementDraft:
    """One statement being assembled, with the spans of each part."""

    span: Span | None
    elements: dict[str, Located] = field(default_factory=dict)
    lists: dict[str, tuple[list[Located], Span | None, Span | None]] = field(default_factory=dict)
    principals: dict[str, list[tuple[Located, list[Located], Span | None]]] = field(default_factory=dict)
    conditions: list[tuple[Located, Located, list[Located], Span | None]] = field(default_factory=list)
    condition_placeholder: Located | None = None
    placeholder_text: Placeholder | None = None
    # Set when the statement comes from another file: every path maps to this span.
    site: Span | None = None

    @classmethod
    def placeholder(cls, text: Placeholder, span: Span | None) -> StatementDraft:
        return cls(span, placeholder_text=text)

    @property
    def sid(self) -> str:
        located = self.elements.get("Sid")
        if located is None or not isinstance(located.value, str) or isinstance(located.value, Placeholder):
            return ""
        return located.value

    def relocated(self, span: Span) -> StatementDraft:
        return replace(self, site=span)

    def add_principal(self, element: str, principal: tuple[Located, list[Located]], span: Span | None) -> None:
        type_value, identifiers = principal
        self.principals.setdefault(element, []).append((type_value, identifiers, span))

    def add_condition(self, condition: tuple[Located, Located, list[Located]], span: Span | None) -> None:
        test, variable, values = condition
        self.conditions.append((test, variable, values, span))

    def emit(self, path: DocPath, source_map: SourceMap) -> Any:
        """Return the statement as the provider writes it, recording spans under ``path``."""
        if self.site is not None:
            source_map.add_value(path, self.site)
            return self._emit(path, SourceMap())
        if self.span is not None:
            source_map.add_value(path, self.span)
        return self._emit(path, source_map)

    def _emit(self, path: DocPath, source_map: SourceMap) -> Any:
        if self.placeholder_text is not None:
            return self.placeholder_text
        statement: dict[str, Any] = {}
        sid = self.elements.get("Sid")
        statement["Sid"] = sid.value if sid is not None and sid.value is not None else ""
        effect = self.elements.get("Effect")
        statement["Effect"] = effect.value if effect is not None and effect.value else "Allow"
        for element in ("Sid", "Effect"):
            located = self.elements.get(element)
            if located is not None:
                _add_located(source_map, path + (element,), located)
        for element in ("Action", "NotAction", "Resource", "NotResource"):
            if element not in self.lists:
                continue
            items, span, key_span = self.lists[element]
            if not items:
                continue
            statement[element] = _collapse(items, path + (element,), source_map, sort=True, span=span)
            if key_span is not None:
                source_map.add_key(path + (element,), key_span)
        for element in ("Principal", "NotPrincipal"):
            if element in self.principals:
                statement[element] = self._emit_principals(element, path + (element,), source_map)
        if self.condition_placeholder is not None:
            statement["Condition"] = self.condition_placeholder.value
            if self.condition_placeholder.span is not None:
                source_map.add_value(path + ("Condition",), self.condition_placeholder.span)
        elif self.conditions:
            statement["Condition"] = self._emit_conditions(path + ("Condition",), source_map)
        return {key: statement[key] for key in _STATEMENT_ORDER if key in statement}

    def _emit_principals(self, element: str, path: DocPath, source_map: SourceMap) -> Any:
        entries = self.principals[element]
        first_span = entries[0][2]
        if first_span is not None:
            source_map.add_value(path, first_span)
        if len(entries) == 1:
            type_value, identifiers, _ = entries[0]
            if type_value.value == "*" and [item.value for item in identifiers] == ["*"]:
                return "*"
        grouped: dict[str, list[Located]] = {}
        type_spans: dict[str, Span | None] = {}
        for type_value, identifiers, _ in entries:
            key = type_value.value if isinstance(type_value.value, str) else Placeholder(str(type_value.value))
            grouped.setdefault(key, []).extend(identifiers)
            type_spans.setdefault(key, type_value.span)
        result: dict[str, Any] = {}
        for key in sorted(grouped):
            if type_spans[key] is not None:
                source_map.add_key(path + (key,), type_spans[key])
            result[key] = _collapse(grouped[key], path + (key,), source_map, sort=True, span=type_spans[key])
        return result

    def _emit_conditions(self, path: DocPath, source_map: SourceMap) -> dict[str, Any]:
        first_span = self.conditions[0][3]
        if first_span is not None:
            source_map.add_value(path, first_span)
        grouped: dict[str, dict[str, list[Located]]] = {}
        spans: dict[tuple[str, ...], Span | None] = {}
        for test, variable, values, _ in self.conditions:
            operator = test.value if isinstance(test.value, str) else Placeholder(str(test.value))
            key = variable.value if isinstance(variable.value, str) else Placeholder(str(variable.value))
            grouped.setdefault(operator, {}).setdefault(key, []).extend(values)
            spans.setdefault((operator,), test.span)
            spans.setdefault((operator, key), variable.span)
        result: dict[str, Any] = {}
        for operator in sorted(grouped):
            if spans[(operator,)] is not None:
                source_map.add_key(path + (operator,), spans[(operator,)])
                source_map.add_value(path + (operator,), spans[(operator,)])
            block: dict[str, Any] = {}
            for key in sorted(grouped[operator]):
                key_path = path + (operator, key)
                if spans[(operator, key)] is not None:
                    source_map.add_key(key_path, spans[(operator, key)])
                values = grouped[operator][key]
                block[key] = _collapse(values, key_path, source_map, sort=False, span=spans[(operator, key)])
            result[operator] = block
        return result


def _add_located(source_map: SourceMap, path: DocPath, located: Located) -> None:
    if located.span is not None:
        source_map.add_value(path, located.span)
    if located.key_span is not None:
        source_map.add_key(path, located.key_span)


def _collapse(items: list[Located], path: DocPath, source_map: SourceMap, *, sort: bool, span: Span | None) -> Any:
    """Emit a string list as the provider does: one item as a string, else a list.

    With ``sort`` the provider treats the list as a set: duplicates collapse and the
    items are sorted in reverse order.
    """
    if sort:
        unique: dict[Any, Located] = {}
        for item in items:
            unique.setdefault(item.value, item)
        items = sorted(unique.values(), key=lambda item: str(item.value), reverse=True)
    if len(items) == 1:
        item = items[0]
        if item.span is not None:
            source_map.add_value(path, item.span)
        elif span is not None:
            source_map.add_value(path, span)
        return item.value
    if span is not None:
        source_map.add_value(path, span)
    for index, item in enumerate(items):
        if item.span is not None:
            source_map.add_value(path + (index,), item.span)
    return [item.value for item in items]


def _merge_statements(existing: list[StatementDraft], new: list[StatementDraft]) -> list[StatementDraft]:
    """Merge statements as the provider does: a statement with a known Sid replaces its namesake."""
    merged = list(existing)
    for statement in new:
        sid = statement.sid
        if sid:
            for index, current in enumerate(merged):
                if current.sid == sid:
                    merged[index] = statement
                    break
            else:
                merged.append(statement)
        else:
            merged.append(statement)
    return merged


# ---------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------


def load(path: Path, display: str, text: str, kind: PolicyKind = PolicyKind.SCP) -> LoadResult:
    """Load the policies defined in one ``.tf`` file.

    ``path`` is the file on disk (its directory is read for sibling ``.tf`` files and
    referenced JSON files), ``display`` the path shown in findings, ``text`` its content
    and ``kind`` the policy kind used when the source sets none.
    """
    if POLICY_RESOURCE not in text and POLICY_DATA_SOURCE not in text:
        return LoadResult(skipped="no aws_organizations_policy or aws_iam_policy_document in the file")
    try:
        return Loader(Path(path), display, text, kind).run()
    except RecursionError:
        return LoadResult(
            problems=[LoadProblem("SCP001", "invalid HCL: expressions are nested too deeply to read")]
        )
