"""Views of pcnhub.oversight."""
