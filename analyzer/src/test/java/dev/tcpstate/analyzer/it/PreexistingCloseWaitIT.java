package dev.tcpstate.analyzer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tcpstate.testsupport.Artifacts;
import dev.tcpstate.testsupport.ChildJvm;
import dev.tcpstate.testsupport.Exited;
import dev.tcpstate.testsupport.Running;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/**
 * Issue 16, "age of what was there before us": a JVM holds 5 client connections whose peer closed them
 * (CLOSE_WAIT) for 8 s before the agent is attached to it with the real command line; the recording
 * dumped as soon as it holds their discovery says how long they had been in CLOSE_WAIT, and the real
 * analyzer reports them at once with the default 5 s threshold. On JDK 22+ (the netlink reader, with
 * native access enabled as the README says) the age is the kernel's, checked against the moments the
 * FINs were sent; on JDK 17 to 21 ({@code /proc}: no age) the stays are lower bounds, said as such.
 */
class PreexistingCloseWaitIT {
    static final Duration WAIT = Duration.ofSeconds(120);
    static final int CONNECTIONS = 5;
    static final long HELD_BEFORE_ATTACH_MILLIS = 8_000;
    /** Wall clock against the kernel's jiffies and JFR's ticks. */
    static final long CLOCK_SLACK_MILLIS = 25;

    @TempDir
    static Path dir;
    static boolean kernelAges;
    static long beforeFin;
    static long afterFin;
    static long attachStarted;
    static long dumped;
    static Set<Integer> ports = new TreeSet<>();
    /** The discovery event of each client port. */
    static Map<Integer, RecordedEvent> discovered = new HashMap<>();
    static Path dump;

    @BeforeAll
    static void attachToAJvmThatHasHeldCloseWaitFor8Seconds() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/self/net/tcp6")), "skipped: this OS has no /proc/self/net/tcp6");
        int feature = ChildJvm.featureVersion();
        kernelAges = feature >= 22;
        List<String> jvmArgs = new ArrayList<>();
        if (feature >= 21) {
            jvmArgs.add("-XX:+EnableDynamicAgentLoading");
        }
        if (kernelAges) {
            jvmArgs.add("--enable-native-access=ALL-UNNAMED"); // the netlink reader, without a warning
        }
        dump = dir.resolve("now.jfr");
        try (Running app = ChildJvm.java().jvmArgs(jvmArgs).main(CloseWaitHolder.class, String.valueOf(CONNECTIONS))
                .start()) {
            String[] ready = app.nextLine("READY", WAIT).split(" ");
            beforeFin = Long.parseLong(ready[1]);
            afterFin = Long.parseLong(ready[2]);
            for (int i = 3; i < ready.length; i++) {
                ports.add(Integer.parseInt(ready[i]));
            }
            Thread.sleep(Math.max(0, afterFin + HELD_BEFORE_ATTACH_MILLIS - System.currentTimeMillis()));
            String pid = String.valueOf(app.pid());
            attachStarted = System.currentTimeMillis();
            Exited attach = agentCli("attach", pid, "--record", dir.resolve("attached.jfr").toString(),
                    "--kernel-interval", "200ms");
            assertEquals(0, attach.exitCode(), attach.stdout() + attach.stderr());
            System.out.println(attach.stdout().strip());
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (discovered.size() < CONNECTIONS && System.nanoTime() < deadline) {
                Exited d = agentCli("dump", pid, dump.toString());
                assertEquals(0, d.exitCode(), d.stderr());
                dumped = System.currentTimeMillis();
                readDiscoveries();
            }
            assertEquals(ports, discovered.keySet(), "every connection held discovered");
            app.send("quit");
            app.finish(WAIT);
        }
    }

    static Exited agentCli(String... args) throws Exception {
        return ChildJvm.java().jar(Artifacts.agentJar(), args).run(WAIT);
    }

    static Exited analyze(String... args) throws Exception {
        return ChildJvm.java().jar(Artifacts.analyzerJar(), args).run(WAIT);
    }

    private static void readDiscoveries() throws Exception {
        discovered.clear();
        for (RecordedEvent e : RecordingFile.readAllEvents(dump)) {
            if (e.getEventType().getName().equals("tcpstate.StateChange") && ports.contains(e.getInt("localPort"))
                    && e.getString("trigger").equals("kernel: discovered in state CLOSE_WAIT")) {
                discovered.put(e.getInt("localPort"), e);
            }
        }
    }

    @Test
    void eachDiscoveryCarriesTheAgeOfItsCloseWait() {
        for (RecordedEvent e : discovered.values()) {
            long age = e.getLong("stateAge");
            String basis = e.getString("stateAgeBasis");
            long entered = e.getStartTime().toEpochMilli() - age;
            System.out.println("port " + e.getInt("localPort") + ": discovered " + (e.getStartTime().toEpochMilli()
                    - afterFin) + " ms after the FINs, stateAge " + age + " ms, " + basis);
            assertEquals("Kernel", e.getString("socketKind"));
            if (kernelAges) {
                assertEquals("KERNEL_LAST_ACK_RECEIVED", basis);
                assertTrue(age >= HELD_BEFORE_ATTACH_MILLIS, "held 8 s before the attach: " + age + " ms");
                assertTrue(entered >= beforeFin - CLOCK_SLACK_MILLIS && entered <= afterFin + CLOCK_SLACK_MILLIS,
                        "entered CLOSE_WAIT when its peer closed, " + (entered - beforeFin) + " ms after the first close "
                                + "began (" + (afterFin - beforeFin) + " ms for all)");
            } else {
                assertEquals("FIRST_SAMPLE", basis, "/proc has no age");
                assertEquals(0, age);
            }
        }
    }

    @Test
    void theAnalyzerReportsThemRightAfterTheAttachSayingWhatTheAgeIs() throws Exception {
        Exited text = analyze("report", dump.toString());
        System.out.println(text.stdout());
        Exited json = analyze("report", dump.toString(), "--format", "json",
                // without the kernel's age only the time since the attach is known: ask what it is, at least
                "--close-wait-threshold", kernelAges ? "5s" : "1ms");
        assertTrue(json.exitCode() == 0 || json.exitCode() == 1, json.stderr());
        List<JsonNode> closeWait = new ArrayList<>();
        new ObjectMapper().readTree(json.stdout()).get("findings").forEach(f -> {
            if (f.get("type").asText().equals("CLOSE_WAIT_LINGER")) {
                closeWait.add(f);
            }
        });
        assertEquals(1, closeWait.size(), json.stdout());
        JsonNode f = closeWait.get(0);
        assertEquals(CONNECTIONS, f.get("count").asInt(), f.toString());
        long sinceAttachAtMost = (dumped - attachStarted) * 1_000_000L;
        for (JsonNode c : f.get("connections")) {
            long nanos = c.get("durationNanos").asLong();
            if (kernelAges) {
                assertEquals("KERNEL_LAST_ACK_RECEIVED", c.get("begunBefore").asText(), c.toString());
                assertFalse(c.get("durationAtLeast").asBoolean(), c.toString());
                assertTrue(nanos >= HELD_BEFORE_ATTACH_MILLIS * 1_000_000L, c.toString());
            } else {
                assertEquals("FIRST_SAMPLE", c.get("begunBefore").asText(), c.toString());
                assertTrue(c.get("durationAtLeast").asBoolean(), c.toString());
                assertTrue(nanos <= sinceAttachAtMost, "counted from its discovery: " + c);
            }
        }
        String summary = f.get("summary").asText();
        assertTrue(summary.contains(kernelAges ? "(all in CLOSE_WAIT before the recording began, by the kernel's count;"
                : "for at least "), summary);
        if (kernelAges) {
            assertTrue(text.stdout().contains("held in CLOSE_WAIT for up to "), text.stdout());
        } else if (sinceAttachAtMost < 5_000_000_000L) {
            assertTrue(text.stdout().contains("\nNo findings. Thresholds: close-wait-threshold=5.00 s"), "under 5 s known: " + text.stdout());
        } else {
            assertTrue(text.stdout().contains("held in CLOSE_WAIT for at least "), text.stdout());
        }
    }
}
