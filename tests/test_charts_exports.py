"""Charts and exports drawn from figures built by hand (no database behind them)."""

import csv
import dataclasses
import io
import xml.etree.ElementTree as ET
from decimal import Decimal as D
from fractions import Fraction

from openpyxl import load_workbook

from fundtrack.formatting import NumberFormat
from fundtrack.share import charts, exports
from fundtrack.share.figures import CentreFigures, Figures, FundingShare, RegionFigures, TrendPoint
from fundtrack.share.sorting import sort_centres

NL = NumberFormat("nl_NL", "EUR")
NBSP = "\xa0"
TWO_THIRDS = Fraction(2, 3)
SVG = "{http://www.w3.org/2000/svg}"


def centre(code, region, costs, structural, incidental="0", basis="actual", secured="0", **kw):
    costs, structural, secured = D(costs), D(structural), D(secured)
    share = (structural / costs).quantize(D("0.000001")) if costs else None
    gap = max(D("0.00"), (costs * 2 / 3 - structural).quantize(D("0.01")))
    return CentreFigures(
        costs=costs,
        costs_basis=basis,
        structural_income=structural,
        incidental_income=D(incidental),
        income_by_category=kw.pop("by_category", {"government_subsidies": structural}),
        share=share,
        gap=gap,
        secured_next_year=secured,
        secured_share=(secured / costs).quantize(D("0.000001")) if costs else None,
        code=code,
        name=f"Centre {code}",
        region_code=region,
        meets_target=bool(costs) and structural * 3 >= costs * 2,
    )


# Worked by hand. North: AMS 90,000 costs / 70,000 structural (77.8%, gap 0);
# UTR 60,000 / 20,000 (33.3%, gap 40,000 - 20,000 = 20,000). South: EIN no costs.
AMS = centre("AMS", "N", "90000.00", "70000.00", "5000.00", secured="45000.00")
UTR = centre("UTR", "N", "60000.00", "20000.00", "1500.50", basis="budget")
EIN = centre("EIN", "S", "0.00", "0.00", "250.00", basis="none")
NORTH = RegionFigures(
    costs=D("150000.00"),
    costs_basis="mixed",
    structural_income=D("90000.00"),
    incidental_income=D("6500.50"),
    income_by_category={"government_subsidies": D("90000.00")},
    share=D("0.600000"),  # 90,000 / 150,000, not the average of 77.8% and 33.3%
    gap=D("20000.00"),  # AMS's surplus does not pay UTR's gap
    secured_next_year=D("45000.00"),
    secured_share=D("0.300000"),
    code="N",
    name="North",
    centres_total=2,
    centres_at_target=1,
)
SOUTH = RegionFigures(
    costs=D("0.00"),
    costs_basis="none",
    structural_income=D("0.00"),
    incidental_income=D("250.00"),
    income_by_category={},
    share=None,
    gap=D("0.00"),
    secured_next_year=D("0.00"),
    secured_share=None,
    code="S",
    name="South",
    centres_total=1,
    centres_at_target=0,
)
NETWORK = Figures(**{k: getattr(NORTH, k) for k in Figures.__dataclass_fields__})
SHARE = FundingShare(
    year=2025,
    target=TWO_THIRDS,
    currency="EUR",
    network=NETWORK,
    regions=[NORTH, SOUTH],
    centres=[AMS, UTR, EIN],
    centres_at_target=1,
)


def texts(svg: str) -> list[str]:
    return ["".join(node.itertext()) for node in ET.fromstring(svg).iter(f"{SVG}text")]


def test_shares_chart_draws_the_target_line_and_prints_every_share():
    svg = charts.shares_chart(SHARE, NL)
    root = ET.fromstring(svg)
    assert root.find(f"{SVG}title").text == "Structural share per centre, 2025 (target 66,7%)"
    labels = texts(svg)
    assert "target 66,7%" in labels
    assert "77,8%" in labels and "33,3%" in labels
    assert "EIN Centre EIN (no costs)" in labels
    majors = [p for p in root.iter(f"{SVG}path") if "major" in (p.get("class") or "")]
    assert len(majors) == 1  # the target, and only the target, is drawn as the heavy line


def test_shares_chart_colours_centres_below_the_target_red_and_at_target_green():
    svg = charts.shares_chart(SHARE, NL)
    colour_of = {
        node.find(f"{SVG}desc[@class='x_label']").text: node.get("style").split(";")[0]
        for node in ET.fromstring(svg).iter(f"{SVG}g")
        if node.get("class") == "bar"
    }
    assert colour_of == {
        "AMS Centre AMS": f"fill: {charts.AT_TARGET}",
        "UTR Centre UTR": f"fill: {charts.BELOW}",
    }


def test_a_share_just_under_the_target_is_red_in_the_charts_as_in_the_table():
    # 199,999.99 / 300,000 = 0.66666663, kept as 0.666667 (above 2/3), but 1 cent short of
    # 2/3 x 300,000 = 200,000: the table says "below target", so must both charts.
    edge = centre("EDG", "N", "300000.00", "199999.99")
    assert (edge.share, edge.meets_target, edge.gap) == (D("0.666667"), False, D("0.01"))
    share = FundingShare(2025, TWO_THIRDS, "EUR", NETWORK, centres=[edge])
    bars = [
        node.get("style").split(";")[0]
        for node in ET.fromstring(charts.shares_chart(share, NL)).iter(f"{SVG}g")
        if node.get("class") == "bar"
    ]
    assert bars == [f"fill: {charts.BELOW}"]
    trend = charts.share_trend_chart([TrendPoint(2025, edge)], TWO_THIRDS, NL, "EDG")
    dots = [node.get("style") for node in ET.fromstring(trend).iter(f"{SVG}g")]
    assert f"fill: {charts.BELOW}; stroke: {charts.BELOW}" in dots
    assert f"fill: {charts.AT_TARGET}; stroke: {charts.AT_TARGET}" not in dots


def css_rule(svg: str, selector: str) -> str:
    """The declarations of the last (so winning) CSS rule for `selector` in the chart."""
    style = "".join(ET.fromstring(svg).find(f"{SVG}defs").find(f"{SVG}style").itertext())
    return style.rsplit(f" {selector}{{", 1)[1].split("}", 1)[0]


def test_only_the_target_is_a_dashed_line_in_the_charts():
    # The captions say "the dashed line is the target": the ordinary grid is solid and light,
    # so it neither looks like the target nor strikes through the printed values.
    for svg in (
        charts.shares_chart(SHARE, NL),
        charts.share_trend_chart([TrendPoint(2025, AMS)], TWO_THIRDS, NL, "trend"),
        charts.gap_chart([TrendPoint(2025, UTR)], NL, "gap"),
    ):
        assert css_rule(svg, ".axis .guide.line") == (f"stroke-dasharray:none;stroke:{charts.GRID}")
        assert css_rule(svg, ".axis .major.guide.line") == (
            f"stroke-dasharray:8,4;stroke:{charts.TARGET_LINE}"
        )


def test_shares_chart_marks_a_shortened_centre_name_with_an_ellipsis():
    # "PF-PKM Prostatakreftforeningen Møre og Romsdal" is 46 characters: the label keeps 35
    # and says it was shortened; the table next to the chart has the whole name.
    long = dataclasses.replace(AMS, code="PF-PKM", name="Prostatakreftforeningen Møre og Romsdal")
    labels = texts(
        charts.shares_chart(FundingShare(2025, TWO_THIRDS, "EUR", NETWORK, [], [long]), NL)
    )
    assert "PF-PKM Prostatakreftforeningen Møre…" in labels


def test_charts_fetch_nothing_and_carry_no_script():
    for svg in (
        charts.shares_chart(SHARE, NL),
        charts.category_mix_chart(AMS, NL, "mix"),
        charts.gap_chart([TrendPoint(2025, UTR)], NL, "gap"),
        charts.share_trend_chart([TrendPoint(2025, AMS)], TWO_THIRDS, NL, "trend"),
    ):
        assert "<script" not in svg and "href=" not in svg and "googleapis" not in svg
        assert not svg.startswith("<?xml")  # ready to inline in a page


def test_trend_chart_shows_each_years_share_the_target_and_a_year_without_costs():
    points = [TrendPoint(2023, EIN), TrendPoint(2024, UTR), TrendPoint(2025, AMS)]
    labels = texts(charts.share_trend_chart(points, TWO_THIRDS, NL, "Network share"))
    assert "Network share (target 66,7%)" in labels
    assert {"target 66,7%", "33,3%", "77,8%", "2023 (no costs)", "2024", "2025"} <= set(labels)


def test_gap_and_mix_charts_print_exact_amounts():
    gap_labels = texts(charts.gap_chart([TrendPoint(2024, UTR), TrendPoint(2025, AMS)], NL, "g"))
    assert f"€{NBSP}20.000,00" in gap_labels and f"€{NBSP}0,00" in gap_labels
    mixed = centre(
        "MIX",
        "N",
        "1000",
        "600",
        by_category={"government_subsidies": D("600.00"), "individuals": D("1234.56")},
    )
    mix_labels = texts(charts.category_mix_chart(mixed, NL, "Mix"))
    assert {"Government subsidies", "Individuals", f"€{NBSP}600,00", f"€{NBSP}1.234,56"} <= set(
        mix_labels
    )


def test_sorting_puts_centres_without_costs_last_both_ways():
    assert [c.code for c in sort_centres(SHARE.centres, "share")] == ["UTR", "AMS", "EIN"]
    assert [c.code for c in sort_centres(SHARE.centres, "-share")] == ["AMS", "UTR", "EIN"]
    assert [c.code for c in sort_centres(SHARE.centres, "-gap")] == ["UTR", "AMS", "EIN"]
    assert [c.code for c in sort_centres(SHARE.centres, "nonsense")] == ["AMS", "EIN", "UTR"]


def test_dashboard_csv_has_centres_then_region_subtotals_then_the_network_total():
    rows = list(csv.reader(io.StringIO(exports.to_csv(exports.dashboard_table(SHARE)))))
    header = rows[0]
    assert header[:13] == [
        "Row",
        "Code",
        "Name",
        "Region",
        "At target",
        "Centres",
        "Centres at target",
        "Costs (EUR)",
        "Costs basis",
        "Structural income (EUR)",
        "Incidental income (EUR)",
        "Structural share",
        "Gap to target (EUR)",
    ]
    body = [row[:15] for row in rows[1:]]
    assert body == [
        ["Centre", "AMS", "Centre AMS", "N", "yes", "", "", "90000.00", "actual costs",
         "70000.00", "5000.00", "0.777778", "0.00", "45000.00", "0.500000"],
        ["Centre", "UTR", "Centre UTR", "N", "no", "", "", "60000.00", "budget",
         "20000.00", "1500.50", "0.333333", "20000.00", "0.00", "0.000000"],
        ["Centre", "EIN", "Centre EIN", "S", "no", "", "", "0.00", "no costs",
         "0.00", "250.00", "", "0.00", "0.00", ""],
        ["Region", "N", "North", "N", "", "2", "1", "150000.00", "actual and budget",
         "90000.00", "6500.50", "0.600000", "20000.00", "45000.00", "0.300000"],
        ["Region", "S", "South", "S", "", "1", "0", "0.00", "no costs",
         "0.00", "250.00", "", "0.00", "0.00", ""],
        ["Network", "", "Network total", "", "", "3", "1", "150000.00", "actual and budget",
         "90000.00", "6500.50", "0.600000", "20000.00", "45000.00", "0.300000"],
    ]  # fmt: skip
    government = header.index("Government subsidies (EUR)")
    assert [row[government] for row in rows[1:]] == [
        "70000.00", "20000.00", "0.00", "90000.00", "0.00", "90000.00"
    ]  # fmt: skip


def test_dashboard_xlsx_holds_numbers_with_number_formats_not_strings():
    book = load_workbook(io.BytesIO(exports.to_xlsx(exports.dashboard_table(SHARE))))
    sheet = book.active
    header = [cell.value for cell in sheet[1]]
    costs, share, gap = (
        header.index("Costs (EUR)") + 1,
        header.index("Structural share") + 1,
        header.index("Gap to target (EUR)") + 1,
    )
    assert sheet.cell(2, 2).value == "AMS"
    assert sheet.cell(2, costs).value == 90000 and sheet.cell(2, costs).number_format == "#,##0.00"
    assert sheet.cell(3, gap).value == 20000
    assert sheet.cell(3, share).value == 0.333333
    assert sheet.cell(3, share).number_format == "0.0%"
    assert sheet.cell(4, share).value is None  # EIN has no costs, so no share
    assert sheet.cell(5, 1).value == "Region" and sheet.cell(5, costs).value == 150000
    assert sheet.cell(5, 1).font.bold
    assert sheet.cell(7, 3).value == "Network total" and sheet.cell(7, share).value == 0.6
    assert sheet.max_row == 7


def test_dashboard_xlsx_keeps_a_name_starting_with_an_equals_sign_as_text():
    # openpyxl stores any string starting with "=" as a formula; Excel would then run
    # whatever a centre's name says (or show #NAME?) instead of showing the name.
    named = dataclasses.replace(AMS, name='=HYPERLINK("http://example.org","open me")')
    table = exports.dashboard_table(FundingShare(2025, TWO_THIRDS, "EUR", NETWORK, [], [named]))
    sheet = load_workbook(io.BytesIO(exports.to_xlsx(table))).active
    cell = sheet.cell(2, 3)
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://example.org","open me")', "s")


def test_centre_years_table_lists_each_year_oldest_first():
    points = [TrendPoint(2024, UTR), TrendPoint(2025, AMS)]
    table = exports.centre_years_table("AMS", "Centre AMS", points, "EUR")
    rows = list(csv.reader(io.StringIO(exports.to_csv(table))))
    assert [row[:6] for row in rows] == [
        ["Year", "At target", "Costs (EUR)", "Costs basis", "Structural income (EUR)",
         "Incidental income (EUR)"],
        ["2024", "no", "60000.00", "budget", "20000.00", "1500.50"],
        ["2025", "yes", "90000.00", "actual costs", "70000.00", "5000.00"],
    ]  # fmt: skip


def test_the_running_year_is_labelled_so_far_on_the_trend_axes():
    from decimal import Decimal
    from fractions import Fraction

    from fundtrack.formatting import NumberFormat
    from fundtrack.share import charts
    from fundtrack.share.figures import Figures, TrendPoint

    def year(y, share):
        return TrendPoint(
            y,
            Figures(Decimal("100.00"), "actual", Decimal("60.00"), Decimal("40.00"), {},
                    share, Decimal("6.67"), Decimal("0.00"), None),
        )  # fmt: skip

    points = [year(2025, Decimal("0.6")), year(2026, Decimal("0.3"))]
    fmt = NumberFormat("nl_NL", "EUR")
    trend = charts.share_trend_chart(points, Fraction(2, 3), fmt, "trend", running_year=2026)
    gaps = charts.gap_chart(points, fmt, "gaps", running_year=2026)
    for svg in (trend, gaps):
        assert "2026 (so far)" in svg and "2025 (so far)" not in svg


def test_a_value_on_the_target_line_keeps_a_halo_that_hides_the_dashes():
    # A bar ending near the target prints its value across the dashed line: the value's
    # white outline, painted under its letters, keeps the digits readable there.
    style = "".join(ET.fromstring(charts.shares_chart(SHARE, NL)).find(f"{SVG}defs").itertext())
    rule = style.rsplit(".text-overlay .value{", 1)[1].split("}", 1)[0]
    assert "stroke:#ffffff" in rule and "paint-order:stroke" in rule


def _value_nodes(svg: str):
    return [n for n in ET.fromstring(svg).iter(f"{SVG}text") if n.get("class") == "value"]


def _target_path(svg: str) -> list[float]:
    import re

    for node in ET.fromstring(svg).iter(f"{SVG}path"):
        if "major" in (node.get("class") or ""):
            return [float(n) for n in re.findall(r"-?[\d.]+", node.get("d"))[:2]]
    raise AssertionError("no target line")


def test_a_share_ending_near_the_target_prints_its_value_past_the_line_not_on_it():
    # 65% ends just short of 66.7%: written after its bar, "65,0%" would be struck through.
    near = centre("NEA", "N", "100000.00", "65000.00")
    svg = charts.shares_chart(FundingShare(2025, TWO_THIRDS, "EUR", NETWORK, [], [near]), NL)
    target_x = _target_path(svg)[0]
    [value] = _value_nodes(svg)
    assert value.text == "65,0%" and float(value.get("x")) > target_x


def test_a_yearly_share_next_to_the_target_is_written_clear_of_the_target_line():
    # 64% and 70% sit either side of 66.7%: each value keeps a line's height from the line.
    points = [TrendPoint(2024, centre("X", "N", "100.00", "64.00")),
              TrendPoint(2025, centre("X", "N", "100.00", "70.00"))]  # fmt: skip
    svg = charts.share_trend_chart(points, TWO_THIRDS, NL, "trend")
    target_y = _target_path(svg)[1]
    for value in _value_nodes(svg):
        baseline = float(value.get("y"))
        assert not (baseline - charts.FONT - 2 < target_y < baseline + 5), value.text


def test_a_year_without_any_gap_gets_no_axis_of_ones_and_zeros():
    # Before: an all-zero gap chart had an axis "€ 1, € 1, € 0". Now each bar says its amount.
    labels = texts(charts.gap_chart([TrendPoint(2024, AMS), TrendPoint(2025, AMS)], NL, "g"))
    assert f"€{NBSP}1" not in labels
    assert labels.count(f"€{NBSP}0,00") == 2


def test_a_share_that_dwarfs_the_rest_stops_the_axis_at_twice_the_costs_with_its_true_value():
    # 2,612.5% (one actual line against a whole year's budget) would leave the others as
    # slivers and draw a tick every 20% up to 2,620%.
    wild = centre("WLD", "N", "2000.00", "52250.00")
    svg = charts.shares_chart(FundingShare(2025, TWO_THIRDS, "EUR", NETWORK, [], [wild, UTR]), NL)
    labels = texts(svg)
    assert "2.612,5%" in labels and "200%" in labels and "250%" not in labels
    assert len([label for label in labels if label.endswith("%")]) < 10


def test_bars_below_and_at_the_target_stay_apart_when_printed_in_grey():
    def grey(colour: str) -> float:
        r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
        return 0.299 * r + 0.587 * g + 0.114 * b

    assert grey(charts.AT_TARGET) - grey(charts.BELOW) > 60
