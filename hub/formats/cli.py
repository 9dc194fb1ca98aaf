"""``manage.py translate``, ``formats`` and ``generate_sample`` without Django.

These commands need no database; running them before Django loads keeps a translate
of a large interchange free of the web stack's start-up cost. ``translate`` reads every
format through ``registry.stream``, the parse path ingest uses, message by message.
Bad input ends with exit status 2 and one line on stderr that says what is wrong and
where, never a traceback, and nothing on stdout; a file that mixes good and refused
messages prints its documents and names each refused message on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence

from hub.formats import registry, tolerance
from hub.formats.canonical import to_json
from hub.formats.errors import FormatError, MessageResult, MessageStream
from hub.formats.translation import render_result

EXIT_BAD_INPUT = 2


def translate(argv: Sequence[str]) -> int:
    """Translate FILE to canonical JSON (default) or to another format (``--to``).

    A file that mixes supported and refused messages (an 810 or INVOIC among orders)
    prints the documents that came out and names each refused message on stderr; it
    exits 0 when at least one document came out, 2 when none did or, with
    ``--strict``, when any message was refused. An envelope fault (counts, a truncated
    file) refuses the whole interchange, as ingest does.
    """
    parser = argparse.ArgumentParser(prog="manage.py translate", description="Translate an EDI/XML/CSV file to canonical JSON or another format.")
    parser.add_argument("file")
    parser.add_argument("--from", dest="source", default=None, help="format of FILE (default: detected)")
    parser.add_argument("--to", dest="target", default="json", help="json (default) or a format name from 'manage.py formats'")
    parser.add_argument("--strict", action="store_true", help="exit 2 when any message is refused (default: 0 when at least one document came out)")
    parser.add_argument(
        "--tolerate-counts", action="store_true", help="accept UNT/SE/GE/UNE/UNZ/IEA count mismatches with a warning, as a partner profile may"
    )
    args = parser.parse_args(argv)
    try:
        fh = open(args.file, "rb")  # noqa: SIM115 - closed below, after the stream is read
    except OSError as exc:
        print(f"{args.file}: cannot read the file: {exc.strerror}", file=sys.stderr)
        return EXIT_BAD_INPUT
    with fh:
        _detection, stream = registry.stream(fh, args.source)
        if args.tolerate_counts:
            stream = tolerance.relaxed(stream)
        if args.target.lower() == "json":
            return _json(args.file, stream, args.strict)
        return _render(args.file, stream, args.target, args.strict)


REFUSALS_SHOWN = 20  # refused messages named one per line on stderr; the rest are counted


class _Refusals:
    """The messages refused while translating: one line each on stderr (the first few), and a count."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.lines: list[str] = []
        self.messages = 0
        self.errors = 0
        self.first: FormatError | None = None

    def add(self, message: MessageResult) -> None:
        self.messages += 1
        self.errors += len(message.errors)
        if self.first is None:
            self.first = message.errors[0]
        if len(self.lines) < REFUSALS_SHOWN:
            more = len(message.errors) - 1
            self.lines.append(f"{self.path}: {message.errors[0]}" + (f" (and {more} more errors)" if more else ""))

    def report(self) -> None:
        for line in self.lines:
            print(line, file=sys.stderr)
        if self.messages > len(self.lines):
            print(f"{self.path}: {self.messages - len(self.lines)} more messages refused", file=sys.stderr)


def _exit_code(documents: int, refusals: _Refusals, strict: bool) -> int:
    """0 when the file gave documents (or refused nothing); 2 when nothing came out of it, or ``strict`` and something was refused."""
    if refusals.messages and (strict or not documents):
        return EXIT_BAD_INPUT
    return 0


def _bad(path: str, stream: MessageStream, refusals: _Refusals) -> int:
    """Say the first error (envelope errors first, as ``ParseResult.all_errors`` orders them) on one line; exit 2."""
    first = stream.errors[0] if stream.errors else refusals.first
    total = len(stream.errors) + refusals.errors
    more = f" (and {total - 1} more errors)" if total > 1 else ""
    print(f"{path}: {first}{more}", file=sys.stderr)
    return EXIT_BAD_INPUT


def _json(path: str, stream: MessageStream, strict: bool = False) -> int:
    """Write the documents as a JSON list, message by message, through a spool.

    The JSON reaches stdout only when the file is taken: no envelope fault, at least
    one document (or nothing refused), and nothing refused under ``strict``; refused
    messages are named on stderr either way. Memory stays at what the stream holds
    (one message for the streaming codecs) plus the spool's in-memory part.
    """
    import gc
    import shutil
    import tempfile

    dumps = _dumps()
    refusals = _Refusals(path)
    count = 0
    gc.disable()  # documents are trees without cycles: reference counting frees each message's garbage
    try:
        with tempfile.SpooledTemporaryFile(max_size=8 << 20, mode="w+b") as spool:
            buffer: list[str] = ["["]
            for message in stream:
                if message.errors:
                    refusals.add(message)
                    continue
                for doc in message.documents:
                    buffer.append(",\n" if count else "\n")
                    buffer.append(dumps(to_json(doc)))
                    count += 1
                if len(buffer) >= 1024:
                    spool.write("".join(buffer).encode("utf-8"))
                    buffer.clear()
            if stream.errors:
                return _bad(path, stream, refusals)
            refusals.report()
            code = _exit_code(count, refusals, strict)
            if code:
                return code
            buffer.append("\n]\n" if count else "]\n")
            spool.write("".join(buffer).encode("utf-8"))
            for warning in stream.warnings:
                print(f"{path}: warning: {warning}", file=sys.stderr)
            spool.seek(0)
            sys.stdout.flush()
            shutil.copyfileobj(spool, sys.stdout.buffer, 1 << 20)
            sys.stdout.buffer.flush()
    finally:
        gc.enable()
    return 0


def _render(path: str, stream: MessageStream, target: str, strict: bool = False) -> int:
    """Render the file's documents in another format (this collects the whole file)."""
    result = stream.collect()
    refusals = _Refusals(path)
    for message in result.messages:
        if message.errors:
            refusals.add(message)
    if result.errors:
        return _bad(path, stream, refusals)
    refusals.report()
    code = _exit_code(len(result.documents), refusals, strict)
    if code:
        return code
    for warning in result.warnings:
        print(f"{path}: warning: {warning}", file=sys.stderr)
    try:
        rendered = render_result(result, target)
    except FormatError as exc:
        print(f"{path}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    sys.stdout.buffer.write(rendered)
    return 0


def _dumps() -> Callable[[dict], str]:
    """``json.dumps(doc, ensure_ascii=False)`` with its C encoder built once, not once per document.

    The same bytes as ``json.dumps`` (same separators and string escaping); documents
    are trees of dicts, lists, strings, numbers and None, so no circular check is needed.
    """
    from json import encoder

    make = encoder.c_make_encoder
    if make is None:  # pragma: no cover - CPython always has the C accelerator
        return lambda doc: json.dumps(doc, ensure_ascii=False)
    plain = json.JSONEncoder(ensure_ascii=False)
    iterencode = make(None, plain.default, encoder.encode_basestring, None, ": ", ", ", False, False, True)
    return lambda doc: "".join(iterencode(doc, 0))


def formats(argv: Sequence[str]) -> int:
    """Print the supported formats, versions and message types as a table."""
    argparse.ArgumentParser(prog="manage.py formats", description="List the formats the hub reads and writes.").parse_args(argv)
    rows = [("format", "family", "versions", "messages", "directions")]
    for info in registry.formats():
        rows.append((info.name, info.family, ", ".join(info.versions), ", ".join(info.message_types), ", ".join(info.directions)))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
    return 0


def generate_sample(argv: Sequence[str]) -> int:
    """Write a valid sample file of N documents in any format the registry renders."""
    from hub.formats import samples

    parser = argparse.ArgumentParser(prog="manage.py generate_sample", description="Write a sample file of random but valid documents.")
    parser.add_argument("--format", dest="fmt", required=True, help=f"one of: {', '.join(sorted(samples.SAMPLES))} (or edifact, x12, vda, ubl, cxml)")
    parser.add_argument("--messages", type=int, required=True, help="number of messages/documents")
    parser.add_argument("--seed", type=int, default=1, help="random seed (same seed, same file)")
    parser.add_argument("--output", default="-", help="file to write (default: stdout)")
    args = parser.parse_args(argv)
    try:
        name = samples.resolve(args.fmt)
        if args.messages < 1:
            raise ValueError("--messages must be at least 1")
        if args.output == "-":
            if name.split("-")[0] in samples.SINGLE_DOCUMENT and args.messages > 1:
                raise ValueError(f"{name} holds one document per file: give --output FILE to write {args.messages} files")
            samples.write(name, args.messages, sys.stdout.buffer, args.seed)
            sys.stdout.buffer.flush()
        else:
            paths = samples.write_files(name, args.messages, args.output, args.seed)
            if len(paths) > 1:
                print(f"wrote {len(paths)} files {paths[0]} .. {paths[-1]}", file=sys.stderr)
    except (ValueError, FormatError) as exc:
        print(f"generate_sample: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as exc:
        print(f"generate_sample: cannot write {args.output}: {exc.strerror}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return 0


COMMANDS = {"translate": translate, "formats": formats, "generate_sample": generate_sample}


def main(argv: Sequence[str]) -> int:
    """Run ``argv[0]`` (translate | formats | generate_sample) with the rest as its arguments."""
    name, rest = argv[0], list(argv[1:])
    command = COMMANDS.get(name)
    if command is None:
        print(f"unknown command {name}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        return command(rest)
    except BrokenPipeError:
        return 0
    except Exception as exc:  # the promise is "never a traceback" for any input
        print(f"{name}: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
