package dev.tcpstate.bench.process;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The analyzer's part of issue 9, run by {@code ./bench.sh --analyzer} (see BENCHMARKS.md, "Analyzer"):
 * a recording of about 1 GiB holding our events and a profiling recording's JDK events, analysed by
 * {@code tcpstate-analyzer.jar report} in a 1 GiB heap, against JMC's {@code JfrLoaderToolkit.loadEvents}
 * and the JDK's {@code jfr summary}, each a child process, interleaved over the rounds; then the
 * analyzer's heap on a quarter of the file and on the whole, and in a small heap.
 *
 * <p>The recording is made once and kept in {@code benchmarks/target/} ({@code analyzer-<MiB>m.jfr}
 * with a {@code .txt} saying what it holds): several runs of {@link ProfiledApp} under the agent and
 * {@code settings=profile}, each run a JVM of its own (so its connection ids are its own), their files
 * concatenated in time order. A JFR file is a sequence of self-contained chunks, so the concatenation
 * is itself a recording.
 */
public final class AnalyzerCompare {

    /** A profiling recording with the options JMC's profile template offers at their most detailed. */
    private static final String PROFILE = "settings=profile,+jdk.ThreadPark#threshold=0ms,"
            + "+jdk.JavaMonitorEnter#threshold=0ms,+jdk.ObjectAllocationInNewTLAB#enabled=true,"
            + "+jdk.ObjectAllocationOutsideTLAB#enabled=true,+jdk.ObjectAllocationSample#throttle=100000/s,maxsize=0";
    private static final Pattern GC = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");
    private static final Pattern TIME = Pattern.compile("(?m)^TIME ([\\d.]+) (\\d+)$");

    private final Map<String, String> opt;
    private final String java;
    private final Path jfr;
    private final String agentJar;
    private final String analyzerJar;
    private final String classes;
    private final Path work;
    private final int rounds;
    private final boolean gnuTime = Files.isExecutable(Paths.get("/usr/bin/time"));
    private final List<String> tsv = new ArrayList<>();
    private int runs;

    private AnalyzerCompare(Map<String, String> opt) throws IOException {
        this.opt = opt;
        this.java = opt.getOrDefault("java", Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        this.jfr = Paths.get(java).resolveSibling("jfr");
        this.agentJar = Paths.get(opt.getOrDefault("agent", "agent/target/tcpstate-agent.jar")).toAbsolutePath().toString();
        this.analyzerJar = Paths.get(opt.getOrDefault("analyzer", "analyzer/target/tcpstate-analyzer.jar")).toAbsolutePath().toString();
        this.classes = Paths.get(opt.getOrDefault("classes", "benchmarks/target/classes")).toAbsolutePath().toString();
        this.work = Files.createDirectories(Paths.get(opt.getOrDefault("work", "benchmarks/target/analyzer-work")).toAbsolutePath());
        this.rounds = Integer.parseInt(opt.getOrDefault("rounds", "3"));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = Options.parse(args);
        AnalyzerCompare c = new AnalyzerCompare(opt);
        long t0 = System.nanoTime();
        c.header();
        long bytes = Long.parseLong(opt.getOrDefault("analyzer-bytes", String.valueOf(1L << 30)));
        Path[] files = c.recording(bytes, bytes / 4);
        String only = opt.getOrDefault("only", "compare,memory");
        if (only.contains("compare")) {
            c.compare(files[1]);
        }
        if (only.contains("memory")) {
            c.memory(files[0], files[1]);
        }
        Path tsvFile = c.work.resolve("results.tsv");
        Files.write(tsvFile, c.tsv, StandardCharsets.UTF_8);
        System.out.printf(Locale.ROOT, "%n%d child processes in %.0f s; figures also in %s%n", c.runs,
                (System.nanoTime() - t0) / 1e9, tsvFile);
    }

    private void header() throws Exception {
        Run v = exec(List.of(java, "-version"), List.of(), 60);
        System.out.printf(Locale.ROOT, "java: %s (%s)%nanalyzer: %s%ncores: %d, load average at start: %s%nrounds: %d%n",
                java, v.err.lines().findFirst().orElse("?"), analyzerJar, Runtime.getRuntime().availableProcessors(),
                Files.readString(Paths.get("/proc/loadavg")).trim(), rounds);
    }

    // ---------------------------------------------------------------- the recording

    /** The whole recording and its first runs up to {@code quarter} bytes, made unless already there. */
    private Path[] recording(long bytes, long quarter) throws Exception {
        Path dir = Paths.get(opt.getOrDefault("recordings", "benchmarks/target")).toAbsolutePath();
        Path whole = dir.resolve("analyzer-" + (bytes >> 20) + "m.jfr");
        Path first = dir.resolve("analyzer-" + (bytes >> 20) + "m-first-runs.jfr");
        Path about = dir.resolve("analyzer-" + (bytes >> 20) + "m.txt");
        if (Files.exists(whole) && Files.exists(first) && Files.exists(about)) {
            System.out.printf(Locale.ROOT, "%n== recording: %s (made earlier; delete it to make it afresh)%n", whole);
            Files.readAllLines(about).forEach(l -> System.out.println("   " + l));
            return new Path[] {first, whole};
        }
        int seconds = Integer.parseInt(opt.getOrDefault("part-seconds", "50"));
        int connections = Integer.parseInt(opt.getOrDefault("part-connections", "10000"));
        System.out.printf(Locale.ROOT, "%n== recording: making %s, %d MiB, from runs of ProfiledApp (%d s, %d loopback "
                + "connections each) under the agent and %s%n", whole, bytes >> 20, seconds, connections, PROFILE);
        Path part = work.resolve("part.jfr");
        Path partial = dir.resolve(whole.getFileName() + ".partial");
        Files.deleteIfExists(partial);
        Files.deleteIfExists(first);
        List<String> lines = new ArrayList<>();
        int n = 0;
        long size = 0;
        double bytesPerSecond = 0;
        while (size < bytes) {
            int s = bytesPerSecond == 0 ? seconds
                    : (int) Math.min(seconds, Math.max(5, Math.ceil((bytes - size) / bytesPerSecond) + 3));
            int c = (int) ((long) connections * s / seconds);
            Files.deleteIfExists(part);
            List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m", "-XX:TLABSize=4k", "-XX:-ResizeTLAB",
                    "-javaagent:" + agentJar, "-XX:StartFlightRecording:" + PROFILE + ",filename=" + part,
                    "-cp", classes, ProfiledApp.class.getName(), String.valueOf(s), String.valueOf(c)));
            Run r = exec(cmd, List.of(), s + 300);
            if (r.exit != 0 || !Files.exists(part)) {
                throw new IllegalStateException("run " + (n + 1) + " failed, exit " + r.exit + ": " + r.err);
            }
            long partSize = Files.size(part);
            bytesPerSecond = partSize / (double) s;
            try (OutputStream out = Files.newOutputStream(partial, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                Files.copy(part, out);
            }
            size += partSize;
            n++;
            String line = String.format(Locale.ROOT, "run %d: %d s, %s, %,d bytes, %,d in all", n, s,
                    r.out.lines().filter(l -> l.startsWith("RESULT ")).findFirst().orElse("?").substring(7), partSize, size);
            System.out.println("   " + line);
            lines.add(line);
            if (!Files.exists(first) && size >= quarter) {
                Files.copy(partial, first);
                lines.add("-> " + first.getFileName() + ": runs 1-" + n + ", " + size + " bytes");
                System.out.println("   " + lines.get(lines.size() - 1));
            }
        }
        Files.delete(part);
        Files.move(partial, whole, StandardCopyOption.REPLACE_EXISTING);
        int shown = lines.size();
        lines.add("-> " + whole.getFileName() + ": runs 1-" + n + ", " + size + " bytes");
        lines.addAll(summary(whole));
        Files.write(about, lines, StandardCharsets.UTF_8);
        lines.subList(shown, lines.size()).forEach(l -> System.out.println("   " + l));
        return new Path[] {first, whole};
    }

    /** What {@code jfr summary} says the file holds: chunks, the largest event types, and ours. */
    private List<String> summary(Path file) throws Exception {
        Run s = exec(List.of(jfr.toString(), "summary", file.toString()), List.of(), 1200);
        List<String> lines = new ArrayList<>();
        s.out.lines().filter(l -> l.trim().startsWith("Chunks:")).forEach(l -> lines.add(l.trim()));
        Map<String, long[]> byName = new LinkedHashMap<>(); // each run declares its own type ids: one row per run
        s.out.lines().map(String::trim).filter(l -> l.matches("[\\w.]+\\s+\\d+\\s+\\d+")).forEach(l -> {
            String[] r = l.split("\\s+");
            long[] sum = byName.computeIfAbsent(r[0], k -> new long[2]);
            sum[0] += Long.parseLong(r[1]);
            sum[1] += Long.parseLong(r[2]);
        });
        List<Map.Entry<String, long[]>> rows = new ArrayList<>(byName.entrySet());
        long events = rows.stream().mapToLong(e -> e.getValue()[0]).sum();
        long eventBytes = rows.stream().mapToLong(e -> e.getValue()[1]).sum();
        lines.add(String.format(Locale.ROOT, "%,d events of %d types, %,d bytes; the largest by size, and ours:", events,
                rows.size(), eventBytes));
        rows.sort(Comparator.comparingLong((Map.Entry<String, long[]> e) -> e.getValue()[1]).reversed());
        for (int i = 0; i < rows.size(); i++) {
            Map.Entry<String, long[]> e = rows.get(i);
            if (i < 10 || e.getKey().startsWith("tcpstate.")) {
                lines.add(String.format(Locale.ROOT, "  %-36s %,12d events %,14d bytes", e.getKey(), e.getValue()[0],
                        e.getValue()[1]));
            }
        }
        return lines;
    }

    // ---------------------------------------------------------------- the comparison

    private void compare(Path file) throws Exception {
        String heap = opt.getOrDefault("heap", "1g");
        String jmcHeap = opt.getOrDefault("jmc-heap", "8g");
        System.out.println("   (the EventStream row is not the analyzer: what a parser that skips other events costs; "
                + "the JDK's stream stops at the first recording's final chunk, so on concatenated runs it reads only the first)");
        long mib = Files.size(file) >> 20;
        System.out.printf(Locale.ROOT, "%n== %d MiB: analyzer (-Xmx%s) against JMC loadEvents and jfr summary, %d rounds%n",
                mib, heap, rounds);

        Measure jmcSmall = measure("jmc", jmc(file, heap));
        System.out.printf(Locale.ROOT, "   JMC loadEvents with -Xmx%s: %s%n", heap, jmcSmall.ok() ? jmcSmall.describe()
                : "failed: " + jmcSmall.failure);
        tsv.add("analyzer\tjmc -Xmx" + heap + "\t" + (jmcSmall.ok() ? jmcSmall.seconds : jmcSmall.failure));
        String jmcUsed = jmcSmall.ok() ? heap : jmcHeap;

        String baseline = opt.get("baseline-analyzer");
        List<String> list = new ArrayList<>(List.of("analyzer report --format json, -Xmx" + heap, "JMC loadEvents, -Xmx"
                + jmcUsed, "jfr summary", "(JDK EventStream, our 4 types, -Xmx" + heap + ")"));
        if (baseline != null) {
            list.add("analyzer " + Paths.get(baseline).getFileName() + ", -Xmx" + heap);
        }
        String[] names = list.toArray(new String[0]);
        Series[] wall = new Series[names.length];
        Series[] rss = new Series[names.length];
        Series[] peak = new Series[names.length];
        Series[] afterGc = new Series[names.length];
        for (int k = 0; k < names.length; k++) {
            wall[k] = new Series(names[k]);
            rss[k] = new Series(names[k]);
            peak[k] = new Series(names[k]);
            afterGc[k] = new Series(names[k]);
        }
        for (int r = 0; r < rounds; r++) {
            for (int j = 0; j < names.length; j++) {
                int k = (r + j) % names.length;
                Measure m = switch (k) {
                    case 0 -> measure("analyzer", analyzer(analyzerJar, file, heap));
                    case 1 -> measure("jmc", jmc(file, jmcUsed));
                    case 2 -> measure("jfr", List.of(jfr.toString(), "summary", file.toString()));
                    case 3 -> measure("stream", List.of(java, "-Xmx" + heap, "-cp", classes,
                            StreamOurEvents.class.getName(), file.toString()));
                    default -> measure("analyzer", analyzer(Paths.get(baseline).toAbsolutePath().toString(), file, heap));
                };
                if (!m.ok()) {
                    throw new IllegalStateException(names[k] + " failed: " + m.failure);
                }
                if (r == 0) {
                    System.out.printf(Locale.ROOT, "   %s, round 1: %s%n", names[k], m.describe());
                }
                wall[k].add(m.seconds);
                rss[k].add(m.rssMiB);
                peak[k].add(m.peakHeapMiB);
                afterGc[k].add(m.maxAfterGcMiB);
            }
        }
        print("wall s (lower is better)", wall, "wall-s");
        print("peak RSS MiB", rss, "rss-mib");
        print("peak heap used MiB (-Xlog:gc, before a GC)", peak, "heap-peak-mib");
        print("max heap after GC MiB", afterGc, "heap-after-gc-mib");
        double analyzer = wall[0].median();
        System.out.printf(Locale.ROOT, "   medians: analyzer is %.2fx faster than JMC loadEvents (target >= 3x), "
                + "%.2fx the time of jfr summary (target <= 1x)%n", wall[1].median() / analyzer, analyzer / wall[2].median());
    }

    private List<String> analyzer(String jar, Path file, String heap) {
        return List.of(java, "-Xmx" + heap, "-jar", jar, "report", file.toString(), "--format", "json");
    }

    private List<String> jmc(Path file, String heap) {
        return List.of(java, "-Xmx" + heap, "-cp", analyzerJar + ":" + classes, JmcLoad.class.getName(), file.toString());
    }

    // ---------------------------------------------------------------- memory

    /** The first runs of the file in the usual heap; the whole in smaller ones (the usual heap: {@link #compare}). */
    private void memory(Path first, Path whole) throws Exception {
        String heap = opt.getOrDefault("heap", "1g");
        String small = opt.getOrDefault("small-heap", "512m,256m");
        System.out.printf(Locale.ROOT, "%n== analyzer memory: the file's first runs with -Xmx%s, the whole with -Xmx%s%n",
                heap, small);
        List<String[]> cases = new ArrayList<>();
        cases.add(new String[] {first.toString(), heap});
        for (String h : small.split(",")) {
            cases.add(new String[] {whole.toString(), h});
        }
        for (String[] fh : cases) {
            Path f = Paths.get(fh[0]);
            Measure m = measure("analyzer", analyzer(analyzerJar, f, fh[1]));
            System.out.printf(Locale.ROOT, "   %-30s %5d MiB, -Xmx%-5s %s%n", f.getFileName(), Files.size(f) >> 20, fh[1],
                    m.ok() ? m.describe() : "failed: " + m.failure);
            tsv.add("memory\t" + f.getFileName() + "\t-Xmx" + fh[1] + "\t" + (m.ok() ? m.seconds + "\t" + m.maxAfterGcMiB
                    + "\t" + m.peakHeapMiB : m.failure));
        }
    }

    // ---------------------------------------------------------------- child processes

    /** One run of {@code cmd} (a JVM gets {@code -Xlog:gc} added), with wall time, peak RSS and the heap. */
    private Measure measure(String tag, List<String> cmd) throws Exception {
        Path gcLog = work.resolve(tag + "-gc.log");
        Files.deleteIfExists(gcLog);
        List<String> full = new ArrayList<>(cmd);
        if (cmd.get(0).equals(java)) {
            full.add(1, "-Xlog:gc:file=" + gcLog);
        }
        List<String> prefix = gnuTime ? List.of("/usr/bin/time", "-f", "TIME %e %M") : List.of();
        long t0 = System.nanoTime();
        Run r = exec(full, prefix, 3600);
        Measure m = new Measure();
        m.seconds = (System.nanoTime() - t0) / 1e9;
        Matcher t = TIME.matcher(r.err);
        if (t.find()) {
            m.rssMiB = Long.parseLong(t.group(2)) / 1024.0;
        }
        m.exit = r.exit;
        boolean findings = tag.equals("analyzer") && r.exit == 1 && !r.err.contains("Exception in thread");
        if (r.exit != 0 && !findings) {
            m.failure = "exit " + r.exit + (r.err.contains("OutOfMemoryError") ? " (OutOfMemoryError)" : "") + ": "
                    + r.err.lines().filter(l -> !l.startsWith("TIME ")).findFirst().orElse("")
                    + r.err.lines().filter(l -> l.trim().startsWith("at dev.tcpstate")).findFirst().map(l -> " " + l.trim())
                    .orElse("");
        }
        Matcher result = Pattern.compile("(?m)^RESULT (.*)$").matcher(r.out);
        Matcher total = Pattern.compile("\"connections\" : \\{\\s*\"total\" : (\\d+)").matcher(r.out);
        m.note = result.find() ? result.group(1) : total.find() ? "connections=" + total.group(1) + " exit=" + r.exit : "";
        if (Files.exists(gcLog)) {
            for (String line : Files.readAllLines(gcLog)) {
                Matcher g = GC.matcher(line);
                if (line.contains("Pause") && g.find()) {
                    m.gcs++;
                    m.peakHeapMiB = m.gcs == 1 ? Double.parseDouble(g.group(1)) : Math.max(m.peakHeapMiB, Double.parseDouble(g.group(1)));
                    m.maxAfterGcMiB = m.gcs == 1 ? Double.parseDouble(g.group(2)) : Math.max(m.maxAfterGcMiB, Double.parseDouble(g.group(2)));
                }
            }
            Files.delete(gcLog);
        }
        return m;
    }

    private static final class Measure {
        double seconds;
        double rssMiB = Double.NaN;
        double peakHeapMiB = Double.NaN;
        double maxAfterGcMiB = Double.NaN;
        int gcs;
        int exit;
        String failure;
        String note = "";

        boolean ok() {
            return failure == null;
        }

        String describe() {
            return String.format(Locale.ROOT, "%.1f s, RSS %.0f MiB, heap peak %.0f MiB, max after GC %.0f MiB (%d GCs)%s",
                    seconds, rssMiB, peakHeapMiB, maxAfterGcMiB, gcs, note.isEmpty() ? "" : "; " + note);
        }
    }

    private static final class Run {
        final int exit;
        final String out;
        final String err;

        Run(int exit, String out, String err) {
            this.exit = exit;
            this.out = out;
            this.err = err;
        }
    }

    private Run exec(List<String> cmd, List<String> prefix, int timeoutSeconds) throws Exception {
        runs++;
        List<String> full = new ArrayList<>(prefix);
        full.addAll(cmd);
        Path out = Files.createTempFile(work, "exec", ".out");
        Path err = Files.createTempFile(work, "exec", ".err");
        Process p = new ProcessBuilder(full).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("timed out: " + full);
        }
        // the analyzer's JSON report can be long: keep its head, where the connection count is
        String text = Files.readString(out);
        Run r = new Run(p.exitValue(), text.length() > 4096 ? text.substring(0, 4096) : text, Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return r;
    }

    // ---------------------------------------------------------------- statistics


    /** Each series, and its median against the analyzer's (the first). */
    private void print(String unit, Series[] series, String key) {
        System.out.printf(Locale.ROOT, "   %-48s %-33s %s%n", unit, "min / median / max", "median / analyzer's");
        for (Series s : series) {
            String ratio = s == series[0] ? "" : String.format(Locale.ROOT, "%6.2fx", s.median() / series[0].median());
            System.out.printf(Locale.ROOT, "   %-48s %-33s %s%n", s.name, s.stats(), ratio);
            double[] v = s.sorted();
            tsv.add(key + "\t" + s.name + "\t" + v[0] + "\t" + s.median() + "\t" + v[v.length - 1] + "\t" + ratio.trim());
        }
    }
}
