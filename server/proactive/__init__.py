"""Proactive support on the server: the host API, the outreach desk, its webhook and schedule."""
