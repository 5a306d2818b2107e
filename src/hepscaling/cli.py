"""Command line: ``python -m hepscaling {list,run,book,references}``.

    python -m hepscaling list [--profile P]                      inventory with status and state of the book copies
    python -m hepscaling run <notebook-id> -p NAME VALUE ... [--profile P]
                                                                 rerun one notebook into runs/<id>/<timestamp>/
    python -m hepscaling book [--profile P] [--no-html] [--force] [--only ID ...]
                                                                 execute the notebooks and build the HTML book
    python -m hepscaling references --update [--profile tiny]   regenerate tests/reference/<profile>.json

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
    sub = p.add_subparsers(dest="command", required=True, metavar="{list,run,book,references}")

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
    return p


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
