"""The Network Contract DES as executable rules: pure Python, no Django.

Inputs are plain snapshots (:mod:`pcnhub.rules.snapshot`); contract figures are
data (:mod:`pcnhub.rules.params` reads ``parameters/*.yaml``); outputs are findings
(:mod:`pcnhub.rules.checks`), entitlement lines (:mod:`pcnhub.rules.entitlements`)
and practice shares (:mod:`pcnhub.rules.distribution`), each with a trace.
"""
