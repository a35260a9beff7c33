package dev.tcpstate.analyzer;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

import dev.tcpstate.analyzer.findings.Attribution;
import dev.tcpstate.analyzer.findings.CodeSite;
import dev.tcpstate.analyzer.load.Endpoint;
import dev.tcpstate.analyzer.load.LoadResult;
import dev.tcpstate.analyzer.load.RecordingLoader;
import dev.tcpstate.analyzer.load.StateChange;
import dev.tcpstate.analyzer.timeline.Connection;
import dev.tcpstate.analyzer.timeline.Span;
import dev.tcpstate.analyzer.timeline.Timeline;
import dev.tcpstate.contract.Durations;
import dev.tcpstate.contract.TcpState;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code connections}: every connection's timeline: who opened it, its states, who closed it. */
@Command(name = "connections",
        description = "List every connection: who opened it, its states with durations and sources, who closed it.",
        sortOptions = false,
        mixinStandardHelpOptions = true)
final class ConnectionsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "<recording.jfr>", description = "Recordings made with the tcpstate agent.")
    List<Path> recordings;

    @Option(names = "--state", paramLabel = "<STATE>",
            description = "Only connections that were in this state (e.g. CLOSE_WAIT, TIME_WAIT).")
    String state;

    @Option(names = "--remote", paramLabel = "<host[:port]>", description = "Only connections to or from this peer (with --redact: its pseudonym).")
    String remote;

    @Mixin
    RedactOption redaction = new RedactOption();

    @Override
    public Integer call() throws Exception {
        TcpState wanted = null;
        if (state != null) {
            wanted = TcpState.parse(state.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
            if (wanted == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--state: unknown state '" + state
                        + "' (one of " + List.of(TcpState.values()) + ")");
            }
        }
        PeerFilter peer = remote == null ? null : PeerFilter.parse(remote, spec.commandLine());
        LoadResult load = RecordingLoader.load(recordings, redaction.redact);
        for (String w : load.warnings()) {
            spec.commandLine().getErr().println(Analyzer.NAME + ": warning: " + w);
        }
        Timeline timeline = Timeline.of(load.events());
        StringBuilder b = new StringBuilder();
        int shown = 0;
        for (Connection c : timeline.connections()) {
            if (wanted != null && !c.passedThrough(wanted)) {
                continue;
            }
            if (peer != null && !peer.matches(c.remote())) {
                continue;
            }
            shown++;
            describe(timeline, c, b, timeline.events().spans().size() > 1);
        }
        b.append(shown).append(" of ").append(timeline.connections().size()).append(" connections shown\n");
        spec.commandLine().getOut().print(b);
        spec.commandLine().getOut().flush();
        return Analyzer.OK;
    }

    private static void describe(Timeline timeline, Connection c, StringBuilder b, boolean severalJvms) {
        b.append('#').append(c.key().id()).append("  ").append(c.local()).append(" -> ").append(c.remote())
                .append("  ").append(c.socketKind().isEmpty() ? "?" : c.socketKind()).append(' ')
                .append(c.role() == null ? "?" : c.role())
                .append(severalJvms ? "  [" + c.key().jvm() + "]" : "").append('\n');
        b.append("    opened: ").append(who(timeline, c, c.opened())).append('\n');
        for (Span s : c.spans()) {
            b.append(String.format("    %-13s %12s  %-8s %s%s%s%n", s.state(), Durations.format(s.nanos()),
                    s.source(), s.enteredBy(), s.openAtEnd() ? "  (still, at the end of the recording)" : "",
                    s.kernelSeen() && s.source() != dev.tcpstate.contract.Source.KERNEL ? "  [kernel saw it]" : ""));
        }
        b.append("    closed: ").append(c.closed() == null
                ? (c.finalState() == TcpState.CLOSED ? "not by a call of this JVM" : "no, open at the end")
                : who(timeline, c, c.closed())).append("\n\n");
    }

    private static String who(Timeline timeline, Connection c, StateChange e) {
        if (e == null) {
            return "not in the recording";
        }
        return e.trigger() + " at " + CodeSite.of(timeline, c, e, Attribution.DEFAULT).describe();
    }

    /** {@code host[:port]}: a host name is resolved to its addresses; IPv6 literals go in brackets. */
    record PeerFilter(Set<String> addresses, int port) {
        static PeerFilter parse(String text, CommandLine cl) {
            String host = text.trim();
            int port = -1;
            int colon = host.lastIndexOf(':');
            boolean bracketed = host.startsWith("[");
            if (colon > 0 && (bracketed ? host.indexOf(']') < colon : host.indexOf(':') == colon)) {
                try {
                    port = Integer.parseInt(host.substring(colon + 1));
                } catch (NumberFormatException e) {
                    throw new CommandLine.ParameterException(cl, "--remote: '" + text + "' is not host[:port]");
                }
                host = host.substring(0, colon);
            }
            if (bracketed) {
                host = host.substring(1, host.length() - 1);
            }
            Set<String> addresses = new HashSet<>();
            addresses.add(new Endpoint(host, 0).address());
            try {
                for (InetAddress a : InetAddress.getAllByName(host)) {
                    addresses.add(new Endpoint(a.getHostAddress(), 0).address());
                }
            } catch (UnknownHostException e) {
                // compared literally
            }
            return new PeerFilter(addresses, port);
        }

        boolean matches(Endpoint remote) {
            return addresses.contains(remote.address()) && (port < 0 || port == remote.port());
        }
    }
}
