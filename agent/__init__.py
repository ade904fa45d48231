"""The conversation engine: the LangGraph turn pipeline, sentiment, escalation policy and responders."""
