"""Write ``tests/data/files/jetclass_std_vector.root``: JetClass-layout jets whose ``part_*`` branches are real
``std::vector<float>`` / ``std::vector<int>`` branches (split TBranchElements, no counter branch), as in the public
JetClass files — what uproot cannot write.

Run once, by hand, with a Python that has ROOT's own wheels (``pip install --pre root``, tried with ROOT 6.40 in a
throwaway virtual environment; nothing of it is a dependency of the project)::

    PYTHONPATH=src python tests/data/make_std_vector_fixture.py /tmp/rootvenv/bin/python

The jets are ``random_jetclass_jets(CLASSES, seed=SEED, max_const=MAX_CONST)`` from ``jetclass_fixtures`` (this
project's Python makes them and hands them to ROOT's Python as an ``.npz``), so the test regenerates the very same
values and compares them with what :func:`hepscaling.data.jetclass.load` reads from the file.
"""
import subprocess
import sys
import tempfile
from pathlib import Path

import awkward as ak
import numpy as np

HERE = Path(__file__).resolve().parent
OUT = HERE / "files" / "jetclass_std_vector.root"
CLASSES = ["QCD", "Tbqq", "Hbb", "Wqq", "Tbl", "QCD"]
SEED = 7
MAX_CONST = 12

ROOT_WRITER = r'''
import sys
import numpy as np
import ROOT

src, out = sys.argv[1], sys.argv[2]
z = np.load(src)
counts = z["__counts"]
offsets = np.r_[0, np.cumsum(counts)]
f = ROOT.TFile(out, "RECREATE", "", 505)           # ZLIB level 5
t = ROOT.TTree("tree", "tree")
vectors, scalars = {}, {}
leaf = {"float32": "F", "bool": "O", "int32": "I"}
for name in z.files:
    if name.startswith("part_"):
        kind = "int" if z[name].dtype == np.int32 else "float"
        vectors[name] = ROOT.std.vector(kind)()
        t.Branch(name, vectors[name])
    elif not name.startswith("__"):
        scalars[name] = np.zeros(1, dtype=z[name].dtype)
        t.Branch(name, scalars[name], f"{name}/{leaf[str(z[name].dtype)]}")
for i in range(len(counts)):
    for name, v in vectors.items():
        v.clear()
        for x in z[name][offsets[i]:offsets[i + 1]]:
            v.push_back(x.item())
    for name, buf in scalars.items():
        buf[0] = z[name][i]
    t.Fill()
t.Write()
f.Close()
'''


def main(root_python: str) -> None:
    sys.path.insert(0, str(HERE))
    from jetclass_fixtures import random_jetclass_jets

    parts, jets, labels = random_jetclass_jets(CLASSES, seed=SEED, max_const=MAX_CONST)
    arrays = {b: ak.to_numpy(ak.flatten(v)) for b, v in parts.items()}
    arrays["__counts"] = ak.to_numpy(ak.num(parts["part_px"]))
    arrays.update({b: np.asarray(v) for b, v in {**jets, **labels}.items()})
    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "jets.npz"
        np.savez(src, **arrays)
        script = Path(d) / "write.py"
        script.write_text(ROOT_WRITER)
        OUT.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([root_python, str(script), str(src), str(OUT)], check=True)
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
