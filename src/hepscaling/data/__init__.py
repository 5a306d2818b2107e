"""hepscaling.data: datasets and generators.

* :mod:`~hepscaling.data.topqcd` — ``get_jets(split, n_jets, source="local"|"public", seed=0)`` and ``describe``:
  the one entry point of paper A's notebooks.
* :mod:`~hepscaling.data.toptagging` — loader/writer of the Top Tagging Landscape HDF5 format.
* :mod:`~hepscaling.data.aspen` — loader/writer of the AspenOpenJets HDF5 format (``aspen.load(path, n_jets)``).
* :mod:`~hepscaling.data.jetclass` — loader/writer of the JetClass ROOT format
  (``jetclass.load(paths, n_jets, classes)``); both loaders return a :class:`~hepscaling.data.jetsample.JetSample`.
* :mod:`~hepscaling.data.pythia` — the local Pythia 8 + FastJet top/QCD generator (sharded, parallel, resumable).
* :mod:`~hepscaling.data.download` — checksummed downloader (``python -m hepscaling.data.download toptagging|jetclass|aspen``).
* :mod:`~hepscaling.data.smearing` — optional parametric detector smearing.
* :mod:`~hepscaling.data.jetclass_like` — ``ensure(n_per_class, split, seed, classes)``: the ten JetClass classes
  from Pythia 8 + :mod:`hepscaling.detector`, in the JetClass ROOT layout (paper C's local substitute).
* :mod:`~hepscaling.data.aspen_like` — ``ensure(n_jets, seed)``, ``composition_table(paths)``: AspenOpenJets-like
  QCD jets with the W/Z/top/H->bb admixture of Table I, in the AOJ HDF5 layout.
* :mod:`~hepscaling.data.jetgen` — the batch pipeline both share (truth, detector, anti-kT, matching, observables).
"""
