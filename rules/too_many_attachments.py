"""SCP301 too-many-attachments."""

from collections import defaultdict

from scplint.model import PolicyKind, is_placeholder
from scplint.rule import Example, Option, Rule, Scope, Severity

_TEMPLATE = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
{resources}"""
_RESOURCE = """  Policy{number}:
    Type: AWS::Organizations::Policy
    Properties:
      Name: guardrail-{number}
      Type: SERVICE_CONTROL_POLICY
      TargetIds: [ou-ab12-workload]
      Content:
        Version: "2012-10-17"
        Statement:
          - Effect: Deny
            Action: "ec2:DeleteVpc{number}"
            Resource: "*"
"""


def _template(count: int) -> str:
    return _TEMPLATE.format(resources="".join(_RESOURCE.format(number=number) for number in range(1, count + 1)))


class TooManyAttachments(Rule):
    """
    ## What it does
    Counts, across every file linted in the run, the policies that the repository
    attaches to each root, OU or account, as CloudFormation `TargetIds`, CDK
    `target_ids`, LZA `deploymentTargets` and CfCT `deployment_targets` name them, and
    reports a target with more than AWS allows: 10 SCPs, and 4 customer RCPs (5 minus
    the `RCPFullAWSAccess` that is always attached).

    ## Why it matters
    AWS rejects the attachment that goes over the quota (`You have attached the maximum
    number of policies to the specified target`, reason
    `MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED`), so the deployment fails halfway, with
    some guardrails attached and others not.

    ## Example
    Eleven `AWS::Organizations::Policy` resources of type `SERVICE_CONTROL_POLICY` with
    `TargetIds: [ou-ab12-workload]`.

    ## Use instead
    Merge policies that share a target (the size limit of 10,240 characters usually
    leaves room), or attach some of them to a parent OU, whose policies the child OU
    inherits without using its own slots.

    ## Known problems
    Targets are compared as written, so the same OU named by ID in one file and by name in
    another is counted twice as two targets; policies attached outside the repository
    (`FullAWSAccess`, Control Tower's own SCPs) are not counted. Both make the rule report
    less, never more. Attachments written as unresolved values are skipped.

    ## References
    - AWS Organizations User Guide, "Quotas and service limits": 10 SCPs and 5 RCPs per
      root, OU or account (SCPs raised from 5 on 2026-05-15).
    """

    code = "SCP301"
    name = "too-many-attachments"
    summary = "More policies are attached to one target than AWS allows"
    severity = Severity.ERROR
    scope = Scope.RUN
    options = (
        Option("max_scps", int, 10, "SCPs allowed per root, OU or account", minimum=1),
        Option("max_rcps", int, 4, "customer RCPs allowed per target, besides RCPFullAWSAccess", minimum=1),
    )

    valid = (Example(_template(3)),)
    invalid = (Example(_template(3), message="3 SCPs are attached to ou-ab12-workload", options={"max_scps": 2}),)

    def check_run(self, documents):
        attached = defaultdict(dict)
        for document in documents:
            for target in document.attachments:
                if is_placeholder(target):
                    continue
                # One policy can reach a target through several references: count it once.
                attached[(document.kind, target)].setdefault((document.file, document.name), document)

        for (kind, target), policies in sorted(attached.items(), key=lambda item: (item[0][0].value, item[0][1])):
            limit = self.settings["max_rcps"] if kind is PolicyKind.RCP else self.settings["max_scps"]
            if len(policies) <= limit:
                continue
            over = list(policies.values())[limit]
            names = ", ".join(document.name or document.file for document in list(policies.values())[:4])
            more = f" and {len(policies) - 4} more" if len(policies) > 4 else ""
            yield self.report(
                over, (),
                f"{len(policies)} {kind.value}s are attached to {target} in this repository, over the limit of {limit}: "
                f"{names}{more}; merge policies or attach some to a parent OU",
            )
