package com.alphapulse.db.cli.internal;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Timeouts and retries: a bad flag is a usage error (exit 2), a bad ALPHAPULSE_* or file value a config error (exit 9). */
class EngineOptionsTest {

    @TempDir
    Path dir;

    final Map<String, String> vars = new HashMap<>();

    EngineOptions resolved(EngineOptions o, ConfigFile file) {
        o.staleAfterSeconds = 60; // picocli's default, which a bare instance lacks
        o.resolve(new Environment(vars, dir, dir, "osuser"), file);
        o.validate();
        return o;
    }

    @Test
    @DisplayName("NaN, infinite and sub-millisecond timeouts are refused, from a flag as from a variable")
    void timeouts_must_be_finite_and_at_least_a_millisecond() {
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, 0.0001, 0, -1}) {
            EngineOptions o = new EngineOptions();
            o.lockTimeoutSeconds = bad;
            assertThatThrownBy(() -> resolved(o, ConfigFile.NONE)).as("%s", bad).isInstanceOf(UsageException.class)
                    .hasMessageContaining("--lock-timeout");
            EngineOptions s = new EngineOptions();
            s.statementTimeoutSeconds = bad;
            assertThatThrownBy(() -> resolved(s, ConfigFile.NONE)).as("%s", bad).isInstanceOf(UsageException.class)
                    .hasMessageContaining("--statement-timeout");
        }
        EngineOptions ok = new EngineOptions();
        ok.lockTimeoutSeconds = 0.001;
        assertThatCode(() -> resolved(ok, ConfigFile.NONE)).doesNotThrowAnyException();
        for (String bad : List.of("NaN", "Infinity", "0", "0.0001")) {
            vars.put("ALPHAPULSE_STATEMENT_TIMEOUT", bad);
            assertThatThrownBy(() -> resolved(new EngineOptions(), ConfigFile.NONE)).as(bad).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("ALPHAPULSE_STATEMENT_TIMEOUT").hasMessageNotContaining("--statement-timeout");
        }
    }

    @Test
    @DisplayName("out-of-range ALPHAPULSE_LOCK_* values and file keys name the variable or key and exit 9; flags keep exit 2")
    void env_and_file_values_name_their_source() throws Exception {
        vars.put("ALPHAPULSE_LOCK_RETRIES", "-1");
        assertThatThrownBy(() -> resolved(new EngineOptions(), ConfigFile.NONE)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("ALPHAPULSE_LOCK_RETRIES").hasMessageNotContaining("--lock-retries");
        vars.clear();
        vars.put("ALPHAPULSE_LOCK_TIMEOUT", "0");
        assertThatThrownBy(() -> resolved(new EngineOptions(), ConfigFile.NONE)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("ALPHAPULSE_LOCK_TIMEOUT").hasMessageNotContaining("--lock-timeout");
        vars.clear();
        Path conf = Files.writeString(dir.resolve("alphapulse.conf"), "lock-retries = -2\nlock-timeout = 1\n");
        assertThatThrownBy(() -> resolved(new EngineOptions(), ConfigFile.load(conf, null))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'lock-retries' in " + conf + ":1");
        EngineOptions flag = new EngineOptions();
        flag.lockRetries = -1;
        assertThatThrownBy(() -> resolved(flag, ConfigFile.NONE)).isInstanceOf(UsageException.class)
                .hasMessageContaining("--lock-retries");
    }
}
