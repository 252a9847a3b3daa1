"""AWS global condition keys (``aws:...``) with their types and availability.

The table in ``data/global_condition_keys.json`` follows the IAM User Guide page "AWS
global condition context keys". ``always_present`` matters for negated operators: a
``StringNotEquals`` on a key that a request lacks evaluates to true, so a Deny with such
a condition also denies every request without the key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from scplint.catalog import load_data

_TEMPLATE_VARIABLE = re.compile(r"\$\{[^}]*\}")


@dataclass(frozen=True)
class GlobalKey:
    """One global condition key as documented.

    ``name`` is the documented spelling, such as ``aws:PrincipalTag/${TagKey}`` for a
    templated key. ``type`` is IAM's data type (String, ARN, Bool, Date, IPAddress,
    Numeric, ArrayOfString). ``availability`` describes when requests carry the key.
    """

    name: str
    type: str
    multivalued: bool
    templated: bool
    always_present: bool
    availability: str


@lru_cache(maxsize=1)
def _keys() -> tuple[GlobalKey, ...]:
    table = load_data("global_condition_keys.json")
    return tuple(
        GlobalKey(
            name=entry["name"],
            type=entry["type"],
            multivalued=entry["multivalued"],
            templated=entry["templated"],
            always_present=entry["always_present"],
            availability=entry["availability"],
        )
        for entry in table["keys"]
    )


@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, GlobalKey], list[tuple[re.Pattern[str], GlobalKey]]]:
    exact: dict[str, GlobalKey] = {}
    templates: list[tuple[re.Pattern[str], GlobalKey]] = []
    for key in _keys():
        exact[key.name.lower()] = key
        if key.templated:
            literals = _TEMPLATE_VARIABLE.split(key.name)
            regex = ".+".join(re.escape(part) for part in literals)
            templates.append((re.compile(regex, re.IGNORECASE), key))
    return exact, templates


def all_global_keys() -> list[GlobalKey]:
    """Return every documented global condition key, sorted by name ignoring case."""
    return list(_keys())


def global_key(name: str) -> GlobalKey | None:
    """Find a global condition key by name, ignoring case.

    A templated key matches any non-empty text in place of its variable, so
    ``aws:principaltag/team`` returns the ``aws:PrincipalTag/${TagKey}`` entry.
    """
    if not isinstance(name, str):
        return None
    exact, templates = _index()
    found = exact.get(name.lower())
    if found is not None:
        return found
    for regex, key in templates:
        if regex.fullmatch(name):
            return key
    return None
