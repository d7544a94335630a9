package com.alphapulse.db.it;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.GeneralCodingRules;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The module boundaries of docs/architecture.md, as rules. */
final class ArchitectureRules {

    /** Root package of each module, by module name. */
    static final Map<String, String> MODULES = modules();

    private static final String TENANT_TESTING = "com.alphapulse.tenant.testing..";

    private ArchitectureRules() {}

    private static Map<String, String> modules() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("postgres", "com.alphapulse.db.postgres");
        m.put("migrations", "com.alphapulse.db.migrations");
        m.put("schema", "com.alphapulse.db.schema");
        m.put("verification", "com.alphapulse.db.verification");
        m.put("migration-engine", "com.alphapulse.db.engine");
        m.put("rehearsal", "com.alphapulse.db.rehearsal");
        // Before tenant-model, whose root package contains it: the first matching root names the module.
        m.put("tenant-model-test", "com.alphapulse.tenant.testing");
        m.put("tenant-model-spring", "com.alphapulse.tenant.spring");
        m.put("tenant-model", "com.alphapulse.tenant");
        m.put("cli", "com.alphapulse.db.cli");
        return m;
    }

    static Optional<String> moduleOf(JavaClass c) {
        String pkg = c.getPackageName();
        return MODULES.entrySet().stream()
                .filter(e -> pkg.equals(e.getValue()) || pkg.startsWith(e.getValue() + "."))
                .map(Map.Entry::getKey)
                .findFirst();
    }

    private static final SliceAssignment BY_MODULE = new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
            return moduleOf(javaClass).map(SliceIdentifier::of).orElse(SliceIdentifier.ignore());
        }

        @Override
        public String getDescription() {
            return "modules by root package";
        }
    };

    static final ArchRule no_cycles_between_modules =
            slices().assignedFrom(BY_MODULE).should().beFreeOfCycles();

    static final ArchRule nothing_depends_on_the_cli = noClasses()
            .that().resideOutsideOfPackage("com.alphapulse.db.cli..")
            .should().dependOnClassesThat().resideInAPackage("com.alphapulse.db.cli..");

    /** One Flyway configuration: a second one would disagree on the location, the history table or the lock. */
    static final ArchRule flyway_is_configured_in_one_place = noClasses()
            .that().resideOutsideOfPackage("com.alphapulse.db.migrations")
            .should().callMethod("org.flywaydb.core.Flyway", "configure")
            .orShould().callMethod("org.flywaydb.core.Flyway", "configure", "java.lang.ClassLoader");

    static final ArchRule picocli_only_in_the_cli = noClasses()
            .that().resideOutsideOfPackage("com.alphapulse.db.cli..")
            .should().dependOnClassesThat().resideInAPackage("picocli..");

    static final ArchRule only_the_cli_prints = noClasses()
            .that().resideOutsideOfPackage("com.alphapulse.db.cli..")
            .should(GeneralCodingRules.ACCESS_STANDARD_STREAMS);

    // JDBC is part of the JDK, so it is excluded by name: the domain types must not need a database.
    static final ArchRule tenant_domain_needs_nothing_but_the_jdk = classes()
            .that().resideInAPackage("com.alphapulse.tenant")
            .should().onlyDependOnClassesThat(JavaClass.Predicates.resideInAnyPackage("java..", "com.alphapulse.tenant")
                    .and(DescribedPredicate.not(JavaClass.Predicates.resideInAnyPackage("java.sql..", "javax.sql.."))));

    static final ArchRule tenant_model_needs_no_tooling_modules = noClasses()
            .that().resideInAPackage("com.alphapulse.tenant..").and().resideOutsideOfPackage(TENANT_TESTING)
            .should().dependOnClassesThat().resideInAnyPackage(
                    "com.alphapulse.db.engine..", "com.alphapulse.db.rehearsal..", "com.alphapulse.db.verification..",
                    "com.alphapulse.db.postgres..", "org.flywaydb..");

    /** tenant-model's own tests use tenant-model-test: a dependency back would be a cycle Maven refuses. */
    static final ArchRule tenant_model_test_knows_no_service_library = noClasses()
            .that().resideInAPackage(TENANT_TESTING)
            .should().dependOnClassesThat(JavaClass.Predicates.resideInAPackage("com.alphapulse.tenant..")
                    .and(DescribedPredicate.not(JavaClass.Predicates.resideInAPackage(TENANT_TESTING))));

    /** What services' tests get on their class path: no CLI, no rehearsal, no code generator. */
    static final ArchRule tenant_model_test_needs_no_cli_rehearsal_or_codegen = noClasses()
            .that().resideInAPackage(TENANT_TESTING)
            .should().dependOnClassesThat().resideInAnyPackage("com.alphapulse.db.cli..", "com.alphapulse.db.rehearsal..",
                    "com.alphapulse.db.codegen..", "org.jooq.codegen..", "org.jooq.meta..", "picocli..");

    static final ArchRule tenant_model_never_depends_on_its_test_support = noClasses()
            .that().resideInAPackage("com.alphapulse.tenant..").and().resideOutsideOfPackage(TENANT_TESTING)
            .should().dependOnClassesThat().resideInAPackage(TENANT_TESTING);

    /** A service without Spring must carry none: Spring support lives in tenant-model-spring alone. */
    static final ArchRule only_tenant_model_spring_knows_spring = noClasses()
            .that().resideOutsideOfPackage("com.alphapulse.tenant.spring..")
            .should().dependOnClassesThat().resideInAPackage("org.springframework..");

    static final ArchRule verification_never_depends_on_the_engine = noClasses()
            .that().resideInAPackage("com.alphapulse.db.verification..")
            .should().dependOnClassesThat().resideInAPackage("com.alphapulse.db.engine..");

    // Rehearsal, demo data and the runbook sit above the engine and verification, never the other way round.
    static final ArchRule engine_and_verification_never_depend_on_the_rehearsal = noClasses()
            .that().resideInAnyPackage("com.alphapulse.db.engine..", "com.alphapulse.db.verification..")
            .should().dependOnClassesThat().resideInAPackage("com.alphapulse.db.rehearsal..");

    static final ArchRule internal_packages_are_used_only_by_their_own_module = classes()
            .that(DescribedPredicate.describe("belong to a module", (JavaClass c) -> moduleOf(c).isPresent()))
            .should(new ArchCondition<JavaClass>("use no other module's .internal classes") {
                @Override
                public void check(JavaClass origin, ConditionEvents events) {
                    String own = moduleOf(origin).orElseThrow();
                    for (Dependency d : origin.getDirectDependenciesFromSelf()) {
                        JavaClass target = d.getTargetClass();
                        Optional<String> targetModule = moduleOf(target);
                        if (targetModule.isPresent() && !targetModule.get().equals(own)
                                && target.getPackageName().contains(".internal")) {
                            events.add(SimpleConditionEvent.violated(d, d.getDescription()));
                        }
                    }
                }
            });
}
