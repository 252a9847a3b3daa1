"""Services whose requests carry an ``aws:RequestedRegion`` other than the caller's Region.

IAM, Organizations, CloudFront and the other services in ``data/global_services.json`` are
served from one endpoint per partition. A request to them is signed for, and evaluated in,
that endpoint's Region (us-east-1 for most, us-west-2 for Global Accelerator and Network
Manager), whatever Region the caller works in. A Region-deny SCP that neither allows that
Region nor exempts the service's actions in ``NotAction`` therefore denies the service.

Each entry names its source; the table lists only services with a stated source. Regional
services that AWS's Region-deny example exempts for other reasons (kms, acm, config,
ec2:Describe*) are not global. The two that CloudFront needs in us-east-1 are listed
separately by ``companion_services()``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from scplint.catalog import iam, load_data
from scplint.evaluate.actions import compile_action_pattern


@dataclass(frozen=True)
class GlobalService:
    """A service (or some of its actions) evaluated in one fixed Region.

    ``actions`` contains full Action patterns, such as ``("iam:*",)`` or
    ``("s3:ListAllMyBuckets", "s3:GetAccountPublic*")``.
    """

    prefix: str
    region: str
    actions: tuple[str, ...]
    source: str
    note: str = ""
    # True when AWS's own Region-deny example exempts the service. The others are global
    # by AWS's endpoint data but missing from that example.
    in_aws_example: bool = True


@dataclass(frozen=True)
class CompanionService:
    """A regional service that ``needed_with`` requires in ``region``.

    ``actions`` contains the Action patterns to exempt, such as ``("acm:*",)``.
    """

    prefix: str
    region: str
    needed_with: str
    reason: str
    source: str
    actions: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def _table() -> dict:
    return load_data("global_services.json")


def _source_text(key: str) -> str:
    return _table()["_source"].get(key, key)


def _full_pattern(prefix: str, pattern: str) -> str:
    return f"{prefix}:{pattern}" if ":" not in pattern else pattern


@lru_cache(maxsize=1)
def _global_services() -> tuple[GlobalService, ...]:
    services = []
    for entry in _table()["services"]:
        prefix = entry["prefix"]
        actions = tuple(_full_pattern(prefix, pattern) for pattern in entry.get("actions", ["*"]))
        services.append(
            GlobalService(
                prefix=prefix,
                region=entry["region"],
                actions=actions,
                source=_source_text(entry["source"]),
                note=entry.get("note", ""),
                in_aws_example=entry.get("in_aws_example", True),
            )
        )
    return tuple(sorted(services, key=lambda service: service.prefix))


def global_services() -> list[GlobalService]:
    """Return the global-service table, sorted by prefix."""
    return list(_global_services())


def global_service(prefix: str) -> GlobalService | None:
    """Return the entry for a service prefix (any case), or None if it is not global."""
    if not isinstance(prefix, str):
        return None
    for service in _global_services():
        if service.prefix == prefix.lower():
            return service
    return None


def companion_services() -> list[CompanionService]:
    """Return the regional services that a global service needs in its own Region."""
    return [
        CompanionService(
            prefix=entry["prefix"],
            region=entry["region"],
            needed_with=entry["needed_with"],
            reason=entry["reason"],
            source=_source_text(entry["source"]),
            actions=(f"{entry['prefix']}:*",),
        )
        for entry in _table()["companions"]
    ]


def unexempted_actions(service: GlobalService, exemptions: Iterable[str]) -> tuple[str, ...]:
    """Return the real actions of ``service`` that no pattern in ``exemptions`` matches.

    ``exemptions`` are Action patterns as written in a ``NotAction`` list. Non-string
    entries, such as unresolved template placeholders, are ignored.
    """
    regexes = [compile_action_pattern(p) for p in exemptions if isinstance(p, str) and p]
    uncovered: list[str] = []
    for pattern in service.actions:
        for action in iam.expand_action_pattern(pattern):
            if not any(regex.fullmatch(action) for regex in regexes):
                uncovered.append(action)
    return tuple(uncovered)


def unexempted_global_services(
    exemptions: Iterable[str],
) -> list[tuple[GlobalService, tuple[str, ...]]]:
    """Return each global service that ``exemptions`` leave partly or wholly denied.

    Each item pairs the service with its actions that no exemption matches, as
    ``prefix:Name`` strings. This reads the action files of the global services only.
    """
    patterns = list(exemptions)
    result = []
    for service in _global_services():
        uncovered = unexempted_actions(service, patterns)
        if uncovered:
            result.append((service, uncovered))
    return result
