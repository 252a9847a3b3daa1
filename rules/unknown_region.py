"""SCP206 unknown-region."""

from scplint.evaluate.keys import literal_entries
from scplint.evaluate.statements import REGION_KEY
from scplint.model import is_placeholder
from scplint.rule import Example, Rule, Severity

STRING_OPERATORS = {"StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase"}
LIKE_OPERATORS = {"StringLike", "StringNotLike"}


class UnknownRegion(Rule):
    """
    ## What it does
    Reports a value of an `aws:RequestedRegion` condition that no request carries: a
    Region code that does not exist (`eu-wst-1`), one in upper case under a
    case-sensitive operator (`EU-WEST-1` under `StringNotEquals`), a placeholder that
    was never filled in (`REPLACE-WITH-YOUR-REGION`), or a `StringLike` pattern that
    matches no Region.

    ## Why it matters
    In a Region deny with `StringNotEquals`, a value that matches nothing allows nothing:
    the Deny applies in the Region the author meant to allow, and workloads there fail
    with `AccessDeniedException`. In a Deny with `StringEquals`, the value denies nothing.

    ## Example
    ```json
    "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "EU-CENTRAL-1"]}}
    ```

    ## Use instead
    ```json
    "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]}}
    ```

    ## Known problems
    The Region list is compiled from AWS's endpoint data (commercial, GovCloud and China
    partitions) and needs an update when AWS opens a Region; until then the new code is
    reported. Values with policy variables (`${aws:PrincipalTag/region}`) are not checked.

    ## References
    - IAM User Guide, "AWS global condition context keys": `aws:RequestedRegion`.
    - IAM User Guide, "Condition operators": `StringEquals` and `StringNotEquals` are
      case-sensitive.
    """

    code = "SCP206"
    name = "unknown-region"
    summary = "A Region condition names a Region that no request carries"
    severity = Severity.WARNING

    valid = (
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "ec2:*", "Resource": "*",'
            ' "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "us-gov-west-1"]},'
            ' "StringNotEqualsIgnoreCase": {"aws:RequestedRegion": "EU-WEST-1"},'
            ' "StringNotLike": {"aws:RequestedRegion": ["eu-*", "us-east-?"]}}}]}'
        ),
    )
    invalid = (
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "ec2:*", "Resource": "*",'
            ' "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "EU-CENTRAL-1"]}}}]}',
            message="Region codes are lowercase",
            path=("Statement", 0, "Condition", "StringNotEquals", "aws:RequestedRegion", 1),
        ),
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "ec2:*", "Resource": "*",'
            ' "Condition": {"StringNotEquals": {"aws:RequestedRegion": "eu-wst-1"}}}]}',
            message="'eu-wst-1' is not a Region",
        ),
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "ec2:*", "Resource": "*",'
            ' "Condition": {"StringNotLike": {"aws:RequestedRegion": "europe-*"}}}]}',
            message="matches no Region",
        ),
    )

    def check_statement(self, statement, document):
        from scplint.catalog.regions import region_exists

        for entry in literal_entries(statement):
            if entry.key_lower != REGION_KEY:
                continue
            operator = entry.base_operator
            if operator not in STRING_OPERATORS and operator not in LIKE_OPERATORS:
                continue
            for index, value in enumerate(entry.values):
                if not isinstance(value, str) or is_placeholder(value) or "${" in value:
                    continue
                path = entry.path + ((index,) if len(entry.values) > 1 or _is_list(statement, entry) else ())
                problem = _problem(operator, value, region_exists)
                if problem:
                    yield self.report(document, path, f"{statement.label}: {operator} {entry.key} {problem}")


def _is_list(statement, entry) -> bool:
    block = statement.data.get("Condition", {}).get(entry.operator, {})
    return isinstance(block.get(entry.key), list)


def _problem(operator: str, value: str, region_exists) -> str | None:
    if operator in LIKE_OPERATORS:
        if "*" in value or "?" in value:
            return None if _pattern_matches_a_region(value) else f"pattern {value!r} matches no Region"
        return None if region_exists(value) else _literal_problem(value, region_exists)
    if operator.endswith("IgnoreCase"):
        return None if region_exists(value.lower()) else _literal_problem(value.lower(), region_exists)
    if region_exists(value):
        return None
    return _literal_problem(value, region_exists)


def _literal_problem(value: str, region_exists) -> str:
    if region_exists(value.lower()):
        return f"value {value!r} matches no request, because Region codes are lowercase and this operator is case-sensitive"
    return f"value {value!r} is not a Region, so it matches no request"


def _pattern_matches_a_region(pattern: str) -> bool:
    import fnmatch

    from scplint.catalog.regions import PARTITIONS, all_regions

    # StringLike is case-sensitive, with * and ? as its only special characters.
    escaped = pattern.replace("[", "[[]")
    return any(fnmatch.fnmatchcase(region, escaped) for partition in PARTITIONS for region in all_regions(partition))
