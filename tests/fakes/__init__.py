"""Test doubles that are real servers speaking the wire protocol of what they stand in for."""
