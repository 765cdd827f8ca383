"""PII detection and column policies: exact masks, generalisations, report without values."""

import json

import pandas as pd
import pytest

from core.errors import ColumnError, LocalReachError
from core.privacy.detect import detect_pii
from core.privacy.originals import restore
from core.privacy.policy import ColumnPolicy, PrivacyConfig, default_config, pseudonymize

KEY = bytes(range(32))
PEOPLE = pd.DataFrame({
    "Customer No": ["1", "2", "3", "4"],
    "E-Mail": ["jo.miller@example.com", "ann@shop.de", "", "bo@x.org"],
    "Mobile": ["+44 7911 123123", "07911 654321", "", "+49 151 12345678"],
    "Vorname": ["Jo", "Ann", "Kim", "Bo"],
    "Street": ["12 High Street", "3 Mill Road", "9 Elm Avenue", "1 Park Lane"],
    "Postcode": ["SW1A 1AA", "EC1A 1BB", "M1 1AE", "10115"],
    "Date of birth": ["1980-05-01", "1992-11-30", "01.02.1960", "not known"],
    "SSN": ["123-45-6789", "987-65-4321", "111-22-3333", "222-33-4444"],
    "IBAN": ["DE89370400440532013000", "GB82WEST12345698765432", "", "DE89370400440532013000"],
    "Card": ["4111111111111111", "5500 0000 0000 0004", "", "4012888888881881"],
    "Last login IP": ["192.168.1.20", "10.0.0.1", "", "2001:db8::1"],
    "Notes": ["likes tea", "", "vip", "called twice"],
    "Amount": ["12.50", "3", "100", "7"],
})


def test_detection_finds_every_kind_and_leaves_the_rest():
    kinds = {c: g.kind for c, g in detect_pii(PEOPLE).items()}
    assert kinds == {"Customer No": None, "E-Mail": "email", "Mobile": "phone", "Vorname": "name",
                     "Street": "street", "Postcode": "postcode", "Date of birth": "date_of_birth",
                     "SSN": "national_id", "IBAN": "iban", "Card": "card", "Last login IP": "ip",
                     "Notes": None, "Amount": None}


def test_values_alone_find_emails_and_cards_but_luhn_rejects_bad_numbers():
    guesses = detect_pii(pd.DataFrame({"x": ["a@b.com", "c@d.org"], "y": ["4111111111111111"] * 2,
                                       "z": ["4111111111111112"] * 2}))
    assert (guesses["x"].kind, guesses["y"].kind, guesses["z"].kind) == ("email", "card", None)
    assert guesses["x"].reason == "100% of the values look like e-mail addresses"


def test_default_policy_masks_generalises_drops_and_tokenises():
    config = default_config(detect_pii(PEOPLE), phone_region="GB")
    config.reference_date = "2026-01-01"
    out, vault, report = pseudonymize(PEOPLE, config, KEY)
    assert list(out.columns) == ["Customer No", "E-Mail", "Mobile", "Vorname", "Street", "Postcode",
                                 "Date of birth", "Last login IP", "Notes", "Amount", "record_ref"]
    assert out["E-Mail"][0].startswith("email_v1_") and out["E-Mail"][2] == ""
    assert out["Postcode"].tolist() == ["SW1A", "EC1A", "M1", "101"]
    assert out["Date of birth"].tolist() == ["40-49", "30-39", "60-69", ""]  # 01.02.1960: read day-first
    assert out["Last login IP"].tolist() == ["192.168.*.*", "10.0.*.*", "", "2001:***"]
    assert out["Notes"].tolist() == PEOPLE["Notes"].tolist()
    assert len(vault) == 3 + 3 + 4 + 4 + 4  # + one record of masked/generalised originals each
    assert report["columns"]["Date of birth"] == {"action": "generalise", "kind": "date_of_birth", "values": 4,
                                                  "option": "age_band", "unparsed": 1}
    assert report["columns"]["SSN"] == {"action": "drop", "kind": "national_id", "values": 4}
    text = json.dumps(report)
    assert "miller" not in text and "Jo" not in text and "123-45" not in text
    assert PEOPLE["E-Mail"][0] == "jo.miller@example.com"


def test_masks_keep_a_hint_only():
    config = PrivacyConfig({"E-Mail": ColumnPolicy("mask", "email"), "Mobile": ColumnPolicy("mask", "phone"),
                            "Vorname": ColumnPolicy("mask", "name")}, phone_region="GB")
    out, vault, _ = pseudonymize(PEOPLE, config, KEY)
    assert out["E-Mail"].tolist() == ["jo***@example.com", "an***@shop.de", "", "bo***@x.org"]
    assert out["Mobile"].tolist() == ["+44 7*** ***123", "+44 7*** ***321", "", "+49 1*** ***678"]
    assert out["Vorname"].tolist() == ["J***", "A***", "K***", "B***"]
    # the originals wait in the vault, one sealed record per row, for the message only
    assert len(vault) == 4 and out["record_ref"].str.startswith("record_v1_").all()
    revealed = out.assign(record_ref=[vault.open(t) for t in out["record_ref"]])
    back = restore(revealed, {"Vorname", "Mobile"})
    assert back["Vorname"].tolist() == PEOPLE["Vorname"].tolist()
    assert back["Mobile"].tolist() == PEOPLE["Mobile"].tolist()
    assert "E-Mail" not in back.columns  # not needed: its stand-in is not passed on as the value
    assert list(back.columns) == [c for c in out.columns if c not in ("E-Mail", "record_ref")]


def test_generalise_to_year_prefix_and_month():
    config = PrivacyConfig({"Date of birth": ColumnPolicy("generalise", "date_of_birth", "year"),
                            "Postcode": ColumnPolicy("generalise", "postcode", "prefix1")})
    out, _, report = pseudonymize(PEOPLE, config, KEY)
    assert out["Date of birth"].tolist() == ["1980", "1992", "1960", ""]
    assert out["Postcode"].tolist() == ["S", "E", "M", "1"]
    config = PrivacyConfig({"Date of birth": ColumnPolicy("generalise", "date", "month")})
    assert pseudonymize(PEOPLE, config, KEY)[0]["Date of birth"].tolist() == ["1980-05", "1992-11", "1960-02", ""]


def test_bad_config_errors_are_clear():
    with pytest.raises(LocalReachError, match="^Unknown privacy action 'hide': use one of keep, token"):
        ColumnPolicy("hide")
    with pytest.raises(ColumnError, match="^Column 'Fax' is not in the table"):
        pseudonymize(PEOPLE, PrivacyConfig({"Fax": ColumnPolicy("drop")}), KEY)
    # keeping a column the table lacks asks nothing: the same result as without it
    kept = pseudonymize(PEOPLE, PrivacyConfig({"Fax": ColumnPolicy("keep"),
                                               "Postcode": ColumnPolicy("generalise", "postcode", "prefix1")}), KEY)
    alone = pseudonymize(PEOPLE, PrivacyConfig({"Postcode": ColumnPolicy("generalise", "postcode", "prefix1")}), KEY)
    pd.testing.assert_frame_equal(kept[0], alone[0])
    with pytest.raises(LocalReachError, match="^Column 'Postcode' cannot be generalised as 'year'"):
        pseudonymize(PEOPLE, PrivacyConfig({"Postcode": ColumnPolicy("generalise", "postcode", "year")}), KEY)


def test_config_round_trips_through_json():
    config = default_config(detect_pii(PEOPLE), phone_region="GB")
    again = PrivacyConfig.from_dict(json.loads(json.dumps(config.to_dict())))
    assert again == config


def test_phone_tokens_follow_the_country_column():
    frame = pd.DataFrame({"phone": ["07745 297302", "+44 7745 297302", "0151 12345678"],
                          "Country": ["United Kingdom", "UK", "Deutschland"]})
    config = default_config(detect_pii(frame), phone_region=None)
    assert config.country_column == "Country"
    out = pseudonymize(frame, config, KEY)[0]
    assert out["phone"][0] == out["phone"][1] != out["phone"][2]
    alone = pd.DataFrame({"phone": ["+4915112345678"]})
    assert out["phone"][2] == pseudonymize(alone, default_config(detect_pii(alone), phone_region=None), KEY)[0]["phone"][0]


def test_progress_is_reported_and_cancel_stops_the_work():
    from core.jobs import Cancelled, JobContext

    seen = []
    config = default_config(detect_pii(PEOPLE), phone_region="GB")
    pseudonymize(PEOPLE, config, KEY, ctx=JobContext(lambda d, t, m: seen.append((d, t))))
    assert seen[0] == (0, 1000) and seen[-1] == (1000, 1000)  # ten columns change, 100 steps each
    assert [d for d, _ in seen] == sorted(d for d, _ in seen) and {t for _, t in seen} == {1000}
    ctx = JobContext()
    ctx.cancel()
    with pytest.raises(Cancelled):
        pseudonymize(PEOPLE, config, KEY, ctx=ctx)
