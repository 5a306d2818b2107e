"""hepscaling.models — the classifiers of paper A and their loss.

``losses``   binary cross-entropy of eq. (7) with clipping
``knn``      k-nearest-neighbour classifiers on features or on precomputed distance matrices (k chosen on validation)
``logistic`` logistic regression (liblinear) on standardised features
``mlp``      the 3x128 ReLU DNN of paper A (torch; CPU by default, CUDA when present)
"""
