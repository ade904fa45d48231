"""One module per graph node; each returns a partial state."""
