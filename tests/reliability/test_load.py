"""Load (issue 6): 30 sessions opening the Gap analysis page at the same moment on a real server.

A real ``streamlit run app.py`` on 127.0.0.1 with its own SQLite workspace (seeded with the demo on
first open); each session is a browser-less websocket client speaking Streamlit's protocol, as the
frontend does: it connects to ``/_stcore/stream`` with the ``streamlit`` subprotocol, sends a
``rerun_script`` BackMsg naming the page by its URL path and reads ForwardMsgs until the run ends.
A page time is from sending that request to the ``script_finished`` message of the finished run.

Figures (warm-up, median, p95, max, failures) are printed with ``-s`` for the closing note.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections import Counter
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pytest
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets import connect  # a dependency of Streamlit (its server is uvicorn)

from tests.servers import Server, start_server

T = TypeVar("T")

SESSIONS = 30
PAGE = "gap_analysis"  # the URL path Streamlit gives pages/4_gap_analysis.py
QUERY = "p=1"  # a deep link to the first demo proposition, as the page's own links build them
TITLE = "Gap analysis"
PAGE_TIMEOUT = 60.0  # seconds one session may wait for its page


@dataclass
class PageRun:
    """What one session saw while its page ran."""

    seconds: float = 0.0
    elements: Counter[str] = field(default_factory=Counter)  # what the finished run drew, by kind
    finished: bool = False  # a script_finished FINISHED_SUCCESSFULLY arrived
    titled: bool = False  # the page's own title was drawn (not another page, not an empty run)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.finished and self.titled and not self.problems


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """``streamlit run app.py`` on a free loopback port with a fresh SQLite workspace."""
    started = start_server(tmp_path)
    try:
        yield started
    finally:
        started.stop()


def _rerun_request() -> bytes:
    """The first BackMsg the frontend sends for a deep link to the page."""
    msg = BackMsg()
    rerun = msg.rerun_script
    rerun.query_string = QUERY
    rerun.page_name = PAGE
    rerun.is_auto_rerun = False
    rerun.widget_states.SetInParent()
    rerun.context_info.timezone = "UTC"
    rerun.context_info.locale = "en-US"
    return msg.SerializeToString()


def _inspect(msg: ForwardMsg, run: PageRun) -> None:
    kind = msg.WhichOneof("type")
    if kind == "new_session":  # a run begins: count only what the last run draws
        run.elements.clear()
        run.titled = False
    elif kind == "page_not_found":
        run.problems.append(f"page not found: {msg.page_not_found.page_name!r}")
    elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
        element = msg.delta.new_element
        run.elements[element.WhichOneof("type")] += 1
        match element.WhichOneof("type"):
            case "exception":
                run.problems.append(f"exception: {element.exception.type}: {element.exception.message}")
            case "alert" if element.alert.format == Alert.ERROR:
                run.problems.append(f"st.error: {element.alert.body[:200]}")
            case "heading" if element.heading.body == TITLE:
                run.titled = True


async def _open_page(
    url: str, opened: asyncio.Event | None = None, start: asyncio.Event | None = None
) -> PageRun:
    """One browser-less session: connect, say so (``opened``), wait for ``start``, request the page and
    read its messages until the run ends."""
    run = PageRun()
    stream = url.replace("http://", "ws://") + "/_stcore/stream"
    try:
        async with connect(stream, subprotocols=["streamlit"], max_size=None, open_timeout=30) as ws:
            if opened is not None:
                opened.set()
            if start is not None:
                await start.wait()
            began = time.perf_counter()
            await ws.send(_rerun_request())
            async with asyncio.timeout(PAGE_TIMEOUT):
                while True:
                    msg = ForwardMsg()
                    msg.ParseFromString(await ws.recv())
                    _inspect(msg, run)
                    if msg.WhichOneof("type") != "script_finished":
                        continue
                    status = msg.script_finished
                    if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                        continue  # the page asked for a rerun (st.rerun); the next run draws it
                    run.seconds = time.perf_counter() - began
                    if status == ForwardMsg.FINISHED_SUCCESSFULLY:
                        run.finished = True
                    else:
                        run.problems.append(f"script finished with status {status}")
                    return run
    except TimeoutError:
        run.problems.append(f"no finished page within {PAGE_TIMEOUT:.0f} s")
    except Exception as exc:  # a refused connection, a dropped socket: a failed session
        run.problems.append(f"{type(exc).__name__}: {exc}")
    if opened is not None:
        opened.set()  # a session that could not connect must not hold the others back
    return run


async def _load(url: str) -> tuple[list[PageRun], float]:
    """``SESSIONS`` sessions, all connected first, then requesting the page at the same moment."""
    start = asyncio.Event()
    opened = [asyncio.Event() for _ in range(SESSIONS)]
    tasks = [asyncio.create_task(_open_page(url, event, start)) for event in opened]
    async with asyncio.timeout(60):
        await asyncio.gather(*(event.wait() for event in opened))
    began = time.perf_counter()
    start.set()
    runs = await asyncio.gather(*tasks)
    return runs, time.perf_counter() - began


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine on its own thread's event loop.

    Playwright's sync API keeps an event loop running on the test thread once a browser test has run in
    the same worker, and `asyncio.run` refuses to start inside it.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


@pytest.mark.slow
def test_thirty_simultaneous_sessions_open_the_gap_analysis_page(server: Server):
    """Every one of 30 sessions opening the page at once gets the whole page, with no error shown."""
    warm_up = _run(_open_page(server.url))  # seeds the demo workspace and fills the caches
    assert warm_up.ok, warm_up.problems or "the warm-up did not draw the page"
    alone = _run(_open_page(server.url))  # the page time without load, for comparison
    assert alone.ok, alone.problems or "the page was not drawn"

    runs, wall = _run(_load(server.url))
    failed = [run for run in runs if not run.ok]
    partial = [run for run in runs if run.ok and run.elements != alone.elements]
    times = sorted(run.seconds for run in runs if run.ok)
    print(
        f"\nwarm-up (seeds the demo): {warm_up.seconds:.2f} s; one session alone: {alone.seconds:.2f} s "
        f"({sum(alone.elements.values())} elements)\n{SESSIONS} simultaneous sessions in {wall:.1f} s: "
        f"{len(times)} drawn, {len(failed)} failed, {len(partial)} drew a different page"
    )
    if times:
        print(
            f"page time under load: median {statistics.median(times):.2f} s, p95 {_p95(times):.2f} s, "
            f"min {times[0]:.2f} s, max {times[-1]:.2f} s"
        )
    assert not failed, [run.problems or "the page title was not drawn" for run in failed]
    assert not partial, [
        dict(run.elements - alone.elements) or dict(alone.elements - run.elements) for run in partial
    ]
    assert len(times) == SESSIONS
    output = server.output()
    assert "Traceback" not in output and "unexpected error" not in output, output[-5000:]
