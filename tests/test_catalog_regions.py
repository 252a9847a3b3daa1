"""Tests for scplint.catalog.regions."""

from __future__ import annotations

import re

import pytest

from scplint.catalog import regions

REGION_CODE = re.compile(r"[a-z]{2,4}(-gov|-iso[bef]?)?(-[a-z]+)+-\d")


def test_commercial_partition_has_34_regions():
    assert len(regions.all_regions()) == 34


def test_commercial_regions_include_recent_launches():
    codes = regions.all_regions("aws")
    for code in ("mx-central-1", "ap-east-2", "ap-southeast-7", "il-central-1"):
        assert code in codes, code


def test_other_partitions():
    assert regions.all_regions("aws-us-gov") == ("us-gov-east-1", "us-gov-west-1")
    assert regions.all_regions("aws-cn") == ("cn-north-1", "cn-northwest-1")


def test_unknown_partition_raises():
    with pytest.raises(ValueError, match="aws-moon"):
        regions.all_regions("aws-moon")


def test_region_codes_well_formed():
    for partition in regions.PARTITIONS:
        for code in regions.all_regions(partition):
            assert REGION_CODE.fullmatch(code), code
            assert regions.region_name(code), code
            assert regions.region_partition(code) == partition, code


def test_region_exists():
    assert regions.region_exists("eu-west-1")
    assert regions.region_exists("us-gov-west-1")
    assert not regions.region_exists("EU-WEST-1")
    assert not regions.region_exists("eu-west-9")
    assert not regions.region_exists(None)


def test_region_name():
    assert regions.region_name("eu-west-1") == "Europe (Ireland)"
    assert regions.region_name("nowhere-1") is None


def test_global_service_regions_exist():
    from scplint.catalog.global_services import global_services

    for service in global_services():
        assert regions.region_exists(service.region), service.prefix
