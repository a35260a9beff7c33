package dev.tcpstate.agent.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostTcpStatsTest {

    @Test
    void readsTheTimeWaitCountAndThePortRange(@TempDir Path dir) throws IOException {
        Path sockstat = Files.writeString(dir.resolve("sockstat"), "sockets: used 12\n"
                + "TCP: inuse 1 orphan 0 tw 2345 alloc 1 mem 226\nUDP: inuse 0 mem 0\n");
        Path range = Files.writeString(dir.resolve("range"), "32768\t60999\n");
        HostTcpStats stats = new HostTcpStats(sockstat, range);
        assertEquals(2345, stats.timeWaitCount());
        assertEquals(32768, stats.ephemeralPortLow());
        assertEquals(60999, stats.ephemeralPortHigh());
    }

    @Test
    void missingFilesGiveMinusOne(@TempDir Path dir) {
        HostTcpStats stats = new HostTcpStats(dir.resolve("none"), dir.resolve("none either"));
        assertEquals(-1, stats.timeWaitCount());
        assertEquals(-1, stats.ephemeralPortLow());
        assertEquals(-1, stats.ephemeralPortHigh());
    }

    @Test
    void agreesWithThisKernelsFiles() throws IOException {
        Path range = Paths.get("/proc/sys/net/ipv4/ip_local_port_range");
        assumeTrue(Files.isReadable(range), "skipped: not Linux");
        // not Files.readString: it reads a size-0 sysctl file one byte first, and sysctl then ends the file
        String[] expected;
        try (java.io.InputStream in = new java.io.FileInputStream(range.toFile())) {
            expected = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).trim().split("\\s+");
        }
        HostTcpStats stats = HostTcpStats.ofThisProcess();
        assertEquals(Integer.parseInt(expected[0]), stats.ephemeralPortLow());
        assertEquals(Integer.parseInt(expected[1]), stats.ephemeralPortHigh());
        assertTrue(stats.timeWaitCount() >= 0);
    }
}
