package com.alphapulse.db.engine.internal;

import com.alphapulse.db.schema.AlphaPulseSchema;
import static org.assertj.core.api.Assertions.assertThat;

import com.alphapulse.db.engine.UndoScriptSource;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ErrorsTest {

    private static EngineSettings withSecret(String secret) {
        return new EngineSettings(null, "db:5432/x as u", secret, Duration.ofSeconds(1), Duration.ofSeconds(1), 0,
                Duration.ZERO, AlphaPulseSchema.migrations(), List.of("classpath:db/alphapulse/migration"), UndoScriptSource.of(AlphaPulseSchema.migrations()), null, null, m -> { });
    }

    @Test
    @DisplayName("a password of any length is scrubbed from messages, one or two characters included")
    void passwords_of_any_length_are_scrubbed() {
        assertThat(Errors.scrub(withSecret("q7"), "login q7 failed")).isEqualTo("login **** failed");
        assertThat(Errors.scrub(withSecret("Z"), "pw=Z")).isEqualTo("pw=****");
        assertThat(Errors.scrub(withSecret("a-long-secret"), "x a-long-secret y")).isEqualTo("x **** y");
        assertThat(Errors.scrub(withSecret(""), "unchanged")).isEqualTo("unchanged");
        assertThat(Errors.scrub(withSecret(null), "unchanged")).isEqualTo("unchanged");
    }

    @Test
    @DisplayName("the settings' toString masks the password and shows everything else")
    void settings_to_string_masks_the_secret() {
        String text = withSecret("S3cr3t-pw").toString();
        assertThat(text).doesNotContain("S3cr3t-pw").contains("secret=****").contains("db:5432/x as u").contains("lockRetries=0");
        assertThat(withSecret(null).toString()).contains("secret=null");
    }
}
