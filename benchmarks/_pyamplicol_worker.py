"""Runs INSIDE the throwaway pyAmpliCol environment (not the project's): generate one process with pyAmpliCol's
built-in Standard Model at full colour (once; the artifact directory is reused), evaluate the given momenta and
time it.  Called by ``bench_amplitudes.py``; prints one JSON line.

    <venv>/bin/python _pyamplicol_worker.py ARTIFACT_DIR "u u~ > z g g" momenta.npy values.npy REPEATS
"""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import numpy as np


def generate(process: str, out: Path) -> float:
    from pyamplicol import Generator, ProcessRequest, ProcessSet
    from pyamplicol.config import resolve_config

    card = {"schema_version": 1, "action": "generate", "model": {"source": "built-in-sm"},
            "process": {"entries": [{"expression": process, "name": "bench"}]},
            "color": {"accuracy": "full"}, "generation": {"output": str(out), "mode": "replace"}}
    resolution = resolve_config(card)
    t0 = time.perf_counter()
    Generator(resolution).generate(ProcessSet((ProcessRequest.parse(process, name="bench"),)), str(out),
                                   mode="replace")
    return time.perf_counter() - t0


def main() -> None:
    art, process, momenta, values_out, repeats = sys.argv[1:6]
    art = Path(art)
    t_gen = 0.0
    if not (art / ".complete").is_file():
        t_gen = generate(process, art)
        (art / ".complete").write_text(process)
    from pyamplicol._rusticol import Runtime

    rt = Runtime.load(str(art))
    p = np.load(momenta)
    rt.evaluate(p[:64])  # warm-up
    best = best_cpu = float("inf")
    vals = None
    for _ in range(int(repeats)):
        t0, c0 = time.perf_counter(), time.process_time()
        vals = rt.evaluate(p)
        best = min(best, time.perf_counter() - t0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    np.save(values_out, np.asarray(vals, dtype=np.float64))
    import pyamplicol

    print(json.dumps({"n": int(len(p)), "seconds": best, "cpu_seconds": best_cpu, "generation_seconds": t_gen,
                      "threads_in_process": len(os.listdir("/proc/self/task")),
                      "version": getattr(pyamplicol, "__version__", "?"), "colour": rt.color_accuracy}))


if __name__ == "__main__":
    main()
