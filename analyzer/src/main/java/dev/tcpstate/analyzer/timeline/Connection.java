package dev.tcpstate.analyzer.timeline;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import dev.tcpstate.analyzer.load.Endpoint;
import dev.tcpstate.analyzer.load.StateChange;
import dev.tcpstate.contract.Role;
import dev.tcpstate.contract.Source;
import dev.tcpstate.contract.Stimulus;
import dev.tcpstate.contract.TcpState;

/**
 * One connection's history: where it went, the states it passed through with their durations and
 * sources, and the events (with stack traces) of the code that opened and closed it.
 *
 * @param opened the intercepted call that opened it (connect, accept, bind), or {@code null} when
 *     that event is not in the recording
 * @param closed the first intercepted close of it ({@code close}, reset on close, garbage
 *     collection), or {@code null}
 * @param activeClose the call that sent our FIN first (close or shutdownOutput while
 *     ESTABLISHED), making this side the one that waits in TIME_WAIT; or {@code null}
 * @param closedAt when it reached CLOSED, or -1 when it did not within the recording
 * @param recordingEnd the end of the recording of its JVM
 */
public record Connection(
        ConnectionKey key,
        Endpoint local,
        Endpoint remote,
        String socketKind,
        Role role,
        List<Span> spans,
        List<StateChange> changes,
        StateChange opened,
        StateChange closed,
        StateChange activeClose,
        long firstSeen,
        long closedAt,
        long recordingEnd) {

    private static final Set<Stimulus> CLOSING_STIMULI = EnumSet.of(Stimulus.CLOSE, Stimulus.ABORT,
            Stimulus.GARBAGE_COLLECTED);

    public Connection {
        spans = List.copyOf(spans);
        changes = List.copyOf(changes);
    }

    static boolean isClose(StateChange c) {
        return c.source() == Source.API && CLOSING_STIMULI.contains(c.stimulus());
    }

    static boolean isOpen(StateChange c) {
        return c.source() == Source.API
                && (c.to() == TcpState.SYN_SENT || c.to() == TcpState.LISTEN || c.to() == TcpState.ESTABLISHED);
    }

    static boolean isActiveClose(StateChange c) {
        return c.source() == Source.API && c.to() == TcpState.FIN_WAIT_1
                && (c.from() == TcpState.ESTABLISHED || c.from() == TcpState.SYN_RECEIVED);
    }

    /** The state at the end of the recording. */
    public TcpState finalState() {
        if (closedAt >= 0 || spans.isEmpty()) {
            return TcpState.CLOSED;
        }
        Span last = spans.get(spans.size() - 1);
        return last.openAtEnd() ? last.state() : TcpState.CLOSED;
    }

    public boolean passedThrough(TcpState state) {
        return spans.stream().anyMatch(s -> s.state() == state);
    }

    public List<Span> spansIn(TcpState state) {
        return spans.stream().filter(s -> s.state() == state).toList();
    }

    public boolean isListener() {
        return role == Role.LISTENER || passedThrough(TcpState.LISTEN);
    }

    /** The peer as a connection's destination: address and port for a client, address for the rest. */
    public String peer() {
        if (remote.isNone()) {
            return local.toString();
        }
        return role == Role.CLIENT ? remote.toString() : remote.host();
    }
}
