"""Proactive support: customer histories, trajectory signals, the outreach policy and drafts."""
