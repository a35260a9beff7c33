package dev.tcpstate.analyzer.timeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.tcpstate.analyzer.load.Endpoint;
import dev.tcpstate.analyzer.load.LingeringSample;
import dev.tcpstate.analyzer.load.RecordingSpan;
import dev.tcpstate.analyzer.load.StateChange;
import dev.tcpstate.analyzer.load.TcpEvents;
import dev.tcpstate.contract.AgeBasis;
import dev.tcpstate.contract.Role;
import dev.tcpstate.contract.Source;
import dev.tcpstate.contract.Stimulus;
import dev.tcpstate.contract.TcpState;

/**
 * Rebuilds each connection's timeline from its {@code StateChange} events, in time order, and from
 * the periodic {@code LingeringConnection} re-statements: these reveal connections whose opening
 * events rotated out of a ring buffer, and tell when the kernel confirmed a state.
 */
final class TimelineBuilder {

    private TimelineBuilder() {
    }

    static Timeline build(TcpEvents events) {
        Map<ConnectionKey, List<StateChange>> changes = new LinkedHashMap<>();
        for (StateChange c : events.stateChanges()) {
            changes.computeIfAbsent(new ConnectionKey(c.jvm(), c.connectionId()), k -> new ArrayList<>()).add(c);
        }
        Map<ConnectionKey, List<LingeringSample>> samples = new LinkedHashMap<>();
        for (LingeringSample s : events.lingering()) {
            ConnectionKey key = new ConnectionKey(s.jvm(), s.connectionId());
            samples.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
            changes.putIfAbsent(key, new ArrayList<>());
        }
        List<Connection> connections = new ArrayList<>(changes.size());
        for (Map.Entry<ConnectionKey, List<StateChange>> e : changes.entrySet()) {
            RecordingSpan span = events.span(e.getKey().jvm());
            connections.add(connection(e.getKey(), e.getValue(), samples.getOrDefault(e.getKey(), List.of()), span));
        }
        connections.sort((a, b) -> Long.compare(a.firstSeen(), b.firstSeen()));
        return new Timeline(connections, events, new LibraryCallIndex(events.libraryCalls()));
    }

    private static Connection connection(
            ConnectionKey key, List<StateChange> changes, List<LingeringSample> samples, RecordingSpan span) {
        Walk walk = new Walk();
        int next = 0;
        for (LingeringSample s : samples) {
            while (next < changes.size() && changes.get(next).time() <= s.time()) {
                walk.apply(changes.get(next++));
            }
            walk.restate(s);
        }
        while (next < changes.size()) {
            walk.apply(changes.get(next++));
        }
        long recordingEnd = span != null ? Math.max(span.end(), walk.lastTime) : walk.lastTime;
        walk.finish(recordingEnd);

        Endpoint local = Endpoint.NONE;
        Endpoint remote = Endpoint.NONE;
        String kind = "";
        Role role = null;
        StateChange opened = null;
        StateChange closed = null;
        StateChange activeClose = null;
        for (StateChange c : changes) {
            if (c.local().port() != 0 || local.isNone()) {
                local = c.local().isNone() ? local : c.local();
            }
            remote = c.remote().isNone() ? remote : c.remote();
            kind = c.socketKind().isEmpty() ? kind : c.socketKind();
            role = c.role() == null ? role : c.role();
            if (opened == null && Connection.isOpen(c)) {
                opened = c;
            }
            if (closed == null && Connection.isClose(c)) {
                closed = c;
            }
            if (activeClose == null && Connection.isActiveClose(c)) {
                activeClose = c;
            }
        }
        for (LingeringSample s : samples) {
            local = local.isNone() ? s.local() : local;
            remote = remote.isNone() ? s.remote() : remote;
            kind = kind.isEmpty() ? s.socketKind() : kind;
            role = role == null ? s.role() : role;
        }
        return new Connection(key, local, remote, kind, role, walk.spans, changes, opened, closed, activeClose,
                walk.firstSeen, walk.closedAt, recordingEnd);
    }

    /** The state walk of one connection: the span it is in now, and those it has left. */
    private static final class Walk {
        final List<Span> spans = new ArrayList<>();
        TcpState state;
        long since;
        Source source;
        String enteredBy;
        boolean kernelSeen;
        AgeBasis begunBefore;
        long firstSeen = Long.MAX_VALUE;
        long lastTime = Long.MIN_VALUE;
        long lastChange = Long.MIN_VALUE;
        long closedAt = -1;

        void apply(StateChange c) {
            lastTime = Math.max(lastTime, c.time());
            lastChange = c.time();
            if (state == null && closedAt < 0 && c.from() != null && c.from() != TcpState.CLOSED
                    && c.previousStateNanos() > 0) {
                // the state it was in before its first event: SYN_SENT of a blocking connect (whose one event,
                // at its return, says when it began), SYN_RECEIVED before accept, or a state whose event rotated out
                boolean connect = c.source() == Source.API && c.from() == TcpState.SYN_SENT
                        && (c.stimulus() == Stimulus.CONNECT_ESTABLISHED || c.stimulus() == Stimulus.CONNECT_FAILED);
                spans.add(new Span(c.from(), c.time() - c.previousStateNanos(), c.time(), false,
                        connect ? Source.API : Source.UNKNOWN, connect ? c.trigger() : "before its first event", false,
                        null));
                firstSeen = Math.min(firstSeen, c.time() - c.previousStateNanos());
            }
            firstSeen = Math.min(firstSeen, c.time());
            leave(c.time());
            if (c.to() != null && c.to() != TcpState.CLOSED && c.discovery()) {
                long entered = c.time() - c.stateAgeNanosAtDiscovery();
                firstSeen = Math.min(firstSeen, entered);
                enter(c.to(), entered, c.source(), c.trigger(), true, c.ageBasisAtDiscovery());
                closedAt = -1;
            } else if (c.to() != null && c.to() != TcpState.CLOSED) {
                enter(c.to(), c.time(), c.source(), c.trigger(), c.source() == Source.KERNEL, null);
                closedAt = -1;
            } else if (c.to() == TcpState.CLOSED) {
                closedAt = c.time();
            }
        }

        void restate(LingeringSample s) {
            if (s.state() == null) {
                return;
            }
            lastTime = Math.max(lastTime, s.time());
            long entered = s.time() - Math.max(0, s.stateNanos());
            if (state == s.state()) {
                kernelSeen |= s.source() == Source.KERNEL;
                return;
            }
            // A re-statement contradicts what we have only if it entered its state after the last change
            // we know of: the events between were lost (rotated out); otherwise it is a race with that change.
            if (entered > lastChange && !(closedAt >= 0 && entered <= closedAt)) {
                firstSeen = Math.min(firstSeen, entered);
                leave(Math.max(entered, state == null ? entered : since));
                enter(s.state(), entered, s.source(), "re-stated by LingeringConnection", s.source() == Source.KERNEL,
                        null);
                closedAt = -1;
                lastChange = entered;
            }
        }

        private void enter(TcpState to, long time, Source src, String trigger, boolean kernel, AgeBasis basis) {
            state = to;
            begunBefore = basis;
            since = time;
            source = src;
            enteredBy = trigger;
            kernelSeen = kernel;
        }

        private void leave(long time) {
            if (state != null) {
                spans.add(new Span(state, since, Math.max(since, time), false, source, enteredBy, kernelSeen,
                        begunBefore));
                state = null;
            }
        }

        void finish(long recordingEnd) {
            if (state != null) {
                spans.add(new Span(state, since, Math.max(since, recordingEnd), true, source, enteredBy, kernelSeen,
                        begunBefore));
                state = null;
            }
            if (firstSeen == Long.MAX_VALUE) {
                firstSeen = lastTime;
            }
        }
    }
}
