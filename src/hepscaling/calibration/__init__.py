"""hepscaling.calibration — learning a calibration ẑ(x) with its resolution σ̂(x), prior-independently.

``gaussian_ansatz``  the Gaussian Ansatz of Gambhir, Nachman & Thaler (arXiv 2205.03413, 2205.05084) in torch:
                     ``GaussianAnsatz`` (T(x, z) = A + (z − B)·D + ½ (z − B)ᵀ C (z − B), C = −L Lᵀ), the
                     Donsker–Varadhan loss ``dv_loss`` / bound ``dv_bound``, ``train_gaussian_ansatz`` (on the
                     shared loop :func:`hepscaling.models.train.train`), ``calibrate(model, x) -> (ẑ, σ̂)``,
                     ``covariance``, ``mutual_information`` (the DV bound on held-out pairs), and the MSE regression
                     it is compared with (``train_mse_regressor``, ``predict``)
``toy``              the Gaussian toy x | z ~ N(z, σ²) under a uniform or a normal prior: ``gaussian_toy`` (samples),
                     the closed forms a calibration is judged against — ``exact_mutual_information`` (and
                     ``mutual_information_quadrature`` from the prior's density alone), ``posterior_mean`` (what
                     MSE regression learns), ``mse_bias`` (its closure bias), ``marginal_pdf``
"""
from .gaussian_ansatz import (DVObjective, GaussianAnsatz, MIEstimate, Regressor, calibrate, covariance, dv_bound,
                              dv_loss, mutual_information, predict, train_gaussian_ansatz, train_mse_regressor)
from .toy import (PRIORS, exact_mutual_information, gaussian_toy, marginal_pdf, mse_bias,
                           mutual_information_quadrature, posterior_mean, prior_pdf)

__all__ = ["GaussianAnsatz", "DVObjective", "dv_loss", "dv_bound", "train_gaussian_ansatz", "calibrate",
           "covariance", "mutual_information", "MIEstimate", "Regressor", "train_mse_regressor", "predict",
           "PRIORS", "gaussian_toy", "prior_pdf", "marginal_pdf", "exact_mutual_information",
           "mutual_information_quadrature", "posterior_mean", "mse_bias"]
