-- One row per constraint: primary key, unique, check and foreign key (with ON DELETE), as PostgreSQL prints them.
SELECT t.relname AS table_name,
       k.conname AS name,
       CASE k.contype WHEN 'p' THEN 'PRIMARY KEY' WHEN 'u' THEN 'UNIQUE' WHEN 'c' THEN 'CHECK'
                      WHEN 'f' THEN 'FOREIGN KEY' WHEN 'x' THEN 'EXCLUDE' WHEN 'n' THEN 'NOT NULL'
                      ELSE k.contype::text END AS constraint_type,
       pg_get_constraintdef(k.oid) AS definition,
       COALESCE(r.relname, '') AS referenced_table
FROM pg_constraint k
JOIN pg_class t ON t.oid = k.conrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
LEFT JOIN pg_class r ON r.oid = k.confrelid
WHERE n.nspname = 'public'
  AND t.relname <> 'flyway_schema_history'
  -- PostgreSQL 18 records NOT NULL as constraints too; nullability is compared on the columns
  AND k.contype <> 'n'
ORDER BY 1, 2
