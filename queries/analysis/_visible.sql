-- Opening of every analysis statement (dashboard.analysis puts it first; the
-- files that continue it start with a comma or with SELECT). It defines
--   visible: the trainees the viewer may see.
-- The scope is bound by dashboard.db for the handle's viewer: $scope_all for
-- beheerder and management (management sees aggregates only, which the
-- analysis functions enforce), else the trainees whose school is in
-- $scope_schools or whose institute is in $scope_institutes, the student's own
-- trainee ($scope_trainees), and the trainees with whom the
-- werkplekbegeleider's person ($scope_persons) has a formal relationship in
-- any wave.
-- Every statement on personal data reads trainees through `visible`.
WITH visible AS (
    SELECT t.*
    FROM trainees t
    WHERE $scope_all::BOOLEAN
       OR list_contains($scope_schools::VARCHAR[], t.school_id)
       OR list_contains($scope_institutes::VARCHAR[], t.institute_id)
       OR list_contains($scope_trainees::VARCHAR[], t.trainee_id)
       -- IN, not a correlated EXISTS: DuckDB 2.0.1 answered "OR EXISTS (...)" wrongly once
       -- a filter on trainee_id was pushed into this CTE (every trainee became visible).
       OR t.trainee_id IN (
              SELECT r.trainee_id FROM relationships r
              WHERE r.formal AND list_contains($scope_persons::VARCHAR[], r.person_id))
)
