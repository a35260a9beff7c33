package dev.tcpstate.analyzer.it.libraries;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Launch, analyse, look at the kernel: the child JVM of a {@link LibraryCase} under the real agent
 * jar (system property {@code tcpstate.agent.jar}), the real analyzer jar ({@code tcpstate.analyzer.jar})
 * with {@code java -jar}, and {@code ss -tan}. Every wait is bounded.
 */
final class Harness {
    static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    static final String AGENT = System.getProperty("tcpstate.agent.jar");
    static final String ANALYZER = System.getProperty("tcpstate.analyzer.jar");
    static final long WAIT_SECONDS = 120;

    private Harness() {
    }

    /** A running child: its output, line by line, and its standard input. */
    static final class Child implements AutoCloseable {
        final Process process;
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final StringBuilder out = new StringBuilder();
        final Path err;

        Child(Process process, Path err) {
            this.process = process;
            this.err = err;
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        synchronized (out) {
                            out.append(line).append('\n');
                        }
                        lines.add(line);
                    }
                } catch (IOException e) {
                    // the child is gone
                }
            }, "child-stdout");
            reader.setDaemon(true);
            reader.start();
        }

        /** Waits for a line starting with {@code prefix}; fails with the child's output if it never comes. */
        String await(String prefix) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (System.nanoTime() < deadline) {
                String line = lines.poll(1, TimeUnit.SECONDS);
                if (line != null && line.startsWith(prefix)) {
                    return line;
                }
                if (line == null && !process.isAlive() && lines.isEmpty()) {
                    break;
                }
            }
            throw new AssertionError("no '" + prefix + "' from the child; it printed:\n" + output());
        }

        void tell(String line) throws IOException {
            OutputStream in = process.getOutputStream();
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        }

        int awaitExit() throws Exception {
            if (!process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("the child did not exit:\n" + output());
            }
            return process.exitValue();
        }

        String output() throws IOException {
            synchronized (out) {
                return out + "--- stderr ---\n" + Files.readString(err);
            }
        }

        @Override
        public void close() throws IOException {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
            Files.deleteIfExists(err);
        }
    }

    /** {@code java -javaagent:<agent>=record=<jfr>,kernelInterval=500ms ... LibraryScenarios <case> <port>}. */
    static Child launch(Path jfr, LibraryCase c, int port) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(JAVA, "-javaagent:" + AGENT + "=record=" + jfr + ",kernelInterval=500ms"));
        cmd.addAll(c.jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), LibraryScenarios.class.getName(),
                c.name(), Integer.toString(port)));
        Path err = Files.createTempFile("tcpstate-libraries-err", ".txt");
        return new Child(new ProcessBuilder(cmd).redirectError(err.toFile()).start(), err);
    }

    record Result(int code, String out, String err) {
    }

    /** {@code java -jar <analyzer> args...}. */
    static Result analyze(List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(JAVA, "-jar", ANALYZER));
        cmd.addAll(args);
        Path out = Files.createTempFile("tcpstate-libraries-out", ".txt");
        Path err = Files.createTempFile("tcpstate-libraries-err", ".txt");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("the analyzer did not finish: " + cmd);
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
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
