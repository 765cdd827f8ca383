"""Sales lines that are a charge, not a product: postage, a fee, a discount.

Shops book them as lines like any other (the UCI Online Retail history has POSTAGE,
DOTCOM POSTAGE, CARRIAGE, Bank Charges and AMAZON FEE among its best "sellers"), so a
recommender offers them to anyone whose basket had one. A name is a charge when its
last word, or the whole name, is a word for one in the languages of our header words;
"Delivery bag" or "Gift voucher" are products. Charges still count as spend: they are
only never offered.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

# the name's last word (letters only, lower case)
LAST_WORDS = frozenset({
    "postage", "shipping", "carriage", "freight", "delivery", "handling", "fee", "fees",
    "charge", "charges", "surcharge", "discount", "tax", "vat", "deposit",
    "versand", "versandkosten", "porto", "lieferung", "versandgebühr", "liefergebühr",
    "gebühr", "gebühren", "rabatt", "pfand", "nachnahme", "mwst",
    "livraison", "frais", "remise", "ristourne", "tva",
    "envío", "envio", "descuento", "iva", "spedizione", "sconto", "consegna",
    "verzending", "verzendkosten", "korting", "statiegeld", "btw",
})
# whole names whose last word alone says nothing ("port" is also a wine)
WHOLE_NAMES = frozenset({
    "frais de port", "frais d'envoi", "gastos de envío", "gastos de envio", "spese di spedizione",
})
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def is_charge(name: str) -> bool:
    """Whether a product name is a charge (see the module's docstring)."""
    words = _WORD.findall(str(name).casefold())
    return bool(words) and (words[-1] in LAST_WORDS or " ".join(words) in WHOLE_NAMES)


def charges(names) -> np.ndarray:
    """Which of the distinct product ``names`` are charges."""
    return np.array([is_charge(name) for name in names], dtype=bool)


def charge_names(products: pd.Series) -> list[str]:
    """The distinct names among ``products`` that are charges, sorted: what the user is
    told is never offered."""
    distinct = pd.unique(products.dropna().to_numpy(dtype=object))
    return sorted(str(name) for name, flag in zip(distinct, charges(distinct), strict=True) if flag)
