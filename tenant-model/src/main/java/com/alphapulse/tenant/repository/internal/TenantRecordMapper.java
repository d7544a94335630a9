package com.alphapulse.tenant.repository.internal;

import com.alphapulse.db.schema.head.tables.records.TenantsRecord;
import com.alphapulse.tenant.NewTenant;
import com.alphapulse.tenant.SubscriptionTier;
import com.alphapulse.tenant.Tenant;
import com.alphapulse.tenant.TenantId;
import com.alphapulse.tenant.TenantStatus;
import java.util.UUID;
import org.jooq.JSONB;
import org.mapstruct.Mapper;
import org.mapstruct.Mapping;
import org.mapstruct.MappingTarget;
import org.mapstruct.ReportingPolicy;

/**
 * Maps {@code tenants} rows to and from the domain. Strict: a target property nobody maps, or a lossy type
 * conversion, is a compile error, so a column added to the table cannot be silently dropped.
 */
@Mapper(unmappedTargetPolicy = ReportingPolicy.ERROR, typeConversionPolicy = ReportingPolicy.ERROR)
interface TenantRecordMapper {

    @Mapping(target = "limits.maxUsers", source = "maxUsers")
    @Mapping(target = "limits.maxApiCallsPerDay", source = "maxApiCallsPerDay")
    Tenant toTenant(TenantsRecord record);

    @Mapping(target = "maxUsers", source = "limits.maxUsers")
    @Mapping(target = "maxApiCallsPerDay", source = "limits.maxApiCallsPerDay")
    TenantsRecord toRecord(Tenant tenant);

    // Left unset, so the INSERT omits them and the column defaults apply.
    @Mapping(target = "id", ignore = true)
    @Mapping(target = "status", ignore = true)
    @Mapping(target = "createdAt", ignore = true)
    @Mapping(target = "updatedAt", ignore = true)
    @Mapping(target = "maxUsers", source = "limits.maxUsers")
    @Mapping(target = "maxApiCallsPerDay", source = "limits.maxApiCallsPerDay")
    void copyNew(NewTenant tenant, @MappingTarget TenantsRecord record);

    default TenantId tenantId(UUID value) {
        return value == null ? null : TenantId.of(value);
    }

    default UUID uuid(TenantId id) {
        return id == null ? null : id.value();
    }

    default SubscriptionTier subscriptionTier(String value) {
        return value == null ? null : SubscriptionTier.fromDatabaseValue(value);
    }

    default String subscriptionTier(SubscriptionTier tier) {
        return tier == null ? null : tier.databaseValue();
    }

    default TenantStatus status(String value) {
        return value == null ? null : TenantStatus.fromDatabaseValue(value);
    }

    default String status(TenantStatus status) {
        return status == null ? null : status.databaseValue();
    }

    default String json(JSONB value) {
        return value == null ? null : value.data();
    }

    default JSONB jsonb(String value) {
        return JSONB.jsonbOrNull(value);
    }
}
