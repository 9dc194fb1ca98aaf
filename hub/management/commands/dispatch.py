"""``manage.py dispatch retry|replay|pause|resume|status``: staff actions on the outbox."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count

from hub.dispatch import services
from hub.models import Delivery, Plant


class Command(BaseCommand):
    help = "Retry dead-lettered deliveries, replay documents, pause or resume plants, show the outbox."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        retry = sub.add_parser("retry", help="retry dead-lettered or held deliveries (same idempotency key)")
        retry.add_argument("ids", nargs="*", type=int)
        retry.add_argument("--all-dead", action="store_true", help="every dead-lettered delivery (with --plant: of that plant)")
        retry.add_argument("--plant", default="")
        replay = sub.add_parser("replay", help="send a delivery's document again as a new delivery")
        replay.add_argument("id", type=int)
        replay.add_argument("--url", default="", help="to this URL instead of the recipient")
        replay.add_argument("--plant", default="", help="to this plant's endpoint instead")
        for name in ("pause", "resume"):
            sub.add_parser(name, help=f"{name} dispatch to a plant").add_argument("plant")
        sub.add_parser("status", help="deliveries per status")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "retry":
            qs = Delivery.objects.filter(pk__in=options["ids"]) if options["ids"] else Delivery.objects.none()
            if options["all_dead"]:
                qs = Delivery.objects.filter(status=Delivery.Status.DEAD)
                if options["plant"]:
                    qs = qs.filter(plant__code=options["plant"])
            if not options["ids"] and not options["all_dead"]:
                raise CommandError("name delivery ids or use --all-dead")
            done = 0
            for delivery in qs:
                try:
                    services.delivery_retry(delivery=delivery)
                    done += 1
                except ValueError as exc:
                    self.stderr.write(f"delivery {delivery.pk}: {exc}")
            self.stdout.write(f"{done} deliveries queued again")
        elif action == "replay":
            delivery = Delivery.objects.filter(pk=options["id"]).first()
            if delivery is None:
                raise CommandError(f"no delivery {options['id']}")
            plant = None
            if options["plant"]:
                plant = Plant.objects.filter(code=options["plant"]).first()
                if plant is None:
                    raise CommandError(f"no plant {options['plant']}")
            try:
                replay = services.delivery_replay(delivery=delivery, url=options["url"], plant=plant)
            except ValueError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(f"delivery {replay.pk} created (idempotency key {replay.idempotency_key})")
        elif action in ("pause", "resume"):
            plant = Plant.objects.filter(code=options["plant"]).first()
            if plant is None:
                raise CommandError(f"no plant {options['plant']}")
            if action == "pause":
                services.plant_pause(plant=plant)
                self.stdout.write(f"dispatch to {plant.code} paused")
            else:
                released = services.plant_resume(plant=plant)
                self.stdout.write(f"dispatch to {plant.code} resumed; {released} held deliveries released")
        else:
            for row in Delivery.objects.values("status").annotate(n=Count("id")).order_by("status"):
                self.stdout.write(f"{row['status']:<12} {row['n']}")
