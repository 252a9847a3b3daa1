"""Static evaluation of HCL expressions.

Literals, ``local.*``, ``path.*`` and a few functions are evaluated; every other
expression becomes a ``Placeholder`` holding its source text.
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path
from typing import Any, Iterator

from scplint.loaders.terraform.hcl import (
    POLICY_DATA_SOURCE,
    Branches,
    DocumentRef,
    FileContent,
    JsonEncoded,
    Module,
    ModuleFile,
    Node,
    _read_name,
    _rule,
    _span_of,
    _subtrees,
)
from scplint.loaders.terraform.templates import Heredoc
from scplint.model import (
    Placeholder,
    Span,
)

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
