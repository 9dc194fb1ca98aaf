#!/usr/bin/env python
"""Django's command-line utility for the supplier hub.

``translate`` and ``formats`` need no database and no web stack: they run straight
from ``hub.formats.cli`` so that a 10 MB interchange is not slowed by Django's start-up.
"""

import os
import sys

FAST_COMMANDS = {"translate", "formats", "generate_sample"}


def main() -> None:
    """Run a management command (the codec commands without loading Django)."""
    if len(sys.argv) > 1 and sys.argv[1] in FAST_COMMANDS and "--settings" not in sys.argv:
        from hub.formats.cli import main as formats_main

        sys.exit(formats_main(sys.argv[1:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
