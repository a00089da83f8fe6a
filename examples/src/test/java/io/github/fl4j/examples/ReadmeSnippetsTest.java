package io.github.fl4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Every Java snippet of README.md compiles as written, against every module of the project: its {@code import} lines
 * go to the top of a generated class, the rest becomes the body of a method (local classes and records are allowed
 * there). A snippet is therefore complete: it declares what it uses. The minimal pom of the README names only modules
 * that exist and imports the BOM.
 */
class ReadmeSnippetsTest {

    private static final Pattern BLOCK = Pattern.compile("(?m)^```(java|xml)\\n(.*?)^```", Pattern.DOTALL);

    @TempDir
    Path out;

    static Path readme() {
        Path p = Path.of("..", "README.md").toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(p), "README.md not found at " + p);
        return p;
    }

    static List<String[]> blocks(String language) throws IOException {
        String text = Files.readString(readme(), StandardCharsets.UTF_8);
        List<String[]> found = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            if (m.group(1).equals(language)) {
                int line = text.substring(0, m.start()).split("\n", -1).length;
                found.add(new String[] {Integer.toString(line), m.group(2)});
            }
        }
        return found;
    }

    @TestFactory
    Stream<DynamicTest> everyJavaSnippetCompiles() throws IOException {
        List<String[]> snippets = blocks("java");
        assertFalse(snippets.isEmpty(), "README.md has no java snippet");
        return snippets.stream().map(s -> DynamicTest.dynamicTest("README line " + s[0],
                () -> {
                    String errors = compile(Integer.parseInt(s[0]), s[1]);
                    assertTrue(errors == null, errors);
                }));
    }

    /** The harness can fail: a snippet that uses a class it does not import is refused. */
    @Test
    void aSnippetWithoutItsImportDoesNotCompile() throws IOException {
        String errors = compile(1, "FedAvg f = FedAvg.builder().build();");
        assertTrue(errors != null && errors.contains("FedAvg"), String.valueOf(errors));
        assertTrue(compile(2, "import io.github.fl4j.algorithms.fedavg.FedAvg;\n"
                + "FedAvg f = FedAvg.builder().localSteps(1, 1).localLearningRate(0.1).build();") == null);
    }

    /** The source of the class a snippet becomes. */
    static String wrap(String name, String snippet) {
        StringBuilder imports = new StringBuilder();
        StringBuilder body = new StringBuilder();
        for (String line : snippet.split("\n", -1)) {
            if (line.startsWith("import ")) {
                imports.append(line).append('\n');
            } else {
                body.append("        ").append(line).append('\n');
            }
        }
        return imports + "\n@SuppressWarnings(\"all\")\nclass " + name + " {\n"
                + "    static void snippet() throws Exception {\n" + body + "    }\n}\n";
    }

    /** Compiles one snippet; null when it compiles, else the compiler's messages and the generated source. */
    private String compile(int line, String snippet) throws IOException {
        String name = "ReadmeLine" + line;
        String source = wrap(name, snippet);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
            JavaFileObject unit = new SimpleJavaFileObject(URI.create("string:///" + name + ".java"),
                    JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return source;
                }
            };
            StringWriter messages = new StringWriter();
            boolean ok = javac.getTask(messages, files, diagnostics,
                    List.of("-classpath", classPath(), "-d", out.toString(), "-proc:none", "--release", "17"),
                    null, List.of(unit)).call();
            StringBuilder report = new StringBuilder();
            diagnostics.getDiagnostics().forEach(d -> report.append("\n  snippet line ")
                    .append(d.getLineNumber()).append(": ").append(d.getMessage(null)));
            return ok ? null : "the README snippet at line " + line + " does not compile:" + report + messages
                    + "\n--- as compiled:\n" + source;
        }
    }

    /** The test class path; Surefire may hide it in a manifest-only jar. */
    static String classPath() throws IOException {
        String cp = System.getProperty("java.class.path");
        String[] parts = cp.split(File.pathSeparator);
        if (parts.length == 1 && parts[0].endsWith(".jar") && parts[0].contains("surefire")) {
            try (JarFile jar = new JarFile(parts[0])) {
                Manifest mf = jar.getManifest();
                String entries = mf.getMainAttributes().getValue("Class-Path");
                List<String> paths = new ArrayList<>();
                for (String url : entries.trim().split("\\s+")) {
                    paths.add(Path.of(URI.create(url.startsWith("file:") ? url : "file:" + url)).toString());
                }
                return String.join(File.pathSeparator, paths);
            }
        }
        return cp;
    }

    @Test
    void theMinimalPomImportsTheBomAndNamesRealModules() throws Exception {
        List<String[]> poms = blocks("xml");
        assertEquals(1, poms.size(), "README.md should have exactly one xml block (the minimal pom)");
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new java.io.ByteArrayInputStream(poms.get(0)[1].getBytes(StandardCharsets.UTF_8)));
        NodeList deps = doc.getElementsByTagName("dependency");
        boolean bom = false;
        int fl4j = 0;
        for (int i = 0; i < deps.getLength(); i++) {
            Element dep = (Element) deps.item(i);
            String group = text(dep, "groupId");
            String artifact = text(dep, "artifactId");
            if (!group.equals("io.github.fl4j")) {
                continue;
            }
            assertTrue(Files.isRegularFile(Path.of("..", artifact, "pom.xml")),
                    "the minimal pom names " + artifact + ", which is not a module of this repository");
            if ("import".equals(text(dep, "scope"))) {
                bom = artifact.equals("fl4j-bom") && "pom".equals(text(dep, "type"));
            } else {
                fl4j++;
            }
        }
        assertTrue(bom, "the minimal pom must import fl4j-bom (type pom, scope import)");
        assertTrue(fl4j > 0, "the minimal pom must depend on at least one fl4j module");
    }

    private static String text(Element parent, String tag) {
        NodeList nodes = parent.getElementsByTagName(tag);
        return nodes.getLength() == 0 ? "" : nodes.item(0).getTextContent().trim();
    }
}
