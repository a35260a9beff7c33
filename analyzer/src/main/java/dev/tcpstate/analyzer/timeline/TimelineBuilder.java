package dev.tcpstate.analyzer.timeline;

import java.util.ArrayList;
import java.util.HashMap;
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

    /** 2MSL on Linux, fixed (TCP_TIMEWAIT_LEN): how long a TIME_WAIT with no timer in its event lasts. */
    static final long TIME_WAIT_NANOS = 60_000_000_000L;

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
        Map<ConnectionKey, Long> supersededAt = supersededAt(changes);
        List<Connection> connections = new ArrayList<>(changes.size());
        for (Map.Entry<ConnectionKey, List<StateChange>> e : changes.entrySet()) {
            RecordingSpan span = events.span(e.getKey().jvm());
            connections.add(connection(e.getKey(), e.getValue(), samples.getOrDefault(e.getKey(), List.of()), span,
                    supersededAt.getOrDefault(e.getKey(), Long.MAX_VALUE)));
        }
        connections.sort((a, b) -> Long.compare(a.firstSeen(), b.firstSeen()));
        return new Timeline(connections, events, new LibraryCallIndex(events.libraryCalls()));
    }

    /**
     * For each connection, when a newer connection of the same JVM took its 4-tuple (its first event
     * after this one's last): the kernel holds one row per 4-tuple, so a TIME_WAIT left open (the agent
     * records no end of a TIME_WAIT the kernel showed) ended then, as Linux lets a new SYN end it.
     */
    private static Map<ConnectionKey, Long> supersededAt(Map<ConnectionKey, List<StateChange>> changes) {
        record Tuple(String jvm, Endpoint local, Endpoint remote) {
        }
        Map<Tuple, List<ConnectionKey>> byTuple = new HashMap<>();
        Map<ConnectionKey, long[]> firstAndLast = new HashMap<>();
        for (Map.Entry<ConnectionKey, List<StateChange>> e : changes.entrySet()) {
            List<StateChange> list = e.getValue();
            if (list.isEmpty()) {
                continue;
            }
            StateChange last = list.get(list.size() - 1);
            if (last.local().port() == 0 || last.remote().isNone()) {
                continue;
            }
            byTuple.computeIfAbsent(new Tuple(e.getKey().jvm(), last.local(), last.remote()), k -> new ArrayList<>())
                    .add(e.getKey());
            StateChange first = list.get(0);
            long begun = first.from() != null && first.from() != TcpState.CLOSED && first.previousStateNanos() > 0
                    ? first.time() - first.previousStateNanos() : first.time(); // a blocking connect's one event
            firstAndLast.put(e.getKey(), new long[] {begun, last.time()});
        }
        Map<ConnectionKey, Long> superseded = new HashMap<>();
        for (List<ConnectionKey> keys : byTuple.values()) {
            if (keys.size() < 2) {
                continue;
            }
            keys.sort((a, b) -> Long.compare(firstAndLast.get(a)[0], firstAndLast.get(b)[0]));
            for (int i = 0; i + 1 < keys.size(); i++) {
                long last = firstAndLast.get(keys.get(i))[1];
                for (int j = i + 1; j < keys.size(); j++) {
                    long next = firstAndLast.get(keys.get(j))[0];
                    if (next > last) {
                        superseded.put(keys.get(i), next);
                        break;
                    }
                }
            }
        }
        return superseded;
    }

    private static Connection connection(ConnectionKey key, List<StateChange> changes, List<LingeringSample> samples,
            RecordingSpan span, long supersededAt) {
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
        walk.finish(recordingEnd, supersededAt);

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
        /** When the TIME_WAIT it is in ends by itself: its kernel timer, else 2MSL after it began; -1 in other states. */
        long timeWaitEnds = -1;

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
                if (c.to() == TcpState.TIME_WAIT && c.kernelTimerMillis() >= 0) {
                    timeWaitEnds = c.time() + c.kernelTimerMillis() * 1_000_000L;
                }
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
            timeWaitEnds = to == TcpState.TIME_WAIT ? time + TIME_WAIT_NANOS : -1;
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

        void finish(long recordingEnd, long supersededAt) {
            long ends = Math.min(timeWaitEnds, supersededAt);
            if (state == TcpState.TIME_WAIT && timeWaitEnds >= 0 && ends < recordingEnd) {
                // TIME_WAIT ends by itself: the agent records no CLOSED after the kernel showed it there
                // (docs/events.md); its timer (or Linux's fixed 60 s) says when, or a newer connection
                // of the same 4-tuple, whose SYN ended it
                leave(Math.max(since, ends));
                closedAt = Math.max(since, ends);
            }
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
