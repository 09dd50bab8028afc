# METADATA
# title: ECR repositories must have immutable image tags
# description: >-
#   With mutable tags, pushing an image under an existing tag silently replaces what the
#   tag points at: a deployment or a training job that pulls "v1.4" or "latest" can run an
#   image that nobody tested or scanned, and a compromised pipeline can overwrite a
#   released one. Flags aws_ecr_repository whose image_tag_mutability is not IMMUTABLE
#   (MUTABLE, the default, and the *_WITH_EXCLUSION modes, whose excluded tags stay
#   mutable: waive those after review). A value that is unknown until apply is reported as
#   unknown.
# custom:
#   id: DG-CTR-001
#   severity: medium
#   remediation: >-
#     Set image_tag_mutability = "IMMUTABLE" and push each build under a new tag (a version
#     or the commit SHA); deploy by tag or, better, by image digest.
#   checkov: CKV_AWS_51
#   trivy: AVD-AWS-0031
package driftguard.rules.containers.ecr_immutable_tags

import data.driftguard.lib
import rego.v1

deny contains lib.finding(r, msg) if {
	some r in lib.resources["aws_ecr_repository"]
	mutability := object.get(r.attributes, "image_tag_mutability", null)
	mutability != "IMMUTABLE"
	not "image_tag_mutability" in r.unknown # lib.attr, inline
	msg := sprintf("ECR repository image tags are mutable (image_tag_mutability = %s)", [_shown(mutability)])
}

deny contains lib.unknown_finding(r, "image_tag_mutability") if {
	some r in lib.resources["aws_ecr_repository"]
	"image_tag_mutability" in r.unknown
}

_shown(value) := value if is_string(value)

_shown(null) := "not set, MUTABLE by default"
