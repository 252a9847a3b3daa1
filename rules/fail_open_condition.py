"""SCP108 fail-open-condition."""

from __future__ import annotations

from scplint.evaluate.keys import is_multivalued, literal_entries
from scplint.evaluate.statements import entry_has_placeholder
from scplint.rule import Example, Rule, Severity

_NEGATED_FORMS = {
    "StringEquals": "StringNotEquals",
    "StringLike": "StringNotLike",
    "StringEqualsIgnoreCase": "StringNotEqualsIgnoreCase",
    "ArnEquals": "ArnNotEquals",
    "ArnLike": "ArnNotLike",
    "NumericEquals": "NumericNotEquals",
    "DateEquals": "DateNotEquals",
    "IpAddress": "NotIpAddress",
}


def _is_tag_key_list(key: str) -> bool:
    """Tell whether a key lists the tag keys a request adds, such as aws:TagKeys."""
    return key.lower().endswith("tagkeys") and is_multivalued(key) is True


def _is_mfa_false_test(entry) -> bool:
    """Tell whether the entry is ``Bool`` (without IfExists) on MFA presence being false."""
    return (
        entry.key_lower == "aws:multifactorauthpresent"
        and entry.operator == "Bool"
        and any(str(value).lower() == "false" for value in entry.values)
    )


def _with_parts(entry, qualifier: str | None, base: str) -> str:
    prefix = f"{qualifier}:" if qualifier else ""
    return f"{prefix}{base}{'IfExists' if entry.if_exists else ''}"


class FailOpenCondition(Rule):
    """
    ## What it does
    Reports conditions whose result for a request that lacks the key, or that carries
    several values, lets the request through where the statement evidently means to stop
    it. How each form evaluates (IAM User Guide):

    | form | key absent | in a Deny | in an Allow |
    |---|---|---|---|
    | positive operator (`StringEquals`) | false | no deny | no grant |
    | negated operator (`StringNotEquals`) | true | deny | grant |
    | `...IfExists`, any operator | true | deny | **grant** |
    | `ForAnyValue:`, any operator | false | no deny | no grant |
    | `ForAllValues:`, any operator | true | deny | **grant** |
    | `Null: "false"` | false | no deny | no grant |

    Reported on keys that list the tag keys a request adds (`aws:TagKeys`,
    `s3:RequestObjectTagKeys`, ...):

    - in a Deny, `ForAllValues:` with a negated operator
      (`ForAllValues:StringNotLike {"aws:TagKeys": ["team", "env"]}`): it is true only
      when every request value is outside the list, so a request that adds one listed
      tag and one unlisted tag is not denied. An allowlist in a Deny is
      `ForAnyValue:StringNotLike`.
    - in a Deny, `ForAllValues:` with a positive operator
      (`ForAllValues:StringLike {"aws:TagKeys": ["team", "env"]}`): the Allow-style gate
      copied into a Deny denies requests whose values are all allowed, and lets through
      any request with a value outside the list.

    Reported in a Deny: `"Bool": {"aws:MultiFactorAuthPresent": "false"}`. Requests signed
    with long-term access keys do not carry the key, so the test is false for them and
    the Deny meant for requests without MFA skips exactly those; `BoolIfExists` covers them.

    Reported in an Allow, on any key:

    - `ForAllValues:` without a `Null` test that the key is present: the statement
      grants every request that lacks the key.
    - `...IfExists` with a positive operator on a global key that requests can lack
      (`aws:PrincipalTag/...`, `aws:ResourceTag/...`, `aws:SourceVpce`, ...), without a
      `Null` test: the statement grants every request that lacks the key.

    `ForAllValues:StringNotEquals` on other multivalued keys is not reported: on
    `aws:CalledVia` it is AWS's documented way to exempt calls that pass through a
    listed service.

    In a Deny, `IfExists` and `ForAllValues` on an absent key make the Deny apply, which
    fails closed, and a positive operator on an absent key skips the Deny, which is the
    usual intent (`Deny ... if StringEquals aws:ResourceTag/env = prod` is meant for
    resources tagged prod), so neither is reported.

    ## Why it matters
    These conditions read like a guardrail and leave a hole: a tag policy that any
    request can pass by adding one allowed tag, or an SCP Allow that grants everything
    to principals without the tag it tests.

    ## Example
    ```json
    {"Effect": "Deny", "Action": ["iam:TagRole", "iam:CreateRole"], "Resource": "*",
     "Condition": {"ForAllValues:StringNotLike": {"aws:TagKeys": ["team", "env"]}}}
    ```

    ## Use instead
    ```json
    {"Effect": "Deny", "Action": ["iam:TagRole", "iam:CreateRole"], "Resource": "*",
     "Condition": {"ForAnyValue:StringNotLike": {"aws:TagKeys": ["team", "env"]}}}
    ```

    ## Known problems
    In an Allow, `IfExists` is reported for global keys only, because the catalog does
    not say which requests carry a service key.

    ## References
    - IAM User Guide, "Single-valued vs. multivalued context keys" and "Multivalued
      context key examples".
    - IAM User Guide, "IAM JSON policy elements: Condition operators" (`...IfExists`,
      `Null`).
    """

    code = "SCP108"
    name = "fail-open-condition"
    summary = "A condition lets requests without the key, or with mixed values, through"
    severity = Severity.WARNING

    valid = (
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": ["iam:TagRole", "iam:CreateRole"], "Resource": "*",'
            ' "Condition": {"ForAnyValue:StringNotLike": {"aws:TagKeys": ["team", "env"]},'
            ' "BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}]}'
        ),
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*",'
            ' "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env"]}, "Null": {"aws:TagKeys": "false"}}}]}'
        ),
    )
    invalid = (
        # A tag-key allowlist written with ForAllValues in a Deny, the Allow-style gate
        # "ForAllValues:StringLike aws:TagKeys" copied into a Deny, and an IfExists
        # test on an optional key in an Allow.
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": ["iam:TagRole", "iam:CreateRole"], "Resource": "*",'
            ' "Condition": {"ForAllValues:StringNotLike": {"aws:TagKeys": ["team", "env"]}}}]}',
            message="use ForAnyValue:StringNotLike",
            path=("Statement", 0, "Condition", "ForAllValues:StringNotLike", "aws:TagKeys"),
        ),
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "iam:Tag*", "Resource": "*",'
            ' "Condition": {"ForAllValues:StringLike": {"aws:TagKeys": ["team", "env"]}}}]}',
            message="any request with a value outside the list",
        ),
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "iam:DeleteUser", "Resource": "*",'
            ' "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}]}',
            message="use BoolIfExists",
            path=("Statement", 0, "Condition", "Bool", "aws:MultiFactorAuthPresent"),
        ),
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*",'
            ' "Condition": {"StringEqualsIfExists": {"aws:PrincipalTag/team": "platform"}}}]}',
            message="grants every request that lacks the key",
        ),
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*",'
            ' "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env"]}}}]}',
            message="ForAllValues is true when the key is absent",
        ),
    )

    def check_statement(self, statement, document):
        entries = list(literal_entries(statement))
        present_keys = {
            entry.key_lower
            for entry in entries
            if entry.base_operator == "Null" and any(str(value).lower() == "false" for value in entry.values)
        }
        for entry in entries:
            if entry.base_operator == "Null" or entry_has_placeholder(entry):
                continue
            if statement.is_deny:
                yield from self._check_deny(statement, document, entry)
            elif statement.is_allow and entry.key_lower not in present_keys:
                yield from self._check_allow(statement, document, entry)

    def _check_deny(self, statement, document, entry):
        if _is_mfa_false_test(entry):
            yield self.report(
                document, entry.path,
                f"{statement.label}: requests signed with long-term access keys carry no {entry.key}, so "
                f"Bool is false for them and this Deny does not apply; use BoolIfExists",
                key=True,
            )
            return
        # Only tag-key lists are allowlists of what the request adds. For keys such as
        # aws:CalledVia, ForAllValues:StringNotEquals is AWS's documented exemption form
        # ("deny unless the call passed through one of these services").
        if entry.qualifier != "ForAllValues" or not _is_tag_key_list(entry.key):
            return
        base = entry.base_operator
        if entry.is_negated:
            yield self.report(
                document, entry.path,
                f"{statement.label}: {entry.operator} on {entry.key} denies only when every request value is "
                f"outside the list, so a request with one listed and one unlisted value is not denied; "
                f"use {_with_parts(entry, 'ForAnyValue', base)}",
                key=True,
            )
        elif base in _NEGATED_FORMS:
            yield self.report(
                document, entry.path,
                f"{statement.label}: {entry.operator} on {entry.key} in a Deny denies requests whose values all "
                f"match the list (and requests without the key), and lets through any request with a value "
                f"outside the list; if the list holds the allowed values, use "
                f"{_with_parts(entry, 'ForAnyValue', _NEGATED_FORMS[base])}",
                key=True,
            )

    def _check_allow(self, statement, document, entry):
        null_test = f"\"Null\": {{\"{entry.key}\": \"false\"}}"
        if entry.qualifier == "ForAllValues":
            yield self.report(
                document, entry.path,
                f"{statement.label}: ForAllValues is true when the key is absent, so {entry.operator} on "
                f"{entry.key} grants every request without {entry.key}; add {null_test}",
                key=True,
            )
            return
        if not entry.if_exists or entry.is_negated or entry.qualifier:
            return
        from scplint.catalog.condition_keys import global_key

        known = global_key(entry.key)
        if known is None or known.always_present:
            return
        yield self.report(
            document, entry.path,
            f"{statement.label}: {entry.operator} is true when {entry.key} is absent, so this Allow grants every "
            f"request that lacks the key; drop IfExists if such requests must not be granted",
            key=True,
        )
