"""Column roles: the vocabulary every step uses to find e-mails, names, amounts...

Detection (from headers in several languages and from the values) lives here too.
"""

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
    CURRENCY = "currency"
    QUANTITY = "quantity"
    PRODUCT = "product"
    CATEGORY = "category"
    CHANNEL = "channel"
    DISCOUNT = "discount"
    CONSENT = "consent"
    OPT_OUT = "opt_out"
    OTHER = "other"
