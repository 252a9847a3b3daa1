"""The loader that walks one ``.tf`` file and builds its ``aws_organizations_policy`` documents."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterator

from scplint.loaders.terraform.data_sources import DataSourceBuilder
from scplint.loaders.terraform.evaluate import Evaluator, _iteration, _plain
from scplint.loaders.terraform.hcl import (
    LOADER_NAME,
    POLICY_DATA_SOURCE,
    POLICY_RESOURCE,
    POLICY_TYPES,
    SCP_NAME_HINTS,
    Attribute,
    Block,
    Branches,
    DocumentRef,
    FileContent,
    JsonEncoded,
    Module,
    ModuleFile,
    Node,
    TerraformSyntaxError,
    _parse_hcl,
    _parse_sibling,
)
from scplint.loaders.terraform.templates import Heredoc, _parse_json_text, _unmask, scan_templates
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


def _unmask_source_map(source_map: SourceMap, sequences: list[str]) -> SourceMap:
    result = SourceMap()
    for path, span in source_map.values.items():
        result.add_value(tuple(_unmask(part, sequences) for part in path), span)
    for path, span in source_map.keys.items():
        result.add_key(tuple(_unmask(part, sequences) for part in path), span)
    return result


