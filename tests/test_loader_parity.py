"""One SCP written in every supported source format yields the same findings.

The policy is the IAM User Guide's Region-deny example (four exempted services,
eu-west-1 only, no break-glass exemption) plus a blanket rekognition deny and a typo'd
action. Each format must give the same codes and messages, and SCP202 must point at the
line where that format lists the NotAction exemptions: the line the engineer edits.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scplint.config import Config
from scplint.engine import Linter
from scplint.registry import load_rules

RULES = load_rules()
CHECKED = {code: RULES[code] for code in ("SCP002", "SCP101", "SCP102", "SCP201", "SCP202", "SCP203", "SCP204")}

NOT_ACTIONS = ["cloudfront:*", "iam:*", "route53:*", "support:*"]
POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "DenyOutsideIreland",
            "Effect": "Deny",
            "NotAction": NOT_ACTIONS,
            "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"]}},
        },
        {"Sid": "NoImageAnalysis", "Effect": "Deny", "Action": ["rekognition:*", "s3:ListBuckets"], "Resource": "*"},
    ],
}
POLICY_JSON = json.dumps(POLICY, indent=2)


def _indent(text: str, spaces: int) -> str:
    return "\n".join(" " * spaces + line for line in text.splitlines())


def _yaml(value, indent: int = 0) -> str:
    """Render the policy as block YAML (a tiny emitter for these fixtures only)."""
    pad = " " * indent
    lines = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list)):
                lines.append(f"{pad}{key}:")
                lines.append(_yaml(item, indent + 2))
            else:
                lines.append(f"{pad}{key}: {json.dumps(item)}")
    else:
        for item in value:
            if isinstance(item, dict):
                body = _yaml(item, indent + 2).splitlines()
                lines.append(f"{pad}- {body[0].strip()}")
                lines.extend(body[1:])
            else:
                lines.append(f"{pad}- {json.dumps(item)}")
    return "\n".join(lines)


def _hcl_list(values) -> str:
    return "[" + ", ".join(json.dumps(value) for value in values) + "]"


def write_json(folder: Path) -> Path:
    path = folder / "policy.json"
    path.write_text(POLICY_JSON + "\n", encoding="utf-8")
    return path


def write_yaml(folder: Path) -> Path:
    path = folder / "policy.yaml"
    path.write_text(_yaml(POLICY) + "\n", encoding="utf-8")
    return path


def write_cloudformation_yaml(folder: Path) -> Path:
    path = folder / "template.yaml"
    path.write_text(
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  RegionDeny:\n    Type: AWS::Organizations::Policy\n"
        "    Properties:\n      Name: region-deny\n      Type: SERVICE_CONTROL_POLICY\n      Content:\n"
        + _yaml(POLICY, 8) + "\n",
        encoding="utf-8",
    )
    return path


def write_cloudformation_json(folder: Path) -> Path:
    template = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {
            "RegionDeny": {
                "Type": "AWS::Organizations::Policy",
                "Properties": {"Name": "region-deny", "Type": "SERVICE_CONTROL_POLICY", "Content": POLICY},
            }
        },
    }
    path = folder / "template.json"
    path.write_text(json.dumps(template, indent=2) + "\n", encoding="utf-8")
    return path


def write_terraform_jsonencode(folder: Path) -> Path:
    first, second = POLICY["Statement"]
    path = folder / "main.tf"
    path.write_text(
        f"""resource "aws_organizations_policy" "region_deny" {{
  name = "region-deny"
  content = jsonencode({{
    Version = "2012-10-17"
    Statement = [
      {{
        Sid       = "DenyOutsideIreland"
        Effect    = "Deny"
        NotAction = {_hcl_list(first["NotAction"])}
        Resource  = "*"
        Condition = {{
          StringNotEquals = {{
            "aws:RequestedRegion" = ["eu-west-1"]
          }}
        }}
      }},
      {{
        Sid      = "NoImageAnalysis"
        Effect   = "Deny"
        Action   = {_hcl_list(second["Action"])}
        Resource = "*"
      }}
    ]
  }})
}}
""",
        encoding="utf-8",
    )
    return path


def write_terraform_heredoc(folder: Path) -> Path:
    path = folder / "main.tf"
    path.write_text(
        'resource "aws_organizations_policy" "region_deny" {\n  name    = "region-deny"\n  content = <<EOF\n'
        + POLICY_JSON + "\nEOF\n}\n",
        encoding="utf-8",
    )
    return path


def write_terraform_data_source(folder: Path) -> Path:
    first, second = POLICY["Statement"]
    path = folder / "main.tf"
    path.write_text(
        f"""data "aws_iam_policy_document" "region_deny" {{
  statement {{
    sid         = "DenyOutsideIreland"
    effect      = "Deny"
    not_actions = {_hcl_list(first["NotAction"])}
    resources   = ["*"]
    condition {{
      test     = "StringNotEquals"
      variable = "aws:RequestedRegion"
      values   = ["eu-west-1"]
    }}
  }}
  statement {{
    sid       = "NoImageAnalysis"
    effect    = "Deny"
    actions   = {_hcl_list(second["Action"])}
    resources = ["*"]
  }}
}}

resource "aws_organizations_policy" "region_deny" {{
  name    = "region-deny"
  content = data.aws_iam_policy_document.region_deny.json
}}
""",
        encoding="utf-8",
    )
    return path


def write_cdk(folder: Path) -> Path:
    path = folder / "stack.py"
    body = _indent(json.dumps(POLICY, indent=4), 12).lstrip()
    path.write_text(
        f"""from aws_cdk import Stack
from aws_cdk import aws_organizations as organizations
from constructs import Construct


class GuardrailStack(Stack):
    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        organizations.CfnPolicy(
            self,
            "RegionDeny",
            name="region-deny",
            type="SERVICE_CONTROL_POLICY",
            content={body},
        )
""",
        encoding="utf-8",
    )
    return path


def write_orgformation(folder: Path) -> Path:
    path = folder / "organization.yml"
    path.write_text(
        "AWSTemplateFormatVersion: '2010-09-09-OC'\nOrganization:\n  RegionDenySCP:\n"
        "    Type: OC::ORG::ServiceControlPolicy\n    Properties:\n      PolicyName: region-deny\n"
        "      PolicyDocument:\n" + _yaml(POLICY, 8) + "\n",
        encoding="utf-8",
    )
    return path


def write_lza(folder: Path) -> Path:
    (folder / "service-control-policies").mkdir()
    (folder / "service-control-policies" / "region-deny.json").write_text(POLICY_JSON + "\n", encoding="utf-8")
    path = folder / "organization-config.yaml"
    path.write_text(
        "enable: true\norganizationalUnits:\n  - name: Workloads\nserviceControlPolicies:\n"
        "  - name: RegionDeny\n    description: Deny outside Ireland\n"
        "    policy: service-control-policies/region-deny.json\n    type: customerManaged\n"
        "    deploymentTargets:\n      organizationalUnits:\n        - Workloads\n",
        encoding="utf-8",
    )
    return path


def write_cfct(folder: Path) -> Path:
    (folder / "policies").mkdir()
    (folder / "policies" / "region-deny.json").write_text(POLICY_JSON + "\n", encoding="utf-8")
    path = folder / "manifest.yaml"
    path.write_text(
        "region: eu-west-1\nversion: 2021-03-15\nresources:\n  - name: region-deny\n"
        "    resource_file: policies/region-deny.json\n    deploy_method: scp\n"
        "    deployment_targets:\n      organizational_units:\n        - Workloads\n",
        encoding="utf-8",
    )
    return path


# Each form, with the text that starts the line listing the NotAction exemptions.
FORMS = {
    "json": (write_json, '"NotAction"'),
    "yaml": (write_yaml, "NotAction:"),
    "cloudformation-yaml": (write_cloudformation_yaml, "NotAction:"),
    "cloudformation-json": (write_cloudformation_json, '"NotAction"'),
    "terraform-jsonencode": (write_terraform_jsonencode, "NotAction ="),
    "terraform-heredoc": (write_terraform_heredoc, '"NotAction"'),
    "terraform-data-source": (write_terraform_data_source, "not_actions ="),
    "cdk-python": (write_cdk, '"NotAction"'),
    "org-formation": (write_orgformation, "NotAction:"),
    "lza": (write_lza, '"NotAction"'),
    "cfct": (write_cfct, '"NotAction"'),
}


def _lint(folder: Path):
    linter = Linter(Config(root=folder), RULES, CHECKED)
    files = sorted(path for path in folder.rglob("*") if path.is_file())
    return linter.lint_files(files).findings


@pytest.fixture(scope="module")
def reference_findings(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reference")
    write_json(folder)
    return sorted((finding.code, finding.message) for finding in _lint(folder))


def test_reference_findings_cover_every_guardrail(reference_findings):
    codes = {code for code, _ in reference_findings}
    assert codes == {"SCP102", "SCP202", "SCP203", "SCP204"}


@pytest.mark.parametrize("form", sorted(FORMS))
def test_same_findings_in_every_form(form, tmp_path, reference_findings):
    write, _ = FORMS[form]
    write(tmp_path)
    findings = sorted((finding.code, finding.message) for finding in _lint(tmp_path))
    assert findings == reference_findings


@pytest.mark.parametrize("form", sorted(FORMS))
def test_region_finding_on_the_exemption_line(form, tmp_path):
    write, marker = FORMS[form]
    write(tmp_path)
    findings = [f for f in _lint(tmp_path) if f.code == "SCP202" and "global services" in f.message]
    assert len(findings) == 1
    finding = findings[0]
    text = (tmp_path / finding.file).read_text(encoding="utf-8")
    expected_line = next(number for number, line in enumerate(text.splitlines(), 1) if marker in line)
    assert finding.span is not None
    assert finding.span.line == expected_line, f"{finding.file}: {finding.span}"
