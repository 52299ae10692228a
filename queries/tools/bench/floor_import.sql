-- The floor of an import (dashboard/tools/bench.py): DuckDB reads every CSV file of
-- the interchange format with its own reader and writes it into a table of its
-- own, all columns as text, with no validation, no defaults and no merge.
-- What dashboard.importer does beyond this is the price of its checks.
CREATE TABLE floor_functions AS SELECT * FROM read_csv($functions, header = true, all_varchar = true);
CREATE TABLE floor_schools AS SELECT * FROM read_csv($schools, header = true, all_varchar = true);
CREATE TABLE floor_institutes AS SELECT * FROM read_csv($institutes, header = true, all_varchar = true);
CREATE TABLE floor_trainees AS SELECT * FROM read_csv($trainees, header = true, all_varchar = true);
CREATE TABLE floor_people AS SELECT * FROM read_csv($people, header = true, all_varchar = true);
CREATE TABLE floor_relationships AS SELECT * FROM read_csv($relationships, header = true, all_varchar = true);
CREATE TABLE floor_consultations AS SELECT * FROM read_csv($consultations, header = true, all_varchar = true);
CREATE TABLE floor_needs AS SELECT * FROM read_csv($needs, header = true, all_varchar = true);
CREATE TABLE floor_norm_roles AS SELECT * FROM read_csv($norm_roles, header = true, all_varchar = true);
CREATE TABLE floor_norm_consultations AS SELECT * FROM read_csv($norm_consultations, header = true, all_varchar = true);
