"""Drift: what runs that no code declares, what the code declares that no longer runs,
and which declared attributes changed. Pure functions over Resources."""
