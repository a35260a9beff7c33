package dev.tcpstate.agent.jfr;

import dev.tcpstate.agent.registry.Connection;
import dev.tcpstate.agent.registry.ConnectionRegistry;
import dev.tcpstate.agent.registry.Endpoint;
import dev.tcpstate.contract.TcpState;
import java.util.function.LongSupplier;
import jdk.jfr.FlightRecorder;

/**
 * The periodic events: JFR calls them on its own thread at each period, so a recording dumped at
 * any moment re-states the lingering connections and the counts per state.
 */
public final class PeriodicEvents {

    private PeriodicEvents() {
    }

    /** What the host tells of its own TCP table, where the OS shows it (else -1). */
    public interface HostView {
        int hostTimeWait();

        int ephemeralPortLow();

        int ephemeralPortHigh();

        HostView NONE = new HostView() {
            @Override
            public int hostTimeWait() {
                return -1;
            }

            @Override
            public int ephemeralPortLow() {
                return -1;
            }

            @Override
            public int ephemeralPortHigh() {
                return -1;
            }
        };
    }

    /** A last kernel sample for the end of a chunk; true when one was taken. */
    public interface LastSample {
        /** @param withinBudgetOnly skip it when the last sample was too recent for the sampler's budget */
        boolean take(boolean withinBudgetOnly);
    }

    /**
     * JFR's thread of periodic work, which also ends a chunk when it reaches its size limit: under a
     * high event rate several times a second. Dumps, stops and the exit end theirs on other threads.
     */
    private static final String JFR_PERIODIC_THREAD = "JFR Periodic Tasks";

    public static void register(ConnectionRegistry registry, HostView host, LongSupplier dropped,
            LastSample sampleKernel) {
        lastHost = host;
        lastDropped = dropped;
        // Registered up front, so every recording's metadata describes all our events, even before
        // (or without) their first commit: JMC and the analyzer see the full contract.
        FlightRecorder.register(StateChangeEvent.class);
        FlightRecorder.register(StateChangeNoStackEvent.class);
        FlightRecorder.register(AnomalyEvent.class);
        FlightRecorder.register(LibraryCallEvent.class);
        FlightRecorder.addPeriodicEvent(LingeringConnectionEvent.class, () -> lingering(registry));
        FlightRecorder.addPeriodicEvent(StateSummaryEvent.class, () -> summary(registry, host, dropped));
        FlightRecorder.addPeriodicEvent(EndOfChunkEvent.class, () -> endOfChunk(registry, sampleKernel));
    }

    /**
     * At the end of each chunk (JFR calls this on the thread that dumps, stops or shuts down): a last
     * kernel sample, so that a recording ends with what the kernel shows then, not what it showed up to
     * a period before; then the picture re-stated, then the marker. A rotation for size, on JFR's
     * periodic thread, samples only within the sampler's budget.
     */
    private static void endOfChunk(ConnectionRegistry registry, LastSample sampleKernel) {
        try {
            boolean sampled = sampleKernel.take(Thread.currentThread().getName().equals(JFR_PERIODIC_THREAD));
            emitNow(registry);
            EndOfChunkEvent e = new EndOfChunkEvent();
            e.kernelSampled = sampled;
            e.tracked = registry.size();
            e.commit();
        } catch (Throwable ignored) {
            // a periodic hook must never fail JFR's thread
        }
    }

    /** Re-states the picture now: before a dump or a stop, which the periods do not wait for. */
    public static void emitNow(ConnectionRegistry registry) {
        if (registry != null) {
            lingering(registry);
            summary(registry, lastHost, lastDropped);
        }
    }

    private static volatile HostView lastHost = HostView.NONE;
    private static volatile LongSupplier lastDropped = () -> 0;

    private static void lingering(ConnectionRegistry registry) {
        try {
            long now = System.nanoTime();
            for (Connection c : registry.liveConnections()) {
                TcpState state = c.state();
                long inState = now - c.stateSinceNanos();
                if (!Connection.isLingering(state) || state == TcpState.TIME_WAIT || inState < Connection.LINGER_NANOS) {
                    // TIME_WAIT is counted (StateSummary.timeWait), not re-stated: a storm holds tens of
                    // thousands, each ended by the kernel's timer, and re-stating them cost more than the rest
                    continue;
                }
                LingeringConnectionEvent e = new LingeringConnectionEvent();
                Endpoint local = c.local();
                Endpoint remote = c.remote();
                e.connectionId = c.id();
                e.state = state.name();
                e.source = c.stateSource().name();
                e.stateDuration = inState;
                e.connectionAge = now - c.firstSeenNanos();
                e.localAddress = local.address();
                e.localPort = local.port();
                e.remoteAddress = remote.address();
                e.remotePort = remote.port();
                e.socketKind = c.kind().recorded();
                e.role = c.role().name();
                e.commit();
            }
        } catch (Throwable ignored) {
            // a periodic hook must never fail JFR's thread
        }
    }

    private static void summary(ConnectionRegistry registry, HostView host, LongSupplier dropped) {
        try {
            int[] counts = new int[TcpState.values().length];
            for (Connection c : registry.liveConnections()) {
                counts[c.state().ordinal()]++;
            }
            StateSummaryEvent e = new StateSummaryEvent();
            e.listen = counts[TcpState.LISTEN.ordinal()];
            e.synSent = counts[TcpState.SYN_SENT.ordinal()];
            e.synReceived = counts[TcpState.SYN_RECEIVED.ordinal()];
            e.established = counts[TcpState.ESTABLISHED.ordinal()];
            e.finWait1 = counts[TcpState.FIN_WAIT_1.ordinal()];
            e.finWait2 = counts[TcpState.FIN_WAIT_2.ordinal()];
            e.closeWait = counts[TcpState.CLOSE_WAIT.ordinal()];
            e.closing = counts[TcpState.CLOSING.ordinal()];
            e.lastAck = counts[TcpState.LAST_ACK.ordinal()];
            long[] untracked = new long[2];
            registry.untrackedTimeWaits(System.nanoTime(), Long.MAX_VALUE, untracked);
            e.timeWait = counts[TcpState.TIME_WAIT.ordinal()] + (int) untracked[0];
            e.hostTimeWait = host.hostTimeWait();
            e.ephemeralPortLow = host.ephemeralPortLow();
            e.ephemeralPortHigh = host.ephemeralPortHigh();
            e.evicted = registry.evictedCount();
            e.dropped = dropped.getAsLong();
            e.commit();
        } catch (Throwable ignored) {
            // a periodic hook must never fail JFR's thread
        }
    }
}
