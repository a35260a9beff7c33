package dev.tcpstate.agent.registry;

import dev.tcpstate.agent.kernel.KernelRow;
import dev.tcpstate.agent.kernel.KernelTable;
import dev.tcpstate.contract.AbortCause;
import dev.tcpstate.contract.AgeBasis;
import dev.tcpstate.contract.Role;
import dev.tcpstate.contract.SocketKind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcpstate.contract.Source;
import dev.tcpstate.contract.Stimulus;
import dev.tcpstate.contract.TcpState;
import java.lang.ref.WeakReference;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How kernel rows join connections whose 4-tuple the Java API has not told yet. */
class KernelReconcilerTest {
    private static final long LOOPBACK_LO = 0x0000_FFFF_7F00_0001L;
    private static final int SYN_SENT = 2;

    private final List<String> events = new ArrayList<>();
    private final List<String> details = new ArrayList<>();
    private final ConnectionRegistry registry = new ConnectionRegistry(new EventSink() {
        @Override
        public void stateChange(Connection c, TcpState from, TcpState to, Stimulus stimulus, AbortCause abortCause,
                Source source,
                String trigger, long previousStateNanos, long kernelTimerMillis) {
            events.add(c.kind().recorded() + " " + c.local().port() + ">" + c.remote().port() + " " + from + "->" + to + " "
                    + source);
            details.add(c.role() + " " + stimulus + " " + trigger);
        }

        @Override
        public void discovered(Connection c, TcpState to, Stimulus stimulus, String trigger, long kernelTimerMillis,
                long stateAgeMillis, AgeBasis basis) {
            EventSink.super.discovered(c, to, stimulus, trigger, kernelTimerMillis, stateAgeMillis, basis);
            ages.add(c.local().port() + " " + to + " " + stateAgeMillis + " " + basis);
        }

        @Override
        public void anomaly(Connection c, TcpState state, Stimulus stimulus, String trigger) {
            events.add("anomaly " + state + " " + stimulus);
        }
    }, 100);
    private final List<String> ages = new ArrayList<>();
    private final KernelReconciler reconciler = new KernelReconciler(registry);

    KernelReconcilerTest() {
        registry.setKernelViewActive(true);
        reconciler.setOwnInodes(inode -> true);
    }

    /** A non-blocking connect still pending: the JDK does not reveal the local port the kernel chose. */
    private Connection pendingConnect(int remotePort) {
        Connection c = registry.track(new Object(), SocketKind.SOCKET_CHANNEL, Role.CLIENT, TcpState.CLOSED);
        registry.setEndpoints(c, null, Endpoint.of(InetAddress.getLoopbackAddress(), remotePort));
        registry.apply(c, Stimulus.CONNECT, "SocketChannel.connect");
        registry.connectPending(c, "SocketChannel.connect"); // returned false: its start is recorded now
        return c;
    }

    private void sample(int... localPortsSynSentTo8080) {
        reconciler.beginSample(System.nanoTime());
        for (int localPort : localPortsSynSentTo8080) {
            reconciler.row(new KernelRow().local(0, LOOPBACK_LO, localPort).remote(0, LOOPBACK_LO, 8080)
                    .linuxState(SYN_SENT).inode(1000 + localPort).timerMillisLeft(1000));
        }
        reconciler.endSample();
    }

    @Test
    void pendingConnectAdoptsTheOneSynSentRowToItsPeerInsteadOfBeingDiscoveredTwice() {
        Connection c = pendingConnect(8080);
        sample(50000);
        assertEquals(50000, c.local().port());
        assertEquals(Source.KERNEL, c.stateSource(), "the kernel confirmed SYN_SENT");
        assertEquals(1, registry.size(), "no second, discovered connection");
        sample(50000);
        sample(); // the row is gone: the connect ended without the application seeing it yet
        assertEquals(List.of("SocketChannel 0>8080 CLOSED->SYN_SENT API",
                "SocketChannel 50000>8080 SYN_SENT->CLOSED KERNEL"), events);
    }

    /** A reader that leaves out the rows in TIME_WAIT on request, and answers for one 4-tuple by itself. */
    private static final class TimeWaitlessTable implements dev.tcpstate.agent.kernel.KernelTable {
        final java.util.Map<Integer, Integer> stateByLocalPort = new java.util.HashMap<>();
        final List<Integer> asked = new ArrayList<>();

        @Override
        public String name() {
            return "netlink";
        }

        @Override
        public int read(dev.tcpstate.agent.kernel.KernelRowSink sink) {
            return 0;
        }

        @Override
        public boolean canLeaveOutTimeWait() {
            return true;
        }

        @Override
        public int linuxStateNow(long localHi, long localLo, int localPort, long remoteHi, long remoteLo,
                int remotePort) {
            asked.add(localPort);
            return stateByLocalPort.getOrDefault(localPort, -1);
        }
    }

    private Connection closedClient(int localPort) {
        Object socket = new Object();
        Connection c = registry.track(socket, SocketKind.SOCKET, Role.CLIENT, TcpState.CLOSED);
        registry.setEndpoints(c, Endpoint.of(InetAddress.getLoopbackAddress(), localPort),
                Endpoint.of(InetAddress.getLoopbackAddress(), 8080));
        registry.apply(c, Stimulus.CONNECT, "Socket.connect");
        registry.apply(c, Stimulus.CONNECT_ESTABLISHED, "Socket.connect");
        registry.apply(c, Stimulus.CLOSE, "Socket.close");
        registry.untrack(socket);
        registry.settled(c);
        return c;
    }

    /**
     * With few connections that could be in TIME_WAIT, a reader that can leaves those rows out (a storm's
     * tens of thousands are what a sample costs); each tracked one the sample then misses is asked for
     * by its 4-tuple: found in TIME_WAIT it is recorded so (and let go), not found it has vanished.
     */
    @Test
    void withoutTheRowsInTimeWaitAConnectionTheSampleMissedIsAskedForByItsTuple() throws Exception {
        TimeWaitlessTable table = new TimeWaitlessTable();
        reconciler.readingFrom(table);
        Connection inTimeWait = closedClient(50010);
        Connection gone = closedClient(50011);
        table.stateByLocalPort.put(50010, 6);
        Thread.sleep(1); // both began before the sample
        reconciler.beginSample(System.nanoTime());
        assertFalse(reconciler.wantsTimeWaitRows(), "two connections that could be in TIME_WAIT: asked for instead");
        reconciler.endSample();
        assertEquals(List.of(50010, 50011), table.asked.stream().sorted().toList());
        assertEquals(List.of("Socket 50010>8080 FIN_WAIT_1->TIME_WAIT KERNEL", "Socket 50011>8080 FIN_WAIT_1->CLOSED KERNEL"),
                events.subList(events.size() - 2, events.size()).stream().sorted().toList());
        assertEquals(0, registry.size(), "the one in TIME_WAIT let go, the other ended");
        assertEquals(TcpState.TIME_WAIT, inTimeWait.state());
        assertEquals(TcpState.CLOSED, gone.state());
    }

    @Test
    void manyConnectionsThatCouldBeInTimeWaitGetTheWholeTable() {
        reconciler.readingFrom(new TimeWaitlessTable());
        for (int i = 0; i <= KernelReconciler.MAX_ASKED_INSTEAD_OF_TIME_WAIT_ROWS; i++) {
            closedClient(51000 + i);
        }
        reconciler.beginSample(System.nanoTime());
        assertTrue(reconciler.wantsTimeWaitRows());
    }

    /**
     * A blocking connect's one event is its return, with its stack: a sample that lists the handshake's
     * end before the connect returns (a socket bound before it connects has its 4-tuple) leaves it to that return.
     */
    @Test
    void aSampleDuringABlockingConnectLeavesItsOutcomeToTheConnectsReturn() {
        Connection c = registry.track(new Object(), SocketKind.SOCKET, Role.CLIENT, TcpState.CLOSED);
        registry.setEndpoints(c, Endpoint.of(InetAddress.getLoopbackAddress(), 50000),
                Endpoint.of(InetAddress.getLoopbackAddress(), 8080));
        registry.apply(c, Stimulus.CONNECT, "Socket.connect");
        sampleOf(row(50000, 8080, ESTABLISHED, 1050));
        assertEquals(TcpState.SYN_SENT, c.state());
        assertEquals(List.of(), events, "nothing recorded while the connect is under way");
        registry.apply(c, Stimulus.CONNECT_ESTABLISHED, "Socket.connect");
        sampleOf(row(50000, 8080, ESTABLISHED, 1050));
        assertEquals(List.of("Socket 50000>8080 SYN_SENT->ESTABLISHED API"), events);
        assertEquals(Source.KERNEL, c.stateSource(), "confirmed by the next sample");
    }

    @Test
    void twoPendingConnectsToOnePeerAreLeftAloneTillTheJdkTellsTheirPorts() {
        Connection a = pendingConnect(8080);
        Connection b = pendingConnect(8080);
        sample(50000, 50001);
        assertFalse(a.local().isKnown());
        assertFalse(b.local().isKnown());
        assertEquals(2, registry.size(), "nothing discovered");
    }

    /**
     * On loopback the handshake is over before the application calls finishConnect: a sample can list
     * the connection ESTABLISHED while the JDK has not told its local port. It is not discovered as a
     * second connection (seen with Netty's NIO client and the JDK HttpClient); a row to another peer is.
     */
    @Test
    void anEstablishedRowToThePeerOfAPendingConnectIsNotDiscoveredAsASecondConnection() {
        pendingConnect(8080);
        sampleOf(row(50000, 8080, ESTABLISHED, 1050), row(50001, 9090, ESTABLISHED, 1051));
        assertEquals(2, registry.size(), "the pending connect, and the connection to 9090");
        assertEquals(List.of("SocketChannel 0>8080 CLOSED->SYN_SENT API", "Kernel 50001>9090 CLOSED->ESTABLISHED KERNEL"),
                events);
    }

    /** The connect completes while the sample is read: its row, read before, is the connection's, not a new one. */
    @Test
    void aRowOfAConnectThatCompletedWhileTheSampleWasReadIsNotDiscovered() {
        Connection c = pendingConnect(8080);
        reconciler.beginSample(System.nanoTime());
        reconciler.row(row(50000, 8080, ESTABLISHED, 1050));
        registry.setEndpoints(c, Endpoint.of(InetAddress.getLoopbackAddress(), 50000), null);
        registry.apply(c, Stimulus.CONNECT_ESTABLISHED, "SocketChannel.finishConnect");
        reconciler.endSample();
        assertEquals(1, registry.size(), "no second, discovered connection");
    }

    @Test
    void synSentRowOfThisProcessWithNoPendingConnectIsDiscovered() {
        sample(50000);
        assertEquals(List.of("Kernel 50000>8080 CLOSED->SYN_SENT KERNEL"), events);
    }

    private static final int ESTABLISHED = 1;
    private static final int LISTEN = 10;

    private static KernelRow row(int localPort, int remotePort, int linuxState, long inode) {
        return new KernelRow().local(0, LOOPBACK_LO, localPort).remote(0, remotePort == 0 ? 0 : LOOPBACK_LO, remotePort)
                .linuxState(linuxState).inode(inode).timerMillisLeft(-1);
    }

    @Test
    void aSocketOpenedSinceTheLastScanIsDiscoveredInTheSampleThatFirstListsItWithItsSide() {
        java.util.Set<Long> ours = new java.util.HashSet<>();
        java.util.Set<Long> scanned = new java.util.HashSet<>(List.of(7L));
        reconciler.setOwnInodes(ours::contains, inode -> !scanned.contains(inode), () -> {
            ours.addAll(List.of(1L, 2L, 3L)); // the rescan finds the three new sockets
            scanned.addAll(List.of(1L, 2L, 3L));
            return true;
        });
        reconciler.beginSample(System.nanoTime());
        reconciler.row(row(8080, 0, LISTEN, 1));
        reconciler.row(row(8080, 50001, ESTABLISHED, 2));
        reconciler.row(row(50002, 9090, ESTABLISHED, 3));
        reconciler.row(row(50003, 9090, ESTABLISHED, 7)); // another process's: never ours
        reconciler.endSample();
        assertEquals(List.of("Kernel 8080>0 CLOSED->LISTEN KERNEL", "Kernel 8080>50001 CLOSED->ESTABLISHED KERNEL",
                "Kernel 50002>9090 CLOSED->ESTABLISHED KERNEL"), events);
        assertEquals(List.of("LISTENER", "SERVER", "CLIENT"),
                details.stream().map(d -> d.substring(0, d.indexOf(' '))).toList(), "accepted from our listener's port");
    }

    /**
     * A blocking connect whose socket was opened since the last scan of our descriptors: its row, found
     * ours by the rescan at the sample's end, is the pending connect's, not a second connection (seen:
     * ReentrancyIT on a loaded machine recorded a client twice, once from the API and once discovered).
     */
    @Test
    void aNewSocketsRowToThePeerOfAPendingConnectIsNotDiscoveredAsASecondConnection() {
        java.util.Set<Long> ours = new java.util.HashSet<>();
        reconciler.setOwnInodes(ours::contains, inode -> !ours.contains(inode), () -> ours.add(1050L));
        Connection c = registry.track(new Object(), SocketKind.SOCKET, Role.CLIENT, TcpState.CLOSED);
        registry.setEndpoints(c, null, Endpoint.of(InetAddress.getLoopbackAddress(), 8080));
        registry.apply(c, Stimulus.CONNECT, "Socket.connect");
        sampleOf(row(50000, 8080, ESTABLISHED, 1050));
        registry.setEndpoints(c, Endpoint.of(InetAddress.getLoopbackAddress(), 50000), null);
        registry.apply(c, Stimulus.CONNECT_ESTABLISHED, "Socket.connect");
        sampleOf(row(50000, 8080, ESTABLISHED, 1050));
        assertEquals(1, registry.size(), "no second, discovered connection");
        assertEquals(List.of("Socket 50000>8080 SYN_SENT->ESTABLISHED API"), events);
        assertEquals(Source.KERNEL, c.stateSource(), "the row is the connect's: confirmed by the next sample");
    }

    /**
     * An accepted socket is ours from the moment accept returns its descriptor, before the application's
     * accept (and the agent) show it: after the first sample, a row of ours on a listener's port that
     * matches nothing is discovered only when the next sample still finds it unmatched.
     */
    @Test
    void aRowOnOurListenersPortIsLeftForTheAcceptThatIsReturningAndDiscoveredOnlyIfTheNextSampleStillListsIt() {
        sampleOf(row(8080, 0, LISTEN, 1));
        sampleOf(row(8080, 0, LISTEN, 1), row(8080, 50001, ESTABLISHED, 2), row(8080, 50002, ESTABLISHED, 3));
        assertEquals(List.of("Kernel 8080>0 CLOSED->LISTEN KERNEL"), events, "both left for their accepts");
        Connection accepted = registry.track(new Object(), SocketKind.SOCKET, Role.SERVER, TcpState.SYN_RECEIVED);
        registry.setEndpoints(accepted, Endpoint.of(InetAddress.getLoopbackAddress(), 8080),
                Endpoint.of(InetAddress.getLoopbackAddress(), 50001));
        registry.apply(accepted, Stimulus.ACCEPT, "ServerSocket.accept");
        sampleOf(row(8080, 0, LISTEN, 1), row(8080, 50001, ESTABLISHED, 2), row(8080, 50002, ESTABLISHED, 3));
        assertEquals(List.of("Kernel 8080>0 CLOSED->LISTEN KERNEL", "Socket 8080>50001 SYN_RECEIVED->ESTABLISHED API",
                "Kernel 8080>50002 CLOSED->ESTABLISHED KERNEL"), events, "the one no accept showed is discovered");
        assertEquals(Source.KERNEL, accepted.stateSource(), "the accepted connection's row is its own");
        assertEquals(3, registry.size());
    }

    @Test
    void aRowThatVanishesBetweenTwoSamplesIsNotTakenForAReset() {
        sampleOf(row(50002, 9090, ESTABLISHED, 3));
        sampleOf(); // the application closed it (FIN, ACK, FIN, ACK) between the samples: gone
        assertEquals("Kernel 50002>9090 ESTABLISHED->CLOSED KERNEL", events.get(1));
        assertEquals("CLIENT null kernel: no longer listed (ended between two samples)", details.get(1));
    }

    private void sampleOf(KernelRow... rows) {
        reconciler.beginSample(System.nanoTime());
        for (KernelRow r : rows) {
            reconciler.row(r);
        }
        reconciler.endSample();
    }

    private static final int FIN_WAIT_2 = 5;

    /**
     * A socket the GC finds unreachable while a sample is being read: the JDK's cleaner can close its
     * descriptor (our FIN) before the registry's reference to it is enqueued, so the sample lists the
     * FIN_WAIT_2 of a connection nobody closed. The leak is reported first, from ESTABLISHED; the
     * reference, enqueued later, reports nothing more; the kernel's state follows from the next sample
     * (a row of a sample begun before the leak was reported is not taken for news).
     */
    @Test
    void aSocketCollectedWhileASampleIsReadIsReportedLeakedBeforeTheFinItsCleanerSent() {
        Object socket = new Object();
        Connection c = registry.track(socket, SocketKind.SOCKET, Role.CLIENT, TcpState.CLOSED);
        registry.setEndpoints(c, Endpoint.of(InetAddress.getLoopbackAddress(), 50000),
                Endpoint.of(InetAddress.getLoopbackAddress(), 8080));
        registry.apply(c, Stimulus.CONNECT, "Socket.connect");
        registry.apply(c, Stimulus.CONNECT_ESTABLISHED, "Socket.connect");
        reconciler.beginSample(System.nanoTime()); // the socket is still reachable here
        WeakReference<Object> canary = new WeakReference<>(socket);
        socket = null;
        for (int i = 0; i < 100 && canary.get() != null; i++) {
            System.gc();
        }
        assertNull(canary.get(), "collected");
        reconciler.row(row(50000, 8080, FIN_WAIT_2, 0));
        reconciler.endSample();
        registry.collectUnreachable();
        reconciler.beginSample(System.nanoTime());
        reconciler.row(row(50000, 8080, FIN_WAIT_2, 0));
        reconciler.endSample();
        assertEquals(List.of("Socket 50000>8080 SYN_SENT->ESTABLISHED API",
                "Socket 50000>8080 ESTABLISHED->FIN_WAIT_1 API", "Socket 50000>8080 FIN_WAIT_1->FIN_WAIT_2 KERNEL"),
                events);
        assertEquals("CLIENT GARBAGE_COLLECTED garbage collected without close", details.get(1));
    }

    private static final int CLOSE_WAIT = 8;

    /** A table that knows the age of the socket on local port 50010 only, and counts what it is asked. */
    private final List<Integer> asked = new ArrayList<>();
    private final KernelTable ages12s = new AskedOnlyTable() {
        @Override
        public long millisSinceLastAckReceived(KernelRow row) {
            asked.add(row.localPort());
            return row.localPort() == 50010 ? 12_300 : -1;
        }
    };

    @Test
    void aConnectionFoundLingeringCarriesTheKernelsAgeOfItsStateOrSaysItCountsFromNow() {
        reconciler.readingFrom(ages12s);
        sampleOf(row(50010, 9090, CLOSE_WAIT, 10), row(50011, 9090, CLOSE_WAIT, 11),
                row(50012, 9090, ESTABLISHED, 12), row(50013, 9090, FIN_WAIT_2, 13));
        assertEquals(List.of("50010 CLOSE_WAIT 12300 KERNEL_LAST_ACK_RECEIVED", "50011 CLOSE_WAIT 0 FIRST_SAMPLE",
                "50012 ESTABLISHED 0 FIRST_SAMPLE", "50013 FIN_WAIT_2 0 FIRST_SAMPLE"), ages);
        assertEquals(List.of(50010, 50011, 50013), asked,
                "only the states whose start the peer's last ACK tells (its FIN; the ACK of ours) are asked about");
        Connection aged = null;
        Connection unaged = null;
        for (Connection c : registry.liveConnections()) {
            aged = c.local().port() == 50010 ? c : aged;
            unaged = c.local().port() == 50011 ? c : unaged;
        }
        assertFalse(aged.inStateSinceFirstSeen(), "the kernel's count is no lower bound of the live view");
        assertTrue(unaged.inStateSinceFirstSeen(), "counted from its discovery: a lower bound");
        long inState = System.nanoTime() - aged.stateSinceNanos();
        assertTrue(inState >= 12_300_000_000L, "its time in CLOSE_WAIT includes the kernel's age: " + inState);
        sampleOf(row(50010, 9090, CLOSE_WAIT, 10));
        assertEquals(List.of(50010, 50011, 50013), asked, "a connection already tracked is not asked again");
    }
}
