"""Categoricals from Arrow dictionaries: one entry per distinct text, codes −1 where missing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def categorical(codes: np.ndarray, labels: pd.Index) -> pd.Categorical:
    """Codes (−1 = missing) into ``labels``, which must be distinct."""
    return pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(labels), validate=False)


def frame_of(table: pa.Table, *, distinct: bool = False) -> pd.DataFrame:
    """An Arrow table as pandas, dictionary columns as categoricals over one distinct dictionary each.

    Concatenating a column's chunks merges their dictionaries (much faster than
    ``unify_dictionaries``); a dictionary that still repeats an entry, which Arrow allows (e.g. from a
    Parquet file), is re-encoded. ``distinct=True`` says the dictionaries were made by
    ``pc.dictionary_encode`` and so are not checked (the check hashes every entry again: 0.25 s for
    600,000 customer ids). A pandas index saved beside the data (``__index_level_0__``) is left out,
    as ``to_pandas`` does.
    """
    index_columns = (table.schema.pandas_metadata or {}).get("index_columns", [])
    table = table.drop_columns([c for c in index_columns if isinstance(c, str) and c in table.column_names])
    columns: dict[str, object] = {}
    for name, column in zip(table.column_names, table.columns, strict=True):
        if not pa.types.is_dictionary(column.type):
            columns[name] = column.to_pandas()
            continue
        array = column.combine_chunks() if column.num_chunks else pa.array([], column.type)
        if not distinct and pc.count_distinct(array.dictionary, mode="all").as_py() < len(array.dictionary):
            array = pc.dictionary_encode(array.dictionary_decode())
        codes = pc.fill_null(array.indices, -1).to_numpy(zero_copy_only=False)
        labels = pd.Index(array.dictionary.to_pandas(), copy=False)
        columns[name] = categorical(codes, labels)
    return pd.DataFrame(columns, copy=False)
