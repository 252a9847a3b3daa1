from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from formatters_sample import (
    MULTILINE,
    NOTACTION,
    PARSE_ERROR,
    NotActionRule,
    empty_result,
    sample_result,
)

import scplint
from scplint.formatters import sarif
from scplint.model import Span
from scplint.result import LintResult
from scplint.rule import Finding, Severity

GOLDEN = """\
{
  "$schema": "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
  "version": "2.1.0",
  "runs": [
    {
      "tool": {
        "driver": {
          "name": "scplint",
          "version": "@VERSION@",
          "semanticVersion": "@VERSION@",
          "informationUri": "https://github.com/scplint/scplint",
          "rules": [
            {
              "id": "SCP201",
              "name": "notaction-allowlist",
              "shortDescription": {
                "text": "Deny with NotAction denies unlisted services"
              },
              "fullDescription": {
                "text": "Reports a `Deny` statement with `NotAction`.\\n\\nIt denies every service that is not listed."
              },
              "helpUri": "https://github.com/scplint/scplint/blob/main/docs/rules.md#scp201-notaction-allowlist",
              "help": {
                "text": "What it does:\\nReports a `Deny` statement with `NotAction`.\\n\\nWhy it matters:\\nIt denies every service that is not listed.\\n\\nExample:\\n```json\\n{\\"Effect\\": \\"Deny\\", \\"NotAction\\": \\"s3:*\\", \\"Resource\\": \\"*\\"}\\n```\\n\\nUse instead:\\nAdd a Region condition.",
                "markdown": "## What it does\\n\\nReports a `Deny` statement with `NotAction`.\\n\\n## Why it matters\\n\\nIt denies every service that is not listed.\\n\\n## Example\\n\\n```json\\n{\\"Effect\\": \\"Deny\\", \\"NotAction\\": \\"s3:*\\", \\"Resource\\": \\"*\\"}\\n```\\n\\n## Use instead\\n\\nAdd a Region condition."
              },
              "defaultConfiguration": {
                "level": "warning"
              },
              "properties": {
                "tags": [
                  "guardrail"
                ]
              }
            }
          ]
        }
      },
      "originalUriBaseIds": {
        "%SRCROOT%": {
          "uri": "file:///repo/"
        }
      },
      "columnKind": "unicodeCodePoints",
      "invocations": [
        {
          "executionSuccessful": true,
          "toolExecutionNotifications": []
        }
      ],
      "results": [
        {
          "ruleId": "SCP201",
          "ruleIndex": 0,
          "level": "warning",
          "message": {
            "text": "statement 1 denies every service except ec2:*"
          },
          "locations": [
            {
              "physicalLocation": {
                "artifactLocation": {
                  "uri": "policies/deny.json",
                  "uriBaseId": "%SRCROOT%"
                },
                "region": {
                  "startLine": 3,
                  "startColumn": 21,
                  "endLine": 3,
                  "endColumn": 32
                }
              }
            }
          ],
          "partialFingerprints": {
            "scplint/v1": "@FP@"
          },
          "properties": {
            "statement": "statement 1"
          }
        }
      ]
    }
  ]
}
"""


def finding_at(file: str, span: Span | None = Span(1, 1, 1, 2), **changes: object) -> Finding:
    fields = {
        "code": "SCP201",
        "name": "notaction-allowlist",
        "severity": Severity.WARNING,
        "message": "statement 1 denies every service except ec2:*",
        "file": file,
        "span": span,
        "statement": "statement 1",
    }
    fields.update(changes)
    return Finding(**fields)


def only_result(finding: Finding, root: str | None = None) -> dict:
    result = LintResult(findings=[finding], rules={"SCP201": NotActionRule})
    return sarif.build_log(result, root=root)["runs"][0]["results"][0]


def artifact(finding: Finding, root: str | None = None) -> dict:
    return only_result(finding, root)["locations"][0]["physicalLocation"]["artifactLocation"]


def test_sarif_golden():
    result = LintResult(
        findings=[NOTACTION],
        files=["policies/deny.json"],
        document_count=1,
        rules={"SCP201": NotActionRule},
    )
    expected = GOLDEN.replace("@VERSION@", scplint.__version__).replace(
        "@FP@", sarif.fingerprint(NOTACTION)
    )
    assert sarif.render(result, root="/repo") == expected


@pytest.mark.parametrize("make_result", [sample_result, empty_result], ids=["findings", "empty"])
def test_sarif_matches_schema(shared_dir: Path, make_result):
    from jsonschema import Draft4Validator

    schema = json.loads((shared_dir / "schemas" / "sarif-schema-2.1.0.json").read_text())
    log = json.loads(sarif.render(make_result(), root="/repo"))
    errors = [error.message for error in Draft4Validator(schema).iter_errors(log)]
    assert errors == []


def test_sarif_empty_results_present():
    run = sarif.build_log(empty_result())["runs"][0]
    assert run["results"] == []


def test_sarif_describes_every_rule_once():
    driver = sarif.build_log(sample_result())["runs"][0]["tool"]["driver"]
    ids = [rule["id"] for rule in driver["rules"]]
    # SCP401 ran without findings; SCP001 has no rule class but a finding.
    assert ids == ["SCP201", "SCP401", "SCP001"]


def test_sarif_rule_index_matches_rule_id():
    run = sarif.build_log(sample_result())["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    for entry in run["results"]:
        assert rules[entry["ruleIndex"]]["id"] == entry["ruleId"]


def test_sarif_full_description_sections():
    rule = sarif.build_log(sample_result())["runs"][0]["tool"]["driver"]["rules"][0]
    sections = NotActionRule.docs()
    assert sections["What it does"] in rule["fullDescription"]["text"]
    assert sections["Why it matters"] in rule["fullDescription"]["text"]
    assert sections["Use instead"] in rule["help"]["markdown"]
    assert rule["helpUri"] == NotActionRule.help_uri()


def test_sarif_levels():
    levels = [entry["level"] for entry in sarif.build_log(sample_result())["runs"][0]["results"]]
    assert levels == ["warning", "note", "error"]


def test_sarif_region_omitted_without_span():
    location = only_result(PARSE_ERROR)["locations"][0]["physicalLocation"]
    assert "region" not in location


def test_sarif_multiline_region():
    region = only_result(MULTILINE)["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 4, "startColumn": 5, "endLine": 5, "endColumn": 20}


def test_sarif_zero_width_region_widened():
    entry = only_result(finding_at("a.json", Span(2, 4, 2, 4)))
    region = entry["locations"][0]["physicalLocation"]["region"]
    assert region["endColumn"] == 5


@pytest.mark.parametrize(
    "path",
    [
        "./policies/deny.json",
        "policies\\deny.json",
        ".\\policies\\deny.json",
        ".//policies/deny.json",
    ],
)
def test_sarif_uri_is_repo_relative(path: str):
    location = artifact(finding_at(path))
    assert location["uri"] == "policies/deny.json"
    assert location["uriBaseId"] == "%SRCROOT%"


def test_sarif_absolute_path_under_root():
    location = artifact(finding_at("/repo/policies/deny.json"), root="/repo")
    assert location == {"uri": "policies/deny.json", "uriBaseId": "%SRCROOT%"}


def test_sarif_absolute_path_outside_root():
    location = artifact(finding_at("/elsewhere/deny.json"), root="/repo")
    assert location == {"uri": "file:///elsewhere/deny.json"}


def test_sarif_root_prefix_is_not_parent():
    location = artifact(finding_at("/repository/deny.json"), root="/repo")
    assert location == {"uri": "file:///repository/deny.json"}


def test_sarif_windows_absolute_path():
    location = artifact(finding_at("C:\\work\\deny.json"))
    assert location == {"uri": "file:///C:/work/deny.json"}


def test_sarif_uri_percent_encoded():
    location = artifact(finding_at("policies/my policy#1.json"))
    assert location["uri"] == "policies/my%20policy%231.json"


def test_sarif_root_uri_ends_with_slash():
    base = sarif.build_log(empty_result(), root="/repo/sub")["runs"][0]["originalUriBaseIds"]
    assert base == {"%SRCROOT%": {"uri": "file:///repo/sub/"}}


def test_sarif_relative_root_made_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    base = sarif.build_log(empty_result(), root=".")["runs"][0]["originalUriBaseIds"]
    assert base["%SRCROOT%"]["uri"] == tmp_path.as_uri() + "/"


def test_sarif_no_base_ids_without_root():
    assert "originalUriBaseIds" not in sarif.build_log(empty_result())["runs"][0]


def test_sarif_no_line_hash():
    output = sarif.render(sample_result())
    assert "primaryLocationLineHash" not in output


def test_sarif_partial_fingerprint():
    entry = only_result(NOTACTION)
    assert entry["partialFingerprints"] == {"scplint/v1": sarif.fingerprint(NOTACTION)}


def test_fingerprint_ignores_line():
    moved = finding_at("policies/deny.json", Span(40, 3, 41, 9))
    assert sarif.fingerprint(moved) == sarif.fingerprint(finding_at("policies/deny.json"))


def test_fingerprint_ignores_dot_slash():
    assert sarif.fingerprint(finding_at("./a.json")) == sarif.fingerprint(finding_at("a.json"))


@pytest.mark.parametrize(
    "changes",
    [
        {"code": "SCP202"},
        {"file": "other.json"},
        {"statement": "statement 2"},
        {"message": "statement 1 denies every service except s3:*"},
        {"document": "Resources.DenyPolicy"},
    ],
    ids=["code", "file", "statement", "message", "document"],
)
def test_fingerprint_changes_with_identity(changes: dict):
    base = finding_at("a.json")
    changed = dataclasses.replace(base, **changes)
    assert sarif.fingerprint(changed) != sarif.fingerprint(base)


def test_fingerprint_parts_do_not_run_together():
    first = finding_at("a.json", statement="ab", message="c")
    second = finding_at("a.json", statement="a", message="bc")
    assert sarif.fingerprint(first) != sarif.fingerprint(second)


@pytest.mark.parametrize(
    ("path", "uri"),
    [("\\\\server\\share\\a.json", "file://server/share/a.json"), ("\\a.json", "file:///a.json")],
    ids=["unc", "rooted-backslash"],
)
def test_sarif_unusual_absolute_paths(path: str, uri: str):
    assert artifact(finding_at(path)) == {"uri": uri}


def test_sarif_drive_relative_path():
    assert artifact(finding_at("C:policy.json"), root="/repo") == {"uri": "C%3Apolicy.json"}


def test_third_party_rule_without_help_url_has_no_help_uri():
    from scplint.rule import Rule, Severity

    class LocalRule(Rule):
        """Report nothing."""

        code = "SCP901"
        name = "local-rule"
        summary = "A repository-local rule"
        severity = Severity.NOTE

    descriptor = sarif.build_log(LintResult(rules={"SCP901": LocalRule}))["runs"][0]["tool"]["driver"]["rules"][0]
    assert "helpUri" not in descriptor
    assert "scplint/blob" not in str(descriptor)
