"""``manage.py translate``, ``formats`` and ``generate_sample`` without Django.

These commands need no database; running them before Django loads keeps a translate
of a large interchange free of the web stack's start-up cost. Bad input ends with exit
status 2 and one line on stderr that says what is wrong and where, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence

from hub.formats import registry
from hub.formats.base import RenderOptions
from hub.formats.canonical import to_json
from hub.formats.errors import FormatError

EXIT_BAD_INPUT = 2


def translate(argv: Sequence[str]) -> int:
    """Translate FILE to canonical JSON (default) or to another format (``--to``)."""
    parser = argparse.ArgumentParser(prog="manage.py translate", description="Translate an EDI/XML/CSV file to canonical JSON or another format.")
    parser.add_argument("file")
    parser.add_argument("--from", dest="source", default=None, help="format of FILE (default: detected)")
    parser.add_argument("--to", dest="target", default="json", help="json (default) or a format name from 'manage.py formats'")
    args = parser.parse_args(argv)
    if args.target.lower() == "json" and (args.source or "").lower() in ("", *STREAMED):
        done = _stream_json(args.file, args.source)
        if done is not None:
            return done
    try:
        with open(args.file, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        print(f"{args.file}: cannot read the file: {exc.strerror}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        _detection, result = registry.parse(data, args.source)
    except FormatError as exc:
        print(f"{args.file}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    errors = result.all_errors
    if errors:
        more = f" (and {len(errors) - 1} more errors)" if len(errors) > 1 else ""
        print(f"{args.file}: {errors[0]}{more}", file=sys.stderr)
        return EXIT_BAD_INPUT
    for warning in result.warnings:
        print(f"{args.file}: warning: {warning}", file=sys.stderr)
    documents = result.documents
    out = sys.stdout
    if args.target.lower() == "json":
        out.write("[")
        for index, doc in enumerate(documents):
            out.write(",\n" if index else "\n")
            out.write(json.dumps(to_json(doc), ensure_ascii=False))
        out.write("\n]\n" if documents else "]\n")
        return 0
    try:
        codec = registry.get(args.target)
        env = result.envelopes[0] if result.envelopes else None
        options = RenderOptions(
            sender_id=(env.sender.get("id") if env else "") or "SUPPLIERHUB",
            receiver_id=(env.receiver.get("id") if env else "") or "PARTNER",
            control_ref=_control_ref(env.control_ref if env else "", codec.name),
        )
        rendered = codec.render(documents, options)
    except FormatError as exc:
        print(f"{args.file}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    sys.stdout.buffer.write(rendered)
    return 0


# Codecs with a streaming JSON path (module with ``translate(fh, emit, head)`` and ``Fallback``).
STREAMED = {"edifact": "hub.formats.edifact.stream", "x12": "hub.formats.x12.stream", "vda": "hub.formats.vda.stream"}


def _stream_json(path: str, source: str | None) -> int | None:
    """Translate an EDIFACT, X12 or VDA file to JSON message by message, in bounded memory.

    The JSON goes to a spooled temporary file first and reaches stdout only when the
    whole file translated without an error (bad input prints nothing on stdout).
    Returns None when the file is none of these or the streaming path hands over
    (its ``Fallback``): the caller then parses the whole file with the codec.
    """
    import gc
    import importlib
    import shutil
    import tempfile

    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed below
    except OSError:
        return None  # the regular path words the error
    with fh:
        head = fh.read(registry.HEAD_BYTES)
        name = (source or "").lower()
        if not name:
            try:
                name = registry.detect(head).codec
            except FormatError:
                return None
        if name not in STREAMED:
            return None
        try:
            stream = importlib.import_module(STREAMED[name])
        except ImportError:
            return None
        fh.seek(0)
        gc.disable()  # only acyclic garbage per message: reference counting frees it
        try:
            with tempfile.SpooledTemporaryFile(max_size=8 << 20, mode="w+b") as spool:
                buffer: list[str] = []
                count = 0

                dumps = _dumps()

                def emit(doc: dict) -> None:
                    nonlocal count
                    buffer.append(",\n" if count else "\n")
                    buffer.append(dumps(doc))
                    count += 1
                    if len(buffer) >= 512:
                        spool.write("".join(buffer).encode("utf-8"))
                        buffer.clear()

                try:
                    warnings = stream.translate(fh, emit, head)
                except stream.Fallback:
                    return None
                except Exception:  # noqa: BLE001 - a fast-path bug must not cost the user: the codec decides
                    return None
                buffer.append("\n]\n" if count else "]\n")
                spool.write("".join(buffer).encode("utf-8"))
                for warning in warnings:
                    print(f"{path}: warning: {warning}", file=sys.stderr)
                spool.seek(0)
                sys.stdout.flush()
                out = sys.stdout.buffer.write(b"[")
                del out
                shutil.copyfileobj(spool, sys.stdout.buffer, 1 << 20)
                sys.stdout.buffer.flush()
        finally:
            gc.enable()
    return 0


def _control_ref(source: str, target: str) -> str:
    """Keep the source's control reference, made numeric where the target needs it (X12: 1-9 digits)."""
    if target == "x12":
        return "".join(ch for ch in source if ch.isdigit())[-9:].lstrip("0") or "1"
    return source or "1"


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
