"""`python manage.py print_agent`: print an agent printer's jobs locally (docs/printing.md)."""

from __future__ import annotations

import asyncio
import logging
import os

from django.core.management.base import BaseCommand, CommandError

from printers.agent import PrintAgent


class Command(BaseCommand):
    help = (
        "Hold /ws/v1/printers/{id}/ open on a hub, print each job on a local printer, "
        "and acknowledge it. Needs no database."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--hub", required=True, help="ws://host:port of the hub")
        parser.add_argument("--printer-id", type=int, required=True)
        parser.add_argument(
            "--token",
            default=os.environ.get("HUB_AGENT_TOKEN", ""),
            help="A manager's or cashier's API token (or env HUB_AGENT_TOKEN)",
        )
        parser.add_argument(
            "--output",
            required=True,
            help="network:host:port (or host:port), file:/path, usb:vvvv:pppp, "
            "serial:/dev/ttyUSB0[@baud]",
        )
        parser.add_argument(
            "--state",
            default="",
            help="State file (last seq, printed job ids); default "
            "print-agent-<id>.json in the current directory",
        )

    def handle(self, *args, hub, printer_id, token, output, state, **options):
        if not token:
            raise CommandError("Give --token or set HUB_AGENT_TOKEN.")
        if not hub.startswith(("ws://", "wss://")):
            raise CommandError("--hub must start with ws:// or wss://")
        logging.getLogger("printers").setLevel(logging.INFO)
        agent = PrintAgent(
            hub=hub,
            printer_id=printer_id,
            token=token,
            output=output,
            state_path=state or f"print-agent-{printer_id}.json",
        )
        self.stdout.write(f"print agent for printer {printer_id} on {hub}, printing to {output}")
        try:
            asyncio.run(agent.run_forever())
        except KeyboardInterrupt:
            self.stdout.write("stopped")
