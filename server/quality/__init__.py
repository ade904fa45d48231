"""Conversation quality on the server: measuring a conversation as it ends, ratings, the view."""
