"""Rego policies: rule metadata, the embedded engine, findings."""
