"""Questions about whole statements that several guardrail rules ask.

These combine the action matcher, the condition evaluator and the catalog. Each function
judges the statement as AWS evaluates it. Where a placeholder makes the result unknowable,
it returns None or flags the result as uncertain, and the caller reports "cannot decide".
"""

from __future__ import annotations

from dataclasses import dataclass

from scplint.model import ConditionEntry, Statement, is_placeholder

REGION_KEY = "aws:requestedregion"

# Context keys that identify or describe the calling principal. A condition on one of
# them in a Deny exempts (or singles out) principals, not requests.
PRINCIPAL_KEYS = frozenset(
    {
        "aws:principalarn",
        "aws:principalaccount",
        "aws:principalorgid",
        "aws:principalorgpaths",
        "aws:principaltype",
        "aws:principalisawsservice",
        "aws:principalservicename",
        "aws:principalservicenameslist",
        "aws:userid",
        "aws:username",
        "aws:sourceidentity",
        "aws:federatedprovider",
        "aws:assumedroot",
    }
)
PRINCIPAL_KEY_PREFIXES = ("aws:principaltag/",)


def is_principal_key(key: str) -> bool:
    key = key.lower()
    return key in PRINCIPAL_KEYS or key.startswith(PRINCIPAL_KEY_PREFIXES)


def region_entries(statement: Statement) -> list[ConditionEntry]:
    return statement.conditions_on(REGION_KEY)


def has_unresolved_condition(statement: Statement) -> bool:
    """Tell whether the Condition block, or a key or operator in it, is a placeholder."""
    block = statement.data.get("Condition")
    if block is None:
        return False
    if not isinstance(block, dict):
        return True
    for operator, tests in block.items():
        if is_placeholder(operator) or not isinstance(tests, dict):
            return True
        if any(is_placeholder(key) for key in tests):
            return True
    return False


def entry_has_placeholder(entry: ConditionEntry) -> bool:
    return any(is_placeholder(value) for value in entry.values)


def resource_exception_note(statement: Statement) -> str:
    """Describe a NotResource exception for messages, or return "" when there is none."""
    excluded = statement.not_resources
    if not excluded:
        return ""
    shown = ", ".join(repr(resource) for resource in excluded[:2])
    more = f" and {len(excluded) - 2} more" if len(excluded) > 2 else ""
    return f" except {shown}{more} (NotResource)"


def covers_all_resources(statement: Statement, *, allow_not_resource: bool = False) -> bool:
    """Tell whether the statement applies to every resource (``Resource: "*"`` or absent).

    With ``allow_not_resource``, a ``NotResource`` statement counts too: it applies to
    every resource but the few it names.
    """
    if statement.not_resources is not None:
        return allow_not_resource and statement.resources is None
    resources = statement.resources
    return resources is None or "*" in resources


@dataclass(frozen=True)
class ActionCoverage:
    """The subset of some actions that a statement's Action or NotAction applies to."""

    applies: tuple[str, ...]
    total: int
    # True when an Action/NotAction entry is a placeholder, so the subset may be wrong.
    uncertain: bool


def coverage(statement: Statement, actions: tuple[str, ...]) -> ActionCoverage:
    """Return the subset of ``actions`` ("prefix:Name") that the statement applies to."""
    from scplint.evaluate.actions import matches_any

    if statement.not_actions is not None:
        patterns = statement.not_actions
        literal = [pattern for pattern in patterns if not is_placeholder(pattern)]
        applies = tuple(action for action in actions if not matches_any(literal, action))
    else:
        patterns = statement.actions or []
        literal = [pattern for pattern in patterns if not is_placeholder(pattern)]
        applies = tuple(action for action in actions if matches_any(literal, action))
    return ActionCoverage(applies, len(actions), uncertain=len(literal) != len(patterns))


def denies_every_service(statement: Statement) -> bool:
    """Tell whether a Deny reaches every service: ``Action: "*"`` or any ``NotAction``."""
    if statement.not_actions is not None:
        return True
    return any(action in ("*", "*:*") for action in statement.actions or ())
