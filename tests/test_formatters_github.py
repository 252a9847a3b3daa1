from __future__ import annotations

import dataclasses

from formatters_sample import NOTACTION, empty_result, sample_result

from scplint.formatters import github
from scplint.model import Span
from scplint.rule import Severity

GOLDEN = (
    "::warning file=policies/deny.json,line=3,col=21,endLine=3,endColumn=32,"
    "title=SCP201 notaction-allowlist::statement 1 denies every service except ec2:*\n"
    "::notice file=policies/deny.json,line=4,endLine=5,"
    "title=SCP201 notaction-allowlist::statement 2 denies everything\n"
    "::error file=policies/broken.json,"
    "title=SCP001 parse-error::invalid JSON: expecting ',' delimiter\n"
)


def test_github_golden():
    assert github.render(sample_result()) == GOLDEN


def test_github_empty_result():
    assert github.render(empty_result()) == ""


def test_github_message_escaping():
    finding = dataclasses.replace(NOTACTION, message="denies 100%: s3:*\r\nnext, line")
    message = github.format_command(finding).split("::", 2)[2]
    assert message == "denies 100%25: s3:*%0D%0Anext, line"


def test_github_property_escaping():
    finding = dataclasses.replace(NOTACTION, file="dir,1/a:b%.json", name="x,y")
    command = github.format_command(finding)
    assert "file=dir%2C1/a%3Ab%25.json," in command
    assert ",title=SCP201 x%2Cy::" in command


def test_github_escapes_percent_first():
    assert github.escape_data("%0A") == "%250A"


def test_github_one_line_per_finding():
    finding = dataclasses.replace(NOTACTION, message="a\nb\rc")
    assert "\n" not in github.format_command(finding)
    assert "\r" not in github.format_command(finding)


def test_github_path_relative_to_root():
    finding = dataclasses.replace(NOTACTION, file="/repo/policies/deny.json")
    command = github.format_command(finding, root="/repo")
    assert command.startswith("::warning file=policies/deny.json,")


def test_github_backslashes_become_slashes():
    finding = dataclasses.replace(NOTACTION, file=".\\policies\\deny.json")
    assert github.format_command(finding).startswith("::warning file=policies/deny.json,")


def test_github_zero_width_column():
    finding = dataclasses.replace(NOTACTION, span=Span(2, 6, 2, 6))
    assert ",col=6,endLine=2,endColumn=7," in github.format_command(finding)


def test_github_severity_commands():
    commands = [
        github.format_command(dataclasses.replace(NOTACTION, severity=severity)).split(" ", 1)[0]
        for severity in (Severity.ERROR, Severity.WARNING, Severity.NOTE)
    ]
    assert commands == ["::error", "::warning", "::notice"]
