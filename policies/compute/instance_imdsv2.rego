# METADATA
# title: Instances, launch templates and launch configurations must require IMDSv2
# description: >-
#   IMDSv1 answers any plain HTTP GET from the instance, so a server-side request forgery
#   in any application on it (a notebook, a model server) hands out the instance role's
#   credentials. IMDSv2 requires a session token that such requests cannot get. Checks
#   every resource with a metadata_http_tokens attribute (EC2 instances, launch templates,
#   launch configurations): flags http_tokens "optional", and leaving it unset (the AMI's
#   or the account's default then decides, which is still optional for many AMIs). A
#   disabled metadata endpoint passes. A launch template's finding names the groups that
#   launch it. A value that is unknown until apply is reported as unknown.
# custom:
#   id: DG-CMP-002
#   severity: high
#   remediation: >-
#     Set metadata_options { http_tokens = "required" } (and http_put_response_hop_limit =
#     2 when containers on the instance need the metadata service) on the instance, launch
#     template or launch configuration; update SDKs older than 2019 first. For all new
#     instances, set the account default with aws_ec2_instance_metadata_defaults.
#   checkov: CKV_AWS_79
#   trivy: [AVD-AWS-0028, AVD-AWS-0130]
package driftguard.rules.compute.instance_imdsv2

import data.driftguard.lib
import rego.v1

# lib.attr's lookups, written inline (see lib.is_unknown): this runs for every resource
# with the attribute.
deny contains lib.finding(r, _message(r, tokens)) if {
	some r in lib.with_attribute["metadata_http_tokens"]
	tokens := object.get(r.attributes, "metadata_http_tokens", null)
	tokens != "required"
	not "metadata_http_tokens" in r.unknown
	object.get(r.attributes, "metadata_http_endpoint", null) != "disabled"
	not "metadata_http_endpoint" in r.unknown
}

deny contains lib.unknown_finding(r, "metadata_http_tokens") if {
	some r in lib.with_attribute["metadata_http_tokens"]
	"metadata_http_tokens" in r.unknown
	object.get(r.attributes, "metadata_http_endpoint", null) != "disabled"
}

# Only matters when http_tokens is known and would fail: a disabled endpoint would pass.
deny contains lib.unknown_finding(r, "metadata_http_endpoint") if {
	some r in lib.with_attribute["metadata_http_tokens"]
	"metadata_http_endpoint" in r.unknown
	object.get(r.attributes, "metadata_http_tokens", null) != "required"
	not "metadata_http_tokens" in r.unknown
}

_message(r, null) := sprintf("%s does not require IMDSv2 (metadata_options http_tokens not set: the AMI or account default decides, often optional)%s", [lib.noun(r.type), lib.launched_by_note(r)])

_message(r, tokens) := sprintf("%s allows IMDSv1 (metadata_options http_tokens = %q)%s", [lib.noun(r.type), tokens, lib.launched_by_note(r)]) if tokens != null
