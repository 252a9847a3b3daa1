"""The grammar rule's fast path accepts only documents that the schema accepts."""

from __future__ import annotations

import copy
import json

import pytest
from scplint.rules.invalid_policy import _validator, plainly_valid

from scplint.model import PolicyKind

BASE = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "DenyOutsideEU",
            "Effect": "Deny",
            "NotAction": ["iam:*", "sts:*"],
            "Resource": "*",
            "Condition": {
                "StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"]},
                "ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/BreakGlass"},
                "BoolIfExists": {"aws:MultiFactorAuthPresent": False},
            },
        }
    ],
}

MUTATIONS = [
    lambda d: d.update(Version="2012-10-18"),
    lambda d: d.update(Version=None),
    lambda d: d.pop("Version"),
    lambda d: d.update(Extra=1),
    lambda d: d.update(Statement=[]),
    lambda d: d.update(Statement="x"),
    lambda d: d["Statement"][0].update(Effect="deny"),
    lambda d: d["Statement"][0].update(Action="s3:*"),
    lambda d: d["Statement"][0].pop("NotAction"),
    lambda d: d["Statement"][0].update(NotAction=[]),
    lambda d: d["Statement"][0].update(NotAction=["iam"]),
    lambda d: d["Statement"][0].update(NotAction=["iam:*", 3]),
    lambda d: d["Statement"][0].update(Resource=""),
    lambda d: d["Statement"][0].update(NotResource="*"),
    lambda d: d["Statement"][0].update(Principal="*"),
    lambda d: d["Statement"][0].update(Sid=5),
    lambda d: d["Statement"][0].update(Condition={}),
    lambda d: d["Statement"][0].update(Condition={"StringNotEqual": {"a:b": "c"}}),
    lambda d: d["Statement"][0].update(Condition={"StringEquals": {}}),
    lambda d: d["Statement"][0].update(Condition={"StringEquals": {"a:b": {"c": 1}}}),
    lambda d: d["Statement"][0].update(Condition={"NullIfExists": {"a:b": "true"}}),
    lambda d: d["Statement"][0].update(Condition={"ForAnyValue:StringLikeIfExists": {"a:b": ["c"]}}),
    lambda d: d["Statement"][0].update(Actions="s3:*"),
]


def _schema_valid(data, kind):
    return not list(_validator(kind).iter_errors(data))


@pytest.mark.parametrize("index", range(len(MUTATIONS)))
def test_fast_path_never_accepts_invalid(index):
    data = copy.deepcopy(BASE)
    MUTATIONS[index](data)
    for kind in PolicyKind:
        if plainly_valid(data, kind):
            assert _schema_valid(data, kind), json.dumps(data)


def test_fast_path_accepts_plain_policy():
    assert plainly_valid(BASE, PolicyKind.SCP)
    assert _schema_valid(BASE, PolicyKind.SCP)


def test_fast_path_agrees_on_corpus(corpus_dir):
    from scplint.loaders import load_file

    accepted = 0
    for path in sorted(corpus_dir.rglob("*")):
        if path.suffix not in (".json", ".yaml", ".yml", ".tf", ".py", ".template"):
            continue
        for document in load_file(path, path.name).documents:
            for kind in PolicyKind:
                if plainly_valid(document.data, kind, fragment=document.fragment):
                    accepted += 1
                    errors = [e for e in _validator(kind).iter_errors(document.data) if not (document.fragment and e.validator == "required" and not e.absolute_path)]
                    assert errors == [], f"{path}: {errors[0].message}"
    assert accepted > 100
