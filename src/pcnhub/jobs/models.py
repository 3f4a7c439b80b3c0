"""Models of pcnhub.jobs."""
