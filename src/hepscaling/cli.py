"""Command line: ``python -m hepscaling {list,run,book,references,cache,plan}``.

    python -m hepscaling list [--profile P]                      inventory with status and state of the book copies
    python -m hepscaling run <notebook-id> -p NAME VALUE ... [--profile P]
                                                                 rerun one notebook into runs/<id>/<timestamp>/
    python -m hepscaling book [--profile P] [--no-html] [--force] [--only ID ...]
                                                                 execute the notebooks and build the HTML book
    python -m hepscaling references --update [--profile tiny]   regenerate tests/reference/<profile>.json
    python -m hepscaling cache [prune --max-size 5G --older-than 30 [--dry-run]]
                                                                 the cache's size per function; remove stale entries
    python -m hepscaling plan --process "u u~ > t t~ h" --target-mse 1e-4 [--source paper|ours] [--model mlp_i]
                              [--loss mse] [--profile quick]                       smallest D, N and C reaching the target (paper B's
                                                                 eq. (1) laws; scaling.planner)

Bad input (unknown notebook, unknown parameter, wrong type, missing profile) prints one message and exits with 2;
a failing notebook exits with 1; `plan --source ours` without fitted laws of ours (written by the paper B pages to
data/laws/, see papers.amplitude_surrogates.laws) exits with 1.
"""
from __future__ import annotations

import argparse
import sys

from . import profiles as _profiles

EXIT_BAD_INPUT = 2


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m hepscaling",
                                description="hepscaling: reproducible companion to papers on neural scaling laws "
                                            "in particle physics")
    sub = p.add_subparsers(dest="command", required=True, metavar="{list,run,book,references,cache,plan}")

    ls = sub.add_parser("list", help="list every notebook with its paper, figure, status and book copy")
    ls.add_argument("--profile", default=_profiles.DEFAULT_PROFILE, help="profile whose book copies to check")

    run = sub.add_parser("run", help="rerun one notebook with changed parameters into runs/<id>/<timestamp>/")
    run.add_argument("notebook", help="notebook id, e.g. fitting/scaling_fits (see `list`)")
    run.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                     help="override a parameter (repeatable); the value is converted to the type of the default")
    run.add_argument("--profile", default=_profiles.DEFAULT_PROFILE,
                     help=f"profile (default {_profiles.DEFAULT_PROFILE}); -p overrides it")

    bk = sub.add_parser("book", help="execute every notebook (skipping unchanged ones) and build the HTML book")
    bk.add_argument("--profile", default=_profiles.DEFAULT_PROFILE)
    bk.add_argument("--no-html", action="store_true", help="execute and write pages only, no jupyter-book build")
    bk.add_argument("--force", action="store_true", help="execute every notebook even if unchanged")
    bk.add_argument("--only", nargs="+", metavar="ID", help="execute only these notebooks")

    ref = sub.add_parser("references", help="regenerate the stored reference values of the regression test")
    ref.add_argument("--update", action="store_true", help="execute every notebook and rewrite the reference file")
    ref.add_argument("--profile", default="tiny")
    ref.add_argument("--only", nargs="+", metavar="ID", help="update only these notebooks' entries")

    ca = sub.add_parser("cache", help="show the cache's size per function (default) or prune it")
    ca.add_argument("action", nargs="?", choices=("info", "prune"), default="info")
    ca.add_argument("--max-size", metavar="SIZE",
                    help="prune: then remove the least recently used entries until the cache holds at most SIZE "
                         "(e.g. 5G, 500M)")
    ca.add_argument("--older-than", type=float, metavar="DAYS", help="prune: remove entries unused for DAYS days")
    ca.add_argument("--dry-run", action="store_true", help="prune: only say what would be removed")

    pl = sub.add_parser("plan", help="the smallest training set, network and compute reaching a target MSE, from the "
                                     "fitted scaling laws of eq. (1) (paper B)")
    pl.add_argument("--process", required=True, help='process, e.g. "u u~ > t t~ h" (an unknown one lists them all)')
    pl.add_argument("--target-mse", required=True, metavar="MSE", help="the test MSE to reach (> 0)")
    pl.add_argument("--source", default="paper", help="paper: the paper's Tables 2-15 (default); ours: our fits")
    pl.add_argument("--model", default="mlp_i", help="mlp_i (MLP-I, default) or lloca (LLoCa-Transformer)")
    pl.add_argument("--loss", default="mse", help="mse (default) or het (heteroscedastic)")
    pl.add_argument("--profile", default="quick", help="--source ours: the profile whose runs the laws were fitted on "
                                                       "(default quick)")
    return p


_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}


def parse_size(text: str) -> int:
    """'5G', '500M', '1.5 GiB', '1024' -> bytes (binary units)."""
    import re

    m = re.fullmatch(r"\s*(\d+(?:\.\d*)?)\s*([KMGT]?)(?:I?B)?\s*", str(text).upper())
    if not m:
        raise ValueError(f"--max-size: expected a size like 5G, 500M or 1024 (bytes), got {text!r}")
    return int(float(m.group(1)) * _UNITS[m.group(2)])


def _human(n: float) -> str:
    if n < 1024:
        return f"{n:.0f} B"
    for unit in ("KiB", "MiB", "GiB"):
        n /= 1024
        if n < 1024 or unit == "GiB":
            break
    return f"{n:.1f} {unit}"


def _cache_command(args) -> int:
    import time

    from . import cache

    d = cache.cache_dir()
    if d is None:
        return _err("the cache is switched off (HEPSCALING_CACHE=off)")
    if args.action == "info":
        if args.max_size or args.older_than is not None or args.dry_run:
            return _err("--max-size, --older-than and --dry-run belong to `cache prune`")
        rows = cache.usage(d)
        w = max([len(r["function"]) for r in rows] + [8])
        print(f"cache {d}")
        for r in rows:
            age = (time.time() - r["last_used"]) / 86400 if r["entries"] else float("nan")
            print(f"  {r['function']:{w}}  {r['entries']:6d} entries  {_human(r['bytes']):>10}  "
                  f"last used {age:.1f} days ago")
        print(f"  total {_human(sum(r['bytes'] for r in rows))} in {sum(r['entries'] for r in rows)} entries")
        return 0
    if not args.max_size and args.older_than is None:
        return _err("`cache prune` needs --max-size SIZE and/or --older-than DAYS")
    try:
        max_bytes = parse_size(args.max_size) if args.max_size else None
        res = cache.prune(max_bytes=max_bytes, older_than_days=args.older_than, dry_run=args.dry_run, directory=d)
    except ValueError as e:
        return _err(str(e))
    verb = "would remove" if args.dry_run else "removed"
    print(f"{verb} {res['removed']} files ({_human(res['removed_bytes'])}); kept {res['kept']} entries "
          f"({_human(res['kept_bytes'])}) in {d}")
    return 0


def _plan_command(args) -> int:
    from .papers.amplitude_surrogates import fit_tables as ft
    from .scaling.planner import check_target, required

    try:
        target = check_target(args.target_mse)
    except ValueError:
        return _err(f"--target-mse must be a finite MSE > 0, got {args.target_mse!r}")
    if args.source not in ("paper", "ours"):
        return _err(f"--source must be 'paper' or 'ours', got {args.source!r}")
    loss = {"heteroscedastic": "het"}.get(args.loss, args.loss)
    if args.model not in ft.MODELS or loss not in ft.LOSSES:
        return _err(f"--model must be one of {list(ft.MODELS)} and --loss one of {list(ft.LOSSES)}, "
                    f"got {args.model!r} and {args.loss!r}")
    table = ft.load()
    process, known = " ".join(args.process.split()), ft.processes(table)
    if process not in known:
        return _err(f"unknown process {args.process!r}; available: " + ", ".join(repr(k) for k in known))
    if args.source == "ours":
        return _plan_ours(process, target, args)
    mine = table[(table["process"] == process) & (table["model"] == args.model) & (table["loss"] == loss)]
    if mine.empty:
        have = table[table["process"] == process].groupby(["model", "loss"])["source"].first()
        return _err(f"the paper has no fits for {process} with --model {args.model} --loss {loss}; it has: "
                    + ", ".join(f"--model {m} --loss {lo} ({src})" for (m, lo), src in have.items()))
    result, rows = ft.plan(process, target, args.model, loss, table)
    print(f"plan for {process}, {ft.MODELS[args.model]}, {ft.LOSSES[loss]} loss: target MSE {target:.3g}")
    print("laws: the paper's eq. (1) fits L(X) = (X_c/X)^α + K; per X the scan at the largest second resource")
    lines, notes = [], []
    for x, label in ft.X_LABELS.items():
        if x not in rows:
            lines.append((label, "-", "no fit in the paper", "-"))
            continue
        r, req = rows[x], result[x]
        lines.append((label, f"{r['second']} = {r['second_value']:.3g}", str(req), r["source"]))
        if r["k_approx_zero"]:
            notes.append(f"{x}: the paper gives K ≃ 0 (floor unbounded from below), taken as K = 0 without error")
        if not req.reachable:
            other = mine[(mine["X"] == x) & (mine["K"] < target)]
            if len(other):
                o = other.loc[other["second_value"].idxmax()]
                alt = required(ft.law(o), None, target)
                notes.append(f"{x}: the scan at {o['second']} = {o['second_value']:.3g} ({o['source']}) has a lower "
                             f"floor K = {o['K']:.3g} and reaches the target at {x} = {alt}")
    widths = [max(len(c[i]) for c in lines + [("X", "fitted at", "required (1σ)", "source")]) for i in range(3)]
    for c in [("X", "fitted at", "required (1σ)", "source")] + lines:
        print("  " + "  ".join(f"{v:{w}}" for v, w in zip(c, widths)) + f"  {c[3]}")
    notes += ["errors: linear in log X from the printed errors, parameters independent (no correlations published), "
              "+ and − sides propagated separately (scaling.planner)",
              "each value holds with the other resource at the value of its scan"]
    for n in notes:
        print(f"note: {n}")
    return 0


def _plan_ours(process: str, target: float, args) -> int:
    """`plan --source ours`: the laws the pages fitted on our runs (papers.amplitude_surrogates.laws)."""
    from .papers.amplitude_surrogates import fit_tables as ft
    from .papers.amplitude_surrogates import laws
    from .papers.amplitude_surrogates.processes import SUBSTITUTES

    if (args.model, {"heteroscedastic": "het"}.get(args.loss, args.loss)) != ("mlp_i", "mse"):
        return _err("--source ours has laws for --model mlp_i --loss mse only (the D, N and C scans of our runs)")
    try:
        entries = laws.load(args.profile)
    except laws.LawsError as e:
        return _err(str(e))
    if process not in entries:
        have = ", ".join(repr(p) for p in entries) or "none"
        print(f"no fitted laws of ours for {process} at profile {args.profile!r} (laws file {laws.path(args.profile)}; "
              f"it has: {have}): run `python -m hepscaling run B_amplitude_surrogates/planner --profile "
              f"{args.profile}` first")
        return 1
    entry = entries[process]
    print(f"plan for {process}, MLP-I, MSE loss: target MSE {target:.3g} (our laws, profile {args.profile})")
    if process in SUBSTITUTES:
        print(f"note: {process} is replaced by our tree-level {entry['engine_process']} (same n_f): its laws are "
              "that process's")
    print(f"laws: eq. (1) fitted on our runs (written {entry.get('written', '?')} by {entry.get('page') or '?'}); "
          f"loss in units of {entry.get('units') or '?'}")
    recs = entry["laws"]
    usable = {x: r for x, r in recs.items() if "params" in r}
    result = laws.plan(entry, target)[0] if usable else None
    lines = []
    for x, label in ft.X_LABELS.items():
        r = recs.get(x)
        if r is None:
            lines.append((label, "-", "no scan of ours", "-"))
        elif "params" not in r:
            lines.append((label, f"{r['second']} = {r['second_value']:.3g}", f"no law ({r['missing']})", "-"))
        else:
            lo, hi = r["x_range"]
            lines.append((label, f"{r['second']} = {r['second_value']:.3g}", str(result[x]),
                          f"fit over {lo:.3g}–{hi:.3g} ({r['n_points']} points), α = {r['params']['alpha']:.3f} ± "
                          f"{r['errors']['alpha']:.3f}, K = {r['params']['K']:.2g}"))
    head = ("X", "fitted at", "required (1σ)", "law")
    widths = [max(len(c[i]) for c in lines + [head]) for i in range(3)]
    for c in [head] + lines:
        print("  " + "  ".join(f"{v:{w}}" for v, w in zip(c, widths)) + f"  {c[3]}")
    notes = ["errors: linear in log X from the fit covariance (X_c, α, K) of each law (scaling.planner)",
             "each value holds with the other resource at the value of its scan; beyond the fitted range it is an "
             "extrapolation (the planner page backtests it)"]
    if result is not None and any(not result[x].reachable for x in result):
        notes.append("not reachable: the target lies below the fitted floor K of that scan")
    for n in notes:
        print(f"note: {n}")
    return 0


def _err(msg: str) -> int:
    print(f"error: {msg}", file=sys.stderr)
    return EXIT_BAD_INPUT


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    for i, a in enumerate(argv[:-1]):              # let `--target-mse -1e-4` reach the check (argparse takes it for
        if a == "--target-mse" and argv[i + 1].startswith("-"):       # an option) and get the plan's own message
            argv[i:i + 2] = [f"{a}={argv[i + 1]}"]
            break
    args = _parser().parse_args(argv)
    if args.command == "plan":
        return _plan_command(args)
    from . import book
    try:
        if args.command == "list":
            rows = book.listing(args.profile)
            w = max([len(r["id"]) for r in rows] + [8])
            print(f"{'notebook':{w}}  paper  {'reproduces':14} {'status':11} book copy ({args.profile})")
            for r in rows:
                print(f"{r['id']:{w}}  {r['paper']:5}  {r['reproduces'][:14]:14} {r['status']:11} {r['book_copy']}")
            print(f"{len(rows)} notebooks")
            return 0

        if args.command == "run":
            overrides: dict[str, str] = {}
            for name, value in args.parameter:
                if name in overrides:
                    return _err(f"-p {name} given twice")
                overrides[name] = value
            res = book.run_one(args.notebook, overrides, args.profile)
            if not res.ok:
                print(f"FAILED: {res.error}", file=sys.stderr)
                return 1
            print(f"done in {res.seconds:.1f} s; outputs in {res.output.parent}:")
            for f in book.outputs_of(res.output.parent):
                print(f"  {f}")
            return 0

        if args.command == "book":
            return book.build(args.profile, html=not args.no_html, force=args.force, only=args.only)

        if args.command == "cache":
            return _cache_command(args)

        if args.command == "references":
            if not args.update:
                return _err("`references` needs --update (it executes every notebook with the profile and rewrites "
                            f"{book.reference_path(args.profile)})")
            return book.update_references(args.profile, only=args.only)
    except (book.BookError, _profiles.ProfileError) as e:
        return _err(str(e))
    return _err(f"unknown command {args.command!r}")  # pragma: no cover


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
