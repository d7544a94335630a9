package com.alphapulse.tenant.repository.internal;

import static com.alphapulse.db.schema.head.Tables.TENANTS;

import com.alphapulse.db.schema.head.tables.records.TenantsRecord;
import com.alphapulse.tenant.NewTenant;
import com.alphapulse.tenant.Tenant;
import com.alphapulse.tenant.TenantException;
import com.alphapulse.tenant.TenantId;
import com.alphapulse.tenant.TenantStatus;
import com.alphapulse.tenant.jdbc.internal.Failures;
import com.alphapulse.tenant.jdbc.internal.Scopes;
import com.alphapulse.tenant.repository.StatusChangeResult;
import com.alphapulse.tenant.repository.TenantsRepository;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;

/**
 * {@link TenantsRepository} on jOOQ; public only so that the interface's factory can reach it. Its public
 * members name no generated jOOQ type: the rows stay inside this package, so a service never compiles
 * against a record class that a later migration regenerates.
 */
public final class JooqTenantsRepository implements TenantsRepository {

    private static final TenantRecordMapper MAPPER = new TenantRecordMapperImpl();
    private static final String SLUG_KEY = "uq_tenants_slug";
    private static final String INVALID_TEXT_REPRESENTATION = "22P02";

    private final DSLContext dsl;

    /** A repository working through {@code dsl}. */
    public JooqTenantsRepository(DSLContext dsl) {
        if (dsl == null) {
            throw new TenantException(TenantException.Code.INVALID_ARGUMENT, "a DSLContext is required");
        }
        this.dsl = dsl;
    }

    @Override
    public Tenant create(NewTenant tenant) {
        require("tenant", tenant);
        return translated(() -> {
            TenantsRecord row = dsl.newRecord(TENANTS);
            MAPPER.copyNew(tenant, row);
            return MAPPER.toTenant(dsl.insertInto(TENANTS).set(row).returning().fetchSingle());
        });
    }

    @Override
    public Optional<Tenant> findById(TenantId id) {
        require("id", id);
        return translated(() -> dsl.selectFrom(TENANTS).where(TENANTS.ID.eq(id.value()))
                .fetchOptional().map(MAPPER::toTenant));
    }

    @Override
    public Optional<Tenant> findBySlug(String slug) {
        require("slug", slug);
        return translated(() -> dsl.selectFrom(TENANTS).where(TENANTS.SLUG.eq(slug))
                .fetchOptional().map(MAPPER::toTenant));
    }

    @Override
    public List<Tenant> listByStatus(TenantStatus status) {
        require("status", status);
        return translated(() -> dsl.selectFrom(TENANTS).where(TENANTS.STATUS.eq(status.databaseValue()))
                .orderBy(TENANTS.CREATED_AT, TENANTS.ID)
                .fetch(MAPPER::toTenant));
    }

    @Override
    public StatusChangeResult suspend(TenantId id) {
        return changeStatus(id, TenantStatus.SUSPENDED);
    }

    @Override
    public StatusChangeResult reactivate(TenantId id) {
        return changeStatus(id, TenantStatus.ACTIVE);
    }

    @Override
    public StatusChangeResult cancel(TenantId id) {
        return changeStatus(id, TenantStatus.CANCELLED);
    }

    private StatusChangeResult changeStatus(TenantId id, TenantStatus target) {
        require("id", id);
        // The row lock makes read-check-write atomic against a concurrent status change of the same tenant.
        return translated(() -> dsl.transactionResult(configuration -> {
            DSLContext tx = configuration.dsl();
            TenantsRecord current = tx.selectFrom(TENANTS).where(TENANTS.ID.eq(id.value())).forUpdate().fetchOne();
            if (current == null) {
                throw new TenantException(TenantException.Code.TENANT_NOT_FOUND, "no tenant has id " + id);
            }
            TenantStatus before = TenantStatus.fromDatabaseValue(current.getStatus());
            if (before == target) {
                return new StatusChangeResult(MAPPER.toTenant(current), before);
            }
            if (!before.canChangeTo(target)) {
                throw new TenantException(TenantException.Code.ILLEGAL_STATUS_CHANGE,
                        "tenant " + id + " is " + before + " and cannot become " + target);
            }
            TenantsRecord updated = tx.update(TENANTS)
                    .set(TENANTS.STATUS, target.databaseValue())
                    .set(TENANTS.UPDATED_AT, DSL.currentOffsetDateTime())
                    .where(TENANTS.ID.eq(id.value()))
                    .returning()
                    .fetchSingle();
            return new StatusChangeResult(MAPPER.toTenant(updated), before);
        }));
    }

    private static <T> T translated(Supplier<T> action) {
        try {
            return action.get();
        } catch (DataAccessException | TenantException e) {
            // A TenantException too: the caller's DSLContext may translate already (TenantErrors.jooqListener()).
            TenantException failure = Failures.translate(Scopes.current().orElse(null), e);
            // The tenants table has two unique keys, and only the slug can be taken: the id is generated.
            if (failure.code() == TenantException.Code.UNIQUE_VIOLATION
                    && failure.constraint().map(SLUG_KEY::equals).orElse(true)) {
                throw Failures.recode(failure, TenantException.Code.DUPLICATE_SLUG);
            }
            if (failure.sqlState().filter(INVALID_TEXT_REPRESENTATION::equals).isPresent()) {
                throw Failures.recode(failure, TenantException.Code.INVALID_ARGUMENT);
            }
            throw failure;
        }
    }

    private static void require(String what, Object value) {
        if (value == null) {
            throw new TenantException(TenantException.Code.INVALID_ARGUMENT, what + " is required");
        }
    }
}
