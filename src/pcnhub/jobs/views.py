"""Views of pcnhub.jobs."""
