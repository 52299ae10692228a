"""Where the project's files and the database are: light on purpose (no DuckDB,
no pandas), so that ``serve``'s launcher, which only waits for Streamlit, can
name the database without holding the analysis in memory."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
QUERIES_DIR = PROJECT_ROOT / "queries"
SAMPLE_DATA_DIR = PROJECT_ROOT / "sample_data"

DB_ENV_VAR = "CONSTELLATIEMONITOR_DB"
DEFAULT_DB_FILE = Path("data") / "constellatiemonitor.duckdb"


def default_db_path() -> Path:
    """``$CONSTELLATIEMONITOR_DB``, else ``data/constellatiemonitor.duckdb`` under the working folder."""
    configured = os.environ.get(DB_ENV_VAR)
    return Path(configured) if configured else Path.cwd() / DEFAULT_DB_FILE
