"""Hypothesis strategies for valid propositions."""

from __future__ import annotations

from hypothesis import strategies as st

from valuegap.model.proposition import (
    AccessKind,
    AccessUnit,
    BenefitKind,
    ClaimForm,
    Direction,
    Frequency,
    Period,
    Status,
    parse_proposition,
)

text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=40
).filter(lambda s: s.strip() == s and s.strip())
plain = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60).map(str.strip)
amounts = st.floats(min_value=0, max_value=1e9, allow_nan=False, allow_infinity=False)
values = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)


@st.composite
def claims(draw, index: int) -> dict:
    form = draw(st.sampled_from(list(ClaimForm)))
    claim: dict = {
        "id": f"c{index}-{draw(st.from_regex(r'[a-z0-9_-]{0,10}', fullmatch=True))}",
        "text": draw(text),
        "benefit": draw(st.sampled_from(list(BenefitKind))).value,
        "form": form.value,
        "direction": draw(st.sampled_from(list(Direction))).value,
        "tolerance": draw(st.floats(min_value=0, max_value=0.99)),
        "importance": draw(st.floats(min_value=0, max_value=100)),
        "unit": draw(plain.map(lambda s: s[:40].strip())),
    }
    if form is not ClaimForm.puffery:
        claim["metric"] = draw(text)
        claim["claimed"] = draw(values)
    if form is ClaimForm.share or draw(st.booleans()):
        claim["share"] = draw(st.floats(min_value=0.001, max_value=1))
    if form in (ClaimForm.comparative, ClaimForm.parity):
        claim["competitor"] = draw(text)
    if form is ClaimForm.comparative:
        claim["ratio"] = draw(st.floats(min_value=0.01, max_value=100))
    if draw(st.booleans()):
        claim["money_per_unit"] = draw(amounts)
    return claim


@st.composite
def propositions(draw):
    n_claims = draw(st.integers(min_value=0, max_value=5))
    data = {
        "name": draw(text),
        "segment": draw(text),
        "offer": draw(plain),
        "price": {
            "amount": draw(amounts),
            "currency": draw(st.from_regex(r"[A-Z]{3}", fullmatch=True)),
            "period": draw(st.sampled_from(list(Period))).value,
        },
        "value_of_time": draw(amounts),
        "horizon": draw(st.integers(min_value=1, max_value=600)),
        "cost_of_access": [
            {
                "kind": draw(st.sampled_from(list(AccessKind))).value,
                "label": draw(plain),
                "amount": draw(amounts),
                "unit": draw(st.sampled_from(list(AccessUnit))).value,
                "frequency": draw(st.sampled_from(list(Frequency))).value,
            }
            for _ in range(draw(st.integers(min_value=0, max_value=3)))
        ],
        "canvas": {"jobs": draw(plain), "pains": draw(plain), "gains": draw(plain)},
        "status": draw(st.sampled_from(list(Status))).value,
        "claims": [draw(claims(i)) for i in range(n_claims)],
    }
    return parse_proposition(data)
