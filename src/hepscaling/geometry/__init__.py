"""hepscaling.geometry — data-manifold diagnostics of paper A §5: the covariance spectrum (eq. 8) and the
correlation dimension from a pairwise (EMD) distance matrix (eq. 9), within a class and across classes; and the TwoNN
intrinsic dimension that paper B uses."""
from .dimension import correlation_dimension, pair_counts, pair_distances
from .spectrum import covariance_matrix, covariance_spectrum, spectrum_power_law
from .twonn import neighbour_ratios, twonn, twonn_mle, twonn_subsets

__all__ = ["correlation_dimension", "pair_counts", "pair_distances", "covariance_matrix", "covariance_spectrum",
           "spectrum_power_law", "twonn", "twonn_mle", "twonn_subsets", "neighbour_ratios"]
