"""Privacy: PII detection, column policies, keyed tokens, key storage, the vault,
consent and suppression, and re-identification risk.

Analysis runs on pseudonyms; real contact details come back only through
:func:`core.privacy.vault.reveal`, only for people :func:`core.privacy.consent.contactable`
allows. Nothing here opens a network connection or logs a cell value.
"""
