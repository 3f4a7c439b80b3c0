"""Offline maps (issue 12): postcode-district outlines imported from the geography
files, and practices at district centroids grouped by network, drawn as SVG.
"""
