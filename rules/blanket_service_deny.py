"""SCP204 blanket-service-deny."""

from scplint.evaluate.statements import covers_all_resources, resource_exception_note
from scplint.model import is_placeholder
from scplint.rule import Example, Rule, Severity


class BlanketServiceDeny(Rule):
    """
    ## What it does
    Reports a Deny of a whole service (`rekognition:*`) or of everything (`*`) on all
    resources, or on all but the few a `NotResource` names, with no condition. The
    message names the service and how many actions it has.

    ## Why it matters
    Such a statement switches the service off for every principal, root users included,
    in every account below the attachment point, with no exemption for the platform team
    and no trace in the accounts' IAM. It is sometimes intended (a sandbox OU without
    machine learning services, a suspended-accounts OU with `Deny *`); the finding asks
    the author to confirm that intent, or to narrow the statement.

    ## Example
    ```json
    {"Effect": "Deny", "Action": "rekognition:*", "Resource": "*"}
    ```

    ## Use instead
    Deny only the actions that must not run, or add a condition that exempts the
    principals who need the service:
    ```json
    {"Effect": "Deny", "Action": "rekognition:*", "Resource": "*",
     "Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/MLPlatform"}}}
    ```
    Where the blanket deny is intended, suppress the finding for that file with
    `per-file-ignores`.

    ## References
    - AWS Organizations User Guide, "SCP evaluation" (an explicit Deny at any level wins).
    """

    code = "SCP204"
    name = "blanket-service-deny"
    summary = "A Deny switches off a whole service, or everything, for every principal"
    severity = Severity.WARNING

    valid = (
        Example('{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "rekognition:DeleteCollection", "Resource": "*"}]}'),
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "rekognition:*", "Resource": "*",'
            ' "Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/MLPlatform"}}}]}'
        ),
    )
    invalid = (
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": ["s3:GetObject", "rekognition:*"], "Resource": "*"}]}',
            message="rekognition",
            path=("Statement", 0, "Action", 1),
        ),
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}',
            message="every action of every service",
        ),
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "rekognition:*",'
            ' "NotResource": "arn:aws:rekognition:*:*:collection/approved"}]}',
            message="except 'arn:aws:rekognition:*:*:collection/approved' (NotResource)",
        ),
    )

    def check_statement(self, statement, document):
        actions = statement.actions
        if not statement.is_deny or actions is None or statement.has_condition or not covers_all_resources(statement, allow_not_resource=True):
            return

        from scplint.catalog import iam

        for index, action in enumerate(actions):
            if is_placeholder(action):
                continue
            path = statement.element_path("Action", index)
            if action in ("*", "*:*"):
                yield self.report(
                    document, path,
                    f"{statement.label} denies every action of every service on every resource"
                    f"{resource_exception_note(statement)} with no condition",
                )
                continue
            prefix, _, name = action.partition(":")
            if name != "*" or "*" in prefix or "?" in prefix or not iam.service_exists(prefix):
                continue
            count = len(iam.actions_of(prefix))
            yield self.report(
                document, path,
                f"{statement.label} denies all {count} actions of {prefix.lower()} ({action!r}) "
                f"on every resource{resource_exception_note(statement)} with no condition, "
                f"for every principal below the attachment point",
            )
