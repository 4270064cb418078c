"""How speaking turns are saved in a session's data file, and what the exports say about them.

The turns feature keeps one document (table ``turns``, key ``1``): the ``SpeakingState``, the
facilitator's settings (names in the report, names on the projector, sound, the activity's
length) and the phones the facilitator took off the list. The exports read the same document
from the data file, so ``cocreatie export`` works while the app runs. Pure code: it knows
nothing about the hub, the screen or the web.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cocreatie_tui.core.model import Participant
from cocreatie_tui.core.timer import format_duration
from cocreatie_tui.core.turns import (
    Speaker,
    SpeakerSource,
    SpeakerStats,
    SpeakingState,
    TurnError,
)

TABLE = "turns"
KEY = "1"
DEFAULT_ACTIVITY_SECONDS = 20 * 60.0

Documents = Mapping[str, Mapping[str, Mapping[str, Any]]]


@dataclass
class TurnSettings:
    """The facilitator's choices, saved with the session.

    Anonymous by default where text leaves the room: names are left out of the report unless
    the facilitator turns them on. In the room (projector, phones) names show by default, so
    the facilitator can see who has not spoken yet; that can be turned off too.
    """

    names_in_report: bool = False
    names_on_projector: bool = True
    sound: bool = True
    activity_seconds: float = DEFAULT_ACTIVITY_SECONDS

    def to_dict(self) -> dict[str, Any]:
        return {
            "names_in_report": self.names_in_report,
            "names_on_projector": self.names_on_projector,
            "sound": self.sound,
            "activity_seconds": self.activity_seconds,
        }

    @classmethod
    def from_dict(cls, data: Any) -> TurnSettings:
        """Lenient: a missing or odd value falls back to its default (settings are not data)."""
        settings = cls()
        if not isinstance(data, dict):
            return settings
        for name in ("names_in_report", "names_on_projector", "sound"):
            if isinstance(data.get(name), bool):
                setattr(settings, name, data[name])
        seconds = data.get("activity_seconds")
        if isinstance(seconds, int | float) and not isinstance(seconds, bool) and 0 < seconds:
            settings.activity_seconds = min(float(seconds), 24 * 3600.0)
        return settings


@dataclass
class TurnsRecord:
    """Everything the turns feature saves. ``dismissed`` are phones taken off the list by the
    facilitator: they are not added again when a round is planned (raising a hand does)."""

    speaking: SpeakingState = field(default_factory=SpeakingState)
    settings: TurnSettings = field(default_factory=TurnSettings)
    dismissed: list[str] = field(default_factory=list)

    def to_document(self, now: float) -> dict[str, Any]:
        return {
            "speaking": self.speaking.to_dict(now),
            "settings": self.settings.to_dict(),
            "dismissed": list(self.dismissed),
        }

    @classmethod
    def from_document(cls, doc: Any) -> TurnsRecord:
        """Restore; running timers come back paused. Raises ``TurnError("invalid_data")``."""
        if not isinstance(doc, dict):
            raise TurnError("invalid_data", "the turns document is not an object")
        dismissed = doc.get("dismissed", [])
        if not isinstance(dismissed, list) or not all(isinstance(i, str) for i in dismissed):
            raise TurnError("invalid_data", "the dismissed phones are not a list of ids")
        return cls(
            speaking=SpeakingState.from_dict(doc.get("speaking")),
            settings=TurnSettings.from_dict(doc.get("settings")),
            dismissed=list(dismissed),
        )

    @classmethod
    def from_documents(cls, documents: Documents) -> TurnsRecord:
        """The saved record of a session, or an empty one when turns were never used."""
        doc = documents.get(TABLE, {}).get(KEY)
        return cls() if doc is None else cls.from_document(doc)


def speaker_label(
    speaker: Speaker,
    participants: Mapping[str, Participant],
    anonymous: Callable[[int], str],
) -> str:
    """How to call someone: a phone's current nickname, else "Deelnemer 7" (its number);
    a name the facilitator typed as typed."""
    if speaker.source is SpeakerSource.PHONE:
        participant = participants.get(speaker.id)
        if participant is not None:
            return participant.nickname or anonymous(participant.number)
    return speaker.name


# -- exports -------------------------------------------------------------------------------


def export_record(documents: Documents, participants: Mapping[str, Participant]) -> dict[str, Any]:
    """The ``speaking`` part of the JSON export: always complete, with names.

    Phones' cookie ids never leave the data file: speakers are numbered in the order they were
    added, a phone also carries its participant number.
    """
    try:
        record = TurnsRecord.from_documents(documents)
    except TurnError:
        return {"unreadable": True}
    speaking = record.speaking
    numbers = {speaker_id: index for index, speaker_id in enumerate(speaking.speakers, 1)}
    stats = speaking.statistics(0.0)  # restored timers are paused: the clock does not matter
    spoken = {s.speaker_id for s in stats if s.turns}
    turns = [(turn, False) for turn in speaking.history]
    if speaking.current is not None and speaking.current_timer is not None:
        timer = speaking.current_timer
        speaking.current.allotted_s = timer.duration_s
        speaking.current.duration_s = timer.elapsed(0.0)
        speaking.current.overtime_s = timer.overtime(0.0)
        turns.append((speaking.current, True))
    return {
        "names_in_report": record.settings.names_in_report,
        "turn_seconds": speaking.turn_seconds,
        "total_s": sum(s.total_s for s in stats),
        "turns": sum(s.turns for s in stats),
        "speakers": [
            _speaker_record(speaking.speakers[s.speaker_id], s, numbers, participants, spoken)
            for s in stats
        ],
        "not_yet_spoken": [numbers[i] for i in speaking.not_yet_spoken()],
        "history": [
            {
                "speaker": numbers[turn.speaker_id],
                "mode": str(turn.mode),
                "step": turn.step,
                "round": turn.round_number,
                "allotted_s": turn.allotted_s,
                "duration_s": turn.duration_s,
                "overtime_s": turn.overtime_s,
                "passed": turn.passed,
                "ongoing": ongoing,
            }
            for turn, ongoing in turns
        ],
    }


def _speaker_record(
    speaker: Speaker,
    stats: SpeakerStats,
    numbers: Mapping[str, int],
    participants: Mapping[str, Participant],
    spoken: set[str],
) -> dict[str, Any]:
    participant = participants.get(speaker.id) if speaker.source is SpeakerSource.PHONE else None
    if speaker.source is SpeakerSource.PHONE:
        name = participant.nickname if participant is not None else None
    else:
        name = speaker.name
    return {
        "number": numbers[speaker.id],
        "name": name,
        "source": str(speaker.source),
        "participant": participant.number if participant is not None else None,
        "active": speaker.active,
        "total_s": stats.total_s,
        "turns": stats.turns,
        "share": stats.share,
        "passes": stats.passes,
        "overtime_s": stats.overtime_s,
        "has_spoken": speaker.id in spoken,
    }


def markdown_lines(
    documents: Documents,
    participants: Mapping[str, Participant],
    t: Callable[..., str],
    escape: Callable[[str], str],
) -> list[str]:
    """The speaking-time section of the report, with or without names as the facilitator
    chose; nothing when turns were never used."""
    try:
        record = TurnsRecord.from_documents(documents)
    except TurnError:
        return []
    speaking = record.speaking
    stats = speaking.statistics(0.0)
    if not stats:
        return []
    with_names = record.settings.names_in_report

    def label(speaker_id: str) -> str:
        name = speaker_label(
            speaking.speakers[speaker_id],
            participants,
            lambda number: t("turns.anonymous", number=number),
        )
        return escape(name)

    spoken = [s for s in stats if s.turns]
    waiting = speaking.not_yet_spoken()
    lines = [
        f"## {t('turns.report.title')}",
        "",
        t(
            "turns.report.summary",
            total=format_duration(sum(s.total_s for s in stats)),
            turns=sum(s.turns for s in stats),
            spoken=len(spoken),
            people=len(stats),
        ),
        "",
    ]
    rows = sorted(spoken, key=lambda s: -s.total_s) if not with_names else spoken
    if rows:
        header = [t("turns.report.time"), t("turns.report.turns"), t("turns.report.share")]
        if with_names:
            header.insert(0, t("turns.report.who"))
        lines.append("| " + " | ".join(header) + " |")
        alignment = ["---"] * with_names + ["---:"] * 3
        lines.append("| " + " | ".join(alignment) + " |")
        for s in rows:
            cells = [format_duration(s.total_s), str(s.turns), f"{round(s.share * 100)} %"]
            if with_names:
                cells.insert(0, label(s.speaker_id))
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    if waiting:
        if with_names:
            names = ", ".join(label(i) for i in waiting)
            lines += [t("turns.report.not_yet_names", names=names), ""]
        else:
            lines += [t("turns.report.not_yet_count", count=len(waiting)), ""]
    return lines
