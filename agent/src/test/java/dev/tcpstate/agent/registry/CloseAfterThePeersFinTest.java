package dev.tcpstate.agent.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tcpstate.agent.kernel.KernelRow;
import dev.tcpstate.agent.kernel.KernelTable;
import dev.tcpstate.contract.AbortCause;
import dev.tcpstate.contract.Role;
import dev.tcpstate.contract.SocketKind;
import dev.tcpstate.contract.Source;
import dev.tcpstate.contract.Stimulus;
import dev.tcpstate.contract.TcpState;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A close of a connection Java still holds ESTABLISHED, whose peer's FIN may have arrived unread: where
 * the kernel view's reader can ask the kernel for that one socket (netlink), the close is recorded as
 * the kernel will make it; where it cannot ({@code /proc}), the samples after the close say only what
 * they can tell.
 */
class CloseAfterThePeersFinTest {
    private static final long LOOPBACK_LO = 0x0000_FFFF_7F00_0001L;
    private static final int LOCAL_PORT = 50100;
    private static final int REMOTE_PORT = 8080;
    private static final int ESTABLISHED = 1;
    private static final int FIN_WAIT_2 = 5;
    private static final int CLOSE_WAIT = 8;
    private static final int LAST_ACK = 9;

    private final List<String> events = new ArrayList<>();
    private final ConnectionRegistry registry = new ConnectionRegistry(new EventSink() {
        @Override
        public void stateChange(Connection c, TcpState from, TcpState to, Stimulus stimulus, AbortCause abortCause,
                Source source, String trigger, long previousStateNanos, long kernelTimerMillis) {
            events.add(from + "->" + to + " " + source + " " + stimulus + " " + trigger);
        }

        @Override
        public void anomaly(Connection c, TcpState state, Stimulus stimulus, String trigger) {
            events.add("anomaly " + state + " " + stimulus);
        }
    }, 100);
    private final KernelReconciler reconciler = new KernelReconciler(registry);
    /** The 4-tuples the kernel was asked about, as "local>remote". */
    private final List<String> asked = new ArrayList<>();

    CloseAfterThePeersFinTest() {
        registry.setKernelViewActive(true);
        reconciler.setOwnInodes(inode -> false);
    }

    /** The kernel as the reader asks it: {@code state} for the one connection, -1 (none) for any other. */
    private KernelTable kernelHolding(int state) {
        return new AskedOnlyTable() {
            @Override
            public int linuxStateNow(long localHi, long localLo, int localPort, long remoteHi, long remoteLo,
                    int remotePort) {
                asked.add(localPort + ">" + remotePort);
                boolean ours = localHi == 0 && localLo == LOOPBACK_LO && remoteHi == 0 && remoteLo == LOOPBACK_LO
                        && localPort == LOCAL_PORT && remotePort == REMOTE_PORT;
                return ours ? state : -1;
            }
        };
    }

    private Connection established() {
        Connection c = registry.track(new Object(), SocketKind.SOCKET, Role.CLIENT, TcpState.CLOSED);
        InetAddress loopback = InetAddress.getLoopbackAddress();
        registry.setEndpoints(c, Endpoint.of(loopback, LOCAL_PORT), Endpoint.of(loopback, REMOTE_PORT));
        registry.apply(c, Stimulus.CONNECT, "Socket.connect");
        registry.apply(c, Stimulus.CONNECT_ESTABLISHED, "Socket.connect");
        events.clear();
        return c;
    }

    /** What the bridge does at a close that sends FIN. */
    private void close(Connection c) {
        registry.beforeClose(c);
        registry.apply(c, Stimulus.CLOSE, "Socket.close");
    }

    private void sampleOf(KernelRow... rows) {
        reconciler.beginSample(System.nanoTime());
        for (KernelRow r : rows) {
            reconciler.row(r);
        }
        reconciler.endSample();
    }

    private static KernelRow row(int linuxState) {
        return new KernelRow().local(0, LOOPBACK_LO, LOCAL_PORT).remote(0, LOOPBACK_LO, REMOTE_PORT)
                .linuxState(linuxState).inode(0).timerMillisLeft(-1);
    }

    @Test
    void aCloseAfterThePeersUnreadFinIsRecordedAsTheKernelMakesItAPassiveClose() {
        reconciler.readingFrom(kernelHolding(CLOSE_WAIT));
        Connection c = established();
        close(c);
        assertEquals(List.of("ESTABLISHED->CLOSE_WAIT KERNEL RCV_FIN " + KernelObservations.FIN_AT_CLOSE,
                "CLOSE_WAIT->LAST_ACK API CLOSE Socket.close"), events);
        assertEquals(List.of(LOCAL_PORT + ">" + REMOTE_PORT), asked, "the kernel asked once, for this 4-tuple");
        sampleOf(); // the peer's ACK of our FIN ended it
        assertEquals("LAST_ACK->CLOSED KERNEL RCV_ACK_OF_FIN kernel: rcv ACK of FIN", events.get(2));
    }

    @Test
    void aCloseTheKernelStillHoldsEstablishedIsTheActiveCloseJavaSaw() {
        reconciler.readingFrom(kernelHolding(ESTABLISHED));
        Connection c = established();
        close(c);
        assertEquals(List.of("ESTABLISHED->FIN_WAIT_1 API CLOSE Socket.close"), events);
        assertEquals(1, asked.size());
    }

    @Test
    void aCloseAfterTheEndOfStreamWasReadDoesNotAskTheKernel() {
        reconciler.readingFrom(kernelHolding(CLOSE_WAIT));
        Connection c = established();
        registry.apply(c, Stimulus.READ_EOF, "read EOF");
        close(c);
        assertEquals(List.of("ESTABLISHED->CLOSE_WAIT API READ_EOF read EOF",
                "CLOSE_WAIT->LAST_ACK API CLOSE Socket.close"), events);
        assertEquals(List.of(), asked, "Java saw the FIN itself: nothing to ask");
    }

    @Test
    void aCloseAfterOurOwnFinDoesNotAskTheKernel() {
        reconciler.readingFrom(kernelHolding(CLOSE_WAIT));
        Connection c = established();
        registry.apply(c, Stimulus.SHUTDOWN_OUTPUT, "Socket.shutdownOutput");
        close(c);
        assertEquals(List.of("ESTABLISHED->FIN_WAIT_1 API SHUTDOWN_OUTPUT Socket.shutdownOutput"), events);
        assertEquals(List.of(), asked, "our FIN went first: the close only releases the descriptor");
    }

    @Test
    void withoutAReaderThatCanAskTheCloseIsRecordedAsJavaSawIt() {
        Connection c = established(); // no kernel view reader at all: nothing asked, nothing guessed
        close(c);
        assertEquals(List.of("ESTABLISHED->FIN_WAIT_1 API CLOSE Socket.close"), events);
    }

    @Test
    void withProcARowGoneWithoutTimeWaitAfterOurCloseSaysTheCloseWasNotTheActiveOneRecordedButNotWhatItWas() {
        reconciler.readingFrom(kernelHolding(-1)); // /proc: no per-socket query
        Connection c = established();
        close(c);
        sampleOf(); // LAST_ACK and the peer's ACK went between two samples
        assertEquals(List.of("ESTABLISHED->FIN_WAIT_1 API CLOSE Socket.close",
                "FIN_WAIT_1->CLOSED KERNEL null " + KernelObservations.VANISHED_WITHOUT_TIME_WAIT), events);
    }

    @Test
    void withProcLastAckSeenAfterOurCloseSaysItWasAPassiveClose() {
        reconciler.readingFrom(kernelHolding(-1));
        Connection c = established();
        close(c);
        registry.settled(c);
        sampleOf(row(LAST_ACK));
        sampleOf();
        assertEquals(List.of("ESTABLISHED->FIN_WAIT_1 API CLOSE Socket.close",
                "FIN_WAIT_1->LAST_ACK KERNEL null " + KernelObservations.PASSIVE_AFTER_ALL,
                "LAST_ACK->CLOSED KERNEL RCV_ACK_OF_FIN kernel: rcv ACK of FIN"), events);
    }

    @Test
    void anActiveCloseTheKernelConfirmedAndThatVanishesClaimsNothingAboutWhoClosedFirst() {
        reconciler.readingFrom(kernelHolding(-1));
        Connection c = established();
        close(c);
        registry.settled(c);
        sampleOf(row(FIN_WAIT_2));
        sampleOf(); // an RST, or the orphan's FIN_WAIT_2 timer: our FIN went first either way
        assertEquals(List.of("ESTABLISHED->FIN_WAIT_1 API CLOSE Socket.close",
                "FIN_WAIT_1->FIN_WAIT_2 KERNEL RCV_ACK_OF_FIN kernel: rcv ACK of FIN",
                "FIN_WAIT_2->CLOSED KERNEL null " + KernelObservations.VANISHED), events);
    }
}
