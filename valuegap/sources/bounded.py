"""Reading an upload in a worker process with a memory limit, a time limit and a lower CPU priority.

Parsing runs in the app's own process otherwise: a 1.8 MB workbook that unpacks to 499.5 MB took
284 s and 1.76 GB there, holding the interpreter while every other session's page waited. Here the
parse runs in a process forked from a server process that has the readers loaded (multiprocessing's
'forkserver': no copy of the app's threads or sessions, and no second start of pandas), with

* an address-space limit (``RLIMIT_AS``): past it allocations fail and the read stops,
* a wall-clock limit, checked here: past it the worker is killed,
* ``os.nice`` and, on Linux, the ``SCHED_IDLE`` policy: the worker gets the CPU only when no app
  thread wants it. Niceness alone was not enough on a busy 2-core server: other sessions' pages took
  2-5 times their idle time while a workbook was read (each page wakes and waits often, and a nice
  task still kept the core at each wake-up); with SCHED_IDLE they took 1.0-1.2 times,

and it is killed whenever the caller stops waiting: a time-out, a cancel, or an exception raised
from ``tick`` (Streamlit stops a script that way when the user presses a button while it runs).
Linux and macOS only (``resource``); elsewhere the read runs in the worker without the memory limit.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection

from valuegap.errors import ValueGapError
from valuegap.sources.delimited import MixedEncoding
from valuegap.sources.filetypes import megabytes
from valuegap.sources.reading import MB, RawTable, read_table, with_file

try:
    import resource
except ImportError:  # pragma: no cover - Windows
    resource = None  # type: ignore[assignment]  # no resource limits on Windows: the time limit still holds

# what the reader needs loaded in the worker's parent, so a worker starts in milliseconds
_PRELOAD = ["__main__", "valuegap.sources.reading", "openpyxl", "pyarrow.parquet"]
_PLAIN = (ValueGapError, MixedEncoding)


@dataclass(frozen=True)
class Limits:
    """What one read may take. 2 GB of address space holds the worker (about 400 MB with pandas and
    Arrow loaded) and a 20 MB CSV or Parquet file read as text. Two minutes read any 20 MB CSV or
    Parquet file in a fraction of it; openpyxl reads about 1.2 MB of sheet XML a second (the issue's
    499.5 MB bomb: 431 s of CPU), so a workbook of real data over about 12 MB (145 MB unpacked) is
    stopped, saying to upload it as CSV."""

    seconds: float = 120.0
    memory_bytes: int = 2 << 30
    nice: int = 10


LIMITS = Limits()


class ReadStopped(ValueGapError):
    """The read was stopped before it ended: the user cancelled it (:func:`read_bounded`'s ``cancelled``)."""


def _context() -> multiprocessing.context.SpawnContext | multiprocessing.context.ForkServerContext:
    if "forkserver" not in multiprocessing.get_all_start_methods():  # pragma: no cover - Windows
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)  # takes effect when the fork server starts (once)
    return context


def read_bounded(
    data: bytes,
    file_name: str,
    *,
    sheet: str | int | None = None,
    encoding: str | None = None,
    limits: Limits = LIMITS,
    tick: Callable[[float], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    poll: float = 0.25,
) -> RawTable:
    """:func:`~valuegap.sources.read_table` of an upload in a bounded worker process.

    ``tick(seconds)`` is called about every ``poll`` seconds while the worker reads (a progress bar);
    ``cancelled()`` returning true stops the read with :class:`ReadStopped`. Running out of time or
    memory is a :class:`ValueGapError` saying which and what to do; the reader's own errors (e.g.
    :class:`~valuegap.sources.delimited.MixedEncoding`) come back as they were raised. The worker is killed
    before this returns or raises, whatever happens."""
    context = _context()
    receive, send = context.Pipe(duplex=False)
    worker = context.Process(
        target=_work, args=(send, data, file_name, sheet, encoding, limits), name="valuegap-read", daemon=True
    )
    worker.start()  # the first start of a server process waits for the fork server to load the readers
    began = time.monotonic()
    send.close()  # the worker holds the only sending end: its death ends the pipe
    try:
        while not receive.poll(poll):
            elapsed = time.monotonic() - began
            if not worker.is_alive() and not receive.poll(0):
                raise _died(file_name, worker.exitcode, limits)
            if elapsed > limits.seconds:
                raise ValueGapError(
                    f"{file_name}: reading it took longer than {limits.seconds:.0f} s and was stopped. "
                    + _ADVICE
                )
            if cancelled is not None and cancelled():
                raise ReadStopped(f"{file_name}: reading was cancelled.")
            if tick is not None:
                tick(elapsed)
        try:
            outcome, value = receive.recv()
        except EOFError:
            raise _died(file_name, worker.exitcode, limits) from None
    finally:
        stop(worker)
        receive.close()
    if outcome == "memory":
        raise _memory(file_name, limits)
    if outcome == "error":
        raise value
    # read whole within the limits above; its file is kept for the import by DuckDB (sql_import)
    return with_file(value, data)


_ADVICE = (
    "A 20 MB CSV or Parquet file reads in seconds: save the sheet as CSV (or Parquet) and upload that, "
    "or split the file."
)


def _memory(file_name: str, limits: Limits) -> ValueGapError:
    return ValueGapError(
        f"{file_name}: reading it needed more than the {megabytes(limits.memory_bytes, MB)} of memory this "
        f"app gives one file, and was stopped. {_ADVICE}"
    )


def _died(file_name: str, exitcode: int | None, limits: Limits) -> ValueGapError:
    """The worker ended without an answer: killed (e.g. by the system for memory) or crashed."""
    if exitcode is not None and exitcode < 0:  # a signal: the usual end of a process out of memory
        return _memory(file_name, limits)
    return ValueGapError(f"{file_name}: the file could not be read (the reader stopped). {_ADVICE}")


def stop(worker: multiprocessing.process.BaseProcess) -> None:
    """Kill ``worker`` if it still runs and reap it."""
    if worker.is_alive():
        worker.kill()
    worker.join(timeout=10)


def unreadable_message(file_name: str) -> str:
    """What to say when a reader fails in a way it has no words for: the file, and what to try."""
    return (
        f"{file_name}: the file could not be read; it may be damaged or not the kind of file its name "
        "says. Open it in the program that made it, save it again as CSV (UTF-8) and upload that."
    )


def _work(
    send: Connection,
    data: bytes,
    file_name: str,
    sheet: str | int | None,
    encoding: str | None,
    limits: Limits,
) -> None:
    """The worker: lower its priority, limit its memory, read, send back the table or the error."""
    try:
        os.nice(limits.nice)
        if hasattr(os, "SCHED_IDLE"):  # Linux: the CPU only when no app thread wants it
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
        if resource is not None:
            resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
        result: tuple[str, object] = ("ok", read_table(data, file_name, sheet=sheet, encoding=encoding))
        del data
    except MemoryError:
        result = ("memory", None)
    except ValueGapError as error:  # sent as it is if it unpickles as it is
        result = ("error", error if type(error) in _PLAIN else ValueGapError(error.message))
    except Exception:  # a reader bug: said in a line, never a traceback or Python's names
        result = ("error", ValueGapError(unreadable_message(file_name)))
    try:
        send.send(result)
    except MemoryError:
        send.send(("memory", None))
    finally:
        send.close()
