package dev.tcpstate.demo;

import dev.tcpstate.demo.scenario.CloseWaitLeak;
import dev.tcpstate.demo.scenario.HalfClose;
import dev.tcpstate.demo.scenario.Healthy;
import dev.tcpstate.demo.scenario.NioLeak;
import dev.tcpstate.demo.scenario.ResetOnClose;
import dev.tcpstate.demo.scenario.TimeWaitStorm;
import dev.tcpstate.demo.scenario.VirtualThreadsLeak;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Entry point of the demo scenarios; each reproduces one TCP pathology on loopback (127.0.0.1). */
public final class Demo {
    static final List<Scenario> SCENARIOS = List.of(
        new CloseWaitLeak(), new TimeWaitStorm(), new HalfClose(), new ResetOnClose(),
        new Healthy(), new NioLeak(), new VirtualThreadsLeak());

    static final String USAGE = "usage: java -jar tcpstate-demo.jar <" + String.join("|", names())
        + "|all> [--hold 3s] [--connections N] [--requests N]";

    private Demo() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the scenario named by {@code args[0]}; returns the exit status (0 done, 1 failed, 2 bad usage). */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 1 && (args[0].equals("-h") || args[0].equals("--help"))) {
            out.println(USAGE);
            SCENARIOS.forEach(s -> out.printf("  %-16s %s%n", s.name(), s.summary()));
            out.printf("  %-16s %s%n", "all", "every scenario above, in sequence");
            return 0;
        }
        Map<String, Scenario> byName = new LinkedHashMap<>();
        SCENARIOS.forEach(s -> byName.put(s.name(), s));
        if (args.length == 0 || !(byName.containsKey(args[0]) || args[0].equals("all"))) {
            err.println((args.length == 0 ? "tcpstate-demo: no scenario; " : "tcpstate-demo: unknown scenario '" + args[0] + "'; ") + USAGE);
            return 2;
        }
        Options options;
        try {
            options = Options.parse(args, 1);
        } catch (IllegalArgumentException e) {
            err.println("tcpstate-demo: " + e.getMessage() + "; " + USAGE);
            return 2;
        }
        List<Scenario> chosen = args[0].equals("all") ? SCENARIOS : List.of(byName.get(args[0]));
        long start = System.nanoTime();
        for (Scenario scenario : chosen) {
            long begun = System.nanoTime();
            try {
                scenario.run(options, out);
            } catch (Exception e) {
                err.println("tcpstate-demo: " + scenario.name() + " failed: " + e);
                e.printStackTrace(err);
                return 1;
            }
            out.printf("   done in %.1f s%n", seconds(begun));
        }
        if (chosen.size() > 1) {
            out.printf("== all %d scenarios done in %.1f s%n", chosen.size(), seconds(start));
        }
        return 0;
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static List<String> names() {
        return SCENARIOS.stream().map(Scenario::name).toList();
    }
}
