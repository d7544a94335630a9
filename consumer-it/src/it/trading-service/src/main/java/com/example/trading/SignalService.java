package com.example.trading;

import com.alphapulse.tenant.TenantId;
import com.alphapulse.tenant.jdbc.TenantScope;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import javax.sql.DataSource;

/**
 * A service's own code: it writes and reads as one tenant through {@link TenantScope} and knows nothing of the
 * caller's transaction. Given the pool Spring's transaction manager uses (with tenant-model-spring on the class
 * path), or a {@code TenantDataSource} whose connection the caller holds, the scope runs in the caller's transaction.
 */
public final class SignalService {

    private final DataSource dataSource;

    public SignalService(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Records a buy signal for {@code symbol}; tenant_id defaults to the scope's tenant. */
    // README:service:begin
    public void record(TenantId tenant, String symbol) {
        TenantScope.run(dataSource, tenant, connection -> {
            try (PreparedStatement ps = connection.prepareStatement("INSERT INTO agent_signals"
                    + " (agent_type, symbol, signal, confidence) VALUES ('momentum', ?, 'buy', 0.9)")) {
                ps.setString(1, symbol);
                ps.executeUpdate();
            }
        });
    }
    // README:service:end

    /** How many signals {@code tenant} has; row-level security shows no other tenant's. */
    public int count(TenantId tenant) {
        return TenantScope.call(dataSource, tenant, connection -> {
            try (PreparedStatement ps = connection.prepareStatement("SELECT count(*) FROM agent_signals");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }
}
