package com.alphapulse.db.engine;

import static com.alphapulse.db.engine.Fixtures.count;
import static com.alphapulse.db.engine.Fixtures.exec;
import static com.alphapulse.db.engine.Fixtures.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.migrations.MigrationSet;
import com.alphapulse.db.postgres.Database;
import com.alphapulse.db.testing.MigrationSets;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Review findings on the archive: what a dropped table or column must bring back, and what a plan must show. */
class ArchiveReviewTest {

    private static MigrationEngine engine(Database db, MigrationSet set) {
        return MigrationEngine.configure().dataSource(db.dataSource()).migrations(set).reason(Fixtures.REASON).load();
    }

    /**
     * A copy of the fixture set's scripts, read from test-support's resources: not {@link MigrationSets#fixture()},
     * whose set is generated once per JVM and whose expected catalog records whether the cluster-wide
     * rls_bypass_role existed at that moment; generating it here, early, would make later tests depend on that.
     */
    static Path fixtureScripts() throws IOException {
        Path dir = Files.createTempDirectory("review-set");
        dir.toFile().deleteOnExit();
        for (String f : List.of("migration/V001__accounts.sql", "undo/U001__accounts.sql", "migration/V002__tenants.sql",
                "undo/U002__tenants.sql", "migration/V003__notes_and_tenant_columns.sql", "undo/U003__notes_and_tenant_columns.sql",
                "migration/V004__row_level_security.sql", "undo/U004__row_level_security.sql")) {
            try (InputStream in = MigrationSets.class.getClassLoader()
                    .getResourceAsStream("com/alphapulse/db/testing/fixture-set/" + f)) {
                Files.createDirectories(dir.resolve(f).getParent());
                Files.copy(in, dir.resolve(f));
            }
        }
        return dir;
    }

    static void write(Path dir, String name, String migration, String undo) throws IOException {
        Files.writeString(dir.resolve("migration").resolve("V" + name + ".sql"), migration);
        Files.writeString(dir.resolve("undo").resolve("U" + name + ".sql"), undo);
    }

    @Test
    @DisplayName("a DELETE on a table the undo drops whole is not archivable when ON DELETE CASCADE reaches a table it keeps")
    void delete_cascading_to_a_kept_table_is_not_archivable() throws IOException {
        MigrationSet set = MigrationSets.generate(fixtureScripts());
        Database db = Fixtures.database("review_cascade");
        try {
            engine(db, set).upgrade("head");
            exec(db, "CREATE TABLE public.batches (id bigserial PRIMARY KEY)",
                    "CREATE TABLE public.batch_items (id bigserial PRIMARY KEY, batch_id bigint REFERENCES public.batches ON DELETE CASCADE)",
                    "INSERT INTO public.batches DEFAULT VALUES", "INSERT INTO public.batch_items (batch_id) VALUES (1)");
            com.alphapulse.db.engine.UndoScriptSource undo = v -> java.util.Optional.of(
                    "DELETE FROM batches;\nDROP TABLE batches CASCADE;\n" + v.undoSql());
            MigrationEngine planning = MigrationEngine.configure().dataSource(db.dataSource()).migrations(set)
                    .undoScriptSource(undo).load();
            PlanResult.Statement delete = planning.plan("-1").steps().get(0).statements().stream()
                    .filter(st -> st.sql().startsWith("DELETE FROM batches")).findFirst().orElseThrow();
            assertThat(delete.archivable()).isFalse();
            assertThat(delete.dataLoss()).contains("cascading to batch_items");
        } finally {
            Fixtures.drop(db);
        }
    }

    @Test
    @DisplayName("an empty dropped table keeps its sequence position: 1000 rows inserted and deleted, base, 001 -> next id 1001; "
            + "archive_sequences retired")
    void empty_table_keeps_its_sequence() throws IOException {
        MigrationSet set = MigrationSets.generate(fixtureScripts());
        Database db = Fixtures.database("review_seq");
        try {
            MigrationEngine engine = engine(db, set);
            engine.upgrade("001");
            exec(db, "INSERT INTO public.accounts (name) SELECT 'a' || g FROM generate_series(1, 1000) g",
                    "DELETE FROM public.accounts");
            engine.downgrade("base", DowngradeOptions.defaults());
            assertThat(count(db, "SELECT count(*) FROM alphapulse_migration.archive_sequences WHERE table_name = 'accounts'"))
                    .isOne();
            engine.upgrade("001");
            exec(db, "INSERT INTO public.accounts (name) VALUES ('x')");
            assertThat(text(db, "SELECT id FROM public.accounts")).isEqualTo("1001");
            assertThat(count(db, "SELECT count(*) FROM alphapulse_migration.archive_sequences")).as("retired").isZero();
        } finally {
            Fixtures.drop(db);
        }
    }

    @Test
    @DisplayName("a re-created table gets its sequence's GRANTs and its owner back: as the app role, INSERT with the serial id "
            + "works after base -> 001, and the table is owned by its owner again")
    void sequence_grants_and_owner_come_back() throws IOException {
        MigrationSet set = MigrationSets.generate(fixtureScripts());
        Database db = Fixtures.database("review_seqgrant");
        String app = db.name() + "_app";
        String owner = db.name() + "_owner";
        try {
            MigrationEngine engine = engine(db, set);
            engine.upgrade("001");
            exec(db, "CREATE ROLE " + app + " NOLOGIN", "CREATE ROLE " + owner + " NOLOGIN",
                    "GRANT CREATE ON SCHEMA public TO " + owner, "ALTER TABLE public.accounts OWNER TO " + owner,
                    "GRANT SELECT, INSERT ON public.accounts TO " + app,
                    "GRANT USAGE ON SEQUENCE public.accounts_id_seq TO " + app);
            exec(db, "SET ROLE " + app, "INSERT INTO public.accounts (name) VALUES ('before')", "RESET ROLE");
            engine.downgrade("base", DowngradeOptions.defaults());
            engine.upgrade("001");
            exec(db, "SET ROLE " + app, "INSERT INTO public.accounts (name) VALUES ('x')", "RESET ROLE");
            assertThat(count(db, "SELECT count(*) FROM public.accounts")).isEqualTo(2);
            assertThat(text(db, "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'public.accounts'::regclass"))
                    .isEqualTo(owner);
            assertThat(text(db, "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'public.accounts_id_seq'::regclass"))
                    .isEqualTo(owner);
            assertThat(count(db, "SELECT (SELECT count(*) FROM alphapulse_migration.archive_sequence_grants) "
                    + "+ (SELECT count(*) FROM alphapulse_migration.archive_owners)")).as("retired").isZero();
        } finally {
            exec(db, "DROP TABLE IF EXISTS public.entries, public.accounts");
            Fixtures.dropRole(db, app);
            Fixtures.dropRole(db, owner);
            Fixtures.drop(db);
        }
    }

    @Test
    @DisplayName("a column drop on a table without a primary key that the same undo then drops whole is archivable: the plan "
            + "says so, the downgrade needs no accept-data-loss and every row comes back with the column")
    void column_drop_before_the_table_drop_is_archived_with_the_rows() throws IOException {
        Path dir = fixtureScripts();
        write(dir, "005__log", "CREATE TABLE log (at timestamptz NOT NULL DEFAULT now(), x text);\n",
                "ALTER TABLE log DROP COLUMN x;\nDROP TABLE log;\n");
        MigrationSet set = MigrationSets.generate(dir);
        Database db = Fixtures.database("review_nopk");
        try {
            MigrationEngine engine = engine(db, set);
            engine.upgrade("head");
            exec(db, "INSERT INTO public.log (at, x) VALUES ('2024-01-01 00:00+00', 'a'), ('2024-01-01 00:00+00', 'a'), "
                    + "('2024-01-02 00:00+00', NULL)");
            String before = text(db, "SELECT string_agg(to_jsonb(l)::text, ',' ORDER BY to_jsonb(l)::text) FROM public.log l");
            PlanResult plan = engine.plan("004");
            assertThat(plan.unrecoverableRisk(true)).isEqualTo(Risk.NONE);
            assertThat(plan.steps().get(0).statements()).filteredOn(st -> st.risk() != Risk.NONE).hasSize(2)
                    .allMatch(PlanResult.Statement::archivable);
            engine.downgrade("004", DowngradeOptions.defaults());
            engine.upgrade("head");
            assertThat(text(db, "SELECT string_agg(to_jsonb(l)::text, ',' ORDER BY to_jsonb(l)::text) FROM public.log l"))
                    .isEqualTo(before);
        } finally {
            Fixtures.drop(db);
        }
    }

    @Test
    @DisplayName("undo statements that destroy data without dropping it (DELETE, UPDATE) or whose effect cannot be read (DO with "
            + "EXECUTE) are shown as data loss, not archivable, and refused without accept-data-loss; a DELETE on a table the undo "
            + "then drops whole is archived with it")
    void dml_and_unreadable_statements_are_data_loss() throws IOException {
        Path dir = fixtureScripts();
        write(dir, "005__audit", "CREATE TABLE audit (id bigserial PRIMARY KEY, what text);\n",
                "DELETE FROM accounts WHERE name = 'old';\nUPDATE entries SET memo = NULL;\n"
                        + "DO $$ BEGIN EXECUTE 'SELECT 1'; END $$;\nDELETE FROM audit WHERE id < 0;\nDROP TABLE audit;\n");
        MigrationSet set = MigrationSets.generate(dir);
        Database db = Fixtures.database("review_dml");
        try {
            MigrationEngine engine = engine(db, set);
            engine.upgrade("head");
            exec(db, "INSERT INTO public.accounts (name, tenant_id) VALUES ('old', '00000000-0000-0000-0000-000000000001')",
                    "INSERT INTO public.entries (account_id, amount, memo, tenant_id) SELECT id, 1, 'm', tenant_id FROM public.accounts",
                    "INSERT INTO public.audit (what) VALUES ('a'), ('b')");
            PlanResult plan = engine.plan("004");
            assertThat(plan.steps().get(0).statements()).extracting(PlanResult.Statement::risk, PlanResult.Statement::archivable)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(Risk.HIGH, false),
                            org.assertj.core.groups.Tuple.tuple(Risk.MEDIUM, false),
                            org.assertj.core.groups.Tuple.tuple(Risk.MEDIUM, false),
                            org.assertj.core.groups.Tuple.tuple(Risk.HIGH, true),
                            org.assertj.core.groups.Tuple.tuple(Risk.HIGH, true));
            assertThat(plan.steps().get(0).statements().get(0).dataLoss()).contains("accounts").contains("1 rows");
            assertThat(plan.steps().get(0).statements().get(2).dataLoss()).contains("cannot tell what this statement drops");
            MigrationException refused = Fixtures.failure(() -> engine.downgrade("004", DowngradeOptions.defaults()));
            assertThat(refused.code()).isEqualTo(MigrationException.Code.DATA_LOSS_REFUSED);
            assertThat(engine.status().currentVersion().label()).isEqualTo("005");
            engine.downgrade("004", DowngradeOptions.defaults().withAcceptDataLoss(true));
            assertThat(count(db, "SELECT count(*) FROM public.accounts WHERE name = 'old'")).isZero();
        } finally {
            Fixtures.drop(db);
        }
    }

    @Test
    @DisplayName("a dropped column in a composite foreign key: a value whose (tenant_id, account_id) parent no longer exists "
            + "when the version is applied again is skipped and kept, the backfill stays and the re-applied version succeeds")
    void composite_foreign_key_parent_gone_is_skipped() throws IOException {
        String beta = "0000000b-0000-0000-0000-00000000000b";
        Path dir = fixtureScripts();
        write(dir, "005__ledger", "ALTER TABLE accounts ADD CONSTRAINT uq_accounts_tenant_id UNIQUE (tenant_id, id);\n"
                + "CREATE TABLE ledger (id bigserial PRIMARY KEY, account_id bigint NOT NULL, amount numeric NOT NULL);\n",
                "DROP TABLE ledger;\nALTER TABLE accounts DROP CONSTRAINT uq_accounts_tenant_id;\n");
        write(dir, "006__ledger_tenant", "ALTER TABLE ledger ADD COLUMN tenant_id uuid;\n"
                + "UPDATE ledger l SET tenant_id = a.tenant_id FROM accounts a WHERE a.id = l.account_id AND l.tenant_id IS NULL;\n"
                + "ALTER TABLE ledger ALTER COLUMN tenant_id SET NOT NULL;\n"
                + "ALTER TABLE ledger ADD CONSTRAINT fk_ledger_account FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id);\n",
                "ALTER TABLE ledger DROP CONSTRAINT fk_ledger_account;\nALTER TABLE ledger DROP COLUMN tenant_id;\n");
        MigrationSet set = MigrationSets.generate(dir);
        Database db = Fixtures.database("review_composite");
        try {
            MigrationEngine engine = engine(db, set);
            engine.upgrade("head");
            exec(db, "INSERT INTO public.tenants (id, name, slug) VALUES ('" + beta + "', 'Beta', 'beta')",
                    "INSERT INTO public.accounts (name, tenant_id) VALUES ('a', '00000000-0000-0000-0000-000000000001'), "
                            + "('b', '00000000-0000-0000-0000-000000000001')",
                    "INSERT INTO public.ledger (account_id, amount, tenant_id) SELECT id, 1, tenant_id FROM public.accounts");
            engine.downgrade("005", DowngradeOptions.defaults());
            // While rolled back, account b moves to Beta: (default, b) no longer exists.
            exec(db, "UPDATE public.accounts SET tenant_id = '" + beta + "' WHERE name = 'b'");
            UpgradeResult up = engine.upgrade("head");
            assertThat(up.rowsRestored()).isEqualTo(1);
            assertThat(up.rowsSkipped()).isEqualTo(1);
            assertThat(Fixtures.strings(db, "SELECT a.name || ' ' || l.tenant_id FROM public.ledger l JOIN public.accounts a "
                    + "ON a.id = l.account_id ORDER BY 1")).containsExactly("a 00000000-0000-0000-0000-000000000001", "b " + beta);
            assertThat(count(db, "SELECT count(*) FROM alphapulse_migration.archive_columns")).as("kept").isOne();
            assertThat(engine.history().entries().get(engine.history().entries().size() - 1).message())
                    .contains("ledger: 1").contains("accounts row");
        } finally {
            Fixtures.drop(db);
        }
    }

    @Test
    @DisplayName("a seed by a natural key (a new uuid, UNIQUE slug) does not collide with the archived row of that slug: the "
            + "archived row wins, the table holds exactly the archived rows and the journal says the seed was replaced")
    void seed_by_natural_key_is_replaced_by_the_archived_row() throws IOException {
        Path dir = fixtureScripts();
        write(dir, "005__regions", "CREATE TABLE regions (id uuid PRIMARY KEY, slug text NOT NULL, name text NOT NULL, "
                + "CONSTRAINT uq_regions_slug UNIQUE (slug));\n"
                + "INSERT INTO regions (id, slug, name) VALUES (gen_random_uuid(), 'default', 'Default');\n", "DROP TABLE regions;\n");
        MigrationSet set = MigrationSets.generate(dir);
        Database db = Fixtures.database("review_seed");
        try {
            MigrationEngine engine = engine(db, set);
            engine.upgrade("head");
            exec(db, "UPDATE public.regions SET name = 'Renamed'", "INSERT INTO public.regions VALUES (gen_random_uuid(), 'eu', 'EU')");
            String before = text(db, "SELECT string_agg(to_jsonb(r)::text, ',' ORDER BY slug) FROM public.regions r");
            engine.downgrade("004", DowngradeOptions.defaults());
            UpgradeResult up = engine.upgrade("head");
            assertThat(up.rowsRestored()).isEqualTo(2);
            assertThat(text(db, "SELECT string_agg(to_jsonb(r)::text, ',' ORDER BY slug) FROM public.regions r")).isEqualTo(before);
            assertThat(engine.history().entries().get(engine.history().entries().size() - 1).message())
                    .contains("regions: 1 seeded row(s) replaced by the archived row(s) of the same uq_regions_slug");
        } finally {
            Fixtures.drop(db);
        }
    }

    @Test
    @DisplayName("a re-created table's archived rows win over the version's own later statements: an UPDATE and a DELETE after "
            + "the restore (which the first run applied to its seed only) leave the rows exactly as archived")
    void archived_rows_win_over_the_scripts_later_data_fixes() throws IOException {
        Path dir = fixtureScripts();
        write(dir, "005__labels", "CREATE TABLE labels (id bigserial PRIMARY KEY, name text NOT NULL);\n"
                + "INSERT INTO labels (name) VALUES ('seed');\nALTER TABLE accounts ADD COLUMN label_id bigint REFERENCES labels (id);\n"
                + "UPDATE labels SET name = name || '!';\nDELETE FROM labels WHERE name LIKE 'old%';\n",
                "ALTER TABLE accounts DROP COLUMN label_id;\nDROP TABLE labels;\n");
        MigrationSet set = MigrationSets.generate(dir);
        Database db = Fixtures.database("review_fix");
        try {
            MigrationEngine engine = engine(db, set);
            engine.upgrade("head");
            exec(db, "INSERT INTO public.labels (name) VALUES ('a'), ('old b')");
            String before = text(db, "SELECT string_agg(to_jsonb(l)::text, ',' ORDER BY id) FROM public.labels l");
            assertThat(before).contains("seed!").contains("old b");
            engine.downgrade("004", DowngradeOptions.defaults());
            UpgradeResult up = engine.upgrade("head");
            assertThat(text(db, "SELECT string_agg(to_jsonb(l)::text, ',' ORDER BY id) FROM public.labels l")).isEqualTo(before);
            assertThat(up.rowsRestored()).isEqualTo(3);
            assertThat(up.rowsSkipped()).isZero();
        } finally {
            Fixtures.drop(db);
        }
    }

    @Test
    @DisplayName("a table whose owner the migrating user may not give it back to stays the migrating user's, and the version's "
            + "journal message says so (downgraded by a superuser, upgraded by a plain migrating user)")
    void owner_not_given_back_is_journaled() throws IOException {
        MigrationSet set = MigrationSets.generate(fixtureScripts());
        Database db = Fixtures.database("review_owner");
        String owner = db.name() + "_owner";
        String migrator = db.name() + "_migrator";
        try {
            MigrationEngine admin = engine(db, set);
            admin.upgrade("001");
            exec(db, "CREATE ROLE " + owner + " NOLOGIN", "CREATE ROLE " + migrator + " LOGIN PASSWORD 'pw'",
                    "GRANT CREATE ON DATABASE \"" + db.name() + "\" TO " + migrator, "GRANT CREATE ON SCHEMA public TO " + migrator,
                    "ALTER TABLE public.flyway_schema_history OWNER TO " + migrator, "ALTER TABLE public.accounts OWNER TO " + owner);
            admin.downgrade("base", DowngradeOptions.defaults());
            exec(db, "ALTER SCHEMA alphapulse_migration OWNER TO " + migrator,
                    "GRANT ALL ON ALL TABLES IN SCHEMA alphapulse_migration TO " + migrator);
            MigrationEngine plain = MigrationEngine.configure().dataSource(db.dataSource(migrator, "pw")).migrations(set)
                    .reason(Fixtures.REASON).load();
            plain.upgrade("001");
            assertThat(text(db, "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'public.accounts'::regclass"))
                    .isEqualTo(migrator);
            assertThat(plain.history().entries().get(plain.history().entries().size() - 1).message())
                    .contains("table accounts not given back to its owner " + owner).contains(migrator + " may not");
            assertThat(count(db, "SELECT count(*) FROM alphapulse_migration.archive_owners")).as("retired").isZero();
        } finally {
            exec(db, "DROP TABLE IF EXISTS public.entries, public.accounts, public.flyway_schema_history",
                    "DROP SCHEMA IF EXISTS alphapulse_migration CASCADE");
            Fixtures.dropRole(db, owner);
            Fixtures.dropRole(db, migrator);
            Fixtures.drop(db);
        }
    }
}
