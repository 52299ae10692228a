-- Every write transaction that changes what the analysis reads (dashboard/store/db.py).
UPDATE data_state SET version = version + 1;
