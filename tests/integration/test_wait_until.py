"""The integration tests' wait: it fails when nothing progresses, never because the machine is slow."""

from __future__ import annotations

import itertools

import pytest

from tests.integration.conftest import wait_until


def test_a_wait_that_keeps_progressing_outlasts_its_stall_bound():
    polls = itertools.count()
    ticks = itertools.count()
    # Done only on the 30th poll, long after 0.05 s, but every poll shows progress.
    value = wait_until(lambda: next(polls) >= 30 and "done", 0.05, "never", interval=0.01, progress=lambda: next(ticks))
    assert value == "done"


def test_a_wait_where_nothing_progresses_fails_saying_what_did_not_happen():
    with pytest.raises(pytest.fail.Exception, match=r"the plant got nothing: nothing progressed for 0.05 s \(engine state: 7\)"):
        wait_until(lambda: False, 0.05, "the plant got nothing", interval=0.01, progress=lambda: 7)
