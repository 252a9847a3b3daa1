"""SCP002 invalid-policy."""

from __future__ import annotations

import json
import os
import re
from functools import lru_cache

import scplint
from scplint.model import Placeholder, PolicyKind
from scplint.rule import Example, Rule, Scope, Severity

SCHEMA_DIR = os.path.join(os.path.dirname(scplint.__file__), "schemas")
# AWS's managed RCPFullAWSAccess, the one RCP with an Allow statement.
RCP_FULL_ACCESS = {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}


class InvalidPolicy(Rule):
    """
    ## What it does
    Validates each policy against the grammar AWS accepts, kept as a JSON Schema in
    `scplint/schemas/scp.json` and `rcp.json`, and reports every violation at the element
    that breaks it, in a sentence: `Version` other than `2012-10-17`, a bad `Effect`,
    both or neither of `Action` and `NotAction`, both `Resource` and `NotResource`,
    elements that do not exist (element names are case-sensitive), `Principal` or
    `NotPrincipal` in an SCP, malformed actions, empty lists, unknown condition operators,
    condition blocks of the wrong shape, and duplicate `Sid` values.

    For RCPs it applies the RCP grammar: every statement is a Deny with `Principal: "*"`
    and an `Action` list that names service prefixes (no bare `*`, no `NotAction`);
    AWS's managed `RCPFullAWSAccess` is the only Allow.

    A statement without `Resource` or `NotResource` gets a warning: the IAM grammar
    requires one, and AWS's SCP examples always carry one.

    Files that hold statements only (tooling adds `Version` and `Statement`) are checked
    statement by statement, without the policy-level requirements.

    ## Why it matters
    AWS rejects such a policy at `CreatePolicy` or `UpdatePolicy` time with
    `MalformedPolicyDocumentException`, so the deployment fails after review and merge.

    ## Example
    ```json
    {"Version": "2012-10-17", "Statement": [
      {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "NotAction": "s3:GetObject", "Resource": "*"}]}
    ```

    ## Use instead
    ```json
    {"Version": "2012-10-17", "Statement": [
      {"Effect": "Deny", "NotAction": "s3:GetObject", "Resource": "*"}]}
    ```

    ## Known problems
    Values that scplint cannot resolve (template variables, CloudFormation intrinsic
    functions) are not checked.

    ## References
    - AWS Organizations User Guide, "SCP syntax" and "RCP syntax".
    - IAM User Guide, "IAM JSON policy element reference" and "Condition operators".
    """

    code = "SCP002"
    name = "invalid-policy"
    summary = "The document breaks the SCP or RCP grammar, so AWS rejects it"
    severity = Severity.ERROR
    scope = Scope.DOCUMENT

    valid = (
        Example('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}'),
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Sid": "", "Effect": "Deny", "Action": "s3:*", "Resource": "*"},'
            ' {"Sid": "", "Effect": "Deny", "Action": "ec2:*", "Resource": "*"}]}'
        ),
        Example(
            '{"Version": "2012-10-17", "Statement": {"Sid": "DenyS3", "Effect": "Deny", "Action": ["s3:*"], "Resource": "*",'
            ' "Condition": {"ForAnyValue:StringNotLikeIfExists": {"aws:TagKeys": ["team*"]}}}}'
        ),
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",'
            ' "Condition": {"BoolIfExists": {"aws:SecureTransport": "false"}}}]}',
            kind=PolicyKind.RCP,
        ),
        Example('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}', kind=PolicyKind.RCP),
    )
    invalid = (
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "NotAction": "s3:GetObject", "Resource": "*"}]}',
            message="statement 1 has both Action and NotAction; use one",
        ),
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}]}',
            message="SCPs do not support Principal",
            path=("Statement", 0, "Principal"),
        ),
        Example('{"Version": "2022-03-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]}', message='Version must be "2012-10-17"'),
        Example('{"Version": "2012-10-17", "Statement": [{"Effect": "deny", "Action": "s3:*", "Resource": "*"}]}', message="Effect must be"),
        Example('{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Actions": "s3:*", "Resource": "*"}]}', message="'Actions' is not a statement element"),
        Example('{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": [], "Resource": "*"}]}', message="Action must not be an empty list"),
        Example('{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3 GetObject", "Resource": "*"}]}', message="is not an action"),
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Condition": "none"}]}',
            message="Condition must be a JSON object of operator: {key: value}",
        ),
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*",'
            ' "Condition": {"StringNotEqual": {"aws:RequestedRegion": "eu-west-1"}}}]}',
            message="'StringNotEqual' is not an IAM condition operator",
        ),
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Sid": "A", "Effect": "Deny", "Action": "s3:*", "Resource": "*"},'
            ' {"Sid": "A", "Effect": "Deny", "Action": "ec2:*", "Resource": "*"}]}',
            message="Sid 'A' is used by statement 1 too",
        ),
        Example('{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*"}]}', message="has neither Resource nor NotResource"),
        Example('{"Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]}', message="policy has no Version"),
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}]}',
            message="statement 1 contains a whole policy",
        ),
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "NotAction": "s3:GetObject", "Resource": "*"}]}',
            message="do not support NotAction",
            kind=PolicyKind.RCP,
        ),
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}]}',
            message="not allowed as an RCP action",
            kind=PolicyKind.RCP,
        ),
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]}',
            message="Principal",
            kind=PolicyKind.RCP,
        ),
    )

    def check_document(self, document):
        data = document.data
        if not plainly_valid(data, document.kind, fragment=document.fragment):
            yield from self._schema_errors(document)
        yield from self._check_statements(document)

    def _schema_errors(self, document):
        data = document.data
        nested = set()
        for statement in document.statements:
            if "Statement" in statement.data:
                nested.add(statement.path)
                yield self.report(
                    document, statement.path,
                    f"{statement.label} contains a whole policy (Version and Statement); "
                    f"put its statements directly in the outer Statement list",
                )
        validator = _validator(document.kind)
        for error in validator.iter_errors(data):
            if _involves_placeholder(error.instance):
                continue
            path = tuple(error.absolute_path)
            if any(path[: len(prefix)] == prefix for prefix in nested):
                continue
            if not path and error.validator == "required" and "Version" not in data and "Statement" in data:
                yield self.report(
                    document, path,
                    'policy has no Version; without "Version": "2012-10-17" IAM reads policy variables '
                    "such as ${aws:username} as literal text, and AWS's SCP syntax requires it",
                    severity=Severity.WARNING,
                )
                continue
            if document.fragment and not path and error.validator == "required":
                continue  # tooling adds Version when it assembles the fragment
            if document.kind is PolicyKind.RCP and _is_rcp_full_access_error(data, path):
                continue
            message, key = _describe(error, path)
            yield self.report(document, path, _prefix(document, path, message), key=key)

    def _check_statements(self, document):
        first_by_sid: dict[str, object] = {}
        for statement in document.statements:
            sid = statement.sid
            # An empty Sid is what Terraform's aws_iam_policy_document writes for every
            # statement without one, and AWS accepts several of them.
            if sid and not isinstance(sid, Placeholder):
                earlier = first_by_sid.setdefault(sid, statement)
                if earlier is not statement:
                    yield self.report(
                        document, statement.element_path("Sid"),
                        f"{statement.label}: Sid {sid!r} is used by {_position(earlier)} too; Sids must be unique within a policy",
                    )
            if "Resource" not in statement.data and "NotResource" not in statement.data and "Statement" not in statement.data:
                yield self.report(
                    document, statement.path,
                    f"{statement.label} has neither Resource nor NotResource; add \"Resource\": \"*\"",
                    severity=Severity.WARNING,
                )


# A strict subset of the grammar that most real policies fit, checked without importing
# jsonschema (which costs more start-up time than the rest of a one-file run). When it
# accepts a document, the schema accepts it too; tests check that on every corpus policy
# and on mutated copies. When it rejects one, the schema decides and explains.
_ACTION = re.compile(r"\*|[A-Za-z0-9*?-]+:[A-Za-z0-9*?_-]+")
_RCP_ACTION = re.compile(r"[A-Za-z0-9*?-]+:[A-Za-z0-9*?_-]+")
_OPERATOR = re.compile(
    r"((ForAnyValue|ForAllValues):)?(String(Not)?Equals(IgnoreCase)?|String(Not)?Like|"
    r"Numeric(Not)?Equals|Numeric(LessThan|GreaterThan)(Equals)?|Date(Not)?Equals|"
    r"Date(LessThan|GreaterThan)(Equals)?|Bool|BinaryEquals|(Not)?IpAddress|Arn(Not)?(Equals|Like))"
    r"(IfExists)?|Null"
)
_SCP_ELEMENTS = frozenset({"Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition"})
_RCP_ELEMENTS = frozenset({"Sid", "Effect", "Principal", "Action", "Resource", "NotResource", "Condition"})


def plainly_valid(data, kind: PolicyKind, *, fragment: bool = False) -> bool:
    """Return True only for a document that the policy schema certainly accepts."""
    if not isinstance(data, dict) or type(data.get("Statement")) not in (list, dict):
        return False
    if set(data) - {"Version", "Id", "Statement"}:
        return False
    if "Version" in data or not fragment:
        if type(data.get("Version")) is not str or data["Version"] != "2012-10-17":
            return False
    if "Id" in data and type(data["Id"]) is not str:
        return False
    statements = data["Statement"]
    statements = statements if type(statements) is list else [statements]
    return bool(statements) and all(_plain_statement(item, kind) for item in statements)


def _plain_statement(statement, kind: PolicyKind) -> bool:
    if type(statement) is not dict:
        return False
    rcp = kind is PolicyKind.RCP
    if set(statement) - (_RCP_ELEMENTS if rcp else _SCP_ELEMENTS):
        return False
    if "Sid" in statement and type(statement["Sid"]) is not str:
        return False
    if rcp:
        if statement.get("Effect") != "Deny" or statement.get("Principal") != "*" or "Action" not in statement:
            return False
    elif statement.get("Effect") not in ("Allow", "Deny"):
        return False
    if type(statement["Effect"]) is not str:
        return False
    if ("Action" in statement) == ("NotAction" in statement):
        return False
    if "Resource" in statement and "NotResource" in statement:
        return False
    action_pattern = _RCP_ACTION if rcp else _ACTION
    for element in ("Action", "NotAction"):
        if element in statement and not _plain_strings(statement[element], action_pattern):
            return False
    for element in ("Resource", "NotResource"):
        if element in statement and not _plain_strings(statement[element], None):
            return False
    if "Condition" in statement and not _plain_condition(statement["Condition"]):
        return False
    return True


def _plain_strings(value, pattern) -> bool:
    values = value if type(value) is list else [value]
    if not values:
        return False
    for item in values:
        if type(item) is not str or not item:
            return False
        if pattern is not None and not pattern.fullmatch(item):
            return False
    return True


def _plain_condition(condition) -> bool:
    if type(condition) is not dict or not condition:
        return False
    for operator, tests in condition.items():
        if type(operator) is not str or not _OPERATOR.fullmatch(operator):
            return False
        if type(tests) is not dict or not tests:
            return False
        for key, values in tests.items():
            if type(key) is not str:
                return False
            for item in values if type(values) is list else [values]:
                if type(item) not in (str, bool, int, float):
                    return False
    return True


def _position(statement) -> str:
    return f"statement {statement.index + 1}"


@lru_cache(maxsize=None)
def _validator(kind: PolicyKind):
    import jsonschema

    name = "rcp.json" if kind is PolicyKind.RCP else "scp.json"
    with open(os.path.join(SCHEMA_DIR, name), encoding="utf-8") as stream:
        schema = json.load(stream)
    return jsonschema.Draft202012Validator(schema)


def _involves_placeholder(value) -> bool:
    if isinstance(value, Placeholder):
        return True
    if isinstance(value, dict):
        return any(_involves_placeholder(key) or _involves_placeholder(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_involves_placeholder(item) for item in value)
    return False


def _is_rcp_full_access_error(data, path) -> bool:
    if len(path) < 2 or path[0] != "Statement":
        return False
    statements = data.get("Statement") if isinstance(data, dict) else None
    statement = statements[path[1]] if isinstance(statements, list) and isinstance(path[1], int) else statements
    return statement == RCP_FULL_ACCESS


def _describe(error, path) -> tuple[str, bool]:
    """Turn a schema error into a sentence; return it and whether it is about a key."""
    if error.validator == "required":
        present = error.instance if isinstance(error.instance, dict) else {}
        missing = [name for name in error.validator_value if name not in present]
        return f"is missing {' and '.join(missing)}", False
    template = error.schema.get("errorMessage") if isinstance(error.schema, dict) else None
    if isinstance(template, dict):
        template = template.get(error.validator)
    if error.validator == "propertyNames":
        template = error.schema.get("propertyNames", {}).get("errorMessage")
    if error.validator in ("not", "additionalProperties", "const") and path:
        key = path[-1]
    else:
        key = None
    if template:
        # str.replace, not str.format: templates contain literal braces such as "{key: value}".
        text = template.replace("{value}", _quote(error.instance)).replace("{key}", _quote(key))
        return text, error.validator == "not"
    return error.message, False


def _quote(value) -> str:
    if isinstance(value, str):
        return repr(value)
    return json.dumps(value)


def _prefix(document, path, message: str) -> str:
    label = None
    if len(path) >= 1 and path[0] == "Statement":
        statements = document.statements
        index = path[1] if len(path) > 1 and isinstance(path[1], int) else 0
        for statement in statements:
            if statement.index == index:
                label = statement.label
        if label is None and len(path) >= 2:
            label = f"statement {index + 1}"
    if label is None:
        return f"policy {message}" if message.startswith("is missing") else message
    if message.startswith(("has ", "is missing")):
        return f"{label} {message}"
    return f"{label}: {message}"
