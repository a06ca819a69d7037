"""AppTests of the Pricing page on the seeded demo workspace."""

from __future__ import annotations

from tests.app.conftest import app_at, shown


def _metrics(at):  # type: ignore[no-untyped-def]
    return {m.label: (m.value, m.delta) for m in at.metric}


def test_today_shows_value_churn_and_revenue_with_no_change(open_store):
    open_store()
    at = app_at("6_pricing.py", p="1")  # Ledgerly: outcomes, customers, market and surveys
    assert not at.error and not at.warning
    metrics = _metrics(at)
    assert metrics["Value ratio"][1] == "" and metrics["Churn"][0].endswith("%")
    assert metrics["Revenue at risk"][0].startswith("USD")
    table = at.dataframe[0].value.set_index("Metric")
    assert (table["Change"].abs() < 1e-9).all()
    assert {"Predicted churn rate", "Revenue at risk", "Value advantage (map)"} <= set(table.index)


def test_a_price_rise_moves_value_churn_and_the_url(open_store):
    open_store()
    at = app_at("6_pricing.py", p="1")
    before = at.dataframe[0].value.set_index("Metric")
    at.slider(key="price_1").set_value(59.0)
    at.run()
    assert not at.exception and not at.error
    after = at.dataframe[0].value.set_index("Metric")
    assert after.loc["Price", "What-if"] == 59.0
    assert after.loc["Value ratio", "Change"] < 0
    assert after.loc["Predicted churn rate", "Change"] > 0  # the demo's churn rises with price
    assert after.loc["Relative price", "Change"] > 0
    assert before.loc["Predicted churn rate", "What-if"] == after.loc["Predicted churn rate", "Today"]


def test_a_saved_scenario_is_listed_compared_and_reopened_by_its_link(open_store):
    store = open_store()
    at = app_at("6_pricing.py", p="1")
    at.slider(key="price_1").set_value(55.0)
    at.checkbox(key="defensible_paid-faster_1").check()
    at.run()
    at.text_input[0].input("Dearer, honest about payments")
    at.button[0].click()  # the form's submit button
    at.run()
    assert not at.exception and not at.error
    saved = store.scenarios(1)
    assert [s.name for s in saved] == ["Dearer, honest about payments"]
    assert saved[0].scenario.price == 55.0 and saved[0].scenario.claims == {"paid-faster": "defensible"}
    comparison = at.dataframe[1].value.set_index("Metric")
    assert list(comparison.columns)[:2] == ["Today", "Dearer, honest about payments"]
    reopened = app_at("6_pricing.py", p="1", scenario=str(saved[0].id))
    assert reopened.slider(key="price_1").value == 55.0
    assert reopened.checkbox(key="defensible_paid-faster_1").value is True


def test_price_research_shows_the_demo_surveys_and_the_churn_model(open_store):
    open_store()
    at = app_at("6_pricing.py", p="1")
    captions = shown(at.caption)
    assert any(
        "407 respondents used; 13 dropped: 0 with a blank answer and 13 with answers out of order" in c
        for c in captions
    )
    assert any("The 13 respondents with answers out of order:" in c for c in captions)
    assert any("Logit of churned" in c for c in captions)
    markdown = shown(at.markdown)
    assert any("odds of churning" in m for m in markdown)


def test_a_proposition_without_data_still_gets_a_what_if(open_store):
    store = open_store()
    from tests.conftest import sample
    from valuegap.store import Actor

    prop_id = store.create(sample(name="Bare"), Actor("ana@example.com")).id
    at = app_at("6_pricing.py", p=str(prop_id))
    assert not at.error
    assert any("No outcome data linked" in c for c in shown(at.caption))
    assert any("needs outcome data and a customer table" in i for i in shown(at.info))
    at.slider(key=f"price_{prop_id}").set_value(60.0)
    at.run()
    assert not at.exception and not at.error
    table = at.dataframe[0].value.set_index("Metric")
    assert table.loc["Price", "Change"] == 11.0


def test_a_link_to_a_missing_scenario_says_so_and_shows_today(open_store):
    open_store()
    at = app_at("6_pricing.py", p="1", scenario="999")
    assert any("does not exist" in w.value for w in at.warning)
    assert at.slider(key="price_1").value == 49.0
    assert "scenario" not in at.query_params


def test_a_proposition_without_surveys_says_where_to_upload_them(open_store):
    open_store()
    at = app_at("6_pricing.py", p="3")  # WarmHome: outcomes, customers and market, no surveys
    assert not at.error
    infos = shown(at.info)
    assert "No Van Westendorp survey linked to this proposition yet" in " ".join(infos)
    assert any("No transactions" in i for i in infos)
    assert any(m.label == "Churn" and m.value.endswith("%") for m in at.metric)


def _upload_survey(at, name: str, data: bytes):  # type: ignore[no-untyped-def]
    at.radio(key="vg_survey_method").set_value("van_westendorp")
    at.file_uploader(key="vg_survey_file").set_value((name, data, "text/csv"))
    at.run()
    at.button(key="vg_survey_save").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_survey_with_zeros_and_blanks_is_saved_and_counted_apart(open_store):
    store = open_store()
    at = app_at("6_pricing.py", p="3")  # WarmHome has no surveys yet
    data = b"too_cheap,cheap,expensive,too_expensive\n0,10,20,30\n0,5,15,25\n5,,20,30\n9,8,7,6\n1,2,3,4\n"
    at = _upload_survey(at, "zeros.csv", data)
    assert not at.error
    saved = store.datasets(kind="survey", proposition_id=3)
    assert [d.name for d in saved] == ["zeros"] and saved[0].details["dropped_incomplete"] == 1
    captions = shown(at.caption)
    assert any("3 respondents used; 2 dropped: 1 with a blank answer and 1 with answers out of order" in c
               for c in captions)  # fmt: skip
    assert any("The 1 respondents with a blank answer:" in c for c in captions)
    # OPP: too cheap and too expensive are both 0 from 5 to 20 here: shown with the warning
    assert any("OPP is not identified by the data" in w for w in shown(at.warning))


def test_invalid_answers_are_listed_and_the_survey_can_be_imported_without_them(open_store):
    store = open_store()
    at = app_at("6_pricing.py", p="3")
    data = b"too_cheap,cheap,expensive,too_expensive\n0,10,20,30\n-1,5,x,25\n5,10,20,30\n2,4,6,8\nn/a,1,2,3\n"
    at = _upload_survey(at, "invalid.csv", data)
    errors = shown(at.error)
    assert any("3 answers are negative or not a finite number, from 2 respondents" in e for e in errors)
    cells = next(df.value for df in at.dataframe if "problem" in df.value.columns)
    assert cells[["row in the file", "column"]].values.tolist() == [
        [3, "too_cheap"], [3, "expensive"], [6, "too_cheap"]
    ]  # fmt: skip
    assert store.datasets(kind="survey", proposition_id=3) == []  # nothing stored yet
    leave_out = at.button(key="vg_survey_save_without")
    assert leave_out.label == "Import without the 2 respondents with invalid answers"
    leave_out.click()
    at.run()
    assert not at.exception and not at.error
    saved = store.datasets(kind="survey", proposition_id=3)
    assert len(saved) == 1 and saved[0].details["without_invalid"] is True
    assert any("3 respondents used" in c for c in shown(at.caption))
    assert any("The 2 respondents with invalid answers, left out at import:" in c for c in shown(at.caption))


# ----------------------------------------------------------------------------- scenarios across versions


def test_a_scenario_says_when_the_proposition_changed_and_never_moves_an_override(open_store):
    from valuegap.pricing.scenarios import Scenario
    from valuegap.store import Actor

    store = open_store()
    before = store.get(1)
    items = before.proposition.cost_of_access
    assert items[2].id == "setup-fee"
    saved = store.save_scenario(1, Scenario("Cheaper setup", access={"setup-fee": 49.0}), actor=Actor("ana"))
    # since then the setup fee was deleted and a new first item inserted
    changed = [
        items[0].model_copy(update={"id": "training", "label": "Training", "amount": 2.0}),
        items[0],
        items[1],
        items[3],
    ]
    store.save(
        1,
        before.proposition.model_copy(update={"cost_of_access": tuple(changed)}),
        seen_version=before.version,
        actor=Actor("bo"),
    )

    at = app_at("6_pricing.py", p="1", scenario=str(saved.id))
    assert not at.exception and not at.error
    warnings = " ".join(shown(at.warning))
    assert "Opened the scenario 'Cheaper setup'." in warnings
    assert (
        f"it was made against version {before.version}, and this is version {before.version + 1}" in warnings
    )
    label = items[2].label
    assert f"cost of access for '{label}' (id 'setup-fee') is not applied" in warnings
    # no slider took the 49: every item is at today's amount
    for item in changed:
        assert at.slider(key=f"access_{item.id}_1").value == item.amount
    table = at.dataframe[0].value.set_index("Metric")
    assert abs(table.loc["Price + cost of access", "Change"]) < 1e-9
    # the saved list says it too, for as long as the scenario is listed
    at = app_at("6_pricing.py", p="1")
    assert any(w.startswith("**Cheaper setup**:") and "has changed since" in w for w in shown(at.warning))


def test_an_old_scenario_by_position_is_read_against_the_version_it_was_saved_on(open_store):
    from datetime import UTC, datetime

    import sqlalchemy as sa

    from valuegap.store.schema import scenarios as table

    store = open_store()
    with store.engine.begin() as conn:  # stored before item ids: cost of access by position, no version
        old_id = conn.execute(
            sa.insert(table).values(
                proposition_id=1,
                name="From last year",
                body={"price": 52.0, "access": {"2": 49.0}, "claims": {}},
                created_at=datetime.now(UTC),
                created_by="ana",
            )
        ).inserted_primary_key[0]
    at = app_at("6_pricing.py", p="1", scenario=str(old_id))
    assert not at.exception and not at.error
    assert "going by when it was saved" in " ".join(shown(at.warning))
    assert at.slider(key="price_1").value == 52.0
    assert at.slider(key="access_setup-fee_1").value == 49.0  # position 2 of version 1: the setup fee


def test_a_link_value_outside_the_sliders_range_is_named_not_dropped_quietly(open_store):
    open_store()
    at = app_at("6_pricing.py", p="1", price_1="5000")
    assert not at.exception and not at.error
    assert any(
        "The link's price (5000) is outside the slider's range (0.00 to 147.00)" in w
        for w in shown(at.warning)
    )
    assert at.slider(key="price_1").value == 49.0
    at = app_at("6_pricing.py", p="1", price_1="lots")
    assert not at.exception and not at.error
    assert "The link's price (lots) is not a number; showing today's price instead." in shown(at.warning)


def test_an_untouched_price_is_todays_exact_price(open_store):
    from valuegap.store import Actor

    store = open_store()
    before = store.get(1)
    price = before.proposition.price.model_copy(update={"amount": 49.995})  # between two stops of 0.01
    store.save(
        1,
        before.proposition.model_copy(update={"price": price}),
        seen_version=before.version,
        actor=Actor("bo"),
    )
    at = app_at("6_pricing.py", p="1")
    assert not at.exception and not at.error
    assert at.slider(key="price_1").value == 50.0  # shown at the nearest stop …
    table = at.dataframe[0].value.set_index("Metric")
    assert (
        table.loc["Price", "What-if"] == 49.995 and abs(table.loc["Price", "Change"]) < 1e-12
    )  # … priced exactly


def test_the_opened_scenario_and_proposition_go_with_the_visitor_to_the_share_page(open_store):
    from valuegap.pricing.scenarios import Scenario
    from valuegap.store import Actor

    store = open_store()
    saved = store.save_scenario(2, Scenario("Cheaper", price=35.0), actor=Actor("ana"))
    at = app_at("6_pricing.py", p="2", scenario=str(saved.id))
    assert not at.exception and at.slider(key="price_2").value == 35.0
    at.query_params.clear()  # the top navigation opens a page with no query string
    at.switch_page("pages/7_share.py")
    at.run()
    assert not at.exception and not at.error
    assert at.query_params["p"] in ("2", ["2"]) and at.query_params["scenario"] in (
        str(saved.id),
        [str(saved.id)],
    )
    assert at.selectbox(key="vg_prop_select").value == 2
    assert at.selectbox[1].value == saved.id  # "What to share" offers the opened scenario first
