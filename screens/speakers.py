"""The list of speakers: plan and edit a round, keep the queue of people who asked for the floor,
add people without a phone by name, and give the floor."""

from __future__ import annotations

from cocreatie_tui.screens.turns_common import TurnsScreen
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from cocreatie_tui.core.timer import format_clock
from cocreatie_tui.core.turns import SpeakerSource, TurnMode
from cocreatie_tui.widgets.status import flash


class SpeakersScreen(TurnsScreen):
    BINDINGS = [
        Binding("a", "add_name", "turns.key.add_name", id="turns.add_name"),
        Binding("h", "hand", "turns.key.hand", id="turns.hand"),
        Binding("g", "give_floor", "turns.key.give", id="turns.give"),
        Binding("i", "add_to_round", "turns.key.add_to_round", id="turns.add_to_round"),
        Binding("shift+up,ctrl+up", "move(-1)", "turns.key.up", id="turns.up", show=False),
        Binding("shift+down,ctrl+down", "move(1)", "turns.key.down", id="turns.down", show=False),
        Binding("delete,x", "remove", "turns.key.remove", id="turns.remove", show=False),
        Binding("f", "first_timers", "turns.key.first_timers", id="turns.first_timers", show=False),
        Binding("o", "add_phones", "turns.key.phones", id="turns.phones", show=False),
        Binding("k", "open('timer')", "turns.key.timer", id="turns.timer"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._shown: list[tuple[str, str]] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="speakers-heading")
        yield Static("", id="speakers-floor")
        yield OptionList(id="speaker-list")
        yield Static("", id="speakers-help")
        yield Footer()

    async def on_mount(self) -> None:
        # TurnsScreen.on_mount runs too (Textual calls every class's handler).
        self.query_one(OptionList).focus()
        # Phones in the room belong on the list; the facilitator may take them off again.
        await self.command(self.turns.add_missing_phones())

    def on_end_signal(self) -> None:
        flash(self.query_one("#speakers-floor"))

    def selected(self) -> str | None:
        options = self.query_one(OptionList)
        if options.highlighted is None:
            return None
        return options.get_option_at_index(options.highlighted).id

    def ordered(self) -> list[tuple[str, str]]:
        """Every speaker with the mark that says where they are, in the order that matters now."""
        speaking = self.turns.speaking
        rows: list[tuple[str, str]] = []
        placed: set[str] = set()

        def put(speaker_id: str, mark: str) -> None:
            if speaker_id not in placed:
                placed.add(speaker_id)
                rows.append((speaker_id, mark))

        if speaking.current is not None:
            put(speaking.current.speaker_id, "▶")
        if speaking.mode is TurnMode.QUEUE:
            for index, speaker_id in enumerate(speaking.queue, 1):
                put(speaker_id, f"✋{index}")
        else:
            upcoming = speaking.round_order[speaking.round_position :]
            for index, speaker_id in enumerate(upcoming, 1):
                put(speaker_id, f"{index}.")
            for speaker_id in speaking.round_passed:
                put(speaker_id, "↺")
        for speaker_id in speaking.active_speakers():
            put(speaker_id, "✓" if speaking.has_spoken(speaker_id) else "·")
        return rows

    def show_now(self) -> None:
        if self.hub.state is None:
            return
        turns, t = self.turns, self.t
        speaking = turns.speaking
        now = turns.now()
        mode = t(f"turns.mode.{speaking.mode}")
        if speaking.mode is TurnMode.ROUND and speaking.round_active:
            mode += " · " + t("turns.heading.round", number=speaking.round_number)
        if speaking.mode is TurnMode.QUEUE and speaking.first_timers_first:
            mode += " · " + t("turns.first_timers_on")
        self.query_one("#speakers-heading", Static).update(Content(mode))
        floor = self.query_one("#speakers-floor", Static)
        if speaking.current is not None and speaking.current_timer is not None:
            timer = speaking.current_timer
            floor.update(
                Content(
                    t(
                        "turns.floor",
                        name=self.name_of(speaking.current.speaker_id),
                        clock=format_clock(timer.remaining(now)),
                    )
                )
            )
            floor.set_class(timer.is_over(now), "-over")
        else:
            floor.update(Content(t("turns.nobody")))
            floor.set_class(False, "-over")
        self._fill_list()
        self.query_one("#speakers-help", Static).update(Content(self._help()))

    def _fill_list(self) -> None:
        options = self.query_one(OptionList)
        rows = self.ordered()
        # Turns counted, not the time: the list must not change every second.
        spoken = {s.speaker_id: s.turns for s in self.turns.speaking.statistics(0.0)}
        wanted = []
        for speaker_id, mark in rows:
            speaker = self.turns.speaking.speakers[speaker_id]
            count = spoken.get(speaker_id, 0)
            notes = (
                [self.t("turns.list.typed")] if speaker.source is SpeakerSource.FACILITATOR else []
            )
            if count:
                notes.append(self.t("turns.list.turns", count=count))
            prompt = Content.assemble(
                (f"{mark:<4}", "bold"), self.name_of(speaker_id), (f"  {' · '.join(notes)}", "dim")
            )
            wanted.append((speaker_id, prompt))
        shown = [(speaker_id, prompt.plain) for speaker_id, prompt in wanted]
        if shown == self._shown:
            return
        self._shown = shown
        keep = self.selected()
        highlighted = options.highlighted
        options.set_options([Option(prompt, id=speaker_id) for speaker_id, prompt in wanted])
        ids = [speaker_id for speaker_id, _ in wanted]
        if keep in ids:
            options.highlighted = ids.index(keep)
        elif ids:
            options.highlighted = min(highlighted or 0, len(ids) - 1)

    def _help(self) -> str:
        if not self.turns.speaking.speakers:
            return self.t("turns.help.empty")
        if self.turns.speaking.mode is TurnMode.QUEUE:
            return self.t("turns.help.queue")
        return self.t("turns.help.round")

    # -- keys of this screen -----------------------------------------------------------

    def action_add_name(self) -> None:
        async def add(name: str) -> None:
            if await self.command(self.turns.add_named_speaker(name)):
                self.notify(self.t("turns.added", name=name.strip()))

        self.ask(self.t("turns.ask.name"), "", add, max_length=40)

    async def action_hand(self) -> None:
        speaker_id = self.selected()
        if speaker_id is not None:
            await self.command(self.turns.toggle_hand(speaker_id))

    async def action_give_floor(self) -> None:
        speaker_id = self.selected()
        if speaker_id is not None:
            await self.command(self.turns.give_floor(speaker_id))

    async def action_add_to_round(self) -> None:
        speaker_id = self.selected()
        if speaker_id is not None:
            await self.command(self.turns.add_to_round(speaker_id))

    async def action_move(self, offset: int) -> None:
        speaker_id = self.selected()
        if speaker_id is not None:
            await self.command(self.turns.move(speaker_id, offset))

    async def action_remove(self) -> None:
        speaker_id = self.selected()
        if speaker_id is not None:
            await self.command(self.turns.remove_speaker(speaker_id))

    async def action_first_timers(self) -> None:
        if await self.command(self.turns.toggle_first_timers_first()):
            on = self.turns.speaking.first_timers_first
            self.notify(self.t("turns.first_timers_on" if on else "turns.first_timers_off"))

    async def action_add_phones(self) -> None:
        added = self.turns.missing_phones()
        if await self.command(self.turns.add_missing_phones()):
            self.notify(self.t("turns.phones_added", count=len(added)))

    @on(OptionList.OptionSelected, "#speaker-list")
    async def chosen(self) -> None:
        """Enter: in the queue the floor goes to this person; in a round they join it."""
        if self.turns.speaking.mode is TurnMode.QUEUE:
            await self.action_give_floor()
        else:
            await self.action_add_to_round()
