package com.alphapulse.db.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Text tables: columns as wide as their widest cell, whatever the values' lengths. */
class TextTest {

    @Test
    @DisplayName("every column starts at the same offset on every line; numbers are right-aligned")
    void table_columns_are_aligned() {
        StringWriter s = new StringWriter();
        PrintWriter w = new PrintWriter(s);
        Text.table(w, List.of(new String[] {"id", "db user", "rows", "message"},
                new String[] {"1", "a_very_long_migration_user", "7", "x"},
                new String[] {"1234", "u", "1000000", "longer text"}), Set.of(0, 2));
        w.flush();
        List<String> lines = s.toString().lines().toList();
        assertThat(lines).containsExactly(
                "  id  db user                        rows  message",
                "   1  a_very_long_migration_user        7  x",
                "1234  u                           1000000  longer text");
    }
}
