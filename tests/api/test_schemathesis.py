"""Schemathesis against the live schema: for every operation, bounded generated requests over real HTTP.

No answer may be a server error or contradict the schema (status code, content type,
headers, body). The caller is a hub administrator with a write token, so every operation
can reach its success path; ``max_examples`` keeps the run to about a minute.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from suppliers.services import token_issue
from tests.delfor_builder import delfor, message

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance, response_schema_conformance]


def test_the_api_answers_every_operation_as_its_schema_says(live_server, world, receive_and_process, settings):
    settings.HUB_API_RATE = ""  # hundreds of requests a minute: the rate limit has its own test
    receive_and_process(delfor([message("1", "CO1")]), world["users"]["admin"])  # something to list
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/?format=json")
    headers = {"Authorization": f"Bearer {token_issue(user=world['users']['admin'], name='schemathesis')}"}
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @hypothesis_settings(max_examples=6, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
        def run(case: schemathesis.Case) -> None:
            case.call_and_validate(base_url=live_server.url, headers=headers, checks=CHECKS)

        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # collect every operation's failure, then fail once with all of them
            failures.append(f"{operation.label}: {str(exc)[:1500]}")
    assert operations >= 20
    assert not failures, "\n\n".join(failures)
