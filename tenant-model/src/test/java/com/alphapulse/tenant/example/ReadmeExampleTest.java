package com.alphapulse.tenant.example;

import static com.alphapulse.db.schema.head.Tables.POSITIONS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.alphapulse.tenant.Tenant;
import com.alphapulse.tenant.TenantException;
import com.alphapulse.tenant.TenantId;
import com.alphapulse.tenant.jdbc.TenantScope;
import com.alphapulse.tenant.repository.TenantsRepository;
import com.alphapulse.tenant.testing.TenantTestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Statement;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;

class ReadmeExampleTest {

    private static final Path SOURCE = Path.of("src/test/java/com/alphapulse/tenant/example/ReadmeExampleTest.java");
    private static final Path USAGE = Path.of("USAGE.md");
    private static final Path README = Path.of("../README.md");
    private static final String README_SECTION = "## Using `tenant-model` from a service";
    private static final Pattern VERSION_PACKAGE = Pattern.compile("com\\.alphapulse\\.db\\.schema\\.v\\d{3}\\b");

    /** The example, verbatim between the markers; {@code tenantHeader} is what a request carried. */
    static List<String> example(DataSource dataSource, String tenantHeader) {
        // README:begin
        TenantId tenant = TenantId.parse(tenantHeader);              // a malformed id fails here, before any SQL
        DSLContext dsl = DSL.using(dataSource, SQLDialect.POSTGRES);  // log in as the application role, not the owner

        Tenant info = TenantsRepository.using(dsl).findById(tenant).orElseThrow();
        if (!info.isActive()) throw new IllegalStateException(info.slug() + " is " + info.status());
        List<String> symbols = TenantScope.call(dsl, tenant, tx ->   // one transaction; RLS shows this tenant only
                tx.select(POSITIONS.SYMBOL).from(POSITIONS).orderBy(POSITIONS.SYMBOL).fetch(POSITIONS.SYMBOL));
        TenantScope.run(dataSource, tenant, connection -> {           // plain JDBC works the same way
            try (Statement st = connection.createStatement()) {
                st.executeUpdate("UPDATE positions SET current_price = entry_price"); // this tenant's rows only
            }
        });
        // README:end
        return symbols;
    }

    @Test
    void the_usage_example_reads_and_writes_only_the_requested_tenants_rows() {
        try (TenantTestDatabase db = TenantTestDatabase.atHead().start()) {
            DataSource dataSource = db.appDataSource();
            List<String> symbols = example(dataSource, TenantTestDatabase.B.toString());

            assertThat(symbols).containsExactly(TenantTestDatabase.symbol(TenantTestDatabase.B, 1),
                    TenantTestDatabase.symbol(TenantTestDatabase.B, 2), TenantTestDatabase.symbol(TenantTestDatabase.B, 3));
            DSLContext dsl = DSL.using(dataSource, SQLDialect.POSTGRES);
            for (TenantId tenant : TenantTestDatabase.seededTenants().stream().map(TenantId::of).toList()) {
                int priced = TenantScope.call(dsl, tenant,
                        tx -> tx.fetchCount(POSITIONS, POSITIONS.CURRENT_PRICE.isNotNull()));
                assertThat(priced).as("positions of %s priced by the example", tenant)
                        .isEqualTo(tenant.value().equals(TenantTestDatabase.B) ? TenantTestDatabase.rowsPerTable(tenant.value()) : 0);
            }
            assertThatThrownBy(() -> example(dataSource, "B; SET app.current_tenant_id = 'x'"))
                    .isInstanceOf(TenantException.class).hasMessageContaining("malformed tenant id");
        }
    }

    @Test
    void usage_md_shows_exactly_the_example_this_test_compiles_and_runs() throws IOException {
        String dedented = example();
        assertThat(dedented.lines().count()).isBetween(10L, 12L);
        assertThat(Files.readString(USAGE)).contains(dedented);
    }

    // Both pages say this test runs their example and tell a service what to import, so both are checked.
    @Test
    void the_readme_section_shows_the_same_example_and_both_pages_import_head_never_a_version() throws IOException {
        String readme = Files.readString(README);
        int start = readme.indexOf(README_SECTION);
        assertThat(start).as("README section %s", README_SECTION).isNotNegative();
        int end = readme.indexOf("\n## ", start + README_SECTION.length());
        String section = readme.substring(start, end < 0 ? readme.length() : end);
        assertThat(section).contains(example());
        for (String page : List.of(section, Files.readString(USAGE))) {
            assertThat(page).contains("static com.alphapulse.db.schema.head.Tables.POSITIONS");
            assertThat(VERSION_PACKAGE.matcher(page).find()).as("a versioned package named in\n%s", page).isFalse();
        }
    }

    /** The example's lines between the markers, dedented to how the pages show them. */
    private static String example() throws IOException {
        String source = Files.readString(SOURCE);
        String block = source.substring(source.indexOf("// README:begin\n") + "// README:begin\n".length(),
                source.indexOf("        // README:end"));
        return block.lines().map(l -> l.length() >= 8 ? l.substring(8) : l.strip())
                .collect(Collectors.joining("\n"));
    }
}
