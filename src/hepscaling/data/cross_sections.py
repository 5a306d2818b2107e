"""Hard-process cross sections from Pythia 8 (leading order), for tables that set our substitutes beside the papers'
samples (e.g. paper C's Table II).

:func:`pythia_cross_section` runs Pythia with parton showers and hadronisation switched off — only the hard process
is sampled, ~3·10⁴ events/s — and returns Pythia's own estimate ``sigmaGen`` and its statistical error, in pb.  The
cross section includes the branching fractions of decays forced with ``onMode``/``onIfAny`` settings of resonances
in the hard process (Pythia reduces σ by the open fraction).  Through the cache: keyed on the settings, the number
of events, the seed and the Pythia version.
"""
from __future__ import annotations

from ..cache import cached
from ..jets._quiet import quiet_stdout

__all__ = ["pythia_cross_section", "CrossSectionError"]

MB_TO_PB = 1e9


class CrossSectionError(ValueError):
    pass


@cached
def pythia_cross_section(settings: list[str], n_events: int = 5000, seed: int = 1, ecm: float = 13000.0) -> dict:
    """``{"sigma_pb", "error_pb", "n_events", "settings"}`` of the hard process defined by Pythia ``settings`` (e.g.
    ``["HardQCD:all = on", "PhaseSpace:pTHatMin = 300", "PhaseSpace:pTHatMax = 470"]``) at ``ecm`` GeV (pp).
    A setting Pythia rejects, or a process that fails to initialise, raises :class:`CrossSectionError` naming it."""
    import pythia8mc

    if isinstance(settings, str) or not settings:
        raise CrossSectionError(f"settings must be a non-empty list of Pythia setting strings, got {settings!r}")
    if int(n_events) < 1:
        raise CrossSectionError(f"n_events must be a positive integer, got {n_events!r}")
    fixed = [f"Beams:eCM = {float(ecm)}", "PartonLevel:all = off", "HadronLevel:all = off", "Print:quiet = on",
             "Next:numberCount = 0", "Random:setSeed = on", f"Random:seed = {int(seed)}"]
    with quiet_stdout():
        p = pythia8mc.Pythia("", False)
        for s in [*fixed, *settings]:
            if not p.readString(s):
                raise CrossSectionError(f"Pythia rejected the setting {s!r}")
        if not p.init():
            raise CrossSectionError(f"Pythia failed to initialise the process {list(settings)}")
        for _ in range(int(n_events)):
            p.next()
    info = p.infoPython()
    return {"sigma_pb": float(info.sigmaGen()) * MB_TO_PB, "error_pb": float(info.sigmaErr()) * MB_TO_PB,
            "n_events": int(n_events), "settings": list(settings), "ecm": float(ecm)}
