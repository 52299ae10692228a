-- The keys of the stored functions, to resolve references and count updates,
-- and their labels (a function list may name a function by its label).
SELECT code, label_nl, label_en FROM functions;
