"""The book builder: notebook inventory, parameters, execution with papermill, table of contents, landing page.

* :func:`inventory` lists every jupytext percent-format notebook ``notebooks/<chapter>/<name>.py`` with its
  ``hepscaling:`` header metadata and the defaults of its ``parameters`` cell (parsed with :mod:`ast`; literals only).
* :func:`resolve_parameters` gives a notebook's final parameters: its defaults, overridden by the profile, overridden
  by ``-p name value`` — every value checked against the type of the default (:class:`ParameterError` otherwise).
* :func:`execute` runs one notebook with papermill in its output folder (figures land there), after inserting a hidden
  cell that calls :func:`hepscaling.provenance.set_context` (so ``record()`` sidecars and the provenance JSON land
  next to the executed notebook) and appending the provenance footer.
* :func:`build` executes every notebook into ``book/notebooks/<chapter>/``, skipping a notebook whose run key (hash of
  notebook text, final parameters, the whole ``src/hepscaling`` tree, the lock file and the profile) matches the one
  stored next to its output, then writes ``book/_toc.yml``, chapter pages and ``book/intro.md`` (status table generated
  from the inventory and ``book/paper_figures.yaml``) and runs Jupyter Book 1.x (``execute_notebooks: off``).
* :func:`run_one` reruns one notebook with changed parameters into ``runs/<id>/<timestamp>/``.
"""
from __future__ import annotations

import ast
import datetime as _dt
import difflib
import hashlib
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import profiles as _profiles
from .atomic import write_text
from .paths import notebooks_dir, repo_root

RUNNER_VERSION = "1"
# Chapter order and titles; a chapter folder not listed here comes after these, titled by its index.md or its name.
CHAPTERS: dict[str, str] = {
    "fitting": "Fitting scaling laws",
    "data_jets": "Jet data",
    "features": "Jet features: EFPs, EMD, LOT",
    "A_jet_classification": "Paper A — scaling laws in jet classification",
    "B_amplitude_surrogates": "Paper B — scaling laws for amplitude surrogates",
}
STATUSES = ("reproduced", "partly", "not yet")
CONTEXT_TAG = "hepscaling-context"
FOOTER_TAG = "hepscaling-provenance"
DEFAULT_RTOL = 1e-3
DEFAULT_ATOL = 1e-12


class BookError(ValueError):
    """A notebook, its metadata or the book configuration is not as expected."""


class ParameterError(BookError):
    """An unknown parameter, a value of the wrong type, or a parameters cell that cannot be parsed."""


def book_dir() -> Path:
    return repo_root() / "book"


def runs_dir() -> Path:
    return repo_root() / "runs"


def reference_path(profile: str = "tiny") -> Path:
    return repo_root() / "tests" / "reference" / f"{profile}.json"


# ------------------------------------------------------------------------------------------------------ inventory
@dataclass
class Notebook:
    id: str                     # path under notebooks/ without .py, e.g. "fitting/scaling_fits"
    path: Path
    meta: dict                  # the `hepscaling:` header block
    parameters: dict            # declared parameters and their defaults (in order)
    text: str = field(repr=False, default="")

    @property
    def chapter(self) -> str:
        return self.id.split("/")[0]

    @property
    def name(self) -> str:
        return self.id.rsplit("/", 1)[-1]

    @property
    def title(self) -> str:
        return str(self.meta.get("title") or self.name.replace("_", " "))

    @property
    def paper(self) -> str:
        return str(self.meta.get("paper", "-"))

    @property
    def reproduces(self) -> str:
        return str(self.meta.get("reproduces", "-"))

    @property
    def status(self) -> str:
        return str(self.meta.get("status", "not yet"))

    @property
    def data(self) -> str:
        return str(self.meta.get("data", ""))

    def items(self) -> list[str]:
        """The papers' figures/tables this notebook reproduces, normalised (``["Fig. 2", "Table 1"]``)."""
        return parse_items(self.reproduces)

    def output_dir(self, root: Path) -> Path:
        return root / Path(self.id).parent

    def check_meta(self) -> list[str]:
        """Problems with the header metadata (empty when fine)."""
        bad = []
        for key in ("title", "paper", "reproduces", "status", "data"):
            if key not in self.meta:
                bad.append(f"{self.path}: `hepscaling:` header lacks {key!r}")
        if self.status not in STATUSES:
            bad.append(f"{self.path}: status {self.status!r} is not one of {list(STATUSES)}")
        for p in ("profile", "seed"):
            if p not in self.parameters:
                bad.append(f"{self.path}: the parameters cell does not declare {p!r}")
        return bad


_ITEM_RE = re.compile(r"(fig(?:ure)?s?\.?|tab(?:le)?s?\.?)|(\d+)\s*(?:[-–]\s*(\d+))?", re.IGNORECASE)


def parse_items(text: str) -> list[str]:
    """``"Fig. 2, Table 1"`` -> ``["Fig. 2", "Table 1"]``; ``"Figs. 1-3"`` -> three figures; ``"-"`` -> []."""
    out, kind = [], None
    for m in _ITEM_RE.finditer(text or ""):
        if m.group(1):
            kind = "Fig." if m.group(1).lower().startswith("fig") else "Table"
        elif kind is not None:
            a = int(m.group(2))
            b = int(m.group(3)) if m.group(3) else a
            out.extend(f"{kind} {i}" for i in range(a, b + 1))
    return list(dict.fromkeys(out))


def read_header(text: str) -> dict:
    """The YAML header of a jupytext percent file (the commented block between ``# ---`` lines)."""
    lines = text.splitlines()
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i >= len(lines) or lines[i].strip() != "# ---":
        return {}
    body = []
    for line in lines[i + 1:]:
        if line.strip() == "# ---":
            break
        body.append(line[2:] if line.startswith("# ") else line.lstrip("#"))
    else:
        return {}
    try:
        data = yaml.safe_load("\n".join(body)) or {}
    except yaml.YAMLError as e:
        raise BookError(f"the YAML header is not valid: {e}") from e
    return data if isinstance(data, dict) else {}


def _cells(text: str):
    import jupytext
    return jupytext.reads(text, fmt="py:percent")


def parse_parameters(text: str, where: str = "notebook") -> dict:
    """Defaults of the cell tagged ``parameters`` (``name = literal`` lines), in order."""
    nb = _cells(text)
    cells = [c for c in nb.cells if c.cell_type == "code" and "parameters" in (c.metadata.get("tags") or [])]
    if not cells:
        raise ParameterError(f"{where}: no cell tagged parameters (expected `# %% tags=[\"parameters\"]`)")
    if len(cells) > 1:
        raise ParameterError(f"{where}: {len(cells)} cells tagged parameters; expected exactly one")
    src = cells[0].source
    try:
        tree = ast.parse(src)
    except SyntaxError as e:
        raise ParameterError(f"{where}: the parameters cell is not valid Python: {e}") from None
    params: dict = {}
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if len(targets) != 1 or not isinstance(targets[0], ast.Name) or node.value is None:
                raise ParameterError(f"{where}: parameters cell line {node.lineno}: expected `name = literal`")
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                raise ParameterError(f"{where}: parameter {targets[0].id!r} (parameters cell line {node.lineno}) is "
                                     "not a literal; expected an int, float, str, bool, None or list of those") \
                    from None
            params[targets[0].id] = value
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # a docstring / string comment
        else:
            raise ParameterError(f"{where}: parameters cell line {node.lineno}: only `name = literal` assignments "
                                 "are allowed there")
    return params


def load_notebook(path: Path, root: Path | None = None) -> Notebook:
    root = root or notebooks_dir()
    text = path.read_text()
    nb_id = path.relative_to(root).with_suffix("").as_posix()
    try:
        header = read_header(text)
    except BookError as e:
        raise BookError(f"{path}: {e}") from None
    meta = header.get("hepscaling") or {}
    if not isinstance(meta, dict):
        raise BookError(f"{path}: the `hepscaling:` header block must be a mapping")
    return Notebook(id=nb_id, path=path, meta=meta, parameters=parse_parameters(text, str(path)), text=text)


def _chapter_rank(chapter: str) -> tuple:
    order = list(CHAPTERS)
    return (order.index(chapter), "") if chapter in order else (len(order), chapter)


def notebook_paths(root: Path | None = None) -> list[Path]:
    root = root or notebooks_dir()
    out = []
    for p in root.rglob("*.py"):
        rel = p.relative_to(root)
        if len(rel.parts) < 2 or any(part.startswith((".", "_")) for part in rel.parts):
            continue
        if ".ipynb_checkpoints" in rel.parts:
            continue
        out.append(p)
    return sorted(out, key=lambda p: (_chapter_rank(p.relative_to(root).parts[0]), p.relative_to(root).as_posix()))


def inventory(root: Path | None = None) -> list[Notebook]:
    """Every notebook under ``notebooks/``, in book order (chapter order of :data:`CHAPTERS`, then file name)."""
    return [load_notebook(p, root) for p in notebook_paths(root)]


def find(nb_id: str, root: Path | None = None) -> Notebook:
    """One notebook by id (``chapter/name``; ``.py`` and a leading ``notebooks/`` are accepted)."""
    root = root or notebooks_dir()
    nb_id = nb_id.removesuffix(".py").removesuffix(".ipynb")
    nb_id = nb_id.removeprefix("notebooks/")
    ids = [p.relative_to(root).with_suffix("").as_posix() for p in notebook_paths(root)]
    if nb_id not in ids:
        by_name = [i for i in ids if i.rsplit("/", 1)[-1] == nb_id]
        if len(by_name) == 1:
            nb_id = by_name[0]
        else:
            close = difflib.get_close_matches(nb_id, ids, n=3, cutoff=0.4)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise BookError(f"unknown notebook {nb_id!r}: expected an id like 'chapter/name' from "
                            f"`python -m hepscaling list` ({len(ids)} notebooks under {root}){hint}")
    return load_notebook(root / f"{nb_id}.py", root)


# ----------------------------------------------------------------------------------------------------- parameters
def _type_name(v) -> str:
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float"
    if isinstance(v, str):
        return "str"
    if isinstance(v, (list, tuple)):
        return "list"
    if v is None:
        return "None"
    return type(v).__name__


def check_value(nb: Notebook, name: str, value, source: str):
    """Check ``value`` against the type of the notebook's default for ``name``; returns the (converted) value."""
    if name not in nb.parameters:
        close = difflib.get_close_matches(name, list(nb.parameters), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ParameterError(f"{source}: notebook {nb.id!r} has no parameter {name!r}{hint}; it declares: "
                             + ", ".join(f"{k} ({_type_name(v)})" for k, v in nb.parameters.items()))
    default = nb.parameters[name]
    want = _type_name(default)
    got = _type_name(value)
    ok = False
    if want == "None":
        ok = True
    elif want == "bool":
        ok = got == "bool"
    elif want == "int":
        if got == "float" and math.isfinite(value) and float(value).is_integer():
            value, ok = int(value), True
        else:
            ok = got == "int"
    elif want == "float":
        if got in ("int", "float"):
            value, ok = float(value), True
    elif want == "str":
        ok = got == "str"
    elif want == "list":
        ok = got == "list"
        if ok:
            value = list(value)
            kinds = {_type_name(x) for x in default}
            if kinds == {"float"}:
                ok = all(_type_name(x) in ("int", "float") for x in value)
                value = [float(x) for x in value] if ok else value
            elif len(kinds) == 1 and value:
                ok = all(_type_name(x) in kinds for x in value)
    if not ok:
        raise ParameterError(f"{source}: parameter {name!r} of notebook {nb.id!r} expects {want} "
                             f"(default {default!r}), got {got} {value!r}")
    return value


def parse_cli_value(nb: Notebook, name: str, raw: str):
    """Convert a ``-p name value`` string to the type of the notebook's default."""
    src = f"-p {name} {raw}"
    if name not in nb.parameters:
        check_value(nb, name, raw, src)  # raises the unknown-parameter error
    want = _type_name(nb.parameters[name])
    if want == "str":
        return raw
    if want == "bool":
        low = raw.strip().lower()
        if low in ("true", "1", "yes", "on"):
            return True
        if low in ("false", "0", "no", "off"):
            return False
        raise ParameterError(f"{src}: parameter {name!r} of notebook {nb.id!r} expects bool (true/false), got {raw!r}")
    try:
        value = yaml.safe_load(raw) if want in ("list", "None") else ast.literal_eval(raw.strip())
    except (ValueError, SyntaxError, yaml.YAMLError):
        if want in ("int", "float"):
            try:
                value = float(raw)
            except ValueError:
                raise ParameterError(f"{src}: parameter {name!r} of notebook {nb.id!r} expects {want} "
                                     f"(default {nb.parameters[name]!r}), got {raw!r}") from None
        else:
            raise ParameterError(f"{src}: parameter {name!r} of notebook {nb.id!r} expects {want} "
                                 f"(default {nb.parameters[name]!r}), got {raw!r}") from None
    if isinstance(value, str) and want in ("int", "float"):
        raise ParameterError(f"{src}: parameter {name!r} of notebook {nb.id!r} expects {want} "
                             f"(default {nb.parameters[name]!r}), got {raw!r}")
    return check_value(nb, name, value, src)


def resolve_parameters(nb: Notebook, profile: dict, overrides: dict | None = None, cli: bool = True) -> dict:
    """Final parameters: the notebook's defaults, overridden by the profile, then by ``overrides``.

    ``overrides`` maps names to strings from ``-p name value`` (``cli=True``) or to typed values.
    """
    params = dict(nb.parameters)
    try:
        from_profile = _profiles.parameters_for(profile, nb.id, nb.parameters)
    except _profiles.ProfileError as e:
        raise ParameterError(str(e)) from None
    for k, v in from_profile.items():
        if k == "profile":
            params[k] = v
            continue
        params[k] = check_value(nb, k, v, f"profile {profile['name']!r} ({profile['path']})")
    for k, v in (overrides or {}).items():
        if k == "profile":
            raise ParameterError("-p profile ...: choose the profile with --profile NAME, not as a parameter")
        params[k] = parse_cli_value(nb, k, v) if cli and isinstance(v, str) else check_value(nb, k, v, f"-p {k}")
    return params


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


def run_key(nb: Notebook, params: dict, profile_name: str, code: str | None = None) -> str:
    payload = {"runner": RUNNER_VERSION, "notebook": nb.id, "text": nb.text, "parameters": params,
               "profile": profile_name, "code": code or src_version(), "lock": _lock_hash(),
               "python": sys.version.split()[0]}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=repr).encode()).hexdigest()


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


def prepare(nb: Notebook, params: dict, output_stem: Path, profile_name: str):
    """The notebook to execute: header moved to metadata, context cell after the parameters, footer appended."""
    import nbformat
    node = _cells(nb.text)
    cells = list(node.cells)
    if cells and cells[0].cell_type == "raw" and cells[0].source.lstrip().startswith("---"):
        cells = cells[1:]
    lines = _marker_lines(nb.text)
    for i, c in enumerate(cells):
        c.metadata.setdefault("tags", [])                  # papermill expects every cell to have tags
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
    node.cells.insert(inj + 1, ctx_cell)
    return node


def _strip_ansi(s: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", s)


def execute(nb: Notebook, params: dict, out_dir: Path, profile_name: str, log=print) -> RunResult:
    """Execute one notebook with papermill into ``out_dir`` (its working directory); never raises on cell errors."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    out_dir.mkdir(parents=True, exist_ok=True)
    stem = out_dir / nb.name
    out = stem.with_suffix(".ipynb")
    for suffix in (".results.json", ".provenance.json", ".stamp.json"):
        Path(f"{stem}{suffix}").unlink(missing_ok=True)
    node = prepare(nb, params, stem, profile_name)
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


# ----------------------------------------------------------------------------------------------------- run one
def run_one(nb_id: str, overrides: dict, profile: str = _profiles.DEFAULT_PROFILE, log=print,
            base: Path | None = None) -> RunResult:
    """Rerun one notebook with changed parameters into ``runs/<id>/<timestamp>/`` (the book's copies stay as they are)."""
    nb = find(nb_id)
    prof = _profiles.load(profile)
    params = resolve_parameters(nb, prof, overrides)
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out_dir = (base or runs_dir()) / nb.id / stamp
    n = 1
    while out_dir.exists():
        n += 1
        out_dir = (base or runs_dir()) / nb.id / f"{stamp}-{n}"
    changed = {k: v for k, v in params.items() if v != nb.parameters.get(k)}
    log(f"running {nb.id} with profile {prof['name']!r}; parameters differing from the notebook's defaults: "
        + (", ".join(f"{k}={v!r}" for k, v in changed.items()) or "none"))
    res = execute(nb, params, out_dir, prof["name"], log=log)
    if res.ok:
        (out_dir / f"{nb.name}.stamp.json").write_text(json.dumps(
            {"key": run_key(nb, params, prof["name"]), "profile": prof["name"], "parameters": params}, indent=2,
            default=repr))
    return res


# --------------------------------------------------------------------------------------------------------- build
def _write_if_changed(path: Path, text: str) -> bool:
    if path.exists() and path.read_text() == text:
        return False
    write_text(path, text)
    return True


def stamp_path(out_dir: Path, nb: Notebook) -> Path:
    return out_dir / f"{nb.name}.stamp.json"


def is_up_to_date(nb: Notebook, key: str, out_dir: Path) -> bool:
    sp = stamp_path(out_dir, nb)
    if not (sp.is_file() and (out_dir / f"{nb.name}.ipynb").is_file()):
        return False
    try:
        return json.loads(sp.read_text()).get("key") == key
    except (OSError, ValueError):
        return False


def execute_all(profile: str, out_root: Path, force: bool = False, only: list[str] | None = None, log=print,
                notebooks: list[Notebook] | None = None) -> tuple[list[Notebook], list[RunResult]]:
    """Execute every notebook (or ``only`` these ids) with ``profile`` into ``out_root/<chapter>/``."""
    prof = _profiles.load(profile)
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
        key = run_key(nb, params, prof["name"], code)
        if not force and is_up_to_date(nb, key, out_dir):
            log(f"[{i}/{len(plans)}] {nb.id}: unchanged, skipped")
            results.append(RunResult(nb.id, True, out_dir / f"{nb.name}.ipynb", skipped=True))
            continue
        log(f"[{i}/{len(plans)}] {nb.id}: executing with profile {prof['name']!r} ...")
        res = execute(nb, params, out_dir, prof["name"], log=log)
        if res.ok:
            stamp_path(out_dir, nb).write_text(json.dumps(
                {"key": key, "profile": prof["name"], "parameters": params, "seconds": round(res.seconds, 1)},
                indent=2, default=repr))
            log(f"[{i}/{len(plans)}] {nb.id}: done in {res.seconds:.1f} s")
        else:
            log(f"[{i}/{len(plans)}] FAILED: {res.error}")
        results.append(res)
    return [nb for nb, _ in plans], results


def build(profile: str = _profiles.DEFAULT_PROFILE, html: bool = True, force: bool = False,
          only: list[str] | None = None, log=print) -> int:
    """Execute the notebooks into ``book/notebooks``, write the toc and landing page, build the HTML. Exit code."""
    t0 = time.time()
    bdir = book_dir()
    nbs = inventory()
    meta_problems = [p for nb in nbs for p in nb.check_meta()]
    for p in meta_problems:
        log(f"warning: {p}")
    executed, results = execute_all(profile, bdir / "notebooks", force=force, only=only, log=log, notebooks=nbs)
    failed = [r for r in results if not r.ok]
    write_pages(nbs, profile)
    if failed:
        log("\n" + "=" * 100)
        for r in failed:
            log(f"FAILED: {r.summary or r.error}\n")
        log(f"{len(failed)} of {len(results)} notebooks failed (tracebacks above); the HTML book was not built.")
        return 1
    n_run = sum(1 for r in results if not r.skipped)
    log(f"notebooks: {n_run} executed, {len(results) - n_run} unchanged ({time.time() - t0:.1f} s)")
    if not html:
        return 0
    return build_html(log=log)


def build_html(log=print) -> int:
    jb = Path(sys.executable).parent / "jupyter-book"
    cmd = [str(jb) if jb.exists() else "jupyter-book", "build", str(book_dir()), "--quiet"]
    log("building HTML: " + " ".join(cmd))
    t0 = time.time()
    proc = subprocess.run(cmd, cwd=repo_root())
    if proc.returncode != 0:
        log(f"jupyter-book build failed (exit {proc.returncode})")
        return proc.returncode
    log(f"HTML book in {book_dir() / '_build' / 'html'}/index.html ({time.time() - t0:.1f} s)")
    return 0


# ------------------------------------------------------------------------------------------------ pages and toc
def load_paper_figures(path: Path | None = None) -> dict:
    path = path or book_dir() / "paper_figures.yaml"
    data = yaml.safe_load(path.read_text()) or {}
    if "papers" not in data:
        raise BookError(f"{path}: expected a top-level key 'papers'")
    return data["papers"]


def chapter_title(chapter: str) -> str:
    idx = notebooks_dir() / chapter / "index.md"
    if idx.is_file():
        for line in idx.read_text().splitlines():
            if line.startswith("# "):
                return line[2:].strip()
    return CHAPTERS.get(chapter, chapter.replace("_", " "))


def _doc(nb: Notebook) -> str:
    return f"notebooks/{nb.id}"


def _md_escape(s: str) -> str:
    return str(s).replace("|", "\\|").replace("\n", " ")


def _executed(nb: Notebook) -> bool:
    return (book_dir() / "notebooks" / f"{nb.id}.ipynb").is_file()


def chapter_page(chapter: str, nbs: list[Notebook]) -> str:
    idx = notebooks_dir() / chapter / "index.md"
    if idx.is_file():
        text = idx.read_text().rstrip() + "\n"
    else:
        text = f"# {chapter_title(chapter)}\n"
    rows = ["", "| page | reproduces | status | data |", "|---|---|---|---|"]
    for nb in nbs:
        link = f"{{doc}}`{_md_escape(nb.title)} <{nb.name}>`" if _executed(nb) else _md_escape(nb.title)
        rep = "—" if nb.paper == "-" else f"paper {nb.paper}: {nb.reproduces}"
        rows.append(f"| {link} | {_md_escape(rep)} | {nb.status if nb.paper != '-' else '—'} | "
                    f"{_md_escape(nb.data)} |")
    return text + "\n".join(rows) + "\n"


def status_rows(nbs: list[Notebook], papers: dict) -> dict:
    """For each paper: list of (item, caption, [notebooks reproducing it])."""
    covered: dict[tuple, list[Notebook]] = {}
    for nb in nbs:
        for item in nb.items():
            covered.setdefault((nb.paper, item), []).append(nb)
    out = {}
    for key, paper in papers.items():
        rows = []
        for it in paper.get("items", []):
            rows.append((it["id"], it.get("caption", ""), covered.pop((key, it["id"]), [])))
        out[key] = rows
    out["_unlisted"] = covered  # notebooks naming an item the data file does not list
    return out


_BADGE = {"reproduced": "✅ reproduced", "partly": "🟡 partly", "not yet": "⬜ not yet"}


def intro_page(nbs: list[Notebook], profile: str, papers: dict | None = None) -> str:
    papers = papers if papers is not None else load_paper_figures()
    static = book_dir() / "intro_head.md"
    head = static.read_text().rstrip() + "\n" if static.is_file() else "# hepscaling\n"
    rows = status_rows(nbs, papers)
    lines = [head, "",
             "<!-- generated by `python -m hepscaling book` from the notebooks' `hepscaling:` headers and "
             "book/paper_figures.yaml; do not edit by hand -->", "",
             f"This build executed every notebook with the **`{profile}`** profile "
             "(see {doc}`how-to-rerun` for the other profiles).", "",
             "## Status of every figure and table", "",
             "Generated from the notebook inventory: a figure or table counts as covered when a notebook names it "
             "in its `reproduces:` header; the verdict is the notebook's own `status:`.", ""]
    missing_summary = []
    for key, paper in papers.items():
        title = paper.get("title", "")
        ref = paper.get("arxiv", "")
        lines += [f"### Paper {key}: {title}", ""]
        if ref:
            lines += [f"{paper.get('authors', '')}, [arXiv:{ref}](https://arxiv.org/abs/{ref}).", ""]
        elif paper.get("authors"):
            lines += [f"{paper['authors'].rstrip('.')}.", ""]
        lines += ["| item | what it shows | status | our page | data |", "|---|---|---|---|---|"]
        missing = []
        for item, caption, cover in rows[key]:
            if cover:
                best = min(cover, key=lambda nb: STATUSES.index(nb.status) if nb.status in STATUSES else 9)
                pages = ", ".join(f"{{doc}}`{_md_escape(nb.title)} <{_doc(nb)}>`" if _executed(nb)
                                  else f"`{nb.id}`" for nb in cover)
                data = "; ".join(sorted({_md_escape(nb.data) for nb in cover}))
                lines.append(f"| {item} | {_md_escape(caption)} | {_BADGE.get(best.status, best.status)} | "
                             f"{pages} | {data} |")
            else:
                missing.append(item)
                lines.append(f"| {item} | {_md_escape(caption)} | {_BADGE['not yet']} | — (no notebook yet) | — |")
        n = len(rows[key])
        done = sum(1 for _, _, c in rows[key] if c and any(nb.status == "reproduced" for nb in c))
        part = sum(1 for _, _, c in rows[key] if c) - done
        lines += ["", f"{done} of {n} reproduced, {part} partly or in progress, {len(missing)} without a notebook.",
                  ""]
        if missing:
            missing_summary.append(f"- **Paper {key}**: " + ", ".join(missing))
    lines += ["## Not yet covered", ""]
    lines += missing_summary or ["Every figure and table of the papers has a notebook."]
    lines.append("")
    if rows["_unlisted"]:
        lines += ["```{warning}", "These notebooks name figures/tables that book/paper_figures.yaml does not list:"]
        lines += [f"- `{nb.id}`: paper {k[0]} {k[1]}" for k, v in rows["_unlisted"].items() for nb in v]
        lines += ["```", ""]
    lines += ["## Chapters", ""]
    chapters: dict[str, list[Notebook]] = {}
    for nb in nbs:
        chapters.setdefault(nb.chapter, []).append(nb)
    for ch, lst in chapters.items():
        lines.append(f"- {{doc}}`{_md_escape(chapter_title(ch))} <notebooks/{ch}/index>` — {len(lst)} page(s)")
    lines.append("")
    return "\n".join(lines)


STATIC_PAGES = ["how-to-rerun", "conventions", "about-the-data"]


def toc(nbs: list[Notebook]) -> str:
    chapters: dict[str, list[Notebook]] = {}
    for nb in nbs:
        if _executed(nb):
            chapters.setdefault(nb.chapter, []).append(nb)
    doc = {"format": "jb-book", "root": "intro", "parts": []}
    if chapters:
        doc["parts"].append({"caption": "Chapters", "chapters": [
            {"file": f"notebooks/{ch}/index", "sections": [{"file": _doc(nb)} for nb in lst]}
            for ch, lst in chapters.items()]})
    statics = [{"file": p} for p in STATIC_PAGES if (book_dir() / f"{p}.md").is_file()]
    if statics:
        doc["parts"].append({"caption": "Using this companion", "chapters": statics})
    return "# generated by `python -m hepscaling book`; do not edit by hand\n" + yaml.safe_dump(doc, sort_keys=False)


def write_pages(nbs: list[Notebook], profile: str) -> None:
    bdir = book_dir()
    chapters: dict[str, list[Notebook]] = {}
    for nb in nbs:
        chapters.setdefault(nb.chapter, []).append(nb)
    for ch, lst in chapters.items():
        if any(_executed(nb) for nb in lst):
            _write_if_changed(bdir / "notebooks" / ch / "index.md", chapter_page(ch, lst))
    _write_if_changed(bdir / "intro.md", intro_page(nbs, profile))
    _write_if_changed(bdir / "_toc.yml", toc(nbs))


# ------------------------------------------------------------------------------------------------- references
def load_results(out_root: Path, nb: Notebook) -> dict | None:
    p = out_root / f"{nb.id}.results.json"
    return json.loads(p.read_text()) if p.is_file() else None


def compare_to_reference(nb_id: str, results: dict, reference: dict) -> list[str]:
    """Differences between recorded numbers and the stored references (empty when all agree)."""
    ref = reference.get(nb_id)
    if ref is None:
        return [f"{nb_id}: no reference values; run `python -m hepscaling references --update` and commit "
                "tests/reference/tiny.json"]
    bad = []
    for name, entry in ref.items():
        if name not in results:
            bad.append(f"{nb_id}: {name!r} has a reference value but the notebook no longer records it")
            continue
        if entry.get("compare") is False:
            continue              # machine-dependent (e.g. a throughput): recorded and bound-checked, not compared
        got, want = results[name].get("value"), entry.get("value")
        if isinstance(want, (bool, str)) or isinstance(got, (bool, str)) or want is None or got is None:
            if got != want:
                bad.append(f"{nb_id}: {name} = {got!r}, reference {want!r}")
            continue
        rtol, atol = entry.get("rtol", DEFAULT_RTOL), entry.get("atol", DEFAULT_ATOL)
        if not abs(got - want) <= atol + rtol * abs(want):
            bad.append(f"{nb_id}: {name} = {got:.8g}, reference {want:.8g} (rtol {rtol}, atol {atol})")
    for name in results:
        if name not in ref:
            bad.append(f"{nb_id}: {name!r} is recorded but has no reference value; run "
                       "`python -m hepscaling references --update`")
    return bad


def update_references(profile: str = "tiny", only: list[str] | None = None, log=print) -> int:
    """Execute every notebook with ``profile`` and store its recorded numbers in tests/reference/<profile>.json.

    Tolerances (``rtol``/``atol``) already in the file are kept; new entries get the defaults.
    """
    path = reference_path(profile)
    old = json.loads(path.read_text()) if path.is_file() else {}
    with tempfile.TemporaryDirectory(prefix="hepscaling-ref-") as tmp:
        nbs, results = execute_all(profile, Path(tmp), force=True, only=only, log=log)
        failed = {r.notebook: r for r in results if not r.ok}
        new = {k: v for k, v in old.items() if k.startswith("_")}
        new.setdefault("_about", f"Recorded numbers of every notebook run with profile {profile!r}; regenerate with "
                                 "`python -m hepscaling references --update`. Per-entry rtol/atol override the "
                                 f"defaults rtol={DEFAULT_RTOL}, atol={DEFAULT_ATOL}; \"compare\": false marks a "
                                 "machine-dependent number (e.g. a throughput) that is not compared.")
        kept = {k: v for k, v in old.items() if not k.startswith("_")}
        if only:
            new.update(kept)
        for nb in nbs:
            if nb.id in failed:
                if nb.id in old:
                    new[nb.id] = old[nb.id]          # keep the old values of a notebook that failed now
                continue
            res = load_results(Path(tmp), nb) or {}
            entry = {}
            for name, rec in sorted(res.items()):
                e = {"value": rec.get("value")}
                prev = old.get(nb.id, {}).get(name, {})
                for tol in ("rtol", "atol", "compare"):
                    if tol in prev:
                        e[tol] = prev[tol]
                entry[name] = e
            new[nb.id] = entry
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_if_changed(path, json.dumps(new, indent=2, sort_keys=True) + "\n")
    log(f"wrote {path} ({sum(len(v) for k, v in new.items() if not k.startswith('_'))} values from "
        f"{len([k for k in new if not k.startswith('_')])} notebooks)")
    if failed:
        for r in failed.values():
            log(f"FAILED (its reference values were not updated): {r.summary}")
        return 1
    return 0


# ---------------------------------------------------------------------------------------------------- listing
def listing(profile: str = _profiles.DEFAULT_PROFILE) -> list[dict]:
    """The inventory with the state of each notebook's book copy for ``profile``."""
    prof = _profiles.load(profile)
    code = src_version()
    out = []
    for nb in inventory():
        row = {"id": nb.id, "paper": nb.paper, "reproduces": nb.reproduces, "status": nb.status, "title": nb.title}
        try:
            params = resolve_parameters(nb, prof)
            out_dir = nb.output_dir(book_dir() / "notebooks")
            if is_up_to_date(nb, run_key(nb, params, prof["name"], code), out_dir):
                row["book_copy"] = "up to date"
            elif (out_dir / f"{nb.name}.ipynb").is_file():
                row["book_copy"] = "stale"
            else:
                row["book_copy"] = "not built"
        except ParameterError as e:
            row["book_copy"] = f"error: {e}"
        out.append(row)
    return out
