# METADATA
# title: Lambda function URLs must require authentication
# description: >-
#   A function URL with authorization_type NONE lets anyone on the internet who finds the
#   URL invoke the function: run the model behind it, read what it returns, and run up
#   its cost, with nothing but the function's own code in the way. Checks every resource
#   with authorization_type (Lambda functions, whose aws_lambda_function_url folds in; a
#   function without a URL has none): flags NONE. A value that is unknown until apply is
#   reported as unknown. Severity high, as DG-NET-001's public addresses (checkov's open
#   checks carry no severity; trivy has no function URL check).
# custom:
#   id: DG-NET-009
#   severity: high
#   remediation: >-
#     Set authorization_type = "AWS_IAM" on the aws_lambda_function_url and sign requests
#     with SigV4 (CloudFront with origin access control, or callers with
#     lambda:InvokeFunctionUrl), or put the function behind API Gateway with an authorizer;
#     for a reviewed public endpoint (a webhook that checks its own signatures), waive it.
#   checkov: CKV_AWS_258
package driftguard.rules.network.lambda_url_auth

import data.driftguard.lib
import rego.v1

deny contains lib.finding(r, msg) if {
	some r in lib.with_attribute["authorization_type"]
	r.attributes.authorization_type == "NONE"
	msg := sprintf("%s URL takes requests from anyone (authorization_type = NONE)", [lib.noun(r.type)])
}

deny contains lib.unknown_finding(r, "authorization_type") if {
	some r in lib.with_attribute["authorization_type"]
	"authorization_type" in r.unknown
}
