"""The engine: crash isolation, parallel loading, suppression and configuration."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scplint import engine
from scplint.config import Config, ConfigError, load_config
from scplint.engine import Linter
from scplint.registry import RuleLoadError, load_rules, select_rules
from scplint.rule import Rule, Scope

RULES = load_rules()
BLANKET = '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "rekognition:*", "Resource": "*"}]}'


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


class CrashingRule(Rule):
    """
    ## What it does
    Raises, to test crash isolation.

    ## Why it matters
    A test needs a rule that fails.

    ## Example
    Any policy.

    ## Use instead
    Nothing.
    """

    code = "SCP999"
    name = "crashing-rule"
    summary = "Raises on every document"
    scope = Scope.DOCUMENT

    def check_document(self, document):
        raise KeyError("Resource")


def test_crashing_rule_becomes_internal_error(tmp_path):
    path = _write(tmp_path, "policy.json", BLANKET)
    available = {**RULES, "SCP999": CrashingRule}
    selected = {"SCP204": RULES["SCP204"], "SCP999": CrashingRule}
    findings = Linter(Config(root=tmp_path), available, selected).lint_files([path]).findings
    codes = sorted(finding.code for finding in findings)
    assert codes == ["SCP000", "SCP204"]
    crash = next(finding for finding in findings if finding.code == "SCP000")
    assert "SCP999" in crash.message
    assert "KeyError" in crash.message


def test_crashing_loader_becomes_internal_error(tmp_path, monkeypatch):
    good = _write(tmp_path, "good.json", BLANKET)
    bad = _write(tmp_path, "bad.json", BLANKET)
    real = engine.load_file

    def flaky(path, display, kind):
        if path.name == "bad.json":
            raise RuntimeError("boom")
        return real(path, display, kind)

    monkeypatch.setattr(engine, "load_file", flaky)
    findings = Linter(Config(root=tmp_path), RULES, {"SCP204": RULES["SCP204"]}).lint_files([bad, good]).findings
    assert [(f.file, f.code) for f in findings] == [("bad.json", "SCP000"), ("good.json", "SCP204")]


def test_parallel_loading_matches_sequential(tmp_path, monkeypatch):
    files = []
    for number in range(12):
        policy = json.loads(BLANKET)
        policy["Statement"][0]["Sid"] = f"Deny{number}"
        files.append(_write(tmp_path, f"p{number:02}.json", json.dumps(policy, indent=2)))
    files.append(_write(tmp_path, "broken.json", "{"))
    linter = Linter(Config(root=tmp_path), RULES, RULES)
    sequential = linter.lint_files(files).findings
    monkeypatch.setattr(engine, "PARALLEL_MIN_FILES", 2)
    parallel = Linter(Config(root=tmp_path), RULES, RULES).lint_files(files).findings
    assert parallel == sequential
    assert len([f for f in parallel if f.code == "SCP204"]) == 12


def test_per_file_ignores(tmp_path):
    config_path = _write(tmp_path, ".scplint.toml", '[per-file-ignores]\n"sandbox/*.json" = ["SCP204"]\n')
    kept = _write(tmp_path, "prod/policy.json", BLANKET)
    ignored = _write(tmp_path, "sandbox/policy.json", BLANKET)
    config = load_config(config_path)
    config.root = tmp_path
    findings = Linter(config, RULES, {"SCP204": RULES["SCP204"]}).lint_files([kept, ignored]).findings
    assert [f.file for f in findings] == ["prod/policy.json"]


def test_rcp_paths_set_kind(tmp_path):
    rcp = '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}]}'
    config_path = _write(tmp_path, ".scplint.toml", 'rcp-paths = ["rcps/"]\n')
    as_rcp = _write(tmp_path, "rcps/tls.json", rcp)
    as_scp = _write(tmp_path, "scps/tls.json", rcp)
    config = load_config(config_path)
    config.root = tmp_path
    findings = Linter(config, RULES, {"SCP002": RULES["SCP002"]}).lint_files([as_rcp, as_scp]).findings
    assert [f.file for f in findings] == ["scps/tls.json"]
    assert "Principal" in findings[0].message


def test_rule_option_reaches_rule(tmp_path):
    path = _write(tmp_path, "policy.json", BLANKET)
    config = Config(root=tmp_path, rule_options={"SCP003": {"max_size": 40}})
    findings = Linter(config, RULES, {"SCP003": RULES["SCP003"]}).lint_files([path]).findings
    assert len(findings) == 1
    assert "40-character limit" in findings[0].message


def test_unknown_rule_option_is_rejected(tmp_path):
    config = Config(root=tmp_path, rule_options={"SCP003": {"max_sise": 40}})
    with pytest.raises(ValueError, match="max-sise"):
        Linter(config, RULES, {"SCP003": RULES["SCP003"]})


def test_unknown_setting_is_config_error(tmp_path):
    config_path = _write(tmp_path, ".scplint.toml", "selekt = ['SCP2']\n")
    with pytest.raises(ConfigError, match="selekt"):
        load_config(config_path)


@pytest.mark.parametrize(
    ("select", "ignore", "expected"),
    [
        (None, ["SCP2"], False),
        (["SCP2"], ["SCP20"], False),
        (["SCP204"], ["SCP2"], True),
        (["ALL"], [], True),
        (["SCP1"], [], False),
    ],
)
def test_selection_by_prefix(select, ignore, expected):
    chosen = select_rules(RULES, select=select, extend_select=[], ignore=ignore)
    assert ("SCP204" in chosen) is expected


def test_selection_rejects_unknown_prefix():
    with pytest.raises(RuleLoadError, match="XYZ"):
        select_rules(RULES, select=["XYZ"], extend_select=[], ignore=[])


def test_rules_dir_duplicate_code_is_error(tmp_path):
    _write(tmp_path / "local", "clash.py", "from scplint.rule import Rule\n\nclass Clash(Rule):\n    code = 'SCP204'\n    name = 'clash'\n    summary = 'x'\n")
    with pytest.raises(RuleLoadError, match="SCP204"):
        load_rules([tmp_path / "local"])


def test_rules_dir_adds_rule(tmp_path):
    _write(
        tmp_path / "local",
        "deny_sagemaker.py",
        "from scplint.rule import Rule, Severity\n\n"
        "class NoSageMaker(Rule):\n"
        "    code = 'SCP901'\n    name = 'no-sagemaker'\n    summary = 'Report statements that mention SageMaker'\n"
        "    def check_statement(self, statement, document):\n"
        "        for index, action in enumerate(statement.actions or []):\n"
        "            if action.lower().startswith('sagemaker:'):\n"
        "                yield self.report(document, statement.element_path('Action', index), 'SageMaker named')\n",
    )
    rules = load_rules([tmp_path / "local"])
    policy = _write(tmp_path, "p.json", BLANKET.replace("rekognition:*", "sagemaker:CreateModel"))
    findings = Linter(Config(root=tmp_path), rules, {"SCP901": rules["SCP901"]}).lint_files([policy]).findings
    assert [(f.code, f.span.line, f.span.column) for f in findings] == [("SCP901", 1, 70)]


SUPPRESS = """
[[suppress]]
path = "policies/suspended.json"
statement = "DenyAll"
codes = ["SCP204"]
reason = "The suspended-accounts OU must not run anything."
"""


def _suspended_policy(sid: str) -> str:
    return BLANKET.replace('"Effect"', f'"Sid": "{sid}", "Effect"')


def test_suppression_accepts_statement_finding(tmp_path):
    config_path = _write(tmp_path, ".scplint.toml", SUPPRESS)
    policy = _write(tmp_path, "policies/suspended.json", _suspended_policy("DenyAll"))
    config = load_config(config_path)
    config.root = tmp_path
    findings = Linter(config, RULES, {c: RULES[c] for c in ("SCP204", "SCP403")}).lint_files([policy]).findings
    assert findings == []


def test_stale_suppression_is_reported(tmp_path):
    config_path = _write(tmp_path, ".scplint.toml", SUPPRESS)
    policy = _write(tmp_path, "policies/suspended.json", _suspended_policy("DenyEverything"))
    config = load_config(config_path)
    config.root = tmp_path
    findings = Linter(config, RULES, {c: RULES[c] for c in ("SCP204", "SCP403")}).lint_files([policy]).findings
    assert sorted(f.code for f in findings) == ["SCP204", "SCP403"]
    unused = next(f for f in findings if f.code == "SCP403")
    assert unused.file == ".scplint.toml"
    assert "DenyAll" in unused.message


def test_suppression_of_unlinted_file_is_not_judged(tmp_path):
    config_path = _write(tmp_path, ".scplint.toml", SUPPRESS)
    other = _write(tmp_path, "policies/other.json", BLANKET)
    config = load_config(config_path)
    config.root = tmp_path
    findings = Linter(config, RULES, {c: RULES[c] for c in ("SCP204", "SCP403")}).lint_files([other]).findings
    assert [f.code for f in findings] == ["SCP204"]


def test_suppression_requires_reason(tmp_path):
    config_path = _write(tmp_path, ".scplint.toml", SUPPRESS.replace('reason = "The suspended-accounts OU must not run anything."', ""))
    with pytest.raises(ConfigError, match="reason"):
        load_config(config_path)


def test_suppression_by_number_matches_statement_with_sid(tmp_path):
    config_path = _write(tmp_path, ".scplint.toml", SUPPRESS.replace('statement = "DenyAll"', "statement = 1"))
    policy = _write(tmp_path, "policies/suspended.json", _suspended_policy("DenyAll"))
    config = load_config(config_path)
    config.root = tmp_path
    findings = Linter(config, RULES, {c: RULES[c] for c in ("SCP204", "SCP403")}).lint_files([policy]).findings
    assert findings == []


def test_suppression_in_dot_folder(tmp_path):
    config_path = _write(tmp_path, ".scplint.toml", SUPPRESS.replace("policies/suspended.json", "./.scp/suspended.json"))
    policy = _write(tmp_path, ".scp/suspended.json", _suspended_policy("DenyAll"))
    config = load_config(config_path)
    config.root = tmp_path
    findings = Linter(config, RULES, {c: RULES[c] for c in ("SCP204", "SCP403")}).lint_files([policy]).findings
    assert findings == []


@pytest.mark.parametrize("path", ["/abs/policy.json", "policies/*.json"])
def test_suppression_path_must_be_one_relative_file(tmp_path, path):
    config_path = _write(tmp_path, ".scplint.toml", SUPPRESS.replace("policies/suspended.json", path))
    with pytest.raises(ConfigError, match="path"):
        load_config(config_path)


def test_attachment_limit_counts_lza_references(tmp_path):
    entries = []
    for number in range(11):
        _write(tmp_path, f"scps/p{number}.json", BLANKET.replace("rekognition:*", f"ec2:DeleteVpc{number}"))
        entries.append(
            f"  - name: Guardrail{number}\n    policy: scps/p{number}.json\n    type: customerManaged\n"
            "    deploymentTargets:\n      organizationalUnits: [Workloads]\n"
        )
    config_file = _write(tmp_path, "organization-config.yaml", "serviceControlPolicies:\n" + "".join(entries))
    findings = Linter(Config(root=tmp_path), RULES, {"SCP301": RULES["SCP301"]}).lint_files([config_file]).findings
    assert len(findings) == 1
    assert "11 SCPs are attached to ou:Workloads" in findings[0].message
    assert findings[0].file == "scps/p10.json"


def test_undecided_note_survives_suppression_of_first(tmp_path):
    main_tf = _write(
        tmp_path, "main.tf",
        'resource "aws_organizations_policy" "x" {\n  content = jsonencode({\n    Version = "2012-10-17"\n'
        "    Statement = [\n"
        '      { Sid = "First", Effect = "Deny", Action = "*", Resource = "*",\n'
        '        Condition = { StringNotEquals = { "aws:RequestedRegion" = var.first } } },\n'
        '      { Sid = "Second", Effect = "Deny", Action = "*", Resource = "*",\n'
        '        Condition = { StringNotEquals = { "aws:RequestedRegion" = var.second } } }\n'
        "    ]\n  })\n}\n",
    )
    config_path = _write(
        tmp_path, ".scplint.toml",
        '[[suppress]]\npath = "main.tf"\nstatement = "First"\ncodes = ["SCP202"]\nreason = "reviewed"\n',
    )
    config = load_config(config_path)
    config.root = tmp_path
    findings = Linter(config, RULES, {"SCP202": RULES["SCP202"]}).lint_files([main_tf]).findings
    assert [f.statement for f in findings] == ["statement 'Second'"]
    assert findings[0].message.startswith("cannot decide")
