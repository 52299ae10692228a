-- The keys of the stored functions, to resolve references and count updates.
SELECT code FROM functions;
