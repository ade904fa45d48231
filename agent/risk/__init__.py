"""The conversation risk: P(this conversation ends badly | its trajectory so far), a fitted logistic model."""
