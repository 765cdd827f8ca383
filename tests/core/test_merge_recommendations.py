"""One place picks products (core.segment.recommend): what goes with what a person bought,
then what their segment buys most, never what they have. The merge's {{ recommendations }}
used to come from a second recommender of its own and could differ from the segment
step's {{ next_products }} for the same person in the same message."""

from pathlib import Path

import pandas as pd
import pytest

from app import cli
from core.compose.merge import MergeConfig, merge
from core.compose.template import parse_template
from core.demo import generate
from core.segment.recommend import product_picks

RECIPE = """name = "Picks"
version = 1
[crm]
file = "crm.xlsx"
[sales]
file = "sales.csv"
[steps.clean]
[steps.dedupe]
[steps.link]
[steps.segment]
[steps.merge]
template = "t.txt"
format = "csv"
"""
BOTH = "Subject: Hi\n\n{{ recommendations | join('; ') }}|{{ next_products }}\n"


def test_co_purchase_then_what_the_segment_buys_never_what_they_have():
    lines = pd.DataFrame({"person": ["1", "1", "2", "2", "3", "4", "4", "5"],
                          "product": ["Tea", "Mug", "Tea", "Mug", "Tea", "Pan", "Oil", "Pan"]})
    persons = pd.Index(["1", "2", "3", "4", "5", "6"])
    picks = dict(zip(persons, product_picks(lines, persons, 2, groups=list("xxxyyy")), strict=True))
    assert picks["3"] == ["Mug", "Pan"]  # bought with Tea, then the most popular left
    assert picks["5"] == ["Oil", "Tea"]
    assert picks["6"] == ["Pan", "Oil"]  # no purchases: what segment y buys most
    assert picks["1"] == ["Pan", "Oil"] and picks["4"] == ["Tea", "Mug"]  # nothing bought offered
    # without the groups, the one with no history gets what everyone buys most
    assert product_picks(lines, pd.Index(["6"]), 2) == [["Tea", "Mug"]]
    assert product_picks(lines.drop(columns="product"), persons, 2) == [[]] * 6
    # 1 and 2 bought the same and get the same picks, each their own list
    both = product_picks(lines, pd.Index(["1", "2"]), 2, groups=list("xx"))
    both[0].append("Cup")
    assert both[1] == ["Pan", "Oil"]


def test_a_persons_records_share_their_purchases():
    """Ann has two records (one e-mail): what either bought is never offered, and what goes
    with either is."""
    crm = pd.DataFrame({"customer_id": ["a1", "a2", "b"], "email": ["ann@x.org", "ann@x.org", "bo@x.org"],
                        "consent": ["yes", "yes", "yes"]})
    sales = pd.DataFrame({"customer_id": ["a1", "a2", "b", "b", "b", "c", "c"],
                          "product": ["Tea", "Pot", "Tea", "Pot", "Cup", "Cup", "Jam"]})
    result = merge(crm, {"customer_id": "customer_id", "email": "email", "consent": "consent"},
                   {"A": parse_template("Subject: Hi\n\n{{ recommendations | join(', ') }}\n")},
                   MergeConfig(recommendations=2), sales=sales)
    assert {m.to: m.text for m in result.messages} == {"ann@x.org": "Cup, Jam\n", "bo@x.org": "Jam\n"}


def test_sales_lines_without_a_customer_id_are_no_ones_purchases():
    """Bo has no customer id, nor have two sales lines: they were read as Bo's purchases, so
    Pot (bought there) was never offered to Bo. Bo is offered what someone with no
    purchases is."""
    roles = {"customer_id": "customer_id", "email": "email", "consent": "consent"}
    template = {"A": parse_template("Subject: Hi\n\n{{ recommendations | join(', ') }}\n")}
    sales = pd.DataFrame({"customer_id": ["a", "", "", "c", "c", "d", "d"],
                          "product": ["Tea", "Pot", "Jam", "Tea", "Cup", "Pot", "Cup"]})

    def offered(bo_id: str) -> dict[str, str]:
        crm = pd.DataFrame({"customer_id": ["a", bo_id], "email": ["ann@x.org", "bo@x.org"],
                            "consent": ["yes", "yes"]})
        sent = merge(crm, roles, template, MergeConfig(recommendations=2), sales=sales).messages
        return {m.to: m.text for m in sent}

    assert offered("") == offered("new") == {"ann@x.org": "Cup, Pot\n", "bo@x.org": "Tea, Pot\n"}


@pytest.mark.parametrize("seed", [0, 1])
def test_the_merge_offers_what_the_segment_step_picked(tmp_path, capsys, seed):
    generate(tmp_path, customers=300, seed=seed)
    (tmp_path / "t.txt").write_text(BOTH, encoding="utf-8")
    (tmp_path / "recipe.toml").write_text(RECIPE, encoding="utf-8")
    code = cli.main(["run", str(tmp_path / "recipe.toml"), "-o", str(tmp_path / "out")])
    assert code == 0, capsys.readouterr()
    sent = pd.read_csv(Path(tmp_path / "out" / "messages" / "merge.csv"), dtype=str, keep_default_na=False)
    ours, segments = zip(*(body.strip().split("|") for body in sent["body"]), strict=True)
    assert len(sent) > 100 and sum(bool(p) for p in ours) > 0.9 * len(sent)
    assert list(ours) == list(segments)


def test_the_segment_steps_picks_are_read_back_only_when_they_split_back():
    """'Tea; green' in next_products cannot be told from two products: then the merge picks
    them itself, the same way."""
    roles = {"customer_id": "customer_id", "email": "email", "consent": "consent"}
    template = {"A": parse_template("Subject: Hi\n\n{{ recommendations | join(' + ') }}\n")}
    crm = pd.DataFrame({"customer_id": ["a", "b"], "email": ["a@x.org", "b@x.org"], "consent": ["yes", "yes"],
                        "next_products": ["Jam; Cup", "Tea; green"]})
    sales = pd.DataFrame({"customer_id": ["a", "b", "b", "c", "c"], "product": ["Tea", "Cup", "Pot", "Cup", "Jam"]})
    sent = merge(crm, roles, template, MergeConfig(), sales=sales).messages
    assert [m.text for m in sent] == ["Jam + Cup\n", "Tea + green\n"]  # what the segment step chose
    assert [m.text for m in merge(crm, roles, template, MergeConfig(recommendations=1), sales=sales).messages] == [
        "Jam\n", "Tea\n"]
    odd = sales.replace({"Tea": "Tea; green"})
    sent = merge(crm, roles, template, MergeConfig(), sales=odd).messages
    assert [m.text for m in sent] == ["Cup + Pot + Jam\n", "Jam + Tea; green\n"]  # nothing with Tea: popular first


def test_the_link_steps_customer_wins_over_a_column_read_as_customer_id():
    """A Shopify orders file whose order ``Id`` the roles read as ``customer_id``, linked by
    the link step (``matched_id``): the merge matched the order numbers to the list, found
    no one's purchases and offered Ann the Scarf she had bought. The segments read the
    link step's column; the merge now reads the same one."""
    roles = {"customer_id": "customer_id", "email": "email", "consent": "consent"}
    crm = pd.DataFrame({"customer_id": ["a", "b"], "email": ["ann@x.org", "bo@x.org"],
                        "consent": ["yes", "yes"]})
    template = {"A": parse_template("Subject: Hi\n\n{{ recommendations | join(', ') }}\n")}
    sales = pd.DataFrame({"customer_id": ["5001", "5001", "5002", "5003", "5003", "5004", "5004"],
                          "matched_id": ["a", "a", "b", "", "", "", ""],
                          "product": ["Scarf", "Mittens", "Scarf", "Scarf", "Beanie", "Scarf",
                                      "Beanie"]})
    sent = merge(crm, roles, template, MergeConfig(recommendations=2), sales=sales).messages
    assert {m.to: m.text for m in sent} == {"ann@x.org": "Beanie\n", "bo@x.org": "Beanie, Mittens\n"}


def test_sales_lines_without_any_id_are_not_one_shopper():
    """Two lines without a customer id (Pot, Jam) made one shopper who bought both, so Jam
    was offered to Ann as what goes with her Pot; each is now a buyer of its own, and
    Ann is offered Cup (bought with Pot twice), then Tea (bought twice)."""
    crm = pd.DataFrame({"customer_id": ["a"], "email": ["ann@x.org"], "consent": ["yes"]})
    sales = pd.DataFrame({"customer_id": ["a", "", "", "c", "c", "d", "d", "e", "f"],
                          "product": ["Pot", "Pot", "Jam", "Pot", "Cup", "Pot", "Cup", "Tea", "Tea"]})
    result = merge(crm, {"customer_id": "customer_id", "email": "email", "consent": "consent"},
                   {"A": parse_template("Subject: Hi\n\n{{ recommendations | join(', ') }}\n")},
                   MergeConfig(recommendations=2), sales=sales)
    assert [m.text for m in result.messages] == ["Cup, Tea\n"]


def test_recipients_without_a_customer_id_get_their_own_picks():
    """Bo and Cy have no customer id: their picks were kept under the same empty id, so
    both got Cy's. Each gets what their own group buys most."""
    crm = pd.DataFrame({"customer_id": ["a", "", "", "d"],
                        "email": ["ann@x.org", "bo@x.org", "cy@x.org", "di@x.org"],
                        "consent": ["yes"] * 4, "segment": ["x", "x", "y", "y"]})
    sales = pd.DataFrame({"customer_id": ["a", "d", "e", "e"], "product": ["Tea", "Jam", "Cup", "Pot"]})
    result = merge(crm, {"customer_id": "customer_id", "email": "email", "consent": "consent"},
                   {"A": parse_template("Subject: Hi\n\n{{ recommendations | join(', ') }}\n")},
                   MergeConfig(recommendations=1), sales=sales)
    assert {m.to: m.text for m in result.messages} == {
        "ann@x.org": "Jam\n", "bo@x.org": "Tea\n", "cy@x.org": "Jam\n", "di@x.org": "Tea\n"}
    assert result.recipients["recommendations"].tolist() == ["Jam", "Tea", "Jam", "Tea"]


def test_lines_no_one_in_the_list_bought_tell_the_segment_step_too(tmp_path, capsys):
    """Ann and Bo bought a Scarf; two shoppers not in the list bought a Scarf with a Beanie.
    The segment step's picks left such lines out (Ann was offered nothing to go with her
    Scarf) while the merge's own picks used them: both now read them, the same way."""
    (tmp_path / "crm.csv").write_text("customer_id,email,consent\na,ann@x.org,yes\nb,bo@x.org,yes\n",
                                      encoding="utf-8")
    sales = pd.DataFrame({
        "order_id": ["O1", "O2", "O3", "O3", "O4", "O4", "O5", "O6", "O7"],
        "customer_id": ["a", "b", "x", "x", "y", "y", "z", "", ""],
        "order_date": [f"2024-01-0{d}" for d in (1, 2, 3, 3, 4, 4, 5, 6, 6)],
        "amount": ["10.00"] * 9,
        "product": ["Scarf", "Scarf", "Scarf", "Beanie", "Scarf", "Beanie", "Gloves", "Scarf", "Gloves"]})
    sales.to_csv(tmp_path / "sales.csv", index=False)
    assert cli.main(["segment", str(tmp_path / "crm.csv"), "--sales", str(tmp_path / "sales.csv"),
                     "-o", str(tmp_path / "seg.csv")]) == 0
    capsys.readouterr()
    segmented = pd.read_csv(tmp_path / "seg.csv", dtype=str, keep_default_na=False)
    assert segmented["next_products"].tolist() == ["Beanie; Gloves"] * 2
    crm = segmented[["customer_id", "email", "consent"]]
    sent = merge(crm, {"customer_id": "customer_id", "email": "email", "consent": "consent"},
                 {"A": parse_template("Subject: Hi\n\n{{ recommendations | join('; ') }}\n")},
                 MergeConfig(recommendations=2), sales=sales).messages
    assert [m.text for m in sent] == ["Beanie; Gloves\n"] * 2
