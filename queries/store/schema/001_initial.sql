-- Schema version 1: the domain of shared/domain.md, stored as the
-- interchange format's canonical codes (shared/data-contract.md).
--
-- Keys and CHECK constraints make invalid values unrepresentable. References
-- between tables are NOT declared as FOREIGN KEYs: DuckDB cannot delete a
-- referencing row and then the referenced row inside one transaction
-- (duckdb/duckdb#13819), which would make an atomic --replace import or an
-- atomic erasure impossible. Instead every write transaction runs
-- queries/store/integrity_violations.sql before it commits and rolls back on any row.
-- The same goes for the three rules that compare two columns of a row
-- (trainee_id <> person_id, person_a < person_b, role_a < role_b): as CHECK
-- constraints they made every UPDATE of those tables about 200 times slower
-- in DuckDB 2.0 (200,000 rows: 1.6 s instead of 0.008 s).
--
-- `extra` keeps the `x_` columns of an imported file as a JSON object text,
-- so that export gives them back.

CREATE TABLE schools (
    school_id   VARCHAR PRIMARY KEY CHECK (school_id <> ''),
    name        VARCHAR NOT NULL CHECK (name <> ''),
    sector      VARCHAR CHECK (sector IN ('po', 'vo', 'mbo')),
    extra       VARCHAR
);

CREATE TABLE institutes (
    institute_id VARCHAR PRIMARY KEY CHECK (institute_id <> ''),
    name         VARCHAR NOT NULL CHECK (name <> ''),
    extra        VARCHAR
);

CREATE TABLE trainees (
    trainee_id   VARCHAR PRIMARY KEY CHECK (trainee_id <> ''),
    name         VARCHAR NOT NULL CHECK (name <> ''),
    school_id    VARCHAR NOT NULL,
    institute_id VARCHAR NOT NULL,
    cohort       VARCHAR NOT NULL CHECK (cohort <> ''),
    programme    VARCHAR CHECK (programme <> '' AND programme <> '*'),
    study_year   INTEGER CHECK (study_year BETWEEN 1 AND 9),
    email        VARCHAR,
    extra        VARCHAR
);

CREATE TABLE people (
    person_id    VARCHAR PRIMARY KEY CHECK (person_id <> ''),
    name         VARCHAR NOT NULL CHECK (name <> ''),
    role         VARCHAR NOT NULL CHECK (role IN ('werkplekbegeleider', 'schoolopleider',
                     'instituutsopleider', 'studieloopbaanbegeleider', 'collega',
                     'medestudent', 'leidinggevende', 'overig')),
    school_id    VARCHAR,
    institute_id VARCHAR,
    orientation  VARCHAR CHECK (orientation IN ('technisch', 'persoonlijk')),
    email        VARCHAR,
    extra        VARCHAR
);

-- The guidance-function taxonomy is data: it ships with defaults and a
-- partnership may rename or extend it. `position` keeps the file's order.
CREATE TABLE functions (
    code        VARCHAR PRIMARY KEY CHECK (code <> '' AND code NOT LIKE '%;%'),
    label_nl    VARCHAR NOT NULL CHECK (label_nl <> ''),
    label_en    VARCHAR NOT NULL CHECK (label_en <> ''),
    "group"     VARCHAR NOT NULL CHECK ("group" <> ''),
    description VARCHAR,
    position    INTEGER NOT NULL,
    extra       VARCHAR
);

CREATE TABLE relationships (
    trainee_id        VARCHAR NOT NULL,
    person_id         VARCHAR NOT NULL,
    wave              VARCHAR NOT NULL CHECK (wave IN ('begin', 'midden', 'eind')),
    formal            BOOLEAN NOT NULL,
    strength          VARCHAR NOT NULL CHECK (strength IN ('sterk', 'zwak', 'geen')),
    klik              VARCHAR CHECK (klik IN ('ja', 'twijfel', 'nee')),
    contribution      VARCHAR NOT NULL DEFAULT 'positief'
                          CHECK (contribution IN ('positief', 'negatief')),
    assesses          BOOLEAN,
    contact_frequency VARCHAR CHECK (contact_frequency IN ('dagelijks', 'wekelijks', 'maandelijks', 'zelden')),
    contact_note      VARCHAR,
    extra             VARCHAR,
    PRIMARY KEY (trainee_id, person_id, wave)
    -- trainee_id <> person_id: checked in integrity_violations.sql (see header)
);

-- The functions a relationship serves: one row per (relationship, function).
CREATE TABLE relationship_functions (
    trainee_id VARCHAR NOT NULL,
    person_id  VARCHAR NOT NULL,
    wave       VARCHAR NOT NULL CHECK (wave IN ('begin', 'midden', 'eind')),
    function   VARCHAR NOT NULL,
    PRIMARY KEY (trainee_id, person_id, wave, function)
);

-- Consultation ("overleg") is symmetric: stored once with person_a < person_b.
CREATE TABLE consultations (
    trainee_id VARCHAR NOT NULL,
    person_a   VARCHAR NOT NULL,
    person_b   VARCHAR NOT NULL,
    wave       VARCHAR NOT NULL CHECK (wave IN ('begin', 'midden', 'eind')),
    frequency  VARCHAR CHECK (frequency IN ('dagelijks', 'wekelijks', 'maandelijks', 'zelden')),
    extra      VARCHAR,
    PRIMARY KEY (trainee_id, person_a, person_b, wave)
    -- person_a < person_b: checked in integrity_violations.sql (see header)
);

CREATE TABLE needs (
    trainee_id VARCHAR NOT NULL,
    wave       VARCHAR NOT NULL CHECK (wave IN ('begin', 'midden', 'eind')),
    function   VARCHAR NOT NULL,
    extra      VARCHAR,
    PRIMARY KEY (trainee_id, wave, function)
);

-- Programme norms; programme '*' is the default for every programme.
CREATE TABLE norm_roles (
    programme         VARCHAR NOT NULL CHECK (programme <> ''),
    role              VARCHAR NOT NULL CHECK (role IN ('werkplekbegeleider', 'schoolopleider',
                          'instituutsopleider', 'studieloopbaanbegeleider', 'collega',
                          'medestudent', 'leidinggevende', 'overig')),
    expected_strength VARCHAR NOT NULL CHECK (expected_strength IN ('sterk', 'zwak', 'geen')),
    extra             VARCHAR,
    PRIMARY KEY (programme, role)
);

CREATE TABLE norm_consultations (
    programme VARCHAR NOT NULL CHECK (programme <> ''),
    role_a    VARCHAR NOT NULL CHECK (role_a IN ('werkplekbegeleider', 'schoolopleider',
                  'instituutsopleider', 'studieloopbaanbegeleider', 'collega',
                  'medestudent', 'leidinggevende', 'overig')),
    role_b    VARCHAR NOT NULL CHECK (role_b IN ('werkplekbegeleider', 'schoolopleider',
                  'instituutsopleider', 'studieloopbaanbegeleider', 'collega',
                  'medestudent', 'leidinggevende', 'overig')),
    extra     VARCHAR,
    PRIMARY KEY (programme, role_a, role_b)
    -- role_a < role_b: checked in integrity_violations.sql (see header)
);

-- One row per completed import (failed imports write nothing, not even here).
CREATE TABLE imports (
    import_id   INTEGER PRIMARY KEY,
    finished_at TIMESTAMP NOT NULL,
    source      VARCHAR NOT NULL,
    mode        VARCHAR NOT NULL CHECK (mode IN ('merge', 'replace')),
    row_counts  VARCHAR NOT NULL  -- JSON object: file name -> rows read
);
