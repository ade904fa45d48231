"""The written escalation policy: rules, thresholds, decision records and the reply's tone."""
