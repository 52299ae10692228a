-- The derived tables emptied, in the transaction of an erasure or purge
-- (dashboard/privacy/avg.py): they hold names and facts of the erased, and the
-- privacy layer cannot recompute them (that is the analysis's, a layer above).
-- The bumped data version leaves them stale; the next reader that may write
-- computes them again (dashboard/analysis/derived.py: ensure).
DELETE FROM derived_signals;
DELETE FROM derived_coverage;
