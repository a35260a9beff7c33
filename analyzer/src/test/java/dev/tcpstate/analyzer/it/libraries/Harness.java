package dev.tcpstate.analyzer.it.libraries;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tcpstate.testsupport.ChildJvm;
import dev.tcpstate.testsupport.Exited;
import dev.tcpstate.testsupport.Running;

/**
 * Launch, analyse, look at the kernel: the child JVM of a {@link LibraryCase} under the real agent
 * jar (system property {@code tcpstate.agent.jar}), the real analyzer jar ({@code tcpstate.analyzer.jar})
 * with {@code java -jar}, and {@code ss -tan}. Every wait is bounded.
 */
final class Harness {
    static final String AGENT = System.getProperty("tcpstate.agent.jar");
    static final String ANALYZER = System.getProperty("tcpstate.analyzer.jar");
    static final long WAIT_SECONDS = 120;

    private Harness() {
    }

    /** {@code java -javaagent:<agent>=record=<jfr>,kernelInterval=500ms ... LibraryScenarios <case> <port>}. */
    static Running launch(Path jfr, LibraryCase c, int port) throws IOException {
        return ChildJvm.java().agent("record=" + jfr + ",kernelInterval=500ms").jvmArgs(c.jvmOptions)
                .testClasspath().main(LibraryScenarios.class, c.name(), Integer.toString(port)).start();
    }

    /** {@code java -jar <analyzer> args...}. */
    static Exited analyze(List<String> args) throws Exception {
        return ChildJvm.java().jar(Path.of(ANALYZER), args.toArray(new String[0])).run(Duration.ofSeconds(WAIT_SECONDS));
    }

    static JsonNode json(String out) throws IOException {
        return new ObjectMapper().readTree(out);
    }

    /** The heading lines of a text report: its first line, "Findings: …" / "No findings…", and each "[n] …". */
    static List<String> headings(String text) {
        List<String> h = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("Details")) {
                break;
            }
            if (line.startsWith("tcpstate report:") || line.startsWith("Findings:") || line.startsWith("No findings")
                    || line.matches("\\s+\\[\\d+\\] .*")) {
                h.add(line);
            }
        }
        return h;
    }

    /** One line of {@code ss -tan}: state as ss names it (ESTAB, CLOSE-WAIT, TIME-WAIT...). */
    record SsRow(String state, int localPort, int peerPort) {
    }

    /** {@code ss -tan}, parsed; {@code null} when {@code ss} cannot be run here. */
    static List<SsRow> ss() throws Exception {
        Process p;
        try {
            p = new ProcessBuilder("ss", "-tan").redirectErrorStream(true).start();
        } catch (IOException e) {
            return null;
        }
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("ss -tan failed: " + text);
        }
        List<SsRow> rows = new ArrayList<>();
        String[] lines = text.split("\n");
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].trim().split("\\s+");
            if (f.length >= 5) {
                rows.add(new SsRow(f[0], port(f[3]), port(f[4])));
            }
        }
        return rows;
    }

    private static int port(String endpoint) {
        String p = endpoint.substring(endpoint.lastIndexOf(':') + 1);
        return p.equals("*") ? 0 : Integer.parseInt(p);
    }
}
