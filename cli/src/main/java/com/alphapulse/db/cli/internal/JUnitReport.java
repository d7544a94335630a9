package com.alphapulse.db.cli.internal;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/** A JUnit XML report, one test case per check, for CI systems. */
final class JUnitReport {

    record Case(String className, String name, boolean passed, String message, Duration time) {}

    private final String suite;
    private final List<Case> cases = new ArrayList<>();

    JUnitReport(String suite) {
        this.suite = suite;
    }

    JUnitReport add(String className, String name, boolean passed, String message, Duration time) {
        cases.add(new Case(className, name, passed, message == null ? "" : message, time == null ? Duration.ZERO : time));
        return this;
    }

    void write(Path file) {
        StringWriter w = new StringWriter();
        try {
            XMLStreamWriter x = XMLOutputFactory.newFactory().createXMLStreamWriter(w);
            x.writeStartDocument("UTF-8", "1.0");
            x.writeStartElement("testsuite");
            x.writeAttribute("name", suite);
            x.writeAttribute("tests", String.valueOf(cases.size()));
            x.writeAttribute("failures", String.valueOf(cases.stream().filter(c -> !c.passed()).count()));
            x.writeAttribute("errors", "0");
            x.writeAttribute("skipped", "0");
            x.writeAttribute("time", seconds(cases.stream().map(Case::time).reduce(Duration.ZERO, Duration::plus)));
            for (Case c : cases) {
                x.writeStartElement("testcase");
                x.writeAttribute("classname", c.className());
                x.writeAttribute("name", c.name());
                x.writeAttribute("time", seconds(c.time()));
                if (!c.passed()) {
                    x.writeStartElement("failure");
                    x.writeAttribute("message", firstLine(c.message()));
                    x.writeCharacters(c.message());
                    x.writeEndElement();
                }
                x.writeEndElement();
            }
            x.writeEndElement();
            x.writeEndDocument();
            x.close();
        } catch (XMLStreamException e) {
            throw new UncheckedIOException(new IOException("cannot write " + file + ": " + e.getMessage(), e));
        }
        Output.writeFile(file, w.toString());
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.3f", d.toNanos() / 1e9);
    }
}
