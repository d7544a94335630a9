package com.alphapulse.db.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** Proves the CLI's writers mask every form of password a message can carry, and nothing else. */
class RedactingTest {

    @Test
    void passwordsInUrlsParametersAndRoleClausesAreMasked() {
        assertThat(Redacting.redact("cannot connect to jdbc:postgresql://migrator:s3cr%21t@db:5432/app: refused"))
                .isEqualTo("cannot connect to jdbc:postgresql://migrator:****@db:5432/app: refused");
        assertThat(Redacting.redact("postgres://migrator:pw@db1,db2/app?sslmode=require"))
                .isEqualTo("postgres://migrator:****@db1,db2/app?sslmode=require");
        assertThat(Redacting.redact("jdbc:postgresql://db/app?user=m&password=hunter2&ssl=true"))
                .isEqualTo("jdbc:postgresql://db/app?user=m&password=****&ssl=true");
        assertThat(Redacting.redact("CREATE ROLE x LOGIN PASSWORD 'it''s secret' VALID UNTIL 'infinity'"))
                .isEqualTo("CREATE ROLE x LOGIN PASSWORD '****' VALID UNTIL 'infinity'");
        assertThat(Redacting.redact("jdbc:postgresql://migrator:Ab/9+xQ==@db/app")).isEqualTo("jdbc:postgresql://migrator:****@db/app");
        assertThat(Redacting.redact("postgres://m:p@ss@h:5432/app failed")).isEqualTo("postgres://m:****@h:5432/app failed");
        assertThat(Redacting.redact("postgresql://:pw@h1:5432,h2:5433/app")).isEqualTo("postgresql://:****@h1:5432,h2:5433/app");
        assertThat(Redacting.redact("postgresql://m:p%40ss@[::1]:5432/app?sslpassword=k")).isEqualTo("postgresql://m:****@[::1]:5432/app?sslpassword=****");
        assertThat(Redacting.redact("jdbc:postgresql://db:5432/app as migrator")).isEqualTo("jdbc:postgresql://db:5432/app as migrator");
        assertThat(Session.withoutQuery("jdbc:postgresql://m:Ab/9@db/app?password=x")).isEqualTo("jdbc:postgresql://db/app");
    }

    @Test
    void aGivenPasswordIsMaskedWhereverItAppearsEvenAcrossWrites() {
        Redacting.secret("Zq9-unique-pass");
        StringWriter sink = new StringWriter();
        PrintWriter w = new PrintWriter(new Redacting(sink), true);
        w.print("error: authentication failed for Zq9-uni");
        w.print("que-pass, see log");
        w.println();
        w.print("prompt without newline Zq9-unique-pass");
        w.flush();
        assertThat(sink.toString()).isEqualTo("error: authentication failed for ****, see log" + System.lineSeparator()
                + "prompt without newline ****");
    }
}
