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
"""
