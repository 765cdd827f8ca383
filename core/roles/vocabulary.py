"""The column-role vocabulary every step uses to find e-mails, names, amounts..."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    CUSTOMER_ID = "customer_id"
    FIRST_NAME = "first_name"
    LAST_NAME = "last_name"
    FULL_NAME = "full_name"
    EMAIL = "email"
    PHONE = "phone"
    STREET = "street"
    CITY = "city"
    POSTCODE = "postcode"
    COUNTRY = "country"
    DATE_OF_BIRTH = "date_of_birth"
    GENDER = "gender"
    COMPANY = "company"
    ORDER_ID = "order_id"
    ORDER_DATE = "order_date"
    AMOUNT = "amount"
    UNIT_PRICE = "unit_price"
    CURRENCY = "currency"
    QUANTITY = "quantity"
    PRODUCT = "product"
    CATEGORY = "category"
    CHANNEL = "channel"
    DISCOUNT = "discount"
    CONSENT = "consent"
    OPT_OUT = "opt_out"
    OTHER = "other"


# What each role means, in the user's words (role pickers, reasons, reports).
ROLE_LABELS = {
    Role.CUSTOMER_ID: "a customer id",
    Role.FIRST_NAME: "a first name",
    Role.LAST_NAME: "a last name",
    Role.FULL_NAME: "a full name",
    Role.EMAIL: "an e-mail address",
    Role.PHONE: "a phone number",
    Role.STREET: "a street address",
    Role.CITY: "a city",
    Role.POSTCODE: "a postcode",
    Role.COUNTRY: "a country",
    Role.DATE_OF_BIRTH: "a date of birth",
    Role.GENDER: "a gender or salutation",
    Role.COMPANY: "a company",
    Role.ORDER_ID: "an order id",
    Role.ORDER_DATE: "an order date",
    Role.AMOUNT: "an amount of money",
    Role.UNIT_PRICE: "a price per item",
    Role.CURRENCY: "a currency",
    Role.QUANTITY: "a quantity",
    Role.PRODUCT: "a product",
    Role.CATEGORY: "a category",
    Role.CHANNEL: "a sales channel",
    Role.DISCOUNT: "a discount",
    Role.CONSENT: "consent to marketing",
    Role.OPT_OUT: "an opt-out",
    Role.OTHER: "none of the roles",
}

# Suffixes of the flag columns the cleaning step adds beside a column ("email_invalid").
FLAG_SUFFIXES = ("_invalid", "_missing")


def is_flag_column(name: object, columns) -> bool:
    """True for a flag column made by cleaning: another column's name plus a flag suffix.
    Such a column is never an e-mail, a consent answer or personal data to tokenise."""
    text = str(name)
    names = {str(c) for c in columns}
    return any(text.endswith(s) and text[: -len(s)] in names for s in FLAG_SUFFIXES)


def person_key(roles: dict, columns=None) -> tuple[str, Role] | None:
    """(column, role) that keys a person in a customer list: its customer id, else its
    e-mail -- a contacts export (Google, Outlook) has no ids, and its sales lines name
    their buyers by e-mail. The link step's ``matched_id`` holds this column's values,
    the pseudonymise step tokenises it as this role, and the segments key people by it.
    ``columns``: those the list has (None: every column ``roles`` names)."""
    have = set(roles if columns is None else columns)
    for role in (Role.CUSTOMER_ID, Role.EMAIL):
        column = next((c for c, r in roles.items() if r == role and c in have), None)
        if column is not None:
            return column, role
    return None
