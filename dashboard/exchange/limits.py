"""Bounds on what an import may read (issue 16: bounded hostile uploads).

The web app (Streamlit's ``--server.maxUploadSize``, the upload page's help
text) and the import share these numbers, so they live here, in the import's
layer, below the web app.

Every bound is checked while the input is read (a zip while it is unpacked, a
CSV file in chunks before it is parsed, a sheet row by row), so that a small
file that claims or unpacks to something huge is refused before memory grows,
with a message naming the file and the bound. Each can be set with an
environment variable (a whole number); the defaults leave room for a
partnership of 100,000 trainees (about 210 MB of CSV, 2.5 million rows).
Documented in docs/gegevensformaat.md ("Grenzen van de import").
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields

# Largest upload the data page takes (MB); ``serve`` passes it to Streamlit.
MAX_UPLOAD_MB = 50

ENV_PREFIX = "CONSTELLATIEMONITOR_IMPORT_"


@dataclass(frozen=True)
class ImportLimits:
    """The bounds of one import; ``from_environment`` reads overrides such as
    ``CONSTELLATIEMONITOR_IMPORT_MAX_UNPACKED_MB=1024``."""

    max_unpacked_mb: int = 512  # all files of a zip or workbook together, measured while unpacking
    max_zip_entries: int = 1000  # files in a zip or workbook
    max_rows: int = 5_000_000  # lines of all files (and sheet rows) together
    max_columns: int = 500  # columns of a header (and cells in a sheet row)
    max_line_kb: int = 1024  # one line of a CSV file
    max_sheet_cells: int = 50_000_000  # cells of all sheets of a workbook together
    max_errors_per_rule: int = 20  # errors shown per file and kind; the rest is counted

    @property
    def max_unpacked_bytes(self) -> int:
        return self.max_unpacked_mb * 1024 * 1024

    @property
    def max_line_bytes(self) -> int:
        return self.max_line_kb * 1024

    @staticmethod
    def env_name(field_name: str) -> str:
        return ENV_PREFIX + field_name.upper()

    @classmethod
    def from_environment(cls, environ: dict[str, str] | None = None) -> ImportLimits:
        """The defaults, with every ``CONSTELLATIEMONITOR_IMPORT_<NAME>`` that holds a positive
        whole number in its place (anything else is ignored: a typo must not lift a bound)."""
        environ = os.environ if environ is None else environ
        values = {}
        for item in fields(cls):
            text = environ.get(cls.env_name(item.name), "").strip()
            if text.isdigit() and int(text) > 0:
                values[item.name] = int(text)
        return cls(**values)
