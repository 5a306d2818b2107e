"""hepscaling.data: datasets and generators.

* :mod:`~hepscaling.data.topqcd` — ``get_jets(split, n_jets, source="local"|"public", seed=0)`` and ``describe``:
  the one entry point of paper A's notebooks.
* :mod:`~hepscaling.data.toptagging` — loader/writer of the Top Tagging Landscape HDF5 format.
* :mod:`~hepscaling.data.pythia` — the local Pythia 8 + FastJet top/QCD generator (sharded, parallel, resumable).
* :mod:`~hepscaling.data.download` — checksummed downloader (``python -m hepscaling.data.download toptagging``).
* :mod:`~hepscaling.data.smearing` — optional parametric detector smearing.
"""
