-- One row per index, with its full definition (columns, order, DESC, uniqueness) and validity.
SELECT t.relname AS table_name,
       i.relname AS name,
       pg_get_indexdef(x.indexrelid) AS definition,
       x.indisvalid AS valid,
       (SELECT array_agg(a.attname ORDER BY k.ord)::text
          FROM unnest(x.indkey) WITH ORDINALITY AS k(attnum, ord)
          JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum) AS columns
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_class t ON t.oid = x.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE n.nspname = 'public'
  AND t.relname <> 'flyway_schema_history'
ORDER BY 1, 2
