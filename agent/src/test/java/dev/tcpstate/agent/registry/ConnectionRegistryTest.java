package dev.tcpstate.agent.registry;

import dev.tcpstate.agent.kernel.KernelRow;
import dev.tcpstate.contract.AbortCause;
import dev.tcpstate.contract.Role;
import dev.tcpstate.contract.SocketKind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcpstate.contract.Source;
import dev.tcpstate.contract.Stimulus;
import dev.tcpstate.contract.TcpState;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The registry and the kernel reconciler on their own, with a sink that keeps what it is given. */
class ConnectionRegistryTest {

    record Event(long id, TcpState from, TcpState to, Source source, String trigger) {
    }

    static final class KeepingSink implements EventSink {
        final List<Event> events = new ArrayList<>();
        final List<String> anomalies = new ArrayList<>();

        @Override
        public void stateChange(Connection c, TcpState from, TcpState to, Stimulus stimulus, AbortCause abortCause,
                Source source,
                String trigger, long previousStateNanos, long kernelTimerMillis) {
            events.add(new Event(c.id(), from, to, source, trigger));
        }

        @Override
        public void anomaly(Connection c, TcpState state, Stimulus stimulus, String trigger) {
            anomalies.add(state + " " + stimulus);
        }

        List<TcpState> toStates(long id) {
            return events.stream().filter(e -> e.id() == id).map(Event::to).toList();
        }
    }

    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    static final long LOOPBACK_LO = 0x0000_FFFF_7F00_0001L;

    final KeepingSink sink = new KeepingSink();
    final ConnectionRegistry registry = new ConnectionRegistry(sink, 1000);

    private Connection client(Object socket, int localPort, int remotePort) {
        Connection c = registry.track(socket, SocketKind.SOCKET, Role.CLIENT, TcpState.CLOSED);
        registry.apply(c, Stimulus.CONNECT, "connect");
        registry.setEndpoints(c, Endpoint.of(LOOPBACK, localPort), Endpoint.of(LOOPBACK, remotePort));
        registry.apply(c, Stimulus.CONNECT_ESTABLISHED, "connect");
        return c;
    }

    @Test
    void withoutTheKernelViewAnActiveCloseIsFollowedByAnAssumedTimeWaitThatEnds() {
        Object socket = new Object();
        Connection c = client(socket, 40000, 8080);
        registry.apply(c, Stimulus.CLOSE, "close");
        registry.untrack(socket);
        assertEquals(List.of(TcpState.ESTABLISHED, TcpState.FIN_WAIT_1, TcpState.TIME_WAIT), sink.toStates(c.id()),
                "a blocking connect's one event is its return");
        assertEquals(Source.EXPECTED, sink.events.get(2).source());
        assertEquals(1, registry.size(), "held while its TIME_WAIT lasts");
        registry.expire(System.nanoTime() + ConnectionRegistry.TIME_WAIT_NANOS + 1);
        assertEquals(TcpState.CLOSED, sink.toStates(c.id()).get(3));
        assertEquals(0, registry.size(), "nothing retained after TIME_WAIT");
    }

    @Test
    void aStimulusThatDoesNotFitIsAnAnomalyAndKeepsTheState() {
        Connection c = client(new Object(), 40001, 8080);
        registry.apply(c, Stimulus.ACCEPT, "accept?");
        assertEquals(List.of("ESTABLISHED ACCEPT"), sink.anomalies);
        assertEquals(TcpState.ESTABLISHED, c.state());
    }

    @Test
    void theKernelViewReportsCloseWaitThenTheRowsDisappearance() {
        registry.setKernelViewActive(true);
        KernelReconciler kernel = new KernelReconciler(registry);
        Object socket = new Object();
        Connection c = client(socket, 40002, 8080);

        kernel.beginSample(System.nanoTime());
        kernel.row(new KernelRow().local(0, LOOPBACK_LO, 40002).remote(0, LOOPBACK_LO, 8080)
                .linuxState(0x08).inode(123).timerMillisLeft(-1));
        kernel.endSample();
        assertEquals(TcpState.CLOSE_WAIT, c.state());
        Event closeWait = sink.events.get(sink.events.size() - 1);
        assertEquals(Source.KERNEL, closeWait.source());
        assertEquals("kernel: rcv FIN", closeWait.trigger());

        registry.apply(c, Stimulus.CLOSE, "close");
        registry.untrack(socket);
        assertEquals(TcpState.LAST_ACK, c.state());
        assertEquals(1, registry.size(), "kept until the kernel shows the end");

        kernel.beginSample(System.nanoTime());
        kernel.endSample();
        assertEquals(TcpState.CLOSED, c.state());
        assertEquals("kernel: rcv ACK of FIN", sink.events.get(sink.events.size() - 1).trigger());
        assertEquals(0, registry.size());
    }

    @Test
    void aRowOfThisProcessThatMatchesNothingIsDiscovered() {
        registry.setKernelViewActive(true);
        KernelReconciler kernel = new KernelReconciler(registry);
        kernel.setOwnInodes(inode -> inode == 77);
        kernel.beginSample(System.nanoTime());
        kernel.row(new KernelRow().local(0, LOOPBACK_LO, 50000).remote(0, LOOPBACK_LO, 9090)
                .linuxState(0x08).inode(77).timerMillisLeft(-1));
        // another process's
        kernel.row(new KernelRow().local(0, LOOPBACK_LO, 50001).remote(0, LOOPBACK_LO, 9090)
                .linuxState(0x08).inode(78).timerMillisLeft(-1));
        // TIME_WAIT: nobody's
        kernel.row(new KernelRow().local(0, LOOPBACK_LO, 50002).remote(0, LOOPBACK_LO, 9090)
                .linuxState(0x06).inode(0).timerMillisLeft(30_000));
        kernel.endSample();
        assertEquals(1, sink.events.size(), sink.events.toString());
        Event found = sink.events.get(0);
        assertEquals(TcpState.CLOSED, found.from());
        assertEquals(TcpState.CLOSE_WAIT, found.to());
        assertEquals("kernel: discovered in state CLOSE_WAIT", found.trigger());
    }

    @Test
    void aWildcardListenerMatchesTheKernelsDualStackRow() {
        registry.setKernelViewActive(true);
        KernelReconciler kernel = new KernelReconciler(registry);
        Object listener = new Object();
        Connection c = registry.track(listener, SocketKind.SERVER_SOCKET, Role.LISTENER, TcpState.CLOSED);
        registry.setEndpoints(c, Endpoint.of(new java.net.InetSocketAddress(0).getAddress(), 8081), null);
        registry.apply(c, Stimulus.BIND_LISTEN, "bind");
        kernel.beginSample(System.nanoTime());
        kernel.row(new KernelRow().local(0, 0, 8081).remote(0, 0, 0).linuxState(0x0A).inode(5).timerMillisLeft(-1));
        kernel.endSample();
        assertEquals(TcpState.LISTEN, c.state());
        assertEquals(Source.KERNEL, c.stateSource(), "the kernel confirmed it");
    }

    @Test
    void aSocketCollectedWithoutCloseIsReportedAndForgotten() throws Exception {
        Object socket = new Object();
        Connection c = client(socket, 40003, 8080);
        long id = c.id();
        socket = null;
        for (int i = 0; i < 50 && registry.size() > 0; i++) {
            System.gc();
            Thread.sleep(20);
            registry.expire(System.nanoTime());
        }
        List<Event> collected = sink.events.stream().filter(e -> e.id() == id && e.trigger().contains("garbage collected"))
                .toList();
        assertEquals(1, collected.size(), sink.events.toString());
        assertEquals(TcpState.FIN_WAIT_1, collected.get(0).to());
    }

    @Test
    void aSampleTakenWhileTheApplicationsCloseHasNotReturnedIsNotNews() {
        registry.setKernelViewActive(true);
        Connection c = client(new Object(), 40011, 8080);
        registry.apply(c, Stimulus.CLOSE, "close"); // decided at close's start: FIN_WAIT_1
        int before = sink.events.size();
        // the peer's FIN arrived before our close reached the kernel: a sample begun after the close
        // began still reads the row as CLOSE_WAIT
        registry.observeKernelState(c, TcpState.CLOSE_WAIT, -1, null, System.nanoTime());
        assertEquals(TcpState.FIN_WAIT_1, c.state());
        assertEquals(before, sink.events.size(), sink.events.toString());
        registry.settled(c);
        registry.observeKernelState(c, TcpState.CLOSED, -1, null, System.nanoTime());
        assertEquals(TcpState.CLOSED, c.state(), "the first sample after the close returned is news");
    }

    @Test
    void anOpenRowOfTheTupleOfAClosedConnectionIsANewerConnectionNotThisOne() {
        registry.setKernelViewActive(true);
        KernelReconciler kernel = new KernelReconciler(registry);
        Object socket = new Object();
        Connection c = client(socket, 40012, 8080);
        registry.apply(c, Stimulus.CLOSE, "close");
        registry.settled(c);
        int before = sink.events.size();
        // the peer reused the 4-tuple at once: the kernel accepted the new connection (its client has
        // already half-closed it) before the application's accept shows it
        kernel.beginSample(System.nanoTime());
        kernel.row(new KernelRow().local(0, LOOPBACK_LO, 40012).remote(0, LOOPBACK_LO, 8080)
                .linuxState(0x08).inode(0).timerMillisLeft(-1));
        kernel.endSample();
        assertEquals(TcpState.FIN_WAIT_1, c.state());
        assertEquals(before, sink.events.size(), sink.events.toString());
        kernel.beginSample(System.nanoTime());
        kernel.row(new KernelRow().local(0, LOOPBACK_LO, 40012).remote(0, LOOPBACK_LO, 8080)
                .linuxState(0x06).inode(0).timerMillisLeft(59_000));
        kernel.endSample();
        assertEquals(TcpState.TIME_WAIT, c.state(), "a closing state of the tuple is still this connection's");
    }

    /**
     * A released connection no sample has yet shown in TIME_WAIT, whose 4-tuple a newer connection
     * takes (the kernel let the new SYN end it), ends at once, on the thread that indexed the newer one:
     * kept for the next sample, a port-reusing churn held tens of thousands of them.
     */
    @Test
    void aReleasedConnectionWhoseFourTupleANewerOneTakesEndsAtOnceNotAtTheNextSample() {
        registry.setKernelViewActive(true);
        Connection old = client(new Object(), 40020, 8080);
        registry.apply(old, Stimulus.CLOSE, "close");
        registry.settled(old);
        assertEquals(TcpState.FIN_WAIT_1, old.state(), "closed by the API, not yet seen by the kernel view");
        Connection reuse = client(new Object(), 40020, 8080);
        assertEquals(TcpState.CLOSED, old.state(), "ended when its 4-tuple was taken, with no sample");
        Event last = sink.events.stream().filter(e -> e.id() == old.id()).reduce((a, b) -> b).orElseThrow();
        assertEquals(List.of(TcpState.FIN_WAIT_1, TcpState.CLOSED, Source.KERNEL, KernelObservations.SUPERSEDED),
                List.of(last.from(), last.to(), last.source(), last.trigger()), last.toString());
        assertEquals(Set.of(reuse), liveSet(registry));
        int events = sink.events.size();
        new KernelReconciler(registry).beginSample(System.nanoTime());
        assertEquals(events, sink.events.size(), "nothing left for the sample: " + sink.events);
    }

    @Test
    void aRowOfAReusedTupleNeverMovesAConnectionBackFromTimeWait() {
        registry.setKernelViewActive(true);
        Object socket = new Object();
        Connection c = client(socket, 40010, 8080);
        registry.apply(c, Stimulus.CLOSE, "close");
        registry.settled(c);
        registry.observeKernelState(c, TcpState.TIME_WAIT, 60_000, null);
        int before = sink.events.size();
        registry.observeKernelState(c, TcpState.ESTABLISHED, -1, null, System.nanoTime());
        assertEquals(TcpState.TIME_WAIT, c.state());
        assertEquals(before, sink.events.size(), sink.events.toString());
        registry.observeKernelState(c, TcpState.CLOSED, -1, null, System.nanoTime());
        assertEquals(TcpState.CLOSED, c.state());
    }

    /**
     * A released connection the kernel shows in TIME_WAIT is counted, not held: TIME_WAIT ends by itself
     * (its timer, or a new SYN of the same 4-tuple, seen under wrk with {@code Connection: close} in
     * RealServersUnderLoadIT), and the event into it carries the timer's time left. A newer connection
     * on its 4-tuple is the row's.
     */
    @Test
    void aReleasedConnectionTheKernelShowsInTimeWaitIsCountedNotHeld() {
        registry.setKernelViewActive(true);
        KernelReconciler kernel = new KernelReconciler(registry);
        Connection old = client(new Object(), 40013, 8080);
        registry.apply(old, Stimulus.CLOSE, "close");
        registry.settled(old);
        registry.observeKernelState(old, TcpState.TIME_WAIT, 60_000, null);
        Event last = sink.events.get(sink.events.size() - 1);
        assertEquals(List.of(old.id(), TcpState.FIN_WAIT_1, TcpState.TIME_WAIT, Source.KERNEL),
                List.of(last.id(), last.from(), last.to(), last.source()), last.toString());
        assertEquals(Set.of(), liveSet(registry), "not held through its 60 s");
        long[] counts = new long[2];
        long oldest = registry.untrackedTimeWaits(System.nanoTime(), Connection.LINGER_NANOS, counts);
        assertEquals(1, counts[0], "counted");
        assertEquals(0, counts[1], "not yet a second in it");
        assertTrue(oldest >= 0 && oldest < Connection.LINGER_NANOS, "in it since the observation: " + oldest);
        assertEquals(0, registry.untrackedTimeWaits(System.nanoTime() + 61_000_000_000L, 0, counts));
        assertEquals(0, counts[0], "its timer has ended");

        int events = sink.events.size();
        Connection reuse = client(new Object(), 40013, 8080);
        kernel.beginSample(System.nanoTime());
        kernel.row(new KernelRow().local(0, LOOPBACK_LO, 40013).remote(0, LOOPBACK_LO, 8080)
                .linuxState(0x01).inode(0).timerMillisLeft(-1));
        kernel.endSample();
        assertEquals(TcpState.ESTABLISHED, reuse.state(), "the newer connection is the row's");
        assertEquals(Set.of(reuse), liveSet(registry));
        assertEquals(TcpState.TIME_WAIT, old.state(), "nothing more recorded of the old one");
        assertEquals(events + 1, sink.events.size(), "only the newer connection's event: " + sink.events);
    }

    @Test
    void theCapIsCountedNotExceeded() {
        ConnectionRegistry small = new ConnectionRegistry(sink, 2);
        assertTrue(small.track(new Object(), SocketKind.SOCKET, Role.CLIENT, TcpState.CLOSED) != null);
        assertTrue(small.track(new Object(), SocketKind.SOCKET, Role.CLIENT, TcpState.CLOSED) != null);
        assertNull(small.track(new Object(), SocketKind.SOCKET, Role.CLIENT, TcpState.CLOSED));
        assertEquals(1, small.evictedCount());
    }

    @Test
    void aFullRegistryForgetsTheConnectionReleasedLongestAgoAndNeverOneStillHeld() throws Exception {
        ConnectionRegistry small = new ConnectionRegistry(sink, 3);
        Object[] sockets = {new Object(), new Object(), new Object(), new Object(), new Object(), new Object()};
        Connection[] c = new Connection[6];
        for (int i = 0; i < 3; i++) {
            c[i] = small.track(sockets[i], SocketKind.SOCKET, Role.CLIENT, TcpState.CLOSED);
            small.apply(c[i], Stimulus.CONNECT, "connect");
            small.apply(c[i], Stimulus.CONNECT_ESTABLISHED, "connect");
        }
        small.apply(c[1], Stimulus.CLOSE, "close"); // released first: assumed TIME_WAIT, still counted
        Thread.sleep(1);
        small.apply(c[0], Stimulus.CLOSE, "close");
        c[3] = small.track(sockets[3], SocketKind.SOCKET, Role.CLIENT, TcpState.CLOSED);
        assertTrue(c[3] != null);
        assertEquals(Set.of(c[0], c[2], c[3]), liveSet(small));
        c[4] = small.track(sockets[4], SocketKind.SOCKET, Role.CLIENT, TcpState.CLOSED);
        assertEquals(Set.of(c[2], c[3], c[4]), liveSet(small));
        assertNull(small.track(sockets[5], SocketKind.SOCKET, Role.CLIENT, TcpState.CLOSED), "all three still held");
        assertEquals(3, small.evictedCount());
    }

    private static Set<Connection> liveSet(ConnectionRegistry r) {
        Set<Connection> all = new HashSet<>();
        r.liveConnections().forEach(all::add);
        return all;
    }

    @Test
    void addressesPrintAsPeopleWriteThem() {
        assertEquals("127.0.0.1", Endpoint.ofKernel(0, LOOPBACK_LO, 1).address());
        assertEquals("::1", Endpoint.ofKernel(0, 1, 1).address());
        assertEquals("[::1]:80", Endpoint.ofKernel(0, 1, 80).toString());
        assertEquals("2001:db8::1", Endpoint.compress(0x2001_0db8_0000_0000L, 1));
        assertEquals("::", Endpoint.compress(0, 0));
        assertTrue(Endpoint.of(LOOPBACK, 1).address() == Endpoint.of(LOOPBACK, 2).address(), "one shared string");
    }
}
