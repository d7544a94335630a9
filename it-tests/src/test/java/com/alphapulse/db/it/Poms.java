package com.alphapulse.db.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The reactor's POMs as the packaging tests read them: the parent's modules, each module's properties, the BOM's
 * managed dependencies. Read from the files rather than from the built jars, so a module that is not built yet (or
 * not on this module's classpath) is still seen.
 */
final class Poms {

    /** The repository root; surefire runs in it-tests/. */
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    record Module(String dir, String artifactId, String packaging, Map<String, String> properties) {
        boolean isJar() {
            return packaging.equals("jar");
        }

        /** Published for consumers: a library module does not opt out of its sources and javadoc jars. */
        boolean isLibrary() {
            return isJar() && !"true".equals(properties.get("maven.javadoc.skip"))
                    && !"true".equals(properties.get("maven.source.skip"));
        }

        Path target() {
            return ROOT.resolve(dir).resolve("target");
        }
    }

    record Managed(String groupId, String artifactId, String classifier, String version) {}

    private Poms() {}

    static Element read(Path pom) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document doc = factory.newDocumentBuilder().parse(Files.newInputStream(pom));
            return doc.getDocumentElement();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot parse " + pom, e);
        }
    }

    static Element parent() {
        return read(ROOT.resolve("pom.xml"));
    }

    static Element bom() {
        return read(ROOT.resolve("bom/pom.xml"));
    }

    /** The version of the parent, and so of every module. */
    static String version() {
        return version(parent());
    }

    static String version(Element pom) {
        return text(pom, "version").orElseThrow();
    }

    /** The parent's modules, except the BOM (no child of the parent, no jar). */
    static List<Module> modules() {
        List<Module> modules = new ArrayList<>();
        for (Element m : children(child(parent(), "modules").orElseThrow(), "module")) {
            String dir = m.getTextContent().strip();
            if (dir.equals("bom")) {
                continue;
            }
            Element pom = read(ROOT.resolve(dir).resolve("pom.xml"));
            modules.add(new Module(dir, text(pom, "artifactId").orElseThrow(), text(pom, "packaging").orElse("jar"),
                    properties(pom)));
        }
        return modules;
    }

    static Map<String, String> properties(Element pom) {
        Map<String, String> properties = new LinkedHashMap<>();
        child(pom, "properties").ifPresent(p -> children(p, null)
                .forEach(e -> properties.put(e.getTagName(), e.getTextContent().strip())));
        return properties;
    }

    static List<Managed> managed(Element pom) {
        List<Managed> managed = new ArrayList<>();
        Element deps = child(pom, "dependencyManagement").flatMap(d -> child(d, "dependencies")).orElseThrow();
        for (Element d : children(deps, "dependency")) {
            managed.add(new Managed(text(d, "groupId").orElseThrow(), text(d, "artifactId").orElseThrow(),
                    text(d, "classifier").orElse(""), text(d, "version").orElse("")));
        }
        return managed;
    }

    private static Optional<String> text(Element parent, String name) {
        return child(parent, name).map(e -> e.getTextContent().strip());
    }

    private static Optional<Element> child(Element parent, String name) {
        return children(parent, name).stream().findFirst();
    }

    /** Direct children only: getElementsByTagName would also find a dependency's artifactId for the project's. */
    private static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && (name == null || e.getTagName().equals(name))) {
                out.add(e);
            }
        }
        return out;
    }
}
