"""Loader for org-formation organization files (``organization.yml``).

Each ``OC::ORG::ServiceControlPolicy`` resource of the ``Organization`` section becomes
one SCP document read from ``Properties.PolicyDocument``. org-formation has no resource
type for RCPs: the ``OrgResourceTypes`` enum in org-formation-cli
(src/parser/model/resource-types.ts) lists only this policy type. RCPs are deployed
through task templates with ``AWS::Organizations::Policy``, which the CloudFormation
loader reads.

org-formation attaches a policy from the other side: the root, an OU or an account lists
it under ``ServiceControlPolicies`` with ``!Ref`` (or ``'*'`` for every policy in the
file). Attachments read ``ou:Root``, ``ou:<OU path>`` with nested OU names joined by
``/``, and ``account:<AccountName>``, as the LZA loader writes them.

Task files (``organization-tasks.yml`` with ``OrganizationUpdate``) hold no policy and are
claimed only so that they are skipped with a reason.
"""

from __future__ import annotations

from typing import Any

from scplint.loaders import ParsedFile
from scplint.loaders.cloudformation import describe_policy, load_policy_value
from scplint.model import LoadResult, Placeholder, PolicyKind

LOADER_NAME = "orgformation"
SECTION = "Organization"
TYPE_PREFIX = "OC::ORG::"
SCP_TYPE = "OC::ORG::ServiceControlPolicy"
ROOT_TYPE = "OC::ORG::OrganizationRoot"
OU_TYPE = "OC::ORG::OrganizationalUnit"
ACCOUNT_TYPES = ("OC::ORG::Account", "OC::ORG::MasterAccount")
# The task type that deploys organization.yml, and its conventional task name.
UPDATE_TASK_TYPE = "update-organization"
UPDATE_TASK_NAME = "OrganizationUpdate"


def detect(parsed: ParsedFile) -> bool:
    """Tell whether the file is an org-formation organization file or task file."""
    data = parsed.data
    if not isinstance(data, dict):
        return False
    return bool(_organization_resources(data)) or _is_task_file(data)


def load(parsed: ParsedFile, kind: PolicyKind) -> LoadResult:
    """Load every service control policy of an organization file.

    ``kind`` is not used: ``OC::ORG::ServiceControlPolicy`` is always an SCP.
    """
    result = LoadResult()
    data = parsed.data
    resources = _organization_resources(data) if isinstance(data, dict) else {}
    if not resources:
        result.skipped = (
            "org-formation task file; policies are in the organization file and the "
            "templates its tasks deploy"
        )
        return result

    attachments = _attachments_by_policy(resources)
    found = False
    for logical_id, resource in resources.items():
        if resource.get("Type") != SCP_TYPE:
            continue
        found = True
        properties = resource.get("Properties")
        policy_name = properties.get("PolicyName") if isinstance(properties, dict) else None
        load_policy_value(
            parsed,
            (SECTION, logical_id, "Properties"),
            "PolicyDocument",
            kind=PolicyKind.SCP,
            name=describe_policy(str(logical_id), policy_name),
            attachments=attachments.get(logical_id, []),
            result=result,
            owner=f"{SCP_TYPE} resource {logical_id}",
            mark_templates=True,
            loader=LOADER_NAME,
        )

    if not found:
        result.skipped = f"org-formation organization file with no {SCP_TYPE} resources"
    return result


def _organization_resources(data: dict) -> dict[str, dict]:
    """Return the ``Organization`` resources when at least one has an ``OC::ORG::`` type."""
    section = data.get(SECTION)
    if not isinstance(section, dict):
        return {}
    resources = {
        key: value for key, value in section.items() if isinstance(value, dict)
    }
    types = [resource.get("Type") for resource in resources.values()]
    if not any(isinstance(value, str) and value.startswith(TYPE_PREFIX) for value in types):
        return {}
    return resources


def _is_task_file(data: dict) -> bool:
    if isinstance(data.get(UPDATE_TASK_NAME), dict):
        return True
    return any(
        isinstance(task, dict) and task.get("Type") == UPDATE_TASK_TYPE for task in data.values()
    )


def _referenced_ids(value: Any) -> list[str] | None:
    """Return the logical IDs a ``ServiceControlPolicies`` value refers to.

    None means ``'*'``, which attaches every policy of the file. Literal strings are
    physical policy IDs (``p-...``) of policies outside the file and are not returned.
    """
    if value == "*":
        return None
    ids: list[str] = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, Placeholder) and str(item).startswith("!Ref "):
            ids.append(str(item)[len("!Ref ") :].strip())
        elif isinstance(item, dict) and set(item) == {"Ref"} and isinstance(item["Ref"], str):
            ids.append(item["Ref"])
    return ids


def _attachments_by_policy(resources: dict[str, dict]) -> dict[str, list[str]]:
    """Map each policy's logical ID to the targets that list it."""
    policy_ids = [key for key, resource in resources.items() if resource.get("Type") == SCP_TYPE]
    ou_paths = _ou_paths(resources)
    attachments: dict[str, list[str]] = {}
    for logical_id, resource in resources.items():
        target = _target_name(logical_id, resource, ou_paths)
        properties = resource.get("Properties")
        if target is None or not isinstance(properties, dict):
            continue
        if "ServiceControlPolicies" not in properties:
            continue
        referenced = _referenced_ids(properties["ServiceControlPolicies"])
        for policy_id in policy_ids if referenced is None else referenced:
            if policy_id in policy_ids:
                attachments.setdefault(policy_id, []).append(target)
    return attachments


def _target_name(logical_id: str, resource: dict, ou_paths: dict[str, str]) -> str | None:
    resource_type = resource.get("Type")
    properties = resource.get("Properties")
    properties = properties if isinstance(properties, dict) else {}
    if resource_type == ROOT_TYPE:
        return "ou:Root"
    if resource_type == OU_TYPE:
        return f"ou:{ou_paths.get(logical_id, logical_id)}"
    if resource_type in ACCOUNT_TYPES:
        name = properties.get("AccountName")
        return f"account:{_literal(name) or logical_id}"
    return None


def _ou_paths(resources: dict[str, dict]) -> dict[str, str]:
    """Name every OU by its path of OU names from the root, such as ``Workloads/Dev``.

    A child OU is one listed by ``!Ref`` under its parent's ``OrganizationalUnits``.
    """
    names: dict[str, str] = {}
    parents: dict[str, str] = {}
    for logical_id, resource in resources.items():
        if resource.get("Type") != OU_TYPE:
            continue
        properties = resource.get("Properties")
        properties = properties if isinstance(properties, dict) else {}
        names[logical_id] = _literal(properties.get("OrganizationalUnitName")) or logical_id
        for child in _referenced_ids(properties.get("OrganizationalUnits")) or []:
            parents.setdefault(child, logical_id)

    paths: dict[str, str] = {}
    for logical_id in names:
        parts = [names[logical_id]]
        seen = {logical_id}
        parent = parents.get(logical_id)
        # The seen set stops at a cycle, which org-formation itself rejects.
        while parent is not None and parent in names and parent not in seen:
            parts.append(names[parent])
            seen.add(parent)
            parent = parents.get(parent)
        paths[logical_id] = "/".join(reversed(parts))
    return paths


def _literal(value: Any) -> str | None:
    if isinstance(value, str) and not isinstance(value, Placeholder) and value:
        return value
    return None
