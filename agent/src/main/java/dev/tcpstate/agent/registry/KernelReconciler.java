package dev.tcpstate.agent.registry;

import dev.tcpstate.agent.kernel.KernelRowSink;
import dev.tcpstate.agent.state.TcpState;
import java.util.function.LongPredicate;

/**
 * Joins one sample of the kernel's TCP table to the registry: each row that matches a tracked
 * connection's 4-tuple reports the kernel's state for it; a row of this process (its inode is one of
 * our descriptors) that matches nothing is a connection the agent did not see open, and is tracked
 * from now on; a tracked connection the kernel no longer lists has closed. Called only from the
 * sampler's thread.
 */
public final class KernelReconciler implements KernelRowSink {

    private final ConnectionRegistry registry;
    private volatile LongPredicate ownInode = inode -> false;
    private long generation;
    private long sampleStartNanos;

    public KernelReconciler(ConnectionRegistry registry) {
        this.registry = registry;
    }

    /** Which socket inodes belong to this process (from {@code /proc/self/fd}). */
    public void setOwnInodes(LongPredicate ownInode) {
        this.ownInode = ownInode;
    }

    @Override
    public void beginSample(long nanoTime) {
        generation++;
        sampleStartNanos = nanoTime;
    }

    @Override
    public void row(long localHi, long localLo, int localPort, long remoteHi, long remoteLo, int remotePort,
            int linuxState, long inode, long timerMillisLeft) {
        TcpState observed = TcpState.fromLinuxCode(linuxState);
        if (observed == null) {
            return;
        }
        TupleKey key = TupleKey.of(localHi, localLo, localPort, remoteHi, remoteLo, remotePort);
        Connection c = registry.byTuple.get(key);
        if (c == null) {
            if (inode != 0 && observed != TcpState.SYN_RECEIVED && ownInode.test(inode)) {
                registry.discover(Endpoint.ofKernel(localHi, localLo, localPort),
                        remotePort == 0 ? Endpoint.UNKNOWN : Endpoint.ofKernel(remoteHi, remoteLo, remotePort),
                        observed, timerMillisLeft);
            }
            return;
        }
        synchronized (c) {
            c.kernelGeneration = generation;
        }
        registry.observeKernelState(c, observed, timerMillisLeft, null);
    }

    @Override
    public void endSample() {
        for (Connection c : registry.byTuple.values()) {
            boolean vanished;
            synchronized (c) {
                // Only connections that existed before this sample was read can be missing from it.
                vanished = c.kernelGeneration != generation && c.firstSeenNanos - sampleStartNanos < 0
                        && (c.kernelSeen || c.released) && c.state != TcpState.CLOSED;
            }
            if (vanished) {
                registry.observeKernelState(c, TcpState.CLOSED, -1, null);
            }
        }
    }
}
