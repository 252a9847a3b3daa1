"""SCP205 region-deny-misses-global-services."""

from scplint.evaluate.region_deny import Unresolvable, analyse
from scplint.rule import Example, Rule, Severity


class RegionDenyMissesGlobalServices(Rule):
    """
    ## What it does
    Reports global services that a Region deny blocks but that AWS's own Region-deny
    example does not exempt either: services whose only endpoint AWS's SDK endpoint data
    (botocore) places in `us-east-1`, such as `account`, `billingconductor`,
    `notifications-contacts`, `savingsplans` and `tax`. SCP202 reports the services that
    AWS's example exempts; this rule, at note level, reports the rest.

    ## Why it matters
    AWS's example says its list "might not include all of the latest global services".
    Teams that copy it find out later that, for example, the Account Management API
    (`account:GetContactInformation`) or Savings Plans purchases fail in every account.

    ## Example
    AWS's current example, which exempts `aws-portal:*` and `budgets:*` but not
    `account:*` or `savingsplans:*`, with `eu-central-1` and `eu-west-1` allowed.

    ## Use instead
    Add the services your organisation uses to `NotAction`, for example `account:*`,
    `savingsplans:*`, `tax:*`, as Control Tower's Region deny control does.

    ## Known problems
    Whether a team needs these services varies, so the rule reports at note level and
    `--fail-on warning` ignores it.

    ## References
    - AWS Organizations User Guide, "Deny access to AWS based on the requested Region".
    - AWS Control Tower Controls Reference, "Deny access to AWS based on the requested
      AWS Region" (its longer NotAction list).
    """

    code = "SCP205"
    name = "region-deny-misses-global-services"
    summary = "A Region deny blocks global services that AWS's example list also misses"
    severity = Severity.NOTE

    valid = (
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "ec2:*", "Resource": "*",'
            ' "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"]}}}]}'
        ),
    )
    invalid = (
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "NotAction": ["iam:*", "sts:*", "organizations:*"],'
            ' "Resource": "*", "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"]}}}]}',
            message="account",
            path=("Statement", 0, "NotAction"),
        ),
    )

    def check_statement(self, statement, document):
        try:
            analysis = analyse(statement, document.kind)
        except Unresolvable:
            return  # SCP202 reports that it cannot decide
        if analysis is None:
            return
        others = [service for service in analysis.blocked if not service.in_aws_example]
        if not others:
            return
        names = ", ".join(service.label for service in others)
        yield self.report(
            document, statement.element_path("NotAction" if statement.not_actions is not None else "Action"),
            f"{statement.label} also denies global services that AWS's Region-deny example does not exempt: "
            f"{names}; exempt the ones your accounts use",
            key=True,
        )
