"""Timing Streamlit script runs apart from AppTest's own work (it parses every element it receives)."""

from __future__ import annotations

import time


def time_script_runs() -> tuple[list[float], object]:
    """Patch ScriptRunner so every script run appends its seconds to the returned list; call the
    returned function to undo the patch."""
    from streamlit.runtime.scriptrunner.script_runner import ScriptRunner

    script_times: list[float] = []
    run_script = ScriptRunner._run_script

    def timed(self: ScriptRunner, rerun_data: object) -> None:
        start = time.perf_counter()
        try:
            run_script(self, rerun_data)
        finally:
            script_times.append(time.perf_counter() - start)

    def restore() -> None:
        ScriptRunner._run_script = run_script

    ScriptRunner._run_script = timed
    return script_times, restore
