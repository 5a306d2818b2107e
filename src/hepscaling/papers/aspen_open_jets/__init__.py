"""Paper C — Amram et al., "Aspen Open Jets". So far its ``paper.yaml`` (items; claims come with its chapter)."""
