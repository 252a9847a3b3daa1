"""Loader for Customizations for AWS Control Tower (CfCT) ``manifest.yaml`` files.

The manifest contains no policy text. It names policy JSON files by paths relative to the
manifest's directory and the OUs CfCT attaches them to. CfCT reads two manifest versions
(``source/src/cfct/manifest/manifest_parser.py`` in aws-solutions/aws-control-tower-customizations):

- ``2021-03-15``: ``resources`` entries with ``deploy_method: scp`` or ``rcp``, a
  ``resource_file`` and ``deployment_targets.organizational_units``. CfCT attaches SCPs and
  RCPs to OUs only and ignores ``deployment_targets.accounts`` for them. A nested OU is
  written as its path from the root with ``:`` separators (``Workloads:Dev``), and CfCT
  attaches the policy to the last OU of the path.
- ``2020-01-01``: ``organization_policies`` entries (always SCPs) with a ``policy_file`` and
  ``apply_to_accounts_in_ou``.

``load`` returns one ``PolicyReference`` per SCP or RCP entry and no documents. Attachments
read ``ou:<name>``, with nested OU paths written with ``/`` as LZA writes them
(``ou:Workloads/Dev``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scplint.loaders import ParsedFile
from scplint.loaders.lza import add_reference, describe_entry, is_unresolved, locate
from scplint.model import LoadProblem, LoadResult, Placeholder, PolicyKind, as_list
from scplint.model import Path as DataPath

VERSION_1 = "2020-01-01"
VERSION_2 = "2021-03-15"
# ``deploy_method`` values of version 2 resources that deploy Organizations policies.
METHOD_KINDS = {"scp": PolicyKind.SCP, "rcp": PolicyKind.RCP}
# CfCT stages a resource file from S3 or HTTP when its path starts with "s3" or "http"
# in any case, even a relative path such as "s3-policies/deny.json"
# (source/src/cfct/manifest/stage_to_s3.py).
REMOTE_PREFIXES = ("s3", "http")


def detect(parsed: ParsedFile) -> bool:
    """Tell whether the file is a CfCT manifest.

    It is when it has a top-level ``region`` or ``version`` and either lists CfCT
    resources (``resources`` entries with ``deploy_method``, version 1
    ``organization_policies`` or ``cloudformation_resources``) or declares a CfCT manifest
    version with an empty ``resources`` or ``organization_policies`` list.
    """
    data = parsed.data
    if not isinstance(data, dict):
        return False
    if "region" not in data and "version" not in data:
        return False
    if _has_entry_with(data.get("resources"), "deploy_method"):
        return True
    if _has_entry_with(data.get("organization_policies"), "policy_file"):
        return True
    if _has_entry_with(data.get("cloudformation_resources"), "template_file"):
        return True
    if _version(data) in (VERSION_1, VERSION_2):
        return isinstance(data.get("resources"), list) or isinstance(
            data.get("organization_policies"), list
        )
    return False


def load(parsed: ParsedFile, kind: PolicyKind) -> LoadResult:
    """Collect the SCP and RCP files that a CfCT manifest deploys.

    ``kind`` is not used: ``deploy_method`` sets the policy type of each entry.
    """
    result = LoadResult()
    if not detect(parsed):
        result.skipped = "not a CfCT manifest"
        return result

    notes: list[str] = []
    data = parsed.data
    version = _version(data)
    read_v1 = version == VERSION_1
    read_v2 = version == VERSION_2
    if not read_v1 and not read_v2:
        # CfCT deploys nothing from a manifest of another version. Reading both layouts
        # still lints the policies that the manifest lists.
        notes.append(
            f"manifest version {version!r} is not one CfCT reads ({VERSION_1} or {VERSION_2})"
        )
        read_v1 = read_v2 = True

    manifest_dir = parsed.path.parent
    if read_v2:
        _load_resources(parsed, data.get("resources"), manifest_dir, result, notes)
    if read_v1:
        _load_organization_policies(
            parsed, data.get("organization_policies"), manifest_dir, result, notes
        )

    if not result.references and not result.problems:
        notes.insert(0, "CfCT manifest deploys no SCP or RCP files")
    result.skipped = "; ".join(notes) or None
    return result


def _load_resources(
    parsed: ParsedFile,
    resources: Any,
    manifest_dir: Path,
    result: LoadResult,
    notes: list[str],
) -> None:
    if not isinstance(resources, list):
        return
    for index, resource in enumerate(resources):
        entry_path: DataPath = ("resources", index)
        if not isinstance(resource, dict):
            result.problems.append(
                LoadProblem(
                    "SCP001",
                    f"resources entry {index + 1} is not a mapping with name, resource_file "
                    "and deploy_method",
                    locate(parsed, entry_path),
                )
            )
            continue
        kind = METHOD_KINDS.get(resource.get("deploy_method"))
        if kind is None:
            continue
        label = describe_entry("resources", index, resource.get("name"))

        targets = resource.get("deployment_targets")
        if isinstance(targets, dict) and as_list(targets.get("accounts")):
            notes.append(f"{label} lists accounts, which CfCT does not attach SCPs or RCPs to")
        ou_names = targets.get("organizational_units") if isinstance(targets, dict) else None
        attachments = _ou_attachments(ou_names, nested_separator=":")

        _add_policy_file(
            parsed,
            entry_path + ("resource_file",),
            resource.get("resource_file"),
            manifest_dir=manifest_dir,
            kind=kind,
            attachments=attachments,
            label=label,
            result=result,
            notes=notes,
        )


def _load_organization_policies(
    parsed: ParsedFile,
    policies: Any,
    manifest_dir: Path,
    result: LoadResult,
    notes: list[str],
) -> None:
    if not isinstance(policies, list):
        return
    for index, policy in enumerate(policies):
        entry_path: DataPath = ("organization_policies", index)
        if not isinstance(policy, dict):
            result.problems.append(
                LoadProblem(
                    "SCP001",
                    f"organization_policies entry {index + 1} is not a mapping with name, "
                    "policy_file and apply_to_accounts_in_ou",
                    locate(parsed, entry_path),
                )
            )
            continue
        label = describe_entry("organization_policies", index, policy.get("name"))
        # Version 1 manifests have no nested OU syntax, so a ":" is part of the name.
        attachments = _ou_attachments(policy.get("apply_to_accounts_in_ou"), nested_separator=None)
        _add_policy_file(
            parsed,
            entry_path + ("policy_file",),
            policy.get("policy_file"),
            manifest_dir=manifest_dir,
            kind=PolicyKind.SCP,
            attachments=attachments,
            label=label,
            result=result,
            notes=notes,
        )


def _add_policy_file(
    parsed: ParsedFile,
    value_path: DataPath,
    value: Any,
    *,
    manifest_dir: Path,
    kind: PolicyKind,
    attachments: list[str],
    label: str,
    result: LoadResult,
    notes: list[str],
) -> None:
    if isinstance(value, str) and not is_unresolved(value):
        if value.strip().lower().startswith(REMOTE_PREFIXES):
            notes.append(f"{label} reads its policy from {value}, which is not linted")
            return
    add_reference(
        parsed,
        value_path,
        value,
        base_dir=manifest_dir,
        kind=kind,
        attachments=attachments,
        label=label,
        result=result,
        notes=notes,
    )


def _ou_attachments(names: Any, *, nested_separator: str | None) -> list[str]:
    attachments: list[str] = []
    for name in as_list(names):
        if name is None or isinstance(name, (dict, list)):
            continue
        if is_unresolved(name):
            attachments.append(Placeholder(f"ou:{name}"))
            continue
        text = str(name)
        if nested_separator:
            text = "/".join(part.strip() for part in text.split(nested_separator))
        attachments.append(f"ou:{text}")
    return attachments


def _has_entry_with(entries: Any, key: str) -> bool:
    return isinstance(entries, list) and any(
        isinstance(entry, dict) and key in entry for entry in entries
    )


def _version(data: dict) -> str | None:
    # A YAML loader with timestamp support reads an unquoted 2021-03-15 as a date, and
    # str() turns it back into the written text.
    version = data.get("version")
    return None if version is None else str(version)
