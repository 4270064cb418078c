"""The session's records as plain dataclasses, each convertible to and from a JSON document."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class CardSource(StrEnum):
    PHONE = "phone"
    FACILITATOR = "facilitator"
    PAPER = "paper"


@dataclass
class Prompt:
    """A question put to the room; cards answer the prompt that was active when sent."""

    id: str
    text: str

    def to_doc(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text}

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Prompt:
        return cls(id=str(doc["id"]), text=str(doc["text"]))


@dataclass
class Card:
    """One idea. ``number`` is its place in arrival order and its key in the data file."""

    id: str
    number: int
    text: str
    source: CardSource
    prompt_id: str
    created_at: str
    author: str | None = None
    participant_id: str | None = None
    hidden: bool = False
    starred: bool = False
    group_id: str | None = None
    merged_into: str | None = None
    history: list[str] = field(default_factory=list)
    table: int | None = None
    round: int | None = None

    def to_doc(self) -> dict[str, Any]:
        # Written out: dataclasses.asdict deep-copies every field, ~20x slower, for every card
        # of a burst (tests check that every field is here).
        return {
            "id": self.id,
            "number": self.number,
            "text": self.text,
            "source": self.source.value,
            "prompt_id": self.prompt_id,
            "created_at": self.created_at,
            "author": self.author,
            "participant_id": self.participant_id,
            "hidden": self.hidden,
            "starred": self.starred,
            "group_id": self.group_id,
            "merged_into": self.merged_into,
            "history": list(self.history),
            "table": self.table,
            "round": self.round,
        }

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Card:
        return cls(
            id=str(doc["id"]),
            number=int(doc["number"]),
            text=str(doc["text"]),
            source=CardSource(doc.get("source", "phone")),
            prompt_id=str(doc.get("prompt_id", "")),
            created_at=str(doc.get("created_at", "")),
            author=doc.get("author"),
            participant_id=doc.get("participant_id"),
            hidden=bool(doc.get("hidden", False)),
            starred=bool(doc.get("starred", False)),
            group_id=doc.get("group_id"),
            merged_into=doc.get("merged_into"),
            history=list(doc.get("history", [])),
            table=doc.get("table"),
            round=doc.get("round"),
        )


@dataclass
class Participant:
    """A phone in this session: a random id from its cookie, nothing else about the person."""

    id: str
    number: int
    nickname: str | None = None

    def to_doc(self) -> dict[str, Any]:
        return {"id": self.id, "number": self.number, "nickname": self.nickname}

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Participant:
        return cls(id=str(doc["id"]), number=int(doc["number"]), nickname=doc.get("nickname"))


@dataclass
class SessionInfo:
    """What identifies a session and what the room is asked."""

    id: str
    title: str
    join_code: str
    form_token: str
    created_at: str
    changed_at: str
    prompts: list[Prompt]
    active_prompt_id: str

    @property
    def active_prompt(self) -> Prompt:
        for prompt in self.prompts:
            if prompt.id == self.active_prompt_id:
                return prompt
        return self.prompts[0]

    def to_doc(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "join_code": self.join_code,
            "form_token": self.form_token,
            "created_at": self.created_at,
            "changed_at": self.changed_at,
            "prompts": [prompt.to_doc() for prompt in self.prompts],
            "active_prompt_id": self.active_prompt_id,
        }

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> SessionInfo:
        prompts = [Prompt.from_doc(p) for p in doc.get("prompts", [])]
        if not prompts:
            prompts = [Prompt(id="p1", text=str(doc["title"]))]
        return cls(
            id=str(doc["id"]),
            title=str(doc["title"]),
            join_code=str(doc["join_code"]),
            form_token=str(doc["form_token"]),
            created_at=str(doc["created_at"]),
            changed_at=str(doc.get("changed_at", doc["created_at"])),
            prompts=prompts,
            active_prompt_id=str(doc.get("active_prompt_id", prompts[0].id)),
        )


@dataclass
class SessionState:
    """Everything the hub holds for the live session, rebuilt from the data file at start."""

    info: SessionInfo
    cards: dict[str, Card] = field(default_factory=dict)
    participants: dict[str, Participant] = field(default_factory=dict)

    @classmethod
    def from_documents(cls, documents: dict[str, dict[str, dict[str, Any]]]) -> SessionState:
        """Rebuild the state from a data file's tables (``session``, ``cards``, ...)."""
        session_doc = documents.get("session", {}).get("1")
        if session_doc is None:
            raise ValueError("the data file holds no session")
        state = cls(info=SessionInfo.from_doc(session_doc))
        for doc in documents.get("cards", {}).values():
            card = Card.from_doc(doc)
            state.cards[card.id] = card
        for doc in documents.get("participants", {}).values():
            participant = Participant.from_doc(doc)
            state.participants[participant.id] = participant
        return state

    def cards_in_order(self) -> list[Card]:
        return sorted(self.cards.values(), key=lambda card: card.number)

    def next_card_number(self) -> int:
        return max((card.number for card in self.cards.values()), default=0) + 1

    def next_participant_number(self) -> int:
        return max((p.number for p in self.participants.values()), default=0) + 1
