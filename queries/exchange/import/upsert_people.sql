-- Insert or update people; a column absent from the file keeps its stored value.
INSERT INTO people (person_id, name, role, school_id, institute_id, orientation, email, extra)
SELECT person_id, name, role, school_id, institute_id, orientation, email, extra
FROM staged_people
ON CONFLICT (person_id) DO UPDATE SET
    name = excluded.name,
    role = excluded.role,
    school_id = CASE WHEN $has_school_id THEN excluded.school_id ELSE people.school_id END,
    institute_id = CASE WHEN $has_institute_id THEN excluded.institute_id ELSE people.institute_id END,
    orientation = CASE WHEN $has_orientation THEN excluded.orientation ELSE people.orientation END,
    email = CASE WHEN $has_email THEN excluded.email ELSE people.email END,
    extra = CASE WHEN $has_extra THEN excluded.extra ELSE people.extra END
-- Only rows that change are updated: DuckDB rewrites an updated row of a table
-- with a multi-column CHECK slowly, and most rows of a re-import are unchanged.
WHERE people.name IS DISTINCT FROM excluded.name
   OR people.role IS DISTINCT FROM excluded.role
   OR ($has_school_id AND people.school_id IS DISTINCT FROM excluded.school_id)
   OR ($has_institute_id AND people.institute_id IS DISTINCT FROM excluded.institute_id)
   OR ($has_orientation AND people.orientation IS DISTINCT FROM excluded.orientation)
   OR ($has_email AND people.email IS DISTINCT FROM excluded.email)
   OR ($has_extra AND people.extra IS DISTINCT FROM excluded.extra);
