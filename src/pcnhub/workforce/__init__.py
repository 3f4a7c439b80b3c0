"""The PCN workforce census: NHS Digital's staff records of the networks, by
census month, kept as snapshots (issue 11, item 5)."""
