package com.alphapulse.db.cli.internal;

import java.util.List;

/**
 * The server a command works on, resolved from flags, environment, config file, service and password file:
 * either the embedded default or a JDBC URL (without credentials) with user and password.
 *
 * @param embedded whether nothing named a server
 * @param jdbcUrl the URL to connect with, never carrying the password
 * @param user the database user
 * @param password the password, or null to send none
 * @param hosts the hosts, in order
 * @param ports their ports
 * @param database the database
 * @param sslmode the TLS mode ({@code prefer} unless set, as libpq's)
 */
record Target(boolean embedded, String jdbcUrl, String user, String password, List<String> hosts, List<String> ports,
        String database, String sslmode) {

    static final Target EMBEDDED = new Target(true, null, null, null, List.of(), List.of(), null, null);

    /** {@code user@host:port/database}, the first host; never the password. */
    String describe() {
        StringBuilder b = new StringBuilder(user).append('@');
        for (int i = 0; i < hosts.size(); i++) {
            b.append(i == 0 ? "" : ",").append(hosts.get(i).contains(":") ? "[" + hosts.get(i) + "]" : hosts.get(i))
                    .append(':').append(ports.get(i));
        }
        return b.append('/').append(database).toString();
    }

    @Override
    public String toString() {
        return embedded ? "Target[embedded]" : "Target[" + describe() + "]";
    }
}
