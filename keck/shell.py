"""The base of KECK's viewflow Applications: our page template and a menu that obeys permissions."""

from __future__ import annotations

from dataclasses import dataclass

from viewflow.urls import Application


@dataclass(frozen=True)
class MenuEntry:
    """A link in an application's menu, shown when the user may do `action` in the municipality."""

    title: str
    url_name: str  # name inside the application's namespace, e.g. "index"
    icon: str = "chevron_right"
    action: str | None = None  # accounts.permissions.Action value; None = every member


class KeckApplication(Application):
    base_template_name = "keck/base_page.html"
    menu_template_name = "keck/includes/app_menu.html"
    menu: tuple[MenuEntry, ...] = ()
