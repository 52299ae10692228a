SELECT DISTINCT programme FROM trainees WHERE programme IS NOT NULL ORDER BY programme
