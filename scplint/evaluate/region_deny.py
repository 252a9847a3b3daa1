"""The analysis of a Region-deny statement: the global services it blocks.

Shared by SCP202 (services that AWS's own Region-deny example exempts) and SCP205 (other
services that AWS's endpoint data lists as global).
"""

from __future__ import annotations

from dataclasses import dataclass

from scplint.evaluate.statements import coverage, entry_has_placeholder, has_unresolved_condition, region_entries
from scplint.model import PolicyKind, Statement, is_placeholder


@dataclass(frozen=True)
class BlockedService:
    prefix: str
    # The Regions its blocked requests carry; s3 has actions in two.
    regions: tuple[str, ...]
    # The denied actions ("prefix:Name") among those the table lists for the service.
    denied: tuple[str, ...]
    total_actions: int
    in_aws_example: bool
    # True when the table lists every action of the service, not a few account-level ones.
    whole_service: bool = True

    # Up to this many denied actions of a partly global service are named one by one.
    MAX_NAMED_ACTIONS = 3

    @property
    def label(self) -> str:
        if self.whole_service and len(self.denied) == self.total_actions:
            return self.prefix
        if len(self.denied) <= self.MAX_NAMED_ACTIONS:
            return ", ".join(self.denied)
        return f"{self.prefix} ({len(self.denied)} of {self.total_actions} actions)"


@dataclass(frozen=True)
class RegionDenyAnalysis:
    # Regions (of the commercial partition and the global services' Regions) where the
    # statement's Region condition holds, so the Deny applies there.
    denied_regions: frozenset[str]
    allowed_regions: tuple[str, ...]
    blocked: tuple[BlockedService, ...]
    exempted: frozenset[str]
    missing_companions: tuple[str, ...]


# Marks a memoised analysis that raised Unresolvable.
_UNRESOLVABLE = object()


class Unresolvable(Exception):
    """The Region condition depends on a placeholder value."""


def analyse(statement: Statement, kind: PolicyKind = PolicyKind.SCP) -> RegionDenyAnalysis | None:
    """Analyse a Deny statement with an ``aws:RequestedRegion`` condition; None for others.

    Raises Unresolvable when a placeholder decides which Regions are allowed. The result
    is kept in ``statement.memo``, since SCP202 and SCP205 both ask.
    """
    key = ("region_deny", kind)
    if key not in statement.memo:
        try:
            statement.memo[key] = _analyse(statement, kind)
        except Unresolvable:
            statement.memo[key] = _UNRESOLVABLE
            raise
    outcome = statement.memo[key]
    if outcome is _UNRESOLVABLE:
        raise Unresolvable()
    return outcome


def _analyse(statement: Statement, kind: PolicyKind) -> RegionDenyAnalysis | None:
    entries = region_entries(statement)
    if not statement.is_deny or not entries:
        return None
    if has_unresolved_condition(statement) or any(entry_has_placeholder(entry) for entry in entries):
        raise Unresolvable()
    if any(_has_policy_variable(entry) for entry in entries):
        raise Unresolvable()  # the allowed Region depends on the principal, such as a tag
    if _never_applies(statement) or not _names_commercial_regions(entries) or names_unknown_regions(entries):
        return None

    from scplint.catalog import iam
    from scplint.catalog.global_services import companion_services, global_services
    from scplint.catalog.regions import all_regions
    from scplint.evaluate.conditions import regions_where_true

    services = global_services()
    if kind is PolicyKind.RCP:
        governed = iam.rcp_supported_services()
        services = [service for service in services if service.prefix in governed]
    candidates = sorted(set(all_regions()) | {service.region for service in services})
    denied = regions_where_true(entries, candidates)
    if denied is None:
        raise Unresolvable()

    blocked: list[BlockedService] = []
    exempted: set[str] = set()
    if _resource_is_unresolved(statement):
        raise Unresolvable()
    for service in services:
        if service.region not in denied or not resources_may_include(statement, service.prefix):
            continue
        actions = _expand(iam, service.actions)
        if not _all_resources(statement):
            # A statement scoped to ARNs cannot match actions that only accept "*".
            actions = tuple(action for action in actions if iam.action_has_resource_types(action))
            if not actions:
                continue
        result = coverage(statement, actions)
        if result.uncertain:
            raise Unresolvable()
        if not result.applies:
            exempted.add(service.prefix)
            continue
        blocked.append(
            BlockedService(
                service.prefix,
                (service.region,),
                result.applies,
                result.total,
                service.in_aws_example,
                whole_service=service.actions == (f"{service.prefix}:*",),
            )
        )

    missing: list[str] = []
    if "cloudfront" in exempted:
        for companion in companion_services():
            if companion.region in denied and coverage(statement, _expand(iam, companion.actions)).applies:
                missing.append(companion.prefix)

    return RegionDenyAnalysis(
        denied_regions=frozenset(denied),
        allowed_regions=tuple(region for region in candidates if region not in denied),
        blocked=_merge_by_prefix(blocked),
        exempted=frozenset(exempted),
        missing_companions=tuple(missing),
    )


def _merge_by_prefix(blocked: list[BlockedService]) -> tuple[BlockedService, ...]:
    """Merge table entries of one service (s3 has one per Region) into one item per service."""
    merged: dict[str, BlockedService] = {}
    for service in blocked:
        earlier = merged.get(service.prefix)
        if earlier is None:
            merged[service.prefix] = service
            continue
        merged[service.prefix] = BlockedService(
            service.prefix,
            tuple(sorted(set(earlier.regions) | set(service.regions))),
            earlier.denied + service.denied,
            earlier.total_actions + service.total_actions,
            earlier.in_aws_example or service.in_aws_example,
            whole_service=earlier.whole_service and service.whole_service,
        )
    return tuple(merged.values())


def _has_policy_variable(entry) -> bool:
    return any(isinstance(value, str) and "${" in value for value in entry.values)


def _never_applies(statement: Statement) -> bool:
    """Tell whether a Null test requires a key that every signed request carries to be absent."""
    from scplint.catalog.condition_keys import global_key

    for entry in statement.conditions:
        if entry.base_operator != "Null" or entry.qualifier is not None:
            continue
        known = global_key(entry.key)
        if known is not None and known.always_present and any(str(value).lower() == "true" for value in entry.values):
            return True
    return False


def _names_commercial_regions(entries) -> bool:
    """Tell whether the Region values include commercial Regions or patterns, so that the
    table of us-east-1 and us-west-2 services applies.

    GovCloud and China have global endpoints of their own in other Regions, which the
    table does not describe, so a Region deny that names only their Regions is skipped.
    """
    from scplint.catalog.regions import region_partition

    partitions = set()
    for entry in entries:
        for value in entry.values:
            if not isinstance(value, str):
                continue
            partition = region_partition(value.lower())
            partitions.add(partition or "aws")
    return not partitions or "aws" in partitions


def names_unknown_regions(entries) -> bool:
    """Tell whether a literal Region value is no Region code; SCP206 reports those."""
    from scplint.catalog.regions import region_exists

    for entry in entries:
        if not entry.base_operator.startswith("String"):
            continue
        fold = entry.base_operator.endswith("IgnoreCase")
        for value in entry.values:
            if not isinstance(value, str) or is_placeholder(value) or "*" in value or "?" in value:
                continue
            if not region_exists(value.lower() if fold else value):
                return True
    return False


def _resource_is_unresolved(statement: Statement) -> bool:
    resources = statement.resources or []
    return "*" not in resources and any(is_placeholder(resource) for resource in resources)


def _all_resources(statement: Statement) -> bool:
    # Unlike covers_all_resources, NotResource counts here: the statement may still name
    # every resource of a global service, so its "*"-only actions stay in play.
    resources = statement.resources
    return resources is None or statement.not_resources is not None or "*" in resources


def resources_may_include(statement: Statement, service: str) -> bool:
    """Tell whether the statement's Resource can name resources of ``service``.

    ``Resource: "*"``, a missing Resource, ``NotResource`` and anything that is not an ARN
    count as yes; an ARN counts when its service field (``arn:aws:SERVICE:...``) matches.
    """
    from scplint.evaluate.actions import compile_action_pattern

    resources = statement.resources
    if resources is None or statement.not_resources is not None:
        return True
    for resource in resources:
        if is_placeholder(resource) or resource == "*":
            return True
        parts = resource.split(":", 3)
        if len(parts) < 4 or parts[0] != "arn":
            return True
        if compile_action_pattern(parts[2]).fullmatch(service):
            return True
    return False


def _expand(iam, patterns) -> tuple[str, ...]:
    actions: list[str] = []
    for pattern in patterns:
        actions.extend(iam.expand_action_pattern(pattern))
    return tuple(dict.fromkeys(actions))
