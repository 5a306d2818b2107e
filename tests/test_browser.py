"""The book as a reader sees it: the tiny build opened in headless Chromium, page by page."""
import pytest

from hepscaling.book import browser

CHROMIUM = browser.find_chromium()
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium: `make setup` installs Debian's chromium")


@pytest.mark.notebooks
@pytest.mark.timeout(2400)
@needs_chromium
def test_every_page_of_the_built_book_reads_right(tiny_book):
    """No raw LaTeX, no raw markdown tables, no Python warnings or tracebacks, no broken images or links; formulas
    typeset offline; screenshots of the landing page and one page per chapter for a person to look at."""
    assert tiny_book.html is not None, "the tiny book did not build:\n" + "\n".join(tiny_book.log[-30:])
    pages = browser.site_pages(tiny_book.html)
    assert len(pages) >= 15
    problems = browser.check_site(tiny_book.html, pages)
    shots = browser.screenshots(tiny_book.html, tiny_book.html.parent / "screenshots")
    assert not problems, "\n".join(f"{p}: {x}" for p, xs in problems.items() for x in xs)
    assert len(shots) >= 4 and all(s.stat().st_size > 20_000 for s in shots)
    dom = browser.dump_dom(tiny_book.html / "intro.html")
    assert "mjx-container" in dom                              # the landing page's formula, typeset offline
    assert "status-" in dom and "hepscaling-table" not in dom  # statuses as coloured spans (not a notebook page)
    fig1 = browser.dump_dom(tiny_book.html / "notebooks" / "A_jet_classification" / "fig1_loss_vs_T.html")
    assert 'class="verdict-' in fig1 and "Parameters of this build" in fig1 and "Figure 1." in fig1


def test_the_check_sees_what_a_reader_must_not(tmp_path):
    (tmp_path / "there.png").write_bytes(b"png")
    page = tmp_path / "p.html"
    good = ('<html><body><p>loss <span class="math"><mjx-container>L</mjx-container></span></p>'
            '<pre>raw = "$x$" and \\\\frac in code is fine</pre><img src="there.png"><a href="#top">x</a>'
            '<a href="https://example.org/missing.html">external</a></body></html>')
    assert browser.check_dom(page, good) == []
    cases = {
        "raw LaTeX": '<p>the law \\\\(L = A T^{-\\\\alpha}\\\\) here</p>',
        "never typeset": '<p><span class="math">\\\\alpha</span></p>',
        "raw markdown table": "<p>| paper T | our T | |---|---| | 1000 | 900 |</p>",
        "Python warning": "<div>tqdm/auto.py:21: TqdmWarning: IProgress not found</div>",
        "traceback": "<div>Traceback (most recent call last): File x</div>",
        "broken image": '<img src="gone.png">',
        "broken link": '<a href="../other/page.html#sec">x</a>',
    }
    for what, body in cases.items():
        found = browser.check_dom(page, f"<html><body>{body}</body></html>")
        assert found, f"the check misses a {what}"
