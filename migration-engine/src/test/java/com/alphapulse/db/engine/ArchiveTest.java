package com.alphapulse.db.engine;

import static com.alphapulse.db.engine.Fixtures.count;
import static com.alphapulse.db.engine.Fixtures.exec;
import static com.alphapulse.db.engine.Fixtures.strings;
import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.schema.AlphaPulseSchema;
import com.alphapulse.db.testing.AlphaPulseRows;
import com.alphapulse.db.verification.DataSnapshot;
import com.alphapulse.db.verification.Verifier;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * On AlphaPulse: the archive is restored exactly, also through a rollback that drops whole tables, and onto the
 * rows it was taken from, never onto other rows that reuse their ids.
 */
class ArchiveTest {

    private static final String DEFAULT_TENANT = AlphaPulseSchema.DEFAULT_TENANT_ID;

    @Test
    @DisplayName("downgrade 001 from head archives every row of the tables U002 drops, with their GRANTs; upgrade head puts back "
            + "every row, every tenant_id and every GRANT exactly, and the identity sequences continue above the restored ids")
    void rollback_to_001_is_lossless() {
        Database db = Fixtures.database("archive_to_001");
        String role = db.name() + "_reader";
        try {
            MigrationEngine engine = Fixtures.engine(db);
            engine.upgrade("head");
            AlphaPulseRows.load(db, 2, 250);
            exec(db, "CREATE ROLE " + role + " NOLOGIN", "GRANT SELECT ON public.users, public.trades TO " + role,
                    "GRANT UPDATE (email) ON public.users TO " + role);
            DataSnapshot before = Verifier.on(db.dataSource()).snapshot();
            Map<String, String> checksums = Fixtures.tenantChecksums(db, null);
            long maxUser = count(db, "SELECT max(id) FROM public.users");

            DowngradeResult down = engine.downgrade("001", DowngradeOptions.defaults());
            assertThat(down.versions()).extracting(r -> r.version().label()).containsExactly("011", "010", "009", "008", "007", "006", "005", "002");
            assertThat(count(db, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename = 'users'")).isZero();
            assertThat(engine.status().pendingRestores()).extracting(p -> p.version() + " " + p.table())
                    .contains("002 users", "002 trades", "005 tenants", "006 users", "007 trades");

            UpgradeResult up = engine.upgrade("head");
            assertThat(up.rowsSkipped()).isZero();
            assertThat(up.rowsRestored()).isEqualTo(down.rowsArchived());
            assertThat(engine.status().pendingRestores()).isEmpty();
            assertThat(Fixtures.tenantChecksums(db, null)).isEqualTo(checksums);
            assertThat(Verifier.compare(before, Verifier.on(db.dataSource()).snapshot()).differences()).isEmpty();
            assertThat(Verifier.on(db.dataSource()).verify(AlphaPulseSchema.migrations().head()).errors()).isEmpty();
            assertThat(Fixtures.text(db, "SELECT has_table_privilege('" + role + "', 'public.users', 'SELECT') "
                    + "AND has_table_privilege('" + role + "', 'public.trades', 'SELECT') "
                    + "AND has_column_privilege('" + role + "', 'public.users', 'email', 'UPDATE') "
                    + "AND NOT has_table_privilege('" + role + "', 'public.users', 'UPDATE')")).isEqualTo("t");
            exec(db, "INSERT INTO public.users (username, email, password_hash, tenant_id) VALUES ('after', 'after@x.example', 'h', '"
                    + DEFAULT_TENANT + "')");
            assertThat(count(db, "SELECT id FROM public.users WHERE username = 'after'")).isGreaterThan(maxUser);
        } finally {
            Fixtures.dropRole(db, role);
            Fixtures.drop(db);
        }
    }

    @Test
    @DisplayName("an archive written by an older engine (archive_tenants, archive_tenant_ids) is listed by status as it is, "
            + "moved into the generic archive by the next run and restored exactly")
    void older_archive_tables_are_migrated() {
        Database db = Fixtures.database("archive_legacy");
        try {
            MigrationEngine engine = Fixtures.engine(db);
            engine.upgrade("head");
            AlphaPulseRows.load(db, 2, 250);
            Map<String, String> checksums = Fixtures.tenantChecksums(db, null);
            DowngradeResult down = engine.downgrade("002", DowngradeOptions.defaults());
            List<String> pending = engine.status().pendingRestores().stream().map(p -> p.version() + " " + p.table() + " " + p.rows())
                    .toList();
            // What the older engine left instead: its two tables, none of the generic ones.
            exec(db, "CREATE TABLE alphapulse_migration.archive_tenants (version integer NOT NULL, id uuid NOT NULL, "
                            + "row_data jsonb NOT NULL, archived_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (version, id))",
                    "INSERT INTO alphapulse_migration.archive_tenants (version, id, row_data) "
                            + "SELECT version, (pk->>'id')::uuid, row_data FROM alphapulse_migration.archive_rows",
                    "CREATE TABLE alphapulse_migration.archive_tenant_ids (version integer NOT NULL, table_name text NOT NULL, "
                            + "pk bigint NOT NULL, tenant_id uuid NOT NULL, table_oid oid NOT NULL, "
                            + "archived_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (version, table_name, pk))",
                    "INSERT INTO alphapulse_migration.archive_tenant_ids (version, table_name, pk, tenant_id, table_oid) "
                            + "SELECT version, table_name, (pk->>'id')::bigint, (value #>> '{}')::uuid, table_oid "
                            + "FROM alphapulse_migration.archive_columns",
                    "DROP TABLE alphapulse_migration.archive_rows, alphapulse_migration.archive_columns, "
                            + "alphapulse_migration.archive_grants, alphapulse_migration.archive_sequences");

            assertThat(engine.status().pendingRestores()).extracting(p -> p.version() + " " + p.table() + " " + p.rows())
                    .isEqualTo(pending).isNotEmpty();
            UpgradeResult up = engine.upgrade("head");
            assertThat(up.rowsSkipped()).isZero();
            assertThat(up.rowsRestored()).isEqualTo(down.rowsArchived());
            assertThat(Fixtures.tenantChecksums(db, null)).isEqualTo(checksums);
            assertThat(engine.status().pendingRestores()).isEmpty();
            assertThat(Fixtures.text(db, "SELECT to_regclass('alphapulse_migration.archive_tenants') IS NULL "
                    + "AND to_regclass('alphapulse_migration.archive_tenant_ids') IS NULL")).isEqualTo("t");
        } finally {
            Fixtures.drop(db);
        }
    }

    @Test
    @DisplayName("rolling back 002 as well without archiving (data loss accepted) drops the archived tenant_ids of the tables it "
            + "drops: re-created rows that reuse their ids get the migration's backfill, never the old tenants")
    void deeper_rollback_without_archive_discards_the_archive_of_dropped_tables() {
        Database db = Fixtures.database("archive_deeper");
        try {
            MigrationEngine engine = Fixtures.engine(db);
            engine.upgrade("head");
            AlphaPulseRows.load(db, 2, 250);
            long tenantRows = count(db, "SELECT count(*) FROM public.tenants");
            engine.downgrade("002", DowngradeOptions.defaults());
            assertThat(count(db, "SELECT count(*) FROM alphapulse_migration.archive_columns WHERE table_name = 'users'")).isPositive();

            DowngradeResult deeper = engine.downgrade("001", DowngradeOptions.defaults().withArchive(false).withAcceptDataLoss(true));
            assertThat(deeper.versions()).extracting(r -> r.version().label()).containsExactly("002");
            assertThat(engine.status().pendingRestores()).extracting(p -> p.version() + " " + p.table())
                    .as("only the tenant rows remain: the tenants table was never dropped without its archive")
                    .containsExactly("005 tenants");
            assertThat(engine.history().entries()).last().satisfies(h -> assertThat(h.message())
                    .contains("discarded").contains("archived row(s) of the table(s) this undo drops"));

            engine.upgrade("002");
            // New rows: ids 1, 2, ... again, the very ids the old archive named.
            exec(db, "INSERT INTO public.users (username, email, password_hash) SELECT 'new' || g, 'new' || g || '@x.example', 'h' "
                            + "FROM generate_series(1, 3) g",
                    "INSERT INTO public.trading_accounts (account_id, account_number, exchange_name, account_type) "
                            + "SELECT 'ACC-NEW-' || g, g::text, 'kraken', 'spot' FROM generate_series(1, 2) g",
                    "INSERT INTO public.agent_signals (agent_type, symbol, signal, confidence) VALUES ('new', 'BTC/USDT', 'buy', 0.5)");
            assertThat(strings(db, "SELECT id FROM public.users ORDER BY id")).containsExactly("1", "2", "3");

            UpgradeResult up = engine.upgrade("head");
            assertThat(up.rowsRestored()).isEqualTo(tenantRows);
            assertThat(up.rowsSkipped()).isZero();
            for (String table : new String[] {"users", "trading_accounts", "agent_signals"}) {
                assertThat(strings(db, "SELECT DISTINCT tenant_id FROM public." + table)).as(table).containsExactly(DEFAULT_TENANT);
            }
            assertThat(engine.status().pendingRestores()).isEmpty();
        } finally {
            Fixtures.drop(db);
        }
    }

    @Test
    @DisplayName("a table dropped and re-created outside the engine while rolled back is not restored onto: its archive is "
            + "skipped, kept, journaled and listed by status")
    void recreated_table_is_not_restored_onto() {
        Database db = Fixtures.database("archive_recreated");
        try {
            MigrationEngine engine = Fixtures.engine(db);
            engine.upgrade("head");
            AlphaPulseRows.load(db, 2, 250);
            long signals = count(db, "SELECT count(*) FROM public.agent_signals");
            assertThat(signals).isGreaterThan(3);
            engine.downgrade("006", DowngradeOptions.defaults());

            exec(db, "CREATE TABLE public.agent_signals_new (LIKE public.agent_signals INCLUDING ALL)",
                    "DROP TABLE public.agent_signals",
                    "ALTER TABLE public.agent_signals_new RENAME TO agent_signals",
                    "INSERT INTO public.agent_signals (agent_type, symbol, signal, confidence) "
                            + "SELECT 'new', 'BTC/USDT', 'buy', 0.5 FROM generate_series(1, 3)");
            assertThat(strings(db, "SELECT id FROM public.agent_signals ORDER BY id")).containsExactly("1", "2", "3");

            // LIKE ... INCLUDING ALL names the indexes and constraints anew: the catalog is not at 006 any more, so
            // the catalog guard would refuse; forced, to see what the restore does with the re-created table.
            UpgradeResult up = engine.upgrade("007", UpgradeOptions.defaults().withForce(true));
            assertThat(up.rowsSkipped()).isEqualTo(signals);
            assertThat(strings(db, "SELECT DISTINCT tenant_id FROM public.agent_signals")).containsExactly(DEFAULT_TENANT);
            assertThat(count(db, "SELECT count(*) FROM public.trades t JOIN public.trading_accounts a ON a.id = t.account_id "
                    + "WHERE t.tenant_id <> a.tenant_id")).as("the other tables restored as usual").isZero();
            assertThat(engine.status().pendingRestores()).singleElement().satisfies(p -> {
                assertThat(p.table()).isEqualTo("agent_signals");
                assertThat(p.rows()).isEqualTo(signals);
                assertThat(p.stranded()).isTrue();
            });
            assertThat(engine.history().entries()).last().satisfies(h -> assertThat(h.message())
                    .contains("skipped " + signals).contains("agent_signals: " + signals + " (" + signals
                            + " archived from a table since dropped and re-created)"));
        } finally {
            Fixtures.drop(db);
        }
    }
}
