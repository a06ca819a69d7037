"""Renaming the claims' metric to the name an uploaded file uses, as a new revision of the proposition.

The other way round from a rename at import (:attr:`valuegap.sources.Mapping.metric_renames`, which
renames the file's label): here the claims change, so every later upload and every dataset already
stored is looked up under the new name.
"""

from __future__ import annotations

from valuegap.errors import ValueGapError, quote
from valuegap.model.proposition import Proposition, parse_proposition
from valuegap.store import Actor, Store, StoredProposition, require_editor

# the revision's action; History says "Renamed a claim metric to match an uploaded file"
RENAME_ACTION = "metric renamed"


def with_metric_renamed(prop: Proposition, old: str, new: str) -> Proposition:
    """``prop`` with every claim that measures ``old`` measuring ``new`` instead. Raises
    :class:`~valuegap.errors.InvalidInput` (every problem in words) when the new name is not a valid
    metric, and :class:`ValueGapError` when no claim measures ``old``."""
    new = new.strip()
    data = prop.to_dict()
    claims = [claim for claim in data.get("claims", []) if claim.get("metric") == old]
    if not claims:
        raise ValueGapError(f"No claim of {prop.name} measures {quote(old)} any more; nothing was renamed.")
    for claim in claims:
        claim["metric"] = new
    return parse_proposition(data)


def rename_claim_metric(
    store: Store, proposition_id: int, old: str, new: str, *, seen_version: int, actor: Actor
) -> StoredProposition:
    """Save the version the user saw (``seen_version``) with the claims' metric ``old`` renamed to
    ``new``, as a new revision by ``actor``. A save by someone else since then is refused with
    :class:`~valuegap.errors.ConflictError`, as every save is."""
    require_editor(actor, "rename claim metrics")  # before the claims are looked at
    seen = store.revision(proposition_id, seen_version).proposition
    renamed = with_metric_renamed(seen, old, new)
    summary = f"metric {quote(old)} renamed to {quote(new.strip())} to match an uploaded file"
    return store.save(
        proposition_id, renamed, seen_version=seen_version, actor=actor, action=RENAME_ACTION, summary=summary
    )
