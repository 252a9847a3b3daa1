"""SCP203 region-deny-without-break-glass."""

from scplint.evaluate.statements import (
    denies_every_service,
    entry_has_placeholder,
    has_unresolved_condition,
    is_principal_key,
    region_entries,
)
from scplint.rule import Example, Rule, Severity

STRING_EXACT_OPERATORS = {"StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase"}
ARN_KEYS = {"aws:principalarn"}


class RegionDenyWithoutBreakGlass(Rule):
    """
    ## What it does
    Reports a Region deny that covers every service (`Action: "*"` or a `NotAction`
    list) and whose condition leaves no principal exempt. An exemption counts when the
    same condition block tests the principal (`aws:PrincipalArn`, `aws:PrincipalTag/...`,
    `aws:PrincipalAccount`, ...) with a value that can match a real request. These
    exemptions can never match, and are reported as such:

    - a wildcard under `StringEquals` or `StringNotEquals`, where `*` and `?` are literal
      characters (use `ArnNotLike` or `StringNotLike`);
    - an `arn:aws:sts::...:assumed-role/...` value for `aws:PrincipalArn`, which for a
      role session holds the role's ARN, `arn:aws:iam::ACCOUNT:role/PATH/NAME`;
    - a value for `aws:PrincipalArn` that is not an ARN;
    - an exemption written in a separate statement: a Deny applies whenever its own
      condition matches, whatever other statements say.

    ## Why it matters
    Without an exemption, nobody can act outside the allowed Regions: not the platform
    team's automation, not an incident responder, not the roles that Control Tower or
    StackSets use to deploy baselines. Fixing the SCP then needs the management account.

    ## Example
    ```json
    {"Effect": "Deny", "NotAction": ["iam:*", "sts:*", "organizations:*"], "Resource": "*",
     "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"]}}}
    ```

    ## Use instead
    ```json
    {"Effect": "Deny", "NotAction": ["iam:*", "sts:*", "organizations:*"], "Resource": "*",
     "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"]},
                   "ArnNotLike": {"aws:PrincipalArn": ["arn:aws:iam::*:role/BreakGlass"]}}}
    ```

    ## Known problems
    A Region deny of a few named actions (for example `ec2:RunInstances`) is not
    reported, because platform teams rarely need to bypass such a statement. Neither is
    a statement whose condition also tests another request property (such as
    `aws:SourceVpc`), because it denies only some requests. An
    exemption through a key that scplint does not treat as a principal key (such as a
    resource tag) is not recognised.

    ## References
    - AWS Organizations User Guide, SCP examples: "Deny access to AWS based on the
      requested Region" (its `ArnNotLike` `aws:PrincipalARN` exemption).
    - IAM User Guide, "Condition operators" (wildcards only in `...Like` and ARN operators)
      and "AWS global condition context keys" (`aws:PrincipalArn`).
    """

    code = "SCP203"
    name = "region-deny-without-break-glass"
    summary = "A Region deny exempts no principal, or its exemption can never match"
    severity = Severity.WARNING

    valid = (
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "Resource": "*",'
            ' "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"]},'
            ' "ArnNotLike": {"aws:PrincipalARN": ["arn:aws:iam::*:role/BreakGlass"]}}}]}'
        ),
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "ec2:RunInstances", "Resource": "*",'
            ' "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"]}}}]}'
        ),
    )
    invalid = (
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "Resource": "*",'
            ' "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"]}}}]}',
            message="exempts no principal",
            path=("Statement", 0, "Condition"),
        ),
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "Resource": "*",'
            ' "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"],'
            ' "aws:PrincipalArn": "arn:aws:iam::*:role/BreakGlass"}}}]}',
            message="literal under StringNotEquals",
            path=("Statement", 0, "Condition", "StringNotEquals", "aws:PrincipalArn"),
        ),
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*",'
            ' "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"]},'
            ' "ArnNotLike": {"aws:PrincipalArn": ["arn:aws:sts::*:assumed-role/Admin/*"]}}}]}',
            message="assumed-role",
        ),
        Example(
            '{"Version": "2012-10-17", "Statement": ['
            '{"Sid": "RegionDeny", "Effect": "Deny", "Action": "*", "Resource": "*",'
            ' "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"]}}},'
            '{"Sid": "BreakGlass", "Effect": "Allow", "Action": "*", "Resource": "*",'
            ' "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/BreakGlass"}}}]}',
            message="statement 'BreakGlass'",
        ),
    )

    def check_statement(self, statement, document):
        entries = region_entries(statement)
        if not statement.is_deny or not entries or not denies_every_service(statement):
            return
        if has_unresolved_condition(statement):
            yield self.undecided(document, statement.element_path("Condition"), f"the Condition of {statement.label} is not resolvable")
            return

        from scplint.catalog.regions import every_region
        from scplint.evaluate.conditions import regions_where_true

        if "*" in (statement.not_actions or ()):
            return  # NotAction "*" leaves nothing to deny
        denied = regions_where_true(entries, every_region())
        if denied is None or not denied or _policy_variable_in(entries):
            return  # denies in no Region, or the Region depends on the principal

        principal_entries = [entry for entry in statement.conditions if is_principal_key(entry.key)]
        if len(principal_entries) + len(entries) < len(statement.conditions):
            return  # narrowed by another request property, such as aws:SourceVpc: not a plain Region deny
        problems = []
        for entry in principal_entries:
            if entry_has_placeholder(entry):
                yield self.undecided(document, entry.path, f"the exemption {entry.operator} {entry.key} in {statement.label} is not resolvable")
                return
            reason = _never_matches(entry)
            if reason is None:
                return  # an effective exemption
            problems.append((entry, reason))

        for entry, reason in problems:
            yield self.report(
                document, entry.path,
                f"{statement.label} is a Region deny whose only principal exemption never matches: {reason}",
                key=True,
            )
        if problems:
            return

        # An Allow that names principals next to a Region deny is a misplaced exemption.
        elsewhere = [
            other for other in document.statements
            if other is not statement and other.is_allow and any(is_principal_key(entry.key) for entry in other.conditions)
        ]
        if elsewhere:
            labels = ", ".join(other.label for other in elsewhere)
            yield self.report(
                document, statement.element_path("Condition"),
                f"{statement.label} is a Region deny that exempts no principal; the principal condition in {labels} "
                f"cannot lift it, because a Deny applies whenever its own condition matches. Move the "
                f"aws:PrincipalArn test into this statement's Condition block",
                key=True,
            )
            return
        yield self.report(
            document, statement.element_path("Condition"),
            f"{statement.label} is a Region deny that exempts no principal, so no break-glass or automation role "
            f"can act outside the allowed Regions; add an ArnNotLike test on aws:PrincipalArn to its Condition",
            key=True,
        )


def _policy_variable_in(entries) -> bool:
    return any(isinstance(value, str) and "${" in value for entry in entries for value in entry.values)


def _never_matches(entry) -> str | None:
    """Explain why no value of a principal condition can match a real request, or return None."""
    operator = entry.base_operator
    if operator == "Null":
        return _null_never_matches(entry)
    reasons = []
    for value in entry.values:
        if not isinstance(value, str):
            reasons.append(f"{value!r} is not a string")
            continue
        reason = _value_never_matches(entry, operator, value)
        if reason is None:
            return None
        reasons.append(reason)
    if not reasons:
        return f"{entry.operator} {entry.key} has no values"
    return "; ".join(reasons)


def _value_never_matches(entry, operator: str, value: str) -> str | None:
    key = entry.key_lower
    if key in ARN_KEYS:
        if value.startswith("arn:") and ":sts::" in value and ":assumed-role/" in value:
            return (
                f"{value!r} is an STS assumed-role ARN, but {entry.key} holds the role's IAM ARN "
                f"(arn:aws:iam::ACCOUNT:role/NAME)"
            )
        if not value.startswith("arn:") and value != "*":
            return f"{value!r} is not an ARN, and {entry.key} holds one"
    if operator in STRING_EXACT_OPERATORS and ("*" in value or "?" in value):
        like = "ArnNotLike" if key in ARN_KEYS else "StringNotLike"
        return f"the wildcard in {value!r} is literal under {operator}; use {like}"
    return None


def _null_never_matches(entry) -> str | None:
    """Explain why a Null test on a principal key exempts nobody, or return None.

    ``aws:PrincipalArn`` and the other always-present keys are in every signed request,
    so ``Null: false`` holds for every principal and exempts nobody. ``Null: true`` makes
    the statement apply to no request, which is not a missing exemption.
    """
    from scplint.catalog.condition_keys import global_key

    known = global_key(entry.key)
    if known is None or not known.always_present:
        return None
    if all(str(value).lower() == "false" for value in entry.values):
        return f"Null false on {entry.key} holds for every signed request, because every request carries that key"
    return None
