package com.alphapulse.db.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One database on the provider's server, with the administrative credentials that created it.
 *
 * <p>{@link #jdbcUrl()} never carries a user: connections for another role are made with
 * {@link #dataSource(String, String)}, so a test meant to run as a plain login role really does.
 *
 * @param name the database name
 * @param host the server host
 * @param port the server port
 * @param adminUser a role allowed to create databases and roles
 * @param adminPassword its password, possibly empty; never printed by {@link #toString()}
 */
public record Database(String name, String host, int port, String adminUser, String adminPassword) {

    /** The JDBC URL of this database, without credentials. */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + name;
    }

    /** A data source connecting as the administrative user. */
    public DataSource dataSource() {
        return dataSource(adminUser, adminPassword);
    }

    /** A data source connecting as {@code user}. */
    public DataSource dataSource(String user, String password) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {host});
        ds.setPortNumbers(new int[] {port});
        ds.setDatabaseName(name);
        ds.setUser(user);
        ds.setPassword(password == null ? "" : password);
        ds.setApplicationName("alphapulse-db");
        return ds;
    }

    /** Opens a connection as the administrative user. */
    public Connection connect() throws SQLException {
        return dataSource().getConnection();
    }

    @Override
    public String toString() {
        return "Database[" + jdbcUrl() + " as " + adminUser + "]";
    }
}
