package dev.tcpstate.analyzer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
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
 * (CLOSE_WAIT) for 8 s before tcpstate starts watching it, either by the real attach command line, or by
 * a recording the application starts later than the agent was loaded. The recording dumped as soon as
 * it holds their discovery says how long they had been in CLOSE_WAIT, and the real analyzer reports
 * them at once with the default 5 s threshold. On JDK 22+ (the netlink reader, with native access
 * enabled as the README says) the age is the kernel's, checked against the moments the FINs were sent;
 * on JDK 17 to 21 ({@code /proc}: no age) the stays are lower bounds, and said to be.
 */
class PreexistingCloseWaitIT {
    static final Duration WAIT = Duration.ofSeconds(120);
    static final int CONNECTIONS = 5;
    static final long HELD_BEFORE_MILLIS = 8_000;
    /** Wall clock against the kernel's jiffies and JFR's ticks. */
    static final long CLOCK_SLACK_MILLIS = 25;

    /** How tcpstate came to watch the JVM after its connections were already in CLOSE_WAIT. */
    enum How { ATTACH, RECORDING_STARTED_LATER }

    /**
     * What one run saw: the discovery event of each client port, in the dump that first held them all.
     *
     * @param started when the attach or the recording began (epoch ms)
     * @param dumped when that dump was taken (epoch ms)
     */
    record Seen(How how, long beforeFin, long afterFin, long started, long dumped, Map<Integer, RecordedEvent> discovered,
            Path dump) {
    }

    @TempDir
    static Path dir;
    static boolean kernelAges;
    static final Map<How, Seen> seen = new EnumMap<>(How.class);

    @BeforeAll
    static void watchAJvmThatHasHeldCloseWaitFor8Seconds() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/self/net/tcp6")), "skipped: this OS has no /proc/self/net/tcp6");
        kernelAges = ChildJvm.featureVersion() >= 22;
        for (How how : How.values()) {
            seen.put(how, run(how));
        }
    }

    static Seen run(How how) throws Exception {
        List<String> jvmArgs = new ArrayList<>();
        if (how == How.ATTACH && ChildJvm.featureVersion() >= 21) {
            jvmArgs.add("-XX:+EnableDynamicAgentLoading");
        }
        if (kernelAges) {
            jvmArgs.add("--enable-native-access=ALL-UNNAMED"); // the netlink reader, without a warning
        }
        ChildJvm jvm = ChildJvm.java().jvmArgs(jvmArgs);
        if (how == How.RECORDING_STARTED_LATER) {
            jvm.agent("kernelInterval=200ms");
        }
        Path dump = dir.resolve(how + ".jfr");
        try (Running app = jvm.main(CloseWaitHolder.class, String.valueOf(CONNECTIONS)).start()) {
            String[] ready = app.nextLine("READY", WAIT).split(" ");
            long beforeFin = Long.parseLong(ready[1]);
            long afterFin = Long.parseLong(ready[2]);
            Set<Integer> ports = new TreeSet<>();
            for (int i = 3; i < ready.length; i++) {
                ports.add(Integer.parseInt(ready[i]));
            }
            Thread.sleep(Math.max(0, afterFin + HELD_BEFORE_MILLIS - System.currentTimeMillis()));
            String pid = String.valueOf(app.pid());
            long started = System.currentTimeMillis();
            if (how == How.ATTACH) {
                Exited attach = agentCli("attach", pid, "--record", dir.resolve("attached.jfr").toString(),
                        "--kernel-interval", "200ms");
                assertEquals(0, attach.exitCode(), attach.stdout() + attach.stderr());
                System.out.println(attach.stdout().strip());
            } else {
                app.send("record");
                app.nextLine("recording", WAIT);
            }
            Map<Integer, RecordedEvent> discovered = new HashMap<>();
            long dumped = 0;
            int dumps = 0;
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (discovered.size() < CONNECTIONS && System.nanoTime() < deadline) {
                if (how == How.ATTACH) {
                    Exited d = agentCli("dump", pid, dump.toString());
                    assertEquals(0, d.exitCode(), d.stderr());
                } else {
                    app.send("dump " + dump);
                    app.nextLine("dumped", WAIT);
                }
                dumped = System.currentTimeMillis();
                dumps++;
                discovered = discoveries(dump, ports);
            }
            assertEquals(ports, discovered.keySet(), how + ": every connection held is discovered; " + dumps
                    + " dumps, the last holding " + RecordingFile.readAllEvents(dump).size() + " events; stderr: "
                    + app.stderr());
            app.send("quit");
            app.finish(WAIT);
            return new Seen(how, beforeFin, afterFin, started, dumped, discovered, dump);
        }
    }

    static Exited agentCli(String... args) throws Exception {
        return ChildJvm.java().jar(Artifacts.agentJar(), args).run(WAIT);
    }

    static Exited analyze(String... args) throws Exception {
        return ChildJvm.java().jar(Artifacts.analyzerJar(), args).run(WAIT);
    }

    private static Map<Integer, RecordedEvent> discoveries(Path dump, Set<Integer> ports) throws Exception {
        Map<Integer, RecordedEvent> found = new HashMap<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(dump)) {
            if (e.getEventType().getName().equals("tcpstate.StateChangeNoStack") && ports.contains(e.getInt("localPort"))
                    && e.getString("trigger").equals("kernel: discovered in state CLOSE_WAIT")) {
                found.put(e.getInt("localPort"), e);
            }
        }
        return found;
    }

    @Test
    void eachDiscoveryCarriesTheAgeOfItsCloseWait() {
        for (Seen s : seen.values()) {
            for (RecordedEvent e : s.discovered().values()) {
                long age = e.getLong("stateAge");
                String basis = e.getString("stateAgeBasis");
                long entered = e.getStartTime().toEpochMilli() - age;
                String what = s.how() + ", port " + e.getInt("localPort") + ": discovered "
                        + (e.getStartTime().toEpochMilli() - s.afterFin()) + " ms after the FINs, stateAge " + age
                        + " ms, " + basis;
                System.out.println(what);
                assertEquals("Kernel", e.getString("socketKind"), what);
                if (kernelAges) {
                    assertEquals("KERNEL_LAST_ACK_RECEIVED", basis, what);
                    assertTrue(age >= HELD_BEFORE_MILLIS, "held 8 s before: " + what);
                    assertTrue(entered >= s.beforeFin() - CLOCK_SLACK_MILLIS
                            && entered <= s.afterFin() + CLOCK_SLACK_MILLIS, "entered CLOSE_WAIT when its peer closed, "
                            + (entered - s.beforeFin()) + " ms after the first close began ("
                            + (s.afterFin() - s.beforeFin()) + " ms for all): " + what);
                } else {
                    assertEquals("FIRST_SAMPLE", basis, "/proc has no age: " + what);
                    assertEquals(0, age, what);
                }
            }
        }
    }

    @Test
    void theAnalyzerReportsThemRightAwaySayingWhatTheAgeIs() throws Exception {
        for (Seen s : seen.values()) {
            Exited text = analyze("report", s.dump().toString());
            System.out.println(s.how() + ":\n" + text.stdout());
            Exited json = analyze("report", s.dump().toString(), "--format", "json",
                    // without the kernel's age only the time since tcpstate began is known: ask what it is, at least
                    "--close-wait-threshold", kernelAges ? "5s" : "1ms");
            assertTrue(json.exitCode() == 0 || json.exitCode() == 1, json.stderr());
            List<JsonNode> closeWait = new ArrayList<>();
            new ObjectMapper().readTree(json.stdout()).get("findings").forEach(f -> {
                if (f.get("type").asText().equals("CLOSE_WAIT_LINGER")) {
                    closeWait.add(f);
                }
            });
            assertEquals(1, closeWait.size(), s.how() + ": " + json.stdout());
            JsonNode f = closeWait.get(0);
            assertEquals(CONNECTIONS, f.get("count").asInt(), f.toString());
            long sinceStartAtMost = (s.dumped() - s.started()) * 1_000_000L;
            long longestKnown = 0;
            for (JsonNode c : f.get("connections")) {
                long nanos = c.get("durationNanos").asLong();
                longestKnown = Math.max(longestKnown, nanos);
                if (kernelAges) {
                    assertEquals("KERNEL_LAST_ACK_RECEIVED", c.get("begunBefore").asText(), c.toString());
                    assertFalse(c.get("durationAtLeast").asBoolean(), c.toString());
                    assertTrue(nanos >= HELD_BEFORE_MILLIS * 1_000_000L, c.toString());
                } else {
                    assertEquals("FIRST_SAMPLE", c.get("begunBefore").asText(), c.toString());
                    assertTrue(c.get("durationAtLeast").asBoolean(), c.toString());
                    assertTrue(nanos <= sinceStartAtMost, "counted from its discovery: " + c);
                }
            }
            String summary = f.get("summary").asText();
            assertTrue(summary.contains(kernelAges
                    ? "(all in CLOSE_WAIT before the recording began, by the kernel's count;" : "for at least "), summary);
            if (kernelAges) {
                assertTrue(text.stdout().contains("held in CLOSE_WAIT for up to "), text.stdout());
            } else if (longestKnown < 5_000_000_000L) {
                // counted from the discovery, which comes after the start by up to a sample
                assertTrue(text.stdout().contains("\nNo findings. Thresholds: close-wait-threshold=5.00 s"),
                        "under 5 s known: " + text.stdout());
            } else {
                assertTrue(text.stdout().contains("held in CLOSE_WAIT for at least "), text.stdout());
            }
        }
    }
}
