package com.alphapulse.db.verification.internal;

import com.alphapulse.db.verification.VerificationException;
import com.alphapulse.db.verification.VerificationException.Code;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/** Connections and error translation shared by the internals. */
final class Jdbc {

    /** SQLSTATE of a row-level security violation (insufficient_privilege). */
    static final String INSUFFICIENT_PRIVILEGE = "42501";
    /** SQLSTATE of a bad uuid literal, e.g. an empty {@code app.current_tenant_id} cast to uuid. */
    static final String INVALID_TEXT_REPRESENTATION = "22P02";
    /** SQLSTATE alphapulse_current_tenant() raises from version 011 on when no tenant is in scope. */
    static final String NO_TENANT_IN_SCOPE = "AP001";

    /** A JDBC call that may throw, for cleanup steps that must each be attempted. */
    @FunctionalInterface
    interface SqlAction {
        void run() throws SQLException;
    }

    private Jdbc() {}

    /** A connection from {@code ds}, or {@link Code#CONNECTION_FAILED}. */
    static Connection open(DataSource ds) {
        try {
            return ds.getConnection();
        } catch (SQLException e) {
            throw new VerificationException(Code.CONNECTION_FAILED,
                    "cannot connect to the database: " + e.getMessage(), e);
        }
    }

    static DSLContext dsl(Connection c) {
        // Generated tables carry schema "public"; rendering it keeps statements independent of search_path.
        return DSL.using(c, SQLDialect.POSTGRES);
    }

    static VerificationException queryFailed(String what, Exception e) {
        if (e instanceof VerificationException v) {
            return v;
        }
        return new VerificationException(Code.QUERY_FAILED, what + ": " + e.getMessage(), e);
    }

    /**
     * As {@link #queryFailed}, except that a refusal for lack of a privilege (SQLSTATE 42501, e.g.
     * {@link com.alphapulse.db.migrations.RowSecurity} naming the grant the user lacks) is
     * {@link Code#INSUFFICIENT_PRIVILEGE}: a setup a superuser fixes once, not a broken query.
     */
    static VerificationException privilegeOrQueryFailed(String what, Exception e) {
        if (e instanceof java.sql.SQLException q && INSUFFICIENT_PRIVILEGE.equals(q.getSQLState())) {
            return new VerificationException(Code.INSUFFICIENT_PRIVILEGE, what + ": " + e.getMessage(), e);
        }
        return queryFailed(what, e);
    }

    /** A double-quoted SQL identifier; names come from the catalog, quoting keeps odd ones harmless. */
    static String ident(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /** {@code public.<name>}, quoted. */
    static String table(String name) {
        return "public." + ident(name);
    }

    static void rollbackQuietly(Connection c) {
        try {
            if (!c.getAutoCommit()) {
                c.rollback();
            }
        } catch (SQLException ignored) {
            // The connection is being abandoned after an earlier error; that error is the one reported.
        }
    }
}
