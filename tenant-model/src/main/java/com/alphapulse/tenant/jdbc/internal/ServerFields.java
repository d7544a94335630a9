package com.alphapulse.tenant.jdbc.internal;

import java.sql.SQLException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * pgjdbc's view of the server's error fields. The only class that links against pgjdbc; {@link Failures}
 * calls it only once it knows the driver is on the class path, so that this module loads without it.
 */
final class ServerFields {

    private ServerFields() {}

    /** The server's fields of {@code e}, or null when it is not pgjdbc's report of a server error. */
    static Failures.Fields of(SQLException e) {
        if (!(e instanceof PSQLException p)) {
            return null;
        }
        ServerErrorMessage m = p.getServerErrorMessage();
        if (m == null) {
            return null;
        }
        String state = m.getSQLState() != null ? m.getSQLState() : e.getSQLState();
        return new Failures.Fields(state, m.getMessage(), m.getRoutine(), m.getTable(), m.getConstraint(),
                m.getColumn());
    }
}
