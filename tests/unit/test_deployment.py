"""Deployment files: the Dockerfile, Streamlit's config and the pinned requirements Community Cloud reads.

Docker itself is not needed: the Dockerfile is read as text and checked for what the README promises
(non-root, port 8501, a health check on Streamlit's endpoint, data in a volume).
"""

from __future__ import annotations

import json
import re
import shlex
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from valuegap import sources
from valuegap.store.engine import default_database_url

ROOT = Path(__file__).resolve().parents[2]


def _instructions() -> list[tuple[str, str]]:
    """The Dockerfile's instructions as (KEYWORD, arguments), continuation lines joined."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            found.append((keyword.upper(), rest.strip()))
    return found


def _args(keyword: str) -> list[str]:
    return [rest for key, rest in _instructions() if key == keyword]


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _requirements() -> list[str]:
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    return [line.split(" #")[0].strip() for line in lines if line.strip() and not line.startswith("#")]


def _pins() -> dict[str, Requirement]:
    return {canonicalize_name(r.name): r for r in map(Requirement, _requirements()[:-1])}


# ----------------------------------------------------------------------------- Dockerfile


def test_the_image_builds_on_python_slim() -> None:
    assert _args("FROM") == ["python:3.12-slim"]


def test_the_app_runs_as_a_non_root_user() -> None:
    users = _args("USER")
    assert users and users[-1] not in ("root", "0", "0:0")
    keywords = [key for key, _ in _instructions()]
    assert keywords.index("USER") < keywords.index("CMD")
    assert any("useradd" in run and users[-1] in run for run in _args("RUN"))


def test_port_8501_is_exposed_and_streamlit_listens_on_it() -> None:
    assert _args("EXPOSE") == ["8501"]
    (cmd,) = _args("CMD")
    argv = json.loads(cmd)  # exec form: signals reach Streamlit, not a shell
    assert argv[:3] == ["streamlit", "run", "app.py"]
    assert "--server.address=0.0.0.0" in argv and "--server.port=8501" in argv


def test_the_health_check_asks_streamlits_health_endpoint_without_curl() -> None:
    (check,) = _args("HEALTHCHECK")
    argv = json.loads(check.split(" CMD ", 1)[1])  # exec form, valid JSON
    assert argv[:2] == ["python", "-c"] and "curl" not in check
    assert "urlopen('http://127.0.0.1:8501/_stcore/health'" in argv[2]
    compile(argv[2], "healthcheck", "exec")


def test_the_package_is_installed_with_the_postgres_driver() -> None:
    assert "postgres" in _pyproject()["project"]["optional-dependencies"]
    runs = " ".join(_args("RUN"))
    assert 'pip install ".[postgres]"' in runs and "requirements.txt" in runs


def test_the_sqlite_workspace_lives_in_the_data_volume(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = dict(word.split("=", 1) for rest in _args("ENV") for word in shlex.split(rest) if "=" in word)
    assert env["XDG_DATA_HOME"] == "/data"
    assert _args("VOLUME") == ['["/data"]']
    # default_database_url() follows XDG_DATA_HOME (platformdirs) unless VALUEGAP_DATABASE_URL is set
    monkeypatch.delenv("VALUEGAP_DATABASE_URL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_database_url() == f"sqlite:///{tmp_path / 'valuegap' / 'workbench.db'}"
    monkeypatch.setenv("VALUEGAP_DATABASE_URL", "postgresql://u:p@db:5432/valuegap")
    assert default_database_url() == "postgresql://u:p@db:5432/valuegap"


def test_everything_the_image_copies_exists_and_secrets_stay_out() -> None:
    ignored = {
        line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines() if not line.startswith("#")
    }
    assert ".streamlit/secrets.toml" in ignored
    for copy in _args("COPY"):
        *sources, _target = [part for part in copy.split() if not part.startswith("--")]
        for source in sources:
            assert (ROOT / source).exists(), source
            assert source.rstrip("/") not in ignored, f"{source} is copied but .dockerignore drops it"


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


def test_the_postgres_driver_is_pinned_and_the_app_itself_installs_last() -> None:
    pins = _pins()
    for spec in _pyproject()["project"]["optional-dependencies"]["postgres"]:
        wanted = Requirement(spec)
        (pin,) = pins[canonicalize_name(wanted.name)].specifier
        assert pin.operator == "==" and wanted.specifier.contains(pin.version)
    assert _requirements()[-1] in (".", ".[postgres]")
