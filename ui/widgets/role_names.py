"""The words a marketer sees for each column role."""

from core.roles import Role

ROLE_LABELS: dict[str, str] = {
    Role.CUSTOMER_ID: "Customer ID",
    Role.FIRST_NAME: "First name",
    Role.LAST_NAME: "Last name",
    Role.FULL_NAME: "Full name",
    Role.EMAIL: "E-mail",
    Role.PHONE: "Phone",
    Role.STREET: "Street",
    Role.CITY: "City",
    Role.POSTCODE: "Postcode",
    Role.COUNTRY: "Country",
    Role.DATE_OF_BIRTH: "Date of birth",
    Role.GENDER: "Gender",
    Role.COMPANY: "Company",
    Role.ORDER_ID: "Order number",
    Role.ORDER_DATE: "Order date",
    Role.AMOUNT: "Amount",
    Role.UNIT_PRICE: "Unit price",
    Role.CURRENCY: "Currency",
    Role.QUANTITY: "Quantity",
    Role.PRODUCT: "Product",
    Role.CATEGORY: "Category",
    Role.CHANNEL: "Channel",
    Role.DISCOUNT: "Discount",
    Role.CONSENT: "Consent / opt-in",
    Role.OPT_OUT: "Opt-out / do not contact",
    Role.OTHER: "Other",
}


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role.replace("_", " ").capitalize())
