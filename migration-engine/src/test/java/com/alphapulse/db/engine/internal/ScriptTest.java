package com.alphapulse.db.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.schema.AlphaPulseSchema;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScriptTest {

    @Test
    void splits_on_semicolons_outside_comments_quotes_and_dollar_quotes() {
        List<String> parts = Script.split("""
                -- a comment; with a semicolon
                SELECT 'a;b', "we;ird";
                /* block ; /* nested ; */ still comment */
                DO $$ BEGIN RAISE NOTICE 'x;y'; END $$;
                DO $body$ BEGIN PERFORM 1; END $body$;
                SELECT E'it\\'s;fine';
                """);
        assertThat(parts).hasSize(4);
        assertThat(Script.strip(parts.get(0), false)).isEqualTo("SELECT 'a;b', \"we;ird\"");
        assertThat(Script.strip(parts.get(1), false)).isEqualTo("DO $$ BEGIN RAISE NOTICE 'x;y'; END $$");
        assertThat(Script.strip(parts.get(2), false)).isEqualTo("DO $body$ BEGIN PERFORM 1; END $body$");
        assertThat(Script.strip(parts.get(3), false)).isEqualTo("SELECT E'it\\'s;fine'");
    }

    @Test
    void u006_is_analysed_inside_its_do_blocks_and_message_texts_are_ignored() {
        List<Script.Statement> st = Script.parse(AlphaPulseSchema.migrations().version("6").undoSql());
        List<Script.Effect> effects = st.stream().flatMap(s -> s.effects().stream()).toList();
        assertThat(effects).extracting(Script.Effect::kind).containsExactly(
                Script.Kind.LOCK_TABLE, Script.Kind.DROP_CONSTRAINT, Script.Kind.DROP_INDEX, Script.Kind.DROP_CONSTRAINT,
                Script.Kind.DROP_COLUMN, Script.Kind.ADD_UNIQUE);
        Script.Effect unique = effects.get(effects.size() - 1);
        assertThat(unique.table()).isEqualTo("users");
        assertThat(unique.name()).isEqualTo("uq_users_email");
        assertThat(unique.columns()).containsExactly("email");
        assertThat(effects.get(0)).extracting(Script.Effect::table, Script.Effect::lockMode)
                .containsExactly("users", "ACCESS EXCLUSIVE");
        assertThat(effects.get(4)).extracting(Script.Effect::table, Script.Effect::name).containsExactly("users", "tenant_id");
    }

    @Test
    void lock_statements_name_every_table_and_the_mode() {
        List<Script.Effect> effects = Script.parse("LOCK TABLE trades, public.positions IN SHARE ROW EXCLUSIVE MODE;").get(0).effects();
        assertThat(effects).extracting(Script.Effect::table, Script.Effect::lockMode).containsExactly(
                org.assertj.core.groups.Tuple.tuple("trades", "SHARE ROW EXCLUSIVE"),
                org.assertj.core.groups.Tuple.tuple("positions", "SHARE ROW EXCLUSIVE"));
    }

    @Test
    void timeout_settings_are_recognised_as_the_engines_own() {
        List<Script.Statement> st = Script.parse("SET LOCAL lock_timeout = '5s';\nSET statement_timeout = 0;\n"
                + "SET search_path = public;\nDROP TABLE IF EXISTS x;");
        assertThat(st).extracting(Script.Statement::engineSetting).containsExactly(true, true, false, false);
    }

    @Test
    void every_undo_script_drops_what_the_spec_says() {
        List<Script.Effect> u009 = effects("9");
        // children before parents, as an application inserting a trade locks trades and then its account
        List<String> lockOrder = List.of("trades", "positions", "portfolio_snapshots", "risk_metrics", "agent_signals", "audit_logs",
                "trading_accounts", "users");
        assertThat(u009.stream().filter(e -> e.kind() == Script.Kind.LOCK_TABLE).map(Script.Effect::table)).containsExactlyElementsOf(lockOrder);
        assertThat(u009.stream().filter(e -> e.kind() != Script.Kind.LOCK_TABLE))
                .hasSize(16).allMatch(e -> e.kind() == Script.Kind.DROP_INDEX && !e.concurrently());
        assertThat(effects("8").stream().filter(e -> e.kind() == Script.Kind.LOCK_TABLE).map(Script.Effect::table))
                .containsExactlyElementsOf(lockOrder);
        assertThat(effects("7").stream().filter(e -> e.kind() == Script.Kind.LOCK_TABLE).map(Script.Effect::table))
                .containsExactly("trades", "positions", "portfolio_snapshots", "risk_metrics", "agent_signals", "audit_logs",
                        "trading_accounts", "tenants");
        List<Script.Effect> u008 = effects("8");
        assertThat(u008.stream().filter(e -> e.kind() == Script.Kind.DROP_POLICY)).hasSize(32);
        assertThat(u008.stream().filter(e -> e.kind() == Script.Kind.ROW_SECURITY)).hasSize(16);
        assertThat(u008).anyMatch(e -> e.kind() == Script.Kind.DROP_ROLE && e.table().equals("rls_bypass_role"));
        List<Script.Effect> u007 = effects("7");
        assertThat(u007.stream().filter(e -> e.kind() == Script.Kind.DROP_COLUMN).map(Script.Effect::table))
                .containsExactlyInAnyOrder("trading_accounts", "trades", "positions", "portfolio_snapshots", "risk_metrics",
                        "agent_signals", "audit_logs");
        assertThat(effects("5")).extracting(Script.Effect::kind, Script.Effect::table)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Script.Kind.DROP_TABLE, "tenants"));
    }

    @Test
    void v009_builds_its_indexes_concurrently_and_v007_adds_tenant_id_columns() {
        List<Script.Effect> v009 = Script.parse(AlphaPulseSchema.migrations().version("9").migrationSql()).stream()
                .flatMap(s -> s.effects().stream()).toList();
        assertThat(v009).hasSize(16).allMatch(e -> e.kind() == Script.Kind.CREATE_INDEX && e.concurrently());
        assertThat(v009.get(0)).extracting(Script.Effect::name, Script.Effect::table)
                .containsExactly("idx_users_tenant_id_compound", "users");
        List<Script.Effect> v007 = Script.parse(AlphaPulseSchema.migrations().version("7").migrationSql()).stream()
                .flatMap(s -> s.effects().stream()).filter(e -> e.kind() == Script.Kind.ADD_COLUMN).toList();
        assertThat(v007).hasSize(7).allMatch(e -> e.name().equals("tenant_id"));
    }

    @Test
    void names_are_resolved_like_postgres_does() {
        assertThat(Script.name("public.Users")).isEqualTo("users");
        assertThat(Script.name("\"Mixed\"")).isEqualTo("Mixed");
        assertThat(Script.name("other.t")).isEqualTo("other.t");
    }

    private static List<Script.Effect> effects(String version) {
        return Script.parse(AlphaPulseSchema.migrations().version(version).undoSql()).stream().flatMap(s -> s.effects().stream()).toList();
    }

    private static List<Script.Kind> kinds(String sql) {
        return Script.parse(sql).stream().flatMap(s -> s.effects().stream()).map(Script.Effect::kind).toList();
    }

    @Test
    void dml_and_truncate_are_recognised_on_their_tables_and_look_alikes_are_not() {
        List<Script.Effect> effects = Script.parse("DELETE FROM public.accounts WHERE id > 3; UPDATE ONLY entries e SET memo = NULL; "
                + "TRUNCATE TABLE notes, tenants; DO $$ BEGIN DELETE FROM audit; END $$;")
                .stream().flatMap(s -> s.effects().stream()).toList();
        assertThat(effects).extracting(Script.Effect::kind, Script.Effect::table).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Script.Kind.DELETE_ROWS, "accounts"),
                org.assertj.core.groups.Tuple.tuple(Script.Kind.UPDATE_ROWS, "entries"),
                org.assertj.core.groups.Tuple.tuple(Script.Kind.TRUNCATE, "notes"),
                org.assertj.core.groups.Tuple.tuple(Script.Kind.TRUNCATE, "tenants"),
                org.assertj.core.groups.Tuple.tuple(Script.Kind.DELETE_ROWS, "audit"));
        assertThat(kinds("ALTER TABLE a ADD CONSTRAINT fk FOREIGN KEY (b) REFERENCES b (id) ON DELETE CASCADE ON UPDATE CASCADE; "
                + "GRANT UPDATE, DELETE, TRUNCATE ON a TO x; CREATE POLICY p ON a FOR UPDATE USING (true); "
                + "CREATE TRIGGER t BEFORE TRUNCATE ON a FOR EACH STATEMENT EXECUTE FUNCTION f(); "
                + "INSERT INTO a VALUES (1) ON CONFLICT (id) DO UPDATE SET b = excluded.b; SELECT 1 FROM a FOR UPDATE;"))
                .doesNotContain(Script.Kind.DELETE_ROWS, Script.Kind.UPDATE_ROWS, Script.Kind.TRUNCATE, Script.Kind.UNKNOWN);
    }

    @Test
    void statements_whose_effect_cannot_be_read_are_unknown() {
        assertThat(kinds("DO $$ BEGIN EXECUTE 'DROP TABLE ' || 'x'; END $$;")).contains(Script.Kind.UNKNOWN);
        assertThat(kinds("DO $$ BEGIN PERFORM cleanup(); END $$;")).contains(Script.Kind.UNKNOWN);
        assertThat(kinds("CALL cleanup();")).containsExactly(Script.Kind.UNKNOWN);
        assertThat(kinds("EXECUTE purge_plan;")).containsExactly(Script.Kind.UNKNOWN);
        assertThat(kinds("DROP SCHEMA reporting CASCADE;")).containsExactly(Script.Kind.UNKNOWN);
        assertThat(kinds("DROP TYPE mood CASCADE;")).containsExactly(Script.Kind.UNKNOWN);
        assertThat(kinds("DROP OWNED BY app;")).containsExactly(Script.Kind.UNKNOWN);
        assertThat(kinds("DROP TYPE mood; DROP SCHEMA reporting;")).isEmpty();
        // Checked by hand and marked: the marker says the statement destroys no data.
        assertThat(kinds("-- alphapulse:no-data\nDO $$ BEGIN PERFORM refresh_caches(); END $$;")).isEmpty();
        assertThat(kinds("DO $$ BEGIN PERFORM log('alphapulse:no-data'); END $$;")).as("in a string: no marker")
                .contains(Script.Kind.UNKNOWN);
        assertThat(kinds("-- reviewed for alphapulse:no-data-safety by ops\nCALL cleanup();")).as("only the exact marker counts")
                .contains(Script.Kind.UNKNOWN);
        // Code that changes rows without naming them: a function called by a SELECT, MERGE, a DROP TABLE ... CASCADE
        // (which also drops inheritance children and other tables' dependents).
        assertThat(kinds("SELECT purge_tenant_data();")).containsExactly(Script.Kind.UNKNOWN);
        assertThat(kinds("DO $$ DECLARE n int; BEGIN SELECT purge_tenant_data() INTO n; END $$;")).contains(Script.Kind.UNKNOWN);
        assertThat(kinds("MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE;")).contains(Script.Kind.UNKNOWN);
        assertThat(kinds("DROP TABLE parent CASCADE;")).contains(Script.Kind.UNKNOWN, Script.Kind.DROP_TABLE);
        assertThat(kinds("SELECT count(*) FROM t WHERE x IN (1, 2);")).as("plain reads stay known").isEmpty();
        assertThat(kinds("SELECT pg_sleep(1);")).as("the server's own functions write no table data").isEmpty();
        // A DO block of statements the engine reads (control flow, RAISE, SELECT INTO, DDL, GRANT/REVOKE, roles) is classified.
        assertThat(kinds("DO $$ DECLARE n bigint; BEGIN SELECT count(*) INTO n FROM t; IF n > 0 THEN RAISE EXCEPTION 'x %', n; "
                + "ELSIF n < 0 THEN n := 0; ELSE RAISE NOTICE 'ok'; END IF; FOR r IN SELECT 1 LOOP NULL; END LOOP; END $$;")).isEmpty();
    }

    @Test
    void alphapulse_undo_scripts_have_no_unknown_or_dml_statement() {
        for (var v : AlphaPulseSchema.migrations().versions()) {
            assertThat(kinds(v.undoSql())).as("undo of %s", v.label())
                    .doesNotContain(Script.Kind.UNKNOWN, Script.Kind.DELETE_ROWS, Script.Kind.UPDATE_ROWS, Script.Kind.TRUNCATE);
        }
    }
}
