"""Loader for CloudFormation templates (JSON or YAML, SAM and CDK-synthesised ones too).

Every ``AWS::Organizations::Policy`` resource whose ``Type`` is ``SERVICE_CONTROL_POLICY``
or ``RESOURCE_CONTROL_POLICY`` becomes one document, named by its logical ID. The
org-formation registry type ``Community::Organizations::Policy`` is read the same way; it
names the policy type in ``PolicyType``. Tag, backup and other policy types are skipped.

``Content`` may be written as:

- a mapping: the policy itself, with positions taken from the template;
- a JSON string: exact positions for a YAML literal block scalar (``|``), otherwise every
  path maps to the ``Content`` value, because quoting or folding moves the characters;
- ``Fn::Sub`` (``!Sub``) over JSON text: ``${...}`` values become placeholders;
- ``Fn::Join`` (``!Join``) whose parts are all literal strings: joined, then parsed;
- org-formation's ``!ReadFile path``: a reference to the policy file;
- any other intrinsic function or a ``{{resolve:...}}`` dynamic reference: a placeholder
  document, which rules skip.

Intrinsic functions inside the policy (``!Ref``, ``Fn::GetAtt``, ``!If`` ...) become
``Placeholder`` values. The helpers that read a policy value are shared with the
org-formation loader.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import re
from pathlib import Path
from typing import Any

from scplint.loaders import ParsedFile
from scplint.model import (
    LoadProblem,
    LoadResult,
    Placeholder,
    PolicyDocument,
    PolicyKind,
    SourceMap,
    Span,
)
from scplint.model import (
    Path as DataPath,
)

LOADER_NAME = "cloudformation"

# Resource types that create an Organizations policy, and the property that names the
# policy type. Community::Organizations::Policy is the org-formation registry type
# (org-formation/aws-resource-providers, organizations/policy).
POLICY_RESOURCE_TYPES = {
    "AWS::Organizations::Policy": "Type",
    "Community::Organizations::Policy": "PolicyType",
}
KIND_BY_POLICY_TYPE = {
    "SERVICE_CONTROL_POLICY": PolicyKind.SCP,
    "RESOURCE_CONTROL_POLICY": PolicyKind.RCP,
}
# Type prefixes that mark a mapping under Resources as a CloudFormation resource.
RESOURCE_TYPE_PREFIXES = ("AWS::", "Custom::", "Community::")
# Statement elements that accept a list of strings. An unresolved value there stands for
# the whole list, so it is wrapped as a one-element list.
LIST_ELEMENTS = ("Action", "NotAction", "Resource", "NotResource")

# A YAML block scalar header: optional tag, then | or > with optional indicators.
_BLOCK_HEADER = re.compile(r"^(?:!\S+\s+)?([|>])[-+0-9]*\s*(?:#.*)?$")
# A CloudFormation dynamic reference such as {{resolve:ssm:/scp/content}}.
_DYNAMIC_REFERENCE = re.compile(r"\{\{resolve:")
# A Fn::Sub variable reference. ${!Name} is an escaped literal and is not matched.
_SUB_VARIABLE = re.compile(r"\$\{([^!}][^}]*)\}")


def detect(parsed: ParsedFile) -> bool:
    """Tell whether the file is a CloudFormation template.

    It is when the top level has ``AWSTemplateFormatVersion`` or a ``Resources`` mapping
    with at least one ``Type`` that starts with ``AWS::``, ``Custom::`` or ``Community::``.
    An org-formation organization file (an ``Organization`` section) is left to the
    org-formation loader even though it has ``AWSTemplateFormatVersion``.
    """
    data = parsed.data
    if not isinstance(data, dict):
        return False
    if isinstance(data.get("Organization"), dict) and "Resources" not in data:
        return False
    if "AWSTemplateFormatVersion" in data:
        return True
    resources = data.get("Resources")
    if not isinstance(resources, dict):
        return False
    return any(_resource_type(resource).startswith(RESOURCE_TYPE_PREFIXES) for resource in resources.values())


def load(parsed: ParsedFile, kind: PolicyKind) -> LoadResult:
    """Load every SCP and RCP resource of a template.

    ``kind`` applies to a policy whose type is an intrinsic function or is missing.
    """
    result = LoadResult()
    resources = parsed.data.get("Resources") if isinstance(parsed.data, dict) else None
    if not isinstance(resources, dict):
        result.skipped = "CloudFormation template with no Resources section"
        return result

    other_types: list[str] = []
    policy_count = 0
    for logical_id, resource in resources.items():
        resource_type = _resource_type(resource)
        if resource_type not in POLICY_RESOURCE_TYPES:
            continue
        policy_count += 1
        type_property = POLICY_RESOURCE_TYPES[resource_type]
        resource_path: DataPath = ("Resources", logical_id)
        properties = resource.get("Properties")
        if not isinstance(properties, dict):
            result.problems.append(
                LoadProblem(
                    "SCP002",
                    f"{resource_type} resource {logical_id} has no Properties mapping",
                    parsed.source_map.locate(resource_path),
                )
            )
            continue

        policy_type = properties.get(type_property)
        resource_kind = kind
        if isinstance(policy_type, str) and not isinstance(policy_type, Placeholder):
            if policy_type not in KIND_BY_POLICY_TYPE:
                other_types.append(f"{logical_id} ({policy_type})")
                continue
            resource_kind = KIND_BY_POLICY_TYPE[policy_type]
        # Otherwise the type is an intrinsic function (for example !Ref PolicyType) or
        # missing, and the kind given by configuration or the command line applies.

        load_policy_value(
            parsed,
            resource_path + ("Properties",),
            "Content",
            kind=resource_kind,
            name=describe_policy(str(logical_id), properties.get("Name")),
            attachments=literal_strings(properties.get("TargetIds")),
            result=result,
            owner=f"{resource_type} resource {logical_id}",
        )

    if not result.documents and not result.references and not result.problems:
        if policy_count == 0:
            result.skipped = "CloudFormation template with no AWS::Organizations::Policy resources"
        else:
            result.skipped = (
                "CloudFormation template with no service control or resource control "
                f"policies; other policy types: {', '.join(other_types)}"
            )
    return result


def _resource_type(resource: Any) -> str:
    if not isinstance(resource, dict):
        return ""
    resource_type = resource.get("Type")
    if not isinstance(resource_type, str) or isinstance(resource_type, Placeholder):
        return ""
    return resource_type


# Helpers shared with the org-formation loader.


def describe_policy(logical_id: str, policy_name: Any) -> str:
    """Name a policy for messages: its logical ID, plus its policy name when that differs."""
    if isinstance(policy_name, str) and not isinstance(policy_name, Placeholder):
        if policy_name and policy_name != logical_id:
            return f"{logical_id} ({policy_name})"
    return logical_id


def literal_strings(value: Any) -> list[str]:
    """Return the literal strings of a string-or-list value, skipping intrinsic functions."""
    items = value if isinstance(value, list) else [value]
    return [
        item
        for item in items
        if isinstance(item, str) and not isinstance(item, Placeholder) and item
    ]


def load_policy_value(
    parsed: ParsedFile,
    properties_path: DataPath,
    property_name: str,
    *,
    kind: PolicyKind,
    name: str,
    attachments: list[str],
    result: LoadResult,
    owner: str,
    mark_templates: bool = False,
    loader: str = LOADER_NAME,
) -> None:
    """Turn one policy property of a resource into a document, a reference or a problem.

    ``properties_path`` is the path of the resource's ``Properties`` mapping in the file
    and ``property_name`` the key that contains the policy (``Content``, ``PolicyDocument``).
    ``mark_templates`` turns ``${...}`` and ``{{...}}`` text in a mapping policy into
    placeholders, for tools that expand such text before deploying. ``loader`` is the
    format name recorded on the documents.
    """
    properties = _lookup(parsed.data, properties_path)
    value_path = properties_path + (property_name,)
    if not isinstance(properties, dict) or property_name not in properties:
        result.problems.append(
            LoadProblem(
                "SCP002",
                f"{owner} has no {property_name} property",
                parsed.source_map.locate(properties_path),
            )
        )
        return
    value = properties[property_name]
    reader = _PolicyReader(parsed, value_path, kind, name, attachments, result, owner, loader)
    reader.read(value, mark_templates=mark_templates)


def resolve_intrinsics(value: Any) -> Any:
    """Replace long-form intrinsic functions by placeholders, recursively.

    A long-form function is a mapping with the single key ``Ref`` or ``Fn::<name>``; its
    placeholder text is the mapping as compact JSON. A ``date`` value, which a YAML loader
    may build from an unquoted ``Version: 2012-10-17``, becomes its ISO string, as
    CloudFormation reads it.
    """
    if isinstance(value, Placeholder):
        return value
    if isinstance(value, dict):
        if is_long_form_intrinsic(value):
            return Placeholder(json.dumps(value, separators=(", ", ": "), default=str))
        return {key: resolve_intrinsics(item) for key, item in value.items()}
    if isinstance(value, list):
        return [resolve_intrinsics(item) for item in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def long_form_tag(tag: str, value: Any) -> dict[str, Any]:
    """Write a short-form intrinsic function (``!Join [...]``) as its long-form mapping."""
    name = tag[1:]
    if name in ("Ref", "Condition"):
        return {name: value}
    return {f"Fn::{name}": value}


def is_long_form_intrinsic(value: Any) -> bool:
    if not isinstance(value, dict) or len(value) != 1:
        return False
    key = next(iter(value))
    return isinstance(key, str) and (key == "Ref" or key.startswith("Fn::"))


def wrap_unresolved_lists(data: Any) -> Any:
    """Wrap an unresolved Action, Resource or condition value as a one-element list.

    ``"aws:RequestedRegion": !Ref AllowedRegions`` stands for a whole list of Regions, so
    it becomes ``[Placeholder("!Ref AllowedRegions")]``. The data is changed in place.
    """
    if not isinstance(data, dict):
        return data
    statements = data.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list):
        return data
    for statement in statements:
        if not isinstance(statement, dict):
            continue
        for element in LIST_ELEMENTS:
            if isinstance(statement.get(element), Placeholder):
                statement[element] = [statement[element]]
        condition = statement.get("Condition")
        if not isinstance(condition, dict):
            continue
        for tests in condition.values():
            if not isinstance(tests, dict):
                continue
            for key, values in tests.items():
                if isinstance(values, Placeholder):
                    tests[key] = [values]
    return data


def _lookup(data: Any, path: DataPath) -> Any:
    for part in path:
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return None
    return data


def _split_tag(value: Placeholder) -> tuple[str, str]:
    """Split a YAML-tagged placeholder such as ``!Sub text`` into ``("!Sub", "text")``."""
    text = str(value)
    if not text.startswith("!"):
        return "", text
    tag, _, rest = text.partition(" ")
    if not rest:
        tag, _, rest = text.partition("\n")
    return tag, rest


@dataclasses.dataclass
class _PolicyReader:
    """Read one policy value of one resource into ``result``."""

    parsed: ParsedFile
    value_path: DataPath
    kind: PolicyKind
    name: str
    attachments: list[str]
    result: LoadResult
    owner: str
    loader: str

    def read(self, value: Any, *, mark_templates: bool) -> None:
        if isinstance(value, Placeholder):
            self._read_tagged(value)
        elif isinstance(value, dict) and is_long_form_intrinsic(value):
            self._read_long_form(value)
        elif isinstance(value, dict):
            self._add_mapping(value, mark_templates=mark_templates)
        elif isinstance(value, str):
            self._read_text(value, self.value_path, templated=False)
        else:
            self._problem(
                "SCP002",
                f"{self.owner}: the policy must be a mapping or a JSON string, "
                f"not {type(value).__name__}",
            )

    # The forms of a policy value.

    def _add_mapping(self, value: dict, *, mark_templates: bool) -> None:
        data = resolve_intrinsics(value)
        if mark_templates:
            data = _mark_template_placeholders(data)
        wrap_unresolved_lists(data)
        source_map = _rebase_source_map(self.parsed.source_map, self.value_path)
        self._add_document(data, source_map, deployed_text=None)

    def _read_tagged(self, value: Placeholder) -> None:
        tag, rest = _split_tag(value)
        if tag == "!Sub" and rest.lstrip().startswith("{"):
            self._read_text(rest, self.value_path, templated=True)
        elif tag in ("!Join", "!Sub"):
            # The shared parse keeps a tagged list only as text, so the template is
            # parsed again with short-form tags written as long-form mappings.
            long_form = self._long_form_value()
            if is_long_form_intrinsic(long_form):
                self._read_long_form(long_form)
            else:
                self._add_placeholder(value)
        elif tag == "!ReadFile":
            self._add_file_reference(rest.strip())
        else:
            self._add_placeholder(value)

    def _long_form_value(self) -> Any:
        from scplint.loaders import yaml_parser

        data, _, _ = yaml_parser.parse_yaml_text(self.parsed.text, tag_handler=long_form_tag)
        return _lookup(data, self.value_path)

    def _read_long_form(self, value: dict) -> None:
        function, argument = next(iter(value.items()))
        argument_path = self.value_path + (function,)
        if function == "Fn::Sub" and isinstance(argument, str):
            self._read_text(argument, argument_path, templated=True)
        elif function == "Fn::Sub" and isinstance(argument, list) and argument:
            text = _substitute_literals(argument)
            if text is None:
                self._add_placeholder(resolve_intrinsics(value))
            else:
                self._read_text(text, None, templated=True)
        elif function == "Fn::Join":
            joined = _join_parts(argument)
            if joined is None:
                self._add_placeholder(resolve_intrinsics(value))
            else:
                text, markers = joined
                self._read_text(text, None, templated=bool(markers), markers=markers)
        elif function == "Fn::ReadFile" and isinstance(argument, str):
            self._add_file_reference(argument.strip())
        else:
            self._add_placeholder(resolve_intrinsics(value))

    def _read_text(
        self,
        text: str,
        text_path: DataPath | None,
        *,
        templated: bool,
        markers: dict[str, str] | None = None,
    ) -> None:
        """Parse policy JSON held in a string.

        ``text_path`` is the path of the string in the file, or None when the text was
        assembled (a joined or substituted value) and has no place of its own.
        ``templated`` means that the deploy changes the text first (Fn::Sub, or Fn::Join
        with intrinsic parts). Then ``${...}`` strings and strings that contain a marker
        from ``markers`` become placeholders, and the text is not the deployed text. Text
        that does not parse becomes a placeholder document, because it may parse once the
        values are filled in.
        """
        from scplint.loaders import json_parser

        if _DYNAMIC_REFERENCE.search(text):
            self._add_placeholder(Placeholder(text))
            return
        origin = self._text_origin(text, text_path)
        if origin is None:
            data, _, problems = json_parser.parse_json_text(text)
            anchor = self._anchor_span(text_path)
            problems = [dataclasses.replace(problem, span=anchor) for problem in problems]
            source_map = SourceMap()
            if anchor is not None:
                source_map.add_value((), anchor)
        else:
            line, column = origin
            data, source_map, problems = json_parser.parse_json_text(text, base_line=line)
            source_map = _shift_columns(source_map, column - 1)
            problems = [
                dataclasses.replace(problem, span=_shift_span(problem.span, column - 1))
                for problem in problems
            ]

        if data is None and templated:
            self._add_placeholder(self._expression_text(text, markers))
            return
        for problem in problems:
            self.result.problems.append(
                dataclasses.replace(problem, message=f"{self.owner}: {problem.message}")
            )
        if data is None:
            return
        if markers:
            data = _restore_markers(data, markers)
        if templated:
            data = _mark_template_placeholders(data)
        wrap_unresolved_lists(data)
        self._add_document(data, source_map, deployed_text=None if templated else text)

    @staticmethod
    def _expression_text(text: str, markers: dict[str, str] | None) -> str:
        for marker, expression in (markers or {}).items():
            text = text.replace(marker, expression)
        return text

    def _add_placeholder(self, expression: Any) -> None:
        """Add a document that is wholly unresolved, so rules skip it."""
        source_map = SourceMap()
        span = self.parsed.source_map.locate(self.value_path)
        if span is not None:
            source_map.add_value((), span)
        self._add_document(Placeholder(str(expression)), source_map, deployed_text=None)

    def _add_file_reference(self, relative_path: str) -> None:
        from scplint.loaders import lza

        notes: list[str] = []
        lza.add_reference(
            self.parsed,
            self.value_path,
            relative_path,
            base_dir=Path(self.parsed.path).parent,
            kind=self.kind,
            attachments=self.attachments,
            label=self.owner,
            result=self.result,
            notes=notes,
        )
        if notes:
            self.result.skipped = "; ".join(notes)

    def _add_document(self, data: Any, source_map: SourceMap, *, deployed_text: str | None) -> None:
        self.result.documents.append(
            PolicyDocument(
                file=self.parsed.display,
                data=data,
                source_map=source_map,
                kind=self.kind,
                loader=self.loader,
                file_text=self.parsed.text,
                deployed_text=deployed_text,
                name=self.name,
                attachments=list(self.attachments),
            )
        )

    def _problem(self, code: str, message: str) -> None:
        self.result.problems.append(
            LoadProblem(code, message, self.parsed.source_map.locate(self.value_path))
        )

    # Positions of policy text inside the template.

    def _anchor_span(self, text_path: DataPath | None) -> Span | None:
        if text_path is not None:
            span = self.parsed.source_map.locate(text_path)
            if span is not None:
                return span
        return self.parsed.source_map.locate(self.value_path)

    def _text_origin(self, text: str, text_path: DataPath | None) -> tuple[int, int] | None:
        """Find the line and column of the first character of ``text`` in the file.

        Only a YAML literal block scalar keeps the text's characters in place, shifted by
        one indentation; every other form returns None.
        """
        if text_path is None or not self.parsed.is_yaml:
            return None
        span = self.parsed.source_map.values.get(text_path)
        if span is None:
            return None
        return block_scalar_origin(self.parsed.text, span, text)


def block_scalar_origin(file_text: str, span: Span, value: str) -> tuple[int, int] | None:
    """Return the 1-based line and column where a literal block scalar's text starts.

    ``span`` is the scalar's span as the YAML parser reports it, starting at the tag, at
    the ``|`` indicator or at the first text line. The result is checked against ``value``
    line by line, so a folded scalar or a miscounted start returns None.
    """
    lines = file_text.splitlines()
    if not 1 <= span.line <= len(lines):
        return None
    value_lines = value.splitlines()
    if not value_lines:
        return None

    header = lines[span.line - 1][span.column - 1 :].strip()
    match = _BLOCK_HEADER.match(header)
    if match is None or match.group(1) != "|":
        return None
    first = span.line  # 0-based index of the line after the header
    while first < len(lines) and not lines[first].strip():
        first += 1
    if first >= len(lines):
        return None
    indent = len(lines[first]) - len(lines[first].lstrip(" "))

    # Every text line must sit in the file at the same indentation.
    leading_blank = next((index for index, line in enumerate(value_lines) if line.strip()), None)
    if leading_blank is None:
        return None
    start = first - leading_blank
    for offset, expected in enumerate(value_lines):
        index = start + offset
        if index >= len(lines):
            return None
        actual = lines[index][indent:] if lines[index].strip() else ""
        if actual.rstrip() != expected.rstrip():
            return None
    return start + 1, indent + 1


def _shift_span(span: Span | None, columns: int) -> Span | None:
    if span is None or columns == 0:
        return span
    return Span(span.line, span.column + columns, span.end_line, span.end_column + columns)


def _shift_columns(source_map: SourceMap, columns: int) -> SourceMap:
    shifted = SourceMap()
    for path, span in source_map.values.items():
        shifted.add_value(path, _shift_span(span, columns))
    for path, span in source_map.keys.items():
        shifted.add_key(path, _shift_span(span, columns))
    return shifted


def _rebase_source_map(source_map: SourceMap, prefix: DataPath) -> SourceMap:
    from scplint.loaders import policy

    return policy.rebase_source_map(source_map, prefix, ())


def _mark_template_placeholders(data: Any) -> Any:
    from scplint.loaders import policy

    return policy.mark_template_placeholders(data)


def _substitute_literals(argument: list) -> str | None:
    """Apply the literal variables of ``Fn::Sub [text, {name: value}]`` to the text.

    A variable whose value is a literal string is replaced by it. A nested ``!Sub`` text
    is inserted with its own ``${...}`` references kept. Any other variable is left as
    ``${name}``. Returns None when the first item is not text.
    """
    template = argument[0]
    if not isinstance(template, str) or isinstance(template, Placeholder):
        return None
    variables = argument[1] if len(argument) > 1 and isinstance(argument[1], dict) else {}

    def replace(match: re.Match[str]) -> str:
        value = variables.get(match.group(1).strip())
        if isinstance(value, Placeholder):
            tag, rest = _split_tag(value)
            return rest if tag == "!Sub" else match.group(0)
        if isinstance(value, str):
            return value
        if isinstance(value, dict) and set(value) == {"Fn::Sub"} and isinstance(value["Fn::Sub"], str):
            return value["Fn::Sub"]
        return match.group(0)

    return _SUB_VARIABLE.sub(replace, template)


def _join_parts(argument: Any) -> tuple[str, dict[str, str]] | None:
    """Join ``Fn::Join [delimiter, [parts]]`` into text.

    A part that is an intrinsic function is written as a marker that cannot occur in a
    policy, and the returned mapping gives each marker's expression text. Returns None when
    the delimiter or the list of parts is itself unresolved.
    """
    if not isinstance(argument, list) or len(argument) != 2:
        return None
    delimiter, parts = argument
    if not isinstance(delimiter, str) or isinstance(delimiter, Placeholder):
        return None
    if not isinstance(parts, list):
        return None
    markers: dict[str, str] = {}
    texts: list[str] = []
    for part in parts:
        if isinstance(part, str) and not isinstance(part, Placeholder):
            texts.append(part)
            continue
        marker = f"__scplint_intrinsic_{len(markers)}__"
        markers[marker] = str(resolve_intrinsics(part))
        texts.append(marker)
    return delimiter.join(texts), markers


def _restore_markers(value: Any, markers: dict[str, str]) -> Any:
    """Turn every string that contains a ``Fn::Join`` marker into a placeholder, recursively."""
    if isinstance(value, str):
        if not any(marker in value for marker in markers):
            return value
        for marker, expression in markers.items():
            value = value.replace(marker, expression)
        return Placeholder(value)
    if isinstance(value, dict):
        return {
            _restore_markers(key, markers): _restore_markers(item, markers)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_restore_markers(item, markers) for item in value]
    return value
