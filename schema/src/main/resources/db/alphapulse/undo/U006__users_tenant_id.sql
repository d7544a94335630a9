-- U006: version 006 -> version 005.
-- Data-loss risk: MEDIUM - users.tenant_id values are lost.
-- Restoring the global uq_users_email is impossible once two tenants share an
-- email, so that is checked first: the undo refuses to start instead of
-- failing halfway with a bare unique violation.

-- Locking first keeps a concurrent insert from creating a duplicate between the
-- check and the re-creation of the constraint. ACCESS EXCLUSIVE straight away,
-- because the ALTER TABLEs below need it and upgrading a weaker lock later can
-- deadlock with a reader that starts writing.
LOCK TABLE users IN ACCESS EXCLUSIVE MODE;

DO $$
DECLARE
    dup_count bigint;
BEGIN
    SELECT count(*)
      INTO dup_count
      FROM (SELECT email FROM users GROUP BY email HAVING count(*) > 1) AS d;
    IF dup_count > 0 THEN
        RAISE EXCEPTION 'U006 refused: % email(s) are used by more than one tenant, uq_users_email (email) cannot be restored',
            dup_count
            USING HINT = 'Merge or rename the duplicated users before rolling back 006.';
    END IF;
END
$$;

ALTER TABLE users DROP CONSTRAINT IF EXISTS uq_users_tenant_email;
DROP INDEX IF EXISTS idx_users_tenant_id;
ALTER TABLE users DROP CONSTRAINT IF EXISTS fk_users_tenant;
ALTER TABLE users DROP COLUMN IF EXISTS tenant_id;

-- Same name and definition as V002 created it; guarded so a re-run is a no-op.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint
                    WHERE conrelid = 'users'::regclass
                      AND conname = 'uq_users_email') THEN
        ALTER TABLE users ADD CONSTRAINT uq_users_email UNIQUE (email);
    END IF;
END
$$;
