"""The pages, one file each; ``st.navigation`` in ``app.py`` runs them as scripts.
Each reads like a description of its page: named loaders, then the charts bound to them."""
