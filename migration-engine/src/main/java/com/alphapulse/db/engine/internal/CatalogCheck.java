package com.alphapulse.db.engine.internal;

import com.alphapulse.db.migrations.Version;
import com.alphapulse.db.engine.MigrationException;
import com.alphapulse.db.engine.MigrationException.Code;
import com.alphapulse.db.engine.StatusResult;
import com.alphapulse.db.verification.Finding;
import com.alphapulse.db.verification.IdentifyResult;
import com.alphapulse.db.verification.VerificationException;
import com.alphapulse.db.verification.Verifier;
import com.alphapulse.db.verification.VerifyResult;
import com.alphapulse.db.migrations.SchemaVersion;
import java.util.List;

/** Whether the live catalog is really at a version, as the verification module decides. */
final class CatalogCheck {

    private CatalogCheck() {}

    /** The errors of the live catalog against {@code version} (BASE: against an empty database); empty when it matches. */
    static List<String> errorsAgainst(EngineSettings s, Version version) {
        try {
            Verifier verifier = Verifier.on(s.dataSource(), s.migrations());
            if (version.isBase()) {
                IdentifyResult id = verifier.identify();
                return id.emptyDatabase() ? List.of()
                        : List.of("schema public is not empty (nearest version " + id.nearest().map(SchemaVersion::label).orElse("?") + ")");
            }
            VerifyResult r = verifier.verify(Targets.version(s.migrations(), version));
            return r.errors().stream().map(Finding::toString).toList();
        } catch (VerificationException e) {
            throw translate(s, e);
        }
    }

    /**
     * Refuses with {@code CATALOG_MISMATCH}, naming the first differences, when the live catalog is not at
     * {@code recorded}: the scripts of an upgrade or a downgrade were written for that version's exact catalog,
     * and on a drifted one they fail part-way or, worse, succeed and leave a catalog no version describes.
     * Only errors count (an extra index or table is a warning and does not block). Runs under the advisory lock,
     * before any table lock.
     */
    static void requireMatch(EngineSettings s, String verb, Version recorded) {
        requireMatch(s, verb, recorded, null);
    }

    /**
     * {@link #requireMatch(EngineSettings, String, Version)} while online version {@code resuming} (the next one)
     * is part-way: a difference from {@code recorded} that is exactly what {@code resuming} expects of that object
     * (a key 010 dropped, a column 007 added) is its work, which its re-run carries on from; anything else still
     * refuses. Null {@code resuming}: no excuse.
     */
    static void requireMatch(EngineSettings s, String verb, Version recorded, Version resuming) {
        List<String> errors = resuming == null ? errorsAgainst(s, recorded) : errorsNotOf(s, recorded, resuming);
        if (errors.isEmpty()) {
            return;
        }
        boolean invalid = errors.stream().anyMatch(e -> e.contains("INVALID"));
        throw new MigrationException(Code.CATALOG_MISMATCH, verb + " refused: the live catalog is not at "
                + recorded.label() + ", the version the history records (" + errors.size() + " difference(s), e.g. "
                + String.join("; ", errors.subList(0, Math.min(3, errors.size()))) + "); "
                + (invalid ? "run repair to drop INVALID indexes an interrupted migration left (an INVALID index no migration "
                        + "names is dropped by hand), or " : "")
                + "bring the catalog back to " + recorded.label() + " (see verify), stamp the version it is at, or force; "
                + "nothing was changed");
    }

    private static List<String> errorsNotOf(EngineSettings s, Version recorded, Version resuming) {
        try {
            Verifier verifier = Verifier.on(s.dataSource(), s.migrations());
            java.util.Set<String> differentThere = new java.util.HashSet<>();
            for (Finding f : verifier.verify(Targets.version(s.migrations(), resuming)).findings()) {
                differentThere.add(f.objectType() + " " + f.object());
            }
            return verifier.verify(Targets.version(s.migrations(), recorded)).errors().stream()
                    .filter(f -> differentThere.contains(f.objectType() + " " + f.object())).map(Finding::toString).toList();
        } catch (VerificationException e) {
            throw translate(s, e);
        }
    }

    static StatusResult.CatalogMatch match(EngineSettings s, Version recorded) {
        try {
            Verifier verifier = Verifier.on(s.dataSource(), s.migrations());
            // the recorded version first: at it exactly (the usual case), no other version's catalog is compared
            java.util.Optional<SchemaVersion> likely = recorded.isBase() ? java.util.Optional.empty() : s.migrations().get(recorded);
            IdentifyResult id = likely.isPresent() ? verifier.identify(likely.get()) : verifier.identify();
            String identified = id.emptyDatabase() ? Version.BASE.label() : id.match().map(SchemaVersion::label).orElse(null);
            String nearest = id.nearest().map(SchemaVersion::label).orElse(null);
            List<String> errors;
            if (recorded.isBase()) {
                errors = id.emptyDatabase() ? List.of() : id.errors().stream().map(Finding::toString).toList();
                if (!id.emptyDatabase() && errors.isEmpty()) {
                    errors = List.of("no version is recorded, but the catalog matches " + identified);
                }
            } else if (id.nearest().map(v -> v.version().equals(recorded)).orElse(false)) {
                // identify already diffed the catalog against the recorded version: no second read
                errors = id.errors().stream().map(Finding::toString).toList();
            } else {
                errors = errorsAgainst(s, recorded);
            }
            List<String> findings = new java.util.ArrayList<>(errors);
            id.partial().ifPresent(p -> findings.add(p.describe()));
            return new StatusResult.CatalogMatch(errors.isEmpty(), identified, nearest, findings);
        } catch (VerificationException e) {
            throw translate(s, e);
        }
    }

    private static MigrationException translate(EngineSettings s, VerificationException e) {
        return new MigrationException(e.code() == VerificationException.Code.CONNECTION_FAILED ? Code.CONNECTION_FAILED
                : Code.FAILED, Errors.scrub(s, "cannot verify the live catalog: " + e.getMessage()));
    }
}
