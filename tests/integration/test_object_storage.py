"""Raw files in S3-compatible object storage (django-storages), content-addressed.

The object store is moto's S3 server, a separate HTTP process on 127.0.0.1 speaking the S3
protocol (no MinIO or cloud account on a build machine); the web tier (gunicorn) and the
worker are separate processes configured with ``HUB_STORAGE=s3``, so the bytes go over
HTTP the way they would to a real bucket.
"""

from __future__ import annotations

import contextlib
import hashlib
import subprocess
import sys

import pytest
import requests

from hub.models import Interchange, Plant
from suppliers.services import token_issue
from tests.delfor_builder import delfor, message
from tests.integration.conftest import ROOT, wait_until
from tests.integration.test_topology import WebTier, _free_port

pytestmark = pytest.mark.integration
BUCKET = "hub-raw"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "hubtest", "AWS_SECRET_ACCESS_KEY": "hubtest-secret", "AWS_DEFAULT_REGION": "eu-central-1"}


@pytest.fixture
def s3_server(tmp_path):
    pytest.importorskip("moto.server", reason="moto[server] is a test dependency (requirements-dev.txt)")
    port = _free_port()
    log = open(tmp_path / "s3.log", "wb")  # noqa: SIM115 - lives as long as the server
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        with contextlib.suppress(requests.ConnectionError):
            return requests.get(url, timeout=5).status_code < 500
        return False

    wait_until(answers, 60, "the S3 server did not answer")
    import boto3

    client = boto3.client("s3", endpoint_url=url, region_name=CREDENTIALS["AWS_DEFAULT_REGION"],
                          aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"], aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"])
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": CREDENTIALS["AWS_DEFAULT_REGION"]})
    yield url, client
    proc.terminate()
    proc.wait(timeout=10)
    log.close()


def test_raw_files_go_to_object_storage_once_per_content_and_flow_on(world, workers, plant_server, s3_server, tmp_path):
    url, client = s3_server
    workers.env.update({**CREDENTIALS, "HUB_STORAGE": "s3", "HUB_S3_BUCKET": BUCKET, "HUB_S3_ENDPOINT_URL": url})
    Plant.objects.update(endpoint_url=plant_server.url + "/in")
    web = WebTier(workers.env, tmp_path / "gunicorn.log")
    try:
        workers.start(concurrency=1)
        headers = {"Authorization": f"Bearer {token_issue(user=world['users']['admin'])}"}
        data = delfor([message(str(m), f"S3-{m}", plant="PLANT01", parts=((f"S3P{m}", (("5", "1", "20261130"),)),)) for m in range(1, 4)], ref="ICR-S3")
        first = requests.post(web.url + "/api/v1/interchanges/", data=data, headers={**headers, "Content-Type": "application/edifact"}, timeout=60)
        assert first.status_code == 201, first.text
        wait_until(lambda: len(plant_server.lines()) >= 3, 120, "the call-offs stored in object storage did not reach the plant")
        again = requests.post(web.url + "/api/v1/interchanges/", data=data, headers={**headers, "Content-Type": "application/edifact"}, timeout=60)
        assert again.json()["status"] == "duplicate"

        sha = hashlib.sha256(data).hexdigest()
        keys = [o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
        raw_keys = [k for k in keys if k.startswith("interchanges/")]
        assert raw_keys == [f"interchanges/sha256/{sha[:2]}/{sha[2:4]}/{sha}"], keys  # one object for both copies
        assert client.get_object(Bucket=BUCKET, Key=raw_keys[0])["Body"].read() == data
        assert {i.raw.name for i in Interchange.objects.all()} == {raw_keys[0]}
        # The raw download streams the object back through the web tier.
        raw = requests.get(f"{web.url}/api/v1/interchanges/{first.json()['id']}/raw", headers=headers, timeout=30)
        assert raw.status_code == 200 and raw.content == data
    finally:
        web.stop()
