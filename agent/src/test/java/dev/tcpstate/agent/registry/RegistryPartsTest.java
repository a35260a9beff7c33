package dev.tcpstate.agent.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tcpstate.agent.kernel.KernelRow;
import dev.tcpstate.contract.Role;
import dev.tcpstate.contract.SocketKind;
import dev.tcpstate.contract.TcpState;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The registry's parts on their own: the socket table, the 4-tuple index, the live set's cap. */
class RegistryPartsTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final long LOOPBACK_LO = 0x0000_FFFF_7F00_0001L;

    private static Connection established(long id, int localPort, int remotePort) {
        Connection c = new Connection(id, SocketKind.SOCKET, Role.CLIENT, System.nanoTime());
        c.state = TcpState.ESTABLISHED;
        c.local = Endpoint.of(LOOPBACK, localPort);
        c.remote = Endpoint.of(LOOPBACK, remotePort);
        return c;
    }

    @Test
    void socketsAreTrackedByIdentityNotByEquality() {
        SocketTable sockets = new SocketTable();
        List<String> one = List.of("socket");
        List<String> equal = List.of("socket");
        Connection c = sockets.newConnection(one, 1, SocketKind.SOCKET, Role.CLIENT, System.nanoTime());
        assertNull(sockets.putIfAbsent(c));
        assertSame(c, sockets.get(one));
        assertNull(sockets.get(equal), "an equal object is another socket");
        assertSame(c, sockets.putIfAbsent(sockets.newConnection(one, 2, SocketKind.SOCKET, Role.CLIENT,
                System.nanoTime())), "the first connection stays");
        sockets.remove(one);
        assertNull(sockets.get(one));
        assertNull(sockets.pollCollected(), "removed, not collected");
    }

    @Test
    void aKernelRowFindsTheConnectionOfItsFourTuple() {
        TupleIndex tuples = new TupleIndex();
        Connection c = established(1, 40000, 8080);
        assertNull(tuples.index(c));
        KernelRow row = new KernelRow().local(0, LOOPBACK_LO, 40000).remote(0, LOOPBACK_LO, 8080);
        assertSame(c, tuples.get(row));
        assertNull(tuples.get(row.remote(0, LOOPBACK_LO, 8081)));
        tuples.remove(c);
        assertFalse(tuples.connections().iterator().hasNext());
    }

    @Test
    void aReusedFourTupleIsTakenOverFromTheReleasedConnectionOnly() {
        TupleIndex tuples = new TupleIndex();
        Connection old = established(1, 40000, 8080);
        tuples.index(old);
        Connection reuse = established(2, 40000, 8080);
        assertNull(tuples.index(reuse), "the old one is still held by the application");
        old.released = true;
        assertSame(old, tuples.index(reuse), "released: its row is gone for good");
        assertSame(reuse, tuples.get(new KernelRow().local(0, LOOPBACK_LO, 40000).remote(0, LOOPBACK_LO, 8080)));
    }

    @Test
    void aConnectionIsIndexedOnlyOnceItsTupleIsKnownAndItIsNotClosed() {
        TupleIndex tuples = new TupleIndex();
        Connection pending = established(1, 40000, 8080);
        pending.local = Endpoint.UNKNOWN;
        Connection closed = established(2, 40001, 8080);
        closed.state = TcpState.CLOSED;
        tuples.index(pending);
        tuples.index(closed);
        assertFalse(tuples.connections().iterator().hasNext());
    }

    @Test
    void aFullLiveSetCountsWhatDoesNotFitAndEvictsOnlyReleasedConnections() {
        LiveConnections live = new LiveConnections(1, new TupleIndex());
        Connection held = established(live.nextId(), 40000, 8080);
        assertTrue(live.hasRoom());
        live.add(held);
        assertFalse(live.hasRoom());
        assertFalse(live.makeRoom(), "the one connection is still held");
        assertEquals(2, live.evictedCount());
        held.released = true;
        assertTrue(live.makeRoom());
        assertEquals(0, live.size());
        assertEquals(3, live.evictedCount(), "the evicted one counts too");
    }
}
