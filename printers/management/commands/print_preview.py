"""`python manage.py print_preview JOB_ID`: a print job's bytes as the printer gets them,
block by block, and as a PNG of the paper (docs/printing.md "A bill on paper")."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hub.models import PrintJob
from printers.escpos_png import blocks, paper_png
from printers.jobs import job_rendered
from printers.render import columns_for, paper_dots


class Command(BaseCommand):
    help = "Show what a print job sends, block by block, and draw its paper as a PNG."

    def add_arguments(self, parser):
        parser.add_argument("job_id", type=int)
        parser.add_argument("--png", help="Write the paper as a PNG here.")
        parser.add_argument("--bin", help="Write the ESC/POS bytes here.")

    def handle(self, *args, job_id: int, png: str | None = None, bin: str | None = None, **opts):
        job = PrintJob.objects.select_related("printer").filter(pk=job_id).first()
        if job is None:
            raise CommandError(f"No print job {job_id}.")
        payload = job_rendered(job).payload
        width = job.paper_width_mm or job.printer.paper_width_mm
        dots = paper_dots(width, job.printer.profile)
        self.stdout.write(
            f"job {job.pk} ({job.kind}) for {job.printer.name}: {len(payload)} bytes, "
            f"{width} mm = {dots} dots, profile {job.printer.profile}, {job.printer.codepage}"
        )
        for block in blocks(payload, codepage=job.printer.codepage.lower().replace("_", "-")):
            if block.kind == "text":
                self.stdout.write(f"  text   {block.text.rstrip()}")
            elif block.kind == "image":
                image = block.image
                ink = image.convert("L").histogram()[0] / (image.width * image.height)
                self.stdout.write(
                    f"  image  {image.width} x {image.height} dots (GS v 0), {ink:.0%} black"
                )
            elif block.kind == "qr":
                self.stdout.write(f"  qr     {block.qr} (GS ( k: the printer draws it)")
            else:
                self.stdout.write("  cut    (GS V)")
        for target, data in ((bin, payload), (png, None)):
            if not target:
                continue
            Path(target).parent.mkdir(parents=True, exist_ok=True)
            if data is not None:
                Path(target).write_bytes(data)
            else:
                paper_png(payload, dots=dots, columns=columns_for(width, job.printer.profile)).save(
                    target
                )
            self.stdout.write(f"wrote {target}")
