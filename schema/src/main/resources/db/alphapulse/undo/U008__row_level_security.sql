-- U008: version 008 -> version 007.
-- Data-loss risk: NONE, but SECURITY: afterwards nothing isolates tenants any
-- more and every query sees every tenant's rows. Only acceptable as a step on
-- the way down to 007 or below, or with every query filtering on tenant_id.
-- rls_bypass_role is cluster-wide: it is dropped only when no other database
-- still holds privileges or objects for it, so one database's rollback never
-- breaks another database's admin access.

DO $$
BEGIN
    RAISE WARNING 'U008: ROW LEVEL SECURITY IS BEING REMOVED - tenant isolation is OFF after this rollback; every query will see every tenant''s rows. Roll back 007 as well or filter by tenant_id explicitly.';
END
$$;

-- Locks first, children before parents, in the order the application takes
-- them: a transaction that inserts a trade holds ROW EXCLUSIVE on trades and
-- then, through the foreign keys, key-share locks its account (and, from 007
-- on, its tenant). Taking a parent first and a child later would let such a
-- transaction sit between the two and deadlock with this script.
LOCK TABLE trades, positions, portfolio_snapshots, risk_metrics, agent_signals, audit_logs,
    trading_accounts, users
    IN ACCESS EXCLUSIVE MODE;

DROP POLICY IF EXISTS users_tenant_isolation_select ON users;
DROP POLICY IF EXISTS users_tenant_isolation_insert ON users;
DROP POLICY IF EXISTS users_tenant_isolation_update ON users;
DROP POLICY IF EXISTS users_tenant_isolation_delete ON users;
ALTER TABLE users NO FORCE ROW LEVEL SECURITY;
ALTER TABLE users DISABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS trading_accounts_tenant_isolation_select ON trading_accounts;
DROP POLICY IF EXISTS trading_accounts_tenant_isolation_insert ON trading_accounts;
DROP POLICY IF EXISTS trading_accounts_tenant_isolation_update ON trading_accounts;
DROP POLICY IF EXISTS trading_accounts_tenant_isolation_delete ON trading_accounts;
ALTER TABLE trading_accounts NO FORCE ROW LEVEL SECURITY;
ALTER TABLE trading_accounts DISABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS trades_tenant_isolation_select ON trades;
DROP POLICY IF EXISTS trades_tenant_isolation_insert ON trades;
DROP POLICY IF EXISTS trades_tenant_isolation_update ON trades;
DROP POLICY IF EXISTS trades_tenant_isolation_delete ON trades;
ALTER TABLE trades NO FORCE ROW LEVEL SECURITY;
ALTER TABLE trades DISABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS positions_tenant_isolation_select ON positions;
DROP POLICY IF EXISTS positions_tenant_isolation_insert ON positions;
DROP POLICY IF EXISTS positions_tenant_isolation_update ON positions;
DROP POLICY IF EXISTS positions_tenant_isolation_delete ON positions;
ALTER TABLE positions NO FORCE ROW LEVEL SECURITY;
ALTER TABLE positions DISABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS portfolio_snapshots_tenant_isolation_select ON portfolio_snapshots;
DROP POLICY IF EXISTS portfolio_snapshots_tenant_isolation_insert ON portfolio_snapshots;
DROP POLICY IF EXISTS portfolio_snapshots_tenant_isolation_update ON portfolio_snapshots;
DROP POLICY IF EXISTS portfolio_snapshots_tenant_isolation_delete ON portfolio_snapshots;
ALTER TABLE portfolio_snapshots NO FORCE ROW LEVEL SECURITY;
ALTER TABLE portfolio_snapshots DISABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS risk_metrics_tenant_isolation_select ON risk_metrics;
DROP POLICY IF EXISTS risk_metrics_tenant_isolation_insert ON risk_metrics;
DROP POLICY IF EXISTS risk_metrics_tenant_isolation_update ON risk_metrics;
DROP POLICY IF EXISTS risk_metrics_tenant_isolation_delete ON risk_metrics;
ALTER TABLE risk_metrics NO FORCE ROW LEVEL SECURITY;
ALTER TABLE risk_metrics DISABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS agent_signals_tenant_isolation_select ON agent_signals;
DROP POLICY IF EXISTS agent_signals_tenant_isolation_insert ON agent_signals;
DROP POLICY IF EXISTS agent_signals_tenant_isolation_update ON agent_signals;
DROP POLICY IF EXISTS agent_signals_tenant_isolation_delete ON agent_signals;
ALTER TABLE agent_signals NO FORCE ROW LEVEL SECURITY;
ALTER TABLE agent_signals DISABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS audit_logs_tenant_isolation_select ON audit_logs;
DROP POLICY IF EXISTS audit_logs_tenant_isolation_insert ON audit_logs;
DROP POLICY IF EXISTS audit_logs_tenant_isolation_update ON audit_logs;
DROP POLICY IF EXISTS audit_logs_tenant_isolation_delete ON audit_logs;
ALTER TABLE audit_logs NO FORCE ROW LEVEL SECURITY;
ALTER TABLE audit_logs DISABLE ROW LEVEL SECURITY;

-- REVOKE errors on a missing role, hence the guard (re-run after the role is gone).
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rls_bypass_role') THEN
        REVOKE ALL ON
            users,
            trading_accounts,
            trades,
            positions,
            portfolio_snapshots,
            risk_metrics,
            agent_signals,
            audit_logs,
            tenants
        FROM rls_bypass_role;
    END IF;
END
$$;

-- After the REVOKE this database holds no dependency on the role; any row
-- left in pg_shdepend belongs to another database (or a shared object) that
-- still needs it. Only a superuser may create a BYPASSRLS role: a migration
-- role that is not one could drop it (with CREATEROLE) but never re-create it,
-- and the next upgrade would stop at 008 with row-level security off. So it is
-- dropped only by a superuser, and kept, with a warning that says so, otherwise.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rls_bypass_role')
       AND NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
    THEN
        RAISE WARNING 'U008: rls_bypass_role kept: % is not a superuser and could not re-create it (BYPASSRLS); a superuser may drop it once no database uses it', current_user;
    ELSIF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rls_bypass_role')
       AND NOT EXISTS (
            SELECT 1
              FROM pg_shdepend d
              JOIN pg_roles r ON r.oid = d.refobjid
             WHERE r.rolname = 'rls_bypass_role'
               AND d.dbid <> (SELECT oid FROM pg_database
                               WHERE datname = current_database()))
       -- an admin granted membership may rely on it from another database
       AND NOT EXISTS (
            SELECT 1
              FROM pg_auth_members m
              JOIN pg_roles r ON r.oid = m.roleid
             WHERE r.rolname = 'rls_bypass_role')
    THEN
        DROP ROLE rls_bypass_role;
    ELSE
        RAISE NOTICE 'rls_bypass_role kept: absent or still used by another database';
    END IF;
END
$$;
