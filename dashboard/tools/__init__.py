"""Tools on top of everything: the benchmark suite (``bench``) and the
command-line reports (``flags``, ``coverage``, ``measures``). SQL: ``queries/tools/``."""
