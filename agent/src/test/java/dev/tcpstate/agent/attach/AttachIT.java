package dev.tcpstate.agent.attach;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tcpstate.agent.it.Recorded;
import dev.tcpstate.agent.it.Recorded.Change;
import dev.tcpstate.testsupport.Artifacts;
import dev.tcpstate.testsupport.ChildJvm;
import dev.tcpstate.testsupport.Exited;
import dev.tcpstate.testsupport.Running;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code java -jar tcpstate-agent.jar attach|status|dump|stop} against real running JVMs: the JDK of
 * the test and the other installed one (17 and 25 attach to each other), and every refusal.
 */
class AttachIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    /** A JDK's java launcher and its feature version. */
    record Jdk(String java, int feature) {
        @Override
        public String toString() {
            return "JDK " + feature;
        }
    }

    static Jdk current() {
        return new Jdk(ChildJvm.javaExecutable(), ChildJvm.featureVersion());
    }

    /** This JDK and every other one installed at the usual places. */
    static Stream<Jdk> targets() {
        List<Jdk> jdks = new ArrayList<>();
        jdks.add(current());
        for (String home : List.of("/usr/lib/jvm/java-17-openjdk-amd64", "/usr/lib/jvm/temurin-25-jdk-amd64")) {
            Jdk other = jdkAt(Path.of(home));
            if (other != null && other.feature() != current().feature()) {
                jdks.add(other);
            }
        }
        return jdks.stream();
    }

    static Jdk jdkAt(Path home) {
        try {
            Path java = home.resolve("bin/java");
            if (!Files.isExecutable(java)) {
                return null;
            }
            for (String line : Files.readAllLines(home.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    return new Jdk(java.toString(), Integer.parseInt(v.split("[.]")[0]));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return null;
        }
        return null;
    }

    static Running target(Jdk jdk, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of(extra));
        if (jdk.feature() >= 21) {
            args.add("-XX:+EnableDynamicAgentLoading"); // what the README tells users: no JEP 451 warning
        }
        return ChildJvm.at(jdk.java()).jvmArgs(args).main(HoldingApp.class).start();
    }

    /** The attach command line, run by the test's own JDK. */
    static Exited cli(String... args) throws IOException, InterruptedException {
        return ChildJvm.java().jar(Artifacts.agentJar(), args).run(WAIT);
    }

    static void assertOneLineError(Exited run, int exitCode, String contains) {
        assertEquals(exitCode, run.exitCode(), run.stderr());
        List<String> lines = run.stderr().lines().toList();
        assertEquals(1, lines.size(), run.stderr());
        assertTrue(lines.get(0).startsWith("tcpstate: ") && lines.get(0).contains(contains), lines.get(0));
    }

    private static List<Change> clientWithPort(Recorded r, int port) {
        return r.connections().values().stream()
                .filter(c -> c.stream().anyMatch(e -> e.localPort() == port && e.role().equals("CLIENT")))
                .findFirst().orElse(List.of());
    }

    @ParameterizedTest(name = "target on {0}")
    @MethodSource("targets")
    void attachFindsLingeringConnectionsThenTracksNewOnesAndStopLeavesTheTargetAsItWas(Jdk jdk) throws Exception {
        Path userRecording = dir.resolve("user.jfr");
        Path first = dir.resolve("first.jfr");
        Path second = dir.resolve("second.jfr");
        try (Running app = target(jdk, "-XX:StartFlightRecording=filename=" + userRecording)) {
            String[] ready = app.nextLine("READY", WAIT).split(" ");
            int idlePort = Integer.parseInt(ready[2]);
            String pid = String.valueOf(app.pid());

            Exited attach = cli("attach", pid, "--record", first.toString(), "--kernel-interval", "200ms");
            assertEquals(0, attach.exitCode(), attach.stderr());
            assertTrue(attach.stdout().matches("(?s)attached to " + pid + " in \\d+ ms: installed in \\d+ ms, woven \\d+ "
                    + "methods, recording to .*"), attach.stdout());
            System.out.println("[" + jdk + "] " + attach.stdout().trim());
            String wovenBefore = cli("status", pid).stdout();

            Exited again = cli("attach", pid, "--record", second.toString());
            assertEquals(0, again.exitCode(), again.stderr());
            assertTrue(again.stdout().contains("already installed, options applied"), again.stdout());
            assertEquals(wovenBefore.replaceAll("tracking \\d+", ""), cli("status", pid).stdout()
                    .replaceAll("tracking \\d+", ""), "a second attach weaves nothing more");

            app.send("cycle");
            int tracked = Integer.parseInt(app.nextLine("cycle", WAIT).split(" ")[1]);
            app.send("async");
            int asyncTracked = Integer.parseInt(app.nextLine("async", WAIT).split(" ")[1]);
            TimeUnit.MILLISECONDS.sleep(600);
            Exited stop = cli("stop", pid);
            assertEquals(0, stop.exitCode(), stop.stderr());
            assertTrue(stop.stdout().contains("original classes restored"), stop.stdout());
            assertTrue(cli("status", pid).stdout().contains("not installed"));

            app.send("cycle");
            int untracked = Integer.parseInt(app.nextLine("cycle", WAIT).split(" ")[1]);
            app.send("async");
            int asyncUntracked = Integer.parseInt(app.nextLine("async", WAIT).split(" ")[1]);

            Exited reattach = cli("attach", pid, "--kernel-interval", "off");
            assertEquals(0, reattach.exitCode(), reattach.stderr());
            assertTrue(reattach.stdout().contains("installed in"), reattach.stdout());
            app.send("cycle");
            int retracked = Integer.parseInt(app.nextLine("cycle", WAIT).split(" ")[1]);
            app.send("quit");
            Exited ended = app.finish(WAIT);
            assertEquals(0, ended.exitCode(), ended.stderr());
            assertFalse(ended.stderr().contains("Exception"), ended.stderr());

            Recorded att = Recorded.read(first);
            List<Change> preExisting = att.connections().values().stream()
                    .filter(c -> c.get(0).localPort() == idlePort).findFirst().orElseThrow();
            Change found = preExisting.get(0);
            assertEquals("CLOSE_WAIT", found.to());
            assertEquals("KERNEL", found.source());
            assertEquals("Kernel", found.kind());
            List<String> states = Recorded.toStates(clientWithPort(Recorded.read(second), tracked));
            assertEquals(List.of("SYN_SENT", "ESTABLISHED", "FIN_WAIT_1"), states.subList(0, 3), states.toString());

            Recorded user = Recorded.read(userRecording);
            assertTrue(clientWithPort(user, untracked).isEmpty(), "after stop, nothing is woven: no events");
            assertFalse(clientWithPort(user, asyncTracked).isEmpty(),
                    "the asynchronous channel, first loaded after the attach, woven as it loaded");
            assertTrue(clientWithPort(user, asyncUntracked).isEmpty(),
                    "after stop, the asynchronous channel classes woven as they loaded are restored too");
            assertFalse(clientWithPort(user, retracked).isEmpty(), "after a re-attach, events again");
            assertFalse(clientWithPort(user, tracked).isEmpty());
        }
    }

    @Test
    void dumpWritesTheRecordingSoFarAndSaysWhenThereIsNone() throws Exception {
        try (Running app = target(current())) {
            app.nextLine("READY", WAIT);
            String pid = String.valueOf(app.pid());
            assertOneLineError(cli("attach", pid, "--record", "/nonexistent/dir/x.jfr"), 2,
                    "cannot record to /nonexistent/dir/x.jfr: there is no directory /nonexistent/dir");
            Exited none = cli("attach", pid);
            assertEquals(0, none.exitCode(), none.stderr());
            assertOneLineError(cli("dump", pid, dir.resolve("x.jfr").toString()), 2, "no tcpstate recording is running");
            assertFalse(Files.exists(dir.resolve("x.jfr")), "the owner-only file made for the dump is gone again");
            assertEquals(0, cli("attach", pid, "--record", dir.resolve("r.jfr").toString()).exitCode());
            app.send("cycle");
            app.nextLine("cycle", WAIT);
            Exited dump = cli("dump", pid, dir.resolve("d.jfr").toString());
            assertEquals(0, dump.exitCode(), dump.stderr());
            assertTrue(Files.size(dir.resolve("d.jfr")) > 0);
            assertTrue(Recorded.read(dir.resolve("d.jfr")).connections().size() >= 1);
            app.send("quit");
            assertEquals(0, app.finish(WAIT).exitCode());
        }
    }

    /**
     * Only {@code attach} loads the agent: {@code status} reads what it publishes, {@code dump} runs JFR's
     * own JFR.dump, {@code connections} and {@code stop} call its MBean. On JDK 21+, which warns once per
     * dynamically loaded agent (JEP 451), 20 commands leave the one warning of the attach. Along the way,
     * {@code connections} shows the leak: the connection in CLOSE_WAIT before the attach (a lower bound on
     * its time in state), and the three leaked after it, grouped under the method that opened them.
     */
    @Test
    void twentyCommandsLoadTheAgentOnceAndConnectionsShowsTheLeakAndItsCode() throws Exception {
        Jdk jdk = jdkAt(Path.of("/usr/lib/jvm/temurin-25-jdk-amd64"));
        assumeTrue(jdk != null, "needs Temurin 25 at /usr/lib/jvm/temurin-25-jdk-amd64 (a JDK that warns)");
        try (Running app = ChildJvm.at(jdk.java()).main(HoldingApp.class).start()) {
            String[] ready = app.nextLine("READY", WAIT).split(" ");
            String closeWaitPort = ready[2];
            String pid = String.valueOf(app.pid());
            List<String> said = new ArrayList<>();
            assertTrue(run(said, "status", pid).stdout().contains("not installed"));
            assertOneLineError(run(said, "connections", pid), 2, "not installed in process " + pid);
            Exited attach = run(said, "attach", pid, "--record", dir.resolve("r.jfr").toString(),
                    "--kernel-interval", "200ms");
            assertEquals(0, attach.exitCode(), attach.stderr());
            TimeUnit.MILLISECONDS.sleep(1_500); // a live status, and the MBeans, a second after the start
            for (int i = 0; i < 5; i++) {
                Exited status = run(said, "status", pid);
                assertEquals(0, status.exitCode(), status.stderr());
                assertTrue(status.stdout().matches("(?s)installed, woven \\d+ methods, tracking \\d+ connections\\s*"),
                        status.stdout());
            }
            app.send("leak");
            app.nextLine("leaked", WAIT);
            app.send("cycle");
            app.nextLine("cycle", WAIT);
            TimeUnit.MILLISECONDS.sleep(1_000); // the kernel view shows the peers' FINs: CLOSE_WAIT

            Exited live = run(said, "connections", pid);
            assertEquals(0, live.exitCode(), live.stderr());
            System.out.println("[" + jdk + "] connections:\n" + live.stdout());
            String text = live.stdout();
            // groups: a header line naming the code, then one row per connection; the leak's clients are one group
            String leakSite = "3 connections, " + HoldingApp.class.getName() + ".leakThree(HoldingApp.java:";
            List<String> leakGroups = java.util.Arrays.stream(text.split("\n\n"))
                    .filter(g -> g.startsWith(leakSite)
                            && g.lines().filter(l -> l.contains(" CLOSE_WAIT ") && l.contains(" CLIENT ")).count() == 3)
                    .toList();
            assertEquals(1, leakGroups.size(), "the leak grouped under the code that opened it:\n" + text);
            String before = text.substring(text.indexOf("found in the kernel's table")).split("\n\n")[0];
            assertTrue(before.lines().anyMatch(l -> l.contains(" CLOSE_WAIT ") && l.contains(" ≥")
                    && l.contains(":" + closeWaitPort + " ")), "the connection from before the attach, its time in "
                    + "state a lower bound:\n" + before);

            Exited json = run(said, "connections", pid, "--format", "json");
            assertEquals(0, json.exitCode(), json.stderr());
            JsonNode view = new ObjectMapper().readTree(json.stdout());
            assertEquals(Long.parseLong(pid), view.get("pid").asLong());
            long leakedInJson = 0;
            for (JsonNode c : view.get("connections")) {
                if (c.get("site").asText().contains(".leakThree(") && c.get("state").asText().equals("CLOSE_WAIT")) {
                    leakedInJson++;
                    assertFalse(c.get("inStateAtLeast").asBoolean(), c.toString());
                }
            }
            assertEquals(3, leakedInJson, json.stdout());
            Exited watched = run(said, "connections", pid, "--watch", "200ms", "--count", "2", "--rows", "1");
            assertEquals(2, watched.stdout().lines().filter(l -> l.startsWith("process " + pid + ": ")).count(),
                    watched.stdout());

            for (String name : List.of("d1.jfr", "with space.jfr")) {
                Path file = dir.resolve(name);
                Exited dump = run(said, "dump", pid, file.toString());
                assertEquals(0, dump.exitCode(), dump.stderr());
                assertEquals("recording written to " + file, dump.stdout().strip());
                assertTrue(Recorded.read(file).connections().size() >= 1, name);
            }
            assertOneLineError(run(said, "dump", pid, "/nonexistent/dir/x.jfr"), 2, "/nonexistent/dir/x.jfr");
            assertEquals(0, run(said, "help", "connections").exitCode());
            assertEquals(0, run(said, "attach", "--help").exitCode());
            Exited stop = run(said, "stop", pid);
            assertEquals(0, stop.exitCode(), stop.stderr());
            assertTrue(stop.stdout().contains("original classes restored"), stop.stdout());
            assertTrue(run(said, "status", pid).stdout().contains("not installed"), "no live status after stop");
            assertTrue(run(said, "stop", pid).stdout().contains("nothing to stop"));
            assertOneLineError(run(said, "connections", pid), 2, "not installed in process " + pid);
            assertEquals(20, said.size(), said.toString());
            app.send("quit");
            Exited ended = app.finish(WAIT);
            long warnings = ended.stderr().lines().filter(l -> l.contains("A Java agent has been loaded dynamically"))
                    .count();
            System.out.println("[" + jdk + "] dynamic-agent warnings after " + said.size() + " commands: " + warnings);
            assertEquals(1, warnings, "one for the attach, none for the other commands " + said + ":\n"
                    + ended.stderr());
        }
    }

    /** {@link #cli}, noting the command. */
    private static Exited run(List<String> said, String... args) throws IOException, InterruptedException {
        said.add(String.join(" ", args));
        return cli(args);
    }

    @Test
    void noSuchPidIsOneLineAndExitTwo() throws Exception {
        assertOneLineError(cli("attach", "2147483646"), 2, "no process with pid 2147483646");
    }

    @Test
    void aProcessThatIsNotAJvmIsRefused() throws Exception {
        Process sleep = new ProcessBuilder("sleep", "30").start();
        try {
            assertOneLineError(cli("attach", String.valueOf(sleep.pid())), 3, "is not a Java virtual machine");
        } finally {
            sleep.destroyForcibly();
        }
    }

    @Test
    void aJvmWithTheAttachMechanismOffIsRefused() throws Exception {
        try (Running app = ChildJvm.java().jvmArgs("-XX:+DisableAttachMechanism").main(HoldingApp.class).start()) {
            app.nextLine("READY", WAIT);
            assertOneLineError(cli("attach", String.valueOf(app.pid())), 3, "attach mechanism is off");
        }
    }

    @Test
    void aJvmThatRefusesDynamicAgentsIsRefusedWithTheWayOut() throws Exception {
        Jdk modern = targets().filter(j -> j.feature() >= 21).findFirst().orElse(null);
        assumeTrue(modern != null, "no JDK 21+ installed: -XX:-EnableDynamicAgentLoading does not exist before 21");
        try (Running app = ChildJvm.at(modern.java()).jvmArgs("-XX:-EnableDynamicAgentLoading").main(HoldingApp.class)
                .start()) {
            app.nextLine("READY", WAIT);
            assertOneLineError(cli("attach", String.valueOf(app.pid())), 3, "-XX:-EnableDynamicAgentLoading");
        }
    }

    @Test
    void aJvmOfAnotherUserIsRefused() throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        assumeTrue(root && Files.isExecutable(Path.of("/usr/sbin/runuser")),
                "needs root and runuser to run the command line as another user");
        try (Running app = target(current())) {
            app.nextLine("READY", WAIT);
            Path jar = dir.resolve("agent.jar");
            Files.copy(Artifacts.agentJar(), jar);
            dir.toFile().setExecutable(true, false);
            jar.toFile().setReadable(true, false);
            Process p = new ProcessBuilder("/usr/sbin/runuser", "-u", "nobody", "--", ChildJvm.javaExecutable(),
                    "-jar", jar.toString(), "attach", String.valueOf(app.pid())).redirectErrorStream(false).start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            String err = new String(p.getErrorStream().readAllBytes());
            assertEquals(3, p.exitValue(), err);
            assertTrue(err.startsWith("tcpstate: ") && err.contains("belongs to another user"), err);
            assertEquals(1, err.lines().count(), err);
        }
    }

    @Test
    void badUsageIsOneLineAndExitTwo() throws Exception {
        assertOneLineError(cli("attach", "abc"), 2, "'abc' is not a long");
        assertOneLineError(cli("frobnicate"), 2, "Unmatched argument");
        assertOneLineError(cli("attach", "1", "--duration", "5s"), 2, "");
    }

    @Test
    void listShowsRunningJvmsWithTheirMainClass() throws Exception {
        try (Running app = target(current())) {
            app.nextLine("READY", WAIT);
            Exited list = cli("list");
            assertEquals(0, list.exitCode(), list.stderr());
            assertTrue(list.stdout().contains(app.pid() + " " + HoldingApp.class.getName()), list.stdout());
        }
    }
}
