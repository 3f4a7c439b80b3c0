"""Models of pcnhub.geography."""
