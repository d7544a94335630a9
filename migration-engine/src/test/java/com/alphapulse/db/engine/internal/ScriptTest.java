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
}
