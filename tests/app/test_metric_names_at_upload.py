"""AppTests of the Evidence page's metric names step (issue 19): a file naming a claim's metric its own
way ("Admin hours saved" for ``admin_hours_saved``) is matched, its rows kept, the choice remembered;
or the claim metric takes the file's name, as a new revision."""

from __future__ import annotations

from tests.app.conftest import app_at, shown
from valuegap.model.proposition import parse_proposition
from valuegap.store import Actor
from valuegap.ui.panels.metric_names import GIVE, KEEP, USE

# demo proposition 1 (invoicing) measures admin_hours_saved and days_sooner_paid among others
CSV = (
    "customer_id,metric,value\n"
    + "".join(f"C{i},Admin hours saved,{2 + i % 4}\nC{i},days_sooner_paid,{3 + i % 5}\n" for i in range(40))
    + "C1,Revenue,120\nC2,Revenue,90\n"
).encode()


def _upload(at, name: str = "renamed.csv"):  # type: ignore[no-untyped-def]
    at.file_uploader[0].set_value((name, CSV, "text/csv"))
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]


def _choice(at, what: str, label: str):  # type: ignore[no-untyped-def]
    return next(w for w in at.selectbox if w.key and w.key.endswith(f"_{what}_{label}"))


def _click(at, label: str) -> None:  # type: ignore[no-untyped-def]
    next(button for button in at.button if button.label.startswith(label)).click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def test_a_proposed_match_keeps_the_rows_and_is_remembered(open_store):
    at = app_at("3_evidence.py", p="1")
    _upload(at)
    assert _choice(at, "action", "Admin hours saved").value == USE
    assert _choice(at, "target", "Admin hours saved").value == "admin_hours_saved"
    assert _choice(at, "action", "Revenue").value == KEEP  # nothing like it among the claims
    assert any("Did you mean admin_hours_saved?" in text for text in shown(at.markdown))
    claim = next(c for c in open_store().get(1).proposition.claims if c.metric == "admin_hours_saved")
    # what the metric is, in the claim's words (its name is only the data's)
    assert any(text.startswith(f"Its rows then measure “{claim.text[:20]}") for text in shown(at.caption))
    _click(at, "Check rows")
    assert [(m.label, m.value) for m in at.metric] == [("Rows read", "82"), ("Kept", "80"), ("Rejected", "2")]
    _click(at, "Import")
    assert not at.error
    store = open_store()
    stored = next(d for d in store.datasets() if d.file_name == "renamed.csv")
    assert stored.rows_rejected == 2 and stored.mapping["metric_renames"] == {
        "Admin hours saved": "admin_hours_saved"
    }
    assert {"admin_hours_saved", "days_sooner_paid"} == set(stored.details["metrics"])
    # the next file of the same shape opens with the rename it was given
    at = app_at("3_evidence.py", p="1")
    _upload(at, "again.csv")
    assert _choice(at, "target", "Admin hours saved").value == "admin_hours_saved"
    assert any("counted as admin_hours_saved last time" in text for text in shown(at.markdown))


def test_leaving_a_label_out_rejects_its_rows_as_before():
    at = app_at("3_evidence.py", p="1")
    _upload(at)
    _choice(at, "action", "Admin hours saved").select(KEEP)
    at.run()
    _click(at, "Check rows")
    assert [(m.label, m.value) for m in at.metric] == [
        ("Rows read", "82"),
        ("Kept", "40"),
        ("Rejected", "42"),
    ]


def test_the_claim_metric_can_take_the_files_name(open_store):
    at = app_at("3_evidence.py", p="1")
    _upload(at)
    _choice(at, "action", "Admin hours saved").select(GIVE)
    at.run()
    _click(at, "Rename admin_hours_saved to Admin hours saved in the claims")
    assert not at.error
    store = open_store()
    saved = store.get(1)
    assert saved.version == 2 and store.revisions(1)[0].action == "metric renamed"
    metrics = {c.metric for c in saved.proposition.claims}
    assert "Admin hours saved" in metrics and "admin_hours_saved" not in metrics
    # the file's name is now a claim metric: it is no longer asked about, and its rows are kept
    assert not [w for w in at.selectbox if w.key and w.key.endswith("_action_Admin hours saved")]
    _click(at, "Check rows")
    assert [(m.label, m.value) for m in at.metric][1] == ("Kept", "80")


def test_a_rename_after_someone_elses_save_is_refused_and_said(open_store):
    at = app_at("3_evidence.py", p="1")
    _upload(at)
    _choice(at, "action", "Admin hours saved").select(GIVE)
    at.run()
    store = open_store()
    data = store.get(1).proposition.to_dict()
    store.save(
        1, parse_proposition(data | {"name": "Invoicing, renamed by Bo"}), seen_version=1, actor=Actor("Bo")
    )
    _click(at, "Rename admin_hours_saved to Admin hours saved in the claims")
    errors = shown(at.error)
    assert any(text.startswith("Not saved: Bo saved this proposition (version 2") for text in errors), errors
    assert store.get(1).version == 2  # nothing overwritten
