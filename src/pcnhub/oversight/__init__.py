"""Variability of networks (issue 12, M9): size against the 30,000-50,000 band,
practices per network, commissioner-level measures and deprivation.
"""
