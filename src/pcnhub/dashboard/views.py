"""Views of pcnhub.dashboard."""
