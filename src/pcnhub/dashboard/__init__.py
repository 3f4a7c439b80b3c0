"""The home dashboard for every role and scope (issue 12): counts, coverage, findings,
applications waiting, entitlements, ARRS headroom, data freshness and what changed.
"""
