"""Tests for action names, action patterns and pattern subsumption."""

from __future__ import annotations

import itertools

import pytest

from scplint.evaluate.actions import (
    action_matches,
    compile_action_pattern,
    matches_any,
    pattern_subsumes,
    split_action,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("s3:GetObject", ("s3", "GetObject")),
        ("s3:Get*", ("s3", "Get*")),
        ("*:Describe*", ("*", "Describe*")),
        ("*", None),
        ("s3", None),
        ("s3:", None),
        (":GetObject", None),
        ("s3:Get:Object", None),
        ("", None),
    ],
)
def test_split_action(text, expected):
    assert split_action(text) == expected


# IAM User Guide, "IAM JSON policy elements: Action": prefix and name are matched without
# regard to case, and * and ? are wildcards anywhere in the pattern.
@pytest.mark.parametrize(
    ("pattern", "action", "expected"),
    [
        ("iam:ListAccessKeys", "IAM:listaccesskeys", True),
        ("s3:*", "s3:GetObject", True),
        ("s3:*", "s3:", True),
        ("s3:Get*", "s3:GetObjectAcl", True),
        ("s3:Get*", "s3:PutObject", False),
        ("s3:Get?bject", "s3:GetObject", True),
        ("s3:Get?bject", "s3:Getbject", False),
        ("s3:Get?bject", "s3:GetOObject", False),
        ("*", "ec2:RunInstances", True),
        ("*:Describe*", "ec2:DescribeInstances", True),
        ("ec2:*Instances", "ec2:RunInstances", True),
        ("ec2:*Instances", "ec2:RunInstance", False),
        ("s?:GetObject", "s3:GetObject", True),
        ("s3:GetObject", "s3:GetObjectAcl", False),
        ("s3:Get.bject", "s3:GetObject", False),
        ("s3:Get[O]bject", "s3:GetObject", False),
        ("s3:Get[O]bject", "s3:Get[O]bject", True),
    ],
)
def test_action_matches(pattern, action, expected):
    assert action_matches(pattern, action) is expected


def test_compile_action_pattern_cached():
    assert compile_action_pattern("s3:Get*") is compile_action_pattern("s3:Get*")


def test_matches_any_list():
    assert matches_any(["ec2:*", "s3:Get*"], "s3:GetObject")
    assert not matches_any(["ec2:*", "s3:Get*"], "s3:PutObject")
    assert not matches_any([], "s3:GetObject")


@pytest.mark.parametrize(
    ("general", "specific", "expected"),
    [
        ("s3:Get*", "s3:GetObject", True),
        ("s3:Get*", "s3:GetObject*", True),
        ("s3:*", "s3:Get*", True),
        ("*", "s3:Get*", True),
        ("*", "*", True),
        ("s3:Get*", "s3:Get?bject", True),
        ("s3:Get?bject", "s3:Get*", False),
        ("s3:GetObject", "s3:Get*", False),
        ("s3:GetObject", "s3:getobject", True),
        ("S3:GET*", "s3:getObjectAcl", True),
        ("s3:Get*", "s3:Put*", False),
        ("s3:Get*", "*", False),
        ("s3:*", "*:*", False),
        ("*:*", "s3:*", True),
        ("s3:?*", "s3:*?", True),
        ("s3:*?", "s3:?*", True),
        ("s3:*", "s3:", True),
        ("s3:?*", "s3:*", False),
        ("s3:??", "s3:?", False),
        ("s3:?", "s3:??", False),
        ("s3:*Object*", "s3:GetObject*", True),
        ("s3:*Object*", "s3:Get*", False),
        ("a*b*c", "a*c", False),
        ("a*c", "a*b*c", True),
        ("*a*", "*a*a*", True),
        ("*a*a*", "*a*", False),
        ("*ab*", "*a*b*", False),
        ("*a*b*", "*ab*", True),
        ("s3:Get*Acl", "s3:GetObject?cl", False),
        ("s3:Get*cl", "s3:GetObject?cl", True),
        ("s3:GetObject", "s3:GetObject", True),
    ],
)
def test_pattern_subsumes(general, specific, expected):
    assert pattern_subsumes(general, specific) is expected


def _matching_words(pattern: str, words: list[str]) -> set[str]:
    return {word for word in words if action_matches(pattern, word)}


def test_pattern_subsumes_agrees_with_enumeration():
    # Every pattern of up to four tokens over {a, b, *, ?} against every word of up to
    # six letters over {a, b, c}: "subsumes" must imply inclusion on these words, and a
    # "does not subsume" result must come with a word that shows it.
    tokens = "ab*?"
    patterns = [
        "".join(combo)
        for length in range(0, 5)
        for combo in itertools.product(tokens, repeat=length)
    ]
    words = [
        "".join(combo) for length in range(0, 7) for combo in itertools.product("abc", repeat=length)
    ]
    matched = {pattern: _matching_words(pattern, words) for pattern in patterns}
    disagreements = []
    for general, specific in itertools.product(patterns, repeat=2):
        included = matched[specific] <= matched[general]
        if pattern_subsumes(general, specific) != included:
            disagreements.append((general, specific))
    assert disagreements == []
