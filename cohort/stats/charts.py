"""Charts drawn on the server as inline SVG, with matplotlib (docs/decisions/0017).

matplotlib is imported inside the drawing functions, so starting Cohort does not pay for it;
only the first statistics page does. Text stays text (`svg.fonttype = "none"`), so screen
readers, search and zoom read it. Each chart is cached by its data: a page shown again does
not draw it again.

Every SVG gets `role="img"`, a `<title>` and `aria-labelledby` pointing at the title and at
the caption of its figure (`<figcaption id="{chart_id}-caption">`), and its element ids are
prefixed with `chart_id`, so several charts on one page never share an id.
"""

from __future__ import annotations

import io
import re
from functools import lru_cache
from html import escape
from typing import Any

Series = tuple[tuple[str, tuple[float, ...]], ...]

_WIDTH = 7.5  # inches at 72 dpi: the SVG's viewBox is 540 points wide, scaled by the page
_COLORS = ("#1f5f99", "#c4661f", "#2e7d4f", "#8a3c8f", "#7a6a1c", "#b03a48", "#3c6e71", "#555")


def _pyplot() -> Any:
    import matplotlib  # lazily: only a statistics page needs it

    matplotlib.use("svg")
    matplotlib.rcParams.update(
        {
            "svg.fonttype": "none",
            "svg.hashsalt": "cohort",  # the same ids for the same chart, run after run
            "font.family": "sans-serif",
            "font.size": 10,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )
    import matplotlib.pyplot as plt

    return plt


def _attributes(match: re.Match[str]) -> str:
    pairs = (part.split(":", 1) for part in match[1].split(";") if ":" in part)
    return "".join(
        f' {name.strip()}="{escape(value.strip())}"'
        for name, value in pairs
        if name.strip() != "font-family"
    )


def _svg(figure: Any, chart_id: str, title: str) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    _pyplot().close(figure)
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r"<metadata>.*?</metadata>", "", text, flags=re.S)
    # The site's CSP allows no inline style: matplotlib's styles become SVG attributes, and
    # the text takes the page's own font.
    text = re.sub(r"<defs>\s*<style[^>]*>.*?</style>\s*</defs>", "", text, flags=re.S)
    text = re.sub(r'\sstyle="([^"]*)"', _attributes, text)
    text = re.sub(r'\bid="([^"]+)"', rf'id="{chart_id}-\1"', text)
    text = re.sub(r"url\(#([^)]+)\)", rf"url(#{chart_id}-\1)", text)
    text = re.sub(r'href="#([^"]+)"', rf'href="#{chart_id}-\1"', text)
    text = re.sub(r'\s(width|height)="[^"]*pt"', "", text, count=2)
    opening = (
        f'<svg role="img" class="chart" aria-labelledby="{chart_id}-title {chart_id}-caption" '
        'stroke-linejoin="round" stroke-linecap="butt" '
    )
    text = text.replace("<svg ", opening, 1)
    head_end = text.index(">") + 1
    return f'{text[:head_end]}<title id="{chart_id}-title">{escape(title)}</title>{text[head_end:]}'


@lru_cache(maxsize=256)
def bar_chart(
    chart_id: str, title: str, labels: tuple[str, ...], values: tuple[int, ...], unit: str
) -> str:
    """Horizontal bars, one per label, each with its value written at its end."""
    plt = _pyplot()
    height = 0.6 + 0.35 * max(len(labels), 1)
    figure, axes = plt.subplots(figsize=(_WIDTH, height))
    positions = list(range(len(labels)))
    bars = axes.barh(positions, values, color=_COLORS[0])
    axes.set_yticks(positions, labels)
    axes.invert_yaxis()
    axes.bar_label(bars, padding=3)
    axes.set_xlabel(unit)
    axes.margins(x=0.12)
    return _svg(figure, chart_id, title)


@lru_cache(maxsize=256)
def line_chart(chart_id: str, title: str, xs: tuple[int, ...], series: Series, y_label: str) -> str:
    """One line per series over the years `xs`, with markers and a legend."""
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(_WIDTH, 3.6))
    for (name, ys), color in zip(series, _COLORS * 4, strict=False):
        axes.plot(xs, ys, marker="o", label=name, color=color)
    axes.set_xticks(xs, [str(x) for x in xs])
    axes.set_ylabel(y_label)
    axes.set_ylim(bottom=0)
    if series:
        axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    return _svg(figure, chart_id, title)
