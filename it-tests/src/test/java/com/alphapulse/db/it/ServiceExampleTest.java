package com.alphapulse.db.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The README's "Using tenant-model from a service" shows code of the consumer project that consumer-it builds and
 * tests against the published artifacts, verbatim: each {@code // README:NAME:begin} … {@code end} block of its
 * sources, dedented, must appear in that section, so the page cannot drift from code that runs.
 */
class ServiceExampleTest {

    private static final Path PROJECT = Path.of("../consumer-it/src/it/trading-service/src");
    private static final Path README = Path.of("../README.md");
    private static final String SECTION = "## Using `tenant-model` from a service";
    private static final Pattern BLOCK =
            Pattern.compile("( *)// README:([a-z]+):begin\\n(.*?)\\n *// README:\\2:end", Pattern.DOTALL);

    @Test
    void every_marked_block_of_the_consumer_project_appears_verbatim_in_the_readme_section() throws IOException {
        Map<String, String> blocks = blocks();
        assertThat(blocks).as("blocks marked in %s", PROJECT).containsOnlyKeys("service", "test", "spring", "jdbc");
        String section = section();
        blocks.forEach((name, code) -> assertThat(section).as("README block %s", name).contains(code));
    }

    private static Map<String, String> blocks() throws IOException {
        Map<String, String> blocks = new LinkedHashMap<>();
        try (var files = Files.walk(PROJECT)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                Matcher m = BLOCK.matcher(Files.readString(file));
                while (m.find()) {
                    int indent = m.group(1).length();
                    blocks.put(m.group(2), m.group(3).lines()
                            .map(l -> l.length() >= indent ? l.substring(indent) : l.strip())
                            .collect(Collectors.joining("\n")));
                }
            }
        }
        return blocks;
    }

    private static String section() throws IOException {
        String readme = Files.readString(README);
        int start = readme.indexOf(SECTION);
        assertThat(start).as("README section %s", SECTION).isNotNegative();
        int end = readme.indexOf("\n## ", start + SECTION.length());
        return readme.substring(start, end < 0 ? readme.length() : end);
    }
}
