package com.alphapulse.db.testing;

import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.postgres.PostgresProvider;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * A fresh database owned, with its schema {@code public}, by a new login role that is neither superuser nor
 * BYPASSRLS nor CREATEROLE nor CREATEDB: the production migration role. A superuser test proves nothing about
 * row-level security (superusers bypass it even when it is forced), so privilege-sensitive paths are tested as
 * this role. {@link #db()} still connects as the server's administrative user, for setting up and checking.
 *
 * @param db the database, as the administrative user
 * @param role the owner's name
 * @param password the owner's password (random; never printed by {@link #toString()})
 */
public record OwnerDatabase(Database db, String role, String password) {

    /** Creates the role and its database on the JVM's one server. */
    public static OwnerDatabase create(String prefix) {
        PostgresProvider pg = PostgresProvider.shared();
        String role = ("mig_" + prefix.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_]", "_") + "_"
                + UUID.randomUUID().toString().substring(0, 8));
        if (role.length() > 60) {
            role = role.substring(0, 51) + role.substring(role.length() - 9);
        }
        String password = UUID.randomUUID().toString();
        Database db = pg.createDatabase(prefix);
        try (Connection c = pg.adminDatabase().connect(); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + role + " LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB PASSWORD '"
                    + password + "'");
            s.execute("ALTER DATABASE \"" + db.name() + "\" OWNER TO " + role);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the owner role: " + e.getMessage(), e);
        }
        TestDatabases.execute(db, "ALTER SCHEMA public OWNER TO " + role);
        return new OwnerDatabase(db, role, password);
    }

    /**
     * The same database as seen by the owner: a {@link Database} whose "administrative" user is the owner, for
     * the helpers that take one ({@link TestDatabases}, {@link AlphaPulseRows#loadTenant}), which then run as the
     * production role does.
     */
    public Database asOwner() {
        return new Database(db.name(), db.host(), db.port(), role, password);
    }

    /** A data source connecting as the owner. */
    public DataSource dataSource() {
        return db.dataSource(role, password);
    }

    /** The JDBC URL of the database, without credentials. */
    public String jdbcUrl() {
        return db.jdbcUrl();
    }

    /** Opens a connection as the owner. */
    public Connection connect() throws SQLException {
        return dataSource().getConnection();
    }

    /** Runs {@code sql} as the administrative user (a superuser on the embedded server). */
    public void asAdmin(String sql) {
        TestDatabases.execute(db, sql);
    }

    @Override
    public String toString() {
        return "OwnerDatabase[" + db.jdbcUrl() + " owned by " + role + "]";
    }
}
