"""Each tool's export as the tool writes it: exact headers, roles and order rules.

Header lists follow the tools' documented exports (see tests/fixtures/vendors/README.md
for the page each comes from). ``signature`` is the few headers that together are the
tool's alone; ``roles`` gives every column we read a role (the rest are ``OTHER``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.roles.vocabulary import Role as R


@dataclass(frozen=True)
class OrderRules:
    """How the tool writes orders: which column holds what, and how totals repeat.

    ``totals`` is "order" when the order total is written once per order (Shopify: only
    on its first line item; WooCommerce: repeated on every line item), "line" when each
    row's amount is its own (Etsy items, Stripe payments). ``cents`` when amounts are in
    the currency's minor unit.
    """

    key: str | None  # order id column; None = every row is one order
    total: str
    status: str | None = None
    refunded: str | None = None
    cancelled_at: str | None = None
    totals: str = "order"
    cents: bool = False
    date_format: str | None = None  # the order date as the tool writes it (strptime)


@dataclass(frozen=True)
class Profile:
    tool: str
    kind: str
    label: str  # "a Shopify orders export"
    headers: tuple[str, ...]
    signature: tuple[str, ...]
    roles: dict[str, R] = field(default_factory=dict)
    orders: OrderRules | None = None
    suppression: bool = False  # every row is someone who must not be mailed


def _h(text: str) -> tuple[str, ...]:
    return tuple(text.split("|"))


# fmt: off
SHOPIFY_CUSTOMERS = Profile(
    "shopify", "customers", "a Shopify customers export",
    _h("Customer ID|First Name|Last Name|Email|Accepts Email Marketing|Default Address Company|"
       "Default Address Address1|Default Address Address2|Default Address City|"
       "Default Address Province Code|Default Address Country Code|Default Address Zip|"
       "Default Address Phone|Phone|Accepts SMS Marketing|Total Spent|Total Orders|Note|"
       "Tax Exempt|Tags"),
    ("Accepts Email Marketing", "Accepts SMS Marketing", "Default Address Address1"),
    {"Customer ID": R.CUSTOMER_ID, "First Name": R.FIRST_NAME, "Last Name": R.LAST_NAME,
     "Email": R.EMAIL, "Accepts Email Marketing": R.CONSENT,
     "Default Address Company": R.COMPANY, "Default Address Address1": R.STREET,
     "Default Address City": R.CITY, "Default Address Country Code": R.COUNTRY,
     "Default Address Zip": R.POSTCODE, "Default Address Phone": R.PHONE, "Phone": R.PHONE,
     "Total Spent": R.AMOUNT},
)

SHOPIFY_ORDERS = Profile(
    "shopify", "orders", "a Shopify orders export",
    _h("Name|Email|Financial Status|Paid at|Fulfillment Status|Fulfilled at|Accepts Marketing|"
       "Currency|Subtotal|Shipping|Taxes|Total|Discount Code|Discount Amount|Shipping Method|"
       "Created at|Lineitem quantity|Lineitem name|Lineitem price|Lineitem compare at price|"
       "Lineitem sku|Lineitem requires shipping|Lineitem taxable|Lineitem fulfillment status|"
       "Billing Name|Billing Street|Billing Address1|Billing Address2|Billing Company|"
       "Billing City|Billing Zip|Billing Province|Billing Country|Billing Phone|Shipping Name|"
       "Shipping Street|Shipping Address1|Shipping Address2|Shipping Company|Shipping City|"
       "Shipping Zip|Shipping Province|Shipping Country|Shipping Phone|Notes|Note Attributes|"
       "Cancelled at|Payment Method|Payment Reference|Refunded Amount|Vendor|"
       "Outstanding Balance|Employee|Location|Device ID|Id|Tags|Risk Level|Source|"
       "Lineitem discount|Tax 1 Name|Tax 1 Value|Tax 2 Name|Tax 2 Value|Tax 3 Name|Tax 3 Value|"
       "Tax 4 Name|Tax 4 Value|Tax 5 Name|Tax 5 Value|Phone|Receipt Number|Duties|"
       "Billing Province Name|Shipping Province Name|Payment ID|Payment Terms Name|"
       "Next Payment Due At|Payment References"),
    ("Financial Status", "Lineitem name", "Lineitem quantity", "Created at"),
    {"Name": R.ORDER_ID, "Email": R.EMAIL, "Accepts Marketing": R.CONSENT, "Currency": R.CURRENCY,
     "Total": R.AMOUNT, "Discount Amount": R.DISCOUNT, "Created at": R.ORDER_DATE,
     "Lineitem quantity": R.QUANTITY, "Lineitem name": R.PRODUCT, "Billing Name": R.FULL_NAME,
     "Billing Address1": R.STREET, "Billing Company": R.COMPANY, "Billing City": R.CITY,
     "Billing Zip": R.POSTCODE, "Billing Country": R.COUNTRY, "Billing Phone": R.PHONE,
     "Phone": R.PHONE, "Source": R.CHANNEL},
    OrderRules("Name", "Total", "Financial Status", "Refunded Amount", "Cancelled at",
               date_format="%Y-%m-%d %H:%M:%S %z"),
)

WOOCOMMERCE_ORDERS = Profile(
    "woocommerce", "orders", "a WooCommerce orders export (one row per item)",
    _h("order_id|order_number|order_date|status|shipping_total|shipping_tax_total|fee_total|"
       "fee_tax_total|tax_total|cart_discount|order_discount|discount_total|order_total|"
       "refunded_total|order_currency|payment_method|shipping_method|customer_id|"
       "billing_first_name|billing_last_name|billing_full_name|billing_company|billing_email|"
       "billing_phone|billing_address_1|billing_address_2|billing_postcode|billing_city|"
       "billing_state|billing_state_code|billing_country|shipping_first_name|"
       "shipping_last_name|shipping_full_name|shipping_address_1|shipping_address_2|"
       "shipping_postcode|shipping_city|shipping_state|shipping_state_code|shipping_country|"
       "shipping_company|customer_note|item_id|item_product_id|item_name|item_sku|"
       "item_quantity|item_subtotal|item_subtotal_tax|item_total|item_total_tax|item_refunded|"
       "item_refunded_qty|item_meta|shipping_items|fee_items|tax_items|coupon_items|order_notes|"
       "download_permissions_granted"),
    ("order_total", "billing_email", "item_name"),
    {"order_id": R.ORDER_ID, "order_date": R.ORDER_DATE, "discount_total": R.DISCOUNT,
     "order_total": R.AMOUNT, "order_currency": R.CURRENCY, "customer_id": R.CUSTOMER_ID,
     "billing_first_name": R.FIRST_NAME, "billing_last_name": R.LAST_NAME,
     "billing_company": R.COMPANY, "billing_email": R.EMAIL, "billing_phone": R.PHONE,
     "billing_address_1": R.STREET, "billing_postcode": R.POSTCODE, "billing_city": R.CITY,
     "billing_country": R.COUNTRY, "item_name": R.PRODUCT, "item_quantity": R.QUANTITY},
    OrderRules("order_id", "order_total", "status", "refunded_total"),
)

ETSY_ORDER_ITEMS = Profile(
    "etsy", "orders", "an Etsy sold order items export",
    _h("Sale Date|Item Name|Buyer|Quantity|Price|Coupon Code|Coupon Details|Discount Amount|"
       "Shipping Discount|Order Shipping|Order Sales Tax|Item Total|Currency|Transaction ID|"
       "Listing ID|Date Paid|Date Shipped|Ship Name|Ship Address1|Ship Address2|Ship City|"
       "Ship State|Ship Zipcode|Ship Country|Order ID|Variations|Order Type|Listings Type|"
       "Payment Type|InPerson Discount|InPerson Location|VAT Paid by Buyer|SKU"),
    ("Buyer", "Item Total", "Listing ID", "Ship Zipcode"),
    {"Sale Date": R.ORDER_DATE, "Item Name": R.PRODUCT, "Buyer": R.CUSTOMER_ID,
     "Quantity": R.QUANTITY, "Discount Amount": R.DISCOUNT, "Item Total": R.AMOUNT,
     "Currency": R.CURRENCY, "Ship Name": R.FULL_NAME, "Ship Address1": R.STREET,
     "Ship City": R.CITY, "Ship Zipcode": R.POSTCODE, "Ship Country": R.COUNTRY,
     "Order ID": R.ORDER_ID},
    OrderRules("Order ID", "Item Total", totals="line", date_format="%m/%d/%y"),
)

SQUARE_CUSTOMERS = Profile(
    "square", "customers", "a Square customers export",
    _h("Square Customer ID|First Name|Last Name|Email Address|Phone Number|Nickname|"
       "Company Name|Street Address 1|Street Address 2|City|State|Postal Code|Birthday|"
       "Reference ID|Memo|Creation Source|First Visit|Last Visit|Transaction Count|Total Spend|"
       "Email Subscription Status|Instant Profile|Groups"),
    ("Square Customer ID", "Email Subscription Status"),
    {"Square Customer ID": R.CUSTOMER_ID, "First Name": R.FIRST_NAME, "Last Name": R.LAST_NAME,
     "Email Address": R.EMAIL, "Phone Number": R.PHONE, "Company Name": R.COMPANY,
     "Street Address 1": R.STREET, "City": R.CITY, "Postal Code": R.POSTCODE,
     "Birthday": R.DATE_OF_BIRTH, "Total Spend": R.AMOUNT,
     "Email Subscription Status": R.CONSENT},
)

STRIPE_CUSTOMERS = Profile(
    "stripe", "customers", "a Stripe customers export",
    _h("id|Description|Email|Name|Created (UTC)|Card ID|Card Last4|Card Brand|Card Exp Month|"
       "Card Exp Year|Card Name|Card Address Line1|Card Address Line2|Card Address City|"
       "Card Address State|Card Address Country|Card Address Zip|Plan|Status|"
       "Cancel At Period End|Account Balance|Currency|Business Vat ID|Delinquent|Total Spend|"
       "Payment Count|Refunded Volume|Dispute Losses"),
    ("Created (UTC)", "Card Last4", "Delinquent"),
    {"id": R.CUSTOMER_ID, "Email": R.EMAIL, "Name": R.FULL_NAME,
     "Card Address Line1": R.STREET, "Card Address City": R.CITY,
     "Card Address Country": R.COUNTRY, "Card Address Zip": R.POSTCODE,
     "Currency": R.CURRENCY, "Total Spend": R.AMOUNT},
)

STRIPE_PAYMENTS = Profile(
    "stripe", "payments", "a Stripe payments export",
    _h("id|Created (UTC)|Amount|Amount Refunded|Currency|Captured|Converted Amount|"
       "Converted Amount Refunded|Converted Currency|Decline Reason|Description|Fee|"
       "Refunded date (UTC)|Statement Descriptor|Status|Seller Message|Taxes On Fee|Card ID|"
       "Card Last4|Card Brand|Card Funding|Card Exp Month|Card Exp Year|Card Name|"
       "Card Address Country|Card Issue Country|Customer ID|Customer Description|"
       "Customer Email|Invoice ID|Transfer"),
    ("Amount Refunded", "Seller Message", "Customer Email"),
    {"id": R.ORDER_ID, "Created (UTC)": R.ORDER_DATE, "Amount": R.AMOUNT,
     "Currency": R.CURRENCY, "Description": R.PRODUCT, "Card Name": R.FULL_NAME,
     "Card Address Country": R.COUNTRY, "Customer ID": R.CUSTOMER_ID,
     "Customer Email": R.EMAIL},
    OrderRules(None, "Amount", "Status", "Amount Refunded", totals="line"),
)

HUBSPOT_CONTACTS = Profile(
    "hubspot", "contacts", "a HubSpot contacts export",
    _h("Record ID|First Name|Last Name|Email|Phone Number|Company Name|Street Address|City|"
       "Postal Code|Country/Region|Lifecycle Stage|Marketing contact status|Contact owner|"
       "Create Date|Last Activity Date|Unsubscribed from all email"),
    ("Record ID", "Lifecycle Stage"),
    {"Record ID": R.CUSTOMER_ID, "First Name": R.FIRST_NAME, "Last Name": R.LAST_NAME,
     "Email": R.EMAIL, "Phone Number": R.PHONE, "Company Name": R.COMPANY,
     "Street Address": R.STREET, "City": R.CITY, "Postal Code": R.POSTCODE,
     "Country/Region": R.COUNTRY, "Unsubscribed from all email": R.OPT_OUT},
)

_MAILCHIMP = ("Email Address|First Name|Last Name|Address|Phone Number|Birthday|MEMBER_RATING|"
              "OPTIN_TIME|OPTIN_IP|CONFIRM_TIME|CONFIRM_IP|LATITUDE|LONGITUDE|GMTOFF|DSTOFF|"
              "TIMEZONE|CC|REGION|LAST_CHANGED")
_MAILCHIMP_IDS = "LEID|EUID|NOTES|TAGS"
_MAILCHIMP_ROLES = {"Email Address": R.EMAIL, "First Name": R.FIRST_NAME,
                    "Last Name": R.LAST_NAME, "Address": R.STREET, "Phone Number": R.PHONE,
                    "CC": R.COUNTRY, "LEID": R.CUSTOMER_ID}

MAILCHIMP_SUBSCRIBED = Profile(
    "mailchimp", "subscribed", "a Mailchimp subscribed members export",
    _h(f"{_MAILCHIMP}|{_MAILCHIMP_IDS}"),
    ("MEMBER_RATING", "OPTIN_TIME", "LEID"),
    {**_MAILCHIMP_ROLES, "OPTIN_TIME": R.CONSENT},
)
MAILCHIMP_UNSUBSCRIBED = Profile(
    "mailchimp", "unsubscribed", "a Mailchimp unsubscribed members export",
    _h(f"{_MAILCHIMP}|UNSUB_TIME|UNSUB_CAMPAIGN_TITLE|UNSUB_CAMPAIGN_ID|UNSUB_REASON|"
       f"UNSUB_REASON_OTHER|{_MAILCHIMP_IDS}"),
    ("MEMBER_RATING", "UNSUB_TIME", "LEID"),
    {**_MAILCHIMP_ROLES, "UNSUB_TIME": R.OPT_OUT},
    suppression=True,
)
MAILCHIMP_CLEANED = Profile(
    "mailchimp", "cleaned", "a Mailchimp cleaned members export",
    _h(f"{_MAILCHIMP}|CLEAN_TIME|CLEAN_CAMPAIGN_TITLE|CLEAN_CAMPAIGN_ID|{_MAILCHIMP_IDS}"),
    ("MEMBER_RATING", "CLEAN_TIME", "LEID"),
    {**_MAILCHIMP_ROLES, "CLEAN_TIME": R.OPT_OUT},
    suppression=True,
)

SALESFORCE_CONTACTS = Profile(
    "salesforce", "contacts", "a Salesforce contacts report",
    _h("Contact ID|Salutation|First Name|Last Name|Title|Account Name|Mailing Street|"
       "Mailing City|Mailing State/Province|Mailing Zip/Postal Code|Mailing Country|Phone|"
       "Mobile|Email|Email Opt Out|Lead Source|Birthdate|Created Date|Contact Owner"),
    ("Email Opt Out", "Mailing Zip/Postal Code"),
    {"Contact ID": R.CUSTOMER_ID, "Salutation": R.GENDER, "First Name": R.FIRST_NAME,
     "Last Name": R.LAST_NAME, "Account Name": R.COMPANY, "Mailing Street": R.STREET,
     "Mailing City": R.CITY, "Mailing Zip/Postal Code": R.POSTCODE,
     "Mailing Country": R.COUNTRY, "Phone": R.PHONE, "Mobile": R.PHONE, "Email": R.EMAIL,
     "Email Opt Out": R.OPT_OUT, "Lead Source": R.CHANNEL, "Birthdate": R.DATE_OF_BIRTH},
)

GOOGLE_CONTACTS = Profile(
    "google", "contacts", "a Google Contacts export",
    _h("First Name|Middle Name|Last Name|Phonetic First Name|Phonetic Middle Name|"
       "Phonetic Last Name|Name Prefix|Name Suffix|Nickname|File As|Organization Name|"
       "Organization Title|Organization Department|Birthday|Notes|Photo|Labels|"
       "E-mail 1 - Label|E-mail 1 - Value|E-mail 2 - Label|E-mail 2 - Value|Phone 1 - Label|"
       "Phone 1 - Value|Phone 2 - Label|Phone 2 - Value|Address 1 - Label|"
       "Address 1 - Formatted|Address 1 - Street|Address 1 - City|Address 1 - PO Box|"
       "Address 1 - Region|Address 1 - Postal Code|Address 1 - Country|"
       "Address 1 - Extended Address"),
    ("E-mail 1 - Value", "Phone 1 - Value", "File As"),
    {"First Name": R.FIRST_NAME, "Last Name": R.LAST_NAME, "Organization Name": R.COMPANY,
     "Birthday": R.DATE_OF_BIRTH, "E-mail 1 - Value": R.EMAIL, "Phone 1 - Value": R.PHONE,
     "Phone 2 - Value": R.PHONE, "Address 1 - Street": R.STREET, "Address 1 - City": R.CITY,
     "Address 1 - Postal Code": R.POSTCODE, "Address 1 - Country": R.COUNTRY},
)

OUTLOOK_CONTACTS = Profile(
    "outlook", "contacts", "an Outlook contacts export",
    _h("First Name|Middle Name|Last Name|Title|Suffix|Nickname|E-mail Address|"
       "E-mail 2 Address|E-mail 3 Address|Home Phone|Home Phone 2|Business Phone|"
       "Business Phone 2|Mobile Phone|Other Phone|Primary Phone|Job Title|Department|Company|"
       "Business Street|Business City|Business State|Business Postal Code|"
       "Business Country/Region|Home Street|Home City|Home State|Home Postal Code|"
       "Home Country/Region|Birthday|Anniversary|Web Page|Notes"),
    ("E-mail Address", "Business Street", "Home Postal Code"),
    {"First Name": R.FIRST_NAME, "Last Name": R.LAST_NAME, "Title": R.GENDER,
     "E-mail Address": R.EMAIL, "Home Phone": R.PHONE, "Business Phone": R.PHONE,
     "Mobile Phone": R.PHONE, "Company": R.COMPANY, "Home Street": R.STREET,
     "Home City": R.CITY, "Home Postal Code": R.POSTCODE, "Home Country/Region": R.COUNTRY,
     "Birthday": R.DATE_OF_BIRTH},
)

OUTLOOK_CONTACTS_DE = Profile(
    "outlook", "contacts (German)", "a German Outlook contacts export",
    _h("Anrede|Vorname|Weitere Vornamen|Nachname|Suffix|Firma|Abteilung|Position|"
       "Straße geschäftlich|Ort geschäftlich|Region geschäftlich|Postleitzahl geschäftlich|"
       "Land/Region geschäftlich|Straße privat|Ort privat|Bundesland/Kanton privat|"
       "Postleitzahl privat|Land/Region privat|Telefon geschäftlich|Telefon privat|"
       "Mobiltelefon|E-Mail-Adresse|E-Mail 2: Adresse|E-Mail 3: Adresse|Geburtstag|Notizen"),
    ("E-Mail-Adresse", "Straße privat", "Postleitzahl privat"),
    {"Anrede": R.GENDER, "Vorname": R.FIRST_NAME, "Nachname": R.LAST_NAME, "Firma": R.COMPANY,
     "Straße privat": R.STREET, "Ort privat": R.CITY, "Postleitzahl privat": R.POSTCODE,
     "Land/Region privat": R.COUNTRY, "Telefon geschäftlich": R.PHONE,
     "Telefon privat": R.PHONE, "Mobiltelefon": R.PHONE, "E-Mail-Adresse": R.EMAIL,
     "Geburtstag": R.DATE_OF_BIRTH},
)

# The import files LocalReach writes for each tool (core/compose/outputs/vendor_files.py),
# recognised when they come back in. A tool's own export holds these headers too and
# explains more columns, so it still wins over its import file.
_PEOPLE = {"Email": R.EMAIL, "Email Address": R.EMAIL, "E-mail 1 - Value": R.EMAIL,
           "First Name": R.FIRST_NAME, "Last Name": R.LAST_NAME}


def _import(tool: str, label: str, headers: str, signature: tuple[str, ...]) -> Profile:
    cols = _h(headers)
    return Profile(tool, "import", label, cols, signature,
                   {h: r for h, r in _PEOPLE.items() if h in cols})


MAILCHIMP_IMPORT = _import("mailchimp", "a Mailchimp audience import file",
                           "Email Address|First Name|Last Name|Tags", ("Email Address", "Tags"))
HUBSPOT_IMPORT = _import("hubspot", "a HubSpot contacts import file",
                         "Email|First Name|Last Name|LocalReach Segment|LocalReach Persona",
                         ("Email", "LocalReach Segment"))
SHOPIFY_IMPORT = _import("shopify", "a Shopify customers import file",
                         "First Name|Last Name|Email|Tags", ("First Name", "Email", "Tags"))
KLAVIYO_IMPORT = _import("klaviyo", "a Klaviyo list import file",
                         "Email|First Name|Last Name|localreach_segment|localreach_persona",
                         ("Email", "localreach_segment"))
GOOGLE_IMPORT = _import("google", "a Google Contacts import file",
                        "First Name|Last Name|Labels|E-mail 1 - Label|E-mail 1 - Value",
                        ("E-mail 1 - Value", "E-mail 1 - Label", "Labels"))
IMPORTS = {p.tool: p for p in (MAILCHIMP_IMPORT, HUBSPOT_IMPORT, SHOPIFY_IMPORT, KLAVIYO_IMPORT,
                               GOOGLE_IMPORT)}

PROFILES = (
    SHOPIFY_CUSTOMERS, SHOPIFY_ORDERS, WOOCOMMERCE_ORDERS, ETSY_ORDER_ITEMS, SQUARE_CUSTOMERS,
    STRIPE_CUSTOMERS, STRIPE_PAYMENTS, HUBSPOT_CONTACTS, MAILCHIMP_SUBSCRIBED,
    MAILCHIMP_UNSUBSCRIBED, MAILCHIMP_CLEANED, SALESFORCE_CONTACTS, GOOGLE_CONTACTS,
    OUTLOOK_CONTACTS, OUTLOOK_CONTACTS_DE, *IMPORTS.values(),
)
