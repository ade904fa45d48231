"""Offline evaluations of Tideline: retrieval quality, conversations, sentiment."""
