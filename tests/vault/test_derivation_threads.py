"""Argon2id runs on the process's own low-priority threads, so that a short request (above
all one holding the ledger head) gets a core before the next 200 ms derivation does."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from ombuds.lib import kdf


def _nice() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


@pytest.mark.skipif(sys.platform != "linux", reason="per-thread nice values are Linux's")
def test_a_derivation_runs_at_a_lower_priority_and_the_caller_keeps_hers() -> None:
    before = _nice()
    if before >= kdf.KDF_NICE:
        pytest.skip("the test itself runs at a low priority")
    worker_nice, worker_thread = kdf.kdf_run(lambda: (_nice(), threading.get_ident()))
    assert worker_thread != threading.get_ident()
    assert worker_nice == kdf.KDF_NICE
    assert _nice() == before


def test_a_derivation_s_error_reaches_the_caller() -> None:
    def refused() -> bytes:
        raise ValueError("bad salt")

    with pytest.raises(ValueError, match="bad salt"):
        kdf.kdf_run(refused)


def test_derivations_are_counted_with_their_cpu_time() -> None:
    seconds, calls = kdf.kdf_cpu()
    kdf.kdf_run(lambda: sum(range(200_000)))
    later_seconds, later_calls = kdf.kdf_cpu()
    assert later_calls == calls + 1
    assert later_seconds > seconds


def test_no_more_derivations_run_at_once_than_the_bound() -> None:
    running = 0
    most = 0
    lock = threading.Lock()
    release = threading.Event()

    def derive() -> None:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        release.wait(0.05)
        with lock:
            running -= 1

    callers = [threading.Thread(target=kdf.kdf_run, args=(derive,)) for _ in range(8)]
    for caller in callers:
        caller.start()
    for caller in callers:
        caller.join()
    assert 1 <= most <= kdf.KDF_CONCURRENCY
