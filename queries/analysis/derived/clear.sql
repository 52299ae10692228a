-- A full refresh starts empty (dashboard/analysis/derived.py).
DELETE FROM derived_signals;
DELETE FROM derived_coverage;
