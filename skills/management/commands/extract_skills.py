import contextlib
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from skills.extraction import get_extractor
from skills.extraction.jsonl import run_stream


class Command(BaseCommand):
    help = (
        'Extract ESCO skills from JSONL ({"id", "text"} per line) into JSONL '
        '({"id", "lang", "skills": [{"uri", "score", "start", "end"}]} per line, best first). '
        "Without --rank: the thresholded product output; with --rank: the top K of the full "
        "ranking. Malformed lines are reported by number and skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, help="Input JSONL file, or - for stdin.")
        parser.add_argument("--output", required=True, help="Output JSONL file, or - for stdout.")
        parser.add_argument("--top-k", type=int, default=None, help="At most K skills per line.")
        parser.add_argument(
            "--rank", action="store_true", help="Top K of the full ranking, ignoring the threshold."
        )
        parser.add_argument("--lang", choices=["fr", "en"], default=None)

    def handle(self, *args, input, output, top_k, rank, lang, verbosity, **options):
        if top_k is not None and top_k < 0:
            raise CommandError("--top-k must be zero or more.")
        extractor = get_extractor()

        def handle_record(record_id, text):
            record_lang = lang or extractor.detect_language(text)
            if rank:
                matches = extractor.rank(
                    text, lang=record_lang, top_k=50 if top_k is None else top_k
                )
            else:
                matches = extractor.extract(text, lang=record_lang, top_k=top_k)
            return {
                "id": record_id,
                "lang": record_lang,
                "skills": [
                    {"uri": m.uri, "score": m.score, "start": m.start, "end": m.end}
                    for m in matches
                ],
            }

        report = _stream(self, input, output, handle_record, verbosity)
        self.stderr.write(
            f"{report.written} line(s) written, {len(report.errors)} malformed line(s) skipped."
        )


def _stream(command, input, output, handle_record, verbosity):
    def on_error(number, message):
        command.stderr.write(command.style.WARNING(f"line {number}: {message}"))

    with contextlib.ExitStack() as stack:
        try:
            source = (
                sys.stdin
                if input == "-"
                else stack.enter_context(Path(input).open(encoding="utf-8", errors="replace"))
            )
        except OSError as exc:
            raise CommandError(f"Cannot read {input}: {exc}") from exc
        try:
            sink = (
                sys.stdout
                if output == "-"
                else stack.enter_context(Path(output).open("w", encoding="utf-8"))
            )
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc}") from exc
        progress = verbosity >= 1 and output != "-" and sys.stderr.isatty()
        return run_stream(
            source=source,
            sink=sink,
            handle_record=handle_record,
            on_error=on_error,
            progress=progress,
        )
