from __future__ import annotations

from pathlib import Path

from scplint.loaders.yaml_parser import parse_file, parse_yaml_text
from scplint.model import Placeholder, Span, is_placeholder

POLICY = """\
Version: 2012-10-17
Statement:
  - Sid: DenyS3
    Effect: Deny
    Action:
      - s3:*
      - "ec2:*"   # trailing comment
    Resource: '*'
"""


def test_yaml_plain_types():
    data, _, problems = parse_yaml_text(
        "a: 1\nb: 1.5\nc: true\nd: null\ne: yes\nf: on\ng: 0x1F\nh: ~\ni: text\n"
    )
    assert problems == []
    assert data == {
        "a": 1,
        "b": 1.5,
        "c": True,
        "d": None,
        "e": "yes",
        "f": "on",
        "g": 31,
        "h": None,
        "i": "text",
    }


def test_yaml_result_types_are_builtin():
    data, _, _ = parse_yaml_text(POLICY)
    assert type(data) is dict
    assert type(data["Statement"]) is list
    assert type(data["Statement"][0]["Sid"]) is str


def test_yaml_version_date_stays_string():
    data, _, _ = parse_yaml_text(POLICY)
    assert data["Version"] == "2012-10-17"


def test_yaml_value_spans():
    _, source_map, _ = parse_yaml_text(POLICY)
    assert source_map.values[("Statement", 0, "Action", 0)] == Span(6, 9, 6, 13)
    assert source_map.values[("Statement", 0, "Action", 1)] == Span(7, 9, 7, 16)
    assert source_map.values[("Statement", 0, "Resource")] == Span(8, 15, 8, 18)
    assert source_map.values[("Version",)] == Span(1, 10, 1, 20)


def test_yaml_key_spans():
    _, source_map, _ = parse_yaml_text(POLICY)
    assert source_map.keys[("Statement",)] == Span(2, 1, 2, 10)
    assert source_map.keys[("Statement", 0, "Effect")] == Span(4, 5, 4, 11)


def test_yaml_block_collection_ends_at_last_item():
    _, source_map, _ = parse_yaml_text(POLICY + "# closing comment\n\n")
    assert source_map.values[("Statement", 0, "Action")] == Span(6, 7, 7, 16)
    assert source_map.values[()] == Span(1, 1, 8, 18)


def test_yaml_flow_collection_span():
    _, source_map, _ = parse_yaml_text("Action: [s3:*, 'ec2:*']\n")
    assert source_map.values[("Action",)] == Span(1, 9, 1, 24)
    assert source_map.values[("Action", 1)] == Span(1, 16, 1, 23)


def test_yaml_block_scalar_span_excludes_trailing_newlines():
    _, source_map, _ = parse_yaml_text("a: |\n  one\n  two\n\nb: 1\n")
    assert source_map.values[("a",)] == Span(1, 4, 3, 6)


def test_yaml_crlf_line_endings():
    _, source_map, _ = parse_yaml_text(POLICY.replace("\n", "\r\n"))
    assert source_map.values[("Statement", 0, "Action", 1)] == Span(7, 9, 7, 16)
    assert source_map.keys[("Statement", 0, "Effect")] == Span(4, 5, 4, 11)


def test_yaml_unicode_columns_in_characters():
    data, source_map, _ = parse_yaml_text("Sid: Zürich→Δ\nEffect: Deny\n")
    assert data["Sid"] == "Zürich→Δ"
    assert source_map.values[("Sid",)] == Span(1, 6, 1, 14)


def test_yaml_base_position_shifts_first_line():
    _, source_map, _ = parse_yaml_text("{Effect: Deny,\n Action: '*'}", base_line=4, base_column=9)
    assert source_map.keys[("Effect",)] == Span(4, 10, 4, 16)
    assert source_map.keys[("Action",)] == Span(5, 2, 5, 8)


def test_yaml_tagged_scalar_placeholder():
    data, _, _ = parse_yaml_text("Regions: !Ref AllowedRegions\n")
    assert is_placeholder(data["Regions"])
    assert data["Regions"] == "!Ref AllowedRegions"


def test_yaml_tagged_sequence_placeholder():
    data, source_map, _ = parse_yaml_text("Arn: !Join ['', [a, b]]\nNext: 1\n")
    assert is_placeholder(data["Arn"])
    assert data["Arn"].startswith("!Join")
    assert source_map.values[("Arn",)] == Span(1, 6, 1, 24)


def test_yaml_tagged_block_mapping_placeholder():
    text = "Value: !If\n  - IsProd\n  - a\n  - b\nNext: 1\n"
    data, source_map, _ = parse_yaml_text(text)
    assert data["Value"] == "!If - IsProd - a - b"
    assert source_map.values[("Value",)] == Span(1, 8, 4, 6)
    assert data["Next"] == 1


def test_yaml_python_tag_never_runs(tmp_path: Path):
    marker = tmp_path / "created"
    text = f'a: !!python/object/apply:os.system ["touch {marker}"]\n'
    data, _, problems = parse_yaml_text(text)
    assert not marker.exists()
    assert is_placeholder(data["a"])
    assert data["a"].startswith("!!python/object/apply:os.system")
    assert problems == []


def test_yaml_python_name_tag_is_placeholder():
    data, _, _ = parse_yaml_text("a: !!python/name:os.system ''\n")
    assert isinstance(data["a"], Placeholder)


def test_yaml_tag_handler_receives_content():
    seen = []

    def handler(tag, value):
        seen.append((tag, value))
        return {"Fn::" + tag[1:]: value}

    data, source_map, _ = parse_yaml_text("Arn: !Sub 'arn:${AWS::Partition}:s3:::b'\n", tag_handler=handler)
    assert seen == [("!Sub", "arn:${AWS::Partition}:s3:::b")]
    assert data == {"Arn": {"Fn::Sub": "arn:${AWS::Partition}:s3:::b"}}
    assert source_map.values[("Arn",)] == Span(1, 6, 1, 41)


def test_yaml_key_types_become_strings():
    data, _, _ = parse_yaml_text("1: a\ntrue: b\n")
    assert list(data) == ["1", "true"]


def test_yaml_bad_indentation_position():
    text = "Statement:\n  - Effect: Deny\n   Action: s3:*\n"
    data, _, problems = parse_yaml_text(text)
    assert data is None
    assert problems[0].code == "SCP001"
    assert problems[0].message.startswith("invalid YAML: ")
    assert problems[0].span is not None
    assert problems[0].span.line == 3


def test_yaml_tab_indentation_position():
    data, _, problems = parse_yaml_text("a:\n\t- b\n")
    assert data is None
    assert "'\\t'" in problems[0].message
    assert problems[0].span == Span.point(2, 1)


def test_yaml_unclosed_flow_sequence():
    _, _, problems = parse_yaml_text("Action: [s3:*, ec2:*\n")
    assert problems[0].code == "SCP001"
    assert "flow sequence on line 1" in problems[0].message


def test_yaml_control_character_rejected():
    data, _, problems = parse_yaml_text("a: \x01\n")
    assert data is None
    assert "U+0001" in problems[0].message
    assert problems[0].span == Span.point(1, 4)


def test_yaml_duplicate_key_keeps_last():
    text = "Effect: Deny\nAction: s3:*\nAction: ec2:*\n"
    data, _, problems = parse_yaml_text(text)
    assert data == {"Effect": "Deny", "Action": "ec2:*"}
    assert [problem.code for problem in problems] == ["SCP004"]
    assert "'Action'" in problems[0].message
    assert "first defined on line 2" in problems[0].message
    assert problems[0].span == Span(3, 1, 3, 7)


def test_yaml_nested_duplicate_names_mapping():
    text = "Statement:\n  - Effect: Deny\n    Effect: Allow\n"
    _, _, problems = parse_yaml_text(text)
    assert "Statement[0]" in problems[0].message


def test_yaml_merge_key_applied():
    text = "base: &base {Effect: Deny, Resource: '*'}\nstmt:\n  <<: *base\n  Effect: Allow\n"
    data, _, problems = parse_yaml_text(text)
    assert problems == []
    assert data["stmt"] == {"Effect": "Allow", "Resource": "*"}


def test_yaml_alias_copies_value():
    data, source_map, _ = parse_yaml_text("a: &r [us-east-1]\nb: *r\n")
    assert data["b"] == ["us-east-1"]
    assert source_map.values[("b", 0)] == Span(1, 8, 1, 17)


def test_yaml_recursive_alias_stops():
    data, _, problems = parse_yaml_text("a: &a\n  - *a\n")
    assert data == {"a": ["*a"]}
    assert problems[0].code == "SCP001"


def test_yaml_alias_expansion_limited():
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for index in range(1, 10):
        previous = chr(ord("a") + index - 1)
        name = chr(ord("a") + index)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    data, _, problems = parse_yaml_text("\n".join(lines) + "\n")
    assert data is None
    assert "aliases expand to more than" in problems[0].message


def test_yaml_multiple_documents_use_first():
    parsed = parse_file(Path("a.yaml"), "a.yaml", "a: 1\n---\nb: 2\n---\nc: 3\n---\n")
    assert parsed.data == {"a": 1}
    assert parsed.extra_documents == 2


def test_yaml_error_in_later_document_keeps_first():
    data, _, problems = parse_yaml_text("a: 1\n---\nb: [\n")
    assert data == {"a": 1}
    assert problems[0].code == "SCP001"


def test_yaml_empty_text():
    data, _, problems = parse_yaml_text("# only a comment\n")
    assert data is None
    assert problems == []


def test_yaml_parse_file_fields():
    parsed = parse_file(Path("p.yaml"), "p.yaml", POLICY)
    assert parsed.is_yaml is True
    assert parsed.extra_documents == 0
    assert parsed.data["Statement"][0]["Sid"] == "DenyS3"
