"""Tables on the book's pages: one helper for every table a notebook shows (claims, fits, settings, comparisons).

``display(Table(header, rows))`` renders as an HTML table in the executed notebook and in the book (Jupyter Book
prefers ``text/html``), and as aligned plain text in a terminal. Markdown pipe tables sent through
``IPython.display.Markdown`` are not rendered as tables in the book's notebook outputs, so pages never do that.

:func:`fmt` formats a value with its error the same way everywhere (``0.133 ± 0.007``).
"""
from __future__ import annotations

import html
import math
from dataclasses import dataclass, field

import numpy as np


def fmt(value, error=None, digits: int = 3) -> str:
    """``0.133 ± 0.007`` (fixed decimals) with an error, ``0.133`` (significant digits) without; text passes through.

    A missing value (``None`` or NaN) prints as ``–``."""
    if value is None:
        return "–"
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value
    v = float(value)
    if not math.isfinite(v):
        return "–" if math.isnan(v) else str(v)
    if error is None or not math.isfinite(float(error)):
        return f"{v:.{digits}g}"
    return f"{v:.{digits}f} ± {float(error):.{digits}f}"


def _cell(c) -> str:
    if isinstance(c, (float, np.floating)) and not isinstance(c, bool):
        return fmt(c)
    return "–" if c is None else str(c)


@dataclass
class Table:
    """A table for a page: ``header`` (column titles) and ``rows`` (lists of cells; numbers are formatted with
    :func:`fmt`, everything else with ``str``). ``caption`` is shown above it; ``classes`` lets a row carry a CSS
    class (e.g. the claims table marks each verdict)."""
    header: list
    rows: list
    caption: str = ""
    row_classes: list = field(default_factory=list)

    def __post_init__(self):
        self.header = [str(h) for h in self.header]
        self.rows = [[_cell(c) for c in r] for r in self.rows]
        for i, r in enumerate(self.rows):
            if len(r) != len(self.header):
                raise ValueError(f"Table: row {i} has {len(r)} cells, the header has {len(self.header)} "
                                 f"({self.header})")

    def to_html(self) -> str:
        out = ['<table class="hepscaling-table">']
        if self.caption:
            out.append(f"<caption>{html.escape(self.caption)}</caption>")
        out.append("<thead><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in self.header) + "</tr></thead>")
        out.append("<tbody>")
        for i, r in enumerate(self.rows):
            cls = self.row_classes[i] if i < len(self.row_classes) and self.row_classes[i] else ""
            attr = f' class="{html.escape(cls)}"' if cls else ""
            out.append(f"<tr{attr}>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>")
        out.append("</tbody></table>")
        return "\n".join(out)

    def to_markdown(self) -> str:
        esc = [[c.replace("|", "\\|").replace("\n", " ") for c in r] for r in [self.header, *self.rows]]
        lines = ["| " + " | ".join(esc[0]) + " |", "|" + "---|" * len(self.header)]
        lines += ["| " + " | ".join(r) + " |" for r in esc[1:]]
        return "\n".join(([self.caption, ""] if self.caption else []) + lines)

    def to_text(self) -> str:
        cols = list(zip(self.header, *self.rows))
        w = [max(len(c) for c in col) for col in cols]
        line = lambda r: "  ".join(c.ljust(n) for c, n in zip(r, w))  # noqa: E731
        out = [self.caption] if self.caption else []
        out += [line(self.header), "  ".join("-" * n for n in w)] + [line(r) for r in self.rows]
        return "\n".join(out)

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        return self.to_text()
