from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.app.conftest import app_at
from tests.app.conftest import shown as shown_escaped
from valuegap.reporting.formatting import escape_markdown
from valuegap.store import Actor
from valuegap.wording.checks import RULE_LABELS, check_proposition

LATER = datetime.now(UTC) + timedelta(days=7)


def shown(elements) -> list[str]:
    """As the user reads them: escaping backslashes and the invisible word joiners removed."""
    return [text.replace("\u2060", "") for text in shown_escaped(elements)]


def field(at, label):
    return next(widget for widget in at.text_input if widget.label == label)


def button(at, label):
    return next(widget for widget in at.button if widget.label == label)


def test_renders_the_proposition_named_in_the_link(open_store):
    store = open_store()
    second = store.get(2)
    at = app_at("2_propositions.py", p="2")
    assert field(at, "Name").value == second.proposition.name
    assert at.query_params["p"] == ["2"] or at.query_params["p"] == "2"
    assert not at.error


def test_unknown_proposition_in_the_link_falls_back_with_a_warning():
    at = app_at("2_propositions.py", p="999")
    assert any("no longer exists" in w.value for w in at.warning)


def test_edit_and_save_records_a_revision(open_store):
    at = app_at("2_propositions.py", p="1")
    field(at, "Name").input("Invoicing, renamed")
    at.run()
    button(at, "Save").click()
    at.run()
    assert not at.exception and not at.error
    store = open_store()
    saved = store.get(1)
    assert saved.version == 2 and saved.proposition.name == "Invoicing, renamed"
    assert store.revisions(1)[0].summary.startswith("name:")


def test_invalid_input_is_not_saved_and_is_shown_beside_the_field(open_store):
    at = app_at("2_propositions.py", p="1")
    field(at, "Currency").input("US")
    at.run()
    button(at, "Save").click()
    at.run()
    errors = shown(at.error)
    assert any(e.startswith("Currency has an unexpected format") for e in errors), errors
    assert any(e.startswith("Not saved: 1 problem") for e in errors), errors
    assert open_store().get(1).version == 1
    assert field(at, "Currency").value == "US"  # the user's edit is kept


def test_a_save_after_someone_else_saved_is_refused(open_store):
    at = app_at("2_propositions.py", p="1")
    store = open_store()
    theirs = store.get(1)
    store.save(1, theirs.proposition.model_copy(update={"segment": "agencies"}), seen_version=1,
               actor=Actor("bo@example.com"))  # fmt: skip
    field(at, "Name").input("Mine")
    at.run()
    button(at, "Save").click()
    at.run()
    errors = shown(at.error)
    assert any("Not saved: bo@example.com saved this proposition" in e and "segment" in e for e in errors)
    assert store.get(1).proposition.segment == "agencies" and store.get(1).version == 2
    button(at, "Load their version").click()
    at.run()
    assert field(at, "Target segment").value == "agencies"


def test_restore_an_old_version(open_store):
    at = app_at("2_propositions.py", p="1")
    original = open_store().get(1).proposition.name
    field(at, "Name").input("Second name")
    at.run()
    button(at, "Save").click()
    at.run()
    button(at, "Restore version 1").click()
    at.run()
    assert not at.exception
    current = open_store().get(1)
    assert current.version == 3 and current.proposition.name == original


def test_wording_checks_are_listed(open_store):
    at = app_at("2_propositions.py", p="1")
    store = open_store()
    claims = store.get(1).proposition.claims
    flags = check_proposition(store.get(1).proposition)
    assert flags, "the demo's first proposition has copy worth flagging"
    text = "\n".join(md.value for md in at.markdown)
    for flag in flags:
        assert RULE_LABELS[flag.rule] in text and escape_markdown(flag.words) in text
    flagged_rows = {i + 1 for i, c in enumerate(claims) if c.id in {f.claim_id for f in flags}}
    for row in flagged_rows:
        assert f"Row {row} · " in text


def test_user_text_is_shown_literally_never_as_markup(open_store):
    """Names and copy go through one escaping helper: no maths from $, no links, no HTML."""
    store = open_store()
    hostile = "Bo costs $5 and saves $20 <img src=x onerror=alert(1)> [x](http://evil) :smile:"
    current = store.get(1)
    store.save(1, current.proposition, seen_version=1, actor=Actor(hostile))
    at = app_at("2_propositions.py", p="1")
    captions = [c.value for c in at.caption if "saved" in c.value]
    assert captions and escape_markdown(hostile) in captions[0]
    assert shown(at.caption)[[c.value for c in at.caption].index(captions[0])].endswith(hostile)


# ----------------------------------------------------------------------------- claims drafted from copy

COPY = (
    "Invoicing for freelancers.\n"
    "Saves you 5 hours of admin every week on average. Join 10,000 freelancers.\n"
    "95% of invoices are paid within 30 days. The easiest invoicing app."
)


def draft_radio(at, number):
    return next(widget for widget in at.radio if widget.label == f"Draft {number}")


def paste_and_find(at, copy=COPY):
    at.text_area(key="vg_copy_text_1").input(copy)
    at.run()
    button(at, "Find claims in the copy").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def test_claims_drafted_from_pasted_copy_are_added_as_one_version(open_store):
    before = open_store().get(1).proposition
    at = app_at("2_propositions.py", p="1")
    assert any(expander.label == "Draft claims from your copy" for expander in at.expander)
    paste_and_find(at)
    assert [widget.label for widget in at.radio if widget.label.startswith("Draft ")] == [
        "Draft 1",
        "Draft 2",
        "Draft 3",
    ]
    texts = [text.value for text in at.text]
    assert "Saves you 5 hours of admin every week on average." in texts  # the sentence, as plain text
    assert button(at, "Add the 0 accepted claims").disabled
    draft_radio(at, 1).set_value("Accept")
    draft_radio(at, 2).set_value("Accept")
    draft_radio(at, 3).set_value("Skip")
    at.run()
    button(at, "Add the 2 accepted claims").click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    store = open_store()
    saved = store.get(1)
    assert saved.version == 2
    new = saved.proposition.claims[len(before.claims) :]
    assert saved.proposition.claims[: len(before.claims)] == before.claims
    assert [(c.form.value, c.claimed, c.unit, c.direction.value, c.share) for c in new] == [
        ("average", 5.0, "hours/week", "higher", None),
        ("share", 30.0, "days", "lower", 0.95),
    ]
    assert [c.id for c in new] == ["hours-saved-per-week", "days-to-payment"]
    revision = store.revisions(1)[0]
    assert revision.action == "draft from copy"
    assert "hours-saved-per-week, days-to-payment" in revision.summary
    assert not [widget for widget in at.radio if widget.label.startswith("Draft ")]  # the drafts are done
    assert "Version 2" in " ".join(caption.value for caption in at.caption)


def test_drafting_the_same_copy_again_marks_the_claims_it_already_has(open_store):
    at = app_at("2_propositions.py", p="1")
    paste_and_find(at)
    draft_radio(at, 1).set_value("Accept")
    at.run()
    button(at, "Add the 1 accepted claim").click()
    at.run()
    paste_and_find(at)  # the same page drafted again
    captions = [caption.value for caption in at.caption]
    marked = [text for text in captions if text.startswith(":orange[Already a claim:")]
    assert len(marked) == 1 and marked[0].startswith(":orange[Already a claim: “Saves you 5 hours of admin")
    assert any(text.startswith("1 of them is already a claim of this proposition") for text in captions)
    assert open_store().get(1).version == 2  # nothing is added until a draft is accepted


def test_a_comparative_drafts_summary_says_the_ratio_as_the_copy_does(open_store):
    at = app_at("2_propositions.py", p="1")
    paste_and_find(at, "Resolve disputes 3x faster than InvoiceHub. Get twice as many replies as PaperTrail.")
    captions = " | ".join(shown(at.caption))  # as the user reads them
    assert "compared with a competitor · ours 1/3 of InvoiceHub's · lower is better" in captions
    assert "ours 2× PaperTrail's" in captions
    assert "benefit: time" in captions and "benefit: something they can now do" in captions
    assert "÷" not in captions and "benefit time" not in captions


def test_an_edited_draft_is_added_as_edited(open_store):
    at = app_at("2_propositions.py", p="1")
    paste_and_find(at, "Get paid 9 days sooner.")
    draft_radio(at, 1).set_value("Edit")
    at.run()
    claimed = next(widget for widget in at.number_input if widget.label == "Claimed")
    assert claimed.value == -9
    claimed.set_value(-7)
    next(widget for widget in at.text_input if widget.label == "Metric").input("days_to_payment_change")
    at.run()
    button(at, "Add the 1 accepted claim").click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    claim = open_store().get(1).proposition.claims[-1]
    assert (claim.claimed, claim.metric, claim.direction.value) == (-7, "days_to_payment_change", "lower")
    assert claim.text == "Get paid 9 days sooner."


def test_an_edited_drafts_choices_read_in_words(open_store):
    at = app_at("2_propositions.py", p="1")
    paste_and_find(at, "Get paid 9 days sooner.")
    draft_radio(at, 1).set_value("Edit")
    at.run()
    form, better, benefit = (by_label(at.selectbox, label) for label in ("Form", "Better is", "Benefit"))
    assert "Up to (the best case)" in form.options and "up_to" not in form.options
    assert "Value of something they own" in benefit.options and "asset_value" not in benefit.options
    assert better.options == ["Higher is better", "Lower is better"]
    assert (form.value, better.value, benefit.value) == ("average", "lower", "time")  # the codes it stores


def test_drafts_show_their_wording_flags_beside_them(open_store):
    at = app_at("2_propositions.py", p="1")
    paste_and_find(at, "Cuts your invoicing time by up to 40%, guaranteed.")
    text = "\n".join(md.value for md in at.markdown)
    assert RULE_LABELS["up_to"] in text and RULE_LABELS["absolute"] in text and "guaranteed" in text


def test_copy_with_no_promise_says_so_and_adds_nothing(open_store):
    at = app_at("2_propositions.py", p="1")
    paste_and_find(at, "Invoicing for freelancers. Book a demo today.")
    assert any("nothing to draft" in info.value for info in at.info)
    assert not [b for b in at.button if b.label.startswith("Add the")]
    assert open_store().get(1).version == 1


def test_adding_drafts_after_someone_else_saved_is_refused(open_store):
    at = app_at("2_propositions.py", p="1")
    paste_and_find(at, "Get paid 9 days sooner.")
    store = open_store()
    theirs = store.get(1)
    store.save(1, theirs.proposition.model_copy(update={"segment": "agencies"}), seen_version=1,
               actor=Actor("bo@example.com"))  # fmt: skip
    draft_radio(at, 1).set_value("Accept")
    at.run()
    button(at, "Add the 1 accepted claim").click()
    at.run()
    assert any("bo@example.com saved this proposition" in e for e in shown(at.error))
    assert store.get(1).version == 2 and store.get(1).proposition.claims == theirs.proposition.claims


def test_drafts_cannot_be_added_over_unsaved_edits(open_store):
    at = app_at("2_propositions.py", p="1")
    field(at, "Name").input("Renamed but not saved")
    at.run()
    paste_and_find(at, "Get paid 9 days sooner.")
    draft_radio(at, 1).set_value("Accept")
    at.run()
    assert button(at, "Add the 1 accepted claim").disabled
    assert any("Save or discard your changes" in caption.value for caption in at.caption)


def test_a_viewer_never_sees_the_drafting_panel(open_store):
    store = open_store()
    _, token = store.create_share_link(1, expires_at=LATER, actor=Actor("editor@example.com"))
    at = app_at("2_propositions.py", share=token)
    assert not [expander for expander in at.expander if expander.label == "Draft claims from your copy"]
    assert not [b for b in at.button if b.label == "Find claims in the copy"]
    assert not [c for c in at.caption if "Add rows with the +" in c.value]  # nothing to add rows to
    headings = [md.value for md in at.markdown if md.value.startswith("**Wording checks**")]
    assert headings == ["**Wording checks**"]  # a viewer edits nothing, so nothing updates as it edits


def test_the_editors_wording_checks_follow_the_grid(open_store):
    at = app_at("2_propositions.py", p="1")
    headings = [md.value for md in at.markdown if md.value.startswith("**Wording checks**")]
    # the grid's heading (the guided editor has its own, "updated as you type")
    assert "**Wording checks** · updated as you edit" in headings


# ----------------------------------------------------------------------------- guided claim editor


def by_label(widgets, label):
    return next(widget for widget in widgets if widget.label == label)


def test_the_guided_editor_asks_only_what_the_form_needs_and_adds_a_share_claim(open_store):
    at = app_at("2_propositions.py", p="1")
    before = open_store().get(1).proposition
    by_label(at.text_area, "The claim, as written in your copy").input("95% of invoices go out on time")
    by_label(at.selectbox, "What kind of promise is it?").set_value("share")
    at.run()
    labels = {widget.label for widget in at.text_input}
    assert "What share of customers must reach it?" in labels
    assert "Which competitor does it compare with?" not in labels  # only what a share claim needs
    by_label(at.text_input, "What is measured?").input("invoices_on_time")
    by_label(at.text_input, "What value does the copy promise?").input("0")
    by_label(at.text_input, "What share of customers must reach it?").input("95")
    at.run()
    button(at, "Add this claim").click()
    at.run()
    assert not at.exception and not shown(at.error), shown(at.error)
    saved = open_store().get(1)
    assert saved.version == 2 and len(saved.proposition.claims) == len(before.claims) + 1
    added = saved.proposition.claims[-1]
    assert (added.id, added.form.value, added.share, added.metric) == (
        "95-of-invoices-go-out-on-time", "share", 0.95, "invoices_on_time",
    )  # fmt: skip
    assert added.competitor is None and added.ratio is None


def test_the_guided_editor_refuses_a_share_it_cannot_read_and_saves_nothing(open_store):
    at = app_at("2_propositions.py", p="1")
    by_label(at.text_area, "The claim, as written in your copy").input("Most orders arrive on time")
    by_label(at.selectbox, "What kind of promise is it?").set_value("share")
    at.run()
    by_label(at.text_input, "What is measured?").input("on_time")
    by_label(at.text_input, "What value does the copy promise?").input("two")
    by_label(at.text_input, "What share of customers must reach it?").input("1.5")
    at.run()
    errors = shown(at.error)
    assert any("What value does the copy promise? must be a number written in digits" in e for e in errors)
    assert any("1.5% or 150%" in e for e in errors), errors
    button(at, "Add this claim").click()
    at.run()
    assert any(e.startswith("Not saved: 2 answers to fix") for e in shown(at.error))
    assert open_store().get(1).version == 1


def test_the_guided_editor_edits_an_existing_claim_and_names_missing_answers_in_words(open_store):
    at = app_at("2_propositions.py", p="1")
    claim = open_store().get(1).proposition.claims[0]
    by_label(at.selectbox, "Claim to edit").set_value(claim.id)
    at.run()
    assert by_label(at.text_area, "The claim, as written in your copy").value == claim.text
    by_label(at.selectbox, "What kind of promise is it?").set_value("comparative")
    at.run()
    button(at, "Save this claim").click()
    at.run()
    errors = shown(at.error)
    assert any("competitor: is required" in e and "ratio to the competitor: is required" in e for e in errors)
    assert not any("claims[" in e for e in errors), errors  # no field paths
    by_label(at.text_input, "Which competitor does it compare with?").input("Rival")
    by_label(at.text_input, "How many times theirs?").input("2×")
    at.run()
    button(at, "Save this claim").click()
    at.run()
    saved = open_store().get(1).proposition.claim(claim.id)
    assert (saved.form.value, saved.competitor, saved.ratio) == ("comparative", "Rival", 2.0)


def test_the_guided_editor_is_not_shown_to_viewers(open_store):
    _, token = open_store().create_share_link(1, expires_at=LATER, actor=Actor("editor@example.com"))
    at = app_at("2_propositions.py", share=token)
    assert not [e for e in at.expander if e.label == "Add or edit one claim, step by step"]
    assert not any(w.label == "The claim, as written in your copy" for w in at.text_area)


# ----------------------------------------------------------------------------- history


def compared_versions(at) -> tuple[int, int]:
    return by_label(at.selectbox, "From version").value, by_label(at.selectbox, "To version").value


def test_history_compares_the_newest_versions_after_each_save_and_restore_in_sentences(open_store):
    at = app_at("2_propositions.py", p="1")
    original = open_store().get(1).proposition.name
    for name in ("Second name", "Third name"):
        field(at, "Name").input(name)
        at.run()
        button(at, "Save").click()
        at.run()
        assert by_label(at.selectbox, "To version").value == open_store().get(1).version
    assert (by_label(at.selectbox, "From version").value, by_label(at.selectbox, "To version").value) == (
        2,
        3,
    )
    assert "- Name: “Second name” → “Third name”" in shown(at.markdown)  # the comparison
    by_label(at.selectbox, "Version to restore").set_value(1)
    at.run()
    button(at, "Restore version 1").click()
    at.run()
    assert (by_label(at.selectbox, "From version").value, by_label(at.selectbox, "To version").value) == (
        3,
        4,
    )
    texts = shown(at.markdown)
    headers = [text for text in texts if text.startswith("**Version ")]
    assert [h.split("**")[1] for h in headers] == ["Version 4", "Version 3", "Version 2", "Version 1"]
    assert headers[0].endswith("· Restored version 1")
    # the newest version's changes, then the comparison of 3 and 4: the same sentence
    assert texts.count(f"- Name: “Third name” → “{original}”") == 2
    assert not any("{" in text for text in texts)  # never a Python mapping


def test_an_edited_draft_that_cannot_be_added_is_named_by_its_number_and_field(open_store):
    at = app_at("2_propositions.py", p="1")
    paste_and_find(at, "Get paid 9 days sooner. Saves you 5 hours of admin every week on average.")
    draft_radio(at, 1).set_value("Accept")
    draft_radio(at, 2).set_value("Edit")
    at.run()
    by_label(at.selectbox, "Form").set_value("share")  # a share claim needs its share of customers
    at.run()
    button(at, "Add the 2 accepted claims").click()
    at.run()
    errors = shown(at.error)
    assert any(e.startswith("Not added: 1 problem in the edited drafts: Draft 2, Share: ") for e in errors), (
        errors
    )
    assert not any("claims[" in e for e in errors), errors
    assert open_store().get(1).version == 1


def test_the_page_has_a_title_and_the_catch_all_segment_reads_everyone(open_store):
    assert open_store().get(1).proposition.segment == "all"
    at = app_at("2_propositions.py", p="1")
    assert [title.value for title in at.title] == ["Propositions"]
    assert field(at, "Target segment").value == "everyone"
    assert "All changes saved" in [caption.value for caption in at.caption]  # shown in words, not an edit
    assert any("Add rows with the +" in caption.value for caption in at.caption)  # an editor can add rows
    field(at, "Target segment").input("Freelancers")
    at.run()
    button(at, "Save").click()
    at.run()
    assert open_store().get(1).proposition.segment == "Freelancers"
    field(at, "Target segment").input("Everyone")
    at.run()
    button(at, "Save").click()
    at.run()
    assert not at.exception and not at.error
    assert open_store().get(1).proposition.segment == "all"


def test_the_export_says_in_plain_words_who_reads_the_file():
    at = app_at("2_propositions.py", p="1")
    export = next(m.value for m in at.markdown if m.value.startswith("**Export**"))
    assert "other tools and the command line" in export and "CLI" not in export
