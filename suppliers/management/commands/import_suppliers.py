"""``manage.py import_suppliers FILE [--all-or-nothing] [--dry-run]``: supplier master data from CSV/XLSX.

Prints a progress bar, then one line per bad value (row, file line, column) and a
summary. Exit status 0 when every row was good, 2 when some rows were bad (the good
ones are imported unless ``--all-or-nothing``), 1 when the file cannot be read at all.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from suppliers.imports import ImportFileError, suppliers_import


class Command(BaseCommand):
    help = "Import supplier master data from a CSV or XLSX file (idempotent); exit 2 after naming every bad row."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file")
        parser.add_argument("--all-or-nothing", action="store_true", help="import nothing when any row is bad")
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from None
        bars: dict[str, tqdm] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if options["no_progress"]:
                return
            bar = bars.get(stage)
            if bar is None:
                for other in bars.values():
                    other.close()
                label = {"check": "checking rows", "write": "writing suppliers"}.get(stage, stage)
                bar = bars[stage] = tqdm(total=total or None, desc=label, unit=" rows", file=sys.stderr, leave=True, mininterval=0.3)
            if total and bar.total != total:
                bar.total = total
            bar.update(done - bar.n)

        try:
            result = suppliers_import(
                data=data, filename=path.name, all_or_nothing=options["all_or_nothing"], dry_run=options["dry_run"], progress=progress
            )
        except ImportFileError as exc:
            raise CommandError(f"{path.name}: {exc}") from None
        finally:
            for bar in bars.values():
                bar.close()
        for warning in result.warnings:
            self.stderr.write(f"warning: {warning}")
        for error in result.errors:
            self.stderr.write(f"{path.name}: {error}")
        if result.committed:
            verb = "imported"
        elif options["dry_run"]:
            verb = "dry run, nothing written"
        else:
            verb = "nothing imported (--all-or-nothing)"
        self.stdout.write(
            f"{verb}: {result.rows} rows, {result.created} new, {result.updated} updated, {result.unchanged} unchanged, {result.bad_rows} bad"
        )
        if result.errors:
            sys.exit(2)
