"""The deploy files agree with the code: every queue a pool serves is one the hub routes to,
every queue the hub routes to has a pool, and no two pools share a node name."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _hub_queues(dispatch_queues: str) -> set[str]:
    extra = [q for q in dispatch_queues.split(",") if q]
    return {"ingest", "dispatch", *extra, "maintenance", "onboarding"}


def test_compose_pools_cover_exactly_the_hubs_queues_with_distinct_node_names():
    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
    services = compose["services"]
    env = services["worker-ingest"]["environment"]
    workers = {name: svc["command"] for name, svc in services.items() if "celery" in str(svc.get("command", ""))}
    served = set()
    names = []
    for command in workers.values():
        served |= set(re.search(r"-Q (\S+)", command).group(1).split(","))
        names.append(re.search(r"-n (\S+)", command).group(1))
    assert served == _hub_queues(env["HUB_DISPATCH_QUEUES"])
    assert len(names) == len(set(names)), names


def test_every_process_in_compose_runs_under_a_restart_policy():
    services = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())["services"]
    assert all(svc.get("restart") in ("unless-stopped", "always") for name, svc in services.items() if name != "migrate")


def test_systemd_and_supervisord_restart_workers_and_give_them_a_warm_shutdown():
    unit = (ROOT / "deploy" / "systemd" / "hub-worker@.service").read_text()
    assert "Restart=always" in unit and "KillSignal=SIGTERM" in unit and "-n %i@%H -Q %i" in unit
    conf = (ROOT / "deploy" / "supervisord.conf").read_text()
    programs = re.findall(r"\[program:(worker-[\w-]+)\]", conf)
    assert programs and conf.count("autorestart=true") >= len(programs) + 1
    assert _hub_queues("") <= {q for m in re.findall(r"-Q (\S+)", conf) for q in m.split(",")}


def test_the_web_processes_share_one_cache_service_of_the_topology():
    # Rate-limit counts and the overview's cached figures must be one per hub, not one per gunicorn process.
    services = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())["services"]
    webs = [svc for svc in services.values() if "gunicorn" in str(svc.get("command", ""))]
    assert len(webs) >= 2
    urls = {svc["environment"]["CACHE_URL"] for svc in webs}
    assert len(urls) == 1
    (url,) = urls
    assert url.startswith("redis://") and url.split("//")[1].split(":")[0] in services
