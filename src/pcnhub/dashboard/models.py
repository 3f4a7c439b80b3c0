"""Models of pcnhub.dashboard."""
