"""Share links: signed, expiring tokens that let a stakeholder read one proposition or scenario.

A token is ``<payload>.<signature>``, both base64url: the payload names the link's random public
id and its expiry; the signature is HMAC-SHA256 of the payload with the server's secret. A token
never carries a database id on its own, and changing any character breaks the signature. The
store keeps each link (its target, expiry, who made it, whether it was revoked), so a link can be
revoked before it expires; :meth:`ShareRepository.resolve` checks signature, expiry and revocation.

A link also pins what it shows: the evidence (dataset version) and the analysis settings
(:class:`ViewSettings`) it was shared with. A newer upload does not change them; the sharer moves a
link to newer evidence explicitly, and a viewer's address cannot override them (:data:`PINNED_PARAMS`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from valuegap.errors import ValueGapError
from valuegap.sharing import links

TOKEN_PREFIX = "v1"


class ShareLinkError(ValueGapError):
    """A share link that cannot be honoured; the message is what the visitor is shown."""


class TamperedLink(ShareLinkError):
    pass


class ExpiredLink(ShareLinkError):
    pass


class RevokedLink(ShareLinkError):
    pass


def new_public_id() -> str:
    """A random, unguessable id for a link (what the token names instead of a database id)."""
    return secrets.token_urlsafe(16)


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(secret: str, payload: str) -> str:
    return _b64(hmac.new(secret.encode("utf-8"), payload.encode("ascii"), hashlib.sha256).digest())


def sign(public_id: str, expires_at: datetime, secret: str) -> str:
    """The token for link ``public_id`` valid until ``expires_at``."""
    if not secret:
        raise ValueGapError("No share secret is configured, so share links cannot be signed.")
    body = {"id": public_id, "exp": int(expires_at.timestamp())}
    payload = TOKEN_PREFIX + "." + _b64(json.dumps(body, separators=(",", ":")).encode("utf-8"))
    return f"{payload}.{_signature(secret, payload)}"


@dataclass(frozen=True)
class TokenClaims:
    public_id: str
    expires_at: datetime


TAMPERED = "This share link is not valid: it was changed or cut short. Ask whoever shared it for a new link."


def verify(token: str, secret: str, *, now: datetime | None = None) -> TokenClaims:
    """The link a token names, if its signature holds and it has not expired."""
    parts = (token or "").strip().split(".")
    # a token is ASCII (base64url and dots); anything else was changed, and would not even hash
    if not (token or "").isascii() or len(parts) != 3 or parts[0] != TOKEN_PREFIX or not secret:
        raise TamperedLink(TAMPERED)
    payload = f"{parts[0]}.{parts[1]}"
    if not hmac.compare_digest(_signature(secret, payload), parts[2]):
        raise TamperedLink(TAMPERED)
    try:
        body = json.loads(_unb64(parts[1]))
        public_id, expires_at = str(body["id"]), datetime.fromtimestamp(int(body["exp"]), UTC)
    except (ValueError, KeyError, TypeError):  # signed but unreadable: never issued by us
        raise TamperedLink(TAMPERED) from None
    if (now or datetime.now(UTC)) >= expires_at:
        raise ExpiredLink(expired_message(expires_at))
    return TokenClaims(public_id, expires_at)


def expired_message(expires_at: datetime) -> str:
    when = f"{expires_at:%Y-%m-%d %H:%M} UTC"
    return f"This share link expired on {when}. Ask whoever shared it for a new link."


def revoked_message(revoked_at: datetime) -> str:
    return f"This share link was revoked on {revoked_at:%Y-%m-%d}. Ask whoever shared it for a new one."


SHARE_COOKIE = "vg_share"
_TOKEN_TEXT = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")


def remember_cookie(token: str, expires_at: datetime, *, secure: bool, now: datetime | None = None) -> str:
    """The ``document.cookie`` line that keeps an opened share link in this browser until it expires,
    so a stakeholder's reload or bookmark reopens the shared view. Only the token's own characters
    are written: anything else could not have been verified, and could break out of the cookie."""
    if not _TOKEN_TEXT.fullmatch(token):
        raise TamperedLink(TAMPERED)
    seconds = max(int((expires_at - (now or datetime.now(UTC))).total_seconds()), 0)
    return f"{SHARE_COOKIE}={token}; path=/; max-age={seconds}; SameSite=Lax" + ("; Secure" if secure else "")


def forget_cookie(*, secure: bool) -> str:
    """The ``document.cookie`` line that removes a remembered share link."""
    return f"{SHARE_COOKIE}=; path=/; max-age=0; SameSite=Lax" + ("; Secure" if secure else "")


# ----------------------------------------------------------------------------- what a link pins

ALPHAS = (0.01, 0.05, 0.10)
CORRECTION_NAMES = {"holm": "Holm", "fdr_bh": "Benjamini–Hochberg"}
# the address parameters a shared view fixes; for a share-link viewer they are ignored
PINNED_PARAMS = {
    links.DATASET: "dataset",
    links.ALPHA: "α",
    links.CORRECTION: "correction",
    links.SEGMENT: "segment",
    links.PERIOD: "period",
}


@dataclass(frozen=True)
class ViewSettings:
    """The analysis settings a share link pins: significance level, correction, segment and period.

    ``segment`` and ``period`` are ``None`` for all of them.
    """

    alpha: float = 0.05
    correction: str = "holm"
    segment: str | None = None
    period: str | None = None

    def __post_init__(self) -> None:
        problems = []
        if not any(abs(self.alpha - allowed) < 1e-12 for allowed in ALPHAS):
            problems.append(
                f"the significance level {self.alpha!r} is not one of {', '.join(f'{a:g}' for a in ALPHAS)}"
            )
        if self.correction not in CORRECTION_NAMES:
            problems.append(f"the correction {self.correction!r} is not one of {', '.join(CORRECTION_NAMES)}")
        for name, value, longest in (("segment", self.segment, 200), ("period", self.period, 40)):
            if value is not None and (not value.strip() or len(value) > longest):
                problems.append(f"the {name} must be 1 to {longest} characters (or all {name}s)")
        if problems:
            raise ValueGapError("These share settings can't be used: " + "; ".join(problems) + ".")

    def describe(self) -> str:
        """The settings in plain words: 'α 0.05 · Holm · all segments · all periods'."""
        return " · ".join(
            (
                f"α {self.alpha:g}",
                CORRECTION_NAMES[self.correction],
                "all segments" if self.segment is None else f"segment {self.segment}",
                "all periods" if self.period is None else f"period {self.period}",
            )
        )

    def problems_with(self, details: dict[str, object] | None) -> list[str]:
        """What these settings ask of a dataset (by its stored ``details``) that it does not have."""
        found = []
        segments, periods = _listed(details, "segments"), _listed(details, "periods")
        if self.segment is not None and self.segment not in segments:
            found.append(f"it has no segment '{self.segment}'")
        if self.period is not None and self.period not in periods:
            found.append(f"it has no period '{self.period}'")
        return found


def _listed(details: dict[str, object] | None, key: str) -> list[object]:
    """A list a dataset's stored details keep under ``key`` (none when absent or not a list)."""
    value = (details or {}).get(key)
    return list(value) if isinstance(value, list | tuple) else []


def describe_pin(dataset_label: str | None, uploaded_at: datetime | None, settings: ViewSettings) -> str:
    """What a share link shows, in plain words:
    'Evidence: Outcomes v2 uploaded 2026-12-01 · α 0.05 · Holm · all segments · all periods'."""
    if dataset_label is None:
        return f"Evidence: none was shared · {settings.describe()}"
    return f"Evidence: {describe_view(dataset_label, uploaded_at, settings)}"


def describe_view(dataset_label: str, uploaded_at: datetime | None, settings: ViewSettings) -> str:
    """The data and settings of a view, for a sentence that names them itself ("The report's verdicts
    use …"): 'Outcomes v2 uploaded 2026-12-01 · α 0.05 · Holm · all segments · all periods'."""
    uploaded = f" uploaded {uploaded_at:%Y-%m-%d}" if uploaded_at else ""
    return f"{dataset_label}{uploaded} · {settings.describe()}"


def ignored_params(query: Mapping[str, str | list[str]]) -> list[str]:
    """The pinned settings a viewer's address tried to set (plain names), which a shared view ignores."""
    return [name for param, name in PINNED_PARAMS.items() if param in query]
