"""run_page: what a page body raises reaches the visitor as plain words, never as a traceback."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.app.conftest import shown


def _page_raising_invalid_input() -> None:
    from valuegap.errors import InvalidInput, Problem
    from valuegap.ui import run_page

    def render(ctx: object) -> None:
        raise InvalidInput(
            [
                Problem("claims[2 (on-time)].share", "must be between 0 and 1", "Claim 2 (on-time), share"),
                Problem("price", "must be a number (got 'abc')", "Price"),
            ],
            source="offer.yaml",
        )

    run_page(render, None)  # type: ignore[arg-type]  # the body never reads the context


def test_invalid_input_on_a_page_names_every_problem_in_words_not_by_field_path():
    at = AppTest.from_function(_page_raising_invalid_input, default_timeout=30)
    at.run()
    assert not at.exception
    assert shown(at.error) == [
        "offer.yaml: 2 problems: (1) Claim 2 (on-time), share: must be between 0 and 1; "
        "(2) Price: must be a number (got 'abc')"
    ]
