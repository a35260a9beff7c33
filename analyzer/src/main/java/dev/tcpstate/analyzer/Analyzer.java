package dev.tcpstate.analyzer;

import java.io.PrintWriter;

import dev.tcpstate.analyzer.findings.Findings;
import dev.tcpstate.analyzer.findings.Preference;
import dev.tcpstate.analyzer.load.UnreadableRecordingException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Spec;

/**
 * The command line: {@code report} and {@code connections}. Exit codes: 0 nothing that fails the
 * run, 1 a finding of a kind named by {@code --fail-on}, 2 bad usage or an unreadable recording
 * (one line on stderr, never a stack trace).
 */
@Command(name = "tcpstate-analyzer",
        mixinStandardHelpOptions = true,
        versionProvider = Analyzer.Version.class,
        description = "Reports lingering TCP connections (CLOSE_WAIT, TIME_WAIT...) in JFR recordings made with the"
                + " tcpstate agent, with the code that opened or closed them.",
        subcommands = {ReportCommand.class, ConnectionsCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:no finding of a kind named by --fail-on",
            "1:a finding of a kind named by --fail-on",
            "2:bad usage, or a recording that cannot be read"})
public final class Analyzer implements Runnable {
    static final int OK = 0;
    static final int FINDINGS = 1;
    static final int UNUSABLE = 2;
    static final String NAME = "tcpstate-analyzer";

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the command line with the given streams; returns the exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        return commandLine(out, err).execute(args);
    }

    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Analyzer());
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        addThresholdOptions(cl.getSubcommands().get("report").getCommandSpec());
        cl.setParameterExceptionHandler((e, args) -> {
            PrintWriter w = e.getCommandLine().getErr();
            w.println(NAME + ": " + e.getMessage());
            w.println("Try 'java -jar tcpstate-analyzer.jar " + subcommandName(e.getCommandLine()) + "--help'.");
            return UNUSABLE;
        });
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter w = commandLine.getErr();
            if (e instanceof UnreadableRecordingException) {
                w.println(NAME + ": " + e.getMessage());
            } else {
                w.println(NAME + ": could not analyse: " + oneLine(e));
            }
            return UNUSABLE;
        });
        return cl;
    }

    /** One {@code --<id>} option per threshold a finding declares: the CLI has no list of its own. */
    private static void addThresholdOptions(CommandSpec report) {
        for (Preference<?> p : Findings.preferences()) {
            report.addOption(option(p));
        }
    }

    private static <T> OptionSpec option(Preference<T> p) {
        return OptionSpec.builder("--" + p.id())
                .paramLabel("<" + p.unit().label() + ">")
                .type(p.valueType())
                .converters(text -> {
                    try {
                        return p.parse(text);
                    } catch (IllegalArgumentException e) {
                        throw new CommandLine.TypeConversionException(e.getMessage());
                    }
                })
                .description(p.description() + " Default: " + p.toText(p.defaultValue()) + " (" + p.unit().syntax() + ").")
                .build();
    }

    private static String subcommandName(CommandLine cl) {
        return cl.getParent() == null ? "" : cl.getCommandName() + " ";
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage();
        return (m == null || m.isBlank() ? e.getClass().getName() : e.getClass().getSimpleName() + ": " + m)
                .replaceAll("\\s+", " ").trim();
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command: report or connections");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Analyzer.class.getPackage().getImplementationVersion();
            return new String[] {NAME + " " + (v == null ? "(development build)" : v)};
        }
    }
}
