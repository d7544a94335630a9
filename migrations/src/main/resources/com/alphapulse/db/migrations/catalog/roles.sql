-- The roles the set's scripts create (CREATE ROLE); roles are cluster-wide, so only these are looked at.
-- {{roles}} is replaced by the set's role names as an array literal (MigrationSet.roles()).
SELECT '' AS table_name,
       r.rolname AS name,
       r.rolcanlogin AS can_login,
       r.rolbypassrls AS bypass_rls,
       r.rolsuper AS superuser
FROM pg_roles r
WHERE r.rolname = ANY ({{roles}}::text[])
ORDER BY 2
