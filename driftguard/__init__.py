"""driftguard: policy-as-code and drift detection for AWS."""

__version__ = "0.1.0"
