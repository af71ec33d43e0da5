import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.places import Province
from courses.exporting import EXPORT_FORMATS, offers_export
from courses.models import OfferFormat, ProviderPage
from skills.models import Skill


class Command(BaseCommand):
    help = "Export live offers (all, or filtered) as CSV, XLSX, JSON or LHEO-style XML."

    def add_arguments(self, parser):
        parser.add_argument("--format", dest="fmt", choices=EXPORT_FORMATS, default="csv")
        parser.add_argument("--output", "-o", type=Path, help="File to write (default: stdout).")
        parser.add_argument("--province", choices=Province.values)
        parser.add_argument("--provider", help="Slug of a provider page.")
        parser.add_argument("--skill", help="ESCO URI (or key) of a skill taught.")
        parser.add_argument("--offer-format", choices=OfferFormat.values)

    def handle(self, *args, fmt, output, province, provider, skill, offer_format, **options):
        filters = {"province": province, "format": offer_format}
        if provider:
            filters["provider"] = ProviderPage.objects.filter(slug=provider).first()
            if filters["provider"] is None:
                raise CommandError(f"No provider page with slug “{provider}”.")
        if skill:
            filters["skill"] = (
                Skill.objects.filter(uri=skill).first() or Skill.objects.filter(key=skill).first()
            )
            if filters["skill"] is None:
                raise CommandError(f"No skill with URI or key “{skill}”.")
        content = offers_export(fmt=fmt, **filters)
        if output:
            output.write_bytes(content)
            self.stderr.write(f"Wrote {len(content)} bytes to {output}.")
        elif fmt == "xlsx":
            raise CommandError("XLSX is binary: give --output FILE.")
        else:
            sys.stdout.flush()
            self.stdout.write(content.decode("utf-8-sig"), ending="")
