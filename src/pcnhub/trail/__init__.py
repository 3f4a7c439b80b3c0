"""The audit trail's entry points: its pages, API routes and the ``audit`` command.

They sit above the package layers (ADR 0006): they read the trail kept by
:mod:`pcnhub.audit` and ask :mod:`pcnhub.access` who may see which entries.
"""
