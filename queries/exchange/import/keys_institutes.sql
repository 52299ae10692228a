-- The keys of the stored institutes, to resolve references and count updates.
SELECT institute_id FROM institutes;
