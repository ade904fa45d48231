"""Maintainer tools of the learned sentiment reader: cached embeddings, training, measurement."""
