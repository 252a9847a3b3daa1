"""Tests for scplint.catalog.condition_keys."""

from __future__ import annotations

from scplint.catalog.condition_keys import all_global_keys, global_key

MULTIVALUED = {
    "aws:CalledVia",
    "aws:PrincipalOrgPaths",
    "aws:PrincipalServiceNamesList",
    "aws:ResourceOrgPaths",
    "aws:SourceOrgPaths",
    "aws:TagKeys",
    "aws:VpceOrgPaths",
}
TYPES = {"String", "ARN", "Bool", "Date", "IPAddress", "Numeric", "ArrayOfString"}


def test_lookup_ignores_case():
    key = global_key("aws:PrincipalARN")
    assert key is not None
    assert key.name == "aws:PrincipalArn"
    assert key.type == "ARN"


def test_templated_key_matches_tag():
    key = global_key("aws:principaltag/team")
    assert key is not None
    assert key.name == "aws:PrincipalTag/${TagKey}"
    assert key.templated
    assert not key.always_present


def test_templated_key_needs_tag_name():
    assert global_key("aws:PrincipalTag/") is None


def test_unknown_keys():
    assert global_key("aws:PrincipleArn") is None
    assert global_key("s3:prefix") is None
    assert global_key(None) is None


def test_requested_region_always_present():
    key = global_key("aws:RequestedRegion")
    assert key.type == "String"
    assert key.always_present
    assert not key.multivalued


def test_keys_that_many_requests_lack():
    for name in ("aws:SourceIp", "aws:CalledVia", "aws:MultiFactorAuthPresent", "aws:SourceVpce"):
        key = global_key(name)
        assert key is not None, name
        assert not key.always_present, name


def test_multivalued_keys_match_documented_set():
    multivalued = {key.name for key in all_global_keys() if key.multivalued}
    assert multivalued == MULTIVALUED


def test_multivalued_keys_have_array_type():
    for key in all_global_keys():
        assert key.multivalued == key.type.startswith("ArrayOf"), key.name


def test_every_key_well_formed():
    names = [key.name.lower() for key in all_global_keys()]
    assert len(names) == len(set(names))
    assert names == sorted(names)
    for key in all_global_keys():
        assert key.name.startswith("aws:"), key.name
        assert key.type in TYPES, key.name
        assert key.availability, key.name
        assert key.templated == ("${" in key.name), key.name
