-- The roles the schema itself creates; roles are cluster-wide, so only these are looked at.
SELECT '' AS table_name,
       r.rolname AS name,
       r.rolcanlogin AS can_login,
       r.rolbypassrls AS bypass_rls,
       r.rolsuper AS superuser
FROM pg_roles r
WHERE r.rolname IN ('rls_bypass_role')
ORDER BY 2
