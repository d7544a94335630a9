package com.alphapulse.db.verification.internal;

import com.alphapulse.db.verification.FillOptions;
import com.alphapulse.db.verification.FillResult;
import com.alphapulse.db.verification.VerificationException;
import com.alphapulse.db.verification.VerificationException.Code;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

/** Fills every tenant table of the live catalog with generated rows ({@link RowGenerator}), all or nothing. */
public final class Filler {

    private Filler() {}

    public static FillResult fill(DataSource ds, FillOptions o) {
        long start = System.nanoTime();
        String tag = tag(o.seed());
        boolean existing = !o.existingTenants().isEmpty();
        List<UUID> tenants = new ArrayList<>(o.existingTenants());
        for (int i = 1; !existing && i <= o.tenants(); i++) {
            tenants.add(UUID.nameUUIDFromBytes(("fill:" + o.seed() + ":" + i).getBytes(StandardCharsets.UTF_8)));
        }
        try (Connection c = Jdbc.open(ds)) {
            boolean autoCommit = c.getAutoCommit();
            Map<String, Long> rows;
            RowGenerator gen;
            try {
                c.setAutoCommit(false);
                gen = RowGenerator.read(c, tag);
                if (!existing) {
                    refuseLoaded(c, gen, tenants, o.seed());
                }
                rows = gen.fill(c, tenants, !existing, o::rowsOf);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                Jdbc.rollbackQuietly(c);
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
            // Fresh statistics, so that the plans of what runs next (the RLS measurement) match the data.
            try (Statement s = c.createStatement()) {
                for (Map.Entry<String, Long> e : rows.entrySet()) {
                    if (e.getValue() > 0) {
                        s.execute("ANALYZE " + Jdbc.table(e.getKey()));
                    }
                }
            }
            return new FillResult(gen.registry(), tenants, rows, Duration.ofNanos(System.nanoTime() - start));
        } catch (SQLException e) {
            throw Jdbc.queryFailed("cannot fill the tenant tables", e);
        }
    }

    private static void refuseLoaded(Connection c, RowGenerator gen, List<UUID> tenants, long seed)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM " + Jdbc.table(gen.registry())
                + " WHERE " + Jdbc.ident(gen.registryKey()) + " = ANY (?)")) {
            s.setArray(1, c.createArrayOf("uuid", tenants.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                if (rs.getLong(1) > 0) {
                    throw new VerificationException(Code.PRECONDITION_FAILED, "the tenants of seed " + seed
                            + " are already in " + gen.registry() + "; fill with another seed");
                }
            }
        }
    }

    /** Six letters or digits from the seed, so that two seeds' text values differ. */
    static String tag(long seed) {
        long mixed = seed * 0x9E3779B97F4A7C15L;
        mixed ^= mixed >>> 29;
        String s = Long.toString(mixed & 0x7fffffffffffffffL, 36).toLowerCase(Locale.ROOT);
        return ("000000" + s).substring(s.length()).substring(0, 6);
    }
}
