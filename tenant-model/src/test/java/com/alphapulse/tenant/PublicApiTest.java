package com.alphapulse.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.schema.AlphaPulseSchema;
import com.alphapulse.db.schema.head.tables.records.TenantsRecord;
import com.alphapulse.tenant.jdbc.TenantErrors;
import com.alphapulse.tenant.jdbc.TenantScope;
import com.alphapulse.tenant.repository.TenantsRepository;
import com.alphapulse.tenant.repository.internal.JooqTenantsRepository;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What a service compiles against must survive the next migration: no public or protected signature of a
 * public class of {@code com.alphapulse.tenant..} may name a per-version package
 * ({@code com.alphapulse.db.schema.vNNN}, which a later version leaves behind) or a generated jOOQ record
 * (regenerated, with other columns, by every migration that touches its table). Plain reflection over the
 * compiled main classes, so it runs in this module's own build rather than only in it-tests.
 */
class PublicApiTest {

    private static final Pattern VERSION_PACKAGE =
            Pattern.compile("com\\.alphapulse\\.db\\.schema\\.v\\d{3}(\\..+)?");
    private static final Pattern VERSION_NAME = Pattern.compile("com\\.alphapulse\\.db\\.schema\\.v\\d{3}\\b");

    @Test
    void no_public_signature_of_tenant_model_names_a_schema_version_or_a_generated_record() throws Exception {
        List<Class<?>> api = publicClasses();
        // Guards against a scan that finds nothing (a moved output directory) and so passes vacuously.
        assertThat(api).contains(TenantId.class, Tenant.class, TenantScope.class, TenantErrors.class,
                TenantsRepository.class, JooqTenantsRepository.class);

        List<String> violations = new ArrayList<>();
        for (Class<?> c : api) {
            violations.addAll(violations(c));
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void the_check_catches_a_record_or_a_version_type_also_inside_generics_arrays_and_bounds() throws Exception {
        // The version is taken from the set, so this test does not move when a migration is added.
        String versioned = "com.alphapulse.db.schema.v" + AlphaPulseSchema.migrations().head().label() + ".Tables";
        assertThat(forbidden(Class.forName(versioned))).as(versioned).isTrue();
        assertThat(forbidden(TenantsRecord.class)).isTrue();
        assertThat(forbidden(TenantsRecord[].class)).isTrue();
        assertThat(forbidden(com.alphapulse.db.schema.head.Tables.class)).as("head table constants").isFalse();
        assertThat(forbidden(org.jooq.Record.class)).as("jOOQ's own interface").isFalse();

        // Six: bounded() names it twice, in its type parameter and in its parameter.
        assertThat(violations(Leaky.class)).hasSize(6).allMatch(v -> v.contains(TenantsRecord.class.getName()))
                .anyMatch(v -> v.contains("find")).anyMatch(v -> v.contains("all")).anyMatch(v -> v.contains("rows"))
                .anyMatch(v -> v.contains("bounded")).anyMatch(v -> v.contains("constructor"));
    }

    @Test
    void no_source_or_usage_doc_of_tenant_model_mentions_a_schema_version_package() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (Path root : List.of(Path.of("src/main/java"), Path.of("src/test/java"), Path.of("USAGE.md"))) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    if (VERSION_NAME.matcher(Files.readString(f)).find()) {
                        offenders.add(f.toString());
                    }
                }
            }
        }
        assertThat(offenders).as("consumers import com.alphapulse.db.schema.head, never a version").isEmpty();
    }

    /** Every signature problem of {@code c}, one line each. */
    static List<String> violations(Class<?> c) {
        List<String> found = new ArrayList<>();
        check(c.getName() + " extends", c.getGenericSuperclass(), found);
        for (Type t : c.getGenericInterfaces()) {
            check(c.getName() + " implements", t, found);
        }
        for (TypeVariable<?> v : c.getTypeParameters()) {
            check(c.getName() + " <" + v.getName() + ">", v, found);
        }
        for (Field f : c.getDeclaredFields()) {
            if (visible(f)) {
                check(c.getName() + "." + f.getName(), f.getGenericType(), found);
            }
        }
        for (Constructor<?> k : c.getDeclaredConstructors()) {
            if (visible(k)) {
                checkExecutable(c.getName() + " constructor", k, found);
            }
        }
        for (Method m : c.getDeclaredMethods()) {
            if (visible(m) && !m.isBridge()) {
                checkExecutable(c.getName() + "." + m.getName(), m, found);
                check(c.getName() + "." + m.getName() + " returns", m.getGenericReturnType(), found);
            }
        }
        return found;
    }

    /** A type that must not be in the API: one of a version package, or a generated jOOQ record. */
    static boolean forbidden(Class<?> c) {
        Class<?> t = c;
        while (t.isArray()) {
            t = t.getComponentType();
        }
        if (t.isPrimitive()) {
            return false;
        }
        boolean generatedRecord =
                org.jooq.Record.class.isAssignableFrom(t) && !t.getPackageName().startsWith("org.jooq");
        return generatedRecord || VERSION_PACKAGE.matcher(t.getPackageName()).matches();
    }

    private static void checkExecutable(String where, Executable e, List<String> found) {
        for (Type t : e.getGenericParameterTypes()) {
            check(where + " parameter", t, found);
        }
        for (Type t : e.getGenericExceptionTypes()) {
            check(where + " throws", t, found);
        }
        for (TypeVariable<?> v : e.getTypeParameters()) {
            check(where + " <" + v.getName() + ">", v, found);
        }
    }

    private static void check(String where, Type type, List<String> found) {
        if (type == null) {
            return;
        }
        Set<Class<?>> mentioned = new LinkedHashSet<>();
        mentioned(type, mentioned, new HashSet<>());
        for (Class<?> c : mentioned) {
            if (forbidden(c)) {
                found.add(where + " mentions " + c.getName());
            }
        }
    }

    /** The classes {@code type} names, through type arguments, wildcards, arrays and type-variable bounds. */
    private static void mentioned(Type type, Set<Class<?>> out, Set<Type> seen) {
        if (!seen.add(type)) {
            return; // a recursive bound such as <T extends Comparable<T>>
        }
        if (type instanceof Class<?> c) {
            out.add(c);
        } else if (type instanceof ParameterizedType p) {
            mentioned(p.getRawType(), out, seen);
            if (p.getOwnerType() != null) {
                mentioned(p.getOwnerType(), out, seen);
            }
            for (Type a : p.getActualTypeArguments()) {
                mentioned(a, out, seen);
            }
        } else if (type instanceof WildcardType w) {
            for (Type b : w.getUpperBounds()) {
                mentioned(b, out, seen);
            }
            for (Type b : w.getLowerBounds()) {
                mentioned(b, out, seen);
            }
        } else if (type instanceof GenericArrayType a) {
            mentioned(a.getGenericComponentType(), out, seen);
        } else if (type instanceof TypeVariable<?> v) {
            for (Type b : v.getBounds()) {
                mentioned(b, out, seen);
            }
        }
    }

    /** Public or protected, and not compiler-made. */
    private static boolean visible(Member m) {
        int mod = m.getModifiers();
        return (Modifier.isPublic(mod) || Modifier.isProtected(mod)) && !m.isSynthetic();
    }

    /** Public classes of this module's main output, nested ones too when every enclosing class is public. */
    private static List<Class<?>> publicClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        Path location = Path.of(TenantId.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Class<?>> out = new ArrayList<>();
        if (Files.isDirectory(location)) {
            collect(location, out);
        } else {
            try (FileSystem jar = FileSystems.newFileSystem(location)) {
                collect(jar.getPath("/"), out);
            }
        }
        return out;
    }

    private static void collect(Path root, List<Class<?>> out) throws IOException, ClassNotFoundException {
        Path tenant = root.resolve("com/alphapulse/tenant");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(tenant)) {
            files = walk.filter(p -> p.toString().endsWith(".class")).sorted().toList();
        }
        for (Path f : files) {
            String name = root.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
            if (name.endsWith("package-info")) {
                continue;
            }
            Class<?> c = Class.forName(name, false, PublicApiTest.class.getClassLoader());
            if (exported(c)) {
                out.add(c);
            }
        }
    }

    private static boolean exported(Class<?> c) {
        if (c.isAnonymousClass() || c.isLocalClass() || c.isSynthetic()) {
            return false;
        }
        int mod = c.getModifiers();
        // A protected member class is visible to subclasses outside the package, so it counts as API.
        boolean open = Modifier.isPublic(mod) || (c.getEnclosingClass() != null && Modifier.isProtected(mod));
        return open && (c.getEnclosingClass() == null || exported(c.getEnclosingClass()));
    }

    /** What the check must refuse: a record in each kind of place a signature can hide one. */
    @SuppressWarnings("unused")
    public static final class Leaky {
        public Leaky(List<TenantsRecord> rows) {}

        public Optional<TenantsRecord> find() {
            return Optional.empty();
        }

        public List<? extends TenantsRecord>[] all() {
            return null;
        }

        public <R extends TenantsRecord> void bounded(R row) {}

        public void rows(Stream<TenantsRecord> rows) {}

        void packagePrivateIsNotApi(TenantsRecord row) {}
    }
}
