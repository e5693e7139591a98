"""A citizen's query embeds on a second core only while the rest of the machine leaves one
idle (spare_cores.py), with the same vector as on one thread, and a process forked after such a
query still embeds."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import numpy as np
import pytest

from api.faq.search import spare_cores
from api.faq.search.encoders import E5Encoder, get_encoder
from api.faq.search.spare_cores import WINDOW, QueryThreads
from tests.conftest import REPO_ROOT


class Machine:
    """A fake kernel count of busy CPU seconds and a fake clock."""

    def __init__(self) -> None:
        self.busy: float | None = 100.0
        self.at = 10.0

    def run(self, seconds: float, cores_busy: float) -> None:
        self.at += seconds
        if self.busy is not None:
            self.busy += seconds * cores_busy


def threads_for(machine: Machine, ceiling: int = 2, cores: int = 2) -> QueryThreads:
    return QueryThreads(ceiling, cores, busy=lambda: machine.busy, clock=lambda: machine.at)


def test_an_idle_machine_gives_a_query_the_ceiling() -> None:
    machine = Machine()
    threads = threads_for(machine)
    machine.run(1.0, cores_busy=0.1)
    assert threads.now() == 2


def test_a_busy_machine_keeps_a_query_on_one_thread() -> None:
    machine = Machine()
    threads = threads_for(machine)
    machine.run(1.0, cores_busy=1.2)  # other processes (Rasa, PostgreSQL) hold a core and more
    assert threads.now() == 1
    machine.run(1.0, cores_busy=0.2)  # they finished: the second core is idle again
    assert threads.now() == 2


def test_our_own_query_embeddings_are_not_counted_as_load() -> None:
    machine = Machine()
    threads = threads_for(machine)
    machine.run(1.0, cores_busy=0.0)
    assert threads.now() == 2
    # back-to-back queries on both cores: the machine is busy, but only with them
    for _ in range(10):
        machine.run(0.02, cores_busy=2.0)
        threads.used(0.02, 2)
    machine.run(0.001, cores_busy=0.0)
    assert threads.now() == 2


def test_the_decision_is_kept_within_a_window() -> None:
    machine = Machine()
    threads = threads_for(machine)
    machine.run(1.0, cores_busy=2.0)
    assert threads.now() == 1
    machine.run(WINDOW / 4, cores_busy=0.0)  # too short to tell: a tick or two
    assert threads.now() == 1
    machine.run(WINDOW, cores_busy=0.0)
    assert threads.now() == 2


def test_a_machine_that_cannot_be_read_gives_one_thread() -> None:
    machine = Machine()
    machine.busy = None
    threads = threads_for(machine)
    machine.run(1.0, cores_busy=0.0)
    assert threads.now() == 1


@pytest.mark.parametrize(("ceiling", "cores", "expected"), [(1, 8, 1), (4, 2, 2), (3, 8, 3)])
def test_the_ceiling_is_the_setting_within_the_cores(
    ceiling: int, cores: int, expected: int
) -> None:
    machine = Machine()
    threads = threads_for(machine, ceiling=ceiling, cores=cores)
    machine.run(1.0, cores_busy=0.0)
    assert threads.now() == expected


@pytest.mark.parametrize(
    ("raw", "expected"), [(None, 2), ("", 2), ("1", 1), ("3", 3), ("0", 1), ("two", 1)]
)
def test_the_ceiling_setting(
    raw: str | None, expected: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    if raw is None:
        monkeypatch.delenv(spare_cores.ENV_CEILING, raising=False)
    else:
        monkeypatch.setenv(spare_cores.ENV_CEILING, raw)
    assert spare_cores.ceiling_from_env() == expected


def test_the_kernel_count_of_busy_time_is_read(tmp_path: Path) -> None:
    stat = tmp_path / "stat"
    ticks = spare_cores._TICKS
    # user nice system idle iowait irq softirq steal: idle and iowait are not busy
    stat.write_text(f"cpu  {ticks * 3} 0 {ticks} {ticks * 50} {ticks * 7} 0 0 {ticks}\ncpu0 1 2\n")
    assert spare_cores.machine_busy_seconds(str(stat)) == pytest.approx(5.0)
    stat.write_text("intr 1 2 3\n")
    assert spare_cores.machine_busy_seconds(str(stat)) is None
    stat.write_text("cpu  a b c d e f g\n")
    assert spare_cores.machine_busy_seconds(str(stat)) is None
    assert spare_cores.machine_busy_seconds(str(tmp_path / "missing")) is None
    assert spare_cores.machine_busy_seconds() is not None  # this machine's kernel


def test_e5_finds_the_openmp_runtime_its_wheel_bundles() -> None:
    e5 = get_encoder("e5")
    assert isinstance(e5, E5Encoder)
    assert e5._set_threads is not None, "queries would never use a second core"


def test_a_query_on_two_threads_has_the_vector_of_one_thread() -> None:
    e5 = get_encoder("e5")
    assert isinstance(e5, E5Encoder) and e5._set_threads is not None
    vectors: dict[int, np.ndarray] = {}

    def embed(threads: int) -> None:  # a thread of its own, as the query-embedding thread
        e5._set_threads(threads)
        vectors[threads] = e5._encode(["住民票の写しはどこで取れますか"], True)[0]
        e5._set_threads(1)

    for threads in (1, 2):
        worker = threading.Thread(target=embed, args=(threads,))
        worker.start()
        worker.join()
    assert np.allclose(vectors[1], vectors[2], atol=1e-6)


FORK_AFTER_TWO_THREADS = textwrap.dedent(
    """
    import os
    from api.faq.search.encoders import get_encoder
    from api.faq.search.spare_cores import QueryThreads

    QueryThreads.now = lambda self: 2  # as on an idle machine
    e5 = get_encoder("e5")
    e5.prefetch("粗大ごみを出したい")
    parent = e5.queries(["粗大ごみを出したい"])[0]
    child = os.fork()
    if child == 0:
        again = get_encoder("e5")  # the child's own engine and query thread
        again.prefetch("住民票の写し")
        again.queries(["住民票の写し"])
        same = abs(float(again.queries(["粗大ごみを出したい"])[0] @ parent) - 1) < 1e-5
        os._exit(0 if same else 3)
    _, status = os.waitpid(child, 0)
    raise SystemExit(os.waitstatus_to_exitcode(status))
    """
)


def test_a_child_forked_after_a_two_thread_query_still_embeds() -> None:
    done = subprocess.run(
        [sys.executable, "-c", FORK_AFTER_TWO_THREADS],
        cwd=REPO_ROOT,
        timeout=120,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-2000:]
