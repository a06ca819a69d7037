"""Turn an uploaded file or a SQL query into validated observations or a customer table.

Reading (:mod:`.reading`) detects the format from the content, the text encoding, the delimiter and
a decimal comma, and refuses what pandas would silently mangle (duplicate headers, one-column
"CSV" files), files over the upload limit, and content that is not a table whatever its name
says. The mapping step (:mod:`.mapping`) proposes column roles from names and types.
Validation (:mod:`.validation`) reports every rejected row with its file row number and reason.
"""

from __future__ import annotations

from valuegap.sources.mapping import ROLES, Kind, Mapping, check_mapping, propose_mapping, shape_signature
from valuegap.sources.reading import (
    MAX_UPLOAD_BYTES,
    MAX_UPLOAD_MB,
    RawTable,
    check_size,
    content_hash,
    read_sql,
    read_table,
)
from valuegap.sources.validation import IngestResult, ValidationReport, apply_mapping

__all__ = [
    "MAX_UPLOAD_BYTES",
    "MAX_UPLOAD_MB",
    "ROLES",
    "IngestResult",
    "Kind",
    "Mapping",
    "RawTable",
    "ValidationReport",
    "apply_mapping",
    "check_mapping",
    "check_size",
    "content_hash",
    "propose_mapping",
    "read_sql",
    "read_table",
    "shape_signature",
]
