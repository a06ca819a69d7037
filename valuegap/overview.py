"""The workspace at a glance: one row per proposition, for the Overview page and the CLI."""

from __future__ import annotations

import pandas as pd

from valuegap.formatting import format_price
from valuegap.language import check_proposition
from valuegap.store import StoredProposition

STATUS_LABELS = {"draft": "Draft", "in_review": "In review", "approved": "Approved"}


def overview_frame(items: list[StoredProposition]) -> pd.DataFrame:
    """Name, status, price, claim and wording-flag counts, last change; indexed by proposition id."""
    rows = []
    for item in items:
        prop = item.proposition
        flags = check_proposition(prop)
        rows.append(
            {
                "id": item.id,
                "Name": prop.name,
                "Status": STATUS_LABELS[prop.status.value],
                "Segment": prop.segment,
                "Price": format_price(prop.price),
                "Claims": len(prop.claims),
                "Wording flags": len(flags),
                "Claims flagged": len({flag.claim_id for flag in flags}),
                "Version": item.version,
                "Updated": item.updated_at,
                "Updated by": item.updated_by,
                "Archived": item.archived,
            }
        )
    columns = [
        "id", "Name", "Status", "Segment", "Price", "Claims", "Wording flags", "Claims flagged",
        "Version", "Updated", "Updated by", "Archived",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=columns).set_index("id")
