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

import dev.tcpstate.analyzer.it.RealAgentIT.Result;

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
        String plain = RealAgentIT.analyze("connections", ipv4.toString(), ipv6.toString()).out();
        assertTrue(plain.contains("127.0.0.1:") && plain.contains("[::1]:"), "both families recorded: " + plain);
    }

    private static Result run(String... args) throws Exception {
        Result r = RealAgentIT.analyze(args);
        assertTrue(r.code() == 0 || r.code() == 1, r.err());
        return r;
    }

    @Test
    void noFormatShowsAnAddress() throws Exception {
        for (String format : List.of("text", "json", "junit", "html")) {
            Result r = run("report", ipv4.toString(), ipv6.toString(), "--redact", "--close-wait-threshold", "1s",
                    "--format", format);
            assertFalse(LOOPBACK_LITERAL.matcher(r.out() + r.err()).find(), format + ": " + r.out());
            assertTrue(r.out().contains("loopback-1:"), format + ": " + r.out());
        }
        Result connections = run("connections", ipv4.toString(), ipv6.toString(), "--redact");
        assertFalse(LOOPBACK_LITERAL.matcher(connections.out()).find(), connections.out());
        assertTrue(connections.out().matches("(?s).*#2 {2}loopback-\\d+:\\d+ -> loopback-\\d+:\\d+ .*"),
                connections.out());
    }

    @Test
    void twoRunsOnTheSameFileGiveTheSamePseudonyms() throws Exception {
        Result first = run("connections", ipv6.toString(), "--redact");
        Result second = run("connections", ipv6.toString(), "--redact");
        assertEquals(first.out(), second.out());
        Result json1 = run("report", ipv4.toString(), "--redact", "--format", "json");
        Result json2 = run("report", ipv4.toString(), "--redact", "--format", "json");
        assertEquals(json1.out(), json2.out());
    }

    @Test
    void portsAndCodeStay() throws Exception {
        String plain = run("report", ipv4.toString(), "--close-wait-threshold", "1s").out();
        String redacted = run("report", ipv4.toString(), "--close-wait-threshold", "1s", "--redact").out();
        assertEquals(plain.replace("127.0.0.1", "loopback-1"), redacted, "one loopback address, one pseudonym");
        assertTrue(redacted.contains("opened at " + RealAgentIT.SCENARIO + ".leakCloseWait:"), redacted);
    }
}
