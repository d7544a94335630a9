package com.alphapulse.tenant.repository;

import com.alphapulse.tenant.NewTenant;
import com.alphapulse.tenant.Tenant;
import com.alphapulse.tenant.TenantException;
import com.alphapulse.tenant.TenantId;
import com.alphapulse.tenant.TenantStatus;
import com.alphapulse.tenant.repository.internal.JooqTenantsRepository;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;

/**
 * Creates, finds and changes the status of tenants, on the jOOQ types of the newest schema version
 * ({@code com.alphapulse.db.schema.head}, which mirrors whichever version is newest).
 *
 * <p>Only domain types cross this interface. The generated {@code tenants} record stays in the
 * implementation, so a migration that regenerates it changes no signature a service compiles against.
 *
 * <p>Database failures arrive as {@link TenantException}: {@link TenantException.Code#DUPLICATE_SLUG},
 * {@link TenantException.Code#ACCESS_DENIED} for a missing privilege, {@link TenantException.Code#INVALID_ARGUMENT}
 * for a value the column refuses (such as malformed JSON metadata), otherwise the codes of
 * {@link com.alphapulse.tenant.jdbc.TenantErrors} ({@link TenantException.Code#DATABASE_ERROR} for the rest).
 */
public interface TenantsRepository {

    /** A repository working through {@code dsl}; status changes run in a transaction of {@code dsl}. */
    static TenantsRepository using(DSLContext dsl) {
        return new JooqTenantsRepository(dsl);
    }

    /**
     * Inserts a tenant; the database assigns its id and timestamps and makes it active.
     *
     * @throws TenantException with {@link TenantException.Code#DUPLICATE_SLUG} when the slug is taken
     */
    Tenant create(NewTenant tenant);

    /** The tenant with this id, if there is one. */
    Optional<Tenant> findById(TenantId id);

    /** The tenant with this slug, if there is one. */
    Optional<Tenant> findBySlug(String slug);

    /** The tenants in {@code status}, oldest first. */
    List<Tenant> listByStatus(TenantStatus status);

    /**
     * Suspends an active tenant; suspending a suspended one changes nothing.
     *
     * @throws TenantException with {@link TenantException.Code#TENANT_NOT_FOUND}, or
     *     {@link TenantException.Code#ILLEGAL_STATUS_CHANGE} when the tenant is cancelled
     */
    StatusChangeResult suspend(TenantId id);

    /**
     * Makes a suspended tenant active again; reactivating an active one changes nothing.
     *
     * @throws TenantException with {@link TenantException.Code#TENANT_NOT_FOUND}, or
     *     {@link TenantException.Code#ILLEGAL_STATUS_CHANGE} when the tenant is cancelled
     */
    StatusChangeResult reactivate(TenantId id);

    /**
     * Cancels a tenant for good; cancelling a cancelled one changes nothing. Its rows stay in place.
     *
     * @throws TenantException with {@link TenantException.Code#TENANT_NOT_FOUND}
     */
    StatusChangeResult cancel(TenantId id);
}
