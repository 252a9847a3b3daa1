"""The plain-policy loader: SCP and RCP documents saved as JSON or YAML files.

Besides ``detect`` and ``load``, which ``scplint.loaders.load_file`` calls, this module
provides helpers that the other format loaders share: ``detect_policy_shape``,
``mark_template_placeholders`` and ``rebase_source_map``.

A file contains either a whole document (a mapping with ``Statement``) or a fragment that
tooling wraps into a document before deploying it: a list of statements or a single
statement. Fragments are linted as ``{"Statement": [...]}`` or ``{"Statement": {...}}``
with ``PolicyDocument.fragment`` set.
"""

from __future__ import annotations

import re
from typing import Any

from scplint.model import (
    LoadProblem,
    LoadResult,
    Path,
    Placeholder,
    PolicyDocument,
    PolicyKind,
    SourceMap,
)

# Top-level elements of an IAM policy document (IAM JSON policy element reference).
POLICY_KEYS = frozenset({"Version", "Id", "Statement"})
_POLICY_KEYS_LOWER = frozenset(key.lower() for key in POLICY_KEYS)
ACTION_KEYS = ("Action", "NotAction")

# `${...}` with no nested braces: Terraform and CloudFormation `Fn::Sub` interpolation,
# LZA `${ACCEL_LOOKUP::...}`, and IAM policy variables, which are distinguished below.
_DOLLAR_BRACE = re.compile(r"\$\{([^{}]*)\}")
# IAM policy variables are `${prefix:key}` (a service prefix or an identity-provider
# name, one colon), optionally with a default value as in `${aws:username, 'none'}`,
# plus the escapes `${*}`, `${?}` and `${$}` (IAM User Guide, policy variables page).
# CloudFormation pseudo parameters (`${AWS::Region}`) and LZA lookups use two colons.
_POLICY_VARIABLE = re.compile(r"\*|\?|\$|[A-Za-z0-9][A-Za-z0-9._-]*:(?!:)[^:].*", re.DOTALL)
# Serverless Framework variable sources written in the `${source:...}` form. None of them
# is an IAM condition-key prefix, so such a string is a template, not a policy variable.
_SERVERLESS_SOURCES = frozenset({"self", "opt", "env", "sls", "param"})
# Jinja and Mustache `{{ }}` (also CloudFormation dynamic references `{{resolve:...}}`),
# Jinja statements `{% %}`, Terraform template directives `%{ }`, and documentation
# placeholders such as `<my-vpc-region>`, which no ARN, action or Region contains.
_OTHER_TEMPLATE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|%\{.*?\}", re.DOTALL)
_DOCUMENTATION_PLACEHOLDER = re.compile(r"<[A-Za-z][^<>]*>")
# A whole value in single braces, such as "{example-region-1}" in AWS's sample policies.
_WHOLE_BRACE_VALUE = re.compile(r"^\{[A-Za-z][^{}\s]*\}$")
# Action macros of policy preprocessors that expand access levels, such as `ec2:{Write}`
# or `iam:{Exclude:ListUsers}`: braces right after a service prefix.
_ACTION_MACRO = re.compile(r"^[A-Za-z0-9-]+:[^{}$]*\{[^{}]+\}")


def is_template_string(text: str) -> bool:
    """Tell whether ``text`` contains a template placeholder that is not an IAM policy variable."""
    if _DOCUMENTATION_PLACEHOLDER.search(text):
        return True
    if "{" not in text:
        return False
    if _OTHER_TEMPLATE.search(text) or _ACTION_MACRO.match(text) or _WHOLE_BRACE_VALUE.match(text):
        return True
    for match in _DOLLAR_BRACE.finditer(text):
        inner = match.group(1).strip()
        if not _POLICY_VARIABLE.fullmatch(inner):
            return True
        source = inner.split(":", 1)[0]
        if source in _SERVERLESS_SOURCES:
            return True
    # `${` left without a closing brace, or with nested braces as in `${jsonencode({a=1})}`.
    unmatched = _DOLLAR_BRACE.sub("", text)
    return "${" in unmatched


def mark_template_placeholders(value: Any) -> Any:
    """Replace template strings in ``value`` with ``Placeholder``, recursively.

    Mapping keys are replaced too. Strings that only use IAM policy variables such as
    ``${aws:PrincipalTag/team}`` stay plain strings. Placeholders already present are kept.
    """
    if isinstance(value, Placeholder):
        return value
    if isinstance(value, str):
        return Placeholder(value) if is_template_string(value) else value
    if isinstance(value, dict):
        return {
            mark_template_placeholders(key): mark_template_placeholders(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [mark_template_placeholders(item) for item in value]
    return value


def rebase_source_map(source_map: SourceMap, old_prefix: Path, new_prefix: Path) -> SourceMap:
    """Build a new map with every path under ``old_prefix`` moved under ``new_prefix``.

    Paths outside ``old_prefix`` are dropped. The key span of ``old_prefix`` itself is
    dropped too, because it belongs to the enclosing mapping, not to the moved value.
    """
    cut = len(old_prefix)
    rebased = SourceMap()
    for path, span in source_map.values.items():
        if path[:cut] == old_prefix:
            rebased.add_value(new_prefix + path[cut:], span)
    for path, span in source_map.keys.items():
        if path[:cut] == old_prefix and len(path) > cut:
            rebased.add_key(new_prefix + path[cut:], span)
    return rebased


def _is_statement(value: Any) -> bool:
    return isinstance(value, dict) and "Effect" in value and any(key in value for key in ACTION_KEYS)


def _is_miscased_document(data: dict[Any, Any]) -> bool:
    # Element names are case-sensitive, so `statement` is not a policy element. A mapping
    # made only of policy element names in some other case is still most likely a
    # broken policy, and is linted so that the grammar rule reports the missing
    # `Statement` instead of the file being skipped in silence.
    lowered = set()
    for key in data:
        if not isinstance(key, str) or key.lower() not in _POLICY_KEYS_LOWER:
            return False
        lowered.add(key.lower())
    return "statement" in lowered


def detect_policy_shape(data: Any) -> str | None:
    """Classify parsed data as a policy ``"document"``, ``"statements"``, ``"statement"`` or None.

    - ``"document"``: a mapping with a ``Statement`` key, or a mapping whose keys are
      all policy element names in the wrong case (``statement``, ``VERSION``).
    - ``"statements"``: a non-empty list of mappings that all have ``Effect``, at least
      one of which also has ``Action`` or ``NotAction``. A statement that lacks both is
      still linted so that the grammar rule reports it.
    - ``"statement"``: a mapping with ``Effect`` and ``Action`` or ``NotAction``.
    """
    if isinstance(data, dict):
        if "Statement" in data or _is_miscased_document(data):
            return "document"
        if _is_statement(data):
            return "statement"
        return None
    if isinstance(data, list) and data:
        if not all(isinstance(item, dict) and "Effect" in item for item in data):
            return None
        if any(_is_statement(item) for item in data):
            return "statements"
    return None


# Statement keys of Terraform's aws_iam_policy_document data source, which some
# repositories keep as YAML lists and turn into policies with that data source.
_TERRAFORM_STATEMENT_KEYS = {
    "sid": "Sid",
    "effect": "Effect",
    "actions": "Action",
    "not_actions": "NotAction",
    "resources": "Resource",
    "not_resources": "NotResource",
    "principals": "Principal",
    "not_principals": "NotPrincipal",
}


def _is_terraform_style_statements(data: Any) -> bool:
    if not isinstance(data, list) or not data:
        return False
    for item in data:
        if not isinstance(item, dict) or not ({"actions", "not_actions"} & set(item)):
            return False
        if not set(item) <= set(_TERRAFORM_STATEMENT_KEYS) | {"condition"}:
            return False
    return True


def _translate_terraform_statements(data: list, source_map: SourceMap) -> tuple[dict, SourceMap]:
    """Translate ``aws_iam_policy_document``-style statements into IAM JSON.

    ``effect`` defaults to ``Allow`` as in the data source; ``condition`` blocks with the
    same ``test`` share one operator, and the same ``test`` and ``variable`` twice keep
    the later values.
    """
    statements = []
    translated = SourceMap()
    for index, item in enumerate(data):
        statement: dict[str, Any] = {}
        for key, value in item.items():
            if key == "condition":
                continue
            element = _TERRAFORM_STATEMENT_KEYS[key]
            statement[element] = value
            for path, span in source_map.values.items():
                if path[:2] == (index, key):
                    translated.add_value(("Statement", index, element) + path[2:], span)
            if (index, key) in source_map.keys:
                translated.add_key(("Statement", index, element), source_map.keys[(index, key)])
        statement.setdefault("Effect", "Allow")
        blocks = item.get("condition") or []
        condition: dict[str, dict[str, Any]] = {}
        for number, block in enumerate(blocks if isinstance(blocks, list) else []):
            if not isinstance(block, dict):
                continue
            test, variable = block.get("test"), block.get("variable")
            if not isinstance(test, str) or not isinstance(variable, str):
                continue
            condition.setdefault(test, {})[variable] = block.get("values")
            origin = (index, "condition", number)
            for part, target in (("test", ("Statement", index, "Condition", test)),
                                 ("variable", ("Statement", index, "Condition", test, variable))):
                if origin + (part,) in source_map.values:
                    translated.add_key(target, source_map.values[origin + (part,)])
            for path, span in source_map.values.items():
                if path[:4] == origin + ("values",):
                    translated.add_value(("Statement", index, "Condition", test, variable) + path[4:], span)
        if condition:
            statement["Condition"] = condition
            if (index, "condition") in source_map.keys:
                translated.add_key(("Statement", index, "Condition"), source_map.keys[(index, "condition")])
        if (index,) in source_map.values:
            translated.add_value(("Statement", index), source_map.values[(index,)])
        statements.append(statement)
    if () in source_map.values:
        translated.add_value((), source_map.values[()])
    return {"Statement": statements}, translated


def detect(parsed: Any) -> bool:
    """Claim a parsed JSON or YAML file that contains a policy document or a fragment of one."""
    return detect_policy_shape(parsed.data) is not None or _is_terraform_style_statements(parsed.data)


def load(parsed: Any, kind: PolicyKind) -> LoadResult:
    """Build the one ``PolicyDocument`` of a plain policy file."""
    shape = detect_policy_shape(parsed.data)
    if shape is None and _is_terraform_style_statements(parsed.data):
        shape = "terraform-statements"
    if shape is None:
        return LoadResult(skipped="not a policy document")

    data = mark_template_placeholders(parsed.data)
    loader = "yaml" if parsed.is_yaml else "json"
    if shape == "terraform-statements":
        data, source_map = _translate_terraform_statements(data, parsed.source_map)
        deployed_text = None
        fragment = True
    elif shape == "document":
        source_map = parsed.source_map
        # A JSON file is sent to AWS as written, so its size counts as is. YAML is
        # converted to JSON by the deploy tooling, so there is no verbatim text.
        deployed_text = None if parsed.is_yaml else parsed.text
        fragment = False
    else:
        data = {"Statement": data}
        source_map = rebase_source_map(parsed.source_map, (), ("Statement",))
        deployed_text = None
        fragment = True

    document = PolicyDocument(
        file=parsed.display,
        data=data,
        source_map=source_map,
        kind=kind,
        loader=loader,
        file_text=parsed.text,
        deployed_text=deployed_text,
        fragment=fragment,
    )
    result = LoadResult(documents=[document])
    extra_documents = getattr(parsed, "extra_documents", 0)
    if extra_documents:
        result.problems.append(_extra_documents_problem(extra_documents))
    return result


def _extra_documents_problem(extra_documents: int) -> LoadProblem:
    noun = "document" if extra_documents == 1 else "documents"
    return LoadProblem(
        "SCP005",
        f"the YAML file contains {extra_documents} more {noun} after the first; "
        "only the first document is linted",
    )
