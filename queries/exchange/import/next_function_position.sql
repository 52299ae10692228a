-- Where new guidance functions start, so they come after the existing ones.
SELECT coalesce(max(position) + 1, 0) AS next_position FROM functions;
