"""Bounds on what an import may read.

The web app (Streamlit's ``--server.maxUploadSize``, the upload page's help
text) and the import share these numbers, so they live here, in the import's
layer, below the web app.
"""

from __future__ import annotations

# Largest upload the data page takes (MB); ``serve`` passes it to Streamlit.
MAX_UPLOAD_MB = 50
