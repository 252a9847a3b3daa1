"""SCP401 redundant-action."""

from __future__ import annotations

from scplint.model import is_placeholder
from scplint.rule import Example, Rule, Severity

ACTION_ELEMENTS = ("Action", "NotAction")


class RedundantAction(Rule):
    """
    ## What it does
    Reports an entry of an `Action` or `NotAction` list that another entry of the same
    list already covers. That is an exact duplicate, ignoring case as IAM does
    (`s3:GetObject` and `S3:getobject`), or an entry that a wildcard entry matches in full
    (`s3:GetObject` next to `s3:Get*`, `s3:Get*` next to `s3:*`). The message names both
    entries. Of two duplicates, the later one is reported.

    ## Why it matters
    A redundant entry changes nothing, but it costs characters of the size limit and
    suggests an intent the statement does not have, for example that only `s3:GetObject`
    is exempted when `s3:*` already exempts the whole service.

    ## Example
    ```json
    {"Effect": "Deny", "NotAction": ["iam:*", "iam:PassRole", "sts:*"], "Resource": "*"}
    ```

    ## Use instead
    ```json
    {"Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "Resource": "*"}
    ```

    ## References
    - IAM User Guide, "IAM JSON policy elements: Action" (case-insensitive names, `*` and
      `?` wildcards).
    """

    code = "SCP401"
    name = "redundant-action"
    summary = "An Action or NotAction entry is covered by another entry of the same list"
    severity = Severity.NOTE

    valid = (
        Example('{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": ["s3:Get*", "s3:Put*", "ec2:RunInstances"], "Resource": "*"}]}'),
    )
    invalid = (
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "NotAction": ["iam:*", "iam:PassRole", "sts:*"], "Resource": "*"}]}',
            message="'iam:PassRole' is already covered by 'iam:*'",
            path=("Statement", 0, "NotAction", 1),
        ),
        Example(
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": ["s3:GetObject", "ec2:RunInstances", "S3:getobject"], "Resource": "*"}]}',
            message="'S3:getobject' duplicates 's3:GetObject'",
            path=("Statement", 0, "Action", 2),
        ),
    )

    def check_statement(self, statement, document):
        from scplint.evaluate.actions import pattern_subsumes

        for element in ACTION_ELEMENTS:
            values = statement.strings(element)
            if not values:
                continue
            entries = [(index, value) for index, value in enumerate(values) if not is_placeholder(value)]
            # Only entries of the same service, or with a wildcard in the service part, can
            # cover each other, so compare within those groups instead of all pairs.
            by_service: dict[str, list[tuple[int, str]]] = {}
            wildcard_services: list[tuple[int, str]] = []
            for index, value in entries:
                service = _service_of(value)
                if service is None:
                    wildcard_services.append((index, value))
                else:
                    by_service.setdefault(service, []).append((index, value))
            first_by_text: dict[str, tuple[int, str]] = {}
            for index, value in entries:
                earlier = first_by_text.setdefault(value.lower(), (index, value))
                if earlier[0] != index:
                    yield self.report(
                        document, statement.element_path(element, index),
                        f"{statement.label}: {element} entry {value!r} duplicates {earlier[1]!r} "
                        f"(action names ignore case); remove it",
                    )
                    continue
                service = _service_of(value)
                if service is None:
                    candidates = entries
                elif _is_literal(value):
                    # A literal can be covered only by a pattern; literal twins are duplicates.
                    candidates = [(i, v) for i, v in by_service[service] if not _is_literal(v)] + wildcard_services
                else:
                    candidates = by_service[service] + wildcard_services
                for other_index, other in candidates:
                    if other_index == index or value.lower() == other.lower():
                        continue
                    if not pattern_subsumes(other, value):
                        continue
                    if pattern_subsumes(value, other) and other_index > index:
                        continue  # equivalent patterns: report the later one only
                    yield self.report(
                        document, statement.element_path(element, index),
                        f"{statement.label}: {element} entry {value!r} is already covered by {other!r}; remove it",
                    )
                    break


def _is_literal(value: str) -> bool:
    return "*" not in value and "?" not in value


def _service_of(value: str) -> str | None:
    """Return the lowercased service prefix, or None when it has a wildcard or is missing."""
    service, colon, _ = value.partition(":")
    if not colon or "*" in service or "?" in service:
        return None
    return service.lower()
