"""Screenshots of the main pages, kept as artifacts of a run: ``var/screenshots/`` (or ``$HUB_SCREENSHOT_DIR``).

``var/`` is in ``.gitignore``: the pictures are for looking at after a run (CI keeps them), never committed.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings

SHOTS = Path(os.environ.get("HUB_SCREENSHOT_DIR", settings.BASE_DIR / "var" / "screenshots"))


def shot(page, name: str) -> Path:
    """Write the whole page as ``<name>.png`` and return its path."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
