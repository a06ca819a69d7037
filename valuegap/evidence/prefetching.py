"""Fetching in one round what the analyses of every segment need, so a segment change costs no query.

An analysis of one segment needs counts at a bar and order statistics of that segment's samples: on
a live source each new set is a query that reduces the source's rows again (a second or more at 10M
rows). :func:`prefetch_segments` runs the dry runs of the analysis of all segments together and of
each segment alone (:meth:`valuegap.sources.engine.Evidence.prefetch`) and fetches everything they
ask for in a few queries, as many as one analysis needs; the answers stay in the
:class:`~valuegap.sources.engine.Evidence` (cached per dataset version by the app), so changing the
segment filter afterwards slices cached aggregates only.
"""

from __future__ import annotations

from valuegap.evidence.analysis import analyze_summary
from valuegap.evidence.claim_tests import DEFAULT_ALPHA, Correction
from valuegap.model.proposition import Proposition
from valuegap.sources.engine import ALL_PERIODS, Evidence


def prefetch_segments(
    prop: Proposition,
    evidence: Evidence,
    *,
    alpha: float = DEFAULT_ALPHA,
    correction: Correction = "holm",
    period: str = ALL_PERIODS,
) -> None:
    """Fetch what the analysis of ``prop`` on ``evidence`` needs for all segments together and for
    each segment alone (at ``alpha``, ``correction`` and ``period``), in one round of queries."""
    competitors = {c.competitor for c in prop.claims if c.competitor}
    segments = evidence.segments_of(exclude_offers=competitors)

    def every_analysis() -> None:
        analyze_summary(prop, evidence, alpha=alpha, correction=correction, period=period)
        for segment in segments:
            analyze_summary(
                prop, evidence, segment=segment, alpha=alpha, correction=correction, period=period
            )

    # the first round learns what the tests ask for; which claims need a rewording depends on their
    # verdicts, known only once those answers are in, so a second round asks for what the rewordings
    # need (nothing, and no query, when the first round had it)
    evidence.prefetch(every_analysis)
    evidence.prefetch(every_analysis)
