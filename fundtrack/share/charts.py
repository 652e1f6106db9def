"""The funding charts as SVG strings, drawn on the server with pygal.

Every function takes figures (the dataclasses of `fundtrack.share.figures`) and returns an SVG
string that a page inlines and a PDF embeds alike. Charts print their values (formatted for the
network) and draw the structural target as a labelled line, so a reader can check them against
the table next to them. Nothing is fetched from the internet: no pygal.js, no web fonts, no
script at all.
"""

import math
import re
from collections.abc import Sequence
from fractions import Fraction

import pygal
from flask_babel import gettext
from pygal.style import Style

from fundtrack.formatting import NumberFormat
from fundtrack.labels import CATEGORY_LABELS
from fundtrack.share.figures import Figures, FundingShare, TrendPoint

# Far apart in grey as in colour: a report printed in greyscale still tells a bar below the
# target (dark) from one at or above it (light), and neither from the dashed target.
BELOW = "#8f1d14"
AT_TARGET = "#4caf6e"
NEUTRAL = "#16325c"
TARGET_LINE = "#1d2433"
GRID = "#c3cad5"  # solid and light: only the target is dashed

# Charts are drawn 700 px wide and printed 178 mm wide (the page between its margins): one
# pixel is 0.254 mm, so 12 px prints at 8.6 pt, the smallest text a report carries.
WIDTH = 700
FONT = 12
# An upper bound of a DejaVu Sans character's advance (digits are 0.64 em), for placing
# printed values where they cannot touch each other, the target line or the chart's edge.
CHAR_EM = 0.66

STYLE = Style(
    font_family="'DejaVu Sans', system-ui, Arial, sans-serif",
    background="white",
    plot_background="white",
    foreground="#1d2433",
    foreground_strong="#1d2433",
    foreground_subtle="#4a5568",
    colors=(NEUTRAL, "#b7791f", AT_TARGET, BELOW),
    opacity="0.9",
    opacity_hover="1",
    title_font_size=14,
    label_font_size=FONT,
    major_label_font_size=FONT,
    value_font_size=FONT,
    legend_font_size=FONT,
    guide_stroke_color=GRID,
    guide_stroke_dasharray="none",
    major_guide_stroke_color=TARGET_LINE,
    major_guide_stroke_dasharray="8,4",
)

# The target is the one "major" guide: drawn heavier than the ordinary grid, label in bold.
TARGET_CSS = (
    "inline:.axis .guides .major.line{stroke-width:2.5px;stroke-opacity:1}"
    ".axis .guides text.major{font-weight:700}"
    # A value that still comes near a line keeps a white halo under its letters.
    ".text-overlay .value{fill:#1d2433;stroke:#ffffff;stroke-width:4px;"
    "stroke-linejoin:round;paint-order:stroke}"
)


def _strip_scripts(root):
    # pygal always writes its config as an inline <script>; a static chart needs none.
    for parent in root.iter():
        for child in list(parent):
            if isinstance(child.tag, str) and child.tag.rsplit("}", 1)[-1] == "script":
                parent.remove(child)
    return root


def _text_width(text: str) -> float:
    return len(text) * CHAR_EM * FONT


def _target_at(root, vertical: bool) -> float | None:
    """Where the dashed target line runs: its x (a vertical line) or its y (horizontal)."""
    for node in root.iter():
        if "major" in (node.get("class") or "").split() and node.get("d"):
            numbers = [float(n) for n in re.findall(r"-?[\d.]+", node.get("d"))[:2]]
            return numbers[0] if vertical else numbers[1]
    return None


def _values(root):
    # The printed values (text), not the tooltips' hidden copies.
    return [
        n for n in root.iter() if n.get("class") == "value" and n.tag.rsplit("}", 1)[-1] == "text"
    ]


def _values_after_bars(root):
    """Horizontal bars: each value just past its bar's end; past the target line instead of
    across it; inside the bar's end, in white, where the chart's edge would cut it."""
    target = _target_at(root, vertical=True)
    right = float(root.get("viewBox").split()[2]) - _plot_offset(root)[0] - 4
    for node in _values(root):
        end = float(node.get("x")) - FONT / 2
        width = _text_width(node.text or "")
        x = end + 6
        if target is not None and x - 3 < target < x + width + 3:
            x = target + 6
        node.set("text-anchor", "start")
        if x + width > right and end - width - 6 > 0:
            node.set("text-anchor", "end")
            node.set("style", "fill:#ffffff;stroke:none")
            x = end - 6
        node.set("x", f"{x:.2f}")
    return root


def _plot_offset(root) -> tuple[float, float]:
    for node in root.iter():
        if node.get("class") == "plot" and node.get("transform"):
            x, y = re.findall(r"-?[\d.]+", node.get("transform"))[:2]
            return float(x), float(y)
    return 0.0, 0.0


def _values_beside_points(root):
    """A line's values above their points, or below them where the label would sit on the
    target line, leave the plot or touch a label already placed."""
    target = _target_at(root, vertical=False)
    plot_x, plot_y = _plot_offset(root)
    _x, _y, svg_width, svg_height = (float(n) for n in root.get("viewBox").split())
    height, right = svg_height - plot_y, svg_width - plot_x - 4
    placed: list[tuple[float, float, float, float]] = []
    for node in _values(root):
        half = _text_width(node.text or "") / 2
        # Centred over its point, but not over the share axis's labels or past the edge.
        x = min(max(float(node.get("x")) - FONT, half + 4), right - half)
        y = float(node.get("y")) - FONT - FONT / 3
        candidates = [y - 8, y + 8 + FONT, y - 8 - 1.5 * FONT, y + 8 + 2.5 * FONT]

        def fits(base, half=half, x=x):
            top, bottom = base - FONT, base + 3
            if target is not None and top - 2 < target < bottom + 2:
                return False
            if top < -FONT or bottom > height - 2.5 * FONT:
                return False
            return not any(
                x - half < r and x + half > left and top < b and bottom > t
                for left, t, r, b in placed
            )

        base = next((c for c in candidates if fits(c)), candidates[0])
        placed.append((x - half, base - FONT, x + half, base + 3))
        node.set("text-anchor", "middle")
        node.set("x", f"{x:.2f}")
        node.set("y", f"{base:.2f}")
    return root


def _chart(kind, **config):
    chart = kind(
        style=STYLE,
        js=[],
        css=["file://style.css", "file://graph.css", TARGET_CSS],
        disable_xml_declaration=True,
        print_values=True,
        show_legend=False,
        truncate_label=-1,
        width=WIDTH,
        **config,
    )
    chart.add_xml_filter(_strip_scripts)
    if kind is pygal.HorizontalBar:
        chart.add_xml_filter(_values_after_bars)
    elif kind is pygal.Line:
        chart.add_xml_filter(_values_beside_points)
    return chart


def _money_bars(fmt: NumberFormat, amounts) -> dict:
    """A horizontal money chart prints each exact amount after its bar, so it needs no money
    axis (whose long labels would collide): no labels, no grid, room on the right for the
    longest amount. All zero: bars of no length, each saying 0."""
    top = max([float(a) for a in amounts] + [0.0])
    longest = max([_text_width(fmt.money(a)) for a in amounts] + [0.0])
    return {
        "range": (0, top or 1.0),
        # pygal names the axes as if the bars stood up: "x" is the amounts' axis here.
        "show_x_labels": False,
        "show_y_guides": False,
        "y_labels_major_count": 0,
        "margin_right": int(longest) + 16,
    }


# A share far above the rest (a centre whose costs are not all booked yet reads 2,612.5%)
# would squash every other bar: the axis stops here and the longer bar prints its true value.
SHARE_CAP = 2.0


def _target_labels(
    target: Fraction, fmt: NumberFormat, top: float, plot_px: float, upright: bool = False
) -> dict:
    """Share-axis labels every 20% (every 50% above 100%) up to `top`, plus the target as the
    one major label. Ticks whose label would touch the target's on an axis `plot_px` long
    (side by side, or one above the other on an `upright` axis) are left out."""
    target_value = float(target)
    target_label = gettext("target %(share)s", share=fmt.percent(target))
    step = 0.2 if top <= 1.0 else 0.5
    labels: list = [{"value": target_value, "label": target_label}]
    for tick in (i * step for i in range(int(round(top / step)) + 1)):
        label = fmt.percent(tick, 0)
        room = 1.6 * FONT if upright else (_text_width(label) + _text_width(target_label)) / 2 + 8
        if abs(tick - target_value) / top * plot_px > room:
            labels.append({"value": tick, "label": label})
    return {"y_labels": labels, "y_labels_major": [target_value], "range": (0, top)}


def _share_top(shares, target: Fraction) -> float:
    highest = max([float(s) for s in shares if s is not None] + [float(target), 1.0])
    return min(SHARE_CAP, math.ceil(highest * 2) / 2) if highest > 1 else 1.0


def _at_target(figures: Figures, target: Fraction) -> bool:
    # From the money, as the table's mark: the share kept to six decimals can round up to
    # the target (199,999.99 / 300,000 -> 0.666667) while a cent is still missing.
    structural, costs = figures.structural_income, figures.costs
    return costs > 0 and structural * target.denominator >= costs * target.numerator


def _share_value(figures: Figures, fmt: NumberFormat, target: Fraction, top: float) -> dict | None:
    share = figures.share
    if share is None:
        return None
    colour = AT_TARGET if _at_target(figures, target) else BELOW
    return {
        "value": min(float(share), top),
        "color": colour,
        "formatter": lambda _v: fmt.percent(share),
    }


def _money_value(amount, fmt: NumberFormat, colour: str = NEUTRAL) -> dict:
    return {"value": float(amount), "color": colour, "formatter": lambda _v: fmt.money(amount)}


def _shortened(label: str, most: int = 42) -> str:
    # Long names would squeeze the bars; the ellipsis says the table has the whole name.
    return label if len(label) <= most else label[: most - 1] + "…"


def by_share(centres):
    """Highest share first, centres without costs (no share) last: the chart reads as a
    ranking, not as the alphabet."""
    return sorted(centres, key=lambda c: (c.share is None, -(c.share or 0), c.code))


def shares_chart(share: FundingShare, fmt: NumberFormat, centres=None) -> str:
    """One bar per centre with its structural share, green at or above the target, red below.

    `centres` lets the page pass its filtered and sorted list; by default all of `share`.
    Centres without costs have no share and get no bar (their label stays, marked 'no costs').
    """
    centres = share.centres if centres is None else centres
    top = _share_top([c.share for c in centres], share.target)
    longest = max([_text_width(fmt.percent(c.share)) for c in centres] + [0.0])
    no_costs = " (" + gettext("no costs") + ")"
    # HorizontalBar draws the first label at the bottom; reverse so the list reads top-down.
    ordered = list(reversed(centres))
    labels = [
        _shortened(f"{c.code} {c.name}", 36) + (no_costs if c.share is None else "")
        for c in ordered
    ]
    names = max([_text_width(label) for label in labels] + [0.0])
    # Room for a value moved past the target line, and for the target's own label.
    margin = int(max(longest, _text_width(gettext("target %(share)s", share="100,0 %")) / 2)) + 24
    chart = _chart(
        pygal.HorizontalBar,
        title=gettext(
            "Structural share per centre, %(year)s (target %(share)s)",
            year=share.year,
            share=fmt.percent(share.target),
        ),
        height=90 + 26 * max(len(centres), 1),
        value_formatter=lambda v: fmt.percent(v),
        print_values_position="top",
        margin_right=margin,
        **_target_labels(share.target, fmt, top, WIDTH - names - margin - 20),
    )
    chart.x_labels = labels
    chart.add(
        gettext("structural share"), [_share_value(c, fmt, share.target, top) for c in ordered]
    )
    return chart.render()


def _year_label(year: int, running_year: int | None) -> str:
    # A running year's income is booked so far only; the axis should say so.
    return f"{year} ({gettext('so far')})" if year == running_year else str(year)


def share_trend_chart(
    points: Sequence[TrendPoint],
    target: Fraction,
    fmt: NumberFormat,
    title: str,
    running_year: int | None = None,
) -> str:
    """The structural share per year as a line, against the target line."""
    top = _share_top([p.figures.share for p in points], target)
    chart = _chart(
        pygal.Line,
        title=gettext("%(title)s (target %(share)s)", title=title, share=fmt.percent(target)),
        height=320,
        value_formatter=lambda v: fmt.percent(v),
        dots_size=4,
        allow_interruptions=True,
        margin_right=50,
        **_target_labels(target, fmt, top, 320 - 100, upright=True),
    )
    no_costs = " (" + gettext("no costs") + ")"
    chart.x_labels = [
        _year_label(p.year, running_year) + (no_costs if p.figures.share is None else "")
        for p in points
    ]
    chart.add(
        gettext("structural share"), [_share_value(p.figures, fmt, target, top) for p in points]
    )
    return chart.render()


def gap_chart(
    points: Sequence[TrendPoint], fmt: NumberFormat, title: str, running_year: int | None = None
) -> str:
    """Per year (oldest on top), the money still to be found to reach the target (zero at or
    above it): bars across, so that the exact amounts never run into each other."""
    gaps = [p.figures.gap for p in points]
    chart = _chart(
        pygal.HorizontalBar,
        title=title,
        height=90 + 30 * max(len(points), 2),  # room for "No data" under the title
        print_values_position="top",
        print_zeroes=True,
        **_money_bars(fmt, gaps),
    )
    chart.x_labels = [_year_label(p.year, running_year) for p in reversed(points)]
    chart.add(
        gettext("gap to target"),
        [_money_value(g, fmt, BELOW if g > 0 else AT_TARGET) for g in reversed(gaps)],
    )
    return chart.render()


def category_mix_chart(figures: Figures, fmt: NumberFormat, title: str) -> str:
    """Income by RJ 650 category, largest first, with the amounts written after the bars."""
    amounts = sorted(
        ((category, amount) for category, amount in figures.income_by_category.items() if amount),
        key=lambda pair: pair[1],
    )
    chart = _chart(
        pygal.HorizontalBar,
        title=title,
        height=90 + 30 * max(len(amounts), 1),
        print_values_position="top",
        **_money_bars(fmt, [amount for _c, amount in amounts]),
        no_data_text=gettext("No income recorded"),
    )
    chart.x_labels = [str(CATEGORY_LABELS.get(category, category)) for category, _a in amounts]
    chart.add(gettext("income"), [_money_value(amount, fmt) for _c, amount in amounts])
    return chart.render()
