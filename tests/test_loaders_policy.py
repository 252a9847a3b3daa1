from __future__ import annotations

import csv
from pathlib import Path

import pytest

from scplint.loaders import (
    JSON_SUFFIXES,
    TEMPLATE_SUFFIXES,
    YAML_SUFFIXES,
    load_file,
    parse_structured,
)
from scplint.loaders.policy import (
    detect_policy_shape,
    is_template_string,
    mark_template_placeholders,
    rebase_source_map,
)
from scplint.model import Placeholder, PolicyKind, SourceMap, Span, is_placeholder

FIXTURES = Path(__file__).parent / "fixtures" / "loaders"
STATEMENT = {"Effect": "Deny", "Action": "s3:*", "Resource": "*"}


@pytest.mark.parametrize(
    ("data", "shape"),
    [
        ({"Version": "2012-10-17", "Statement": []}, "document"),
        ({"Statement": STATEMENT}, "document"),
        ({"version": "2012-10-17", "statement": [STATEMENT]}, "document"),
        ({"STATEMENT": [STATEMENT], "Id": "x"}, "document"),
        ([STATEMENT, {"Effect": "Allow", "NotAction": "iam:*"}], "statements"),
        ([STATEMENT, {"Effect": "Deny", "Resource": "*"}], "statements"),
        (STATEMENT, "statement"),
        ({"Effect": "Deny", "NotAction": ["iam:*"]}, "statement"),
        ({"statement": [], "name": "x"}, None),
        ({"Effect": "NoSchedule", "key": "x"}, None),
        ([{"Effect": "Deny"}], None),
        ([STATEMENT, "text"], None),
        ([], None),
        ("Statement", None),
        (None, None),
    ],
)
def test_policy_shape(data, shape):
    assert detect_policy_shape(data) == shape


@pytest.mark.parametrize(
    "text",
    [
        "${var.region}",
        "arn:${AWS::Partition}:s3:::bucket",
        "${ACCEL_LOOKUP::ACCOUNT_ID:Management}",
        "{{ allowed_regions }}",
        "{{resolve:ssm:/path}}",
        "%{ for r in regions }${r}%{ endfor }",
        "{% if prod %}x{% endif %}",
        "${self:custom.stage}",
        "${jsonencode({a = 1})}",
        "${var.prod ? \"a\" : \"b\"}",
        "prefix ${unclosed",
    ],
)
def test_template_string_detected(text):
    assert is_template_string(text)


@pytest.mark.parametrize(
    "text",
    [
        "arn:aws:s3:::${aws:PrincipalAccount}-logs/*",
        "${aws:PrincipalTag/team, 'none'}",
        "${s3:prefix}",
        "${sts:ExternalId}",
        "${saml:sub}",
        "${cognito-identity.amazonaws.com:sub}",
        "${*}${?}${$}",
        "ec2:*",
        "{not a template}",
    ],
)
def test_policy_variable_not_template(text):
    assert not is_template_string(text)


def test_mark_placeholders_recursive():
    value = {
        "Resource": ["arn:aws:s3:::${var.bucket}", "arn:aws:s3:::${aws:username}"],
        "Condition": {"StringEquals": {"${var.key}": "x"}},
        "Count": 3,
    }
    marked = mark_template_placeholders(value)
    assert is_placeholder(marked["Resource"][0])
    assert not is_placeholder(marked["Resource"][1])
    key = next(iter(marked["Condition"]["StringEquals"]))
    assert is_placeholder(key)
    assert marked["Count"] == 3
    assert not is_placeholder(value["Resource"][0])


def test_mark_placeholders_keeps_existing():
    value = Placeholder("!Ref Regions")
    assert mark_template_placeholders(value) is value


def test_rebase_source_map_moves_paths():
    source_map = SourceMap()
    source_map.add_value(("Resources", "P", "Content"), Span(2, 1, 9, 2))
    source_map.add_key(("Resources", "P", "Content"), Span(2, 1, 2, 8))
    source_map.add_value(("Resources", "P", "Content", "Statement", 0), Span(3, 1, 8, 2))
    source_map.add_key(("Resources", "P", "Content", "Statement"), Span(3, 1, 3, 10))
    source_map.add_value(("Resources", "Q"), Span(10, 1, 12, 2))
    rebased = rebase_source_map(source_map, ("Resources", "P", "Content"), ())
    assert rebased.values[()] == Span(2, 1, 9, 2)
    assert rebased.values[("Statement", 0)] == Span(3, 1, 8, 2)
    assert rebased.keys[("Statement",)] == Span(3, 1, 3, 10)
    assert () not in rebased.keys
    assert len(rebased.values) == 2


def test_rebase_source_map_adds_prefix():
    source_map = SourceMap()
    source_map.add_value((0, "Action"), Span(1, 5, 1, 9))
    rebased = rebase_source_map(source_map, (), ("Statement",))
    assert rebased.values[("Statement", 0, "Action")] == Span(1, 5, 1, 9)


def test_policy_loads_json_document():
    path = FIXTURES / "document.json"
    result = load_file(path, "document.json", PolicyKind.RCP)
    assert result.problems == []
    document = result.documents[0]
    assert document.kind is PolicyKind.RCP
    assert document.loader == "json"
    assert document.fragment is False
    assert document.deployed_text == path.read_text()
    assert document.file_text == path.read_text()
    assert document.statements[0].sid == "DenyLeave"
    assert document.locate(("Statement", 0, "Action")) == Span(7, 17, 7, 50)


def test_policy_loads_yaml_fragment_list():
    result = load_file(FIXTURES / "fragment-statements.yaml", "fragment-statements.yaml")
    document = result.documents[0]
    assert document.fragment is True
    assert document.loader == "yaml"
    assert document.deployed_text is None
    assert len(document.statements) == 2
    assert document.locate(("Statement", 1, "Action")) == Span(11, 11, 11, 26)
    assert document.locate(("Statement", 0, "NotAction", 1)) == Span(5, 7, 5, 12)


def test_policy_fragment_placeholders():
    result = load_file(FIXTURES / "fragment-statements.yaml", "fragment-statements.yaml")
    statements = result.documents[0].statements
    region = statements[0].data["Condition"]["StringNotEquals"]["aws:RequestedRegion"]
    assert is_placeholder(region)
    assert not is_placeholder(statements[1].data["Resource"])


def test_policy_loads_single_statement():
    result = load_file(FIXTURES / "fragment-statement.json", "fragment-statement.json")
    document = result.documents[0]
    assert document.fragment is True
    assert isinstance(document.data["Statement"], dict)
    assert document.statements[0].actions == ["ec2:RunInstances"]
    assert document.locate(("Statement", "Action", 0)) == Span(3, 14, 3, 32)


@pytest.mark.parametrize(
    "name",
    ["package.json", "tsconfig.json", "k8s-manifest.yaml", "github-workflow.yml", "pre-commit-config.yaml"],
)
def test_policy_skips_other_files(name):
    result = load_file(FIXTURES / name, name)
    assert result.documents == []
    assert result.skipped is not None
    assert result.problems == []


def test_policy_extra_yaml_documents_noted(tmp_path: Path):
    path = tmp_path / "two.yaml"
    path.write_text("Statement:\n  - Effect: Deny\n    Action: '*'\n---\nStatement: []\n")
    result = load_file(path, "two.yaml")
    assert len(result.documents) == 1
    assert [problem.code for problem in result.problems] == ["SCP005"]


def test_policy_duplicate_key_reported(tmp_path: Path):
    path = tmp_path / "dup.json"
    path.write_text('{"Statement": {"Effect": "Deny", "Effect": "Allow", "Action": "*"}}')
    result = load_file(path, "dup.json")
    assert [problem.code for problem in result.problems] == ["SCP004"]
    assert result.documents[0].statements[0].effect == "Allow"


def test_policy_invalid_json_reported(tmp_path: Path):
    path = tmp_path / "bad.json"
    path.write_text('{"Statement": [}')
    result = load_file(path, "bad.json")
    assert result.documents == []
    assert result.problems[0].code == "SCP001"


def corpus_files(corpus_dir: Path) -> list[Path]:
    suffixes = JSON_SUFFIXES | YAML_SUFFIXES | TEMPLATE_SUFFIXES
    return sorted(path for path in corpus_dir.rglob("*") if path.suffix.lower() in suffixes)


def test_corpus_parses_without_raising(corpus_dir: Path):
    parsed_count = 0
    failed: list[str] = []
    for path in corpus_files(corpus_dir):
        text = path.read_bytes().decode("utf-8-sig")
        parsed = parse_structured(path, path.name, text)
        if parsed.data is None:
            failed.append(path.relative_to(corpus_dir).as_posix())
        else:
            parsed_count += 1
    assert parsed_count > 0
    # Fewer than one file in twenty of the corpus is broken JSON or templated YAML.
    assert len(failed) < (parsed_count + len(failed)) / 20


def test_corpus_invalid_json_matches_manifest(corpus_dir: Path):
    with open(corpus_dir / "MANIFEST.tsv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    checked = 0
    for row in rows:
        path = corpus_dir / row["local_path"]
        if path.suffix.lower() != ".json" or not path.is_file():
            continue
        parsed = parse_structured(path, path.name, path.read_text(encoding="utf-8-sig"))
        codes = [problem.code for problem in parsed.problems]
        if "invalid JSON" in row["notes"]:
            assert "SCP001" in codes, row["local_path"]
            checked += 1
        else:
            assert "SCP001" not in codes, row["local_path"]
    assert checked >= 3


def test_corpus_loads_without_raising(corpus_dir: Path):
    documents = 0
    for path in corpus_files(corpus_dir):
        result = load_file(path, path.name)
        documents += len(result.documents)
    assert documents > 0
