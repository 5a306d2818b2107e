"""Fixture jets, a fixture writer and an in-memory ``std::vector`` tree for the JetClass layout (data tests).

``write_public_like`` writes a TTree ``tree`` with uproot's ``mktree`` directly — one counter branch per jagged
branch (``npart_px``, ...), unlike :func:`hepscaling.data.jetclass.write`, which shares one counter ``npart`` — and
can drop branches, change dtypes or give branches different lengths to make bad files.

``VectorTree`` stands in for a public file, whose ``part_*`` branches are ``std::vector<float>`` /
``std::vector<int32_t>``: uproot cannot write those, so the loader's tree interface (``jetclass._Tree``) is replaced
by this in-memory tree reporting the public type names, with no counter branches.  A genuine ``std::vector`` file,
written once by ROOT's own Python wheels, is ``files/jetclass_std_vector.root`` (``make_std_vector_fixture.py``).
"""
import awkward as ak
import numpy as np
import uproot

from hepscaling.data import jetclass as jc

# (isChargedHadron, isNeutralHadron, isPhoton, isElectron, isMuon) flags, charge, mass of the Delphes species
SPECIES = [((1, 0, 0, 0, 0), 1, 0.13957), ((1, 0, 0, 0, 0), -1, 0.13957), ((0, 1, 0, 0, 0), 0, 0.49761),
           ((0, 0, 1, 0, 0), 0, 0.0), ((0, 0, 0, 1, 0), -1, 0.000511), ((0, 0, 0, 0, 1), 1, 0.10566)]


def random_jetclass_jets(classes, seed=0, max_const=40):
    """JetClass-like branches for one jet per entry of ``classes`` (class names).

    Returns ``(particles, jets, labels)`` dicts keyed by branch name: particles jagged (awkward, public dtypes),
    jet_pt/eta/phi/energy/sdmass/nparticles of the summed (float32) constituents, taus random, labels one-hot with
    the public files' mixed dtypes.
    """
    rng = np.random.default_rng(seed)
    n = len(classes)
    counts = rng.integers(1, max_const + 1, n)
    tot = int(counts.sum())
    jet_eta = np.repeat(rng.uniform(-2, 2, n), counts)
    jet_phi = np.repeat(rng.uniform(-np.pi, np.pi, n), counts)
    pt = rng.exponential(20.0, tot) + 0.5
    eta = jet_eta + rng.normal(0, 0.2, tot)
    phi = jet_phi + rng.normal(0, 0.2, tot)
    sp = rng.integers(0, len(SPECIES), tot)
    flags = np.array([SPECIES[s][0] for s in sp], np.int32)
    charge = np.array([SPECIES[s][1] for s in sp], np.float32)
    mass = np.array([SPECIES[s][2] for s in sp])
    px, py, pz = pt * np.cos(phi), pt * np.sin(phi), pt * np.sinh(eta)
    E = np.sqrt(px ** 2 + py ** 2 + pz ** 2 + mass ** 2)
    charged = charge != 0
    flat = {"part_px": px, "part_py": py, "part_pz": pz, "part_energy": E, "part_deta": eta - jet_eta,
            "part_dphi": phi - jet_phi, "part_d0val": np.where(charged, rng.normal(0, 0.1, tot), 0.0),
            "part_d0err": np.where(charged, rng.uniform(0.01, 0.1, tot), 0.0),
            "part_dzval": np.where(charged, rng.normal(0, 0.1, tot), 0.0),
            "part_dzerr": np.where(charged, rng.uniform(0.01, 0.1, tot), 0.0), "part_charge": charge}
    for k, b in enumerate(("part_isChargedHadron", "part_isNeutralHadron", "part_isPhoton", "part_isElectron",
                           "part_isMuon")):
        flat[b] = flags[:, k]
    particles = {b: ak.unflatten(np.asarray(flat[b]).astype(jc.PARTICLE_DTYPES[b]), counts)
                 for b in jc.PARTICLE_BRANCHES}
    # the jet four-momentum from the stored float32 constituents
    s = {k: ak.to_numpy(ak.sum(ak.values_astype(particles[f"part_{k}"], np.float64), axis=1))
         for k in ("px", "py", "pz", "energy")}
    jpt = np.hypot(s["px"], s["py"])
    jets = {"jet_pt": jpt, "jet_eta": np.arcsinh(s["pz"] / jpt), "jet_phi": np.arctan2(s["py"], s["px"]),
            "jet_energy": s["energy"], "jet_nparticles": counts.astype(np.float32),
            "jet_sdmass": np.sqrt(np.maximum(s["energy"] ** 2 - jpt ** 2 - s["pz"] ** 2, 0))}
    for k in range(1, 5):
        jets[f"jet_tau{k}"] = rng.uniform(0, 1, n)
    jets = {b: np.asarray(v, np.float32) for b, v in jets.items()}
    return particles, jets, jc.one_hot_labels(classes)


def write_public_like(path, particles, jets, labels, drop=(), dtypes=None, tree="tree"):
    """Write a JetClass-layout TTree with uproot directly (one counter per jagged branch), independent of our writer.

    ``drop``: branch names to leave out; ``dtypes``: {branch: dtype} to override the public dtypes; ``tree``: the
    TTree's name.  Jagged branches may have different lengths per jet (to make inconsistent files).
    """
    data = {**particles, **jets, **labels}
    data = {k: v for k, v in data.items() if k not in drop}
    for k, dt in (dtypes or {}).items():
        data[k] = ak.values_astype(data[k], dt) if isinstance(data[k], ak.Array) else np.asarray(data[k]).astype(dt)
    with uproot.recreate(path) as f:
        f.mktree(tree, {k: (v.type if isinstance(v, ak.Array) else np.asarray(v).dtype) for k, v in data.items()})
        f[tree].extend(data)
    return path


class VectorTree:
    """An in-memory stand-in for a public JetClass TTree whose part_* branches are std::vector (see module doc)."""

    def __init__(self, particles, jets, labels):
        self.data = {**particles, **jets, **labels}
        self.num_entries = len(next(iter(jets.values())))
        self.reads = []

    def branches(self):
        out = {}
        for k, v in self.data.items():
            if isinstance(v, ak.Array) and v.ndim == 2:
                inner = "int32_t" if ak.to_numpy(ak.flatten(v)).dtype == np.int32 else "float"
                out[k] = (f"std::vector<{inner}>", True)
            else:
                out[k] = ({np.dtype(np.float32): "float", np.dtype(np.bool_): "bool",
                           np.dtype(np.int32): "int32_t"}[np.asarray(v).dtype], False)
        return out

    def arrays(self, names, start, stop):
        self.reads.append((start, stop))
        return {k: ak.Array(self.data[k][start:stop]) for k in names}

    def close(self):
        pass
