"""User-facing text in English. Keys must match the other language's file."""

TEXTS: dict[str, str] = {
    # --- general -------------------------------------------------------
    "app.title": "Constellatiemonitor",
    # --- import and validation (dashboard/importer.py) -------------------
    # --- export (dashboard/exporter.py) ----------------------------------
    # --- generator (dashboard/generator.py) ------------------------------
    # --- analysis: signals, coverage, measures (dashboard/analysis.py) ---
    # --- dashboard pages (dashboard/app.py, dashboard/pages/) -------------
    # --- command line (dashboard/cli.py) ----------------------------------
}
