from __future__ import annotations

import json
from pathlib import Path

import pytest

from scplint.loaders.json_parser import MAX_DEPTH, parse_file, parse_json_text
from scplint.model import Span

POLICY = (
    '{\n'
    '  "Version": "2012-10-17",\n'
    '  "Statement": [\n'
    '    {"Effect": "Deny", "Action": ["s3:*", "ec2:*"], "Resource": "*"}\n'
    '  ]\n'
    '}\n'
)


def column_of(text: str, needle: str, line: int) -> int:
    """Return the 1-based column of ``needle`` on 1-based ``line`` of ``text``."""
    return text.splitlines()[line - 1].index(needle) + 1


def test_json_data_matches_json_loads():
    data, _, problems = parse_json_text(POLICY)
    assert problems == []
    assert data == json.loads(POLICY)


def test_json_value_spans():
    _, source_map, _ = parse_json_text(POLICY)
    start = column_of(POLICY, '"ec2:*"', 4)
    assert source_map.values[("Statement", 0, "Action", 1)] == Span(4, start, 4, start + 7)
    assert source_map.values[("Version",)] == Span(2, 14, 2, 26)


def test_json_key_spans():
    _, source_map, _ = parse_json_text(POLICY)
    start = column_of(POLICY, '"Action"', 4)
    assert source_map.keys[("Statement", 0, "Action")] == Span(4, start, 4, start + 8)
    assert source_map.keys[("Version",)] == Span(2, 3, 2, 12)


def test_json_first_and_last_line():
    _, source_map, _ = parse_json_text(POLICY)
    assert source_map.values[()] == Span(1, 1, 6, 2)
    assert source_map.values[("Statement",)] == Span(3, 16, 5, 4)


def test_json_tab_counts_one_column():
    text = '{\n\t"Effect":\t"Deny"\n}'
    _, source_map, _ = parse_json_text(text)
    assert source_map.keys[("Effect",)] == Span(2, 2, 2, 10)
    assert source_map.values[("Effect",)] == Span(2, 12, 2, 18)


def test_json_unicode_columns_in_characters():
    text = '{"Sid": "Zürich→Δ", "Effect": "Deny"}'
    data, source_map, _ = parse_json_text(text)
    assert data["Sid"] == "Zürich→Δ"
    assert source_map.values[("Sid",)] == Span(1, 9, 1, 19)
    assert source_map.keys[("Effect",)] == Span(1, 21, 1, 29)


def test_json_crlf_line_endings():
    text = POLICY.replace("\n", "\r\n")
    _, source_map, _ = parse_json_text(text)
    start = column_of(POLICY, '"ec2:*"', 4)
    assert source_map.values[("Statement", 0, "Action", 1)] == Span(4, start, 4, start + 7)
    assert source_map.values[()] == Span(1, 1, 6, 2)


def test_json_lone_carriage_return_breaks_line():
    _, source_map, _ = parse_json_text('{\r"a": 1}')
    assert source_map.keys[("a",)] == Span(2, 1, 2, 4)


def test_json_escapes_decoded():
    data, source_map, _ = parse_json_text('{"a": "x\\u00e9\\n\\"y"}')
    assert data["a"] == 'xé\n"y'
    assert source_map.values[("a",)] == Span(1, 7, 1, 21)


def test_json_numbers_and_literals():
    data, _, problems = parse_json_text('[0, -1, 1.5, 2e3, -0.5E-2, true, false, null]')
    assert problems == []
    assert data == [0, -1, 1.5, 2000.0, -0.005, True, False, None]
    assert type(data[0]) is int


def test_json_empty_containers():
    data, source_map, _ = parse_json_text('{"a": {}, "b": [ ]}')
    assert data == {"a": {}, "b": []}
    assert source_map.values[("b",)] == Span(1, 16, 1, 19)


def test_json_base_position_shifts_first_line():
    text = '{"Effect": "Deny",\n "Action": "*"}'
    _, source_map, _ = parse_json_text(text, base_line=10, base_column=5)
    assert source_map.keys[("Effect",)] == Span(10, 6, 10, 14)
    assert source_map.keys[("Action",)] == Span(11, 2, 11, 10)


def test_json_base_position_shifts_errors():
    _, _, problems = parse_json_text('{"a": 1,}', base_line=3, base_column=7)
    assert problems[0].span == Span.point(3, 14)


@pytest.mark.parametrize(
    ("text", "message", "line", "column"),
    [
        ('{\n  "a": [1, 2\n', "unexpected end of input, expected ',' or ']'", 2, 13),
        ('{"a": 1', "unexpected end of input, expected ',' or '}'", 1, 8),
        ('{\n  "a": 1,\n}', "trailing comma before '}'", 2, 9),
        ('["a", "b",]', "trailing comma before ']'", 1, 10),
        ('{\n  // note\n  "a": 1\n}', "comments are not allowed", 2, 3),
        ('{"a": 1 /* note */}', "comments are not allowed", 1, 9),
        ("{'a': 1}", "keys must be enclosed in double quotes", 1, 2),
        ('{"a": \'b\'}', "strings must be enclosed in double quotes", 1, 7),
        ('{"a": NaN}', "NaN and Infinity are not allowed", 1, 7),
        ('{"a": -Infinity}', "NaN and Infinity are not allowed", 1, 7),
        ('{"a": 01}', "invalid number '01'", 1, 7),
        ('{"a": 1.}', "invalid number '1.'", 1, 7),
        ('{"a": True}', "expected a value, found 'True'", 1, 7),
        ('{"a" 1}', "expected ':' after the key 'a'", 1, 6),
        ('{"a": 1 "b": 2}', "expected ',' or '}' after an object member", 1, 9),
        ('{"a": "b}', "unterminated string", 1, 7),
        ('{"a": "x\ty"}', "control character inside a string", 1, 9),
        ('{"a": "\\q"}', "invalid escape sequence", 1, 8),
        ('{} {}', "expected the end of input after the top-level value", 1, 4),
        ("", "no JSON value found", 1, 1),
        ("\n  \n", "no JSON value found", 1, 1),
        ('{"a": 1}\u00a0', "expected the end of input", 1, 9),
    ],
)
def test_json_syntax_error_position(text: str, message: str, line: int, column: int):
    data, _, problems = parse_json_text(text)
    assert data is None
    assert len(problems) == 1
    assert problems[0].code == "SCP001"
    assert problems[0].message.startswith("invalid JSON: ")
    assert message in problems[0].message
    assert problems[0].span == Span.point(line, column)


def test_json_deep_nesting_rejected():
    text = "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5)
    data, _, problems = parse_json_text(text)
    assert data is None
    assert "nested deeper than" in problems[0].message


def test_json_nesting_at_limit_accepted():
    text = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    data, _, problems = parse_json_text(text)
    assert problems == []
    assert data is not None


def test_json_huge_integer_reported():
    data, _, problems = parse_json_text("[" + "9" * 5000 + "]")
    assert data is None
    assert "too many digits" in problems[0].message


def test_json_duplicate_key_keeps_last():
    text = '{\n  "Effect": "Deny",\n  "Action": "s3:*",\n  "Action": "ec2:*"\n}'
    data, _, problems = parse_json_text(text)
    assert data == {"Effect": "Deny", "Action": "ec2:*"}
    assert len(problems) == 1


def test_json_duplicate_key_problem():
    text = '{"Statement": [\n  {"Action": "s3:*",\n   "Action": "ec2:*"}\n]}'
    _, _, problems = parse_json_text(text)
    problem = problems[0]
    assert problem.code == "SCP004"
    assert "'Action'" in problem.message
    assert "Statement[0]" in problem.message
    assert "first defined on line 2" in problem.message
    assert problem.span == Span(3, 4, 3, 12)


def test_json_duplicate_key_drops_stale_spans():
    text = '{"Condition": {"Bool": {"k": "x"}},\n "Condition": {"Null": {"j": "y"}}}'
    _, source_map, _ = parse_json_text(text)
    assert ("Condition", "Bool") not in source_map.keys
    assert ("Condition", "Bool", "k") not in source_map.values
    assert source_map.keys[("Condition",)] == Span(2, 2, 2, 13)
    assert source_map.values[("Condition", "Null", "j")] == Span(2, 30, 2, 33)


def test_json_duplicate_reported_before_syntax_error():
    _, _, problems = parse_json_text('{"a": 1, "a": 2,}')
    codes = [problem.code for problem in problems]
    assert codes == ["SCP004", "SCP001"]


def test_json_parse_file_fields():
    parsed = parse_file(Path("policy.json"), "policies/policy.json", POLICY)
    assert parsed.display == "policies/policy.json"
    assert parsed.is_yaml is False
    assert parsed.text == POLICY
    assert parsed.data["Version"] == "2012-10-17"
    assert parsed.source_map.keys[("Statement",)] == Span(3, 3, 3, 14)
