from __future__ import annotations

import dataclasses
import hashlib
import json

from formatters_sample import MULTILINE, NOTACTION, PARSE_ERROR, empty_result, sample_result

import scplint
from scplint.formatters import json_format, sarif

GOLDEN = """\
{
  "version": "@VERSION@",
  "findings": [
    {
      "code": "SCP201",
      "name": "notaction-allowlist",
      "severity": "warning",
      "message": "statement 1 denies every service except ec2:*",
      "file": "policies/deny.json",
      "line": 3,
      "column": 21,
      "end_line": 3,
      "end_column": 32,
      "statement": "statement 1",
      "document": null,
      "fingerprint": "@FP1@"
    },
    {
      "code": "SCP201",
      "name": "notaction-allowlist",
      "severity": "note",
      "message": "statement 2 denies everything",
      "file": "policies/deny.json",
      "line": 4,
      "column": 5,
      "end_line": 5,
      "end_column": 20,
      "statement": "statement 2",
      "document": null,
      "fingerprint": "@FP2@"
    },
    {
      "code": "SCP001",
      "name": "parse-error",
      "severity": "error",
      "message": "invalid JSON: expecting ',' delimiter",
      "file": "policies/broken.json",
      "line": null,
      "column": null,
      "end_line": null,
      "end_column": null,
      "statement": null,
      "document": null,
      "fingerprint": "@FP3@"
    }
  ],
  "summary": {
    "findings": 3,
    "errors": 1,
    "warnings": 1,
    "notes": 1,
    "files": 3,
    "files_with_findings": 2,
    "documents": 2,
    "rules": {
      "SCP001": 1,
      "SCP201": 2
    }
  }
}
"""


def sha256_of(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def test_json_golden():
    deny = "policies/deny.json"
    expected = (
        GOLDEN.replace("@VERSION@", scplint.__version__)
        .replace("@FP1@", sha256_of("SCP201", deny, "", "statement 1", NOTACTION.message))
        .replace("@FP2@", sha256_of("SCP201", deny, "", "statement 2", MULTILINE.message))
        .replace("@FP3@", sha256_of("SCP001", "policies/broken.json", "", "", PARSE_ERROR.message))
    )
    assert json_format.render(sample_result()) == expected


def test_json_fingerprint_matches_sarif():
    report = json.loads(json_format.render(sample_result()))
    assert report["findings"][0]["fingerprint"] == sarif.fingerprint(NOTACTION)


def test_json_empty_result():
    report = json.loads(json_format.render(empty_result()))
    assert report["findings"] == []
    assert report["summary"]["findings"] == 0
    assert report["summary"]["files"] == 1
    assert report["summary"]["documents"] == 1
    assert report["summary"]["rules"] == {}


def test_json_escapes_non_ascii():
    result = sample_result()
    result.findings = [dataclasses.replace(NOTACTION, message="Région \ud800")]
    output = json_format.render(result)
    assert output.isascii()
    assert json.loads(output)["findings"][0]["message"] == "Région \ud800"
