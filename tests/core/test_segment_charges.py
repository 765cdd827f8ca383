"""Which product names are charges (postage, fees, discounts), never offered as products."""

import pandas as pd
import pytest

from core.segment.recommend import product_picks
from core.segment.services import charge_names, is_charge


@pytest.mark.parametrize("name", [
    "POSTAGE", "DOTCOM POSTAGE", "CARRIAGE", "Bank Charges", "AMAZON FEE", "Discount",
    "Shipping", "Express delivery", "Versandkosten", "Porto", "Frais de port", "Livraison",
    "Gastos de envío", "Spese di spedizione", "Verzendkosten", "Pfand", " postage ",
])
def test_charges(name):
    assert is_charge(name)


@pytest.mark.parametrize("name", [
    "Delivery bag", "Gift voucher", "Tawny Port", "Phone charger", "CAT BOWL",
    "Shipping container toy", "Tax guide 2024 book", "", "123",
])
def test_products(name):
    assert not is_charge(name)


def test_a_charge_is_no_product_to_offer_nor_what_goes_with_what():
    """Everyone paid postage: it was the top pick for anyone who had not, and it made every
    product go with every other."""
    lines = pd.DataFrame({"person": ["1", "1", "2", "2", "3", "3", "4"],
                          "product": ["Tea", "Postage", "Mug", "Postage", "Tea", "Mug", "Postage"]})
    persons = pd.Index(["1", "2", "4", "5"])
    assert product_picks(lines, persons, 2) == [["Mug"], ["Tea"], ["Tea", "Mug"], ["Tea", "Mug"]]
    assert charge_names(lines["product"]) == ["Postage"]
