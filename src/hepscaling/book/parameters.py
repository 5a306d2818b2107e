"""Notebook parameters: the ``parameters`` cell's literal defaults, type checks, ``-p`` values, final resolution.

A notebook's final parameters are its defaults (its cell tagged ``parameters``, parsed with :mod:`ast`; literals
only), overridden by the profile, overridden by ``-p name value`` — every value checked against the type of the
default (:class:`~hepscaling.book.errors.ParameterError` otherwise).
"""
from __future__ import annotations

import ast
import difflib
import math
from typing import TYPE_CHECKING

import yaml

from .. import profiles as _profiles
from .errors import ParameterError

if TYPE_CHECKING:  # pragma: no cover
    from .inventory import Notebook


def percent_cells(text: str):
    """The jupytext percent-format ``text`` as an nbformat notebook."""
    import jupytext
    return jupytext.reads(text, fmt="py:percent")


def parse_parameters(text: str, where: str = "notebook") -> dict:
    """Defaults of the cell tagged ``parameters`` (``name = literal`` lines), in order."""
    nb = percent_cells(text)
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

    ``overrides`` maps names to strings from ``-p name value`` (``cli=True``) or to typed values. The ``profile``
    parameter is :func:`hepscaling.profiles.reference` of ``profile``: the bare name of a file in ``profiles/``, the
    absolute path of any other file (notebooks execute in their output folder and pass it to ``profiles.load``).
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




def parameter_origins(nb: Notebook, profile: dict, overrides: dict | None = None) -> dict:
    """Where each final parameter comes from: ``"default"`` (the notebook's parameters cell), ``"profile"`` (the
    profile sets it to another value) or ``"-p"`` (the command line)."""
    from_profile = _profiles.parameters_for(profile, nb.id, nb.parameters)
    out = {}
    for k, default in nb.parameters.items():
        if k in (overrides or {}):
            out[k] = "-p"
        elif k in from_profile and (k == "profile" or from_profile[k] != default):
            out[k] = "profile"
        else:
            out[k] = "default"
    return out


def cli_value(v) -> str:
    """A parameter value as ``-p name VALUE`` takes it (lists in YAML flow form, booleans as true/false)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(cli_value(x) for x in v) + "]"
    return str(v)


def rerun_command(nb: Notebook, profile: dict, params: dict, origins: dict) -> str:
    """The command that reruns this page with these parameters: its profile, and ``-p`` for what the command line set."""
    import shlex
    ref = _profiles.reference(profile)
    parts = ["python", "-m", "hepscaling", "run", nb.id]
    parts += [] if ref == _profiles.DEFAULT_PROFILE else ["--profile", ref]
    for k, v in params.items():
        if origins.get(k) == "-p":
            parts += ["-p", k, cli_value(v)]
    return " ".join(shlex.quote(p) for p in parts)
