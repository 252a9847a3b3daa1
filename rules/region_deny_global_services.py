"""SCP202 region-deny-blocks-global-services."""

from scplint.evaluate.region_deny import Unresolvable, analyse
from scplint.evaluate.statements import region_entries
from scplint.rule import Example, Rule, Severity

MAX_NAMED = 8
# Named first in messages, in this order: the services whose loss locks teams out.
PRIORITY = ("sts", "iam", "organizations", "support", "route53", "cloudfront")


class RegionDenyBlocksGlobalServices(Rule):
    """
    ## What it does
    Works out, from a Deny statement's `aws:RequestedRegion` condition, in which Regions
    the statement applies (exact lists, `StringNotLike` patterns such as `eu-*`, negated
    operators with several values, `IfExists`), and reports the global services whose
    requests carry a Region where it applies and whose actions its `Action` or
    `NotAction` does not exempt.

    Requests to IAM, Organizations, Route 53, CloudFront, Support, STS through its global
    endpoint and other global services carry `aws:RequestedRegion` `us-east-1`; Global
    Accelerator and Network Manager carry `us-west-2`. A statement that allows
    `us-east-1` therefore does not block IAM, and a statement whose `Action` names no
    global service is not a problem for this rule.

    When CloudFront is exempted but `us-east-1` is denied, the rule also reports `acm` and
    `kms` if they are not exempted: CloudFront uses certificates and keys in `us-east-1`.

    ## Why it matters
    A Region deny copied from an identity-policy example (exempting only `cloudfront`,
    `iam`, `route53` and `support`) and attached to an OU denies `sts:AssumeRole` through
    the global endpoint and every Organizations call in every account below it, with
    `AccessDeniedException ... explicit deny in a service control policy`.

    ## Example
    ```json
    {"Effect": "Deny", "NotAction": ["cloudfront:*", "iam:*", "route53:*", "support:*"],
     "Resource": "*", "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"]}}}
    ```

    ## Use instead
    Exempt the global services in `NotAction`, as AWS's example does (`sts:*`,
    `organizations:*`, `budgets:*`, `globalaccelerator:*` and the rest), or allow
    `us-east-1` (and `us-west-2` for Global Accelerator and Network Manager).

    ## Known problems
    The table of global services is compiled from AWS's endpoint data and documentation
    and may lag behind new global services. Conditions on keys other than
    `aws:RequestedRegion` are assumed to be satisfiable, so a statement that also
    requires a principal tag is reported for the principals it does apply to. A Region
    restriction written as an Allow that replaces `FullAWSAccess` is not analysed,
    because its effect depends on the other SCPs attached at the same level. The table
    covers the commercial partition; Region lists that name only GovCloud or China
    Regions are skipped.

    ## References
    - AWS Organizations User Guide, "Deny access to AWS based on the requested Region"
      (SCP examples).
    - IAM User Guide, "AWS global condition context keys": `aws:RequestedRegion`.
    - IAM User Guide, "Manage AWS STS in an AWS Region" (global endpoint requests).
    """

    code = "SCP202"
    name = "region-deny-blocks-global-services"
    summary = "A Region deny leaves global services denied"
    severity = Severity.ERROR

    valid = (
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "ec2:*", "Resource": "*",'
            ' "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"]}}}]}'
        ),
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*",'
            ' "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "us-west-2", "eu-west-1"]}}}]}'
        ),
    )
    invalid = (
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "NotAction": ["cloudfront:*", "iam:*", "route53:*", "support:*"],'
            ' "Resource": "*", "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"]}}}]}',
            message="sts, organizations",
            path=("Statement", 0, "NotAction"),
        ),
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*",'
            ' "Condition": {"StringNotLike": {"aws:RequestedRegion": ["eu-*"]}}}]}',
            message="iam",
        ),
    )

    def check_statement(self, statement, document):
        try:
            analysis = analyse(statement, document.kind)
        except Unresolvable:
            yield self.undecided(
                document, region_entries(statement)[0].path,
                f"the Regions that {statement.label} allows are not resolvable",
                statement,
            )
            return
        if analysis is None:
            return
        path = statement.element_path("NotAction" if statement.not_actions is not None else "Action")

        blocked = sorted(
            (service for service in analysis.blocked if service.in_aws_example),
            key=lambda service: (PRIORITY.index(service.prefix) if service.prefix in PRIORITY else len(PRIORITY), service.prefix),
        )
        if blocked:
            regions = sorted({region for service in blocked for region in service.regions})
            names = [service.label for service in blocked[:MAX_NAMED]]
            more = f" and {len(blocked) - MAX_NAMED} more" if len(blocked) > MAX_NAMED else ""
            allowed_text = _describe_allowed(analysis.allowed_regions, regions)
            yield self.report(
                document, path,
                f"{statement.label} {allowed_text}, so it denies global services whose requests carry "
                f"aws:RequestedRegion {' or '.join(regions)}: {', '.join(names)}{more}; "
                f"exempt them in NotAction or allow {' and '.join(regions)}",
                key=True,
            )

        if analysis.missing_companions:
            missing = analysis.missing_companions
            yield self.report(
                document, path,
                f"{statement.label} exempts cloudfront but denies {', '.join(missing)} in us-east-1, "
                f"where CloudFront reads certificates and keys; exempt {', '.join(f'{name}:*' for name in missing)} too",
                severity=Severity.WARNING, key=True,
            )


def _describe_allowed(allowed: tuple[str, ...], blocked_regions: list[str]) -> str:
    if not allowed:
        return "allows no Region"
    if len(allowed) <= MAX_NAMED:
        return f"allows only {', '.join(allowed)}"
    return f"allows {len(allowed)} Regions but not {' or '.join(blocked_regions)}"
