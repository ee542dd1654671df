"""Workflow scenarios (officer and council)."""

WORKFLOW = []
