"""Bringing evidence in: a validated upload becomes a stored, versioned dataset in one transaction.

``ingest`` reads and validates; this module reduces outcome rows once to per-customer means with the
evidence engine (:mod:`valuegap.sources.engine`, the embedded DuckDB), serialises rows and means as Parquet
and writes them with the report and mapping through the store. Nothing is written unless everything
succeeded.
"""

from __future__ import annotations

import io
import os
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import platformdirs

from valuegap.errors import InvalidInput, ValueGapError
from valuegap.sources import (
    IngestResult,
    Mapping,
    RawTable,
    apply_mapping,
    engine,
    shape_signature,
    sql_import,
)
from valuegap.store import Actor, NewDataset, Store, StoredDataset, require_editor

Progress = Callable[[float, str], None]
KEPT_REJECTIONS = 1_000  # rejected rows listed in the stored report (counts are always complete)


@dataclass(frozen=True)
class ImportResult:
    dataset: StoredDataset
    result: IngestResult


def dataset_kind(mapping: Mapping) -> str:
    """``customers`` for a customer table, ``outcomes`` for long or wide outcome data."""
    return "customers" if mapping.kind == "customers" else "outcomes"


def _parquet(frame: pd.DataFrame) -> bytes:
    """Validated rows as Parquet: text columns and dates dictionary-encoded, numbers plain, no
    statistics. Dates repeat (observations fall on a few hundred days): a dictionary made 10M rows
    both smaller (67 MiB instead of 73) and faster to write (1.3 s instead of 1.5-1.65)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    dictionary = [
        f.name
        for f in table.schema
        if pa.types.is_dictionary(f.type) or pa.types.is_string(f.type) or pa.types.is_timestamp(f.type)
    ]
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd", use_dictionary=dictionary, write_statistics=False)
    return sink.getvalue()


def _rejections(result: IngestResult) -> dict[str, object]:
    table = result.report.rejections
    counts = table["reason"].value_counts().to_dict() if len(table) else {}
    listed = table.head(KEPT_REJECTIONS).astype({"value": str}).to_dict(orient="records")
    return {"reasons": {str(k): int(v) for k, v in counts.items()}, "rows": listed}


def import_table(
    store: Store,
    raw: RawTable,
    mapping: Mapping,
    *,
    name: str,
    proposition_id: int | None,
    actor: Actor,
    known_metrics: set[str] | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Validate ``raw`` with ``mapping``, aggregate it and store it as a new dataset version."""
    require_editor(actor, "import datasets")  # before any heavy work, not only when storing
    if not raw.content_hash:
        raise ValueError("a table read with hash_content=False cannot be stored (no version hash)")
    report = progress or (lambda fraction, message: None)
    name = name.strip()
    if not name:
        raise ValueGapError("Give the dataset a name, e.g. 'Ledgerly outcomes 2025'.")
    report(0.05, "Validating rows")
    kind = dataset_kind(mapping)
    summary_bytes: bytes | None
    if kind == "outcomes" and sql_import.usable(raw, mapping):
        try:
            result, data, summary_bytes, details = _outcomes_by_sql(raw, mapping, known_metrics, report)
        except sql_import.Fallback:
            pass  # what DuckDB cannot decide as the project does: the whole table the pandas way
        else:
            return _store(store, raw, mapping, name, proposition_id, actor, result, data, summary_bytes,
                          details, report)  # fmt: skip
    raw = raw.full()  # a lazily read table's every row, for the pandas way
    result = apply_mapping(
        raw, mapping, known_metrics=known_metrics, progress=lambda f, m: report(0.05 + 0.45 * f, m)
    )
    summary_bytes = None
    if kind == "outcomes":
        assert result.observations is not None
        report(0.5, "Averaging each customer's observations")
        with tempfile.TemporaryDirectory(prefix="valuegap-import-") as folder:
            path = str(Path(folder) / "per_customer.parquet")
            reduced = engine.reduce_to_parquet(result.observations, path)
            summary_bytes = Path(path).read_bytes()
            evidence = engine.open_parquet(
                path, granularity=reduced.granularity, observations=reduced.observations
            )
            customers = evidence.customers()
            report(0.75, "Writing the validated rows")
            data = _parquet(result.observations)
        found = engine.Labels(
            evidence.metrics, evidence.named_segments, tuple(o for o in evidence.offers if o),
            evidence.periods, customers,
        )  # fmt: skip
        details = _outcome_details(found, reduced, result)
    else:
        assert result.customers is not None
        rows = result.customers
        data = _parquet(rows)
        details = {
            "customers": int(rows["customer_id"].nunique()),
            "segments": sorted({str(s) for s in rows.get("segment", pd.Series(dtype=str)) if str(s)}),
            "survey_items": list(mapping.survey_items),
            "columns": [str(c) for c in rows.columns],
        }
    return _store(store, raw, mapping, name, proposition_id, actor, result, data, summary_bytes, details,
                  report)  # fmt: skip


def _outcomes_by_sql(
    raw: RawTable, mapping: Mapping, known_metrics: set[str] | None, report: Progress
) -> tuple[IngestResult, bytes, bytes, dict[str, object]]:
    """A lazily read Parquet or CSV upload checked, stored and reduced by DuckDB where the file is
    (:mod:`valuegap.sources.sql_import`): no frame of its rows is built. Raises ``Fallback``."""
    with tempfile.TemporaryDirectory(prefix="valuegap-import-") as folder:
        con = sql_import.connect(Path(folder))
        try:  # DuckDB's own errors: out of memory is said, the rest is the pandas way's to say
            checked = sql_import.check_and_store(
                con, raw, mapping, Path(folder), known_metrics=known_metrics,
                progress=lambda f, m: report(0.05 + 0.45 * f, m),
            )  # fmt: skip
            report(0.5, "Averaging each customer's observations")
            path = str(Path(folder) / "per_customer.parquet")
            # per-customer means have no order to keep: DuckDB groups in parallel without merging orders
            con.execute("SET preserve_insertion_order = false")
            reduced = engine.reduce_table(con, "kept", path)
            summary_bytes = Path(path).read_bytes()
            data = checked.rows.read_bytes()
            found = engine.labels_of_parquet(con, path)
        except duckdb.OutOfMemoryException:
            raise ValueGapError(
                f"{raw.file_name}: importing it needed more than the {sql_import.MEMORY_LIMIT} of memory "
                "this app gives one import, and was stopped. Split the file, or read the data from its "
                "database as a live source."
            ) from None
        except duckdb.Error:
            raise sql_import.Fallback from None
        finally:
            con.close()
    result = IngestResult(mapping.kind, None, None, checked.report, mapping)
    return result, data, summary_bytes, _outcome_details(found, reduced, result)


def _outcome_details(
    found: engine.Labels, reduced: engine.Reduced, result: IngestResult
) -> dict[str, object]:
    return {
        "metrics": list(found.metrics), "segments": list(found.segments),
        "offers": list(found.offers), "periods": list(found.periods),
        "granularity": reduced.granularity, "customers": found.customers,
        "observations": reduced.observations, "summary_format": engine.PER_CUSTOMER_FORMAT,
        # METHODS.md section 8: exact repeats are counted, kept or dropped, never silently
        "repeated_rows": {
            "kept": result.report.repeats_kept, "dropped": result.report.repeats_dropped,
            "notes": list(result.report.notes),
        },
    }  # fmt: skip


def _store(
    store: Store, raw: RawTable, mapping: Mapping, name: str, proposition_id: int | None, actor: Actor,
    result: IngestResult, data: bytes, summary_bytes: bytes | None, details: dict[str, object],
    report: Progress,
) -> ImportResult:  # fmt: skip
    report(0.85, "Saving the dataset")
    kind = dataset_kind(mapping)
    new = NewDataset(
        name=name[:200], kind=kind, proposition_id=proposition_id, file_name=raw.file_name[:300],
        source_format=raw.format, content_hash=raw.content_hash, rows_read=result.report.rows_read,
        rows_kept=result.report.rows_kept, rows_rejected=result.report.rows_rejected,
        rejections=_rejections(result), mapping=mapping.to_dict(), details=details,
        data=data, summary=summary_bytes,
        mapping_signature=shape_signature(list(raw.frame.columns)),
    )  # fmt: skip
    stored = store.datasets.add(new, actor)
    report(1.0, "Done")
    return ImportResult(stored, result)


SURVEY_METHODS = {
    "van_westendorp": "Van Westendorp survey",
    "gabor_granger": "Gabor-Granger survey",
    "transactions": "Transactions (price and quantity)",
}


def import_survey(
    store: Store, raw: RawTable, method: str, *, name: str, proposition_id: int | None, actor: Actor,
    without_invalid: bool = False,
) -> StoredDataset:  # fmt: skip
    """Store a price-research survey (or transactions) after checking that its method can use it.

    The file's rows are kept as read; the analysis runs on them again when shown (it is cheap), so
    nothing is stored that a later version of the method would compute differently. A Van Westendorp
    survey with negative or non-numeric answers raises ``research.InvalidAnswers`` (every cell
    listed); with ``without_invalid`` it is stored and its analysis leaves those respondents out
    (``details["without_invalid"]``).
    """
    require_editor(actor, "import datasets")
    from valuegap.pricing import research

    if method not in SURVEY_METHODS:
        raise ValueGapError(f"Unknown survey kind {method!r}; choose one of {', '.join(SURVEY_METHODS)}.")
    name = name.strip()
    if not name:
        raise ValueGapError("Give the survey a name, e.g. 'Pricing survey March'.")
    frame = research.survey_frame(raw)  # decimal commas read, errors name the file
    details: dict[str, object] = {"method": method, "columns": [str(c) for c in frame.columns]}
    if without_invalid and method != "van_westendorp":
        raise ValueGapError(
            "Leaving out respondents with invalid answers is offered for Van Westendorp only."
        )
    if method == "van_westendorp":
        vw = research.van_westendorp(frame, bootstrap=0, without_invalid=without_invalid)
        details |= {
            "respondents": vw.n, "dropped": vw.dropped, "dropped_incomplete": vw.dropped_incomplete,
            "dropped_inconsistent": vw.dropped_inconsistent, "without_invalid": without_invalid,
            "invalid_respondents": len(vw.invalid_rows),
        }  # fmt: skip
    elif method == "gabor_granger":
        details["respondents"] = research.gabor_granger(frame).n
    else:
        details["transactions"] = research.elasticity(frame).n
    new = NewDataset(
        name=name[:200], kind="survey", proposition_id=proposition_id, file_name=raw.file_name[:300],
        source_format=raw.format, content_hash=raw.content_hash, rows_read=len(frame),
        rows_kept=len(frame), rows_rejected=0, rejections={"reasons": {}, "rows": []}, mapping={},
        details=details, data=_parquet(_as_stored(frame)),
        summary=None,
    )  # fmt: skip
    return store.datasets.add(new, actor)


def _as_stored(frame: pd.DataFrame) -> pd.DataFrame:
    """Mixed-type text columns (e.g. from Excel) as strings, blanks kept blank, so Parquet takes them."""
    return frame.astype({c: "string" for c in frame.columns if frame[c].dtype == object})


def remembered_mapping(store: Store, raw: RawTable) -> Mapping | None:
    """The mapping used last time for a file with the same columns, if it still fits this file."""
    saved = store.datasets.remembered_mapping(shape_signature(list(raw.frame.columns)))
    if not saved:
        return None
    try:
        mapping = Mapping.from_dict(saved)
    except InvalidInput:  # a mapping stored in a shape this version does not read: propose afresh
        return None
    used = set(mapping.roles.values()) | set(mapping.metric_columns)
    return mapping if used <= set(raw.frame.columns) else None


def load_evidence(store: Store, dataset: StoredDataset) -> engine.Evidence:
    """A stored outcome dataset's evidence: its per-customer Parquet in this machine's cache folder
    (written from the database once per process and dataset; rebuilt from the validated rows when it
    was stored by an older layout), queried by the embedded DuckDB."""
    if dataset.kind != "outcomes":
        raise ValueGapError("This dataset is a customer table; choose an outcomes dataset for verdicts.")
    details = dataset.details
    folder = Path(platformdirs.user_cache_dir("valuegap")) / "evidence"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{dataset.content_hash[:16]}-{dataset.id}-v{engine.PER_CUSTOMER_FORMAT}.parquet"
    granularity, observations = details.get("granularity"), int(details.get("observations") or 0)
    if not path.exists():
        # written beside and renamed: another process reading the same dataset never sees half a file
        partial = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.partial")
        if details.get("summary_format") == engine.PER_CUSTOMER_FORMAT:
            partial.write_bytes(store.datasets.summary(dataset.id) or b"")
        else:
            rows = pd.read_parquet(io.BytesIO(store.datasets.rows(dataset.id)))
            reduced = engine.reduce_to_parquet(rows, str(partial))
            granularity, observations = reduced.granularity, reduced.observations
        os.replace(partial, path)
    elif details.get("summary_format") != engine.PER_CUSTOMER_FORMAT:
        observations = int(details.get("rows_kept") or dataset.rows_kept)
    return engine.open_parquet(str(path), granularity=granularity, observations=observations)


def load_rows(store: Store, dataset_id: int) -> pd.DataFrame:
    """A stored dataset's validated rows (customer tables are small; outcome rows may not be)."""
    return pd.read_parquet(io.BytesIO(store.datasets.rows(dataset_id)))
