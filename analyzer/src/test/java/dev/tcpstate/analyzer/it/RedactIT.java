package dev.tcpstate.analyzer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tcpstate.testsupport.Exited;

/** {@code --redact} on real recordings of IPv4 and IPv6 loopback connections, in every output. */
class RedactIT {
    private static final Pattern LOOPBACK_LITERAL = Pattern.compile("127\\.0\\.0\\.1|::1|0:0:0:0:0:0:0:1");

    @TempDir
    static Path dir;
    static Path ipv4;
    static Path ipv6;

    @BeforeAll
    static void record() throws Exception {
        ipv4 = RealAgentIT.record(dir.resolve("v4.jfr"), List.of(), "close-wait", "3", "1200");
        ipv6 = RealAgentIT.record(dir.resolve("v6.jfr"), List.of("-Djava.net.preferIPv6Addresses=true"),
                "close-wait", "3", "1200");
        String plain = RealAgentIT.analyze("connections", ipv4.toString(), ipv6.toString()).stdout();
        assertTrue(plain.contains("127.0.0.1:") && plain.contains("[::1]:"), "both families recorded: " + plain);
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
