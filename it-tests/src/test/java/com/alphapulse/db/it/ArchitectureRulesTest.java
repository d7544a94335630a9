package com.alphapulse.db.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ArchitectureRulesTest {

    // Sibling modules arrive as jars under `mvn verify`; this option keeps jars and drops only test classes.
    static final JavaClasses PRODUCTION = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("com.alphapulse");

    @Test
    void the_rules_see_every_modules_production_classes() {
        assertThat(PRODUCTION.size()).as("imported classes").isGreaterThan(200);
        for (Map.Entry<String, String> module : ArchitectureRules.MODULES.entrySet()) {
            assertThat(PRODUCTION.stream().filter(c -> c.getPackageName().startsWith(module.getValue())).count())
                    .as("classes of module %s", module.getKey()).isPositive();
        }
    }

    @Test
    void every_rule_holds_for_the_production_code() {
        List<String> violations = new ArrayList<>();
        for (ArchRule rule : rules()) {
            var result = rule.evaluate(PRODUCTION);
            if (result.hasViolation()) {
                violations.add(result.getFailureReport().toString());
            }
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void the_rules_catch_a_violation_when_one_exists() throws ClassNotFoundException {
        JavaClasses offenders = new ClassFileImporter().importClasses(ArchitectureViolations.PrintingLibrary.class,
                ArchitectureViolations.OwnFlyway.class, Class.forName("com.alphapulse.tenant.DomainViolationFixture"));
        assertThatThrownBy(() -> ArchitectureRules.flyway_is_configured_in_one_place.check(offenders))
                .hasMessageContaining("OwnFlyway");
        assertThatThrownBy(() -> ArchitectureRules.only_the_cli_prints.check(offenders))
                .hasMessageContaining("PrintingLibrary");
        assertThatThrownBy(() -> ArchitectureRules.tenant_domain_needs_nothing_but_the_jdk.check(offenders))
                .hasMessageContaining("java.sql.Connection");
    }

    static List<ArchRule> rules() {
        List<ArchRule> rules = new ArrayList<>();
        for (Field f : ArchitectureRules.class.getDeclaredFields()) {
            if (ArchRule.class.isAssignableFrom(f.getType()) && Modifier.isStatic(f.getModifiers())) {
                try {
                    f.setAccessible(true);
                    rules.add((ArchRule) f.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        assertThat(rules).hasSizeGreaterThanOrEqualTo(8);
        return rules;
    }
}
