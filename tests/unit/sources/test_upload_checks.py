"""Uploads over the size limit, and files that are not what their name says, are refused in one line.

Streamlit's uploader enforces ``server.maxUploadSize`` in the browser and on the server; the library
refuses the same 20 MB itself, so bytes that reach it another way meet the limit too. Every refusal is
a :class:`ValueGapError` (shown as it is, never a traceback) that names the file, says what it really
is and what to do.
"""

from __future__ import annotations

import bz2
import gzip
import io
import os
import random
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from valuegap import sources
from valuegap.errors import ValueGapError
from valuegap.market import offer_files
from valuegap.model import proposition_files
from valuegap.sources import filetypes, outcomes, reading

LONG = "customer_id,metric,value\nA,hours,3.5\nB,hours,4\nC,days,2\n"


def _zip(files: dict[str, str], compression: int = zipfile.ZIP_STORED) -> bytes:
    sink = io.BytesIO()
    with zipfile.ZipFile(sink, "w", compression=compression) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return sink.getvalue()


def _xlsx() -> bytes:
    sink = io.BytesIO()
    pd.read_csv(io.StringIO(LONG)).to_excel(sink, index=False)
    return sink.getvalue()


def _parquet() -> bytes:
    sink = io.BytesIO()
    pd.read_csv(io.StringIO(LONG)).to_parquet(sink)
    return sink.getvalue()


def _noise(size: int, *, nul: bool) -> bytes:
    """Random bytes, like compressed or encrypted data; without NUL bytes if ``nul`` is false."""
    rng = random.Random(7)
    return bytes(rng.randrange(0 if nul else 1, 256) for _ in range(size))


def _case_id(value: object) -> str | None:
    """Test ids without the bytes: zip and gzip stamp the time, and xdist workers must agree."""
    return "bytes" if isinstance(value, bytes) else None


def _refused(data: bytes, name: str) -> str:
    with pytest.raises(ValueGapError) as info:
        sources.read_table(data, name)
    message = info.value.message
    assert message.startswith(f"{name}: ") and "\n" not in message and "Traceback" not in message
    return message


# ----------------------------------------------------------------------------- size


def test_the_library_limit_is_the_configured_upload_limit() -> None:
    # what the browser's uploader enforces (10**6 bytes per MB but on Windows): see the size tests below
    assert sources.MAX_UPLOAD_MB == 20 and sources.MAX_UPLOAD_BYTES == 20_000_000


def test_a_file_over_the_limit_is_refused_naming_its_size_and_the_limit() -> None:
    data = b"x" * 25_300_000
    message = _refused(data, "outcomes.csv")
    assert "is 25.3 MB; the limit is 20 MB (20,000,000 bytes)" in message
    assert "Split it" in message and "Parquet" in message and "SQL source" in message


def test_the_size_is_checked_before_the_content() -> None:
    # an over-limit PNG is refused for its size: nothing of it is parsed
    message = _refused(b"\x89PNG\r\n\x1a\n" + bytes(21_000_000), "photo.csv")
    assert "the limit is 20 MB" in message


def test_exactly_the_limit_passes_the_size_check_and_one_byte_more_does_not() -> None:
    sources.check_size(b"x" * 100, "a.csv", 100)
    with pytest.raises(
        ValueGapError, match=r"a\.csv: the file is 0\.1 MB; the limit is 0\.1 MB \(100 bytes\)"
    ):
        sources.check_size(b"x" * 101, "a.csv", 100)
    sources.check_size(b"x" * 101, "a.csv", None)  # None: no limit


def test_sizes_round_up_so_an_over_limit_file_never_prints_as_the_limit() -> None:
    assert filetypes.megabytes(20_000_000, 10**6) == "20 MB"
    assert filetypes.megabytes(20_000_001, 10**6) == "20.1 MB"
    assert filetypes.megabytes(25_300_000, 10**6) == "25.3 MB"
    assert filetypes.megabytes(20 * 2**20) == "20 MB"  # the default unit, 2**20 bytes, of proposition files


def test_max_bytes_applies_to_any_reader_call() -> None:
    with pytest.raises(ValueGapError, match="the limit is"):
        sources.read_table(LONG.encode(), "small.csv", max_bytes=10)
    assert sources.read_table(LONG.encode(), "small.csv", max_bytes=None).rows == 3


def test_the_cli_reads_files_from_disk_without_the_upload_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[int | None] = []
    real = sources.read_table

    def spy(data: bytes, file_name: str, **kwargs: object) -> sources.RawTable:
        seen.append(kwargs.get("max_bytes", reading.MAX_UPLOAD_BYTES))  # type: ignore[arg-type]
        return real(data, file_name, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(outcomes, "read_table", spy)
    path = tmp_path / "outcomes.csv"
    path.write_text(LONG)
    assert len(outcomes.read_outcomes_csv(path)) == 3
    assert seen == [None]


def test_a_proposition_file_over_its_limit_is_refused_naming_its_size() -> None:
    with pytest.raises(ValueGapError) as info:
        proposition_files.loads(b"# padding\n" * 150_000, source="big.yaml")
    assert info.value.message.startswith("big.yaml: the file is 1.5 MB; the limit is 1 MB")


# ----------------------------------------------------------------------------- not what they claim


@pytest.mark.parametrize(
    ("data", "name", "says"),
    [
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(40),
            "outcomes.csv",
            "this is a PNG image, not a table",
        ),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "outcomes.xlsx", "this is a JPEG image"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "outcomes.csv", "this is a PDF document"),
        (_zip({"outcomes.csv": LONG}), "outcomes.csv", "this is a zip archive, not a table. Unpack it"),
        (_zip({"word/document.xml": "<w/>"}), "outcomes.xlsx", "this is a Word document"),
        (
            _zip({"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<x/>"}),
            "outcomes.xlsx",
            r"OpenDocument spreadsheet \(\.ods\).*Save it as \.xlsx or CSV",
        ),
        (_xlsx()[:2000], "outcomes.xlsx", "zip archive that cannot be opened.*damaged or cut short"),
        (gzip.compress(LONG.encode()), "outcomes.csv", "gzip-compressed file.*Unpack it"),
        (bz2.compress(LONG.encode()), "outcomes.csv", "bzip2-compressed file.*Unpack it"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200),
            "outcomes.xls",
            r"old Excel \(\.xls\).*Save it as",
        ),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64) + "EncryptedPackage".encode("utf-16-le"),
            "outcomes.xlsx",
            "password-protected.*Remove the password",
        ),
        (b"SQLite format 3\x00" + bytes(100), "outcomes.csv", "this is an SQLite database"),
        (LONG.replace(",", "\t").encode("utf-16"), "outcomes.csv", "UTF-16 text.*CSV UTF-8"),
        (_noise(4000, nul=True), "outcomes.csv", "this is a binary file, not a table"),
        (_noise(4000, nul=False), "outcomes.csv", "this is a binary file, not a table"),
        (b"\x7fELF\x02\x01\x01" + bytes(60), "outcomes.csv", "this is a program"),
        (
            b"<!DOCTYPE html>\n<html><body><table><tr><td>A</td></tr></table></body></html>\n",
            "report.xls",
            r"web page \(HTML\).*save it as \.xlsx or CSV",
        ),
        (
            b'<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n<Workbook/>\n',
            "book.xlsx",
            "Excel 2003 XML spreadsheet",
        ),
        (b'[{"customer_id": "A", "metric": "hours", "value": 1}]\n', "outcomes.csv", "this is JSON"),
    ],
    ids=_case_id,
)
def test_content_that_is_not_a_table_is_refused_saying_what_it_is(data: bytes, name: str, says: str) -> None:
    message = _refused(data, name)
    assert re.search(says, message), message


@pytest.mark.parametrize("name", ["outcomes.csv", "outcomes.xlsx", "outcomes.parquet", "survey.tsv"])
@pytest.mark.parametrize("data", [b"", b"   \n\n  "], ids=["empty", "blank"])
def test_an_empty_file_is_refused_whatever_its_name(data: bytes, name: str) -> None:
    assert _refused(data, name).endswith("the file is empty.")


def test_text_named_like_a_spreadsheet_says_so_when_it_is_not_a_table() -> None:
    prose = b"Dear team,\nplease find the March numbers attached.\nBest, Ana\n"
    message = _refused(prose, "outcomes.xlsx")
    assert message.startswith("outcomes.xlsx: this is plain text, not an Excel workbook as its name says.")
    assert "Read as CSV: column 2 has no header" in message
    message = _refused(b"customer_id,metric,value\n", "outcomes.parquet")
    assert "plain text, not a Parquet file" in message and "has a header but no rows" in message


def test_the_format_comes_from_the_content_not_the_name() -> None:
    """A real table under a wrong name is read for what it is: the name is only a hint."""
    assert sources.read_table(LONG.encode(), "outcomes.parquet").format == "csv"
    assert sources.read_table(LONG.encode(), "outcomes.xlsx").format == "csv"
    assert sources.read_table(_parquet(), "outcomes.csv").format == "parquet"
    assert sources.read_table(_xlsx(), "outcomes.csv").format == "excel"


def test_a_damaged_parquet_file_is_refused_without_a_traceback() -> None:
    data = _parquet()
    message = _refused(data[: len(data) // 2], "outcomes.parquet")
    assert "not a readable Parquet file" in message and "export it again" in message


def test_rows_ending_in_cr_alone_are_read() -> None:
    """Excel's 'CSV (Macintosh)' ends rows with CR only; the header reader used to crash on it."""
    raw = sources.read_table(LONG.replace("\n", "\r").encode(), "mac.csv")
    assert list(raw.frame.columns) == ["customer_id", "metric", "value"] and raw.rows == 3


def test_an_offers_table_upload_gets_the_same_checks() -> None:
    with pytest.raises(ValueGapError, match=r"market\.csv: this is a PNG image"):
        offer_files.loads(b"\x89PNG\r\n\x1a\n" + bytes(20), "market.csv")
    with pytest.raises(ValueGapError, match=r"market\.yaml: this is a zip archive"):
        offer_files.loads(_zip({"a.yaml": "x: 1"}), "market.yaml")


# ----------------------------------------------------------------------------- proposition files


@pytest.mark.parametrize(
    ("data", "name", "says"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "prop.yaml", "this is a PNG image, not a YAML or JSON file"),
        (_xlsx(), "prop.yaml", r"this is an Excel workbook \(\.xlsx\), not a YAML or JSON file"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "prop.json", "this is a PDF document"),
        (gzip.compress(b"name: x\n"), "prop.yaml", "this is a gzip-compressed file"),
        (_noise(3000, nul=True), "prop.yaml", "this is a binary file, not a YAML or JSON file"),
        (_noise(3000, nul=False), "prop.yaml", "this is a binary file, not a YAML or JSON file"),
        ("name: Zoë\n".encode("utf-16"), "prop.yaml", "UTF-16 text.*Save it as UTF-8"),
        (b"name: caf\xe9\n", "prop.yaml", "not UTF-8 text"),
        (b"", "prop.yaml", "the file is empty"),
    ],
    ids=_case_id,
)
def test_a_proposition_file_that_is_not_yaml_or_json_text_is_refused(
    data: bytes, name: str, says: str
) -> None:
    with pytest.raises(ValueGapError) as info:
        proposition_files.loads(data, proposition_files.format_for(name), source=name)
    message = info.value.message
    assert message.startswith(f"{name}: ") and "\n" not in message
    assert re.search(says, message), message


def test_text_is_never_mistaken_for_binary() -> None:
    """Tabs, CRLF, accented letters, a form feed and a trailing Ctrl-Z are all still text."""
    table = ("customer_id\tmetric\tvalue\r\n" + "Zoë\thours\t1\r\n" * 50).encode()
    for text in (table, table + b"\x0c\x1a", "Müller;Zoë;café\n".encode("cp1252")):
        assert not filetypes.looks_binary(text) and filetypes.recognise(text) is None
    assert sources.read_table(table, "ok.tsv").format == "tsv"


def test_a_workbook_that_unpacks_to_too_much_is_refused_before_it_is_read(monkeypatch) -> None:
    """A few kilobytes of .xlsx can declare gigabytes of XML (a "zip bomb"); openpyxl would try to hold
    them. The limit is lowered here so the test need not compress half a gigabyte."""
    monkeypatch.setattr(reading, "MAX_WORKBOOK_UNPACKED_BYTES", 1_000_000)
    sheet = "<c>0</c>" * (300 << 10)
    bomb = _zip({"xl/workbook.xml": "<workbook/>", "xl/worksheets/sheet1.xml": sheet}, zipfile.ZIP_DEFLATED)
    assert len(bomb) < 50_000
    assert filetypes.unpacked_size(bomb) > 2 << 20
    with pytest.raises(ValueGapError) as refused:
        sources.read_table(bomb, "book.xlsx")
    assert str(refused.value) == (
        "book.xlsx: this workbook unpacks to 2.5 MB, more than the 1 MB this app reads from one "
        "Excel file. Save the sheet as CSV or Parquet and upload that."
    )
    assert sources.read_table(_xlsx(), "book.xlsx").format == "excel"  # a real one under the limit


# ----------------------------------------------------------------------------- repeated rows (METHODS 8)


@pytest.mark.parametrize(
    ("text", "kept", "dropped", "rejected"),
    [
        ("customer_id,metric,value\nA,hours,2\nA,hours,2\nA,hours,8\n", 1, 0, 0),
        (
            "customer_id,metric,value,observed_at\nA,hours,2,2025-01-01\nA,hours,2,2025-01-01\n"
            "A,hours,8,2025-01-02\n",
            0,
            1,
            1,
        ),
    ],
)
def test_the_stored_dataset_records_its_repeated_rows(store, editor, text, kept, dropped, rejected) -> None:
    from valuegap.workspace.imports import import_table

    raw = sources.read_table(text.encode(), "outcomes.csv")
    imported = import_table(
        store, raw, sources.propose_mapping(raw), name="Outcomes", proposition_id=None, actor=editor
    )
    (stored,) = [d for d in store.datasets() if d.id == imported.dataset.id]
    repeats = stored.details["repeated_rows"]
    assert (repeats["kept"], repeats["dropped"], stored.rows_rejected) == (kept, dropped, rejected)
    assert repeats["notes"] == list(imported.result.report.notes) and len(repeats["notes"]) == 1
    assert stored.rows_kept == 3 - dropped


# ------------------------------------------------------------------------ the upload limit's unit (issue 20)


def _streamlit_code(pattern: str) -> list[str]:
    import streamlit

    static = Path(streamlit.__file__).parent / "static"
    return [m for f in static.rglob("*.js") for m in re.findall(pattern, f.read_text(errors="ignore"))]


def test_the_limit_is_what_streamlits_browser_uploader_enforces() -> None:
    """The browser refused uploads over 20,000,000 bytes while the library and README said 20 MiB.
    Streamlit's uploader turns ``maxUploadSizeMb`` into bytes with its FileHelper's conversion, 1000 per
    step except on Windows (1024); its server allows ``maxUploadSize * 1024 * 1024`` bytes. The smaller,
    10**6 bytes per MB, is the limit everywhere here. Read from the installed Streamlit, so an upgrade
    that changes it fails this test."""
    import tomllib

    import streamlit.config as st_config

    assert _streamlit_code(r"maxUploadSizeMb;return \w+\(\w+,\w+\.Megabyte,\w+\.Byte\)")
    assert _streamlit_code(r"=\w+\(\)\?1024:1e3"), "the browser's MB conversion changed: check issue 20"
    server = Path(st_config.__file__).parent / "web/server/starlette/starlette_routes.py"
    assert 'config.get_option("server.maxUploadSize") * 1024 * 1024' in server.read_text()
    root = Path(__file__).resolve().parents[3]
    config = tomllib.loads((root / ".streamlit" / "config.toml").read_text())
    mb = config["server"]["maxUploadSize"]
    assert sources.MAX_UPLOAD_BYTES == mb * 1000**2 < mb * 1024**2  # the browser's, below the server's
    readme = (root / "README.md").read_text()
    assert f"{mb} MB ({sources.MAX_UPLOAD_BYTES:,} bytes)" in readme


def test_a_file_of_the_browsers_limit_passes_and_one_byte_more_is_refused_in_its_units() -> None:
    sources.check_size(b"x" * 20_000_000, "full.csv")
    with pytest.raises(ValueGapError) as info:
        sources.check_size(b"x" * 20_000_001, "over.csv")
    assert info.value.message.startswith(
        "over.csv: the file is 20.1 MB; the limit is 20 MB (20,000,000 bytes)."
    )


def test_a_workbook_part_packed_like_a_bomb_is_refused_at_once() -> None:
    """More than 100 times (Apache POI's default) is refused before openpyxl sees it; real data packs
    about 12 times (the demo outcomes through openpyxl: 2.4 MB held 30 MB)."""
    sheet = "<row><c><v>1</v></c></row>" * 200_000  # 5.2 MB unpacked, a few KB packed
    bomb = _zip({"xl/workbook.xml": "<workbook/>", "xl/worksheets/sheet1.xml": sheet}, zipfile.ZIP_DEFLATED)
    message = _refused(bomb, "book.xlsx")
    assert message.startswith("book.xlsx: the part xl/worksheets/sheet1.xml of this workbook unpacks to ")
    ratio = len(sheet) / next(i.compress_size for i in zipfile.ZipFile(io.BytesIO(bomb)).infolist()[1:])
    assert f"unpacks to {ratio:,.0f} times its packed size (5.2 MB)" in message
    rows = pd.DataFrame({"customer_id": [f"C{i:05d}" for i in range(40_000)], "value": range(40_000)})
    sink = io.BytesIO()
    rows.to_excel(sink, index=False)
    assert sources.read_table(sink.getvalue(), "real.xlsx").rows == 40_000  # real data passes


# ----------------------------------------------------------------------------- bounded reads (issue 20)


def _worker_facts(pid_seen: list[int]) -> dict[str, object]:
    """What /proc says of the running worker: its niceness and its address-space limit."""
    import multiprocessing

    (worker,) = [p for p in multiprocessing.active_children() if p.name == "valuegap-read"]
    pid_seen.append(worker.pid)
    limits = Path(f"/proc/{worker.pid}/limits").read_text()
    line = next(line for line in limits.splitlines() if line.startswith("Max address space"))
    return {
        "nice": os.getpriority(os.PRIO_PROCESS, worker.pid),
        "address space": int(line.split()[3]),
        "policy": os.sched_getscheduler(worker.pid),
    }


def _gone(pid: int) -> bool:
    """The process ended (a zombie awaiting its parent's wait counts as ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state in ("Z", "X")


def _slow_workbook(rows: int = 150_000) -> bytes:
    """A real workbook that takes openpyxl a few seconds (about 40 s per 85,000 rows on a busy CI box)."""
    sink = io.BytesIO()
    frame = pd.DataFrame({"customer_id": [f"C{i:06d}" for i in range(rows)], "value": range(rows)})
    frame.to_excel(sink, index=False, engine="openpyxl")
    return sink.getvalue()


@pytest.fixture(scope="module")
def slow_workbook() -> bytes:
    return _slow_workbook()


def test_a_bounded_read_is_the_plain_read_done_in_a_nicer_smaller_process() -> None:
    from valuegap.sources.bounded import Limits, read_bounded

    seen: list[dict[str, object]] = []
    pids: list[int] = []
    data = ("customer_id,metric,value\n" + "A,hours,3\n" * 200_000).encode()
    limits = Limits(seconds=60, memory_bytes=1_500_000_000, nice=7)
    raw = read_bounded(
        data, "big.csv", limits=limits, tick=lambda s: seen.append(_worker_facts(pids)), poll=0.01
    )
    plain = sources.read_table(data, "big.csv")
    pd.testing.assert_frame_equal(raw.frame, plain.frame)
    assert (raw.rows, raw.encoding, raw.content_hash) == (plain.rows, plain.encoding, plain.content_hash)
    assert seen, "no tick while the worker read"
    assert seen[0]["address space"] == 1_500_000_000
    assert seen[0]["nice"] == os.getpriority(os.PRIO_PROCESS, 0) + 7
    assert seen[0]["policy"] == os.SCHED_IDLE  # the CPU only when nothing else wants it
    assert _gone(pids[0])


def test_a_bounded_read_raises_the_readers_own_errors_as_they_were() -> None:
    from valuegap.sources.bounded import read_bounded
    from valuegap.sources.delimited import MixedEncoding

    with pytest.raises(MixedEncoding) as info:
        read_bounded("a,b\ncafé,1\n".encode() + b"caf\xe9,2\n", "mixed.csv")
    assert info.value.rows == [3] and info.value.message.startswith("mixed.csv: row 3 is not UTF-8")
    with pytest.raises(ValueGapError, match=r"^photo\.csv: this is a PNG image, not a table"):
        read_bounded(b"\x89PNG\r\n\x1a\n" + bytes(64), "photo.csv")


def test_a_reader_failing_without_words_is_said_in_words_naming_the_file() -> None:
    """A reader bug (here: an encoding no reader knows) is told as the file and what to do, never as
    Python's exception class or its text."""
    from valuegap.sources.bounded import read_bounded

    with pytest.raises(ValueGapError) as info:
        read_bounded(b"a,b\n1,2\n", "sales.csv", encoding="klingon")
    assert info.value.message.startswith("sales.csv: the file could not be read;")
    assert "save it again as CSV (UTF-8)" in info.value.message
    assert "Error" not in info.value.message and "klingon" not in info.value.message


def test_a_read_that_outlasts_its_time_is_stopped_and_its_worker_killed(slow_workbook: bytes) -> None:
    import time

    from valuegap.sources.bounded import Limits, read_bounded

    pids: list[int] = []
    began = time.monotonic()
    with pytest.raises(ValueGapError) as info:
        read_bounded(
            slow_workbook, "slow.xlsx", limits=Limits(seconds=1.5), tick=lambda s: _worker_facts(pids)
        )
    assert time.monotonic() - began < 10
    assert info.value.message.startswith("slow.xlsx: reading it took longer than 2 s and was stopped.")
    assert "save the sheet as CSV" in info.value.message
    assert pids and _gone(pids[-1])


def test_a_read_that_needs_more_memory_than_its_limit_is_stopped_saying_so(tmp_path: Path) -> None:
    """A Parquet 'bomb': 150 million zeros pack into a few kilobytes and unpack to 1.2 GB."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    from valuegap.sources.bounded import Limits, read_bounded

    sink = io.BytesIO()
    pq.write_table(pa.table({"value": pa.array(np.zeros(150_000_000))}), sink, compression="zstd")
    data = sink.getvalue()
    assert len(data) < 2_000_000
    with pytest.raises(ValueGapError) as info:
        read_bounded(data, "zeros.parquet", limits=Limits(memory_bytes=1_000_000_000))
    assert info.value.message.startswith(
        "zeros.parquet: reading it needed more than the 1000 MB of memory this app gives one file"
    )


def test_cancelling_or_leaving_a_read_kills_its_worker(slow_workbook: bytes) -> None:
    from valuegap.sources.bounded import ReadStopped, read_bounded

    pids: list[int] = []
    with pytest.raises(ReadStopped, match=r"^slow\.xlsx: reading was cancelled\.$"):
        read_bounded(
            slow_workbook, "slow.xlsx", tick=lambda s: _worker_facts(pids), cancelled=lambda: bool(pids)
        )
    assert _gone(pids[-1])

    class Stopped(Exception):  # what Streamlit raises in a script when the user presses a button
        pass

    def stop(seconds: float) -> None:
        _worker_facts(pids)
        raise Stopped

    with pytest.raises(Stopped):
        read_bounded(slow_workbook, "slow.xlsx", tick=stop)
    assert _gone(pids[-1])
