"""What every screen of the app shares: the translator and the hub, reached through the app.

Bindings are declared with a locale key as their description; each screen translates them
when it is made, so the footer speaks the TUI's language while ``id=`` keeps them rebindable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any, cast

from textual.binding import BindingsMap
from textual.screen import ModalScreen, Screen

if TYPE_CHECKING:
    from textual.app import App

    from cocreatie_tui.app import CocreatieApp
    from cocreatie_tui.hub import Hub
    from cocreatie_tui.i18n import Translator


class AppScreenMixin:
    _bindings: BindingsMap

    @property
    def cocreatie(self) -> CocreatieApp:
        return cast("CocreatieApp", self.app)  # type: ignore[attr-defined]

    @property
    def hub(self) -> Hub:
        return self.cocreatie.hub

    @property
    def t(self) -> Translator:
        return self.cocreatie.t

    def _translate_bindings(self) -> None:
        t = self.t
        translated = BindingsMap()
        for key, bindings in self._bindings.key_to_bindings.items():
            for binding in bindings:
                description = t(binding.description) if binding.description else ""
                translated.key_to_bindings.setdefault(key, []).append(
                    replace(binding, description=description)
                )
        self._bindings = translated


class AppScreen(AppScreenMixin, Screen[None]):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._translate_bindings()


class AppModal(AppScreenMixin, ModalScreen[None]):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._translate_bindings()


def open_family_screen(
    app: App[Any], family: type[Screen[Any]], choose: Callable[[Hub], type[Screen[Any]]]
) -> None:
    """Show the screen ``choose`` picks: nothing if it is on top already, in place of another
    screen of ``family`` (``switch_screen``, so the stack stays board + one), pushed over any
    other screen but a dialog. Without a session: the bell."""
    hub = getattr(app, "hub", None)
    if hub is None or hub.state is None:
        app.bell()
        return
    kind = choose(hub)
    current = app.screen
    if isinstance(current, kind):
        return
    if isinstance(current, family):
        app.switch_screen(kind())
    elif not isinstance(current, AppModal):
        app.push_screen(kind())
