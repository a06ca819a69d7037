# Value Gap Workbench in a container: `streamlit run app.py` on port 8501, as a non-root user.
#
#   docker build -t valuegap .
#   docker run -p 8501:8501 -v valuegap-data:/data valuegap
#
# The workspace is a SQLite file in the /data volume (/data/valuegap/workbench.db) unless
# VALUEGAP_DATABASE_URL names another database, e.g. postgresql://user:password@host:5432/dbname.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    XDG_DATA_HOME=/data

RUN groupadd --gid 10001 valuegap \
    && useradd --create-home --uid 10001 --gid 10001 valuegap \
    && mkdir -p /data/valuegap \
    && chown -R valuegap:valuegap /data

WORKDIR /app

# Pango for WeasyPrint (the stakeholder report as PDF) and fonts with the widths the charts are laid out with
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
       fonts-liberation \
    && rm -rf /var/lib/apt/lists/*

# The pinned dependencies (the file Streamlit Community Cloud reads and the tests run with) in their
# own layer, so a code change does not reinstall them; the app itself needs the source and comes next,
# with nothing left to resolve (--no-deps: every dependency is one of the pins).
COPY requirements.txt ./
RUN pip install --requirement requirements.txt

COPY pyproject.toml README.md ./
COPY valuegap/ valuegap/
RUN pip install --no-deps . && rm -rf build valuegap.egg-info

COPY app.py ./
COPY pages/ pages/
COPY .streamlit/config.toml .streamlit/config.toml

USER 10001:10001
VOLUME ["/data"]
EXPOSE 8501

# Streamlit's own health endpoint; slim images have no curl, so Python asks.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"]

CMD ["streamlit", "run", "app.py", "--server.address=0.0.0.0", "--server.port=8501"]
