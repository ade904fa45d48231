"""The knowledge base: ingestion, local embeddings, a Chroma store and hybrid retrieval."""
