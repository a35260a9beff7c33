package dev.tcpstate.agent.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcpstate.testsupport.Artifacts;
import dev.tcpstate.testsupport.ChildJvm;
import dev.tcpstate.testsupport.Exited;
import dev.tcpstate.testsupport.Running;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent opens no listening socket (no TCP or UDP socket at all), neither from {@code -javaagent}
 * nor attached, and writes only where it is told: the recording named by {@code record=}, owner-only
 * whatever the umask, nothing in the working directory, the home directory or next to its jar.
 */
class SecurityIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void theAgentOpensNoListeningSocket() throws Exception {
        Path jfr = dir.resolve("quiet.jfr");
        Exited ended;
        try (Running child = ChildJvm.java().agent("record=" + jfr + ",kernelInterval=200ms")
                .main(QuietApp.class, "idle", "8000").start()) {
            assertEquals("ready", child.nextLine("", WAIT), "the child started");
            Set<String> seen = new TreeSet<>();
            int looks = 0;
            for (int look = 0; look < 3; look++) {
                TimeUnit.MILLISECONDS.sleep(1_000);
                Set<Long> inodes;
                String kinds;
                try {
                    inodes = socketInodes(child.pid());
                    for (String table : List.of("tcp", "tcp6", "udp", "udp6", "raw", "raw6")) {
                        for (String row : rowsOf(child.pid(), table, inodes)) {
                            seen.add(table + ": " + row);
                        }
                    }
                    kinds = kinds(child.pid(), inodes);
                } catch (java.nio.file.NoSuchFileException exited) {
                    break;
                }
                looks++;
                System.out.printf("listening sockets, look %d, JDK %d: %d socket descriptors (%s), none TCP or UDP: %s%n",
                        look, ChildJvm.featureVersion(), inodes.size(), kinds, seen.isEmpty());
            }
            assertTrue(looks > 0, "looked at the child at least once while it ran");
            assertEquals(Set.of(), seen, "TCP/UDP sockets of a child that opens none");
            assertEquals("done", child.nextLine("", WAIT));
            ended = child.finish(WAIT);
        }
        assertEquals(0, ended.exitCode(), ended.stderr());
    }

    /**
     * After {@code attach --record}, {@code status} and {@code dump} the target still has no TCP or UDP
     * socket (the attach mechanism is a Unix socket); {@code connections} then starts the JDK's local JMX
     * connector in it, which is its one listener.
     */
    @Test
    void attachedTheAgentOpensNoSocketAndOnlyTheJdksConnectorListensOnRequest() throws Exception {
        try (Running target = quietTarget(ChildJvm.java())) {
            String pid = String.valueOf(target.pid());
            assertEquals(Set.of(), tcpAndUdpRows(target.pid()), "before the attach");
            for (String[] command : List.of(new String[] {"attach", pid, "--record", dir.resolve("a.jfr").toString(),
                "--kernel-interval", "200ms"}, new String[] {"status", pid},
                new String[] {"dump", pid, dir.resolve("d.jfr").toString()})) {
                Exited done = cli(command);
                assertEquals(0, done.exitCode(), command[0] + ": " + done.stderr());
            }
            for (int look = 0; look < 3; look++) {
                TimeUnit.MILLISECONDS.sleep(500);
                assertEquals(Set.of(), tcpAndUdpRows(target.pid()), "attached, recording, sampling, look " + look);
            }
            Exited connections = cli("connections", pid);
            assertEquals(0, connections.exitCode(), connections.stderr());
            List<String> listening = tcpAndUdpRows(target.pid()).stream().filter(r -> r.split("\\s+")[4].equals("0A"))
                    .collect(Collectors.toList());
            System.out.printf("listeners after connections, JDK %d: %s%n", ChildJvm.featureVersion(), listening);
            assertEquals(1, listening.size(), "the JDK's local JMX connector, and nothing else: " + listening);
        }
    }

    /** A recording's file is rw------- whatever the JVM's umask: at exit, after a duration, over an older file. */
    @Test
    void theRecordingIsOwnerOnlyWhateverTheUmask() throws Exception {
        Path older = Files.writeString(dir.resolve("older.jfr"), "an older file, rw-rw-rw-");
        Files.setPosixFilePermissions(older, PosixFilePermissions.fromString("rw-rw-rw-"));
        for (String options : List.of("record=" + dir.resolve("exit.jfr"), "record=" + older,
                "record=" + dir.resolve("duration.jfr") + ",duration=1s")) {
            Exited run = ChildJvm.java().umask("000").agent(options).main(QuietApp.class, "one", "2500").run(WAIT);
            assertEquals(0, run.exitCode(), run.stderr());
            Path jfr = Path.of(options.substring("record=".length()).split(",")[0]);
            System.out.printf("recording, umask 000, JDK %d: %s %s (%d bytes)%n", ChildJvm.featureVersion(),
                    mode(jfr), jfr.getFileName(), Files.size(jfr));
            assertEquals("rw-------", mode(jfr), options);
            assertTrue(isRecording(jfr), options);
        }
    }

    /**
     * Attached under umask 000: the {@code --record} file, and each {@code dump} (to a new file and over an
     * older one), are rw-------. JFR's repository keeps JFR's own modes (printed, not ours to set).
     */
    @Test
    void anAttachedRecordingAndItsDumpsAreOwnerOnly() throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path recording = dir.resolve("attached.jfr");
        Path fresh = dir.resolve("fresh.jfr");
        Path older = Files.writeString(dir.resolve("older.jfr"), "an older file, rw-rw-rw-");
        Files.setPosixFilePermissions(older, PosixFilePermissions.fromString("rw-rw-rw-"));
        try (Running target = quietTarget(ChildJvm.java().umask("000").jvmArgs("-Djava.io.tmpdir=" + tmp))) {
            String pid = String.valueOf(target.pid());
            Exited attach = cli("attach", pid, "--record", recording.toString());
            assertEquals(0, attach.exitCode(), attach.stderr());
            for (Path dump : List.of(fresh, older)) {
                Exited done = cli("dump", pid, dump.toString());
                assertEquals(0, done.exitCode(), done.stderr());
                assertEquals("", done.stderr());
                assertEquals("rw-------", mode(dump), dump.toString());
                assertTrue(isRecording(dump), dump.toString());
            }
            try (Stream<Path> files = Files.walk(tmp)) {
                System.out.printf("JFR's repository under umask 000, JDK %d: %s%n", ChildJvm.featureVersion(),
                        files.filter(f -> !f.equals(tmp)).map(f -> mode(f) + " " + tmp.relativize(f))
                                .collect(Collectors.joining(", ")));
            }
            Exited stop = cli("stop", pid);
            assertEquals(0, stop.exitCode(), stop.stderr());
            assertEquals("rw-------", mode(recording));
            assertTrue(isRecording(recording));
        }
    }

    @Test
    void theAgentWritesOnlyTheRecordingItWasToldTo() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        Path out = Files.createDirectories(dir.resolve("out"));
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path home = Files.createDirectories(dir.resolve("home"));
        Path jarDir = Artifacts.agentJar().getParent();
        Set<String> besideJarBefore = names(jarDir);
        Exited run = ChildJvm.java().in(work).agent("record=" + out.resolve("x.jfr"))
                .jvmArgs("-Djava.io.tmpdir=" + tmp, "-Duser.home=" + home).main(QuietApp.class, "one", "1500").run(WAIT);
        assertEquals(0, run.exitCode(), run.stderr());
        List<String> inTmp = tree(tmp);
        System.out.printf("writes JDK %d: working dir %s, record dir %s, java.io.tmpdir %s, user.home %s%n",
                ChildJvm.featureVersion(), tree(work), tree(out), inTmp, tree(home));
        assertEquals(List.of(), tree(work), "working directory");
        assertEquals(List.of("x.jfr"), tree(out), "the recording's directory");
        assertTrue(Files.size(out.resolve("x.jfr")) > 0);
        assertEquals(List.of(), tree(home), "home directory");
        assertEquals(besideJarBefore, names(jarDir), "the agent jar's directory");
        // JFR's own disk repository is java.io.tmpdir/<date>_<pid>: JFR removes its chunks at exit
        List<String> leftByJfr = inTmp.stream().filter(f -> !f.matches("\\d{4}_\\d\\d_\\d\\d_\\d\\d_\\d\\d_\\d\\d_\\d+/?"))
                .collect(Collectors.toList());
        assertEquals(List.of(), leftByJfr, "java.io.tmpdir holds nothing but JFR's (empty) repository");
    }

    @Test
    void withoutRecordTheAgentWritesNothing() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path home = Files.createDirectories(dir.resolve("home"));
        Exited run = ChildJvm.java().in(work).agent("").jvmArgs("-Djava.io.tmpdir=" + tmp, "-Duser.home=" + home)
                .main(QuietApp.class, "one", "1500").run(WAIT);
        assertEquals(0, run.exitCode(), run.stderr());
        System.out.printf("writes without record= JDK %d: working dir %s, java.io.tmpdir %s, user.home %s%n",
                ChildJvm.featureVersion(), tree(work), tree(tmp), tree(home));
        assertEquals(List.of(), tree(work));
        assertEquals(List.of(), tree(tmp));
        assertEquals(List.of(), tree(home));
    }

    /** {@link QuietApp} idle, ready to be attached to (JDK 21+: without the JEP 451 warning). */
    private static Running quietTarget(ChildJvm jvm) throws IOException, InterruptedException {
        if (ChildJvm.featureVersion() >= 21) {
            jvm.jvmArgs("-XX:+EnableDynamicAgentLoading");
        }
        Running target = jvm.main(QuietApp.class, "idle", "600000").start();
        try {
            assertEquals("ready", target.nextLine("", WAIT), "the target started");
        } catch (AssertionError | RuntimeException e) {
            target.close();
            throw e;
        }
        return target;
    }

    /** The attach command line. */
    private static Exited cli(String... args) throws IOException, InterruptedException {
        return ChildJvm.java().jar(Artifacts.agentJar(), args).run(WAIT);
    }

    /** The rows of the process's own TCP and UDP sockets, from its {@code /proc/<pid>/net} tables. */
    static Set<String> tcpAndUdpRows(long pid) throws IOException {
        Set<Long> inodes = socketInodes(pid);
        Set<String> rows = new TreeSet<>();
        for (String table : List.of("tcp", "tcp6", "udp", "udp6")) {
            for (String row : rowsOf(pid, table, inodes)) {
                rows.add(table + ": " + row);
            }
        }
        return rows;
    }

    static String mode(Path file) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Starts with JFR's magic bytes {@code FLR\0}. */
    static boolean isRecording(Path file) throws IOException {
        byte[] head = new byte[4];
        try (java.io.InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(head, 0, 4) == 4 && new String(head, java.nio.charset.StandardCharsets.ISO_8859_1)
                    .equals("FLR\0");
        }
    }

    /** Inodes of the process's sockets, from the {@code socket:[inode]} links in {@code /proc/<pid>/fd}. */
    static Set<Long> socketInodes(long pid) throws IOException {
        Set<Long> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException closedSince) {
                    continue;
                }
                if (target.startsWith("socket:[")) {
                    inodes.add(Long.parseLong(target.substring(8, target.length() - 1)));
                }
            }
        }
        return inodes;
    }

    /** Rows of {@code /proc/<pid>/net/<table>} whose inode column is one of {@code inodes}. */
    static List<String> rowsOf(long pid, String table, Set<Long> inodes) throws IOException {
        List<String> rows = new ArrayList<>();
        Path file = Path.of("/proc", String.valueOf(pid), "net", table);
        if (!Files.isReadable(file)) {
            return rows;
        }
        List<String> lines = Files.readAllLines(file);
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            String[] cols = line.trim().split("\\s+");
            if (cols.length > 9 && inodes.contains(Long.parseLong(cols[9]))) {
                rows.add(line.trim());
            }
        }
        return rows;
    }

    /** Which kinds of socket the inodes are, by the table that lists them (unix, netlink...). */
    static String kinds(long pid, Set<Long> inodes) throws IOException {
        List<String> kinds = new ArrayList<>();
        long placed = 0;
        for (String table : List.of("unix", "netlink")) {
            Path file = Path.of("/proc", String.valueOf(pid), "net", table);
            if (!Files.isReadable(file)) {
                continue;
            }
            int col = table.equals("unix") ? 6 : 9;
            long n = Files.readAllLines(file).stream().skip(1).map(l -> l.trim().split("\\s+"))
                    .filter(c -> c.length > col && c[col].matches("\\d+") && inodes.contains(Long.parseLong(c[col])))
                    .count();
            if (n > 0) {
                kinds.add(n + " " + table);
                placed += n;
            }
        }
        if (placed < inodes.size()) {
            kinds.add((inodes.size() - placed) + " in none of the tcp, udp, raw, unix, netlink tables");
        }
        return kinds.isEmpty() ? "none" : String.join(", ", kinds);
    }

    static Set<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    /** Every file and directory under {@code dir}, relative, directories ending in '/'. */
    static List<String> tree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> !f.equals(dir))
                    .map(f -> dir.relativize(f) + (Files.isDirectory(f) ? "/" : "")).sorted()
                    .collect(Collectors.toList());
        }
    }
}
