package dev.tcpstate.analyzer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tcpstate.testsupport.Exited;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/**
 * {@code --redact} on real recordings of IPv4 and IPv6 loopback connections, in every output; one of them
 * made on threads whose names carry a customer's id and a host name.
 */
class RedactIT {
    private static final Pattern LOOPBACK_LITERAL = Pattern.compile("127\\.0\\.0\\.1|::1|0:0:0:0:0:0:0:1");
    private static final String THREADS = "customer-4711@db.example.com";

    @TempDir
    static Path dir;
    static Path ipv4;
    static Path ipv6;
    static Path namedThreads;

    @BeforeAll
    static void record() throws Exception {
        ipv4 = RealAgentIT.record(dir.resolve("v4.jfr"), List.of(), "close-wait", "3", "1200");
        ipv6 = RealAgentIT.record(dir.resolve("v6.jfr"), List.of("-Djava.net.preferIPv6Addresses=true"),
                "close-wait", "3", "1200");
        String plain = RealAgentIT.analyze("connections", ipv4.toString(), ipv6.toString()).stdout();
        assertTrue(plain.contains("127.0.0.1:") && plain.contains("[::1]:"), "both families recorded: " + plain);
        namedThreads = RealAgentIT.record(dir.resolve("threads.jfr"), List.of("-Dscenario.threadNames=" + THREADS),
                "close-wait", "3", "1200");
    }

    /** The names of the threads tcpstate's events were recorded on. */
    private static Set<String> threadsOf(Path recording) throws Exception {
        Set<String> names = new TreeSet<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(recording)) {
            if (e.getEventType().getName().startsWith("tcpstate.") && e.getThread() != null) {
                names.add(e.getThread().getJavaName());
            }
        }
        return names;
    }

    @Test
    void noFormatShowsARecordedThreadName() throws Exception {
        Set<String> recorded = threadsOf(namedThreads);
        assertTrue(recorded.containsAll(Set.of(THREADS + " client", THREADS + " server")), recorded.toString());
        Set<String> scenario = new TreeSet<>(recorded);
        scenario.removeIf(name -> !name.startsWith(THREADS));
        List<String> outputs = new ArrayList<>();
        for (String format : List.of("text", "json", "junit", "html")) {
            List<String> args = List.of("report", namedThreads.toString(), "--close-wait-threshold", "1s",
                    "--format", format);
            String plain = run(args.toArray(String[]::new)).stdout();
            assertTrue(plain.contains(THREADS + " client"), format + " shows the thread without --redact: " + plain);
            List<String> redacted = new ArrayList<>(args);
            redacted.add("--redact");
            Exited r = run(redacted.toArray(String[]::new));
            assertTrue(r.stdout().contains("thread-name-1"), format + ": " + r.stdout());
            outputs.add(format + ":\n" + r.stdout() + r.stderr());
        }
        Exited connections = run("connections", namedThreads.toString(), "--redact");
        outputs.add("connections:\n" + connections.stdout() + connections.stderr());
        for (String output : outputs) {
            for (String name : scenario) {
                assertFalse(output.contains(name), name + " in " + output);
            }
            assertFalse(output.contains("customer-4711") || output.contains("example.com"), output);
        }
    }

    private static Exited run(String... args) throws Exception {
        Exited r = RealAgentIT.analyze(args);
        assertTrue(r.exitCode() == 0 || r.exitCode() == 1, r.stderr());
        return r;
    }

    @Test
    void noFormatShowsAnAddress() throws Exception {
        for (String format : List.of("text", "json", "junit", "html")) {
            Exited r = run("report", ipv4.toString(), ipv6.toString(), "--redact", "--close-wait-threshold", "1s",
                    "--format", format);
            assertFalse(LOOPBACK_LITERAL.matcher(r.stdout() + r.stderr()).find(), format + ": " + r.stdout());
            assertTrue(r.stdout().contains("loopback-1:"), format + ": " + r.stdout());
        }
        Exited connections = run("connections", ipv4.toString(), ipv6.toString(), "--redact");
        assertFalse(LOOPBACK_LITERAL.matcher(connections.stdout()).find(), connections.stdout());
        assertTrue(connections.stdout().matches("(?s).*#2 {2}loopback-\\d+:\\d+ -> loopback-\\d+:\\d+ .*"),
                connections.stdout());
    }

    @Test
    void twoRunsOnTheSameFileGiveTheSamePseudonyms() throws Exception {
        Exited first = run("connections", ipv6.toString(), "--redact");
        Exited second = run("connections", ipv6.toString(), "--redact");
        assertEquals(first.stdout(), second.stdout());
        Exited json1 = run("report", ipv4.toString(), "--redact", "--format", "json");
        Exited json2 = run("report", ipv4.toString(), "--redact", "--format", "json");
        assertEquals(json1.stdout(), json2.stdout());
    }

    @Test
    void portsAndCodeStay() throws Exception {
        String plain = run("report", ipv4.toString(), "--close-wait-threshold", "1s").stdout();
        String redacted = run("report", ipv4.toString(), "--close-wait-threshold", "1s", "--redact").stdout();
        assertEquals(plain.replace("127.0.0.1", "loopback-1"), redacted, "one loopback address, one pseudonym");
        assertTrue(redacted.contains("opened at " + RealAgentIT.SCENARIO + ".leakCloseWait:"), redacted);
    }
}
