package com.alphapulse.db.verification.internal;

import static com.alphapulse.db.schema.v009.Tables.AGENT_SIGNALS;
import static com.alphapulse.db.schema.v009.Tables.AUDIT_LOGS;
import static com.alphapulse.db.schema.v009.Tables.PORTFOLIO_SNAPSHOTS;
import static com.alphapulse.db.schema.v009.Tables.POSITIONS;
import static com.alphapulse.db.schema.v009.Tables.RISK_METRICS;
import static com.alphapulse.db.schema.v009.Tables.TENANTS;
import static com.alphapulse.db.schema.v009.Tables.TRADES;
import static com.alphapulse.db.schema.v009.Tables.TRADING_ACCOUNTS;
import static com.alphapulse.db.schema.v009.Tables.USERS;

import com.alphapulse.db.schema.AlphaPulseSchema;
import com.alphapulse.db.verification.VerificationException;
import com.alphapulse.db.verification.VerificationException.Code;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.jooq.DSLContext;
import org.jooq.Query;

/**
 * Real rows of two fresh tenants in the eight tenant tables, for the isolation probe: two rows per table
 * per tenant, written by the administrative session, and removed again by {@link #delete(Connection)}.
 *
 * <p>Written with the jOOQ types of version 009, whose tenant tables are those of every version from 007
 * on (the probe refuses to run on a database without tenant_id on all eight).
 */
final class ProbeFixture {

    /** Rows per table per tenant. */
    static final int ROWS = 2;
    /** Children before parents, so that deleting in this order never trips a foreign key. */
    static final List<String> DELETE_ORDER = List.of("audit_logs", "trades", "positions", "portfolio_snapshots",
            "risk_metrics", "agent_signals", "trading_accounts", "users");

    /** The parent rows of one tenant that the other tables point at. */
    private record Parents(int user, int account, int position) {}

    private final String tag = TempRole.random(8);
    private final UUID a = UUID.randomUUID();
    private final UUID b = UUID.randomUUID();
    private final Map<UUID, Parents> parents = new HashMap<>();
    private final AtomicInteger counter = new AtomicInteger();
    private final OffsetDateTime base = OffsetDateTime.now(ZoneOffset.UTC).withNano(0);

    UUID tenantA() {
        return a;
    }

    UUID tenantB() {
        return b;
    }

    /** Inserts both tenants and their rows in one transaction: all or nothing. */
    void insert(Connection admin) {
        try {
            admin.setAutoCommit(false);
            DSLContext dsl = Jdbc.dsl(admin);
            for (UUID t : List.of(a, b)) {
                String label = t.equals(a) ? "a" : "b";
                dsl.insertInto(TENANTS).set(TENANTS.ID, t).set(TENANTS.NAME, "isolation probe " + tag + " " + label)
                        .set(TENANTS.SLUG, "probe-" + tag + "-" + label).set(TENANTS.SUBSCRIPTION_TIER, "starter")
                        .execute();
                // Set for the transaction so a non-superuser owner under FORCE ROW LEVEL SECURITY may write too.
                dsl.execute("SELECT set_config(?, ?, true)", AlphaPulseSchema.TENANT_SETTING, t.toString());
                Parents p = new Parents(
                        dsl.insertInto(USERS).set(USERS.TENANT_ID, t).set(USERS.USERNAME, unique("u"))
                                .set(USERS.EMAIL, unique("u") + "@probe.invalid").set(USERS.PASSWORD_HASH, "x")
                                .returning(USERS.ID).fetchOne(USERS.ID),
                        dsl.insertInto(TRADING_ACCOUNTS).set(TRADING_ACCOUNTS.TENANT_ID, t)
                                .set(TRADING_ACCOUNTS.ACCOUNT_ID, unique("acct"))
                                .set(TRADING_ACCOUNTS.ACCOUNT_NUMBER, "0").set(TRADING_ACCOUNTS.EXCHANGE_NAME, "probe")
                                .set(TRADING_ACCOUNTS.ACCOUNT_TYPE, "spot")
                                .returning(TRADING_ACCOUNTS.ID).fetchOne(TRADING_ACCOUNTS.ID),
                        0);
                parents.put(t, p);
                int position = dsl.insertInto(POSITIONS).set(POSITIONS.TENANT_ID, t)
                        .set(POSITIONS.POSITION_ID, unique("pos")).set(POSITIONS.ACCOUNT_ID, p.account())
                        .set(POSITIONS.SYMBOL, "BTC-USD").set(POSITIONS.SIDE, "long").set(POSITIONS.SIZE, 1.0)
                        .set(POSITIONS.ENTRY_PRICE, 100.0).returning(POSITIONS.ID).fetchOne(POSITIONS.ID);
                p = new Parents(p.user(), p.account(), position);
                parents.put(t, p);
                for (String table : DELETE_ORDER) {
                    int existing = table.equals("users") || table.equals("trading_accounts")
                            || table.equals("positions") ? 1 : 0;
                    for (int i = existing; i < ROWS; i++) {
                        insertRow(dsl, table, t).execute();
                    }
                }
            }
            admin.commit();
        } catch (SQLException | RuntimeException e) {
            Jdbc.rollbackQuietly(admin);
            throw new VerificationException(Code.PROBE_SETUP_FAILED, "cannot insert the probe's rows: "
                    + e.getMessage(), e);
        } finally {
            autocommit(admin);
        }
    }

    private String unique(String what) {
        return "probe-" + tag + "-" + what + counter.incrementAndGet();
    }

    /** One new row of {@code table} for {@code tenant}, pointing at that tenant's parent rows. */
    Query insertRow(DSLContext dsl, String table, UUID tenant) {
        Parents p = parents.get(tenant);
        OffsetDateTime at = base.plusSeconds(counter.incrementAndGet());
        return switch (table) {
            case "users" -> dsl.insertInto(USERS).set(USERS.TENANT_ID, tenant).set(USERS.USERNAME, unique("u"))
                    .set(USERS.EMAIL, unique("u") + "@probe.invalid").set(USERS.PASSWORD_HASH, "x");
            case "trading_accounts" -> dsl.insertInto(TRADING_ACCOUNTS).set(TRADING_ACCOUNTS.TENANT_ID, tenant)
                    .set(TRADING_ACCOUNTS.ACCOUNT_ID, unique("acct")).set(TRADING_ACCOUNTS.ACCOUNT_NUMBER, "0")
                    .set(TRADING_ACCOUNTS.EXCHANGE_NAME, "probe").set(TRADING_ACCOUNTS.ACCOUNT_TYPE, "spot");
            case "positions" -> dsl.insertInto(POSITIONS).set(POSITIONS.TENANT_ID, tenant)
                    .set(POSITIONS.POSITION_ID, unique("pos")).set(POSITIONS.ACCOUNT_ID, p.account())
                    .set(POSITIONS.SYMBOL, "BTC-USD").set(POSITIONS.SIDE, "long").set(POSITIONS.SIZE, 1.0)
                    .set(POSITIONS.ENTRY_PRICE, 100.0);
            case "trades" -> dsl.insertInto(TRADES).set(TRADES.TENANT_ID, tenant).set(TRADES.TRADE_ID, unique("trade"))
                    .set(TRADES.ACCOUNT_ID, p.account()).set(TRADES.POSITION_ID, p.position())
                    .set(TRADES.SYMBOL, "BTC-USD").set(TRADES.SIDE, "buy").set(TRADES.TRADE_TYPE, "market")
                    .set(TRADES.QUANTITY, 1.0).set(TRADES.PRICE, 100.0).set(TRADES.GROSS_VALUE, 100.0)
                    .set(TRADES.NET_VALUE, 100.0).set(TRADES.EXECUTED_AT, at);
            case "portfolio_snapshots" -> dsl.insertInto(PORTFOLIO_SNAPSHOTS).set(PORTFOLIO_SNAPSHOTS.TENANT_ID, tenant)
                    .set(PORTFOLIO_SNAPSHOTS.ACCOUNT_ID, p.account()).set(PORTFOLIO_SNAPSHOTS.TOTAL_VALUE, 1000.0)
                    .set(PORTFOLIO_SNAPSHOTS.CASH_BALANCE, 500.0).set(PORTFOLIO_SNAPSHOTS.SNAPSHOT_TIME, at);
            case "risk_metrics" -> dsl.insertInto(RISK_METRICS).set(RISK_METRICS.TENANT_ID, tenant)
                    .set(RISK_METRICS.ACCOUNT_ID, p.account()).set(RISK_METRICS.PORTFOLIO_VALUE, 1000.0)
                    .set(RISK_METRICS.TOTAL_EXPOSURE, 100.0);
            case "agent_signals" -> dsl.insertInto(AGENT_SIGNALS).set(AGENT_SIGNALS.TENANT_ID, tenant)
                    .set(AGENT_SIGNALS.AGENT_TYPE, "probe").set(AGENT_SIGNALS.SYMBOL, "BTC-USD")
                    .set(AGENT_SIGNALS.SIGNAL, "buy").set(AGENT_SIGNALS.CONFIDENCE, 0.5);
            case "audit_logs" -> dsl.insertInto(AUDIT_LOGS).set(AUDIT_LOGS.TENANT_ID, tenant)
                    .set(AUDIT_LOGS.USER_ID, p.user()).set(AUDIT_LOGS.EVENT_TYPE, "probe")
                    .set(AUDIT_LOGS.SEVERITY, "info");
            default -> throw new IllegalArgumentException("not a tenant table: " + table);
        };
    }

    /** Removes both tenants and all their rows; safe to call when {@link #insert} failed or never ran. */
    void delete(Connection admin) {
        try {
            Jdbc.rollbackQuietly(admin);
            admin.setAutoCommit(false);
            DSLContext dsl = Jdbc.dsl(admin);
            for (UUID t : List.of(a, b)) {
                dsl.execute("SELECT set_config(?, ?, true)", AlphaPulseSchema.TENANT_SETTING, t.toString());
                for (String table : DELETE_ORDER) {
                    dsl.execute("DELETE FROM " + Jdbc.table(table) + " WHERE tenant_id = ?", t);
                }
                dsl.deleteFrom(TENANTS).where(TENANTS.ID.eq(t)).execute();
            }
            admin.commit();
        } catch (SQLException | RuntimeException e) {
            Jdbc.rollbackQuietly(admin);
            throw new VerificationException(Code.CLEANUP_FAILED, "the probe's tenants " + a + " and " + b
                    + " could not be removed, delete them by hand: " + e.getMessage(), e);
        } finally {
            autocommit(admin);
        }
    }

    private static void autocommit(Connection c) {
        try {
            c.setAutoCommit(true);
        } catch (SQLException ignored) {
            // The next statement on this connection reports the broken connection.
        }
    }
}
