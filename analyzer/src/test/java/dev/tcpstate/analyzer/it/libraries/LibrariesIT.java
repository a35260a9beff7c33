package dev.tcpstate.analyzer.it.libraries;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tcpstate.testsupport.Exited;
import dev.tcpstate.testsupport.Running;

/**
 * The real networking libraries under the real agent: for each client, connections it keeps open
 * after the server closed them (CLOSE_WAIT_LINGER, "opened at": an idle pool that never reads them,
 * or, where the pool does watch its idle connections, a response body never read) and a connection
 * per request that the client closes first (TIME_WAIT_ACCUMULATION, "closed at"). The finding must
 * name the scenario's own method ({@link LibraryScenarios}) as the application frame, the library it
 * went through, and exactly the connections {@code ss} showed in that state. A pool that closes the
 * idle connections the server closed must leave neither a CLOSE-WAIT in ss nor a finding.
 *
 * <p>The text report's heading lines of every case are printed and kept in
 * {@code target/library-reports/jdk<N>/<case>.txt} (with the recording, {@code <case>.jfr}), passing
 * or not. {@code -Dlibraries.cases=OKHTTP_POOL_LEAK,...} runs only the cases named.
 */
class LibrariesIT {
    private static final java.time.Duration WAIT = java.time.Duration.ofSeconds(Harness.WAIT_SECONDS);
    /** The server's keep-alive idle timeout in the leak cases. */
    static final long SERVER_IDLE_MILLIS = 300;
    /** How long the leak cases hold their idle pool after the requests: past the 5 s CLOSE_WAIT threshold. */
    static final long HOLD_MILLIS = 7_000;

    /** Where every case's recording and report are kept: target/library-reports/jdk<N>/. */
    static final Path KEPT = Path.of("target", "library-reports", "jdk" + Runtime.version().feature())
            .toAbsolutePath();

    /** The cases: all, or those named (comma-separated) by the system property {@code libraries.cases}. */
    static Stream<LibraryCase> cases() {
        String only = System.getProperty("libraries.cases", "").trim();
        if (only.isEmpty()) {
            return Stream.of(LibraryCase.values());
        }
        return Stream.of(only.split(",")).map(String::trim).map(LibraryCase::valueOf);
    }

    @BeforeAll
    static void jars() throws Exception {
        Files.createDirectories(KEPT);
        assertTrue(Harness.AGENT != null && Files.isRegularFile(Path.of(Harness.AGENT)), "agent jar " + Harness.AGENT);
        assertTrue(Harness.ANALYZER != null && Files.isRegularFile(Path.of(Harness.ANALYZER)),
                "analyzer jar " + Harness.ANALYZER);
        Assumptions.assumeTrue(Harness.ss() != null, "ss (iproute2) cannot be run here: no kernel truth to compare");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theFindingNamesTheScenarioMethodAndTheLibrary(LibraryCase c) throws Exception {
        if (c.needsEpoll()) {
            Assumptions.assumeTrue(io.netty.channel.epoll.Epoll.isAvailable(),
                    () -> "Netty's epoll transport is not available here: " + io.netty.channel.epoll.Epoll.unavailabilityCause());
        }
        switch (c.kind) {
            case LEAK, HEALED -> leak(c);
            case STORM -> storm(c);
        }
    }

    private void leak(LibraryCase c) throws Exception {
        Path jfr = KEPT.resolve(c + ".jfr");
        Files.deleteIfExists(jfr);
        Server server = TestServers.jetty(SERVER_IDLE_MILLIS, LibraryScenarios.PARALLEL);
        int port = TestServers.port(server);
        Set<Integer> closeWait;
        String childOut;
        try (Running child = Harness.launch(jfr, c, port)) {
            child.awaitLine("READY", WAIT);
            Thread.sleep(HOLD_MILLIS); // the pool idle, the server's FINs in; not an assertion on time
            closeWait = ports(Harness.ss(), "CLOSE-WAIT", port);
            child.send("exit");
            Exited exited = child.finish(WAIT);
            assertEquals(0, exited.exitCode(), exited.stderr());
            childOut = exited.stdout() + "--- stderr ---\n" + exited.stderr();
        } finally {
            server.stop();
        }
        List<String> options = List.of();
        String text = report(c, jfr, options, childOut, "ss CLOSE-WAIT (client side): " + closeWait);
        List<JsonNode> findings = findings(jfr, options, "CLOSE_WAIT_LINGER");

        if (c.kind == LibraryCase.Kind.HEALED) {
            int seen = connectionsSeen(jfr);
            assertAll(() -> assertEquals(Set.of(), closeWait, "ss CLOSE-WAIT of the client's\n" + text),
                    () -> assertEquals(List.of(), findings, "CLOSE_WAIT_LINGER findings\n" + text),
                    () -> assertTrue(seen >= LibraryScenarios.PARALLEL,
                            "the recording holds " + seen + " connections, not the client's " + LibraryScenarios.PARALLEL
                                    + "\n" + text));
            return;
        }
        assertFalse(closeWait.isEmpty(), "ss showed none of the client's connections in CLOSE-WAIT: the library"
                + " closed them itself\n" + text);
        assertSites(c, findings, closeWait, "CLOSE_WAIT_LINGER", text);
    }

    private void storm(LibraryCase c) throws Exception {
        Path jfr = KEPT.resolve(c + ".jfr");
        Files.deleteIfExists(jfr);
        Set<Integer> clientTimeWait;
        Set<Integer> serverTimeWait;
        String childOut;
        try (TestServers.KeepOpen server = new TestServers.KeepOpen()) {
            int port = server.port();
            try (Running child = Harness.launch(jfr, c, port)) {
                child.awaitLine("DONE", WAIT);
                Exited exited = child.finish(WAIT);
                assertEquals(0, exited.exitCode(), exited.stderr());
                childOut = exited.stdout() + "--- stderr ---\n" + exited.stderr();
            }
            List<Harness.SsRow> rows = Harness.ss();
            clientTimeWait = ports(rows, "TIME-WAIT", port);
            serverTimeWait = rows.stream().filter(r -> r.state().equals("TIME-WAIT") && r.localPort() == port)
                    .map(Harness.SsRow::peerPort).collect(Collectors.toCollection(TreeSet::new));
        }
        List<String> options = List.of("--time-wait-threshold", "100");
        String text = report(c, jfr, options, childOut, "ss TIME-WAIT client side: " + clientTimeWait.size()
                + ", server side: " + serverTimeWait.size());
        List<JsonNode> findings = findings(jfr, options, "TIME_WAIT_ACCUMULATION");

        assertTrue(clientTimeWait.size() >= 100, "the client closed first on only " + clientTimeWait.size()
                + " connections (ss TIME-WAIT, local port = the client's)\n" + text);
        assertTrue(serverTimeWait.isEmpty(), "the server closed first on " + serverTimeWait.size() + " connections\n" + text);
        assertSites(c, findings, clientTimeWait, "TIME_WAIT_ACCUMULATION", text);
    }

    /** The findings cover exactly the ports ss showed, and each names the scenario's method and the library. */
    private static void assertSites(LibraryCase c, List<JsonNode> findings, Set<Integer> ssPorts, String type,
            String text) {
        assertFalse(findings.isEmpty(), "no " + type + " finding\n" + text);
        Set<Integer> found = new TreeSet<>();
        List<Executable> checks = new ArrayList<>();
        for (JsonNode f : findings) {
            f.get("connections").forEach(conn -> found.add(port(conn.get("local").asText())));
            JsonNode site = f.get("site");
            checks.add(() -> assertTrue(site.get("frame").asText().startsWith(c.frame()),
                    "site.frame " + site.get("frame") + " is not " + c.frame() + "…; site " + site + "\n" + text));
            checks.add(() -> assertEquals(c.library, site.get("library").asText(), "site.library; site " + site + "\n" + text));
        }
        checks.add(() -> assertEquals(ssPorts, found, "the finding's local ports against ss's\n" + text));
        assertAll(checks);
    }

    /** Runs {@code report <jfr>} (text), prints and keeps its heading lines with what the child said; returns the text. */
    private static String report(LibraryCase c, Path jfr, List<String> options, String childOut, String kernel)
            throws Exception {
        List<String> args = new ArrayList<>(List.of("report", jfr.toString()));
        args.addAll(options);
        Exited r = Harness.analyze(args);
        assertTrue(r.exitCode() == 0 || r.exitCode() == 1, "analyzer exit " + r.exitCode() + ": " + r.stderr());
        StringBuilder summary = new StringBuilder("== " + c + " (JDK " + Runtime.version().feature() + ")\n");
        childOut.lines().filter(l -> l.startsWith("TRANSPORT")).distinct().forEach(l -> summary.append(l).append('\n'));
        summary.append(kernel).append('\n');
        Harness.headings(r.stdout()).forEach(l -> summary.append(l).append('\n'));
        System.out.print(summary);
        Files.writeString(KEPT.resolve(c + ".txt"), summary + "\n" + r.stdout());
        return summary.toString();
    }

    private static JsonNode jsonReport(Path jfr, List<String> options) throws Exception {
        List<String> args = new ArrayList<>(List.of("report", jfr.toString(), "--format", "json"));
        args.addAll(options);
        Exited r = Harness.analyze(args);
        assertTrue(r.exitCode() == 0 || r.exitCode() == 1, "analyzer exit " + r.exitCode() + ": " + r.stderr());
        return Harness.json(r.stdout());
    }

    private static int connectionsSeen(Path jfr) throws Exception {
        return jsonReport(jfr, List.of()).get("connections").get("total").asInt();
    }

    private static List<JsonNode> findings(Path jfr, List<String> options, String type) throws Exception {
        List<JsonNode> list = new ArrayList<>();
        jsonReport(jfr, options).get("findings").forEach(f -> {
            if (f.get("type").asText().equals(type)) {
                list.add(f);
            }
        });
        return list;
    }

    /** The client's local ports of its connections to {@code serverPort} in {@code state}. */
    private static Set<Integer> ports(List<Harness.SsRow> rows, String state, int serverPort) {
        return rows.stream().filter(r -> r.state().equals(state) && r.peerPort() == serverPort)
                .map(Harness.SsRow::localPort).collect(Collectors.toCollection(TreeSet::new));
    }

    private static int port(String endpoint) {
        return Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
    }
}
