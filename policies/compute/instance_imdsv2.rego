# METADATA
# title: EC2 instances must require IMDSv2
# description: >-
#   IMDSv1 answers any plain HTTP GET from the instance, so a server-side request forgery
#   in any application on it (a notebook, a model server) hands out the instance role's
#   credentials. IMDSv2 requires a session token that such requests cannot get. Flags
#   instances whose metadata_options http_tokens is "optional", and instances that leave
#   it unset: the AMI's or the account's default then decides, which is still optional
#   for many AMIs. Instances with the metadata endpoint disabled pass. A value that is
#   unknown until apply is reported as unknown.
# custom:
#   id: DG-CMP-002
#   severity: high
#   remediation: >-
#     Set metadata_options { http_tokens = "required" } (and http_put_response_hop_limit =
#     2 when containers on the instance need the metadata service); update SDKs older than
#     2019 first. For all new instances, set the account default with
#     aws_ec2_instance_metadata_defaults.
#   checkov: CKV_AWS_79
#   trivy: AVD-AWS-0028
package driftguard.rules.compute.instance_imdsv2

import data.driftguard.lib
import rego.v1

# lib.attr's lookups, written inline (see lib.is_unknown): this runs for every instance.
deny contains lib.finding(r, _message(tokens)) if {
	some r in lib.resources["aws_instance"]
	tokens := object.get(r.attributes, "metadata_http_tokens", null)
	tokens != "required"
	not "metadata_http_tokens" in r.unknown
	object.get(r.attributes, "metadata_http_endpoint", null) != "disabled"
	not "metadata_http_endpoint" in r.unknown
}

deny contains lib.unknown_finding(r, "metadata_http_tokens") if {
	some r in lib.resources["aws_instance"]
	"metadata_http_tokens" in r.unknown
	object.get(r.attributes, "metadata_http_endpoint", null) != "disabled"
}

# Only matters when http_tokens is known and would fail: a disabled endpoint would pass.
deny contains lib.unknown_finding(r, "metadata_http_endpoint") if {
	some r in lib.resources["aws_instance"]
	"metadata_http_endpoint" in r.unknown
	object.get(r.attributes, "metadata_http_tokens", null) != "required"
	not "metadata_http_tokens" in r.unknown
}

_message(null) := "instance does not require IMDSv2 (metadata_options http_tokens not set: the AMI or account default decides, often optional)"

_message(tokens) := sprintf("instance allows IMDSv1 (metadata_options http_tokens = %q)", [tokens]) if tokens != null
