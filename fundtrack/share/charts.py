"""The funding charts as SVG strings, drawn on the server with pygal.

Every function takes figures (the dataclasses of `fundtrack.share.figures`) and returns an SVG
string that a page inlines and a PDF embeds alike. Charts print their values (formatted for the
network) and draw the structural target as a labelled line, so a reader can check them against
the table next to them. Nothing is fetched from the internet: no pygal.js, no web fonts, no
script at all.
"""

from collections.abc import Sequence
from fractions import Fraction

import pygal
from flask_babel import gettext
from pygal.style import Style

from fundtrack.formatting import CATEGORY_LABELS, NumberFormat
from fundtrack.share.figures import Figures, FundingShare, TrendPoint

BELOW = "#b42318"
AT_TARGET = "#17653a"
NEUTRAL = "#16325c"
TARGET_LINE = "#1d2433"
GRID = "#c3cad5"  # solid and light: only the target is dashed

STYLE = Style(
    font_family="system-ui, 'DejaVu Sans', Arial, sans-serif",
    background="white",
    plot_background="white",
    foreground="#1d2433",
    foreground_strong="#1d2433",
    foreground_subtle="#4a5568",
    colors=(NEUTRAL, "#b7791f", AT_TARGET, BELOW),
    opacity="0.9",
    opacity_hover="1",
    title_font_size=16,
    label_font_size=12,
    major_label_font_size=12,
    value_font_size=11,
    legend_font_size=12,
    guide_stroke_color=GRID,
    guide_stroke_dasharray="none",
    major_guide_stroke_color=TARGET_LINE,
    major_guide_stroke_dasharray="8,4",
)

# The target is the one "major" guide: drawn heavier than the ordinary grid, label in bold.
TARGET_CSS = (
    "inline:.axis .guides .major.line{stroke-width:2.5px;stroke-opacity:1}"
    ".axis .guides text.major{font-weight:700}"
    # A value printed where the target line runs (a bar ending just short of or past the
    # target) stays readable: a white halo drawn under its letters hides the dashes there.
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


def _values_after_bars(root):
    # Horizontal bars: write each value just past the end of its bar, not across the bar's end.
    for node in root.iter():
        if node.get("class") == "value" and node.get("text-anchor") == "middle":
            node.set("text-anchor", "start")
            node.set("x", f"{float(node.get('x')) + 6:.2f}")
    return root


def _values_above_bars(root):
    for node in root.iter():
        if node.get("class") == "value" and node.get("text-anchor") == "middle":
            node.set("y", f"{float(node.get('y')) - 7:.2f}")
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
        **config,
    )
    chart.add_xml_filter(_strip_scripts)
    if kind is pygal.HorizontalBar:
        chart.add_xml_filter(_values_after_bars)
    elif kind is pygal.Bar:
        chart.add_xml_filter(_values_above_bars)
    return chart


def _money_axis(fmt: NumberFormat, amounts) -> dict:
    # Whole units on the axis (the bars carry the exact amounts); no bold "major" guides,
    # which these charts keep for the target alone; headroom for the printed values.
    top = max([float(a) for a in amounts] + [1.0])
    return {
        "value_formatter": lambda v: fmt.money(v, whole=True),
        "y_labels_major_every": 10**6,
        "range": (0, top * 1.12),
        "max_scale": 6,
    }


def _target_labels(target: Fraction, fmt: NumberFormat, top: float, clearance=0.05) -> dict:
    """Share-axis labels every 20% up to `top`, plus the target as the one major label.

    Ticks closer to the target than `clearance` are left out so the labels do not collide.
    """
    target_value = float(target)
    ticks = [step / 5 for step in range(int(top * 5) + 1)]
    labels: list = [
        {"value": tick, "label": fmt.percent(tick, 0)}
        for tick in ticks
        if abs(tick - target_value) > clearance
    ]
    labels.append(
        {"value": target_value, "label": gettext("target %(share)s", share=fmt.percent(target))}
    )
    return {"y_labels": labels, "y_labels_major": [target_value], "range": (0, top)}


def _share_top(shares, target: Fraction) -> float:
    highest = max([float(s) for s in shares if s is not None] + [float(target), 1.0])
    return (int(highest * 5) + 1) / 5 if highest > 1 else 1.0


def _at_target(figures: Figures, target: Fraction) -> bool:
    # From the money, as the table's mark: the share kept to six decimals can round up to
    # the target (199,999.99 / 300,000 -> 0.666667) while a cent is still missing.
    structural, costs = figures.structural_income, figures.costs
    return costs > 0 and structural * target.denominator >= costs * target.numerator


def _share_value(figures: Figures, fmt: NumberFormat, target: Fraction) -> dict | None:
    share = figures.share
    if share is None:
        return None
    colour = AT_TARGET if _at_target(figures, target) else BELOW
    return {"value": float(share), "color": colour, "formatter": lambda _v: fmt.percent(share)}


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
    chart = _chart(
        pygal.HorizontalBar,
        title=gettext(
            "Structural share per centre, %(year)s (target %(share)s)",
            year=share.year,
            share=fmt.percent(share.target),
        ),
        width=900,
        height=110 + 24 * max(len(centres), 1),
        value_formatter=lambda v: fmt.percent(v),
        print_values_position="top",
        margin_right=60,
        **_target_labels(
            share.target, fmt, _share_top([c.share for c in centres], share.target), 0.12
        ),
    )
    # HorizontalBar draws the first label at the bottom; reverse so the list reads top-down.
    ordered = list(reversed(centres))
    no_costs = " (" + gettext("no costs") + ")"
    chart.x_labels = [
        _shortened(f"{c.code} {c.name}") + (no_costs if c.share is None else "") for c in ordered
    ]
    chart.add(gettext("structural share"), [_share_value(c, fmt, share.target) for c in ordered])
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
    chart = _chart(
        pygal.Line,
        title=gettext("%(title)s (target %(share)s)", title=title, share=fmt.percent(target)),
        width=900,
        height=380,
        value_formatter=lambda v: fmt.percent(v),
        dots_size=4,
        allow_interruptions=True,
        margin_right=50,
        **_target_labels(target, fmt, _share_top([p.figures.share for p in points], target)),
    )
    no_costs = " (" + gettext("no costs") + ")"
    chart.x_labels = [
        _year_label(p.year, running_year) + (no_costs if p.figures.share is None else "")
        for p in points
    ]
    chart.add(gettext("structural share"), [_share_value(p.figures, fmt, target) for p in points])
    return chart.render()


def gap_chart(
    points: Sequence[TrendPoint], fmt: NumberFormat, title: str, running_year: int | None = None
) -> str:
    """Per year, the money still to be found to reach the target (zero at or above it)."""
    chart = _chart(
        pygal.Bar,
        title=title,
        width=900,
        height=340,
        print_values_position="top",
        print_zeroes=True,
        **_money_axis(fmt, [p.figures.gap for p in points]),
    )
    chart.x_labels = [_year_label(p.year, running_year) for p in points]
    gaps = [p.figures.gap for p in points]
    chart.add(
        gettext("gap to target"),
        [_money_value(g, fmt, BELOW if g > 0 else AT_TARGET) for g in gaps],
    )
    return chart.render()


def category_mix_chart(figures: Figures, fmt: NumberFormat, title: str) -> str:
    """Income by RJ 650 category, largest first, with the amounts written on the bars."""
    amounts = sorted(
        ((category, amount) for category, amount in figures.income_by_category.items() if amount),
        key=lambda pair: pair[1],
    )
    chart = _chart(
        pygal.HorizontalBar,
        title=title,
        width=900,
        height=110 + 30 * max(len(amounts), 1),
        print_values_position="top",
        margin_right=110,
        show_y_guides=False,
        **_money_axis(fmt, [amount for _c, amount in amounts]),
        no_data_text=gettext("No income recorded"),
    )
    chart.x_labels = [str(CATEGORY_LABELS.get(category, category)) for category, _a in amounts]
    chart.add(gettext("income"), [_money_value(amount, fmt) for _c, amount in amounts])
    return chart.render()
