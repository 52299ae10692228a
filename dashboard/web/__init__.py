"""The web app (Streamlit): entry script, session and page state, cached
loaders, charts, login, the pages (``views/``) and ``serve``. SQL: ``queries/web/``."""
