"""Personas from a hand-made segmented table: exact figures, names, descriptions, exports."""

import json
import re
from dataclasses import asdict

import pandas as pd
import pytest

from app.cli import main
from core.errors import ColumnError, LocalReachError
from core.personas.build import Persona, build_personas
from core.personas.export import to_html, to_markdown, write_personas

SEGMENTED = pd.DataFrame({
    "customer_id": ["c1", "c2", "c3", "c4", "c5"],
    "first_name": ["Ada", "Bert", "Cleo", "Dora", "Emil"],
    "segment": ["Group 1", "Group 1", "Group 2", "Group 2", "No purchases"],
    "lifetime_value": ["50", "70", "1", "3", ""],
})
SALES = pd.DataFrame(
    [["o1", "c1", "2025-01-01", "Tent", "Outdoor", "online", "0", "100.00"],
     ["o2", "c1", "2025-05-14", "Stove", "Outdoor", "online", "0", "300.00"],
     ["o3", "c2", "2025-03-05", "Tent", "Outdoor", "store", "0", "200.00"],
     ["o4", "c2", "2025-07-23", "Lamp", "Home", "online", "0", "200.00"],
     ["o5", "c3", "2024-10-01", "Mug", "Home", "store", "5", "20.00"],
     ["o6", "c4", "2024-12-10", "Mug", "Home", "store", "5", "20.00"]],
    columns=["order_id", "customer_id", "order_date", "product", "category", "channel",
             "discount", "amount"]).assign(currency="EUR")


@pytest.fixture(scope="module")
def personas():
    return build_personas(SEGMENTED, SALES)


def test_figures_against_the_whole_base_are_exact(personas):
    online, bargain, nobody = personas
    assert (online.segment, online.people, online.share) == ("Group 1", 2, 0.4)
    assert online.revenue_share == pytest.approx(800 / 840)
    assert online.figures == {"frequency": 2.0, "avg_order_value": 200.0, "monetary": 400.0,
                              "recency_days": 36.0, "tenure_days": 172.5,
                              "lifetime_value": 60.0, "discount_share": 0.0,
                              "season_share": 0.25}
    assert online.base["discount_share"] == pytest.approx(2 / 6)  # o5, o6 of six orders
    assert online.versus_base == pytest.approx({
        "frequency": 2 / 1.5, "avg_order_value": 200 / 110, "monetary": 400 / 210,
        "recency_days": 36 / 148.5, "tenure_days": 172.5 / 215, "lifetime_value": 60 / 26.5,
        "discount_share": 0.0, "season_share": 0.75})
    assert online.top_categories == ["Outdoor", "Home"]
    assert online.top_products == ["Stove", "Tent", "Lamp"]  # 300 each: ties by name
    assert online.top_channels == ["online", "store"]
    assert bargain.figures["discount_share"] == 1.0 and bargain.top_channels == ["store"]
    assert nobody.people == 1 and nobody.revenue_share == 0.0


def test_names_and_descriptions_say_what_sets_a_group_apart(personas):
    assert [p.name for p in personas] == ["Online regulars", "Bargain hunters",
                                          "Not bought yet"]
    assert personas[0].description == (
        "Median 2 orders per person (all buyers: 1.5); median spend per order EUR 200.00 (all "
        "buyers: EUR 110.00); median 36 days since the last order (all buyers: 148.5); 0% of "
        "their orders used a discount (all buyers' orders: 33%); most of their spend on "
        "Outdoor and Home; most of it through online.")
    assert personas[1].description == (
        "Median 1 order per person (all buyers: 1.5); median spend per order EUR 20.00 (all "
        "buyers: EUR 110.00); median 261 days since the last order (all buyers: 148.5); 100% "
        "of their orders used a discount (all buyers' orders: 33%); most of their spend on "
        "Home; most of it through store.")


def test_examples_are_pseudonyms_never_names(personas):
    for p in personas:
        assert all(re.fullmatch(r"Customer [0-9a-f]{6}", e) for e in p.examples)
    # charts are embedded as base64 PNGs, whose letters may spell anything: leave them out
    html = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", to_html(personas))
    text = to_markdown(personas) + html
    for name in SEGMENTED["first_name"]:
        assert name not in text


def test_exports_hold_the_cards(personas, tmp_path):
    edited = [Persona(**{**asdict(personas[0]), "notes": "<script>x</script>",
                         "offer": "10% off tents"})] + personas[1:]
    write_personas(edited, tmp_path / "p.json")
    back = [Persona(**d) for d in json.loads((tmp_path / "p.json").read_text())["personas"]]
    assert back == edited
    md = to_markdown(edited)
    assert "## Online regulars\n\nMedian 2 orders per person" in md
    assert ("- **People:** 2 (40% of all)\n- **Share of spend:** 95%\n- **Orders:** 2, median "
            "(all buyers: 1.5)") in md
    assert "- **Spend per order:** EUR 200.00, median (all buyers: EUR 110.00)\n" in md
    assert "- **Days since first order:** 172.5, median (all buyers: 215)\n" in md
    assert "- **Orders with a discount:** 0%, share of orders (all buyers: 33%)\n" in md
    assert "- **Offer:** 10% off tents" in md
    html = to_html(edited)
    assert html.count('src="data:image/png;base64,') == 3
    assert "&lt;script&gt;x&lt;/script&gt;" in html and "<script>" not in html
    write_personas(edited, tmp_path / "p.pdf")
    assert (tmp_path / "p.pdf").read_bytes().startswith(b"%PDF")


def test_bad_input_is_one_clear_line_and_writes_nothing(personas, tmp_path):
    with pytest.raises(LocalReachError, match=r"^Cannot write personas to 'p\.docx': use a "
                       r"name ending in \.json, \.md, \.html, \.pdf\.$"):
        write_personas(personas, tmp_path / "p.docx")
    with pytest.raises(ColumnError, match="^The file has no 'segment' column; run"):
        build_personas(SEGMENTED.drop(columns="segment"))
    assert list(tmp_path.iterdir()) == []


def test_cli_writes_markdown(tmp_path, capsys):
    SEGMENTED.to_csv(tmp_path / "seg.csv", index=False)
    SALES.to_csv(tmp_path / "sales.csv", index=False)
    code = main(["personas", str(tmp_path / "seg.csv"), "--sales", str(tmp_path / "sales.csv"),
                 "-o", str(tmp_path / "cards.md")])
    assert code == 0
    assert (tmp_path / "cards.md").read_text().startswith("# Personas\n\n## Online regulars\n")
    assert capsys.readouterr().out.splitlines()[1].startswith("Bargain hunters: 2 people.")


def test_a_credit_note_is_one_of_the_orders_the_figures_count():
    """The order figures read the segment's order table, returns among its orders."""
    segmented = pd.DataFrame({"customer_id": ["c1", "c2", "c3"], "segment": ["G1", "G1", "G2"]})
    sales = pd.DataFrame(
        [["o1", "c1", "2025-01-01", "Tent", "online", "0", "100.00"],
         ["o2", "c1", "2025-05-14", "Stove", "online", "5", "300.00"],
         ["r1", "c1", "2025-06-01", "Stove", "online", "0", "-300.00"],
         ["o3", "c2", "2025-03-05", "Tent", "store", "0", "200.00"],
         ["o4", "c3", "2025-07-23", "Lamp", "store", "5", "50.00"]],
        columns=["order_id", "customer_id", "order_date", "product", "channel", "discount",
                 "amount"])
    group, other = build_personas(segmented, sales)
    assert group.figures["discount_share"] == 0.25  # o2 of o1, o2, r1, o3
    assert group.figures["season_share"] == 0.5
    assert group.base["discount_share"] == pytest.approx(2 / 5)
    assert group.figures["monetary"] == 150.0  # (100 + 300 - 300 + 200) / 2 people
    assert group.top_products == ["Tent", "Stove"]  # Stove's 300 given back
    assert other.figures["discount_share"] == 1.0
