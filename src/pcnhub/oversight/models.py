"""Models of pcnhub.oversight."""
