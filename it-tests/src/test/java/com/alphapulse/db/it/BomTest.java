package com.alphapulse.db.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The BOM is no child of the parent pom (a consumer importing it must inherit nothing else), so it repeats the two
 * third-party versions it manages; these checks are what keeps the two files in step.
 */
class BomTest {

    private static final String GROUP = "com.alphapulse.db";

    @Test
    void the_bom_manages_jooq_and_pgjdbc_at_exactly_the_versions_the_parent_builds_with() {
        Map<String, String> parent = Poms.properties(Poms.parent());
        Map<String, String> bom = Poms.properties(Poms.bom());
        for (String property : List.of("jooq.version", "postgresql.version")) {
            assertThat(parent.get(property)).as("parent %s", property).isNotBlank();
            assertThat(bom.get(property)).as("bom/pom.xml %s, which must equal the parent's", property)
                    .isEqualTo(parent.get(property));
        }
        assertThat(Poms.managed(Poms.bom())).contains(
                new Poms.Managed("org.jooq", "jooq", "", "${jooq.version}"),
                new Poms.Managed("org.postgresql", "postgresql", "", "${postgresql.version}"));
        assertThat(Poms.managed(Poms.parent())).contains(
                new Poms.Managed("org.jooq", "jooq", "", "${jooq.version}"),
                new Poms.Managed("org.postgresql", "postgresql", "", "${postgresql.version}"));
    }

    @Test
    void the_bom_has_the_parents_version_which_its_own_artifacts_take() {
        assertThat(Poms.properties(Poms.bom())).doesNotContainKey("project.version");
        assertThat(Poms.version(Poms.bom())).isEqualTo(Poms.version());
        assertThat(Poms.managed(Poms.bom())).filteredOn(m -> m.groupId().equals(GROUP))
                .allMatch(m -> m.version().equals("${project.version}"));
    }

    @Test
    void the_bom_manages_every_library_module_the_versions_jar_and_the_tenant_model_add_ons() {
        Set<String> managed = Poms.managed(Poms.bom()).stream().filter(m -> m.groupId().equals(GROUP))
                .map(m -> m.classifier().isEmpty() ? m.artifactId() : m.artifactId() + ":" + m.classifier())
                .collect(Collectors.toSet());
        List<String> libraries = Poms.modules().stream().filter(Poms.Module::isLibrary).map(Poms.Module::artifactId).toList();

        assertThat(libraries).contains("tenant-model", "schema", "migrations", "postgres");
        assertThat(managed).containsAll(libraries)
                .contains("schema:versions", "tenant-model-spring", "tenant-model-test");
    }
}
