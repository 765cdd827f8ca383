"""Column roles from header names, in the spellings and languages real exports use.

Headers are normalised (case, accents, ß, punctuation, camelCase) and matched against
phrase lists: an exact match is strong evidence, a phrase inside a longer header
("Privat-Telefon", "customer e-mail address") a bit less, a weak word ("Name", "Datum",
"ID") less again. Generic headers ("Column 3", "Unnamed: 2") carry no evidence at all.
"""

from __future__ import annotations

import re
import unicodedata

from core.roles.vocabulary import ROLE_LABELS, Role

_STRONG: dict[Role, str] = {
    Role.CUSTOMER_ID: "customer id|customerid|customer no|customer nr|customer number|cust id|"
    "client id|client no|client number|kundennummer|kundennr|kunden nr|kunden id|kundenid|"
    "id client|numero client|kd nr|kdnr|kd nummer|cust no|cust nr|no client|n client|contact id|member id|account id|crm id|user id|"
    "id cliente|numero de cliente|klantnummer|customer|kunde|client|cliente",
    Role.FIRST_NAME: "first name|firstname|given name|forename|fname|vorname|prenom|nombre|"
    "voornaam|nome|first",
    Role.LAST_NAME: "last name|lastname|surname|family name|nachname|familienname|zuname|nom|"
    "nom de famille|apellido|apellidos|achternaam|cognome|lname|last",
    Role.FULL_NAME: "full name|fullname|customer name|client name|contact name|kundenname|"
    "nom complet|nom et prenom|nombre completo|vollstandiger name|name|nachname vorname|"
    "vorname nachname|name vorname|last name first name|first name last name|first and last name|"
    "prenom nom|nom prenom",
    Role.EMAIL: "email|e mail|mail|email address|e mail address|e mail adresse|emailadresse|"
    "mailadresse|courriel|adresse email|adresse e mail|adresse mail|correo|correo electronico|"
    "mail address|e post",
    Role.PHONE: "phone|telephone|tel|telefon|telefonnummer|tel nr|mobile|mobil|handy|cell|"
    "cellphone|mobile phone|phone number|portable|numero de telephone|telefono|movil|"
    "mobilnummer|mobile number|rufnummer|gsm",
    Role.STREET: "street|address|address 1|address line 1|addr|strasse|str|adresse|anschrift|"
    "rue|calle|direccion|street address|strasse und hausnummer|strasse hausnummer|"
    "strasse hausnr|strasse und hausnr|street and number|voie|indirizzo|straat|"
    "street 1|address1|adresse 1",
    Role.CITY: "city|town|ort|stadt|wohnort|ville|ciudad|localite|commune|citta|plaats|"
    "locality|suburb|municipality|gemeinde",
    Role.POSTCODE: "postcode|post code|postal code|zip|zip code|zipcode|plz|postleitzahl|"
    "code postal|cp|codigo postal|cap|postnummer|postcode nl",
    Role.COUNTRY: "country|land|pays|pais|nation|country code|staat|country name|laendercode|"
    "landercode",
    Role.DATE_OF_BIRTH: "date of birth|dob|birth date|birthdate|birthday|geburtsdatum|"
    "geburtstag|geb datum|gebdatum|date de naissance|naissance|fecha de nacimiento|born",
    Role.GENDER: "gender|sex|geschlecht|anrede|salutation|civilite|sexe|genero|sexo",
    Role.COMPANY: "company|firma|unternehmen|organisation|organization|societe|entreprise|"
    "empresa|company name|firmenname|employer|raison sociale",
    Role.ORDER_ID: "order id|order no|order nr|order number|orderid|invoice|invoice no|"
    "invoice number|bestellnummer|bestellnr|bestell nr|auftragsnummer|auftragsnr|"
    "rechnungsnummer|rechnungsnr|belegnummer|belegnr|numero de commande|no commande|"
    "commande|transaction id|transaction|receipt|receipt no|pedido|numero de pedido|order",
    Role.ORDER_DATE: "order date|purchase date|transaction date|bestelldatum|auftragsdatum|"
    "rechnungsdatum|kaufdatum|belegdatum|date de commande|date commande|date d achat|"
    "fecha de pedido|invoice date|sale date|sales date|order time|purchased at|ordered at",
    Role.AMOUNT: "amount|total|revenue|sales|betrag|umsatz|gesamt|gesamtbetrag|summe|"
    "bruttobetrag|nettobetrag|montant|total ttc|montant ttc|importe|turnover|order value|"
    "order total|spend|line total|sales amount|net amount|gross amount|rechnungsbetrag",
    Role.CURRENCY: "currency|waehrung|wahrung|devise|moneda|ccy|currency code",
    Role.UNIT_PRICE: "unit price|unitprice|price|item price|price each|price per unit|preis|"
    "einzelpreis|stuckpreis|stueckpreis|preis pro stuck|verkaufspreis|vk preis|prix|"
    "prix unitaire|prix unit|pu|precio|precio unitario|prezzo|prezzo unitario|stukprijs|prijs",
    Role.QUANTITY: "quantity|qty|menge|anzahl|stueck|stuck|stuckzahl|quantite|cantidad|units|"
    "pieces|pcs|qte",
    Role.PRODUCT: "product|item|article|artikel|produkt|sku|product name|artikelname|"
    "artikelbezeichnung|produit|producto|item name|articolo|artikelnummer",
    Role.CATEGORY: "category|kategorie|warengruppe|product group|product category|"
    "produktkategorie|categorie|categoria|department|sortiment|rubrik",
    Role.CHANNEL: "channel|kanal|vertriebskanal|verkaufskanal|canal|sales channel|"
    "order channel|source|bestellweg",
    Role.DISCOUNT: "discount|rabatt|nachlass|remise|reduction|descuento|voucher|coupon|promo|"
    "gutschein|discount amount|rabattbetrag|skonto|disc",
    Role.CONSENT: "consent|newsletter|einwilligung|opt in|optin|marketing consent|subscribed|"
    "permission|gdpr consent|dsgvo|accepts marketing|email consent|marketing opt in|"
    "consentement|abonne|werbeeinwilligung|newsletter abo|marketing permission|"
    "accepts email marketing|double opt in",
    Role.OPT_OUT: "opt out|optout|unsubscribed|unsubscribe|do not contact|do not email|"
    "do not mail|dnc|no contact|abgemeldet|abmeldung|widerspruch|sperrvermerk|werbesperre|"
    "desabonne|desinscrit|desinscription|blacklist|robinson|no marketing|keine werbung",
    # Headers we know are none of the roles: they must not be taken by value patterns.
    Role.OTHER: "created|created at|created on|creation date|updated|updated at|modified|"
    "last login|signup date|registered|registration date|erstellt|erstellt am|angelegt|"
    "angelegt am|geandert|stock code|stockcode|item code|product code|article code|barcode|ean|"
    "gtin|upc|vat|tax|mwst|ust|notes|note|comment|comments|bemerkung|notiz|remarks|status|"
    "rating|score|age|alter|house number|hausnummer|hnr|street number|street no|house no|hausnr|"
    "numero de rue|state|region|bundesland|county|"
    "address 2|address line 2|adresszusatz|fax",
}
_WEAK: dict[Role, str] = {
    Role.CUSTOMER_ID: "id|nr|no|number|nummer|key|ref|reference",
    Role.FULL_NAME: "contact|kontakt|person|recipient|empfanger",
    Role.ORDER_DATE: "date|datum|fecha|day|time|timestamp|zeitpunkt",
    Role.AMOUNT: "value|wert|net|gross|netto|brutto|sum|total eur|eur",
    Role.GENDER: "title|titel",
    Role.PRODUCT: "description|bezeichnung|name of product|designation",
    Role.CATEGORY: "type|typ|group|gruppe|segment|line",
    Role.CHANNEL: "shop|store|medium|platform|plattform",
    Role.CONSENT: "marketing|opt|permission email|werbung",
}
_GENERIC = re.compile(
    r"(column|col|field|feld|spalte|colonne|columna|unnamed|var|attribute|f|c|v|x)?\s*\d*"
)


def normalise(header: object) -> str:
    """``"E-Mail Adresse"`` -> ``"e mail adresse"``, ``"Straße"`` -> ``"strasse"``."""
    text = str(header).replace("ß", "ss").replace("ẞ", "SS")
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", text)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def is_generic(header: object) -> bool:
    """True for headers that say nothing: "", "Column 3", "Unnamed: 2", "7"."""
    return _GENERIC.fullmatch(normalise(header)) is not None


def _phrases(table: dict[Role, str]) -> list[tuple[Role, str]]:
    return [(role, phrase.strip()) for role, text in table.items() for phrase in text.split("|")]


_PHRASES = [(r, p, True) for r, p in _phrases(_STRONG)] + [
    (r, p, False) for r, p in _phrases(_WEAK)
]


def header_scores(header: object) -> dict[Role, tuple[float, str]]:
    """Evidence from one header: ``{role: (score, why)}``; empty for generic headers."""
    norm = normalise(header)
    if is_generic(header):
        return {}
    tokens = f" {norm} "
    compact = norm.replace(" ", "")
    found: dict[Role, tuple[float, str]] = {}
    for role, phrase, strong in _PHRASES:
        words = phrase.split()
        if norm == phrase or compact == phrase.replace(" ", ""):
            score = 0.92 if strong else 0.55
        elif f" {phrase} " in tokens:
            score = (0.7 if strong else 0.4) + 0.04 * min(len(words), 3)
        elif strong and len(phrase.replace(" ", "")) >= 5 and phrase.replace(" ", "") in compact:
            score = 0.62
        else:
            continue
        if role is Role.OTHER and score < 0.9:
            score -= 0.1  # "Straße + Hausnr.": a real role inside the header wins a tie
        if score > found.get(role, (0.0, ""))[0]:
            found[role] = (score, f"the header means {ROLE_LABELS[role]}")
    exact = {role: hit for role, hit in found.items() if hit[0] >= 0.92}
    if exact:  # "Date of birth" is all a birthday: its "date" says nothing of an order date
        found = exact
    if Role.CONSENT in found or Role.OPT_OUT in found:
        # "E-Mail opt-out", "Newsletter consent": a flag about a channel, not the channel
        for role in (Role.EMAIL, Role.PHONE, Role.CHANNEL):
            found.pop(role, None)
    return found
