"""Join codes, language choice and the choice of the address to advertise."""

import pytest

from cocreatie_tui.core.joincode import (
    ALPHABET,
    looks_like_join_code,
    new_join_code,
    normalise_join_code,
)
from cocreatie_tui.i18n import LANGUAGES, Translator, best_language, interaction_rules
from cocreatie_tui.netaddr import (
    InterfaceAddress,
    advertised_address,
    choose_lan_address,
    host_of,
    own_host_names,
)


def test_join_codes_use_only_unambiguous_characters() -> None:
    codes = {new_join_code() for _ in range(200)}
    assert len(codes) > 190  # drawn at random, not a counter
    for code in codes:
        assert len(code) == 6 and set(code) <= set(ALPHABET)
    for confusable in "0O1IL2Z5S8B":
        assert confusable not in ALPHABET


def test_join_codes_are_case_insensitive() -> None:
    assert normalise_join_code(" k7qx9m ") == "K7QX9M"
    assert looks_like_join_code("k7qx9m")
    assert not looks_like_join_code("K0OX9M")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "nl"),
        ("", "nl"),
        ("de-DE,de;q=0.9", "nl"),
        ("fr-BE,fr;q=0.9,nl;q=0.8", "fr"),
        ("en-GB;q=0.5, nl;q=0.8", "nl"),
        ("EN", "en"),
        ("fr;q=0", "nl"),
        ("fr;q=abc, en", "en"),
    ],
)
def test_phones_get_their_browser_language_or_dutch(header: str | None, expected: str) -> None:
    assert best_language(header) == expected


def test_every_language_has_every_key_of_dutch() -> None:
    from cocreatie_tui.i18n import _catalogue

    dutch = set(_catalogue("nl"))
    for lang in LANGUAGES:
        assert set(_catalogue(lang)) == dutch, lang
        assert len(interaction_rules(lang)) == 8


def test_translator_falls_back_to_dutch_then_to_the_key() -> None:
    assert Translator("xx").lang == "nl"
    assert Translator("en")("no.such.key") == "no.such.key"
    assert Translator("fr")("board.cards_count", count=3) == "3 cartes"


def _iface(name: str, address: str, up: bool = True) -> InterfaceAddress:
    return InterfaceAddress(name, address, up)


def test_lan_address_prefers_private_wifi_or_ethernet_that_is_up() -> None:
    interfaces = [
        _iface("lo", "127.0.0.1"),
        _iface("docker0", "172.17.0.1"),
        _iface("eth0", "192.168.1.20", up=False),
        _iface("wlan0", "10.42.0.1"),
    ]
    assert choose_lan_address(interfaces) == "10.42.0.1"
    assert choose_lan_address([_iface("lo", "127.0.0.1")]) is None
    assert choose_lan_address([_iface("docker0", "172.17.0.1")]) == "172.17.0.1"


def test_advertised_url_order_public_url_then_host_then_lan_then_loopback() -> None:
    lan = [_iface("wlan0", "10.42.0.1")]
    assert advertised_address("0.0.0.0", 8080, "http://pi.local:80/", lan).base_url == (
        "http://pi.local:80"
    )
    assert advertised_address("192.168.5.5", 8080, None, lan).base_url == "http://192.168.5.5:8080"
    chosen = advertised_address("0.0.0.0", 8080, None, lan)
    assert chosen.join_url("K7QX9M") == "HTTP://10.42.0.1:8080/J/K7QX9M"
    fallback = advertised_address("0.0.0.0", 8080, None, [])
    assert fallback.base_url == "http://127.0.0.1:8080" and fallback.warning


def test_public_url_with_a_path_keeps_its_case() -> None:
    address = advertised_address("0.0.0.0", 80, "http://example.org/Cafe", [])
    assert address.join_url("K7QX9M") == "http://example.org/Cafe/J/K7QX9M"


def test_own_host_names_and_host_header_parsing() -> None:
    names = own_host_names("0.0.0.0", "http://Pi.Local:8080", [_iface("wlan0", "10.42.0.1")])
    assert {"10.42.0.1", "pi.local", "localhost", "127.0.0.1"} <= names
    assert host_of("10.42.0.1:8080") == "10.42.0.1"
    assert host_of("[::1]:8080") == "[::1]"
    assert host_of("Evil.Example") == "evil.example"
