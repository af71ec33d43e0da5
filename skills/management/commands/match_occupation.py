from django.core.management.base import BaseCommand, CommandError

from skills.extraction import get_extractor
from skills.management.commands.extract_skills import _stream


class Command(BaseCommand):
    help = (
        'Match job titles to ESCO occupations: JSONL {"id", "text"} in (text is a job title, '
        'optional "posting" holds the ad text), JSONL {"id", "occupations": [{"uri", "score"}]} '
        "out, best first. Malformed lines are reported by number and skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, help="Input JSONL file, or - for stdin.")
        parser.add_argument("--output", required=True, help="Output JSONL file, or - for stdout.")
        parser.add_argument("--top-k", type=int, default=5, help="Occupations per line.")

    def handle(self, *args, input, output, top_k, verbosity, **options):
        if top_k < 0:
            raise CommandError("--top-k must be zero or more.")
        extractor = get_extractor()

        def handle_record(record_id, text):
            matches = extractor.match_occupation(text, top_k=top_k)
            return {
                "id": record_id,
                "occupations": [{"uri": m.uri, "score": m.score} for m in matches],
            }

        report = _stream(self, input, output, handle_record, verbosity)
        self.stderr.write(
            f"{report.written} line(s) written, {len(report.errors)} malformed line(s) skipped."
        )
