package dev.tcpstate.bench.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The whole-process comparisons of issue 9, run by {@code ./bench.sh} (see BENCHMARKS.md): each
 * figure from child JVMs with and without the agent, interleaved (A, B, C, A, B, C, ... with the
 * order rotated each round), printed as min / median / max and as the cost against the baseline.
 */
public final class Compare {

    private final Map<String, String> opt;
    private final String java;
    private final String agentJar;
    private final String classes;
    private final Path work;
    private final int rounds;
    /** {@code --baseline-agent} as an absolute path, also to tell its runs apart in the per-thread lines; null without. */
    private static String baselineAgent;
    private final List<String> tsv = new ArrayList<>();
    private int runs;
    private int feature;

    private Compare(Map<String, String> opt) throws IOException {
        this.opt = opt;
        this.java = opt.getOrDefault("java", Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        this.agentJar = Paths.get(opt.getOrDefault("agent", "agent/target/tcpstate-agent.jar")).toAbsolutePath().toString();
        this.classes = Paths.get(opt.getOrDefault("classes", "benchmarks/target/classes")).toAbsolutePath().toString();
        this.work = Files.createDirectories(Paths.get(opt.getOrDefault("work", "benchmarks/target/bench-work")).toAbsolutePath());
        this.rounds = Integer.parseInt(opt.getOrDefault("rounds", "5"));
        baselineAgent = opt.containsKey("baseline-agent") ? Paths.get(opt.get("baseline-agent")).toAbsolutePath().toString() : null;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = Options.parse(args);
        Compare c = new Compare(opt);
        Set<String> only = Set.of(opt.getOrDefault("only", "cycles,cold,storm,bulk,startup,attach,memory,kernel").split(","));
        c.header();
        long t0 = System.nanoTime();
        if (only.contains("startup")) {
            c.startup();
        }
        if (only.contains("attach")) {
            c.attach();
        }
        if (only.contains("storm")) {
            c.storm(); // first: the sections after it leave tens of thousands of TIME_WAIT rows behind
        }
        if (only.contains("cycles")) {
            c.cycles("classic");
            c.cycles("nio");
        }
        if (only.contains("cold")) {
            c.cold("classic");
            c.cold("nio");
        }
        if (only.contains("bulk")) {
            c.bulk("classic");
            c.bulk("nio");
        }
        if (only.contains("memory")) {
            c.memory();
        }
        if (only.contains("kernel")) {
            c.kernel();
        }
        Path tsvFile = c.work.resolve("results.tsv");
        Files.write(tsvFile, c.tsv, StandardCharsets.UTF_8);
        System.out.printf(Locale.ROOT, "%n%d child JVMs in %.0f s; figures also in %s%n", c.runs,
                (System.nanoTime() - t0) / 1e9, tsvFile);
    }

    private void header() throws Exception {
        Run v = exec(List.of(java, "-version"), 60);
        String load = Files.readString(Paths.get("/proc/loadavg")).trim();
        Matcher m = Pattern.compile("version \"(\\d+)").matcher(v.err);
        feature = m.find() ? Integer.parseInt(m.group(1)) : 17;
        System.out.printf(Locale.ROOT, "java: %s (%s)%nagent: %s%ncores: %d, load average at start: %s%nrounds: %d%n",
                java, v.err.lines().findFirst().orElse("?"), agentJar, Runtime.getRuntime().availableProcessors(),
                load, rounds);
    }

    // ---------------------------------------------------------------- the sections

    private static final String[] OUR_EVENTS = {"tcpstate.StateChange", "tcpstate.StateChangeNoStack", "tcpstate.Anomaly",
            "tcpstate.LingeringConnection", "tcpstate.StateSummary"};

    private List<String> recording(String name, boolean ourEvents) {
        StringBuilder s = new StringBuilder("-XX:StartFlightRecording:settings=default");
        if (!ourEvents) {
            for (String e : OUR_EVENTS) {
                s.append(",+").append(e).append("#enabled=false");
            }
        }
        s.append(",filename=").append(work.resolve(name + ".jfr"));
        return List.of(s.toString());
    }

    private List<String> agent(String options) {
        return List.of("-javaagent:" + agentJar + (options.isEmpty() ? "" : "=" + options));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private void cycles(String api) throws Exception {
        String warmup = opt.getOrDefault("warmup", "20000");
        String measured = opt.getOrDefault("cycles", "30000");
        String[] names = baselineAgent == null
                ? new String[] {"no agent, JFR default", "agent, JFR default", "agent, JFR, our events off"}
                : new String[] {"no agent, JFR default", "agent, JFR default", "agent, JFR, our events off",
                    "baseline agent, JFR default"};
        int configs = names.length;
        Series[] tput = new Series[configs];
        Series[] cpu = new Series[configs];
        for (int k = 0; k < configs; k++) {
            tput[k] = new Series(names[k]);
            cpu[k] = new Series(names[k]);
        }
        System.out.printf(Locale.ROOT, "%n== loopback cycles, %s: connect / write 4 / read 4 / close, %s cycles after %s "
                + "of warm-up at least (more until the JIT is done), %d rounds%n", api, measured, warmup, rounds);
        for (int r = 0; r < rounds; r++) {
            for (int j = 0; j < configs; j++) {
                int k = (r + j) % configs;
                String tag = "cycles-" + api + "-" + k + "-" + r;
                List<String> jvm = k == 0 ? recording(tag, true)
                        : k == 3 ? concat(List.of("-javaagent:" + baselineAgent), recording(tag, true))
                        : concat(agent(""), recording(tag, k == 1));
                Map<String, Double> res = workload(jvm, "cycles", api, warmup, measured);
                tput[k].add(res.get("cycles_per_s"));
                cpu[k].add(res.get("cpu_us_per_cycle"));
                if (r == 0) {
                    checkRecording(tag, k);
                }
                Files.deleteIfExists(work.resolve(tag + ".jfr"));
            }
        }
        print("cycles/s (higher is better)", tput, true, "cycles-" + api + "-throughput");
        print("process CPU µs per cycle (lower is better)", cpu, false, "cycles-" + api + "-cpu");
    }

    /** Says how many of our events the first recording of each configuration holds: the settings did what they say. */
    private void checkRecording(String tag, int config) throws Exception {
        Path jfr = Paths.get(java).resolveSibling("jfr");
        Path file = work.resolve(tag + ".jfr");
        if (!Files.exists(jfr) || !Files.exists(file)) {
            System.out.println("   (recording not checked: " + (Files.exists(file) ? "no jfr tool" : "no file") + ")");
            return;
        }
        Run s = exec(List.of(jfr.toString(), "summary", file.toString()), 120);
        long ours = s.out.lines().filter(l -> l.trim().startsWith("tcpstate.StateChange"))
                .mapToLong(l -> Long.parseLong(l.trim().split("\\s+")[1])).sum();
        System.out.printf(Locale.ROOT, "   recording of config %d, round 1: %d tcpstate.StateChange events%n", config, ours);
    }

    /** A short-lived JVM: its first cycles, with the agent's weaving and the first events' warm-up in them. */
    private void cold(String api) throws Exception {
        int n = Integer.parseInt(opt.getOrDefault("cold-runs", "10"));
        String cycles = opt.getOrDefault("cold-cycles", "4000");
        String[] names = baselineAgent == null ? new String[] {"no agent, JFR default", "agent, JFR default"}
                : new String[] {"no agent, JFR default", "agent, JFR default", "baseline agent, JFR default"};
        int configs = names.length;
        Series[] cyc = new Series[configs];
        Series[] cpu = new Series[configs];
        Series[] wall = new Series[configs];
        for (int k = 0; k < configs; k++) {
            cyc[k] = new Series(names[k]);
            cpu[k] = new Series(names[k]);
            wall[k] = new Series(names[k]);
        }
        System.out.printf(Locale.ROOT, "%n== cold start, %s: the first %s cycles of a fresh JVM (not waiting for the agent's "
                + "weaving), %d runs each%n", api, cycles, n);
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < configs; j++) {
                int k = (r + j) % configs;
                String tag = "cold-" + api + "-" + k + "-" + r;
                List<String> jvm = k == 0 ? recording(tag, true)
                        : concat(k == 2 ? List.of("-javaagent:" + baselineAgent) : agent(""),
                                recording(tag, true));
                long t0 = System.nanoTime();
                Map<String, Double> res = workload(jvm, "cold", api, cycles);
                wall[k].add((System.nanoTime() - t0) / 1e6);
                Files.deleteIfExists(work.resolve(tag + ".jfr"));
                cyc[k].add(res.get("cycles_ms"));
                cpu[k].add(res.get("process_cpu_ms"));
            }
        }
        printAdded("the cycles' wall ms (lower is better)", cyc, "cold-" + api + "-cycles-ms");
        printAdded("process CPU ms, start to last cycle", cpu, "cold-" + api + "-cpu-ms");
        printAdded("whole process wall ms, spawn to exit", wall, "cold-" + api + "-process-ms");
    }

    /** A TIME_WAIT storm: what one kernel sample costs with that many rows, and whether a CLOSE_WAIT is still confirmed in time. */
    private void storm() throws Exception {
        // JDK 22+ with native access reads the table over netlink; without, and on 17-21, from /proc
        storm("/proc", List.of());
        if (feature >= 22) {
            storm("netlink", List.of("--enable-native-access=ALL-UNNAMED"));
        }
    }

    private void storm(String reader, List<String> jvmArgs) throws Exception {
        String rows = opt.getOrDefault("storm-rows", "30000");
        String seconds = opt.getOrDefault("storm-seconds", "20");
        String[] keys = {"netlink", "storm_ms", "samples", "rows_median", "sample_cpu_ms_median", "sample_cpu_ms_max",
            "interval_ms_configured", "interval_ms_max", "close_wait_confirmed_after_ms", "proc_read_only_cpu_ms"};
        Map<String, Series> series = new LinkedHashMap<>();
        for (String k : keys) {
            series.put(k, new Series(k));
        }
        System.out.printf(Locale.ROOT, "%n== TIME_WAIT storm, %s: %s connections closed first by the JVM (as many TIME_WAIT "
                + "rows), one connection held in CLOSE_WAIT, then %s s of the kernel sampler's figures; agent + JFR default, "
                + "%d rounds%n", reader, rows, seconds, rounds);
        for (int r = 0; r < rounds; r++) {
            awaitFewTimeWaits();
            String tag = "storm-" + r;
            Map<String, Double> res = workload(concat(jvmArgs, concat(agent(""), recording(tag, true))), "storm", rows,
                    seconds);
            Files.deleteIfExists(work.resolve(tag + ".jfr"));
            for (String k : keys) {
                series.get(k).add(res.get(k));
            }
        }
        System.out.printf(Locale.ROOT, "   %-44s %s%n", "", "min / median / max");
        for (Series x : series.values()) {
            System.out.printf(Locale.ROOT, "   %-44s %s%n", x.name, x.stats());
            tsv.add("storm " + reader + "\t" + x.name + "\t" + x.tsv());
        }
    }

    /** The storm's rows are its own: waits (at most 75 s) until the TIME_WAITs of earlier runs are gone. */
    private static void awaitFewTimeWaits() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(75);
        int tw = timeWaits();
        while (tw > 500 && System.nanoTime() < deadline) {
            Thread.sleep(1000);
            tw = timeWaits();
        }
        System.out.printf(Locale.ROOT, "   TIME_WAIT rows in this namespace before the round: %d%n", tw);
    }

    /** {@code tw} of {@code /proc/net/sockstat}: this network namespace's TIME_WAIT count; -1 where there is none. */
    private static int timeWaits() throws IOException {
        Path sockstat = Paths.get("/proc/net/sockstat");
        if (!Files.isReadable(sockstat)) {
            return -1;
        }
        Matcher m = Pattern.compile("TCP:.* tw (\\d+)").matcher(Files.readString(sockstat));
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    private void bulk(String api) throws Exception {
        long bytes = Long.parseLong(opt.getOrDefault("bulk-bytes", String.valueOf(1L << 30)));
        String[] names = {"no agent, JFR default", "agent, JFR default"};
        Series[] tput = {new Series(names[0]), new Series(names[1])};
        Series[] cpu = {new Series(names[0]), new Series(names[1])};
        System.out.printf(Locale.ROOT, "%n== bulk transfer, %s: one connection, %d MiB, %d rounds%n", api,
                bytes >> 20, rounds);
        for (int r = 0; r < rounds; r++) {
            for (int j = 0; j < 2; j++) {
                int k = (r + j) % 2;
                String tag = "bulk-" + api + "-" + k + "-" + r;
                List<String> jvm = k == 0 ? recording(tag, true) : concat(agent(""), recording(tag, true));
                Map<String, Double> res = workload(jvm, "bulk", api, String.valueOf(bytes));
                Files.deleteIfExists(work.resolve(tag + ".jfr"));
                tput[k].add(res.get("mib_per_s"));
                cpu[k].add(res.get("cpu_ms"));
            }
        }
        print("MiB/s (higher is better)", tput, true, "bulk-" + api + "-throughput");
        print("process CPU ms for the transfer (lower is better)", cpu, false, "bulk-" + api + "-cpu");
    }

    private void startup() throws Exception {
        int n = Integer.parseInt(opt.getOrDefault("startup-runs", "10"));
        String[] names = {"no agent", "agent", "agent, kernelInterval=off"};
        List<List<String>> jvm = List.of(List.of(), agent(""), agent("kernelInterval=off"));
        Series[] wall = {new Series(names[0]), new Series(names[1]), new Series(names[2])};
        System.out.printf(Locale.ROOT, "%n== start-up: a trivial main, whole process wall time, %d runs each%n", n);
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < 3; j++) {
                int k = (r + j) % 3;
                long t0 = System.nanoTime();
                workload(jvm.get(k), "trivial");
                wall[k].add((System.nanoTime() - t0) / 1e6);
            }
        }
        printAdded("ms (lower is better)", wall, "startup-ms");
    }

    private void attach() throws Exception {
        int n = Integer.parseInt(opt.getOrDefault("attach-runs", "5"));
        Series wall = new Series("attach command, wall ms");
        Series reported = new Series("as it reports, ms");
        Series installed = new Series("installed in, ms");
        System.out.printf(Locale.ROOT, "%n== attach: `java -jar tcpstate-agent.jar attach <pid>` to an idle JVM, %d runs%n", n);
        Pattern p = Pattern.compile("attached to \\d+ in (\\d+) ms: .*installed in (\\d+) ms");
        for (int r = 0; r < n; r++) {
            List<String> cmd = new ArrayList<>(List.of(java, "-cp", classes, Workload.class.getName(), "idle"));
            Process idle = new ProcessBuilder(cmd).redirectError(work.resolve("idle.err").toFile()).start();
            runs++;
            try {
                String line = new java.io.BufferedReader(new java.io.InputStreamReader(idle.getInputStream(),
                        StandardCharsets.UTF_8)).readLine();
                String pid = line.substring(line.indexOf("PID ") + 4).trim();
                Thread.sleep(500);
                long t0 = System.nanoTime();
                Run a = exec(List.of(java, "-jar", agentJar, "attach", pid), 120);
                wall.add((System.nanoTime() - t0) / 1e6);
                Matcher m = p.matcher(a.out);
                if (!m.find()) {
                    throw new IllegalStateException("attach said: " + a.out + a.err);
                }
                reported.add(Double.parseDouble(m.group(1)));
                installed.add(Double.parseDouble(m.group(2)));
                if (r == 0) {
                    System.out.println("   " + a.out.trim());
                }
            } finally {
                idle.getOutputStream().close();
                if (!idle.waitFor(30, TimeUnit.SECONDS)) {
                    idle.destroyForcibly();
                }
            }
        }
        for (Series s : new Series[] {wall, reported, installed}) {
            System.out.printf(Locale.ROOT, "   %-34s %s%n", s.name, s.stats());
            tsv.add("attach\t" + s.name + "\t" + s.tsv());
        }
    }

    private void memory() throws Exception {
        String n = opt.getOrDefault("heap-connections", "10000");
        String wait = opt.getOrDefault("heap-wait", "90");
        System.out.printf(Locale.ROOT, "%n== memory: %s loopback connections (%d pairs) open in a child JVM, heap after "
                + "full GC (SerialGC), then closed, then %s s later; the two JVMs run side by side, each with a "
                + "recording (JFR default; the agent tracks only while a recording wants its events)%n", n,
                Integer.parseInt(n) / 2, wait);
        List<String> gc = List.of("-XX:+UseSerialGC", "-Xmx512m");
        Child none = start(concat(gc, recording("memory-none", true)), "heap", n, wait);
        Child with = start(concat(concat(gc, agent("")), recording("memory-agent", true)), "heap", n, wait);
        Map<String, Double> a = none.result();
        Map<String, Double> b = with.result();
        double conns = a.get("connections");
        for (String phase : new String[] {"open", "closed", "after_wait"}) {
            double dn = a.get(phase) - a.get("base");
            double da = b.get(phase) - b.get("base");
            System.out.printf(Locale.ROOT, "   %-10s heap growth: no agent %,12.0f B, agent %,12.0f B; agent's share %,10.0f B"
                    + " = %7.1f B per connection%n", phase, dn, da, da - dn, (da - dn) / conns);
            tsv.add("memory\t" + phase + "\t" + (da - dn) / conns);
        }
    }

    private void kernel() throws Exception {
        String cp = opt.getOrDefault("kernel-cp", "agent/target/test-classes:agent/target/classes");
        List<String> cmd = new ArrayList<>(List.of(java));
        if (feature >= 22) {
            cmd.add("--enable-native-access=ALL-UNNAMED");
            cp += ":agent/target/classes/META-INF/versions/22";
        }
        cmd.addAll(List.of("-cp", cp, "dev.tcpstate.agent.kernel.KernelSamplingBenchmark",
                opt.getOrDefault("kernel-pairs", "5000"), opt.getOrDefault("kernel-samples", "50")));
        System.out.printf(Locale.ROOT, "%n== kernel sampling: KernelSamplingBenchmark (agent test sources), %s pairs%n",
                opt.getOrDefault("kernel-pairs", "5000"));
        Run k = exec(cmd, 600);
        k.out.lines().forEach(l -> System.out.println("   " + l));
        if (k.exit != 0) {
            System.out.println("   failed: " + k.err);
        }
        Matcher m = Pattern.compile("(?m)^(\\S.*?)\\s+result\\s+(\\d+) \\| thread cpu min/median/max ([\\d.]+)/([\\d.]+)/([\\d.]+)").matcher(k.out);
        while (m.find()) {
            tsv.add("kernel\t" + m.group(1).trim() + " rows=" + m.group(2) + "\t" + m.group(3) + "\t" + m.group(4) + "\t" + m.group(5));
        }
    }

    // ---------------------------------------------------------------- child JVMs

    private Map<String, Double> workload(List<String> jvm, String... args) throws Exception {
        return start(jvm, args).result();
    }

    private Child start(List<String> jvm, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(jvm);
        cmd.addAll(List.of("-cp", classes, Workload.class.getName()));
        cmd.addAll(Arrays.asList(args));
        runs++;
        Path out = Files.createTempFile(work, "child", ".out");
        Path err = Files.createTempFile(work, "child", ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        return new Child(cmd, p, out, err);
    }

    private static final class Child {
        final List<String> cmd;
        final Process process;
        final Path out;
        final Path err;

        Child(List<String> cmd, Process process, Path out, Path err) {
            this.cmd = cmd;
            this.process = process;
            this.out = out;
            this.err = err;
        }

        Map<String, Double> result() throws Exception {
            if (!process.waitFor(15, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out: " + cmd);
            }
            String text = Files.readString(out);
            String errors = Files.readString(err);
            Files.delete(out);
            Files.delete(err);
            if (process.exitValue() != 0) {
                throw new IllegalStateException("exit " + process.exitValue() + ": " + cmd + "\n" + errors);
            }
            Map<String, Double> values = new LinkedHashMap<>();
            text.lines().filter(l -> l.startsWith("THREADS ")).findFirst()
                    .ifPresent(l -> System.out.println("   " + String.join(" ", cmd.subList(cmd.size() - 4, cmd.size() - 2))
                            + (cmd.stream().anyMatch(a -> a.startsWith("-javaagent")) ? ", agent" : "")
                            + (baselineAgent != null && cmd.stream().anyMatch(a -> a.contains(baselineAgent)) ? " (baseline)" : "")
                            + (cmd.stream().anyMatch(a -> a.contains("#enabled=false")) ? ", our events off" : "")
                            + ": " + l + text.lines().filter(w -> w.startsWith("WARMUP ")).findFirst()
                                    .map(w -> " (after " + w.substring(7) + " of warm-up)").orElse("")));
            text.lines().filter(l -> l.startsWith("RESULT ")).findFirst().ifPresent(l -> {
                for (String kv : l.substring(7).trim().split("\\s+")) {
                    values.put(kv.substring(0, kv.indexOf('=')), Double.parseDouble(kv.substring(kv.indexOf('=') + 1)));
                }
            });
            if (!errors.isBlank() && errors.contains("tcpstate")) {
                System.out.println("   stderr: " + errors.lines().filter(l -> l.contains("tcpstate")).findFirst().orElse(""));
            }
            return values;
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

    private Run exec(List<String> cmd, int timeoutSeconds) throws Exception {
        runs++;
        Path out = Files.createTempFile(work, "exec", ".out");
        Path err = Files.createTempFile(work, "exec", ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("timed out: " + cmd);
        }
        Run r = new Run(p.exitValue(), Files.readString(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return r;
    }

    // ---------------------------------------------------------------- statistics


    /** Each series against the first: cost in % of the first's median, and the median of the per-round costs. */
    private void print(String unit, Series[] series, boolean higherIsBetter, String key) {
        System.out.printf(Locale.ROOT, "   %-44s %-38s %s%n", unit, "min / median / max", "cost: of medians | median of rounds");
        Series base = series[0];
        for (Series s : series) {
            String cost = "";
            if (s != base) {
                double ofMedians = cost(base.median(), s.median(), higherIsBetter);
                double[] perRound = new double[s.values.size()];
                for (int i = 0; i < perRound.length; i++) {
                    perRound[i] = cost(base.values.get(i), s.values.get(i), higherIsBetter);
                }
                Arrays.sort(perRound);
                cost = String.format(Locale.ROOT, "%+6.1f %% | %+6.1f %%", ofMedians, Series.median(perRound));
            }
            System.out.printf(Locale.ROOT, "   %-44s %-38s %s%n", s.name, s.stats(), cost);
            tsv.add(key + "\t" + s.name + "\t" + s.tsv() + "\t" + cost.replace(" | ", "\t"));
        }
    }

    /** The cost of {@code value} against {@code base}, in %: positive when worse. */
    private static double cost(double base, double value, boolean higherIsBetter) {
        return higherIsBetter ? (base - value) / base * 100 : (value - base) / base * 100;
    }

    private void printAdded(String unit, Series[] series, String key) {
        System.out.printf(Locale.ROOT, "   %-44s %-38s %s%n", unit, "min / median / max", "added: of medians | of minimums");
        for (Series s : series) {
            String added = s == series[0] ? "" : String.format(Locale.ROOT, "%+7.1f ms | %+7.1f ms",
                    s.median() - series[0].median(), s.sorted()[0] - series[0].sorted()[0]);
            System.out.printf(Locale.ROOT, "   %-44s %-38s %s%n", s.name, s.stats(), added);
            tsv.add(key + "\t" + s.name + "\t" + s.tsv() + "\t" + added);
        }
    }
}
