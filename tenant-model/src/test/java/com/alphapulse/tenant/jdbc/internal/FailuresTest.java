package com.alphapulse.tenant.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.tenant.TenantException;
import com.alphapulse.tenant.TenantException.Code;
import com.alphapulse.tenant.TenantId;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jooq.exception.DataAccessException;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * The translation without a database: that the server's routine, not the (translatable) message, tells
 * row-level security from a missing privilege; what is left when the driver is not pgjdbc; and that the
 * module loads and translates without pgjdbc on the class path.
 */
class FailuresTest {

    private static final TenantId TENANT = TenantId.parse("aaaaaaaa-0000-4000-8000-00000000000a");

    @Test
    void with_pgjdbc_the_routine_decides_between_row_security_and_privilege_whatever_the_message_says() {
        TenantException french = Failures.translate(TENANT, server("42501", "ExecWithCheckOptions",
                "la nouvelle ligne viole la politique de sécurité au niveau ligne pour la table « trades »"));
        assertThat(french.code()).isEqualTo(Code.ROW_SECURITY_VIOLATION);
        assertThat(french.table()).as("named in the translation's own quotes").contains("trades");

        TenantException german = Failures.translate(TENANT, server("42501", "check_enable_rls",
                "Anfrage wäre von der Policy für Sicherheit auf Zeilenebene für Tabelle »trades« betroffen"));
        assertThat(german.code()).isEqualTo(Code.ROW_SECURITY_VIOLATION);
        assertThat(german.table()).contains("trades");

        TenantException misleading = Failures.translate(TENANT, server("42501", "aclcheck_error",
                "row-level security wording that a missing privilege never has"));
        assertThat(misleading.code()).as("the routine, not the text").isEqualTo(Code.ACCESS_DENIED);
        assertThat(misleading.table()).isEmpty();
    }

    @Test
    void without_the_servers_fields_the_english_message_decides_and_only_its_first_line_is_kept() {
        SQLException rls = new SQLException("ERROR: new row violates row-level security policy for table \"trades\""
                + "\n  Detail: Failing row contains (SYM-SECRET).", "42501");
        TenantException fromOtherDriver = Failures.translate(null, rls);
        assertThat(fromOtherDriver.code()).isEqualTo(Code.ROW_SECURITY_VIOLATION);
        assertThat(fromOtherDriver.table()).contains("trades");
        assertThat(fromOtherDriver).hasMessage(
                "new row violates row-level security policy for table \"trades\" (42501)");

        assertThat(Failures.translate(null, new SQLException("ERROR: permission denied for table t", "42501")).code())
                .isEqualTo(Code.ACCESS_DENIED);
        assertThat(Failures.translate(null, new SQLException("deadlock detected", "40P01")).code())
                .isEqualTo(Code.RETRYABLE);
        assertThat(Failures.translate(null, new SQLException("x", "23P01")).code())
                .as("exclusion, with the rest of class 23").isEqualTo(Code.CONSTRAINT_VIOLATION);
        assertThat(Failures.translate(null, new SQLException("no state")).code()).isEqualTo(Code.DATABASE_ERROR);
    }

    @Test
    void jooqs_message_with_the_sql_and_a_batch_quoting_its_statement_stay_out_of_the_message() {
        PSQLException server = server("23505", "_bt_check_unique",
                "duplicate key value violates unique constraint \"trades_pkey\"");
        DataAccessException jooq = new DataAccessException("SQL [insert into trades values ('SYM-SECRET')]; "
                + server.getMessage(), server);
        TenantException viaJooq = Failures.translate(TENANT, jooq);
        assertThat(viaJooq.code()).isEqualTo(Code.UNIQUE_VIOLATION);
        assertThat(viaJooq).hasMessage("in the scope of tenant " + TENANT
                + ": duplicate key value violates unique constraint \"trades_pkey\" (23505)");
        assertThat(viaJooq.getCause()).isSameAs(jooq);

        BatchUpdateException batch = new BatchUpdateException(
                "Batch entry 0 insert into trades values ('SYM-SECRET') was aborted", "23505", new int[0]);
        batch.setNextException(server);
        assertThat(Failures.translate(null, batch)).hasMessageNotContaining("SYM-SECRET")
                .extracting(TenantException::code).isEqualTo(Code.UNIQUE_VIOLATION);
        BatchUpdateException bare = new BatchUpdateException(
                "Batch entry 0 insert into trades values ('SYM-SECRET') was aborted", "08006", new int[0]);
        assertThat(Failures.translate(null, bare)).hasMessageNotContaining("SYM-SECRET");
    }

    @Test
    void without_pgjdbc_on_the_class_path_the_module_loads_and_translates_from_sqlstate_and_message()
            throws Exception {
        WithoutPgjdbc loader = new WithoutPgjdbc(FailuresTest.class.getClassLoader());
        Class<?> errors = loader.loadClass("com.alphapulse.tenant.jdbc.TenantErrors");
        Method translate = errors.getMethod("translate", Throwable.class);
        Object rls = translate.invoke(null, new SQLException(
                "ERROR: new row violates row-level security policy for table \"trades\"", "42501"));
        Object fk = translate.invoke(null, new SQLException("ERROR: insert or update on table \"trades\""
                + " violates foreign key constraint \"fk\"\n  Detail: Key (id)=(7) is not present", "23503"));
        assertThat(errors.getMethod("jooqListener").invoke(null)).isNotNull();

        assertThat(rls.getClass().getClassLoader()).as("the module's classes, loaded apart").isSameAs(loader);
        assertThat(rls.getClass().getMethod("code").invoke(rls)).hasToString("ROW_SECURITY_VIOLATION");
        assertThat(fk.getClass().getMethod("code").invoke(fk)).hasToString("FOREIGN_KEY_VIOLATION");
        assertThat(((Throwable) fk).getMessage()).isEqualTo(
                "insert or update on table \"trades\" violates foreign key constraint \"fk\" (23503)");
        assertThat(loader.refused).as("the one class check").contains("org.postgresql.util.PSQLException");
        assertThat(loader.defined).contains(Failures.class.getName())
                .doesNotContain(ServerFields.class.getName());
    }

    /** pgjdbc's exception for a server error with these fields, as the driver builds it. */
    private static PSQLException server(String state, String routine, String message) {
        return new PSQLException(new ServerErrorMessage(
                "SERROR\0C" + state + "\0M" + message + "\0R" + routine + "\0Fsomefile.c\0"));
    }

    /**
     * Loads this module's classes itself and refuses pgjdbc's, delegating everything else (jOOQ, the JDK, the
     * schema module) to the test's class loader, so tenant-model runs as if no pgjdbc were deployed.
     */
    private static final class WithoutPgjdbc extends ClassLoader {
        final Set<String> defined = ConcurrentHashMap.newKeySet();
        final Set<String> refused = ConcurrentHashMap.newKeySet();
        private final ClassLoader source;

        WithoutPgjdbc(ClassLoader source) {
            super(source);
            this.source = source;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.startsWith("org.postgresql.")) {
                refused.add(name);
                throw new ClassNotFoundException(name);
            }
            if (!name.startsWith("com.alphapulse.tenant.")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    try (InputStream in = source.getResourceAsStream(name.replace('.', '/') + ".class")) {
                        if (in == null) {
                            throw new ClassNotFoundException(name);
                        }
                        byte[] bytes = in.readAllBytes();
                        c = defineClass(name, bytes, 0, bytes.length);
                        defined.add(name);
                    } catch (IOException e) {
                        throw new ClassNotFoundException(name, e);
                    }
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }
    }
}
