"""Long jobs in a queue (issue 12): national exports, entitlement runs and large
imports as background tasks (django-tasks, database backend), with progress and kept
results.
"""
