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
 * The agent opens no listening socket (no TCP or UDP socket at all) and writes only where it is told:
 * the recording named by {@code record=}, nothing in the working directory, the home directory or
 * next to its jar.
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
