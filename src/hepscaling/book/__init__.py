"""The book builder: notebook inventory, parameters, execution with papermill, pages and toc, reference values.

One job per module:

* :mod:`.errors` — :class:`BookError`, :class:`ParameterError`.
* :mod:`.inventory` — the notebooks (:class:`Notebook`, :func:`inventory`, :func:`find`) and the chapters, whose
  order and titles come from ``notebooks/<chapter>/index.md`` (:func:`chapters`, :func:`check_chapters`).
* :mod:`.parameters` — the ``parameters`` cell, type checks, ``-p`` values, :func:`resolve_parameters`.
* :mod:`.execution` — run keys, papermill execution, stamps, :func:`execute_all`, :func:`run_one`.
* :mod:`.pages` — chapter pages, landing page, toc (:func:`write_pages`).
* :mod:`.build` — :func:`build` (execute, write pages, Jupyter Book) and :func:`listing`.
* :mod:`.references` — recorded numbers against ``tests/reference/<profile>.json``.
* :mod:`.files` — where the book and reruns go; writing generated files.

Everything public is re-exported here (``from hepscaling import book; book.build(...)``). To monkeypatch a name in
tests, patch it in the module that defines it (e.g. ``hepscaling.book.files.runs_dir``).
"""
from __future__ import annotations

from .build import build, build_html, listing
from .errors import BookError, ParameterError
from .execution import (CONTEXT_TAG, FOOTER_TAG, RUNNER_VERSION, RunResult, execute, execute_all, is_up_to_date,
                        outputs_of, prepare, run_key, run_one, src_version, stamp_path, write_stamp)
from .files import book_dir, runs_dir, write_if_changed
from .inventory import (CHAPTER_INDEX, Chapter, Notebook, chapter_order, chapter_title, chapters,
                        check_chapters, find, inventory, load_notebook, notebook_paths, parse_items, read_chapter,
                        read_header, split_front_matter)
from .pages import (STATIC_PAGES, ItemRow, chapter_page, intro_page, item_rows, load_papers, page_claims, page_status,
                    status_text, toc, write_pages)
from .parameters import check_value, parse_cli_value, parse_parameters, percent_cells, resolve_parameters
from .references import (DEFAULT_ATOL, DEFAULT_RTOL, compare_to_reference, load_results, reference_path,
                         update_references)

__all__ = [
    "BookError", "ParameterError",
    "CHAPTER_INDEX", "Chapter", "Notebook", "chapter_order", "chapter_title", "chapters",
    "check_chapters", "find", "inventory", "load_notebook", "notebook_paths", "parse_items", "read_chapter",
    "read_header", "split_front_matter",
    "check_value", "parse_cli_value", "parse_parameters", "percent_cells", "resolve_parameters",
    "CONTEXT_TAG", "FOOTER_TAG", "RUNNER_VERSION", "RunResult", "execute", "execute_all", "is_up_to_date",
    "outputs_of", "prepare", "run_key", "run_one", "src_version", "stamp_path", "write_stamp",
    "STATIC_PAGES", "ItemRow", "chapter_page", "intro_page", "item_rows", "load_papers", "page_claims", "page_status",
    "status_text", "toc", "write_pages",
    "build", "build_html", "listing",
    "DEFAULT_ATOL", "DEFAULT_RTOL", "compare_to_reference", "load_results", "reference_path", "update_references",
    "book_dir", "runs_dir", "write_if_changed",
]
