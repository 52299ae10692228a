SELECT count(*) FROM trainees;
