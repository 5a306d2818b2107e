"""hepscaling.metrics — distances between generated and reference distributions of one observable.

``distances``   ``kl_divergence`` (binned, from normalised histograms; paper C eq. (1), binning and direction of the
                public OmniJet-α code by default), ``wasserstein_1`` (unbinned, paper C eq. (2), scipy), and
                ``distribution_distances`` (both, one row per observable, as a pandas DataFrame)
"""
from .distances import distribution_distances, kl_divergence, quantile_edges, wasserstein_1

__all__ = ["kl_divergence", "wasserstein_1", "distribution_distances", "quantile_edges"]
