package dev.tcpstate.analyzer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tcpstate.testsupport.Artifacts;
import dev.tcpstate.testsupport.ChildJvm;
import dev.tcpstate.testsupport.Exited;

/**
 * A real recording of two chunks (two JVM runs, concatenated as JFR allows), truncated at many
 * offsets and with random bytes flipped, each variant analysed by {@code java -jar} in its own JVM
 * with a small heap: the analyzer never hangs, never runs out of memory, never prints a stack
 * trace; it reports what it could read, with a warning for what it skipped, or exits 2 with one line.
 */
class DamagedRecordingFuzzIT {
    private static final long TIMEOUT_SECONDS = 60;
    private static final long SEED = 20261127L;
    private static final String PREFIX = "tcpstate-analyzer: ";
    private static final String WARNING = PREFIX + "warning: ";

    @TempDir
    static Path dir;
    static byte[] recording;
    static int chunkBoundary;

    @BeforeAll
    static void record() throws Exception {
        byte[] first = Files.readAllBytes(RealAgentIT.record(dir.resolve("a.jfr"), List.of(), "close-wait", "3", "300"));
        byte[] second = Files.readAllBytes(RealAgentIT.record(dir.resolve("b.jfr"), List.of(), "healthy", "10"));
        recording = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, recording, first.length, second.length);
        chunkBoundary = first.length;
        Path whole = Files.write(dir.resolve("whole.jfr"), recording);
        Exited r = analyze(whole);
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals("", r.stderr(), "the undamaged recording reads without warnings");
    }

    record Variant(String name, byte[] bytes, boolean lostBytes) {
    }

    record Outcome(Variant variant, int code, String out, String err, boolean timedOut) {
    }

    static List<Variant> truncations() {
        int n = recording.length;
        TreeSet<Integer> offsets = new TreeSet<>(List.of(1, 3, 4, 8, 16, 40, 67, 68, 69, 200, n - 1, n - 2, n - 8,
                n - 68, chunkBoundary - 1, chunkBoundary + 1, chunkBoundary + 67, chunkBoundary + 68));
        for (int i = 1; offsets.size() < 40; i++) {
            offsets.add((int) ((long) n * i / 23));
        }
        List<Variant> variants = new ArrayList<>();
        for (int offset : offsets) {
            if (offset > 0 && offset < n && offset != chunkBoundary) {
                variants.add(new Variant("cut at " + offset, Arrays.copyOf(recording, offset), true));
            }
        }
        return variants;
    }

    static List<Variant> flips() {
        Random random = new Random(SEED);
        List<Variant> variants = new ArrayList<>();
        for (int v = 0; v < 40; v++) {
            byte[] bytes = recording.clone();
            int count = 1 + random.nextInt(20);
            List<Integer> positions = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int p = random.nextInt(bytes.length);
                bytes[p] ^= (byte) (1 + random.nextInt(255));
                positions.add(p);
            }
            variants.add(new Variant("flip " + count + " bytes at " + positions, bytes, false));
        }
        return variants;
    }

    @Test
    void damagedRecordingsAreReportedOrRefusedInOneLineNeverCrashOrHang() throws Exception {
        List<Variant> variants = new ArrayList<>(truncations());
        variants.addAll(flips());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<Outcome>> futures = new ArrayList<>();
        for (int i = 0; i < variants.size(); i++) {
            Variant v = variants.get(i);
            Path file = Files.write(dir.resolve("variant-" + i + ".jfr"), v.bytes());
            futures.add(pool.submit(() -> run(v, file)));
        }
        pool.shutdown();
        List<String> failures = new ArrayList<>();
        Map<String, Integer> counts = new TreeMap<>();
        for (Future<Outcome> f : futures) {
            Outcome o = f.get();
            String kind = o.variant().lostBytes() ? "truncated" : "flipped";
            counts.merge(kind + " exit " + (o.timedOut() ? "TIMEOUT" : o.code()), 1, Integer::sum);
            String problem = problem(o);
            if (problem != null) {
                failures.add(o.variant().name() + ": " + problem + "\n  stderr: " + o.err());
            }
        }
        System.out.println("fuzz: " + variants.size() + " variants of a " + recording.length + "-byte recording: "
                + counts);
        assertTrue(failures.isEmpty(), failures.size() + " of " + variants.size() + " variants failed:\n"
                + String.join("\n", failures));
    }

    private static String problem(Outcome o) {
        if (o.timedOut()) {
            return "no answer within " + TIMEOUT_SECONDS + " s";
        }
        if (o.err().contains("\tat ") || o.err().contains("Exception in thread")) {
            return "a stack trace";
        }
        if (o.err().contains("OutOfMemoryError")) {
            return "out of memory";
        }
        List<String> lines = o.err().lines().toList();
        switch (o.code()) {
            case 2 -> {
                if (lines.size() != 1 || !lines.get(0).startsWith(PREFIX)) {
                    return "exit 2 without exactly one '" + PREFIX + "' line";
                }
            }
            case 0, 1 -> {
                if (!lines.stream().allMatch(l -> l.startsWith(WARNING))) {
                    return "stderr other than warnings";
                }
                if (o.variant().lostBytes() && lines.stream().noneMatch(l -> l.contains("skipped"))) {
                    return "bytes were lost but no warning says what was skipped";
                }
                if (!o.out().startsWith("tcpstate report: ")) {
                    return "no report";
                }
            }
            default -> {
                return "exit code " + o.code();
            }
        }
        return null;
    }

    private static Outcome run(Variant v, Path file) throws IOException, InterruptedException {
        Optional<Exited> exited = ChildJvm.java().jvmArgs("-Xmx256m").jar(Artifacts.analyzerJar(), "report", file.toString())
                .runWithin(Duration.ofSeconds(TIMEOUT_SECONDS));
        Outcome o = exited.map(e -> new Outcome(v, e.exitCode(), e.stdout(), e.stderr(), false))
                .orElse(new Outcome(v, -1, "", "", true));
        if (o.timedOut()) {
            // seen twice (2026-12-03, -04), not reproduced: each run damages a fresh recording, so keep this one
            Path kept = Files.createDirectories(Path.of("target", "fuzz-timeouts")).resolve(file.getFileName());
            Files.move(file, kept, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return new Outcome(v, -1, "", "kept as " + kept.toAbsolutePath(), true);
        }
        Files.delete(file);
        return o;
    }

    private static Exited analyze(Path file) throws Exception {
        return RealAgentIT.analyze("report", file.toString());
    }
}
