"""Tests for condition operators, taken from the examples in the IAM User Guide.

Each group names the IAM User Guide page its cases come from. A case is
``(operator, key, policy values, request context, expected result)``.
"""

from __future__ import annotations

import datetime as dt

import pytest

from scplint.evaluate.conditions import (
    REGION_KEY,
    UnknownOperatorError,
    evaluate_condition,
    evaluate_entry,
    is_known_operator,
    regions_where_true,
)
from scplint.model import ConditionEntry, Placeholder


def entry(operator: str, key: str, *values) -> ConditionEntry:
    return ConditionEntry(operator, key, tuple(values), ("Condition", operator, key))


ADMIN_ROLE = "arn:aws:iam::111122223333:role/Admin"
REGIONS = ("us-east-1", "eu-west-1")
TAG_KEYS = "aws:TagKeys"
ATTRIBUTES = "dynamodb:requestedAttributes"
FINANCE_PATTERN = "arn:aws:someservice:*:111122223333:finance/*"
FINANCE_REQUEST = (
    "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"
)

CASES = [
    # "Conditions with multiple context keys or values": several values are ORed under a
    # positive operator and NORed under a negated one.
    ("StringEquals", "aws:RequestedRegion", REGIONS, {"aws:RequestedRegion": "eu-west-1"}, True),
    ("StringEquals", "aws:RequestedRegion", REGIONS, {"aws:RequestedRegion": "ap-south-1"}, False),
    ("StringNotEquals", "aws:RequestedRegion", REGIONS, {"aws:RequestedRegion": "us-east-1"}, False),
    ("StringNotEquals", "aws:RequestedRegion", REGIONS, {"aws:RequestedRegion": "eu-west-1"}, False),
    ("StringNotEquals", "aws:RequestedRegion", REGIONS, {"aws:RequestedRegion": "ap-south-1"}, True),
    (
        "StringNotLike",
        "aws:PrincipalArn",
        ("arn:aws:iam::*:role/Admin", "arn:aws:iam::*:role/BreakGlass*"),
        {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/BreakGlassOps"},
        False,
    ),
    (
        "StringNotLike",
        "aws:PrincipalArn",
        ("arn:aws:iam::*:role/Admin", "arn:aws:iam::*:role/BreakGlass*"),
        {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/Developer"},
        True,
    ),
    ("ArnNotLike", "aws:PrincipalArn", (ADMIN_ROLE, "arn:aws:iam::*:role/Ops"), {"aws:PrincipalArn": ADMIN_ROLE}, False),
    ("NumericNotEquals", "s3:max-keys", ("1", "2"), {"s3:max-keys": "2"}, False),
    ("NumericNotEquals", "s3:max-keys", ("1", "2"), {"s3:max-keys": "3"}, True),
    ("DateNotEquals", "aws:CurrentTime", ("2020-01-01T00:00:00Z", "2021-01-01T00:00:00Z"), {"aws:CurrentTime": "2021-01-01T00:00:00Z"}, False),
    # "IAM JSON policy elements: Condition operators", Important note: an absent key makes
    # a positive operator false and a negated operator true.
    ("StringEquals", "aws:PrincipalTag/job-category", ("iamuser-admin",), {}, False),
    ("StringNotLike", "aws:PrincipalTag/job-category", ("iamuser-*",), {}, True),
    ("StringNotEquals", "aws:PrincipalTag/job-category", ("iamuser-admin",), {"aws:PrincipalTag/job-category": None}, True),
    ("ArnNotLike", "aws:SourceArn", ("arn:aws:sns:*:123456789012:*",), {}, True),
    ("ArnEquals", "aws:SourceArn", ("arn:aws:sns:us-east-1:123456789012:topic",), {}, False),
    ("NumericLessThanEquals", "s3:max-keys", ("10",), {}, False),
    ("DateGreaterThan", "aws:TokenIssueTime", ("2020-01-01T00:00:01Z",), {}, False),
    ("NotIpAddress", "aws:SourceIp", ("203.0.113.0/24",), {}, True),
    ("IpAddress", "aws:SourceIp", ("203.0.113.0/24",), {}, False),
    ("Bool", "aws:SecureTransport", ("false",), {}, False),
    # "Condition operators", ...IfExists section: an absent key makes the test true, and a
    # present key is tested as usual.
    ("StringLikeIfExists", "ec2:InstanceType", ("t1.*", "t2.*", "m3.*"), {}, True),
    ("StringLikeIfExists", "ec2:InstanceType", ("t1.*", "t2.*", "m3.*"), {"ec2:InstanceType": "t2.micro"}, True),
    ("StringLikeIfExists", "ec2:InstanceType", ("t1.*", "t2.*", "m3.*"), {"ec2:InstanceType": "m5.large"}, False),
    ("StringNotEqualsIfExists", "aws:PrincipalTag/team", ("platform",), {}, True),
    ("StringNotEqualsIfExists", "aws:PrincipalTag/team", ("platform",), {"aws:PrincipalTag/team": "platform"}, False),
    ("BoolIfExists", "aws:MultiFactorAuthPresent", ("false",), {}, True),
    ("BoolIfExists", "aws:MultiFactorAuthPresent", ("false",), {"aws:MultiFactorAuthPresent": "false"}, True),
    ("BoolIfExists", "aws:MultiFactorAuthPresent", ("false",), {"aws:MultiFactorAuthPresent": True}, False),
    ("ForAnyValue:StringEqualsIfExists", TAG_KEYS, ("env",), {}, True),
    # "Condition operators", Null section: "true" means the key is absent, "false" that it
    # is present and not null.
    ("Null", "aws:TokenIssueTime", ("true",), {}, True),
    ("Null", "aws:TokenIssueTime", ("true",), {"aws:TokenIssueTime": "2020-01-01T00:00:00Z"}, False),
    ("Null", "aws:TokenIssueTime", ("false",), {}, False),
    ("Null", "aws:TokenIssueTime", ("false",), {"aws:TokenIssueTime": "2020-01-01T00:00:00Z"}, True),
    # "Multivalued context key examples": Null "false" guards against empty values too.
    ("Null", TAG_KEYS, ("false",), {TAG_KEYS: []}, False),
    # "Multivalued context key examples": ForAllValues:StringNotLike with one value.
    ("ForAllValues:StringNotLike", TAG_KEYS, ("key1*",), {TAG_KEYS: ["key1:legal"]}, False),
    ("ForAllValues:StringNotLike", TAG_KEYS, ("key1*",), {TAG_KEYS: ["key1:hr", "key1:personnel"]}, False),
    ("ForAllValues:StringNotLike", TAG_KEYS, ("key1*",), {TAG_KEYS: ["key2:audit"]}, True),
    ("ForAllValues:StringNotLike", TAG_KEYS, ("key1*",), {}, True),
    # Same page: ForAllValues:StringNotLike with several values.
    ("ForAllValues:StringNotLike", TAG_KEYS, ("key1*", "key2*"), {TAG_KEYS: ["key1:legal"]}, False),
    ("ForAllValues:StringNotLike", TAG_KEYS, ("key1*", "key2*"), {TAG_KEYS: ["key1:hr", "key2:audit"]}, False),
    ("ForAllValues:StringNotLike", TAG_KEYS, ("key1*", "key2*"), {TAG_KEYS: ["key3:legal"]}, True),
    ("ForAllValues:StringNotLike", TAG_KEYS, ("key1*", "key2*"), {}, True),
    # "Single-valued vs. multivalued context keys" and its DynamoDB example: ForAllValues
    # needs every request value to match, ForAnyValue one; ForAllValues is true and
    # ForAnyValue false for an absent key or an empty data set.
    ("ForAllValues:StringLike", ATTRIBUTES, ("PostDateTime", "Message", "Tags"), {ATTRIBUTES: ["PostDateTime", "Message"]}, True),
    ("ForAllValues:StringLike", ATTRIBUTES, ("PostDateTime", "Message", "Tags"), {ATTRIBUTES: ["PostDateTime", "UserName"]}, False),
    ("ForAnyValue:StringLike", ATTRIBUTES, ("ID", "PostDateTime"), {ATTRIBUTES: ["UserName", "Message", "PostDateTime"]}, True),
    ("ForAnyValue:StringLike", ATTRIBUTES, ("ID", "PostDateTime"), {ATTRIBUTES: ["UserName"]}, False),
    ("ForAnyValue:StringLike", ATTRIBUTES, ("ID", "PostDateTime"), {}, False),
    ("ForAllValues:StringEquals", TAG_KEYS, ("env",), {TAG_KEYS: []}, True),
    ("ForAnyValue:StringEquals", TAG_KEYS, ("env",), {TAG_KEYS: []}, False),
    ("ForAllValues:StringEquals", TAG_KEYS, ("env",), {TAG_KEYS: ""}, True),
    ("ForAnyValue:StringEquals", TAG_KEYS, ("env",), {TAG_KEYS: "env"}, True),
    ("ForAnyValue:StringNotEquals", TAG_KEYS, ("env",), {TAG_KEYS: ["env", "owner"]}, True),
    ("ForAnyValue:StringNotEquals", TAG_KEYS, ("env",), {TAG_KEYS: ["env"]}, False),
    ("ForAllValues:StringNotEquals", TAG_KEYS, ("env", "owner"), {TAG_KEYS: ["cost", "team"]}, True),
    ("ForAllValues:StringNotEquals", TAG_KEYS, ("env", "owner"), {TAG_KEYS: ["cost", "owner"]}, False),
    # "IAM policy elements: Variables and tags" and AWS service guides: condition key
    # names, tag keys included, are not case-sensitive.
    ("StringEquals", "aws:PrincipalARN", (ADMIN_ROLE,), {"aws:PrincipalArn": ADMIN_ROLE}, True),
    ("StringEquals", "AWS:RequestedRegion", ("eu-west-1",), {"aws:requestedregion": "eu-west-1"}, True),
    ("StringEquals", "aws:ResourceTag/Owner", ("richard-roe",), {"aws:ResourceTag/owner": "richard-roe"}, True),
    # "Condition operators", string section: StringEquals is exact and case-sensitive and
    # takes * literally; StringLike treats * and ? as wildcards.
    ("StringEquals", "s3:prefix", ("home/*",), {"s3:prefix": "home/alice"}, False),
    ("StringEquals", "s3:prefix", ("home/*",), {"s3:prefix": "home/*"}, True),
    ("StringEquals", "aws:PrincipalTag/team", ("Platform",), {"aws:PrincipalTag/team": "platform"}, False),
    ("StringLike", "s3:prefix", ("home/*",), {"s3:prefix": "home/alice"}, True),
    ("StringLike", "s3:prefix", ("Home/*",), {"s3:prefix": "home/alice"}, False),
    ("StringLike", "ec2:InstanceType", ("t?.micro",), {"ec2:InstanceType": "t2.micro"}, True),
    ("StringLike", "ec2:InstanceType", ("t?.micro",), {"ec2:InstanceType": "t3a.micro"}, False),
    ("StringLike", "s3:prefix", ("",), {"s3:prefix": ""}, True),
    ("StringEqualsIgnoreCase", "aws:PrincipalTag/team", ("PLATFORM",), {"aws:PrincipalTag/team": "platform"}, True),
    ("StringNotEqualsIgnoreCase", "aws:PrincipalTag/team", ("PLATFORM",), {"aws:PrincipalTag/team": "Platform"}, False),
    # "Condition operators", ARN section: the six colon-delimited parts are matched
    # separately, ArnEquals and ArnLike behave identically, and matching is case-sensitive.
    ("ArnLike", "aws:SourceArn", (FINANCE_PATTERN,), {"aws:SourceArn": FINANCE_REQUEST}, False),
    ("StringLike", "aws:SourceArn", (FINANCE_PATTERN,), {"aws:SourceArn": FINANCE_REQUEST}, True),
    ("ArnLike", "aws:SourceArn", (FINANCE_PATTERN,), {"aws:SourceArn": "arn:aws:someservice:us-east-2:111122223333:finance/a.txt"}, True),
    ("ArnEquals", "aws:PrincipalArn", ("arn:aws:iam::*:role/Admin",), {"aws:PrincipalArn": ADMIN_ROLE}, True),
    ("ArnLike", "aws:PrincipalArn", ("arn:aws:iam::*:role/*",), {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/path/Name"}, True),
    ("ArnLike", "aws:PrincipalArn", ("arn:aws:iam::111122223333:role/*",), {"aws:PrincipalArn": "arn:aws:iam::111122223333:user/alice"}, False),
    ("ArnEquals", "aws:PrincipalArn", ("arn:aws:iam::111122223333:role/admin",), {"aws:PrincipalArn": ADMIN_ROLE}, False),
    ("ArnEquals", "aws:SourceArn", ("arn:aws:sns:us-east-2:123456789012:topic",), {"aws:SourceArn": "arn:aws:sns:us-east-2:123456789012:topic"}, True),
    ("ArnLike", "aws:SourceArn", ("arn:aws:logs:us-east-1:111122223333:log-group:*",), {"aws:SourceArn": "arn:aws:logs:us-east-1:111122223333:log-group:app:log-stream:x"}, True),
    ("ArnLike", "aws:SourceArn", ("arn:aws:*:us-east-1:111122223333:*",), {"aws:SourceArn": "arn:aws:sns:us-east-1:111122223333"}, False),
    ("ArnNotEquals", "aws:PrincipalArn", ("arn:aws:iam::*:role/Admin",), {"aws:PrincipalArn": ADMIN_ROLE}, False),
    # "Condition operators", Boolean section.
    ("Bool", "aws:SecureTransport", ("false",), {"aws:SecureTransport": False}, True),
    ("Bool", "aws:SecureTransport", ("false",), {"aws:SecureTransport": "true"}, False),
    ("Bool", "aws:SecureTransport", ("True",), {"aws:SecureTransport": "true"}, True),
    ("Bool", "aws:SecureTransport", (True,), {"aws:SecureTransport": True}, True),
    ("Bool", "aws:SecureTransport", ("yes",), {"aws:SecureTransport": "true"}, False),
    # "Condition operators", numeric section.
    ("NumericLessThanEquals", "s3:max-keys", ("10",), {"s3:max-keys": "10"}, True),
    ("NumericLessThanEquals", "s3:max-keys", ("10",), {"s3:max-keys": "11"}, False),
    ("NumericLessThan", "s3:max-keys", ("10",), {"s3:max-keys": "9.5"}, True),
    ("NumericEquals", "s3:max-keys", ("10",), {"s3:max-keys": "10.0"}, True),
    ("NumericGreaterThan", "aws:MultiFactorAuthAge", (3600,), {"aws:MultiFactorAuthAge": 3601}, True),
    ("NumericGreaterThanEquals", "aws:MultiFactorAuthAge", ("ten",), {"aws:MultiFactorAuthAge": "10"}, False),
    # "Condition operators", date section: W3C ISO 8601 dates or epoch seconds.
    ("DateGreaterThan", "aws:TokenIssueTime", ("2020-01-01T00:00:01Z",), {"aws:TokenIssueTime": "2020-06-01T00:00:00Z"}, True),
    ("DateGreaterThan", "aws:TokenIssueTime", ("2020-01-01T00:00:01Z",), {"aws:TokenIssueTime": "2019-12-31T23:59:59Z"}, False),
    ("DateLessThan", "aws:CurrentTime", ("2020-01-01",), {"aws:CurrentTime": "1577836799"}, True),
    ("DateLessThanEquals", "aws:CurrentTime", ("2020",), {"aws:CurrentTime": dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)}, True),
    ("DateEquals", "aws:EpochTime", ("1577836800",), {"aws:EpochTime": "2020-01-01T00:00:00Z"}, True),
    ("DateGreaterThanEquals", "aws:CurrentTime", ("2020-01-01T01:00:00+01:00",), {"aws:CurrentTime": "2020-01-01T00:00:00Z"}, True),
    ("DateEquals", "aws:CurrentTime", ("not a date",), {"aws:CurrentTime": "2020-01-01T00:00:00Z"}, False),
    # "Condition operators", IP address section: CIDR for IPv4 and IPv6, and an address
    # without a prefix length is a single address.
    ("IpAddress", "aws:SourceIp", ("203.0.113.0/24",), {"aws:SourceIp": "203.0.113.255"}, True),
    ("IpAddress", "aws:SourceIp", ("203.0.113.0/24",), {"aws:SourceIp": "203.0.114.1"}, False),
    ("IpAddress", "aws:SourceIp", ("203.0.113.0/24", "2001:DB8:1234:5678::/64"), {"aws:SourceIp": "2001:db8:1234:5678::1"}, True),
    ("IpAddress", "aws:SourceIp", ("2001:DB8:1234:5678::/64",), {"aws:SourceIp": "2001:db8:1234:5679::1"}, False),
    ("IpAddress", "aws:SourceIp", ("203.0.113.5",), {"aws:SourceIp": "203.0.113.5"}, True),
    ("IpAddress", "aws:SourceIp", ("203.0.113.5",), {"aws:SourceIp": "203.0.113.6"}, False),
    ("IpAddress", "aws:SourceIp", ("0.0.0.0/0",), {"aws:SourceIp": "2001:db8::1"}, False),
    ("NotIpAddress", "aws:SourceIp", ("203.0.113.0/24", "2001:DB8:1234:5678::/64"), {"aws:SourceIp": "203.0.113.7"}, False),
    ("NotIpAddress", "aws:SourceIp", ("203.0.113.0/24", "2001:DB8:1234:5678::/64"), {"aws:SourceIp": "198.51.100.1"}, True),
    # "Condition operators", binary section: the policy value is base64.
    ("BinaryEquals", "key", ("QmluYXJ5VmFsdWVJbkJhc2U2NA==",), {"key": b"BinaryValueInBase64"}, True),
    ("BinaryEquals", "key", ("QmluYXJ5VmFsdWVJbkJhc2U2NA==",), {"key": b"OtherValue"}, False),
    # "IAM policy elements: Variables and tags": variables in string and ARN values,
    # defaults, and the ${*}, ${?} and ${$} escapes.
    ("StringLike", "s3:prefix", ("home/${aws:username}/",), {"s3:prefix": "home/alice/", "aws:username": "alice"}, True),
    ("StringLike", "s3:prefix", ("home/${aws:username}/",), {"s3:prefix": "home/bob/", "aws:username": "alice"}, False),
    ("StringLike", "s3:prefix", ("home/${aws:username}/",), {"s3:prefix": "home//"}, False),
    ("StringEquals", "aws:userid", ("${aws:userid, 'anonymous'}",), {"aws:userid": "anonymous"}, True),
    ("StringEquals", "aws:ResourceTag/Owner", ("${AWS:UserName}",), {"aws:ResourceTag/Owner": "alice", "aws:username": "alice"}, True),
    ("StringLike", "s3:prefix", ("a${*}b",), {"s3:prefix": "a*b"}, True),
    ("StringLike", "s3:prefix", ("a${*}b",), {"s3:prefix": "axb"}, False),
    ("StringLike", "s3:prefix", ("a${?}b",), {"s3:prefix": "a?b"}, True),
    ("StringEquals", "s3:prefix", ("cost${$}",), {"s3:prefix": "cost$"}, True),
    ("StringEquals", "s3:prefix", ("${aws:TagKeys}",), {"s3:prefix": "env", TAG_KEYS: ["env"]}, False),
    ("ArnLike", "aws:PrincipalArn", ("arn:aws:iam::111122223333:user/${aws:username}",), {"aws:PrincipalArn": "arn:aws:iam::111122223333:user/alice", "aws:username": "alice"}, True),
    ("NumericEquals", "s3:max-keys", ("${s3:max-keys}",), {"s3:max-keys": "10"}, False),
]


@pytest.mark.parametrize(("operator", "key", "values", "context", "expected"), CASES)
def test_evaluate_entry_documented(operator, key, values, context, expected):
    assert evaluate_entry(entry(operator, key, *values), context) is expected


def test_documented_case_count():
    assert len(CASES) >= 60


REGION_PLACEHOLDER = Placeholder("${var.allowed_region}")

PLACEHOLDER_CASES = [
    # The placeholder could be the request's Region or not.
    ("StringNotEquals", (REGION_PLACEHOLDER,), {"aws:RequestedRegion": "us-east-1"}, None),
    ("StringEquals", (REGION_PLACEHOLDER,), {"aws:RequestedRegion": "us-east-1"}, None),
    # A known value decides the OR (positive) or the NOR (negated) on its own.
    ("StringEquals", ("us-east-1", REGION_PLACEHOLDER), {"aws:RequestedRegion": "us-east-1"}, True),
    ("StringNotEquals", ("us-east-1", REGION_PLACEHOLDER), {"aws:RequestedRegion": "us-east-1"}, False),
    ("StringNotEquals", ("us-east-1", REGION_PLACEHOLDER), {"aws:RequestedRegion": "eu-west-1"}, None),
    # An absent key decides without looking at the values.
    ("StringEquals", (REGION_PLACEHOLDER,), {}, False),
    ("StringNotEqualsIfExists", (REGION_PLACEHOLDER,), {}, True),
    ("Null", (Placeholder("${var.is_null}"),), {}, None),
    # A placeholder in the request context.
    ("StringEquals", ("us-east-1",), {"aws:RequestedRegion": REGION_PLACEHOLDER}, None),
]


@pytest.mark.parametrize(("operator", "values", "context", "expected"), PLACEHOLDER_CASES)
def test_evaluate_entry_placeholder(operator, values, context, expected):
    assert evaluate_entry(entry(operator, "aws:RequestedRegion", *values), context) is expected


def test_evaluate_entry_variable_placeholder():
    context = {"s3:prefix": "home/alice", "aws:username": Placeholder("${var.user}")}
    assert evaluate_entry(entry("StringEquals", "s3:prefix", "home/${aws:username}"), context) is None


def test_evaluate_entry_invalid_values():
    context = {"aws:RequestedRegion": "us-east-1"}
    assert evaluate_entry(entry("StringEquals", "aws:RequestedRegion", {"a": 1}), context) is False
    assert evaluate_entry(entry("StringNotEquals", "aws:RequestedRegion", None), context) is True


@pytest.mark.parametrize(
    "operator",
    [
        "StringEqual",
        "stringEquals",
        "ForSomeValues:StringEquals",
        "forallvalues:StringEquals",
        "NullIfExists",
        "IfExists",
        "BinaryNotEquals",
        ":StringEquals",
    ],
)
def test_evaluate_entry_unknown_operator(operator):
    with pytest.raises(UnknownOperatorError):
        evaluate_entry(entry(operator, "aws:RequestedRegion", "us-east-1"), {})


def test_unknown_operator_suggestion():
    with pytest.raises(UnknownOperatorError, match="did you mean 'StringEquals'"):
        evaluate_entry(entry("StringEqual", "aws:RequestedRegion", "us-east-1"), {})


@pytest.mark.parametrize(
    ("operator", "expected"),
    [
        ("StringEquals", True),
        ("ForAnyValue:StringNotLikeIfExists", True),
        ("ForAllValues:ArnLike", True),
        ("Null", True),
        ("NullIfExists", False),
        ("StringEqualsIgnorecase", False),
    ],
)
def test_is_known_operator(operator, expected):
    assert is_known_operator(operator) is expected


def test_evaluate_condition_and():
    entries = [
        entry("StringEquals", "aws:RequestedRegion", "us-east-1"),
        entry("ArnNotLike", "aws:PrincipalArn", "arn:aws:iam::*:role/BreakGlass"),
    ]
    admin = {"aws:RequestedRegion": "us-east-1", "aws:PrincipalArn": ADMIN_ROLE}
    break_glass = {
        "aws:RequestedRegion": "us-east-1",
        "aws:PrincipalArn": "arn:aws:iam::111122223333:role/BreakGlass",
    }
    assert evaluate_condition(entries, admin) is True
    assert evaluate_condition(entries, break_glass) is False


def test_evaluate_condition_three_valued():
    unknown = entry("StringEquals", "aws:RequestedRegion", REGION_PLACEHOLDER)
    true = entry("StringEquals", "aws:PrincipalArn", ADMIN_ROLE)
    false = entry("StringEquals", "aws:PrincipalAccount", "999999999999")
    context = {"aws:RequestedRegion": "us-east-1", "aws:PrincipalArn": ADMIN_ROLE}
    assert evaluate_condition([unknown, false], context) is False
    assert evaluate_condition([true, unknown], context) is None
    assert evaluate_condition([true], context) is True


def test_evaluate_condition_empty():
    assert evaluate_condition([], {}) is True


def test_regions_where_true_not_equals():
    entries = [entry("StringNotEquals", "aws:RequestedRegion", "eu-west-1", "eu-central-1")]
    regions = ["us-east-1", "eu-west-1", "eu-central-1", "ap-south-1"]
    assert regions_where_true(entries, regions) == {"us-east-1", "ap-south-1"}


def test_regions_where_true_ignores_other_keys():
    entries = [
        entry("StringNotEquals", "aws:RequestedRegion", "eu-west-1"),
        entry("ArnNotLike", "aws:PrincipalArn", "arn:aws:iam::*:role/BreakGlass"),
    ]
    assert regions_where_true(entries, ["eu-west-1", "us-east-1"]) == {"us-east-1"}


def test_regions_where_true_base_context():
    entries = [
        entry("StringLike", "AWS:RequestedRegion", "eu-*"),
        entry("StringEquals", "aws:PrincipalArn", ADMIN_ROLE),
    ]
    base = {"aws:requestedRegion": "eu-west-1", "aws:PrincipalArn": "ignored"}
    assert regions_where_true(entries, ["eu-west-1", "us-east-1"], base) == {"eu-west-1"}


def test_regions_where_true_no_region_entry():
    entries = [entry("ArnNotLike", "aws:PrincipalArn", "arn:aws:iam::*:role/BreakGlass")]
    assert regions_where_true(entries, ["eu-west-1", "us-east-1"]) == {"eu-west-1", "us-east-1"}


def test_regions_where_true_placeholder():
    entries = [entry("StringNotEquals", "aws:RequestedRegion", REGION_PLACEHOLDER)]
    assert regions_where_true(entries, ["eu-west-1", "us-east-1"]) is None


def test_region_key_constant():
    assert REGION_KEY == "aws:RequestedRegion".lower()
