"""Loader for Landing Zone Accelerator on AWS (LZA) ``organization-config.yaml`` files.

The file contains no policy text. Each entry of ``serviceControlPolicies`` and
``resourceControlPolicies`` names a policy JSON file by a path relative to the LZA
configuration repository root, which is the directory of ``organization-config.yaml``, and
lists the OUs and accounts LZA attaches it to under ``deploymentTargets``. ``load`` returns
one ``PolicyReference`` per customer-managed entry and no documents; the engine loads the
referenced files.

Attachments read ``ou:<name>`` and ``account:<name>``. LZA names a nested OU by its path
from the root (``Workloads/Dev``) and the organization root as ``Root``, and those names are
kept as written. A target that is a template expression stays a ``Placeholder``.

The helpers below the LZA functions are shared with the CfCT loader.
"""

from __future__ import annotations

import os
import posixpath
from pathlib import Path
from typing import Any

from scplint.loaders import ParsedFile
from scplint.model import (
    LoadProblem,
    LoadResult,
    Placeholder,
    PolicyKind,
    PolicyReference,
    Span,
    as_list,
)
from scplint.model import (
    Path as DataPath,
)

# Top-level keys of organization-config.yaml that list policy files, and the policy type
# each one deploys.
POLICY_SECTIONS = {
    "serviceControlPolicies": PolicyKind.SCP,
    "resourceControlPolicies": PolicyKind.RCP,
}
# Keys under ``deploymentTargets`` that attach a policy, with their attachment prefixes.
# NOTE: ``excludedAccounts`` and ``excludedRegions`` are not read, because an SCP or RCP
# attached to an OU applies to every account in it and cannot leave one out.
TARGET_KEYS = (("organizationalUnits", "ou"), ("accounts", "account"))
POLICY_TYPES = ("customerManaged", "awsManaged")


def detect(parsed: ParsedFile) -> bool:
    """Tell whether the file is an LZA organization configuration.

    It is when ``serviceControlPolicies`` or ``resourceControlPolicies`` is an LZA policy
    list: empty, or holding at least one mapping with a ``policy`` or ``name`` key.
    """
    data = parsed.data
    if not isinstance(data, dict):
        return False
    found = False
    for section in POLICY_SECTIONS:
        if section not in data:
            continue
        entries = data[section]
        if entries is None:
            found = True
            continue
        if not isinstance(entries, list):
            return False
        if entries and not any(
            isinstance(entry, dict) and ("policy" in entry or "name" in entry)
            for entry in entries
        ):
            return False
        found = True
    return found


def load(parsed: ParsedFile, kind: PolicyKind) -> LoadResult:
    """Collect the policy files that an LZA organization configuration deploys.

    ``kind`` is not used: the section an entry sits in sets its policy type.
    """
    result = LoadResult()
    if not detect(parsed):
        result.skipped = "not an LZA organization configuration"
        return result

    notes: list[str] = []
    config_dir = parsed.path.parent
    for section, section_kind in POLICY_SECTIONS.items():
        entries = parsed.data.get(section)
        if not isinstance(entries, list):
            continue
        for index, entry in enumerate(entries):
            _load_entry(parsed, section, index, entry, section_kind, config_dir, result, notes)

    if not result.references and not result.problems:
        notes.insert(0, "LZA organization configuration lists no customer-managed SCP or RCP files")
    result.skipped = "; ".join(notes) or None
    return result


def _load_entry(
    parsed: ParsedFile,
    section: str,
    index: int,
    entry: Any,
    kind: PolicyKind,
    config_dir: Path,
    result: LoadResult,
    notes: list[str],
) -> None:
    entry_path: DataPath = (section, index)
    if not isinstance(entry, dict):
        result.problems.append(
            LoadProblem(
                "SCP001",
                f"{section} entry {index + 1} is not a mapping with name, policy and "
                "deploymentTargets",
                locate(parsed, entry_path),
            )
        )
        return
    label = describe_entry(section, index, entry.get("name"))

    policy_type = entry.get("type", "customerManaged")
    if policy_type not in POLICY_TYPES:
        result.problems.append(
            LoadProblem(
                "SCP001",
                f"{label} has invalid type {policy_type!r}; expected customerManaged or awsManaged",
                locate(parsed, entry_path + ("type",)),
            )
        )
        return
    if policy_type == "awsManaged":
        # An AWS managed policy such as FullAWSAccess has no file in the repository.
        notes.append(f"{label} is AWS managed and has no policy file to lint")
        return

    # NOTE: ``strategy`` (deny-list or allow-list) is not passed on, because
    # PolicyReference has no field for it.
    attachments = target_attachments(entry.get("deploymentTargets"), TARGET_KEYS)
    add_reference(
        parsed,
        entry_path + ("policy",),
        entry.get("policy"),
        base_dir=config_dir,
        kind=kind,
        attachments=attachments,
        label=label,
        result=result,
        notes=notes,
    )


# Helpers shared with the CfCT loader.


def locate(parsed: ParsedFile, path: DataPath) -> Span | None:
    """Find the span of a node of the configuration file, or of its nearest ancestor."""
    return parsed.source_map.locate(path)


def describe_entry(section: str, index: int, name: Any) -> str:
    """Name a list entry of a configuration file for messages."""
    if isinstance(name, str) and name:
        return f"{section} entry {name!r}"
    return f"{section} entry {index + 1}"


def is_unresolved(value: Any) -> bool:
    """Tell whether a configuration value is a template expression, not a literal.

    The deploy tool fills in expressions such as LZA's ``{{ name }}`` replacements, so
    their values are unknown here.
    """
    if isinstance(value, Placeholder):
        return True
    return isinstance(value, str) and any(marker in value for marker in ("{{", "${", "%{"))


def target_attachments(targets: Any, keys: tuple[tuple[str, str], ...]) -> list[str]:
    """Turn a deployment-target mapping into ``prefix:name`` attachment strings.

    Values that are not strings (an account ID written as a YAML integer) are converted
    with ``str``. A template expression becomes a ``Placeholder`` so rules do not read it as
    a real OU or account name.
    """
    attachments: list[str] = []
    if not isinstance(targets, dict):
        return attachments
    for key, prefix in keys:
        for name in as_list(targets.get(key)):
            if name is None or isinstance(name, (dict, list)):
                continue
            text = f"{prefix}:{name}"
            attachments.append(Placeholder(text) if is_unresolved(name) else text)
    return attachments


def add_reference(
    parsed: ParsedFile,
    value_path: DataPath,
    value: Any,
    *,
    base_dir: Path,
    kind: PolicyKind,
    attachments: list[str],
    label: str,
    result: LoadResult,
    notes: list[str],
) -> None:
    """Resolve one policy file path of a configuration file and record the outcome.

    Adds a ``PolicyReference`` when the file exists. Adds an SCP001 problem, because the
    deploy would fail, when the path is missing, is not a string or names no file. Adds a
    note when the path is a template expression that cannot be resolved statically.
    """
    span = locate(parsed, value_path)
    if is_unresolved(value):
        notes.append(f"{label} names its policy file by the expression {str(value)!r}")
        return
    if not isinstance(value, str) or not value.strip():
        result.problems.append(
            LoadProblem("SCP001", f"{label} has no policy file path", span)
        )
        return

    resolved = Path(os.path.normpath(base_dir.absolute() / value))
    if not resolved.is_file():
        display_path = posixpath.normpath(posixpath.join(posixpath.dirname(parsed.display), value))
        result.problems.append(
            LoadProblem(
                "SCP001", f"policy file not found: {display_path} (referenced as {value})", span
            )
        )
        return
    result.references.append(
        PolicyReference(
            path=str(resolved),
            kind=kind,
            attachments=tuple(attachments),
            source_file=parsed.display,
            span=span,
        )
    )
