package dev.tcpstate.agent.jfr;

import dev.tcpstate.agent.fault.Faults;
import dev.tcpstate.agent.registry.Connection;
import dev.tcpstate.agent.registry.Endpoint;
import dev.tcpstate.agent.registry.EventSink;
import dev.tcpstate.contract.AbortCause;
import dev.tcpstate.contract.AgeBasis;
import dev.tcpstate.contract.Library;
import dev.tcpstate.contract.Source;
import dev.tcpstate.contract.Stimulus;
import dev.tcpstate.contract.TcpState;
import java.util.concurrent.atomic.AtomicLong;

/** Commits the registry's decisions as JFR events; counts what it could not commit. */
public final class JfrEventSink implements EventSink {

    private final AtomicLong failures = new AtomicLong();

    public long failures() {
        return failures.get();
    }

    @Override
    public void stateChange(Connection c, TcpState from, TcpState to, Stimulus stimulus, AbortCause abortCause,
            Source source,
            String trigger, long previousStateNanos, long kernelTimerMillis) {
        stateChange(c, from, to, stimulus, abortCause, source, trigger, previousStateNanos, kernelTimerMillis, -1, null);
    }

    @Override
    public void discovered(Connection c, TcpState to, Stimulus stimulus, String trigger, long kernelTimerMillis,
            long stateAgeMillis, AgeBasis basis) {
        stateChange(c, TcpState.CLOSED, to, stimulus, null, Source.KERNEL, trigger, 0, kernelTimerMillis,
                stateAgeMillis, basis);
    }

    private void stateChange(Connection c, TcpState from, TcpState to, Stimulus stimulus, AbortCause abortCause,
            Source source, String trigger, long previousStateNanos, long kernelTimerMillis, long stateAgeMillis,
            AgeBasis basis) {
        try {
            Faults.maybeFail("event commit");
            StateChangeFields e = stimulus != null && stimulus.namesCode()
                    ? new StateChangeEvent() : new StateChangeNoStackEvent();
            if (!e.shouldCommit()) {
                return;
            }
            Endpoint local = c.local();
            Endpoint remote = c.remote();
            e.connectionId = c.id();
            e.fromState = from.name();
            e.toState = to.name();
            e.source = source.name();
            e.trigger = trigger;
            e.stimulus = stimulus == null ? "" : stimulus.name();
            e.abortCause = abortCause == null ? "" : abortCause.name();
            e.localAddress = local.address();
            e.localPort = local.port();
            e.remoteAddress = remote.address();
            e.remotePort = remote.port();
            e.socketKind = c.kind().recorded();
            e.role = c.role().name();
            e.previousStateDuration = previousStateNanos;
            e.kernelTimer = kernelTimerMillis;
            e.stateAge = stateAgeMillis;
            e.stateAgeBasis = basis == null ? "" : basis.name();
            e.commit();
        } catch (Throwable t) {
            failures.incrementAndGet();
        }
    }

    @Override
    public boolean wantsLibraryCalls() {
        return LIBRARY_CALL.isEnabled();
    }

    /** Asked only whether the event type is enabled: a thread-safe question of JFR's. */
    private static final LibraryCallEvent LIBRARY_CALL = new LibraryCallEvent();

    @Override
    public void libraryCall(Library library, String entry, String host, int port) {
        try {
            Faults.maybeFail("event commit");
            LibraryCallEvent e = new LibraryCallEvent();
            if (!e.shouldCommit()) {
                return;
            }
            e.library = library.name();
            e.entry = entry;
            e.remoteHost = host == null ? "" : host;
            e.remotePort = port;
            e.commit();
        } catch (Throwable t) {
            failures.incrementAndGet();
        }
    }

    @Override
    public void anomaly(Connection c, TcpState state, Stimulus stimulus, String trigger) {
        try {
            Faults.maybeFail("event commit");
            AnomalyEvent e = new AnomalyEvent();
            if (!e.shouldCommit()) {
                return;
            }
            Endpoint local = c.local();
            Endpoint remote = c.remote();
            e.connectionId = c.id();
            e.state = state.name();
            e.stimulus = stimulus.name();
            e.trigger = trigger;
            e.localAddress = local.address();
            e.localPort = local.port();
            e.remoteAddress = remote.address();
            e.remotePort = remote.port();
            e.commit();
        } catch (Throwable t) {
            failures.incrementAndGet();
        }
    }
}
