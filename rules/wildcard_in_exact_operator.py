"""SCP105 wildcard-in-exact-operator."""

from __future__ import annotations

import re

from scplint.evaluate.keys import key_type, literal_entries
from scplint.model import is_placeholder
from scplint.rule import Example, Rule, Severity

EXACT_STRING_OPERATORS = {
    "StringEquals": "StringLike",
    "StringNotEquals": "StringNotLike",
    "StringEqualsIgnoreCase": "StringLike",
    "StringNotEqualsIgnoreCase": "StringNotLike",
}
ARN_LIKE = {"StringLike": "ArnLike", "StringNotLike": "ArnNotLike"}
# A policy variable such as ${aws:username}, or the escapes ${*} and ${?} that stand for a
# literal * and ? ("IAM policy elements: Variables and tags").
_POLICY_VARIABLE = re.compile(r"\$\{[^}]*\}")


def _has_wildcard(value: str) -> bool:
    text = _POLICY_VARIABLE.sub("", value)
    return "*" in text or "?" in text


class WildcardInExactOperator(Rule):
    """
    ## What it does
    Reports a value with `*` or `?` under `StringEquals`, `StringNotEquals`,
    `StringEqualsIgnoreCase` or `StringNotEqualsIgnoreCase` (with or without a set
    qualifier or `IfExists`), and names the `...Like` operator to use: `StringLike` or
    `StringNotLike`, or `ArnLike` / `ArnNotLike` for an ARN key. Policy variables such as
    `${aws:username}` and the escapes `${*}` and `${?}` are not wildcards. `ArnEquals`
    and `ArnNotEquals` are not reported, because they honour wildcards as `ArnLike` does.

    ## Why it matters
    Only the `...Like` and ARN operators treat `*` and `?` as wildcards; under the exact
    operators they are literal characters that no real value contains. A break-glass
    exemption written as
    `"StringNotEquals": {"aws:PrincipalArn": "arn:aws:iam::*:role/BreakGlass"}` never
    matches, so the break-glass role is denied with everyone else.

    ## Example
    ```json
    {"Effect": "Deny", "Action": "*", "Resource": "*",
     "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"],
                                       "aws:PrincipalArn": "arn:aws:iam::*:role/BreakGlass"}}}
    ```

    ## Use instead
    ```json
    {"Effect": "Deny", "Action": "*", "Resource": "*",
     "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"]},
                   "ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/BreakGlass"}}}
    ```

    ## Known problems
    A value that really contains `*` or `?` (rare in AWS identifiers) is reported too;
    write it with the `${*}` or `${?}` escape under a `...Like` operator.

    ## References
    - IAM User Guide, "IAM JSON policy elements: Condition operators" (string and ARN
      condition operators).
    - IAM User Guide, "IAM policy elements: Variables and tags" (special characters).
    """

    code = "SCP105"
    name = "wildcard-in-exact-operator"
    summary = "A wildcard under an exact string operator is a literal character"
    severity = Severity.ERROR

    valid = (
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*",'
            ' "Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/BreakGlass"},'
            ' "ArnNotEquals": {"aws:SourceArn": "arn:aws:s3:::logs-*"},'
            ' "StringNotEquals": {"aws:ResourceTag/owner": "${aws:username}", "s3:prefix": "home/${*}"}}}]}'
        ),
    )
    invalid = (
        # A break-glass exemption whose * is literal under StringNotEquals, so the
        # break-glass role is denied with everyone else.
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*",'
            ' "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"],'
            ' "aws:PrincipalArn": "arn:aws:iam::*:role/BreakGlass"}}}]}',
            message="use ArnNotLike",
            path=("Statement", 0, "Condition", "StringNotEquals", "aws:PrincipalArn"),
        ),
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*",'
            ' "Condition": {"ForAnyValue:StringEquals": {"aws:TagKeys": ["team", "cost-*"]}}}]}',
            message="use ForAnyValue:StringLike",
            path=("Statement", 0, "Condition", "ForAnyValue:StringEquals", "aws:TagKeys", 1),
        ),
    )

    def check_statement(self, statement, document):
        for entry in literal_entries(statement):
            like = EXACT_STRING_OPERATORS.get(entry.base_operator)
            if like is None:
                continue
            if key_type(entry.key) in ("ARN", "ArrayOfARN"):
                like = ARN_LIKE[like]
            qualifier = f"{entry.qualifier}:" if entry.qualifier else ""
            advice = f"{qualifier}{like}{'IfExists' if entry.if_exists else ''}"
            raw = _raw_values(statement, entry)
            for index, value in enumerate(entry.values):
                if not isinstance(value, str) or is_placeholder(value) or not _has_wildcard(value):
                    continue
                path = entry.path + (index,) if isinstance(raw, list) else entry.path
                case_note = " (note that it is case-sensitive)" if "IgnoreCase" in entry.base_operator else ""
                yield self.report(
                    document, path,
                    f"{statement.label}: the wildcard in {value!r} under {entry.operator} {entry.key} is a "
                    f"literal character, so the value matches no request; use {advice}{case_note}",
                )


def _raw_values(statement, entry):
    block = statement.data.get("Condition") or {}
    tests = block.get(entry.operator) if isinstance(block, dict) else None
    return tests.get(entry.key) if isinstance(tests, dict) else None
