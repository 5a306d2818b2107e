"""Paper D — Vigl, Hartman, Kagan, Heinrich, "Neural scaling laws for boosted jet tagging" (arXiv:2602.15781).

Our copy is a press summary: claims come from the abstract only (``../shared/papers/D_NOTE.md``); numbers of the
summary are marked as from a secondary source. ``paper.yaml`` holds the items and the claims.
"""
