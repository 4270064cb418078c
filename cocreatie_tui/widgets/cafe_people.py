"""The café's list of people: who is here, who left, who hosts a table, where they sit now.

An ``OptionList`` (Line API: fine for hundreds of people), names as ``Content`` (a nickname is
participant text, never markup). The keys that change someone are the screen's; the list only
says who is selected.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from cocreatie_tui.features.cafe import CafeFeature
from cocreatie_tui.i18n import Translator


class CafePeopleList(OptionList):
    DEFAULT_CSS = """
    CafePeopleList { height: 1fr; border: round $primary; }
    """

    def show_people(self, cafe: CafeFeature, t: Translator) -> None:
        """Fill the list again, keeping the selected person selected."""
        selected = self.selected_id
        anonymous: Callable[[int], str] = lambda number: t("cafe.phone", number=number)  # noqa: E731
        state = cafe.cafe
        hosts = state.hosts
        shown = state.shown_round()
        options = []
        for person in state.people.values():
            notes = []
            if person.id in hosts:
                notes.append(t("cafe.hosts_table", number=hosts[person.id] + 1))
            if shown is not None and person.present and person.id not in hosts:
                table = state.seat_of(person.id, shown)
                if table is not None:
                    notes.append(t("cafe.table_short", number=table + 1))
            if not person.present:
                notes.append(t("cafe.absent"))
            mark = "✓ " if person.present else "✗ "
            label = Content.assemble(
                (mark, "bold" if person.present else "dim"),
                Content(cafe.label(person.id, anonymous)),
                (f"  {' · '.join(notes)}" if notes else "", "dim"),
            )
            options.append(Option(label, id=person.id))
        self.clear_options()
        self.add_options(options)
        self.border_title = t("cafe.people_title", present=len(state.present_ids()))
        if selected is not None and selected in state.people:
            self.highlighted = self.get_option_index(selected)
        elif options and self.highlighted is None:
            self.highlighted = 0

    @property
    def selected_id(self) -> str | None:
        index = self.highlighted
        if index is None or not 0 <= index < self.option_count:
            return None
        return self.get_option_at_index(index).id
