"""The SVG chart module: pure functions, no database."""

import re
from xml.etree import ElementTree

from tierdesk.dashboard.charts import Plot, bar_chart, line_chart, nice_ceiling
from tierdesk.dashboard.formatting import duration, kpi_value

NS = {"s": "http://www.w3.org/2000/svg"}


def parse(svg):
    return ElementTree.fromstring(svg)


def test_line_chart_is_titled_described_and_labelled():
    svg = line_chart(
        title="SLA attainment per day",
        labels=["2 Mar", "3 Mar"],
        plots=[Plot("First response", [0.5, 0.75])],
        fmt=lambda v: f"{v * 100:.0f}%",
        top=1.0,
        target=0.95,
        target_label="goal",
        slug="att",
    )
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "att-t att-d"
    assert root.find("s:title", NS).text == "SLA attainment per day"
    assert root.find("s:desc", NS).text == "First response: 2 Mar: 50%, 3 Mar: 75%. Goal: 95%."
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert ["0%", "25%", "50%", "75%", "100%"] == texts[:5]
    assert "2 Mar" in texts and "3 Mar" in texts and "goal 95%" in texts


def test_line_points_sit_on_their_values():
    # Plot area: x from 60 to 628 (568 wide, two slots of 284), y from 30 to 200 (170 high).
    svg = line_chart(title="t", labels=["a", "b"], plots=[Plot("p", [0.5, 1.0])], top=1.0)
    assert re.search(r'points="202.0,115.0 486.0,30.0"', svg)
    target = line_chart(title="t", labels=["a"], plots=[Plot("p", [0.2])], top=1.0, target=0.5)
    assert 'class="target" x1="60" x2="628" y1="115.0" y2="115.0"' in target


def test_a_missing_value_breaks_the_line():
    svg = line_chart(title="t", labels=["a", "b", "c", "d"], plots=[Plot("p", [1, 2, None, 4])])
    root = parse(svg)
    assert len(root.findall("s:polyline", NS)) == 1  # a-b joined; d stands alone
    assert len(root.findall("s:circle", NS)) == 3
    assert "c: no data" in root.find("s:desc", NS).text


def test_bar_heights_are_proportional_and_zero_draws_nothing():
    svg = bar_chart(title="Volume", labels=["a", "b", "c"], plots=[Plot("created", [4, 2, 0])])
    bars = parse(svg).findall("s:rect[@class='bar']", NS)
    # Top is 5 (the nice ceiling of 4): 4/5 and 2/5 of 170.
    assert [b.get("height") for b in bars] == ["136.0", "68.0"]
    assert bars[0].find("s:title", NS).text == "created, a: 4"


def test_text_is_escaped():
    svg = bar_chart(title="<b>&", labels=["<x>"], plots=[Plot("a&b", [1])])
    assert "<b>" not in svg and "&lt;b&gt;&amp;" in svg
    parse(svg)


def test_long_label_runs_are_thinned_so_they_do_not_overlap():
    labels = [f"{d} Mar" for d in range(1, 31)]
    svg = bar_chart(title="t", labels=labels, plots=[Plot("p", [1] * 30)])
    shown = [t.text for t in parse(svg).iter("{http://www.w3.org/2000/svg}text") if "Mar" in t.text]
    assert shown == [f"{d} Mar" for d in (1, 4, 7, 10, 13, 16, 19, 22, 25, 28)]


def test_nice_ceiling():
    assert [nice_ceiling(v) for v in (0, 0.4, 1, 3, 4, 7, 12, 240, 999)] == [
        1,
        1,
        1,
        5,
        5,
        10,
        20,
        250,
        1000,
    ]


def test_values_read_in_their_units():
    assert kpi_value(None, "ratio") == "no data yet"
    assert kpi_value(0.0, "ratio") == "0.0%"
    assert kpi_value(2 / 3, "ratio") == "66.7%"
    assert kpi_value(87.5, "percent") == "87.5%"
    assert kpi_value(1234, "count") == "1,234"
    assert kpi_value(-12, "score") == "-12.0"
    seconds = (29, 1200, 3600, 5430, 86_400 + 3 * 3600, 3660, 120 * 3600 + 59 * 60)
    assert [duration(s) for s in seconds] == [
        "0 min",
        "20 min",
        "1 h",
        "1 h 30 min",
        "27 h",
        "1 h 01 min",
        "121 h",
    ]
