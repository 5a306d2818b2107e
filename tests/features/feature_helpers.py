"""Jet manipulations for the IRC and symmetry tests (particles may sit anywhere among the padding slots)."""
import numpy as np


def add_zero_particle(jet, y=0.3, phi=-0.2):
    """Append a particle with pT = 0 at (y, phi)."""
    return np.concatenate([jet, [[0.0, y, phi]]], axis=0)


def collinear_split(jet, i=0, frac=0.3):
    """Split particle i into two exactly collinear particles carrying frac and 1 - frac of its pT."""
    j = np.concatenate([jet, jet[i:i + 1]], axis=0)
    j[-1, 0] = frac * jet[i, 0]
    j[i, 0] = (1 - frac) * jet[i, 0]
    return j


def permute(jet, rng):
    """Shuffle the particles together with the padding slots."""
    return jet[rng.permutation(len(jet))]
