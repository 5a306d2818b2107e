"""Fixture jets and a fixture writer for the AspenOpenJets layout (used by the data tests).

``write_public_like`` writes the four datasets with h5py directly — chunked and gzip-compressed like the released
files — independently of :func:`hepscaling.data.aspen.write`, and can drop or reshape a dataset to make bad files.
"""
import h5py
import numpy as np

# (pdgId, charge, mass in GeV) of the PF candidate species
SPECIES = [(211, 1, 0.13957), (-211, -1, 0.13957), (130, 0, 0.49761), (22, 0, 0.0), (11, -1, 0.000511),
           (-11, 1, 0.000511), (13, -1, 0.10566), (-13, 1, 0.10566)]


def random_aoj_jets(n, seed=0, max_cands=150, n_slots=150):
    """AOJ-like arrays for ``n`` jets: PF candidates around a jet axis, jet kinematics summed from them.

    Returns ``(pfcands (n, n_slots, 11) float32, jet_kinematics (n, 4), jet_tagging (n, 13), event_info (n, 3))``.
    Candidates carry masses (so E != |p|), d0/dz only when charged (-1 otherwise, as in the real files), random PUPPI
    weights; jet pt, eta, phi are those of the summed candidates (as float32), msoftdrop their invariant mass.
    """
    rng = np.random.default_rng(seed)
    pf = np.zeros((n, n_slots, 11), np.float32)
    for i in range(n):
        m = int(rng.integers(1, max_cands + 1))
        pt = np.sort(rng.exponential(15.0, m))[::-1] + 0.5
        eta = rng.normal(rng.uniform(-2, 2), 0.25, m)
        phi = rng.normal(rng.uniform(-np.pi, np.pi), 0.25, m)
        sp = rng.integers(0, len(SPECIES), m)
        pdg = np.array([SPECIES[s][0] for s in sp], float)
        charge = np.array([SPECIES[s][1] for s in sp], float)
        mass = np.array([SPECIES[s][2] for s in sp])
        px, py, pz = pt * np.cos(phi), pt * np.sin(phi), pt * np.sinh(eta)
        E = np.sqrt(px ** 2 + py ** 2 + pz ** 2 + mass ** 2)
        charged = charge != 0
        d0 = np.where(charged, rng.normal(0, 0.01, m), -1.0)
        d0err = np.where(charged, rng.uniform(0.001, 0.01, m), -1.0)
        dz = np.where(charged, rng.normal(0, 0.05, m), -1.0)
        dzerr = np.where(charged, rng.uniform(0.001, 0.01, m), -1.0)
        pf[i, :m] = np.stack([px, py, pz, E, d0, d0err, dz, dzerr, charge, pdg, rng.uniform(0, 1, m)], 1)
    p = pf.astype(np.float64)  # sum the stored (float32) candidates
    E, px, py, pz = (p[..., k].sum(1) for k in (3, 0, 1, 2))
    jpt = np.hypot(px, py)
    kin = np.stack([jpt, np.arcsinh(pz / jpt), np.arctan2(py, px),
                    np.sqrt(np.maximum(E ** 2 - px ** 2 - py ** 2 - pz ** 2, 0))], 1).astype(np.float32)
    ncand = (pf[..., :4] != 0).any(2).sum(1)
    tag = np.concatenate([ncand[:, None], np.sort(rng.uniform(0, 1, (n, 4)), 1)[:, ::-1],
                          rng.uniform(0, 1, (n, 7)), rng.uniform(20, 200, (n, 1))], 1).astype(np.float32)
    evt = np.stack([np.full(n, 278_820), rng.integers(1, 2000, n), rng.integers(1, 10**9, n)], 1).astype(np.int64)
    return pf, kin, tag, evt


def write_public_like(path, pfcands, jet_kinematics, jet_tagging, event_info, drop=(), chunk_rows=5, replace=None):
    """Write the four datasets as the released files are laid out (h5py directly, chunked rows, gzip).

    ``drop``: dataset names to leave out; ``replace``: {name: array} written instead of the given one (any shape).
    """
    data = {"PFCands": np.asarray(pfcands, np.float32), "jet_kinematics": np.asarray(jet_kinematics, np.float32),
            "jet_tagging": np.asarray(jet_tagging, np.float32), "event_info": np.asarray(event_info, np.int64)}
    data.update(replace or {})
    with h5py.File(path, "w") as f:
        for name, a in data.items():
            if name in drop:
                continue
            f.create_dataset(name, data=a, chunks=(min(chunk_rows, len(a)),) + a.shape[1:], compression="gzip")
    return path
