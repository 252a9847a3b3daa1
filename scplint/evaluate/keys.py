"""Condition keys as the catalog describes them: types, multivalued keys, suggestions.

Shared by the condition rules (SCP103 to SCP108).
"""

from __future__ import annotations

import difflib
import re
from typing import Iterator

from scplint.model import ConditionEntry, Statement, is_placeholder

# Templated key names: ``aws:ResourceTag/${TagKey}`` in most services, and
# ``s3:ExistingObjectTag/<key>`` in the S3 tables of the Service Authorization Reference.
_TEMPLATE_VARIABLE = re.compile(r"\$\{[^}]*\}|<[^>]*>")
KEY_SUGGESTION_CUTOFF = 0.75


def literal_entries(statement: Statement) -> Iterator[ConditionEntry]:
    """Yield the condition entries whose operator and key are written out, not placeholders."""
    for entry in statement.conditions:
        if is_placeholder(entry.operator) or is_placeholder(entry.key):
            continue
        if "${" in entry.key or "{{" in entry.key:
            continue
        yield entry


def _angle_template_type(key: str) -> str | None:
    """Find the type of a key that matches an ``s3:ExistingObjectTag/<key>`` style template."""
    from scplint.catalog import iam

    prefix = key.partition(":")[0]
    for record in iam.condition_keys_of(prefix).values():
        name = record.get("key", "")
        if "<" not in name:
            continue
        literals = _TEMPLATE_VARIABLE.split(name)
        regex = ".+".join(re.escape(part) for part in literals)
        if re.fullmatch(regex, key, re.IGNORECASE):
            return record.get("type")
    return None


def key_type(key: str) -> str | None:
    """Return IAM's type of a condition key (String, ARN, ArrayOfString, ...), or None if unknown."""
    from scplint.catalog import iam

    if not isinstance(key, str):
        return None
    found = iam.condition_key_type(key)
    if found is not None:
        return found
    return _angle_template_type(key)


def is_multivalued(key: str) -> bool | None:
    """Tell whether a key can carry several values in one request, or None if unknown."""
    from scplint.catalog.condition_keys import global_key

    known = global_key(key)
    if known is not None:
        return known.multivalued
    found = key_type(key)
    if found is None:
        return None
    return found.startswith("ArrayOf")


def _candidate_names(prefix: str) -> list[str]:
    from scplint.catalog import iam
    from scplint.catalog.condition_keys import all_global_keys

    if prefix == "aws":
        return [key.name for key in all_global_keys()]
    return [record["key"] for record in iam.condition_keys_of(prefix).values() if "key" in record]


def suggest_key(key: str) -> str | None:
    """Return the documented key closest to ``key`` within its prefix, or None if none is close.

    A templated candidate takes the text after the slash from ``key``, so
    ``aws:PrincipalTags/team`` gives ``aws:PrincipalTag/team``.
    """
    prefix = key.partition(":")[0].lower()
    _, slash, tail = key.partition("/")
    options: dict[str, str] = {}
    for name in _candidate_names(prefix):
        match = _TEMPLATE_VARIABLE.search(name)
        if match is not None and slash and name[: match.start()].endswith("/"):
            display = name[: match.start()] + tail
        else:
            display = name
        options.setdefault(display.lower(), display)
    close = difflib.get_close_matches(key.lower(), sorted(options), n=1, cutoff=KEY_SUGGESTION_CUTOFF)
    return options[close[0]] if close else None
