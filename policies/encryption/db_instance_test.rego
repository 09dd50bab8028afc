package driftguard.rules.encryption.db_instance

import data.driftguard.test.fixtures.planned
import data.driftguard.test.fixtures.resource
import rego.v1

test_fires_when_not_encrypted if {
	count(deny) == 1 with input as {"resources": [resource("aws_db_instance", "bad", {"encrypted": false})]}
	some f in deny with input as {"resources": [resource("aws_db_instance", "bad", {"encrypted": false})]}
	f.resource == "aws_db_instance.bad"
	f.key == "plan#aws_db_instance.bad"
	not f.unknown
}

test_one_finding_per_bad_resource if {
	count(deny) == 2 with input as {"resources": [
		resource("aws_db_instance", "a", {"encrypted": false}),
		resource("aws_db_instance", "b", {"encrypted": true}),
		resource("aws_db_instance", "c", {"encrypted": false}),
	]}
}

test_silent_when_encrypted if {
	count(deny) == 0 with input as {"resources": [resource("aws_db_instance", "good", {"encrypted": true})]}
}

test_unknown_is_reported_not_passed if {
	inp := {"resources": [planned("aws_db_instance", "new", {}, ["encrypted"])]}
	count(deny) == 1 with input as inp
	some f in deny with input as inp
	f.unknown == true
	f.attribute == "encrypted"
	f.resource == "aws_db_instance.new"
}

test_null_is_not_false if {
	count(deny) == 0 with input as {"resources": [resource("aws_db_instance", "unset", {"encrypted": null})]}
}

test_other_types_ignored if {
	count(deny) == 0 with input as {"resources": [
		resource("aws_kms_key", "k", {"encrypted": false}),
		planned("aws_kms_key", "u", {}, ["encrypted"]),
	]}
}

test_message_unchanged if {
	some f in deny with input as {"resources": [resource("aws_db_instance", "bad", {"encrypted": false})]}
	f.msg == "RDS DB instance storage is not encrypted at rest"
}

# --- read replicas ------------------------------------------------------------------------

# A source and its replica as a plan gives them: the replica's own flag unset (false), its
# source's encryption and key through the links.
_main(encrypted) := resource("aws_db_instance", "main", {
	"encrypted": encrypted, "replicate_source_db": null,
	"replicate_source_encrypted": null, "replicate_source_key": null,
})

_replica_of(name, source) := resource("aws_db_instance", name, {
	"encrypted": false, "replicate_source_db": "main-db",
	"replicate_source_encrypted": source.attributes.encrypted,
	"replicate_source_key": source.key,
})

test_replica_of_an_encrypted_source_passes_whatever_its_own_flag if {
	source := _main(true)
	count(deny) == 0 with input as {"resources": [source, _replica_of("replica", source)]}
}

test_replica_of_an_unencrypted_source_names_it if {
	source := _main(false)
	findings := deny with input as {"resources": [source, _replica_of("replica", source)]}
	{[f.resource, f.msg] | some f in findings} == {
		["aws_db_instance.main", "RDS DB instance storage is not encrypted at rest"],
		["aws_db_instance.replica", "RDS DB instance storage is not encrypted at rest: it is a read replica of aws_db_instance.main, which is not encrypted"],
	}
}

test_replica_whose_source_is_not_declared_is_unknown_never_unencrypted if {
	replica := resource("aws_db_instance", "replica", {
		"encrypted": false, "replicate_source_db": "elsewhere",
		"replicate_source_encrypted": null, "replicate_source_key": null,
	})
	findings := deny with input as {"resources": [replica]}
	count(findings) == 1
	some f in findings
	f.unknown == true
	f.attribute == "encrypted"
	f.msg == "encrypted is unknown until apply: a read replica is encrypted as its source is, and its source elsewhere is not in the input"
}

test_replica_whose_source_is_known_only_after_apply if {
	# A template's Ref, a plan's reference to an ARN: the source is found by reference.
	source := _main(false)
	replica := planned("aws_db_instance", "replica", {
		"encrypted": false, "replicate_source_encrypted": false,
		"replicate_source_key": source.key,
	}, ["replicate_source_db"])
	some f in deny with input as {"resources": [source, replica]}
	f.resource == "aws_db_instance.replica"
	contains(f.msg, "read replica of aws_db_instance.main")
	# A module output: no source found.
	orphan := planned("aws_db_instance", "orphan", {
		"encrypted": false, "replicate_source_encrypted": null, "replicate_source_key": null,
	}, ["replicate_source_db"])
	some g in deny with input as {"resources": [orphan]}
	g.unknown == true
	endswith(g.msg, "and its source is not in the input")
}

test_replica_whose_source_encryption_is_unknown if {
	source := planned("aws_db_instance", "main", {"replicate_source_db": null}, ["encrypted"])
	replica := planned("aws_db_instance", "replica", {
		"encrypted": false, "replicate_source_db": "main-db", "replicate_source_key": source.key,
	}, ["replicate_source_encrypted"])
	findings := deny with input as {"resources": [source, replica]}
	{[f.resource, f.msg] | some f in findings} == {
		["aws_db_instance.main", "encrypted is unknown until apply"],
		["aws_db_instance.replica", "encrypted is unknown until apply: a read replica is encrypted as its source is, and the encryption of its source aws_db_instance.main is unknown until apply"],
	}
}

test_replica_that_sets_encryption_itself_passes if {
	replica := resource("aws_db_instance", "replica", {
		"encrypted": true, "replicate_source_db": "arn:aws:rds:us-east-1:123456789012:db:main",
		"replicate_source_encrypted": null, "replicate_source_key": null,
	})
	count(deny) == 0 with input as {"resources": [replica]}
}

test_existing_replicas_are_judged_by_what_aws_reports if {
	# A state or a live scan reads the replica's own encryption back from AWS.
	for_state := object.union(resource("aws_db_instance", "replica", {
		"encrypted": false, "replicate_source_db": "elsewhere",
		"replicate_source_encrypted": null, "replicate_source_key": null,
	}), {"source": "state"})
	some f in deny with input as {"resources": [for_state]}
	f.msg == "RDS DB instance storage is not encrypted at rest"
	live := object.union(for_state, {"source": "live", "attributes": {"encrypted": true}})
	count(deny) == 0 with input as {"resources": [live]}
}

test_empty_input if {
	count(deny) == 0 with input as {"resources": []}
}
