package dev.tcpstate.analyzer;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

import dev.tcpstate.analyzer.findings.FindingType;
import dev.tcpstate.analyzer.findings.Findings;
import dev.tcpstate.analyzer.findings.Preference;
import dev.tcpstate.analyzer.findings.Thresholds;
import dev.tcpstate.analyzer.load.LoadResult;
import dev.tcpstate.analyzer.load.RecordingLoader;
import dev.tcpstate.analyzer.report.Format;
import dev.tcpstate.analyzer.report.Report;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code report}: the findings of one or more recordings, in one of the report formats. */
@Command(name = "report",
        description = "Analyse recordings together and report lingering connections.",
        sortOptions = false,
        mixinStandardHelpOptions = true)
final class ReportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "<recording.jfr>", description = "Recordings made with the tcpstate agent.")
    List<Path> recordings;

    @Option(names = "--format", paramLabel = "<format>", defaultValue = "text",
            description = "text, json, junit or html. Default: ${DEFAULT-VALUE}.")
    Format format;

    @Option(names = {"-o", "--output"}, paramLabel = "<file>", description = "Write the report here instead of stdout.")
    Path output;

    @Option(names = "--fail-on", paramLabel = "<kinds>", split = ",", completionCandidates = FailOnKinds.class,
            description = "Exit with 1 when a finding of these kinds is found: ${COMPLETION-CANDIDATES}"
                    + " (comma-separated).")
    List<String> failOn = List.of();

    @Mixin
    RedactOption redaction = new RedactOption();

    @Override
    public Integer call() throws Exception {
        Set<FindingType> failKinds = failKinds();
        Thresholds thresholds = thresholds();
        LoadResult load = RecordingLoader.load(recordings, redaction.redact);
        PrintWriter err = spec.commandLine().getErr();
        for (String w : load.warnings()) {
            err.println(Analyzer.NAME + ": warning: " + w);
        }
        Report report = Report.of(load, thresholds, failKinds);
        if (output == null) {
            PrintWriter out = spec.commandLine().getOut();
            format.write(report, out);
            out.flush();
        } else {
            try (Writer w = new OutputStreamWriter(Files.newOutputStream(output), StandardCharsets.UTF_8)) {
                format.write(report, w);
            } catch (IOException e) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "cannot write " + output + ": " + Analyzer.oneLine(e));
            }
        }
        return report.fails() ? Analyzer.FINDINGS : Analyzer.OK;
    }

    /** What {@code --fail-on} takes: the short name of every finding, and {@code all}. */
    static final class FailOnKinds implements Iterable<String> {
        static final String ALL = "all";

        @Override
        public Iterator<String> iterator() {
            List<String> kinds = new ArrayList<>();
            Findings.types().forEach(t -> kinds.add(t.kind()));
            kinds.add(ALL);
            return kinds.iterator();
        }
    }

    private Set<FindingType> failKinds() {
        Set<FindingType> kinds = new HashSet<>();
        for (String name : failOn) {
            if (name.isBlank()) {
                continue;
            }
            if (name.trim().equalsIgnoreCase(FailOnKinds.ALL)) {
                kinds.addAll(Findings.types());
                continue;
            }
            kinds.add(Findings.type(name).orElseThrow(() -> new CommandLine.ParameterException(spec.commandLine(),
                    "--fail-on: unknown kind '" + name + "' (known: " + String.join(", ", new FailOnKinds()) + ")")));
        }
        return kinds;
    }

    private Thresholds thresholds() {
        Thresholds t = Thresholds.defaults();
        for (Preference<?> p : Findings.preferences()) {
            t = set(t, p);
        }
        return t;
    }

    private <T> Thresholds set(Thresholds t, Preference<T> p) {
        T value = spec.findOption("--" + p.id()).getValue();
        return value == null ? t : t.with(p, value);
    }
}
