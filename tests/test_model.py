"""The session's records survive the trip to a document and back, every field included."""

from __future__ import annotations

from dataclasses import fields

from cocreatie_tui.core.model import Card, CardSource, Participant, Prompt, SessionInfo


def a_card() -> Card:
    return Card(
        id="c-1",
        number=7,
        text="Meer banken in het park",
        source=CardSource.PAPER,
        prompt_id="p2",
        created_at="2026-11-30T15:00:00+00:00",
        author="Mia",
        participant_id="phone-abcdefghijklmnop",
        hidden=True,
        starred=True,
        group_id="g1",
        merged_into="c-0",
        history=["Meer banken", "Meer banken in het park"],
        table=3,
        round=2,
    )


def a_session() -> SessionInfo:
    return SessionInfo(
        id="s1",
        title="Hoe maken we de bib toegankelijker?",
        join_code="ACD479",
        form_token="token",
        created_at="2026-11-30T14:00:00+00:00",
        changed_at="2026-11-30T15:00:00+00:00",
        prompts=[Prompt("p1", "Hoe maken we de bib toegankelijker?"), Prompt("p2", "Wat nu?")],
        active_prompt_id="p2",
    )


def test_every_field_of_every_record_is_in_its_document() -> None:
    records = [a_card(), Participant("phone-abcdefghijklmnop", 4, "Mia"), Prompt("p1", "x")]
    records.append(a_session())
    for record in records:
        assert set(record.to_doc()) == {f.name for f in fields(record)}, type(record).__name__


def test_records_come_back_equal_from_their_documents() -> None:
    card = a_card()
    assert Card.from_doc(card.to_doc()) == card
    participant = Participant("phone-abcdefghijklmnop", 4, None)
    assert Participant.from_doc(participant.to_doc()) == participant
    session = a_session()
    assert SessionInfo.from_doc(session.to_doc()) == session


def test_a_document_is_plain_json_data_and_shares_nothing_with_the_card() -> None:
    card = a_card()
    doc = card.to_doc()
    assert doc["source"] == "paper" and type(doc["source"]) is str
    doc["history"].append("changed later")  # the store owns the document once it is put
    assert card.history == ["Meer banken", "Meer banken in het park"]
    session = a_session()
    session_doc = session.to_doc()
    session_doc["prompts"][0]["text"] = "changed later"
    assert session.prompts[0].text == "Hoe maken we de bib toegankelijker?"
