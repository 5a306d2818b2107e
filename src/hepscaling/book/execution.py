"""Executing notebooks: run keys, the notebook papermill runs, stamps, the book's batch run and one-off reruns.

* :func:`execute` runs one notebook with papermill in its output folder (figures land there), after inserting a hidden
  cell that calls :func:`hepscaling.provenance.set_context` (so ``record()`` sidecars and the provenance JSON land
  next to the executed notebook) and appending the provenance footer.
* :func:`execute_all` executes notebooks into ``<out_root>/<chapter>/``, skipping a notebook whose run key (hash of
  notebook text, final parameters, the whole ``src/hepscaling`` tree, the lock file and the profile's resolved
  content) matches the one in the stamp stored next to its output.
* :func:`run_one` reruns one notebook with changed parameters into ``runs/<id>/<timestamp>/``.

Stamps are written atomically, after the notebook succeeded: a stamp is either absent or complete.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from .. import profiles as _profiles
from ..atomic import write_text
from ..paths import repo_root
from . import files
from .errors import ParameterError
from .inventory import Notebook, find, inventory
from .parameters import parameter_origins, percent_cells, rerun_command, resolve_parameters

RUNNER_VERSION = "3"          # 3: hidden code, parameters table; 2: the profile's content in the run key
CONTEXT_TAG = "hepscaling-context"
FOOTER_TAG = "hepscaling-provenance"
PARAMETERS_TAG = "hepscaling-parameters"


# ------------------------------------------------------------------------------------------------------ run keys
def src_version() -> str:
    """Hash of every file of the ``src/hepscaling`` tree (the code version of the whole package)."""
    import hepscaling
    pkg = Path(hepscaling.__file__).resolve().parent
    h = hashlib.sha256()
    for p in sorted(pkg.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts and p.suffix not in (".pyc", ".pyo"):
            h.update(p.relative_to(pkg).as_posix().encode() + b"\0")
            h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


def _lock_hash() -> str:
    p = repo_root() / "requirements.lock"
    return hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else ""


def run_key(nb: Notebook, params: dict, profile: dict | str, code: str | None = None) -> str:
    """Hash of everything a notebook's output depends on.

    ``profile``: the loaded profile, or a string standing for it. Its name and its ``papers`` sections (the sizes a
    paper's package reads, whichever notebook reads them) enter the key; its ``defaults`` and ``notebooks`` entries
    enter through ``params``. So editing a paper's sizes re-executes the notebooks, while an edit of one notebook's
    entry (or of the description) re-executes only what it changes.
    """
    if isinstance(profile, dict):
        prof = _profiles.content_hash({"name": profile["name"], "papers": profile.get("papers") or {}})
    else:
        prof = str(profile)
    payload = {"runner": RUNNER_VERSION, "notebook": nb.id, "text": nb.text, "parameters": params,
               "profile": prof, "code": code or src_version(), "lock": _lock_hash(),
               "python": sys.version.split()[0]}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=repr).encode()).hexdigest()


def stamp_path(out_dir: Path, nb: Notebook) -> Path:
    return out_dir / f"{nb.name}.stamp.json"


def write_stamp(out_dir: Path, nb: Notebook, key: str, profile: dict, params: dict, **extra) -> Path:
    """Atomically write the stamp of a successful run (its run key, profile and parameters) next to its output."""
    path = stamp_path(out_dir, nb)
    data = {"key": key, "profile": profile["name"], "profile_path": profile["path"], "parameters": params, **extra}
    write_text(path, json.dumps(data, indent=2, default=repr) + "\n")
    return path


def is_up_to_date(nb: Notebook, key: str, out_dir: Path) -> bool:
    sp = stamp_path(out_dir, nb)
    if not (sp.is_file() and (out_dir / f"{nb.name}.ipynb").is_file()):
        return False
    try:
        return json.loads(sp.read_text()).get("key") == key
    except (OSError, ValueError):
        return False


# ------------------------------------------------------------------------------------------------------ execution
@dataclass
class RunResult:
    notebook: str
    ok: bool
    output: Path
    seconds: float = 0.0
    skipped: bool = False
    error: str = ""
    summary: str = ""           # notebook, cell and error in one or two lines


def _marker_lines(text: str) -> list[int]:
    return [i + 1 for i, line in enumerate(text.splitlines()) if line.startswith("# %%")]


def prepare(nb: Notebook, params: dict, output_stem: Path, profile_name: str, origins: dict | None = None,
            command: str = ""):
    """The notebook to execute: header moved to metadata, the parameters cells hidden, a context cell and a
    "parameters of this build" table (``origins``: where each value came from; ``command``: how to rerun) after
    them, the notebook's own code folded behind "show code", the provenance footer appended."""
    import nbformat
    node = percent_cells(nb.text)
    cells = list(node.cells)
    if cells and cells[0].cell_type == "raw" and cells[0].source.lstrip().startswith("---"):
        cells = cells[1:]
    lines = _marker_lines(nb.text)
    for i, c in enumerate(cells):
        tags = c.metadata.setdefault("tags", [])           # papermill expects every cell to have tags
        if c.cell_type == "code":                          # the page shows the physics; the code is one click away
            tags.append("remove-cell" if "parameters" in tags else "hide-input")
        c.metadata.setdefault("hepscaling", {})["source_cell"] = i + 1
        if len(lines) == len(cells):
            c.metadata["hepscaling"]["source_line"] = lines[i]
    ctx = ("# hepscaling runner: context for record() sidecars and the provenance footer\n"
           "import hepscaling.provenance as _hs_prov\n"
           f"_hs_prov.set_context(notebook={nb.id!r}, profile={profile_name!r}, parameters={params!r},\n"
           f"                     output_stem={str(output_stem)!r}, start={time.time()!r})")
    ctx_cell = nbformat.v4.new_code_cell(ctx, metadata={"tags": ["remove-cell", CONTEXT_TAG]})
    foot = nbformat.v4.new_code_cell("import hepscaling.provenance as _hs_prov\n_hs_prov.footer();",
                                     metadata={"tags": ["remove-input", FOOTER_TAG]})
    node.cells = cells + [foot]
    node.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    node.metadata.pop("jupytext", None)
    node.metadata["hepscaling"] = dict(nb.meta, id=nb.id, profile=profile_name)
    node.metadata["papermill"] = nbformat.NotebookNode({})
    # papermill's own injection (a cell tagged injected-parameters right after the parameters cell), done here so
    # that papermill does not re-parse the parameters cell and the context cell can follow the injected one
    from papermill.parameterize import parameterize_notebook
    node = parameterize_notebook(node, params, kernel_name="python3", language="python")
    inj = next(i for i, c in enumerate(node.cells) if "injected-parameters" in (c.metadata.get("tags") or []))
    node.cells[inj].metadata["tags"].append("remove-cell")  # shown once, in the table below
    show = ("import hepscaling.provenance as _hs_prov\n"
            f"_hs_prov.show_parameters({params!r},\n                        {origins or {}!r},\n"
            f"                        {command!r})")
    table_cell = nbformat.v4.new_code_cell(show, metadata={"tags": ["remove-input", PARAMETERS_TAG]})
    node.cells[inj + 1:inj + 1] = [ctx_cell, table_cell]
    return node


def _strip_ansi(s: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", s)


def execute(nb: Notebook, params: dict, out_dir: Path, profile_name: str, log=print, origins: dict | None = None,
            command: str = "") -> RunResult:
    """Execute one notebook with papermill into ``out_dir`` (its working directory); never raises on cell errors.
    ``origins`` and ``command`` feed the page's "parameters of this build" table (:func:`prepare`)."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    out_dir.mkdir(parents=True, exist_ok=True)
    stem = out_dir / nb.name
    out = stem.with_suffix(".ipynb")
    for suffix in (".results.json", ".provenance.json", ".stamp.json", ".claims.json", ".log"):
        Path(f"{stem}{suffix}").unlink(missing_ok=True)
    node = prepare(nb, params, stem, profile_name, origins, command)
    # the kernel inherits this environment: inline figures (no MPLBACKEND override), quiet progress bars
    saved = {k: os.environ.get(k) for k in ("MPLBACKEND", "HEPSCALING_QUIET", "PYDEVD_DISABLE_FILE_VALIDATION")}
    os.environ.pop("MPLBACKEND", None)
    os.environ["HEPSCALING_QUIET"] = "1"
    os.environ["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    t0 = time.time()
    tmp_out = out_dir / f".{nb.name}.running.ipynb"
    try:
        pm.execute_notebook(node, str(tmp_out), parameters=None, cwd=str(out_dir), kernel_name="python3",
                            progress_bar=False, log_output=False, start_timeout=180, report_mode=False,
                            # the kernel's own log (plain-TCP notice, interrupt at shutdown) is noise in build logs
                            extra_arguments=["--IPKernelApp.log_level=CRITICAL"])
    except PapermillExecutionError as e:
        os.replace(tmp_out, out) if tmp_out.exists() else None
        where = _locate_cell(out, e.cell_index, nb)
        tb_tail = _short_traceback(_strip_ansi("\n".join(e.traceback or [])))
        short = f"notebook {nb.id} ({nb.path}) failed in {where}:\n  {e.ename}: {e.evalue}"
        msg = (f"{short}\n--- traceback (last lines) ---\n{tb_tail}\n--- executed copy with the error: {out}")
        return RunResult(nb.id, False, out, time.time() - t0, error=msg, summary=short)
    except Exception as e:  # kernel died, could not start, ...
        if tmp_out.exists():
            os.replace(tmp_out, out)
        msg = f"notebook {nb.id} ({nb.path}) could not be executed: {type(e).__name__}: {e}"
        return RunResult(nb.id, False, out, time.time() - t0, error=msg, summary=msg)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    os.replace(tmp_out, out)
    return RunResult(nb.id, True, out, time.time() - t0)


def _short_traceback(tb: str, head: int = 14, tail: int = 14) -> str:
    """The notebook's own frame (from ``Cell In[..]``) and the innermost frames of a long traceback."""
    lines = tb.splitlines()
    start = next((i for i, ln in enumerate(lines) if ln.startswith("Cell In[")), 0)
    lines = lines[start:]
    if len(lines) <= head + tail + 1:
        return "\n".join(lines)
    return "\n".join(lines[:head] + [f"    ... ({len(lines) - head - tail} lines) ..."] + lines[-tail:])


def _locate_cell(executed: Path, cell_index: int, nb: Notebook) -> str:
    """'cell 5 (line 42 of the .py): `first line`' for the failing cell of an executed notebook."""
    try:
        import nbformat
        cells = nbformat.read(executed, as_version=4).cells
        # papermill inserted an error banner at the top and an anchor before the failing cell
        code = [c for c in cells if "papermill-error-cell-tag" not in (c.metadata.get("tags") or [])]
        cell = code[cell_index] if cell_index < len(code) else None
    except Exception:
        cell = None
    if cell is None:
        return f"cell index {cell_index} of the executed notebook"
    tags = cell.metadata.get("tags") or []
    first = next((ln for ln in cell.source.splitlines() if ln.strip()), "")[:80]
    if "injected-parameters" in tags:
        return "the injected parameters cell (a parameter value is not valid Python)"
    if CONTEXT_TAG in tags:
        return "the runner's context cell (hepscaling.provenance.set_context)"
    if FOOTER_TAG in tags:
        return "the provenance footer cell (hepscaling.provenance.footer)"
    info = cell.metadata.get("hepscaling", {})
    where = f"cell {info.get('source_cell', '?')}"
    if "source_line" in info:
        where += f" (line {info['source_line']} of {nb.path.name})"
    return f"{where}: `{first}`"


def outputs_of(out_dir: Path, name: str | None = None) -> list[Path]:
    files = sorted(p for p in out_dir.iterdir() if p.is_file() and not p.name.startswith("."))
    return files if name is None else [p for p in files if p.name.startswith(name) or p.suffix in (".png", ".pdf")]



# ------------------------------------------------------------------------------------------------ batch, run one
def execute_all(profile: str | dict, out_root: Path, force: bool = False, only: list[str] | None = None, log=print,
                notebooks: list[Notebook] | None = None) -> tuple[list[Notebook], list[RunResult]]:
    """Execute every notebook (or ``only`` these ids) with ``profile`` (name, path or loaded profile) into
    ``out_root/<chapter>/``; a notebook whose stamp holds the same run key is skipped unless ``force``."""
    prof = profile if isinstance(profile, dict) else _profiles.load(profile)
    nbs = notebooks if notebooks is not None else inventory()
    if only:
        wanted = {find(i).id for i in only}
        nbs = [nb for nb in nbs if nb.id in wanted]
    plans, problems = [], []
    for nb in nbs:
        try:
            plans.append((nb, resolve_parameters(nb, prof)))
        except ParameterError as e:
            problems.append(str(e))
    if problems:
        raise ParameterError("\n".join(problems))
    code = src_version()
    results = []
    for i, (nb, params) in enumerate(plans, 1):
        out_dir = nb.output_dir(out_root)
        key = run_key(nb, params, prof, code)
        if not force and is_up_to_date(nb, key, out_dir):
            log(f"[{i}/{len(plans)}] {nb.id}: unchanged, skipped")
            results.append(RunResult(nb.id, True, out_dir / f"{nb.name}.ipynb", skipped=True))
            continue
        log(f"[{i}/{len(plans)}] {nb.id}: executing with profile {prof['name']!r} ...")
        origins = parameter_origins(nb, prof)
        res = execute(nb, params, out_dir, prof["name"], log=log, origins=origins,
                      command=rerun_command(nb, prof, params, origins))
        if res.ok:
            write_stamp(out_dir, nb, key, prof, params, seconds=round(res.seconds, 1))
            log(f"[{i}/{len(plans)}] {nb.id}: done in {res.seconds:.1f} s")
        else:
            log(f"[{i}/{len(plans)}] FAILED: {res.error}")
        results.append(res)
    return [nb for nb, _ in plans], results


def run_one(nb_id: str, overrides: dict, profile: str = _profiles.DEFAULT_PROFILE, log=print,
            base: Path | None = None) -> RunResult:
    """Rerun one notebook with changed parameters into ``runs/<id>/<timestamp>/`` (the book's copies stay as they are).

    ``profile``: a name or the path of any profile file (the notebook receives the absolute path).
    """
    nb = find(nb_id)
    prof = _profiles.load(profile)
    params = resolve_parameters(nb, prof, overrides)
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    base = base or files.runs_dir()
    out_dir = base / nb.id / stamp
    n = 1
    while out_dir.exists():
        n += 1
        out_dir = base / nb.id / f"{stamp}-{n}"
    changed = {k: v for k, v in params.items() if v != nb.parameters.get(k)}
    log(f"running {nb.id} with profile {prof['name']!r}; parameters differing from the notebook's defaults: "
        + (", ".join(f"{k}={v!r}" for k, v in changed.items()) or "none"))
    origins = parameter_origins(nb, prof, overrides)
    res = execute(nb, params, out_dir, prof["name"], log=log, origins=origins,
                  command=rerun_command(nb, prof, params, origins))
    if res.ok:
        write_stamp(out_dir, nb, run_key(nb, params, prof), prof, params)
    return res
