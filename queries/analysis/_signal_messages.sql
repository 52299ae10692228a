-- Continues _mentor_signals.sql: the attention signals of shared/domain.md,
-- one row per signal, with its sentence in the user's language, as the CTE
-- `signal_messages` (position: the order signals.sql gives them in).
-- Bound tables: message_templates_param(message_key, template) and
-- labels_param(kind, code, label) in the user's language (kind: role,
-- strength, wave, function).
-- The sentence: the language's template for the code (dashboard.analysis
-- turns its {field} names into positions for format(); the values are
-- arguments, so a name with braces in it is never read as a field).
facts AS (
    SELECT sr.trainee_id::VARCHAR AS trainee_id, sr.person_id::VARCHAR AS person_id,
           sr.function::VARCHAR AS function, sr.code, sr.severity, sr.wave, sr.role::VARCHAR AS role,
           sr.other_role::VARCHAR AS other_role, sr.cohort::VARCHAR AS cohort,
           CASE WHEN sr.code = 'weak_formal' AND sr.strength = 'geen' THEN 'weak_formal_geen'
                ELSE sr.code END AS message_key,
           coalesce(role_label.label, '') AS role_text,
           coalesce(other_role_label.label, '') AS other_role_text,
           coalesce(strength_label.label, '') AS strength_text,
           coalesce(expected_label.label, '') AS expected_text,
           coalesce(earlier_label.label, '') AS earlier_text,
           coalesce(earlier_wave_label.label, '') AS earlier_wave_text,
           coalesce(function_label.label, sr.function::VARCHAR, '') AS function_text,
           coalesce(sr.cohort::VARCHAR, '') AS cohort_text,
           coalesce(sr.n::BIGINT::VARCHAR, '') AS n_text,
           coalesce(sr.other_names::VARCHAR, '') AS other_person_text,
           coalesce(sr.person_name::VARCHAR, '') AS person_text
    FROM signal_rows sr
    LEFT JOIN labels_param role_label ON role_label.kind = 'role' AND role_label.code = sr.role
    LEFT JOIN labels_param other_role_label
      ON other_role_label.kind = 'role' AND other_role_label.code = sr.other_role
    LEFT JOIN labels_param strength_label
      ON strength_label.kind = 'strength' AND strength_label.code = sr.strength
    LEFT JOIN labels_param expected_label
      ON expected_label.kind = 'strength' AND expected_label.code = sr.expected_strength
    LEFT JOIN labels_param earlier_label
      ON earlier_label.kind = 'strength' AND earlier_label.code = sr.earlier_strength
    LEFT JOIN labels_param earlier_wave_label
      ON earlier_wave_label.kind = 'wave' AND earlier_wave_label.code = sr.earlier_wave
    LEFT JOIN labels_param function_label
      ON function_label.kind = 'function' AND function_label.code = sr.function
),
sentences AS (
    SELECT f.trainee_id, f.person_id, f.function, f.code, f.severity, f.wave,
           -- argument positions: see MESSAGE_FIELDS in dashboard/analysis/__init__.py
           format(m.template,
                  upper(left(f.role_text, 1)) || substr(f.role_text, 2), f.role_text, f.person_text,
                  f.strength_text, f.expected_text, f.other_role_text, f.other_person_text,
                  f.earlier_text, f.earlier_wave_text, f.function_text, f.cohort_text, f.n_text) AS message,
           -- the role the signal is about (no_consultation: the pair's roles), for triage and patterns;
           -- the cohort of a mentor-level signal
           f.role, f.other_role, f.cohort, f.cohort_text
    FROM facts f
    JOIN message_templates_param m ON m.message_key = f.message_key
),
signal_messages AS (
    SELECT trainee_id, person_id, function, code, severity, wave, message, role, other_role, cohort,
           row_number() OVER (
               ORDER BY CASE severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END,
                        trainee_id NULLS LAST, code, person_id, function,
                        -- ties (one mentor's signal in two cohorts) still come out in one order
                        wave, cohort_text, message) AS position
    FROM sentences
)
