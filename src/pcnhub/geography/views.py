"""Views of pcnhub.geography."""
