"""Sections a lower app's page shows and a higher app renders.

The home page (portal) lists themes and progress (courses) and workshops
(bookings); a module page (courses) ends with matching counsellors
(bookings). The lower app names the section and keeps a fallback; the app
that owns the data registers a renderer from its `AppConfig.ready()`. So no
lower app imports a higher one, and a page still renders (with its fallback)
when the owning app is absent.

A renderer takes the template context (and the tag's arguments) and returns
HTML.
"""

from __future__ import annotations

from collections.abc import Callable

from django.template.loader import render_to_string

Renderer = Callable[..., str]

# Section name -> renderer. Public so a test can take one out with monkeypatch.
RENDERERS: dict[str, Renderer] = {}


def register(name: str, renderer: Renderer) -> Renderer:
    RENDERERS[name] = renderer
    return renderer


def render(name: str, context, *args, fallback: str | None = None,
           fallback_context: dict | None = None) -> str:
    """The registered renderer's HTML, else the `fallback` template (or "")."""
    renderer = RENDERERS.get(name)
    if renderer is not None:
        return renderer(context, *args)
    if fallback is None:
        return ""
    return render_to_string(fallback, fallback_context or {},
                            request=context.get("request"))
