"""The analysis of a Region-deny statement: the global services it blocks.

Shared by SCP202 (services that AWS's own Region-deny example exempts) and SCP205 (other
services that AWS's endpoint data lists as global).
"""

from __future__ import annotations

from dataclasses import dataclass

from scplint.evaluate.statements import coverage, entry_has_placeholder, has_unresolved_condition, region_entries
from scplint.model import Statement


@dataclass(frozen=True)
class BlockedService:
    prefix: str
    region: str
    denied_actions: int
    total_actions: int
    in_aws_example: bool

    @property
    def label(self) -> str:
        if self.denied_actions == self.total_actions:
            return self.prefix
        return f"{self.prefix} ({self.denied_actions} of {self.total_actions} actions)"


@dataclass(frozen=True)
class RegionDenyAnalysis:
    # Regions (of the commercial partition and the global services' Regions) where the
    # statement's Region condition holds, so the Deny applies there.
    denied_regions: frozenset[str]
    allowed_regions: tuple[str, ...]
    blocked: tuple[BlockedService, ...]
    exempted: frozenset[str]
    missing_companions: tuple[str, ...]


class Unresolvable(Exception):
    """The Region condition depends on a placeholder value."""


def analyse(statement: Statement) -> RegionDenyAnalysis | None:
    """Analyse a Deny statement with an ``aws:RequestedRegion`` condition; None for others.

    Raises Unresolvable when a placeholder decides which Regions are allowed. The result
    is kept in ``statement.memo``, since SCP202 and SCP205 both ask.
    """
    if "region_deny" not in statement.memo:
        try:
            statement.memo["region_deny"] = _analyse(statement)
        except Unresolvable as error:
            statement.memo["region_deny"] = error
    outcome = statement.memo["region_deny"]
    if isinstance(outcome, Unresolvable):
        raise outcome
    return outcome


def _analyse(statement: Statement) -> RegionDenyAnalysis | None:
    entries = region_entries(statement)
    if not statement.is_deny or not entries:
        return None
    if has_unresolved_condition(statement) or any(entry_has_placeholder(entry) for entry in entries):
        raise Unresolvable()

    from scplint.catalog import iam
    from scplint.catalog.global_services import companion_services, global_services
    from scplint.catalog.regions import all_regions
    from scplint.evaluate.conditions import regions_where_true

    services = global_services()
    candidates = sorted(set(all_regions()) | {service.region for service in services})
    denied = regions_where_true(entries, candidates)
    if denied is None:
        raise Unresolvable()

    blocked: list[BlockedService] = []
    exempted: set[str] = set()
    for service in services:
        if service.region not in denied:
            continue
        result = coverage(statement, _expand(iam, service.actions))
        if not result.applies:
            exempted.add(service.prefix)
            continue
        blocked.append(
            BlockedService(service.prefix, service.region, len(result.applies), result.total, service.in_aws_example)
        )

    missing: list[str] = []
    if "cloudfront" in exempted:
        for companion in companion_services():
            if companion.region in denied and coverage(statement, _expand(iam, companion.actions)).applies:
                missing.append(companion.prefix)

    return RegionDenyAnalysis(
        denied_regions=frozenset(denied),
        allowed_regions=tuple(region for region in candidates if region not in denied),
        blocked=tuple(blocked),
        exempted=frozenset(exempted),
        missing_companions=tuple(missing),
    )


def _expand(iam, patterns) -> tuple[str, ...]:
    actions: list[str] = []
    for pattern in patterns:
        actions.extend(iam.expand_action_pattern(pattern))
    return tuple(dict.fromkeys(actions))
