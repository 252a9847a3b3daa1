"""Translation of ``aws_iam_policy_document`` data sources into IAM policy JSON.

The translation follows the AWS provider: element order, defaults and merging.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any, Iterator

from scplint.loaders.terraform.evaluate import Evaluator, _iteration, _plain
from scplint.loaders.terraform.hcl import (
    POLICY_DATA_SOURCE,
    Attribute,
    Block,
    Body,
    DocumentRef,
    ModuleFile,
    Node,
    _rule,
    _subtrees,
)
from scplint.model import Path as DocPath
from scplint.model import (
    Placeholder,
    SourceMap,
    Span,
)

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


