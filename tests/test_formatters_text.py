from __future__ import annotations

import re

from formatters_sample import NOTACTION, PARSE_ERROR, empty_result, sample_result

from scplint.formatters import text
from scplint.model import Span
from scplint.result import LintResult
from scplint.rule import Finding, Severity

GOLDEN = """\
policies/deny.json:3:21: SCP201 [warning] statement 1 denies every service except ec2:*
  |
3 |     {"Effect": "Deny", "NotAction": ["ec2:*"]},
  |                        ^^^^^^^^^^^

policies/deny.json:4:5: SCP201 [note] statement 2 denies everything
  |
4 |     {"Effect": "Deny",
  |     ^^^^^^^^^^^^^^^^^^

policies/broken.json: SCP001 [error] invalid JSON: expecting ',' delimiter

Found 3 findings (1 error, 1 warning, 1 note) in 2 files.
"""

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def one_finding(source: str, span: Span | None, message: str = "problem") -> LintResult:
    finding = Finding("SCP900", "custom", Severity.WARNING, message, "p.json", span)
    return LintResult(
        findings=[finding], files=["p.json"], document_count=1, sources={"p.json": source}
    )


def snippet_lines(output: str) -> tuple[str, str]:
    """Return the source line and the caret line of the first finding."""
    lines = output.splitlines()
    return lines[2], lines[3]


def test_text_golden():
    assert text.render(sample_result()) == GOLDEN


def test_text_color_adds_only_ansi():
    colored = text.render(sample_result(), color=True)
    assert "\x1b[" in colored
    assert ANSI.sub("", colored) == GOLDEN


def test_text_plain_has_no_ansi():
    assert "\x1b" not in text.render(sample_result())


def test_text_all_passed():
    assert text.render(empty_result()) == "All checks passed: 1 file, 1 policy.\n"


def test_text_all_passed_plural():
    result = LintResult(files=["a.json", "b.json"], document_count=3)
    assert text.summary_line(result) == "All checks passed: 2 files, 3 policies."


def test_summary_singular_counts():
    result = LintResult(findings=[PARSE_ERROR], files=["policies/broken.json"])
    expected = "Found 1 finding (1 error, 0 warnings, 0 notes) in 1 file."
    assert text.summary_line(result) == expected


def test_summary_counts_files_with_findings():
    result = LintResult(findings=[NOTACTION, PARSE_ERROR], files=["a", "b", "c", "d"])
    assert text.summary_line(result).endswith(" in 2 files.")


def test_caret_follows_tab_expansion():
    output = text.render(one_finding("\tab\tcd\n", Span(1, 5, 1, 7)))
    source, carets = snippet_lines(output)
    # The first tab fills columns 0-3 and the second one fills 6-7, so "cd" starts at 8.
    assert source == "1 |     ab  cd"
    assert carets == "  |         ^^"


def test_caret_width_for_wide_characters():
    output = text.render(one_finding('"日本", "x"\n', Span(1, 7, 1, 10)))
    _, carets = snippet_lines(output)
    # '"日本", ' takes 8 display columns because each of the two ideographs takes two.
    assert carets == "  | " + " " * 8 + "^^^"


def test_multiline_span_clamped_to_first_line():
    output = text.render(one_finding("abc\ndef\n", Span(1, 2, 2, 3)))
    _, carets = snippet_lines(output)
    assert carets == "  |  ^^"


def test_zero_width_span_gets_one_caret():
    output = text.render(one_finding("abc\n", Span(1, 2, 1, 2)))
    _, carets = snippet_lines(output)
    assert carets == "  |  ^"


def test_span_past_line_end_is_clamped():
    output = text.render(one_finding("abc\n", Span(1, 9, 1, 12)))
    _, carets = snippet_lines(output)
    assert carets == "  |    ^"


def test_line_past_end_of_file_prints_header_only():
    output = text.render(one_finding("abc\n", Span(7, 1, 7, 2)))
    assert output.splitlines()[0] == "p.json:7:1: SCP900 [warning] problem"
    assert "|" not in output


def test_missing_source_prints_header_only():
    result = one_finding("abc\n", Span(1, 1, 1, 2))
    result.sources = {}
    assert text.render(result).splitlines()[1] == ""


def test_crlf_source_has_no_carriage_return():
    output = text.render(one_finding("ab\r\ncd\r\n", Span(2, 1, 2, 3)))
    source, _ = snippet_lines(output)
    assert source == "2 | cd"


def test_gutter_widens_with_line_number():
    source_text = "x\n" * 11 + "target\n"
    output = text.render(one_finding(source_text, Span(12, 1, 12, 7)))
    lines = output.splitlines()
    assert lines[1] == "   |"
    assert lines[2] == "12 | target"
    assert lines[3] == "   | ^^^^^^"


def test_escape_sequences_are_neutralised():
    output = text.render(one_finding("\x1b[2Jab\n", Span(1, 5, 1, 7), message="bad \x1b[31m"))
    assert "\x1b" not in output
    assert "bad \u241b[31m" in output


def test_bidi_controls_are_replaced():
    output = text.render(one_finding("a\u202eb\n", Span(1, 3, 1, 4)))
    source, carets = snippet_lines(output)
    assert source == "1 | a\ufffdb"
    assert carets == "  |   ^"


def test_terminal_safe_keeps_length():
    sample = "a\tb\x00\x7f\x85\ud800\u2067c"
    assert len(text.terminal_safe(sample)) == len(sample)


def test_long_line_is_cut_around_span():
    from scplint.formatters import text
    from scplint.model import Span
    from scplint.result import LintResult
    from scplint.rule import Finding, Severity

    line = '{"Action": [' + ", ".join(f'"ec2:Describe{n}"' for n in range(200)) + "]}"
    column = line.index('"ec2:Describe150"') + 1
    finding = Finding("SCP401", "redundant-action", Severity.NOTE, "m", "p.json", Span(1, column, 1, column + 17))
    output = text.render(LintResult(findings=[finding], sources={"p.json": line}))
    snippet, carets = output.splitlines()[2:4]
    assert len(snippet) < 200
    assert "…" in snippet
    start = carets.index("^")
    assert snippet[start:start + 17] == '"ec2:Describe150"'


def test_lone_carriage_return_ends_a_line():
    from scplint.formatters import text
    from scplint.model import Span
    from scplint.result import LintResult
    from scplint.rule import Finding, Severity

    source = '{\r  "Action": "x",\n  "Effect": "Deny"\n}'
    finding = Finding("SCP204", "blanket-service-deny", Severity.WARNING, "m", "p.json", Span(2, 3, 2, 11))
    output = text.render(LintResult(findings=[finding], sources={"p.json": source}))
    assert '2 |   "Action": "x",' in output
