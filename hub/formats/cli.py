"""``manage.py translate``, ``formats`` and ``generate_sample`` without Django.

These commands need no database; running them before Django loads keeps a translate
of a large interchange free of the web stack's start-up cost. ``translate`` reads every
format through ``registry.stream``, the parse path ingest uses, message by message.
Bad input ends with exit status 2 and one line on stderr that says what is wrong and
where, never a traceback, and nothing on stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence

from hub.formats import registry
from hub.formats.canonical import to_json
from hub.formats.errors import FormatError, MessageStream
from hub.formats.translation import render_result

EXIT_BAD_INPUT = 2


def translate(argv: Sequence[str]) -> int:
    """Translate FILE to canonical JSON (default) or to another format (``--to``)."""
    parser = argparse.ArgumentParser(prog="manage.py translate", description="Translate an EDI/XML/CSV file to canonical JSON or another format.")
    parser.add_argument("file")
    parser.add_argument("--from", dest="source", default=None, help="format of FILE (default: detected)")
    parser.add_argument("--to", dest="target", default="json", help="json (default) or a format name from 'manage.py formats'")
    args = parser.parse_args(argv)
    try:
        fh = open(args.file, "rb")  # noqa: SIM115 - closed below, after the stream is read
    except OSError as exc:
        print(f"{args.file}: cannot read the file: {exc.strerror}", file=sys.stderr)
        return EXIT_BAD_INPUT
    with fh:
        _detection, stream = registry.stream(fh, args.source)
        if args.target.lower() == "json":
            return _json(args.file, stream)
        return _render(args.file, stream, args.target)


def _bad(path: str, stream: MessageStream, message_errors: list[FormatError], count: int) -> int:
    """Say the first error (envelope errors first, as ``ParseResult.all_errors`` orders them) on one line; exit 2."""
    first = stream.errors[0] if stream.errors else message_errors[0]
    total = len(stream.errors) + count
    more = f" (and {total - 1} more errors)" if total > 1 else ""
    print(f"{path}: {first}{more}", file=sys.stderr)
    return EXIT_BAD_INPUT


def _json(path: str, stream: MessageStream) -> int:
    """Write the documents as a JSON list, message by message, through a spool.

    The JSON reaches stdout only when the whole file read without an error: bad input
    prints one line on stderr and nothing on stdout. Memory stays at what the stream
    holds (one message for the streaming codecs) plus the spool's in-memory part.
    """
    import gc
    import shutil
    import tempfile

    dumps = _dumps()
    first_errors: list[FormatError] = []
    errors = 0
    count = 0
    gc.disable()  # documents are trees without cycles: reference counting frees each message's garbage
    try:
        with tempfile.SpooledTemporaryFile(max_size=8 << 20, mode="w+b") as spool:
            buffer: list[str] = ["["]
            for message in stream:
                if message.errors:
                    if not first_errors:
                        first_errors.append(message.errors[0])
                    errors += len(message.errors)
                    continue
                if errors:
                    continue  # the file is bad: read on only to count its errors
                for doc in message.documents:
                    buffer.append(",\n" if count else "\n")
                    buffer.append(dumps(to_json(doc)))
                    count += 1
                if len(buffer) >= 1024:
                    spool.write("".join(buffer).encode("utf-8"))
                    buffer.clear()
            if errors or stream.errors:
                return _bad(path, stream, first_errors, errors)
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


def _render(path: str, stream: MessageStream, target: str) -> int:
    """Render the file's documents in another format (this collects the whole file)."""
    result = stream.collect()
    message_errors = [e for m in result.messages for e in m.errors]
    if result.errors or message_errors:
        return _bad(path, stream, message_errors[:1], len(message_errors))
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
