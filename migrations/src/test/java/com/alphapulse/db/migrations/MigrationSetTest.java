package com.alphapulse.db.migrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MigrationSetTest {

    private static void write(Path dir, String file, String sql) throws IOException {
        Files.createDirectories(dir.resolve(file).getParent());
        Files.writeString(dir.resolve(file), sql);
    }

    @Test
    @DisplayName("a directory set is its V files in version order, each with its undo script, and the roles its scripts create")
    void directory_set_is_discovered_from_the_files(@TempDir Path dir) throws IOException {
        write(dir, "migration/V010__notes.sql", "CREATE TABLE notes (id int PRIMARY KEY);");
        write(dir, "undo/U010__notes.sql", "DROP TABLE notes;");
        write(dir, "migration/V2__roles.sql", "DO $$ BEGIN CREATE ROLE \"Reporting_Role\" NOLOGIN; END $$;\ncreate role auditor;\n"
                + "CREATE USER App_Reader;\n-- CREATE ROLE not_really\n/* CREATE ROLE nor_this */");
        write(dir, "undo/U2__roles.sql", "DROP ROLE auditor;");
        MigrationSet set = MigrationSet.directory(dir);

        assertThat(set.versions()).extracting(SchemaVersion::label).containsExactly("002", "010");
        assertThat(set.head().description()).isEqualTo("notes");
        assertThat(set.previous(Version.of(10))).isEqualTo(Version.of(2));
        assertThat(set.previous(Version.of(2))).isEqualTo(Version.BASE);
        assertThat(set.between(Version.BASE, Version.of(9))).extracting(SchemaVersion::label).containsExactly("002");
        assertThat(set.version("V10").undoSql()).isEqualTo("DROP TABLE notes;");
        assertThat(set.flywayLocation()).isEqualTo("filesystem:" + dir.toAbsolutePath().normalize().resolve("migration"));
        assertThat(set.roles()).containsExactly("Reporting_Role", "app_reader", "auditor");
        assertThat(CatalogQueries.sql(set).get("roles")).contains("'{\"Reporting_Role\",\"app_reader\",\"auditor\"}'");
        assertThat(MigrationSet.directory(dir).indexText()).contains("versions=002,010");
    }

    @Test
    @DisplayName("derived data may be computed from other derived data, in any order, and is computed once")
    void derived_data_nests(@TempDir Path dir) throws IOException {
        write(dir, "migration/V001__a.sql", "CREATE ROLE app_reader;");
        write(dir, "undo/U001__a.sql", "DROP ROLE app_reader;");
        MigrationSet set = MigrationSet.directory(dir);
        // the catalog queries ask for the roles while being derived: must not be refused as a recursive update
        assertThat(CatalogQueries.sql(set).get("roles")).contains("app_reader");
        int[] calls = {0};
        for (int i = 0; i < 3; i++) {
            assertThat(set.<Integer>derived("outer", () -> {
                calls[0]++;
                // enough nested keys that some share the outer key's hash bin
                int sum = 0;
                for (int k = 0; k < 200; k++) {
                    int n = k;
                    sum += set.<Integer>derived("inner" + k, () -> n);
                }
                return sum;
            })).isEqualTo(199 * 200 / 2);
        }
        assertThat(calls[0]).isOne();
    }

    @Test
    @DisplayName("a migration without its undo script, or a misnamed file, is refused with one message naming it")
    void inconsistent_sets_are_refused(@TempDir Path dir) throws IOException {
        write(dir, "migration/V001__a.sql", "SELECT 1;");
        write(dir, "migration/V002-b.sql", "SELECT 1;");
        write(dir, "undo/U002__x.sql", "SELECT 1;");
        assertThatThrownBy(() -> MigrationSet.directory(dir)).isInstanceOf(SchemaException.class)
                .hasMessageContaining("V001__a.sql has no undo script undo/U001__a.sql")
                .hasMessageContaining("V002-b.sql is not named")
                .extracting(e -> ((SchemaException) e).code()).isEqualTo(SchemaException.Code.INVALID_SET);
    }

    @Test
    @DisplayName("versions parse from 7, 007, V007 and base; a set without roles reads no role at all")
    void versions_parse_and_sets_without_roles_read_none(@TempDir Path dir) throws IOException {
        assertThat(Version.parse("7")).contains(Version.of(7));
        assertThat(Version.parse(" V007 ")).contains(Version.of(7));
        assertThat(Version.parse("base")).contains(Version.BASE);
        assertThat(Version.parse("0")).isEmpty();
        assertThat(Version.parse("head")).isEmpty();
        assertThat(Version.fromFlyway("9.0")).isEqualTo(Version.of(9));
        assertThat(Version.BASE.label()).isEqualTo("base");
        assertThat(Version.of(9).isAbove(Version.BASE)).isTrue();

        write(dir, "migration/V001__a.sql", "CREATE TABLE a (id int);");
        write(dir, "undo/U001__a.sql", "DROP TABLE a;");
        MigrationSet set = MigrationSet.directory(dir);
        assertThat(set.roles()).isEmpty();
        assertThat(CatalogQueries.sql(set).get("roles")).contains("ANY ('{}'::text[])");
    }
}
