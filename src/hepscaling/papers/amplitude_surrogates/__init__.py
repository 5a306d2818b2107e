"""Paper B — Bahl et al., "Scaling laws for amplitude surrogates". So far its ``paper.yaml`` (items; claims come with
the surrogate chapters) and the colours of its processes; the exact amplitude engine it trains on is the shared layer
:mod:`hepscaling.amplitudes`."""
from ... import plotting

plotting.register(colors={
    "u u~ > t t~ h": "#1b9e77",
    "u u~ > z g": "#d95f02",
    "u u~ > z g g": "#7570b3",
    "u u~ > z g g g": "#e7298a",
    "u u~ > z g g g g": "#66a61e",
    "u d~ > w+ z": "#e6ab02",
    "u d~ > w+ z g": "#a6761d",
    "u d~ > w+ z g g": "#666666",
    "u u~ > w+ w- z": "#17becf",
    "g g > g g": "#bcbd22",
    "g g > g g g": "#7f7f7f",
    "g g > g g g g": "#aec7e8",
})
