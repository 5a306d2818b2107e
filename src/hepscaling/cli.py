"""Command line: ``python -m hepscaling {list,run,book,references,cache}``.

    python -m hepscaling list [--profile P]                      inventory with status and state of the book copies
    python -m hepscaling run <notebook-id> -p NAME VALUE ... [--profile P]
                                                                 rerun one notebook into runs/<id>/<timestamp>/
    python -m hepscaling book [--profile P] [--no-html] [--force] [--only ID ...]
                                                                 execute the notebooks and build the HTML book
    python -m hepscaling references --update [--profile tiny]   regenerate tests/reference/<profile>.json
    python -m hepscaling cache [prune --max-size 5G --older-than 30 [--dry-run]]
                                                                 the cache's size per function; remove stale entries

Bad input (unknown notebook, unknown parameter, wrong type, missing profile) prints one message and exits with 2;
a failing notebook exits with 1.
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
    sub = p.add_subparsers(dest="command", required=True, metavar="{list,run,book,references,cache}")

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


def _err(msg: str) -> int:
    print(f"error: {msg}", file=sys.stderr)
    return EXIT_BAD_INPUT


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
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
