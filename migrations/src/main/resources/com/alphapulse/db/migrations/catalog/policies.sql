-- One row per row-level security policy, with USING and WITH CHECK as PostgreSQL normalises them.
SELECT p.tablename AS table_name,
       p.policyname AS name,
       p.permissive AS permissive,
       p.cmd AS command,
       array_to_string(p.roles, ',') AS roles,
       COALESCE(p.qual, '') AS using_expression,
       COALESCE(p.with_check, '') AS check_expression
FROM pg_policies p
WHERE p.schemaname = 'public'
ORDER BY 1, 2
