package com.alphapulse.db.engine;

import static com.alphapulse.db.engine.Fixtures.count;
import static com.alphapulse.db.engine.Fixtures.exec;
import static com.alphapulse.db.engine.Fixtures.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.schema.AlphaPulseSchema;
import com.alphapulse.db.testing.AlphaPulseRows;
import com.alphapulse.db.verification.DataSnapshot;
import com.alphapulse.db.verification.Verifier;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.output.ValidateResult;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The seed's full procedure, head -> 002 -> head, with several tenants' data, through the facade. */
class RoundTripTest {

    private static final String B_ACCOUNT = "SELECT min(a.id) FROM public.trading_accounts a JOIN public.tenants t ON t.id = a.tenant_id "
            + "WHERE t.slug LIKE '%-2'";

    @Test
    @DisplayName("head -> 002 -> head with 3 tenants and default-tenant rows: every tenant row and every row's tenant_id identical; "
            + "rows inserted at 002 get the spec's backfill; archived == restored + skipped, skipped being the rows deleted at 002")
    void full_rollback_and_reapply_is_lossless() {
        Database db = Fixtures.database("roundtrip");
        try {
            roundTrip(db);
        } finally {
            Fixtures.drop(db);
        }
    }

    @Test
    @DisplayName("head -> 009 -> head with 3 tenants: U011 and U010 lose nothing, 010 re-runs online over the same rows, "
            + "every row and tenant_id identical; at 009 the old keys are back and the same trade_id twice in two tenants is refused")
    void rollback_of_the_tenant_safe_keys_and_reapply_keep_every_row() {
        Database db = Fixtures.database("roundtrip_keys");
        try {
            MigrationEngine engine = Fixtures.engine(db);
            engine.upgrade("head");
            AlphaPulseRows.load(db, 3, 200);
            Verifier verifier = Verifier.on(db.dataSource());
            DataSnapshot before = verifier.snapshot();
            Map<String, String> checksums = Fixtures.tenantChecksums(db, null);

            DowngradeResult down = engine.downgrade("009", DowngradeOptions.defaults());
            assertThat(down.versions()).extracting(r -> r.version().label()).containsExactly("011", "010");
            assertThat(down.rowsArchived()).isZero();
            assertThat(down.versions()).filteredOn(v -> v.version().label().equals("010")).singleElement()
                    .satisfies(v -> assertThat(v.notices()).anyMatch(n -> n.contains("cross-tenant references possible again")));
            assertThat(verifier.verify(AlphaPulseSchema.migrations().version("9")).errors()).isEmpty();
            assertThat(verifier.compare(before, verifier.snapshot()).differences()).isEmpty();
            assertThatThrownBy(() -> exec(db, "UPDATE public.trades SET trade_id = (SELECT min(trade_id) FROM public.trades) "
                    + "WHERE id = (SELECT max(id) FROM public.trades)")).hasMessageContaining("uq_trades_trade_id");

            UpgradeResult up = engine.upgrade("head");
            assertThat(up.versions()).extracting(r -> r.version().label()).containsExactly("010", "011");
            assertThat(verifier.verify(AlphaPulseSchema.migrations().head()).errors()).isEmpty();
            assertThat(Fixtures.tenantChecksums(db, null)).isEqualTo(checksums);
            assertThat(Verifier.compare(before, verifier.snapshot()).differences()).isEmpty();
        } finally {
            Fixtures.drop(db);
        }
    }

    private static void roundTrip(Database db) {
        MigrationEngine engine = Fixtures.engine(db);
        assertThat(engine.upgrade("head").versions()).extracting(r -> r.version().label())
                .containsExactly("001", "002", "005", "006", "007", "008", "009", "010", "011");
        AlphaPulseRows.load(db, 3, 666);
        assertThat(count(db, "SELECT count(DISTINCT tenant_id) FROM public.trades")).isEqualTo(3);
        assertThat(count(db, "SELECT count(*) FROM public.trades")).isEqualTo(3 * 666);
        // A tenant row with every column set away from its defaults, so an inexact restore would show.
        exec(db, "UPDATE public.tenants SET metadata = '{\"nested\": {\"a\": [1, 2.50, null]}, \"s\": \"x\"}', max_users = NULL, "
                + "updated_at = '2024-02-29 12:34:56.789012+00' WHERE slug LIKE '%-1'");
        // Rows of the default tenant: their archived tenant_id equals what the re-applied migrations backfill,
        // and they must still be counted as restored.
        String defaultTenant = AlphaPulseSchema.DEFAULT_TENANT_ID;
        exec(db, "INSERT INTO public.users (username, email, password_hash, tenant_id) VALUES ('sys_user', 'sys@x.example', 'h', '"
                        + defaultTenant + "')",
                "INSERT INTO public.trading_accounts (account_id, account_number, exchange_name, account_type, tenant_id) "
                        + "VALUES ('ACC-SYS', '0', 'kraken', 'spot', '" + defaultTenant + "')",
                "INSERT INTO public.agent_signals (agent_type, symbol, signal, confidence, tenant_id) VALUES "
                        + "('sys', 'BTC/USDT', 'buy', 0.5, '" + defaultTenant + "'), ('sys', 'ETH/USDT', 'sell', 0.7, '" + defaultTenant + "')",
                "INSERT INTO public.audit_logs (user_id, event_type, severity, tenant_id) VALUES (NULL, 'sys.boot', 'info', '"
                        + defaultTenant + "')");
        assertThat(AlphaPulseSchema.TENANT_TABLES.stream()
                .mapToLong(t -> count(db, "SELECT count(*) FROM public." + t + " WHERE tenant_id = '" + defaultTenant + "'")).sum())
                .isEqualTo(5);
        Verifier verifier = Verifier.on(db.dataSource());
        DataSnapshot before = verifier.snapshot();
        Map<String, Long> maxIds = Fixtures.maxIds(db);
        Map<String, String> checksums = Fixtures.tenantChecksums(db, null);
        // Archived like every row, then deleted while rolled back: the restore must skip and report them.
        String accountOfBForDoomed = text(db, B_ACCOUNT);
        exec(db, "INSERT INTO public.trades (trade_id, account_id, symbol, side, trade_type, quantity, price, gross_value, net_value, "
                        + "executed_at, tenant_id) SELECT 'TRD-DOOMED-' || g, a.id, 'BTC/USDT', 'buy', 'market', 1, 2, 2, 2, now(), a.tenant_id "
                        + "FROM public.trading_accounts a, generate_series(1, 2) g WHERE a.id = " + accountOfBForDoomed,
                "INSERT INTO public.audit_logs (user_id, event_type, severity, tenant_id) SELECT NULL, 'doomed', 'info', tenant_id "
                        + "FROM public.trading_accounts WHERE id = " + accountOfBForDoomed);
        long doomed = 3;
        long tenantRows = count(db, "SELECT count(*) FROM public.tenants");
        long tenantIdValues = AlphaPulseSchema.TENANT_TABLES.stream()
                .mapToLong(t -> count(db, "SELECT count(*) FROM public." + t)).sum();
        String accountOfB = text(db, B_ACCOUNT);
        String tenantB = text(db, "SELECT tenant_id FROM public.trading_accounts WHERE id = " + accountOfB);
        String userOfC = text(db, "SELECT min(u.id) FROM public.users u JOIN public.tenants t ON t.id = u.tenant_id WHERE t.slug LIKE '%-3'");
        String tenantC = text(db, "SELECT tenant_id FROM public.users WHERE id = " + userOfC);

        DowngradeResult down = engine.downgrade("002", DowngradeOptions.defaults());

        assertThat(down.fromVersion().label()).isEqualTo("011");
        assertThat(down.toVersion().label()).isEqualTo("002");
        assertThat(down.versions()).extracting(r -> r.version().label()).containsExactly("011", "010", "009", "008", "007", "006", "005");
        assertThat(down.rowsArchived()).isEqualTo(tenantRows + tenantIdValues);
        assertThat(down.versions()).allSatisfy(v -> assertThat(v.duration()).isPositive());
        assertThat(verifier.verify(AlphaPulseSchema.migrations().version("2")).errors()).isEmpty();
        assertThat(count(db, "SELECT count(*) FROM public.flyway_schema_history WHERE version::int > 2")).isZero();
        StatusResult atTwo = engine.status();
        assertThat(atTwo.currentVersion().label()).isEqualTo("002");
        assertThat(atTwo.pending()).containsExactly("005", "006", "007", "008", "009", "010", "011");
        assertThat(atTwo.catalog().matchesRecorded()).isTrue();
        assertThat(atTwo.catalog().identified()).isEqualTo("002");
        assertThat(atTwo.rollbacks()).extracting(HistoryResult.Entry::version).containsExactly("011", "010", "009", "008", "007", "006", "005");
        assertThat(atTwo.pendingRestores()).isNotEmpty().noneMatch(StatusResult.PendingRestore::stranded);
        assertThat(atTwo.pendingRestores()).filteredOn(p -> p.table().equals("tenants"))
                .extracting(StatusResult.PendingRestore::rows).containsExactly(tenantRows);

        // Flyway's own view of the same history table while rolled back.
        Flyway flyway = Fixtures.flyway(db).load();
        assertThat(flyway.info().current().getVersion().getVersion()).isEqualTo("002");
        assertThat(flyway.info().pending()).hasSize(7);
        assertThat(Fixtures.flyway(db).ignoreMigrationPatterns("*:pending").load().validateWithResult().validationSuccessful).isTrue();

        // Deleted while rolled back: their archived tenant_ids have no row to go back to.
        exec(db, "DELETE FROM public.trades WHERE trade_id LIKE 'TRD-DOOMED-%'", "DELETE FROM public.audit_logs WHERE event_type = 'doomed'");
        // Written while rolled back: the spec's backfill must place these.
        exec(db,
                "INSERT INTO public.users (username, email, password_hash) VALUES ('late_user', 'late@x.example', 'h')",
                "INSERT INTO public.trading_accounts (account_id, account_number, exchange_name, account_type) "
                        + "VALUES ('ACC-LATE', '1', 'kraken', 'spot')",
                "INSERT INTO public.trades (trade_id, account_id, symbol, side, trade_type, quantity, price, gross_value, net_value, executed_at) "
                        + "VALUES ('TRD-LATE-B', " + accountOfB + ", 'BTC/USDT', 'buy', 'market', 1, 2, 2, 2, now()), "
                        + "('TRD-LATE-NEW', (SELECT id FROM public.trading_accounts WHERE account_id = 'ACC-LATE'), 'BTC/USDT', "
                        + "'buy', 'market', 1, 2, 2, 2, now())",
                "INSERT INTO public.audit_logs (user_id, event_type, severity) VALUES (" + userOfC + ", 'late.c', 'info'), (NULL, 'late.system', 'info')",
                "INSERT INTO public.agent_signals (agent_type, symbol, signal, confidence) VALUES ('late', 'BTC/USDT', 'buy', 0.5)");

        UpgradeResult up = engine.upgrade("head");

        assertThat(up.versions()).extracting(r -> r.version().label()).containsExactly("005", "006", "007", "008", "009", "010", "011");
        assertThat(up.rowsSkipped()).isEqualTo(doomed);
        assertThat(up.rowsRestored() + up.rowsSkipped()).isEqualTo(down.rowsArchived());
        assertThat(up.rowsRestored()).isEqualTo(tenantRows + tenantIdValues - doomed);
        assertThat(up.versions()).filteredOn(v -> v.version().label().equals("007")).singleElement()
                .satisfies(v -> assertThat(v.rowsSkipped()).isEqualTo(doomed));
        assertThat(verifier.verify(AlphaPulseSchema.migrations().head()).errors()).isEmpty();
        assertThat(Fixtures.tenantChecksums(db, maxIds)).isEqualTo(checksums);
        assertThat(text(db, "SELECT string_agg(DISTINCT tenant_id::text, ',') FROM public.agent_signals WHERE agent_type = 'sys'"))
                .isEqualTo(defaultTenant);
        assertThat(text(db, "SELECT tenant_id FROM public.users WHERE username = 'late_user'")).isEqualTo(defaultTenant);
        assertThat(text(db, "SELECT tenant_id FROM public.trading_accounts WHERE account_id = 'ACC-LATE'")).isEqualTo(defaultTenant);
        assertThat(text(db, "SELECT tenant_id FROM public.trades WHERE trade_id = 'TRD-LATE-B'")).isEqualTo(tenantB);
        assertThat(text(db, "SELECT tenant_id FROM public.trades WHERE trade_id = 'TRD-LATE-NEW'")).isEqualTo(defaultTenant);
        assertThat(text(db, "SELECT tenant_id FROM public.audit_logs WHERE event_type = 'late.c'")).isEqualTo(tenantC);
        assertThat(text(db, "SELECT tenant_id FROM public.audit_logs WHERE event_type = 'late.system'")).isEqualTo(defaultTenant);
        assertThat(text(db, "SELECT tenant_id FROM public.agent_signals WHERE agent_type = 'late'")).isEqualTo(defaultTenant);
        assertThat(tenantB).isNotEqualTo(defaultTenant);
        assertThat(tenantC).isNotEqualTo(defaultTenant);

        // Without the rows written at 002 the data is exactly what it was, tenant by tenant.
        exec(db, "DELETE FROM public.audit_logs WHERE event_type LIKE 'late.%'", "DELETE FROM public.trades WHERE trade_id LIKE 'TRD-LATE-%'",
                "DELETE FROM public.trading_accounts WHERE account_id = 'ACC-LATE'", "DELETE FROM public.users WHERE username = 'late_user'",
                "DELETE FROM public.agent_signals WHERE agent_type = 'late'");
        assertThat(Verifier.compare(before, verifier.snapshot()).differences()).isEmpty();

        StatusResult atHead = engine.status();
        assertThat(atHead.currentVersion().label()).isEqualTo("011");
        assertThat(atHead.pending()).isEmpty();
        // The skipped rows stay archived, and status lists them: their version is applied, nothing will restore them.
        assertThat(atHead.pendingRestores()).extracting(p -> p.version() + " " + p.table() + " " + p.rows() + " " + p.stranded())
                .containsExactly("007 audit_logs 1 true", "007 trades 2 true");
        assertThat(atHead.catalog().matchesRecorded()).isTrue();
        assertThat(count(db, "SELECT count(*) FROM alphapulse_migration.archive_columns")).isEqualTo(doomed);
        assertThat(count(db, "SELECT count(*) FROM alphapulse_migration.archive_rows")).isZero();

        // Flyway's own validate and migrate on the same history table after the round trip.
        Flyway after = Fixtures.flyway(db).load();
        assertThat(after.validateWithResult().validationSuccessful).isTrue();
        assertThat(after.migrate().migrationsExecuted).isZero();
        assertThat(after.info().all()).allMatch(i -> i.getState() == MigrationState.SUCCESS);

        assertJournal(engine.history(), tenantRows + tenantIdValues, doomed);
    }

    private static void assertJournal(HistoryResult history, long archived, long skipped) {
        List<HistoryResult.Entry> entries = history.entries();
        assertThat(entries).extracting(e -> e.direction() + " " + e.version()).containsExactly(
                "UP 001", "UP 002", "UP 005", "UP 006", "UP 007", "UP 008", "UP 009", "UP 010", "UP 011",
                "DOWN 011", "DOWN 010", "DOWN 009", "DOWN 008", "DOWN 007", "DOWN 006", "DOWN 005",
                "UP 005", "UP 006", "UP 007", "UP 008", "UP 009", "UP 010", "UP 011");
        assertThat(entries).allSatisfy(e -> {
            assertThat(e.outcome()).isEqualTo(Outcome.SUCCESS);
            assertThat(e.reason()).isEqualTo(Fixtures.REASON);
            assertThat(e.dbUser()).isNotBlank();
            assertThat(e.osUser()).isEqualTo(System.getProperty("user.name"));
            assertThat(e.finishedAt()).isAfterOrEqualTo(e.startedAt());
            assertThat(e.duration().isNegative()).isFalse();
        });
        assertThat(entries.subList(9, 16).stream().mapToLong(HistoryResult.Entry::rowsArchived).sum()).isEqualTo(archived);
        assertThat(entries.subList(16, 23).stream().mapToLong(HistoryResult.Entry::rowsRestored).sum()).isEqualTo(archived - skipped);
        assertThat(entries.get(18).version()).isEqualTo("007");
        assertThat(entries.get(18).message()).contains("skipped " + skipped).contains("audit_logs: 1 (1 row(s) deleted while rolled back)")
                .contains("trades: 2 (2 row(s) deleted while rolled back)");
        assertThat(entries.subList(9, 16).stream().map(HistoryResult.Entry::runId).distinct()).hasSize(1);
        UUID upRun = entries.get(16).runId();
        assertThat(entries.subList(16, 23)).allMatch(e -> e.runId().equals(upRun));
    }
}
