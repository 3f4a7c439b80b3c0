"""pcnhub: the system of record and rules engine for Primary Care Networks."""

__version__ = "0.1.0"
