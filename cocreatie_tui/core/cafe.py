"""The world café of a session as a pure state machine: tables with a theme and a host, the
people (phones and names the facilitator typed), who sits where in every round, and the round
timer.

It is pure so that the hub, the screens, the phones and the tests all see the same rules, with
a clock passed in. Planning (``core.rotation.plan_rotation``) is slow enough to run in a thread,
so this module only prepares a ``RotationProblem`` and takes the plan back, and keeps the
seating right in between:

* rounds already held and the current round are never re-planned: nobody in them moves;
* someone who arrives (a new phone, a typed name, someone marked present again) while the
  current round has not ended is seated in it at the table with the fewest people present (a
  host at their own table), without moving anyone; after the round ended they are seated from
  the next round. They get the same kind of provisional seat in every round to come, so they
  always know where to go, until the re-plan replaces those rounds;
* someone who leaves is taken out of the rounds to come; in the current round they stay in the
  record (they were there), unless its timer has not started yet;
* every change to the people bumps ``version`` and sets ``needs_plan``; a plan made for an
  older version is thrown away (``apply_plan`` answers False).

Rounds and tables are numbered from 0 here and from 1 for people ("Ronde 1", "Tafel 1"); card
tags (``Card.table``, ``Card.round``) use the numbers people see.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from cocreatie_tui.core.model import Card
from cocreatie_tui.core.rotation import RotationPlan, RotationProblem
from cocreatie_tui.core.timer import Countdown, TimerError, TimerStatus, format_clock

TABLE = "cafe"
KEY = "1"
NAME_PREFIX = "name-"  # ids of people the facilitator typed in (phones use their cookie id)
MAX_TABLES = 50
MAX_ROUNDS = 20
MAX_ROUND_SECONDS = 4 * 3600.0
DEFAULT_TABLES = 4
DEFAULT_ROUNDS = 3
DEFAULT_ROUND_SECONDS = 20 * 60.0
THEME_MAX = 60


class CafeError(ValueError):
    """A command that the café's state does not allow; ``key`` names the locale message
    (``cafe.error.<key>``)."""

    def __init__(self, key: str, message: str = "") -> None:
        super().__init__(message or key)
        self.key = key


class CafeStatus(StrEnum):
    SETUP = "setup"  # tables and rounds are being set; nothing planned yet
    READY = "ready"  # the current round is planned and announced, its timer not started
    RUNNING = "running"
    PAUSED = "paused"
    BETWEEN = "between"  # the current round ended; the next one is announced
    FINISHED = "finished"  # the last round ended
    CLOSED = "closed"  # closed by the facilitator: phones no longer see it, cards are not tagged


@dataclass
class CafeTable:
    theme: str = ""
    host: str | None = None


@dataclass
class CafePerson:
    """Someone at the café: a phone (its participant id) or a name the facilitator typed."""

    id: str
    name: str | None = None
    present: bool = True

    @property
    def typed(self) -> bool:
        return self.id.startswith(NAME_PREFIX)


@dataclass(frozen=True)
class PlanStats:
    """How good the plan is (see ``core.rotation``): repeated encounters and their bound."""

    excess: int
    max_pair: int
    revisits: int
    lower_bound: int

    @classmethod
    def of(cls, plan: RotationPlan) -> PlanStats:
        return cls(plan.excess, plan.max_pair, plan.revisits, plan.lower_bound)


@dataclass
class Cafe:
    tables: list[CafeTable] = field(default_factory=list)
    rounds: int = DEFAULT_ROUNDS
    round_seconds: float = DEFAULT_ROUND_SECONDS
    people: dict[str, CafePerson] = field(default_factory=dict)
    seatings: list[dict[str, int]] = field(default_factory=list)
    current: int = -1
    ended: bool = False
    closed: bool = False
    timer: Countdown | None = None
    stats: PlanStats | None = None
    version: int = 0
    needs_plan: bool = False

    # -- state -------------------------------------------------------------------------

    @property
    def configured(self) -> bool:
        return bool(self.tables)

    @property
    def started(self) -> bool:
        return bool(self.seatings)

    @property
    def active(self) -> bool:
        """Planned and not closed: phones see it and their cards are tagged."""
        return self.started and not self.closed

    @property
    def hosts(self) -> dict[str, int]:
        return {table.host: i for i, table in enumerate(self.tables) if table.host is not None}

    def status(self) -> CafeStatus:
        if not self.started:
            return CafeStatus.SETUP
        if self.closed:
            return CafeStatus.CLOSED
        if self.ended:
            return CafeStatus.FINISHED if self.current >= self.rounds - 1 else CafeStatus.BETWEEN
        assert self.timer is not None
        if self.timer.status is TimerStatus.RUNNING:
            return CafeStatus.RUNNING
        if self.timer.status is TimerStatus.PAUSED:
            return CafeStatus.PAUSED
        return CafeStatus.READY

    def present_ids(self) -> list[str]:
        return [p.id for p in self.people.values() if p.present]

    def shown_round(self) -> int | None:
        """The round people should be at now: the current one, or the next once it ended."""
        if not self.active:
            return None
        if not self.ended:
            return self.current
        return self.current + 1 if self.current + 1 < self.rounds else None

    def seat_of(self, person_id: str, round_index: int) -> int | None:
        if 0 <= round_index < len(self.seatings):
            return self.seatings[round_index].get(person_id)
        return None

    def at_tables(self, round_index: int) -> list[list[str]]:
        """Who sits at each table in a round: the host first, then in the order people came."""
        groups: list[list[str]] = [[] for _ in self.tables]
        if not 0 <= round_index < len(self.seatings):
            return groups
        seating = self.seatings[round_index]
        hosts = self.hosts
        order = {pid: i for i, pid in enumerate(self.people)}
        for pid in sorted(seating, key=lambda p: (hosts.get(p) != seating[p], order.get(p, 0))):
            table = seating[pid]
            if 0 <= table < len(groups):
                groups[table].append(pid)
        return groups

    def tags(self, person_id: str) -> dict[str, int]:
        """What a card sent now by this person carries: the table and round (numbered from 1)
        of the current round, if they sit in it; nothing when the café is not on."""
        if not self.active:
            return {}
        table = self.seat_of(person_id, self.current)
        if table is None:
            return {}
        return {"table": table + 1, "round": self.current + 1}

    def table_view(self, table: int) -> dict[str, Any]:
        return {"number": table + 1, "theme": self.tables[table].theme}

    def phone_view(self, person_id: str, now: float) -> dict[str, Any] | None:
        """Where this phone goes now and next (None when the café is not on)."""
        if not self.active:
            return None
        status = self.status()
        shown = self.shown_round()
        person = self.people.get(person_id)
        view: dict[str, Any] = {
            "status": str(status),
            "round": None if shown is None else shown + 1,
            "rounds": self.rounds,
            "known": person is not None,
            "present": person is not None and person.present,
            "table": None,
            "host": False,
            "next": None,
            "timer": None,
        }
        if shown is not None:
            table = self.seat_of(person_id, shown)
            if table is not None:
                view["table"] = self.table_view(table)
                view["host"] = self.hosts.get(person_id) == table
            later = self.seat_of(person_id, shown + 1)
            if later is not None:
                view["next"] = {"round": shown + 2, "table": self.table_view(later)}
        if status in (CafeStatus.READY, CafeStatus.RUNNING, CafeStatus.PAUSED):
            assert self.timer is not None
            view["timer"] = {
                **self.timer.public_state(now),
                "clock": format_clock(self.timer.remaining(now)),
            }
        return view

    # -- setting up --------------------------------------------------------------------

    def configure(
        self,
        themes: Sequence[str],
        hosts: Sequence[str | None],
        rounds: int,
        round_seconds: float,
    ) -> None:
        """Set the tables (a theme and an optional host each), the rounds and their length."""
        if self.started:
            raise CafeError("already_started")
        if not 1 <= len(themes) <= MAX_TABLES or len(hosts) != len(themes):
            raise CafeError("tables", f"1 to {MAX_TABLES} tables")
        if isinstance(rounds, bool) or not isinstance(rounds, int) or not 1 <= rounds <= MAX_ROUNDS:
            raise CafeError("rounds", f"1 to {MAX_ROUNDS} rounds")
        if (
            isinstance(round_seconds, bool)
            or not isinstance(round_seconds, int | float)
            or not 0 < round_seconds <= MAX_ROUND_SECONDS
        ):
            raise CafeError("round_length")
        named = [host for host in hosts if host is not None]
        if len(set(named)) != len(named):
            raise CafeError("host_twice")
        for host in named:
            if host not in self.people:
                raise CafeError("unknown_person", f"no person {host!r}")
        cleaned = [theme.strip() for theme in themes]
        if any(len(theme) > THEME_MAX for theme in cleaned):
            raise CafeError("theme_too_long")
        self.tables = [CafeTable(theme, host) for theme, host in zip(cleaned, hosts, strict=True)]
        self.rounds = rounds
        self.round_seconds = float(round_seconds)
        self.version += 1

    def add_person(self, person_id: str, name: str | None = None) -> CafePerson:
        """Someone new (a phone or a typed name), present; seated at once when the café is on.
        Someone known is marked present again."""
        person = self.people.get(person_id)
        if person is not None:
            self.set_present(person_id, True)
            return person
        person = CafePerson(person_id, name)
        self.people[person_id] = person
        self.version += 1
        if self.active:
            self._arrive(person_id)
        return person

    def set_present(self, person_id: str, present: bool) -> bool:
        """Mark someone present or absent; False when nothing changed."""
        person = self.people.get(person_id)
        if person is None:
            raise CafeError("unknown_person", f"no person {person_id!r}")
        if person.present == present:
            return False
        person.present = present
        self.version += 1
        if self.active:
            if present:
                self._arrive(person_id)
            else:
                self._leave(person_id)
        return True

    def remove_person(self, person_id: str) -> None:
        """Take a typed name off the list (a typing mistake): only while they sit nowhere and
        host no table; otherwise mark them absent."""
        if person_id not in self.people:
            raise CafeError("unknown_person", f"no person {person_id!r}")
        if person_id in self.hosts or any(person_id in seating for seating in self.seatings):
            raise CafeError("person_seated")
        del self.people[person_id]
        self.version += 1

    # -- planning ----------------------------------------------------------------------

    def initial_problem(self) -> RotationProblem:
        """All rounds, for everyone present (hosts at their tables)."""
        if self.started:
            raise CafeError("already_started")
        if not self.configured:
            raise CafeError("not_configured")
        present = self.present_ids()
        if not present:
            raise CafeError("no_people")
        hosts = {pid: t for pid, t in self.hosts.items() if pid in set(present)}
        return RotationProblem(present, len(self.tables), self.rounds, hosts)

    def begin(self, plan: RotationPlan) -> None:
        """Take the first plan: round 1 is announced, its timer ready."""
        if self.started:
            raise CafeError("already_started")
        if len(plan.rounds) != self.rounds:
            raise CafeError("invalid_plan")
        self.seatings = [dict(seating) for seating in plan.rounds]
        self.current = 0
        self.ended = False
        self.closed = False
        self.timer = Countdown(self.round_seconds)
        self.stats = PlanStats.of(plan)
        self.needs_plan = False
        self.version += 1
        # Whoever came or went while the plan was being made is seated or unseated now.
        for person in self.people.values():
            if person.present and person.id not in self.seatings[0]:
                self._arrive(person.id)
            elif not person.present and person.id in self.seatings[0]:
                self._leave(person.id)

    def replan_problem(self) -> RotationProblem | None:
        """The rounds after the current one, for everyone present now; held rounds and the
        current one are frozen. None when there is nothing left to plan."""
        if not self.active or self.current + 1 >= self.rounds:
            return None
        present = self.present_ids()
        present_set = set(present)
        hosts = {pid: t for pid, t in self.hosts.items() if pid in present_set}
        held = [dict(seating) for seating in self.seatings[: self.current + 1]]
        return RotationProblem(present, len(self.tables), self.rounds, hosts, held=held)

    def apply_plan(self, plan: RotationPlan, version: int) -> bool:
        """Take a re-plan made from ``replan_problem`` at ``version``; False (and nothing
        changes) when the people changed since, or the plan does not fit."""
        if version != self.version or not self.active or len(plan.rounds) != self.rounds:
            return False
        for index in range(self.current + 1, self.rounds):
            self.seatings[index] = dict(plan.rounds[index])
        self.stats = PlanStats.of(plan)
        self.needs_plan = False
        self.version += 1
        return True

    def plan(self) -> RotationPlan:
        """The seating of every round as a ``RotationPlan`` (for the printable plan)."""
        stats = self.stats or PlanStats(0, 0, 0, 0)
        return RotationPlan(
            rounds=[dict(s) for s in self.seatings],
            excess=stats.excess,
            max_pair=stats.max_pair,
            revisits=stats.revisits,
            lower_bound=stats.lower_bound,
        )

    # -- rounds ------------------------------------------------------------------------

    def start_round(self, now: float) -> None:
        if self.status() is not CafeStatus.READY:
            raise CafeError("not_ready")
        assert self.timer is not None
        self.timer.start(now)

    def toggle_pause(self, now: float) -> CafeStatus:
        """Start the announced round, pause a running one, resume a paused one."""
        status = self.status()
        assert self.timer is not None or status is CafeStatus.SETUP
        if status is CafeStatus.READY:
            self.start_round(now)
        elif status is CafeStatus.RUNNING:
            assert self.timer is not None
            self.timer.pause(now)
        elif status is CafeStatus.PAUSED:
            assert self.timer is not None
            self.timer.resume(now)
        else:
            raise CafeError("no_round")
        return self.status()

    def add_time(self, seconds: float, now: float) -> None:
        if self.status() not in (CafeStatus.READY, CafeStatus.RUNNING, CafeStatus.PAUSED):
            raise CafeError("no_round")
        assert self.timer is not None
        try:
            self.timer.add_time(seconds, now)
        except TimerError as error:
            raise CafeError("round_length", str(error)) from error

    def end_round(self, now: float) -> None:
        if self.status() not in (CafeStatus.RUNNING, CafeStatus.PAUSED):
            raise CafeError("not_running")
        assert self.timer is not None
        if self.timer.status is TimerStatus.RUNNING:
            self.timer.pause(now)
        self.ended = True

    def next_round(self) -> None:
        """Announce the next round (its timer ready); only after the current one ended."""
        if self.status() is not CafeStatus.BETWEEN:
            raise CafeError("not_between")
        self.current += 1
        self.ended = False
        self.timer = Countdown(self.round_seconds)
        if self.current + 1 >= self.rounds:
            self.needs_plan = False  # nothing after this round to plan
        for pid in self.present_ids():  # defensive: everyone present has a seat
            if pid not in self.seatings[self.current]:
                self._arrive(pid)

    def close(self, now: float) -> None:
        """Phones no longer see the café and cards are no longer tagged; the plan is kept."""
        if not self.started:
            raise CafeError("not_started")
        if self.timer is not None and self.timer.status is TimerStatus.RUNNING:
            self.timer.pause(now)
        self.closed = True
        self.needs_plan = False

    def take_end_signal(self, now: float) -> bool:
        """True once when the round's time is up (the screens flash and ring)."""
        if self.status() not in (CafeStatus.RUNNING, CafeStatus.PAUSED):
            return False
        assert self.timer is not None
        return self.timer.take_end_signal(now)

    # -- arrivals and departures -------------------------------------------------------

    def _first_open_round(self) -> int:
        """The first round an arrival can still join: the current one until it ended."""
        return self.current + 1 if self.ended else self.current

    def _arrive(self, person_id: str) -> None:
        for index in range(self._first_open_round(), self.rounds):
            if person_id not in self.seatings[index]:
                self.seatings[index][person_id] = self._table_for_arrival(index, person_id)
        self.needs_plan = self.current + 1 < self.rounds

    def _leave(self, person_id: str) -> None:
        first = self.current + 1
        if self.status() is CafeStatus.READY:  # the round has not begun: they were not there
            first = self.current
        for index in range(first, self.rounds):
            self.seatings[index].pop(person_id, None)
        self.needs_plan = self.current + 1 < self.rounds

    def _table_for_arrival(self, round_index: int, person_id: str) -> int:
        """A host's own table; else the table with the fewest people present (the lowest
        number on a tie). Nobody else moves."""
        host_table = self.hosts.get(person_id)
        if host_table is not None:
            return host_table
        sizes = [0] * len(self.tables)
        for pid, table in self.seatings[round_index].items():
            person = self.people.get(pid)
            if person is not None and person.present and pid != person_id:
                sizes[table] += 1
        return min(range(len(sizes)), key=lambda t: (sizes[t], t))

    # -- saving ------------------------------------------------------------------------

    def to_doc(self, now: float) -> dict[str, Any]:
        """A JSON-able snapshot; the timer as elapsed seconds, never a clock reading."""
        return {
            "tables": [{"theme": t.theme, "host": t.host} for t in self.tables],
            "rounds": self.rounds,
            "round_seconds": self.round_seconds,
            "people": [
                {"id": p.id, "name": p.name, "present": p.present} for p in self.people.values()
            ],
            "seatings": [dict(s) for s in self.seatings],
            "current": self.current,
            "ended": self.ended,
            "closed": self.closed,
            "timer": None if self.timer is None else self.timer.to_dict(now),
            "stats": None if self.stats is None else vars(self.stats).copy(),
            "version": self.version,
            "needs_plan": self.needs_plan,
        }

    @classmethod
    def from_doc(cls, doc: Any) -> Cafe:
        """Restore a saved café; a running round comes back paused with the time it had left."""
        if not isinstance(doc, Mapping):
            raise CafeError("invalid_data", "a saved café must be a mapping")
        try:
            people: dict[str, CafePerson] = {}
            for item in doc.get("people", []):
                person = CafePerson(
                    str(item["id"]), item.get("name"), bool(item.get("present", True))
                )
                people[person.id] = person
            tables = [
                CafeTable(
                    str(t.get("theme", "")), None if t.get("host") is None else str(t["host"])
                )
                for t in doc.get("tables", [])
            ]
            seatings = [
                {str(pid): int(table) for pid, table in seating.items()}
                for seating in doc.get("seatings", [])
            ]
            stats = doc.get("stats")
            timer = doc.get("timer")
            cafe = cls(
                tables=tables,
                rounds=int(doc.get("rounds", DEFAULT_ROUNDS)),
                round_seconds=float(doc.get("round_seconds", DEFAULT_ROUND_SECONDS)),
                people=people,
                seatings=seatings,
                current=int(doc.get("current", -1)),
                ended=bool(doc.get("ended", False)),
                closed=bool(doc.get("closed", False)),
                timer=None if timer is None else Countdown.from_dict(timer),
                stats=None if stats is None else PlanStats(**{k: int(v) for k, v in stats.items()}),
                version=int(doc.get("version", 0)),
                needs_plan=bool(doc.get("needs_plan", False)),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise CafeError("invalid_data", f"not a saved café: {error}") from error
        cafe._check()
        return cafe

    def _check(self) -> None:
        n = len(self.tables)
        if self.seatings:
            if len(self.seatings) != self.rounds or not 0 <= self.current < self.rounds:
                raise CafeError("invalid_data", "rounds and seatings do not match")
            if self.timer is None:
                raise CafeError("invalid_data", "a planned café has a round timer")
        for seating in self.seatings:
            if any(not 0 <= table < n for table in seating.values()):
                raise CafeError("invalid_data", "a seat at an unknown table")


# -- the harvest -----------------------------------------------------------------------


def _grouped(
    cards: Iterable[Card], key: Callable[[Card], int | None]
) -> dict[int | None, list[Card]]:
    groups: dict[int | None, list[Card]] = {}
    for card in sorted(cards, key=lambda c: c.number):
        groups.setdefault(key(card), []).append(card)
    numbered = sorted(k for k in groups if k is not None)
    ordered = {k: groups[k] for k in numbered}
    if None in groups:
        ordered[None] = groups[None]
    return ordered


def cards_by_table(cards: Iterable[Card]) -> dict[int | None, list[Card]]:
    """Cards per café table (numbered from 1, in order), in arrival order; cards sent outside
    the café (no table) last, under None."""
    return _grouped(cards, lambda card: card.table)


def cards_by_round(cards: Iterable[Card]) -> dict[int | None, list[Card]]:
    """Cards per café round (numbered from 1), like ``cards_by_table``."""
    return _grouped(cards, lambda card: card.round)
