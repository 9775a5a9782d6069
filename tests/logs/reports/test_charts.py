"""Charts from series built in memory: valid SVG, honest proportions, and the same numbers in words."""

import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from django.template.loader import render_to_string
from django.test.html import parse_html

from logs.reports import charts
from logs.reports.data import Breakdown, Series

SVG = "{http://www.w3.org/2000/svg}"
WEEKS = tuple(date(2026, 6, 1) + timedelta(weeks=n) for n in range(4))
DAYS = tuple(date(2026, 6, 1) + timedelta(days=n) for n in range(14))
BY_SITE = Breakdown(
    periods=WEEKS,
    series=(Series("hip", "Hip", (0, 1, 0, 2)), Series("knee", "Knee", (2, 4, 0, 1))),
)


def parsed(chart):
    root = ET.fromstring(str(chart.svg))
    assert root.tag == f"{SVG}svg"
    return root


def bars(root):
    return [rect for rect in root.iter(f"{SVG}rect") if rect.get("class") == "bar"]


def rendered(chart):
    return render_to_string("components/chart.html", {"chart": chart})


def test_a_stacked_bar_chart_is_valid_svg_with_a_title_for_screen_readers():
    chart = charts.stacked_bars(BY_SITE, chart_id="sites", title="Events per week by body site")

    root = parsed(chart)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "sites-title sites-desc"
    assert root.find(f"{SVG}title").text == "Events per week by body site"
    assert root.find(f"{SVG}desc").text == chart.caption
    assert "style=" not in chart.svg  # the pages' CSP forbids inline styles


def test_one_bar_per_non_zero_count_with_heights_proportional_to_the_counts():
    root = parsed(charts.stacked_bars(BY_SITE, chart_id="sites", title="By site"))

    drawn = bars(root)
    assert len(drawn) == 5  # hip 1 and 2, knee 2, 4 and 1: zeros draw nothing
    heights = [float(rect.get("height")) for rect in drawn]
    per_event = heights[0] / 2  # the first bar drawn: knee's 2 in week 1
    assert [round(height / per_event, 1) for height in heights] == [2, 1, 4, 2, 1]


def test_a_weeks_segments_stack_on_one_another_and_its_total_is_written_above():
    root = parsed(charts.stacked_bars(BY_SITE, chart_id="sites", title="By site"))

    by_title = {rect.find(f"{SVG}title").text: rect for rect in bars(root)}
    hip, knee = by_title["Hip, week of 8 Jun 2026: 1"], by_title["Knee, week of 8 Jun 2026: 4"]
    baseline = max(float(rect.get("y")) + float(rect.get("height")) for rect in bars(root))
    assert float(hip.get("y")) + float(hip.get("height")) == pytest.approx(baseline, abs=0.15)  # first at the bottom
    assert float(knee.get("y")) + float(knee.get("height")) == pytest.approx(float(hip.get("y")), abs=0.15)
    assert "5" in [text.text for text in root.iter(f"{SVG}text")]


def test_each_series_has_its_own_pattern_and_a_legend_entry():
    root = parsed(charts.stacked_bars(BY_SITE, chart_id="sites", title="By site"))

    fills = {rect.find(f"{SVG}title").text.split(",")[0]: rect.get("fill") for rect in bars(root)}
    assert fills == {"Hip": "url(#sites-p0)", "Knee": "url(#sites-p1)"}
    assert {pattern.get("id") for pattern in root.iter(f"{SVG}pattern")} == {"sites-p0", "sites-p1"}
    labels = [text.text for text in root.iter(f"{SVG}text")]
    assert "Hip" in labels and "Knee" in labels


def test_the_text_alternative_holds_the_same_numbers():
    chart = charts.stacked_bars(BY_SITE, chart_id="sites", title="By site")

    assert chart.columns == ("Week of", "Hip", "Knee", "Total")
    assert chart.rows == (
        ("1 Jun 2026", "0", "2", "2"),
        ("8 Jun 2026", "1", "4", "5"),
        ("15 Jun 2026", "0", "0", "0"),
        ("22 Jun 2026", "2", "1", "3"),
    )
    assert chart.caption == "10 events in the 4 weeks from 1 Jun 2026: Knee 7, Hip 3."
    table = parse_html(rendered(chart))
    for row in chart.rows:
        assert parse_html("<tr><th scope='row'>{}</th>{}</tr>".format(
            row[0], "".join(f"<td>{cell}</td>" for cell in row[1:])
        )) in table


def test_the_figure_has_its_caption_and_its_numbers_behind_a_summary():
    chart = charts.stacked_bars(BY_SITE, chart_id="sites", title="By site")

    html = rendered(chart)

    caption = f'<figcaption id="sites-caption"><strong>By site.</strong> {chart.caption}</figcaption>'
    assert parse_html(caption) in parse_html(html)
    assert '<figure class="chart" id="sites" aria-labelledby="sites-caption">' in html
    assert "<details" in html and "The numbers" in html
    assert str(chart.svg) in html  # drawn as built, not escaped a second time


def test_an_empty_series_gives_a_clear_figure_and_no_table():
    empty = Breakdown(periods=WEEKS, series=())
    zeros = Breakdown(periods=WEEKS, series=(Series("knee", "Knee", (0, 0, 0, 0)),))

    for breakdown in (empty, zeros):
        chart = charts.stacked_bars(breakdown, chart_id="sites", title="By site")
        root = parsed(chart)
        assert [text.text for text in root.iter(f"{SVG}text")] == ["No events in this period."]
        assert chart.rows == ()
        assert "No events in this period." in rendered(chart)
        assert "<table" not in rendered(chart)


def test_words_with_markup_are_escaped_in_the_svg_and_in_the_table():
    hostile = Breakdown(periods=WEEKS[:1], series=(Series("other", "<b>Knee</b> & co", (3,)),))

    chart = charts.stacked_bars(hostile, chart_id="sites", title='Robin "<script>"')

    root = parsed(chart)  # still well-formed XML
    assert root.find(f"{SVG}title").text == 'Robin "<script>"'
    assert "<b>Knee</b> & co" in [text.text for text in root.iter(f"{SVG}text")]
    html = rendered(chart)
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;b&gt;Knee&lt;/b&gt; &amp; co" in html


def test_a_long_legend_wraps_inside_the_width():
    many = Breakdown(
        periods=WEEKS,
        series=tuple(Series(f"s{n}", f"A rather long site name {n}", (1, 0, 0, 0)) for n in range(6)),
    )

    root = parsed(charts.stacked_bars(many, chart_id="many", title="Many"))

    width = float(root.get("viewBox").split()[2])
    rows = {group.get("transform") for group in root.iter(f"{SVG}g") if group.find(f"{SVG}text") is not None}
    offsets = [tuple(float(n) for n in transform[len("translate("):-1].split(",")) for transform in rows]
    assert len({y for _, y in offsets}) > 1  # more than one row
    assert all(x + 22 + len("A rather long site name 0") * 0.62 * 15 <= width + 1 for x, _ in offsets)


PAIN = Breakdown(
    periods=DAYS,
    series=(
        Series("knee", "Knee", (None, 2, None, 6, *([None] * 9), 4)),
        Series("lower_back", "Lower Back", (*([None] * 6), 0, *([None] * 7))),
    ),
)


def test_pain_lines_mark_each_score_at_its_height_on_a_zero_to_ten_scale():
    chart = charts.pain_lines(PAIN, chart_id="pain", title="Pain by body site")

    root = parsed(chart)
    points = [element for element in root.iter() if element.get("class") == "point"]
    assert len(points) == 4
    heights = {}
    for point in points:
        label = point.find(f"{SVG}title").text
        y = float(point.get("cy") or point.get("transform").split(",")[1].rstrip(")"))
        heights[label] = y
    zero = heights["Lower Back, 7 Jun 2026: 0"]
    six = heights["Knee, 4 Jun 2026: 6"]
    two = heights["Knee, 2 Jun 2026: 2"]
    assert round((zero - two) / (zero - six), 2) == round(2 / 6, 2)
    assert len([line for line in root.iter(f"{SVG}polyline")]) == 2


def test_pain_lines_differ_by_marker_and_dash_not_by_colour_alone():
    root = parsed(charts.pain_lines(PAIN, chart_id="pain", title="Pain"))

    knee, back = root.iter(f"{SVG}polyline")
    assert knee.get("stroke-dasharray") != back.get("stroke-dasharray")
    shapes = {(point.tag, point.get("d")) for point in root.iter() if point.get("class") == "point"}
    assert len(shapes) == 2


def test_pain_table_lists_only_days_with_a_score():
    chart = charts.pain_lines(PAIN, chart_id="pain", title="Pain")

    assert chart.columns == ("Day", "Knee", "Lower Back")
    assert chart.rows == (
        ("2 Jun 2026", "2", "—"),
        ("4 Jun 2026", "6", "—"),
        ("7 Jun 2026", "—", "0"),
        ("14 Jun 2026", "4", "—"),
    )
    assert "Knee on 3 days, highest 6, latest 4" in chart.caption


def test_no_pain_scores_gives_a_clear_figure():
    chart = charts.pain_lines(Breakdown(periods=DAYS, series=()), chart_id="pain", title="Pain")

    assert [text.text for text in parsed(chart).iter(f"{SVG}text")] == ["No pain scores in this period."]
    assert chart.rows == ()


def test_charts_draw_in_the_pages_colour_so_they_follow_light_and_dark():
    for chart in (
        charts.stacked_bars(BY_SITE, chart_id="sites", title="By site"),
        charts.pain_lines(PAIN, chart_id="pain", title="Pain"),
    ):
        root = parsed(chart)
        assert root.get("fill") == "currentColor"
        assert all(text.get("fill") in (None, "currentColor") for text in root.iter(f"{SVG}text"))
