"""Charts as SVG: a series in, a figure out (no database, no request).

A chart takes a ``data.Breakdown`` (periods, and series with a label and a value per
period) and returns a ``Chart``: the SVG, plus its text alternative (a caption in words
and the numbers as a table) that ``components/chart.html`` shows beside it, so the
dashboard and the doctor's report include the same figure.

Light and dark: text, axes and outlines are ``currentColor``; the series colours are
mid-tones that read on both backgrounds. No colour has to be told apart: every bar
series has its own pattern, every line its own marker and dash, and the legend shows them.
Only presentation attributes (no style attributes), as the pages' CSP requires.
"""

import math
from dataclasses import dataclass
from html import escape

from django.utils.safestring import mark_safe

from logs import vocab

WIDTH = 360  # the viewBox: drawn at about its size on a 360 px phone, so its fonts stay readable
FONT_SIZE = 15
SMALL_FONT_SIZE = 13
LEFT, RIGHT, TOP = 34, 8, 22  # room for the value axis, the right edge, the totals above the bars
PLOT_HEIGHT = 170
AXIS_LABELS_HEIGHT = 22
LEGEND_ROW_HEIGHT = 24
CHAR_WIDTH = 0.62  # of the font size: a generous guess at a character's width, for layout
# Okabe–Ito's colour-blind-safe palette, mid-tones chosen to read on white and on near-black.
COLOURS = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#8c8c8c", "#9467bd")
PATTERNS = (
    "",  # plain
    '<path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke="currentColor" stroke-width="1.4"/>',
    '<circle cx="4" cy="4" r="1.6" fill="currentColor"/>',
    '<path d="M0,4 h8" stroke="currentColor" stroke-width="1.4"/>',
    '<path d="M-2,6 l4,4 M0,0 l8,8 M6,-2 l4,4" stroke="currentColor" stroke-width="1.4"/>',
    '<path d="M0,4 h8 M4,0 v8" stroke="currentColor" stroke-width="1.2"/>',
    '<path d="M4,0 v8" stroke="currentColor" stroke-width="1.4"/>',
)
DASHES = ("", ' stroke-dasharray="6 3"', ' stroke-dasharray="2 3"', ' stroke-dasharray="8 3 2 3"')
MARKERS = ("circle", "square", "diamond", "triangle", "triangle-down", "plus")


@dataclass(frozen=True)
class Chart:
    id: str  # unique on the page: prefixes the ids inside the SVG
    title: str
    caption: str  # what the chart shows, in words
    svg: str  # safe markup
    columns: tuple  # the table of numbers: its header...
    rows: tuple  # ...and its rows, as text (empty when there is nothing to show)


def stacked_bars(breakdown, *, chart_id, title, empty="No events in this period."):
    """Event counts per week, stacked by series, with each week's total above its bar."""
    periods, series = breakdown.periods, breakdown.series
    totals = [sum(s.values[i] for s in series) for i in range(len(periods))]
    if not any(totals):
        return _empty(chart_id, title, empty)
    top, ticks = _count_axis(max(totals))
    slot = _plot_width() / len(periods)
    bar_width = slot * 0.7
    marks = []
    for i, period in enumerate(periods):
        x = LEFT + i * slot + (slot - bar_width) / 2
        bottom = TOP + PLOT_HEIGHT
        for n, one in enumerate(series):
            value = one.values[i]
            if not value:
                continue
            height = value * PLOT_HEIGHT / top
            bottom -= height
            marks.append(
                f'<rect class="bar" x="{x:.1f}" y="{bottom:.1f}" width="{bar_width:.1f}" height="{height:.1f}" '
                f'fill="url(#{chart_id}-p{n})" stroke="currentColor" stroke-width="1">'
                f"<title>{escape(one.label)}, week of {_day_words(period)}: {value}</title></rect>"
            )
        if totals[i]:
            marks.append(_text(x + bar_width / 2, bottom - 5, totals[i], anchor="middle", size=SMALL_FONT_SIZE))
    patterns = "".join(_pattern(chart_id, n) for n in range(len(series)))
    total = sum(totals)
    caption = (
        f"{total} {_plural(total, 'event')} in the {len(periods)} {_plural(len(periods), 'week')} "
        f"from {_day_words(periods[0])}: "
        + ", ".join(f"{one.label} {sum(one.values)}" for one in _largest_first(series))
        + "."
    )
    return _chart(
        chart_id,
        title,
        caption,
        plot=f"<defs>{patterns}</defs>" + _axes(periods, top, ticks) + "".join(marks),
        legend=[(_swatch(chart_id, n), one.label) for n, one in enumerate(series)],
        columns=("Week of", *(one.label for one in series), "Total"),
        rows=tuple(
            (_day_words(period), *(str(one.values[i]) for one in series), str(totals[i]))
            for i, period in enumerate(periods)
        ),
    )


def pain_lines(breakdown, *, chart_id, title, empty="No pain scores in this period."):
    """Pain (0–10) per day, one line per series with a marker at each score; days without one are skipped."""
    periods, series = breakdown.periods, breakdown.series
    filled = [i for i in range(len(periods)) if any(one.values[i] is not None for one in series)]
    if not filled:
        return _empty(chart_id, title, empty)
    top, ticks = vocab.PAIN_MAX, range(vocab.PAIN_MIN, vocab.PAIN_MAX + 1, 2)
    slot = _plot_width() / len(periods)
    marks = []
    for n, one in enumerate(series):
        points = [
            (LEFT + (i + 0.5) * slot, TOP + PLOT_HEIGHT * (1 - value / top), periods[i], value)
            for i, value in enumerate(one.values)
            if value is not None
        ]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in points)
        marks.append(
            f'<polyline class="line" points="{path}" fill="none" stroke="{_colour(n)}" stroke-width="2.5"'
            f' stroke-linejoin="round"{DASHES[n % len(DASHES)]}/>'
        )
        marks.extend(
            _marker(n, x, y, f"{escape(one.label)}, {_day_words(period)}: {_number(value)}")
            for x, y, period, value in points
        )
    caption = (
        f"Mean pain (0–{top}) on the {len(filled)} {_plural(len(filled), 'day')} with a score "
        f"from {_day_words(periods[0])} to {_day_words(periods[-1])}: "
        + "; ".join(_line_summary(one) for one in series)
        + "."
    )
    return _chart(
        chart_id,
        title,
        caption,
        plot=_axes(periods, top, ticks) + "".join(marks),
        legend=[(_line_swatch(n), one.label) for n, one in enumerate(series)],
        columns=("Day", *(one.label for one in series)),
        rows=tuple(
            (_day_words(periods[i]), *("—" if one.values[i] is None else _number(one.values[i]) for one in series))
            for i in filled
        ),
    )


# --- The figure ----------------------------------------------------------------


def _chart(chart_id, title, caption, *, plot, legend, columns, rows):
    """The plot with its axes, and the legend below it, wrapped to the width."""
    legend_top = TOP + PLOT_HEIGHT + AXIS_LABELS_HEIGHT
    legend, legend_height = _legend(legend)
    body = f'{plot}<g transform="translate(0,{legend_top})">{legend}</g>'
    svg = _svg(chart_id, title, caption, body, height=legend_top + legend_height)
    return Chart(id=chart_id, title=title, caption=caption, svg=svg, columns=columns, rows=rows)


def _empty(chart_id, title, message):
    height = 90
    frame = (
        f'<rect x="1" y="1" width="{WIDTH - 2}" height="{height - 2}" rx="8" fill="none" stroke="currentColor"'
        f' stroke-opacity="0.4" stroke-dasharray="4 4"/>'
    )
    body = frame + _text(WIDTH / 2, height / 2 + 5, message, anchor="middle")
    svg = _svg(chart_id, title, message, body, height=height)
    return Chart(id=chart_id, title=title, caption=message, svg=svg, columns=(), rows=())


def _svg(chart_id, title, desc, body, *, height):
    """The root: an image named by its title and described by its caption, drawn in the text's colour."""
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}"'
        f' role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" font-size="{FONT_SIZE}" fill="currentColor">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(desc)}</desc>'
        f"{body}</svg>"
    )


def _axes(periods, top, ticks):
    """Horizontal grid lines with their values, and the periods' labels (as many as fit)."""
    parts = []
    for tick in ticks:
        y = TOP + PLOT_HEIGHT * (1 - tick / top)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="currentColor"'
            f' stroke-opacity="{0.6 if tick == 0 else 0.2}"/>'
        )
        parts.append(_text(LEFT - 6, y + 4, tick, anchor="end", size=SMALL_FONT_SIZE))
    slot = _plot_width() / len(periods)
    labels = [_period_label(period) for period in periods]
    label_width = max(len(label) for label in labels) * CHAR_WIDTH * SMALL_FONT_SIZE + 8
    stride = math.ceil(label_width / slot)
    for i in range(0, len(periods), stride):
        parts.append(
            _text(LEFT + (i + 0.5) * slot, TOP + PLOT_HEIGHT + 16, labels[i], anchor="middle", size=SMALL_FONT_SIZE)
        )
    return "".join(parts)


def _legend(items):
    """Swatch-and-label items, wrapped into rows that fit the width: (markup, height)."""
    parts, x, row = [], 8, 0
    for swatch, label in items:
        width = 22 + len(label) * CHAR_WIDTH * FONT_SIZE + 14
        if x > 8 and x + width > WIDTH:
            x, row = 8, row + 1
        y = row * LEGEND_ROW_HEIGHT
        parts.append(f'<g transform="translate({x:.1f},{y})">{swatch}{_text(22, 13, label)}</g>')
        x += width
    return "".join(parts), (row + 1) * LEGEND_ROW_HEIGHT + 4


def _pattern(chart_id, n):
    return (
        f'<pattern id="{chart_id}-p{n}" width="8" height="8" patternUnits="userSpaceOnUse">'
        f'<rect width="8" height="8" fill="{_colour(n)}"/>{PATTERNS[n % len(PATTERNS)]}</pattern>'
    )


def _swatch(chart_id, n):
    return f'<rect width="16" height="16" fill="url(#{chart_id}-p{n})" stroke="currentColor"/>'


def _line_swatch(n):
    return (
        f'<line x1="0" x2="18" y1="9" y2="9" stroke="{_colour(n)}" stroke-width="2.5"{DASHES[n % len(DASHES)]}/>'
        + _marker(n, 9, 9)
    )


def _marker(n, x, y, title=None):
    """The series' marker shape at (x, y), outlined so it shows on any background.

    A data point has a ``title`` (its value in words); the legend's sample has none.
    """
    shape = MARKERS[n % len(MARKERS)]
    paint = f'fill="{_colour(n)}" stroke="currentColor" stroke-width="1"'
    if title is not None:
        paint = f'class="point" {paint}'
    title = f"<title>{title}</title>" if title is not None else ""
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" {paint}>{title}</circle>'
    outline = {
        "square": "M-4,-4 H4 V4 H-4 Z",
        "diamond": "M0,-5.5 L5.5,0 L0,5.5 L-5.5,0 Z",
        "triangle": "M0,-5.5 L5.5,4.5 L-5.5,4.5 Z",
        "triangle-down": "M0,5.5 L5.5,-4.5 L-5.5,-4.5 Z",
        "plus": "M-1.8,-5.5 H1.8 V-1.8 H5.5 V1.8 H1.8 V5.5 H-1.8 V1.8 H-5.5 V-1.8 H-1.8 Z",
    }[shape]
    return f'<path transform="translate({x:.1f},{y:.1f})" d="{outline}" {paint}>{title}</path>'


def _text(x, y, content, *, anchor="start", size=None):
    size = f' font-size="{size}"' if size else ""
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{size}>{escape(str(content))}</text>'


# --- Numbers and words -----------------------------------------------------------


def _plot_width():
    return WIDTH - LEFT - RIGHT


def _count_axis(largest):
    """A round top for a count axis and at most six whole-number ticks up to it."""
    step = next(step for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500) if largest / step <= 5)
    top = math.ceil(largest / step) * step
    return top, range(0, top + 1, step)


def _colour(n):
    return COLOURS[n % len(COLOURS)]


def _largest_first(series):
    return sorted(series, key=lambda one: -sum(one.values))


def _line_summary(one):
    values = [value for value in one.values if value is not None]
    return (
        f"{one.label} on {len(values)} {_plural(len(values), 'day')}, "
        f"highest {_number(max(values))}, latest {_number(values[-1])}"
    )


def _number(value):
    return f"{value:g}"


def _plural(count, word):
    return word if count == 1 else f"{word}s"


def _period_label(day):
    return f"{day.day} {day:%b}"


def _day_words(day):
    return f"{day.day} {day:%b %Y}"

