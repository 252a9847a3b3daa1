"""SCP207 region-deny-inverted."""

from scplint.evaluate.keys import literal_entries
from scplint.evaluate.statements import REGION_KEY, denies_every_service
from scplint.rule import Example, Rule, Severity

POSITIVE_STRING_OPERATORS = {"StringEquals", "StringEqualsIgnoreCase", "StringLike"}


class RegionDenyInverted(Rule):
    """
    ## What it does
    Reports, at note level, a Deny of every service (`Action: "*"` or `NotAction`) whose
    Region test is positive (`StringEquals`, `StringLike` on `aws:RequestedRegion`): the
    statement denies inside the listed Regions, not outside them.

    ## Why it matters
    Region denies are almost always written to deny outside the allowed Regions. With
    `StringEquals` the list means the opposite, so the Regions the team meant to allow
    are the only ones denied, and every workload there fails. A list of forbidden Regions
    is a valid choice, which is why this is a note for review rather than a warning.

    ## Example
    ```json
    {"Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "Resource": "*",
     "Condition": {"StringEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]}}}
    ```

    ## Use instead
    To allow only the listed Regions:
    ```json
    "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]}}
    ```

    ## References
    - IAM User Guide, "Condition operators" (negated operators).
    - AWS Organizations User Guide, "Deny access to AWS based on the requested Region".
    """

    code = "SCP207"
    name = "region-deny-inverted"
    summary = "A Region deny of every service denies inside the listed Regions"
    severity = Severity.NOTE

    valid = (
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "NotAction": ["iam:*"], "Resource": "*",'
            ' "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"]}}}]}'
        ),
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "bedrock:*", "Resource": "*",'
            ' "Condition": {"StringEquals": {"aws:RequestedRegion": ["us-west-1"]}}}]}'
        ),
    )
    invalid = (
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "NotAction": ["iam:*"], "Resource": "*",'
            ' "Condition": {"StringEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]}}}]}',
            message="denies inside eu-west-1, eu-central-1",
            path=("Statement", 0, "Condition", "StringEquals", "aws:RequestedRegion"),
        ),
    )

    def check_statement(self, statement, document):
        if not statement.is_deny or not denies_every_service(statement):
            return
        for entry in literal_entries(statement):
            if entry.key_lower != REGION_KEY or entry.qualifier or entry.base_operator not in POSITIVE_STRING_OPERATORS:
                continue
            regions = ", ".join(str(value) for value in entry.values)
            negated = entry.operator.replace("String", "StringNot", 1)
            yield self.report(
                document, entry.path,
                f"{statement.label} denies inside {regions} ({entry.operator}); if these are the allowed "
                f"Regions, use {negated}",
                key=True,
            )
