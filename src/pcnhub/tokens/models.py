"""Models of pcnhub.tokens."""
