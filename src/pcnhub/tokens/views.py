"""Views of pcnhub.tokens."""
