package dev.tcpstate.agent.kernel;

/**
 * One row of the kernel's TCP table, as a cursor: a reader fills one instance and hands it to
 * {@link KernelRowSink#row} for every row of a sample, so that reading thousands of rows allocates
 * nothing. A sink that keeps a row past that call keeps a {@link #copy()}.
 *
 * <p>Addresses are 128-bit, as the kernel's {@code tcp6} table prints them once normalised to network
 * order: {@code hi} holds bytes 0..7, {@code lo} bytes 8..15 (big-endian within each long). IPv4
 * addresses (rows of {@code /proc/net/tcp}) are given in their IPv4-mapped form
 * {@code ::ffff:a.b.c.d}, so a dual-stack Java socket and a plain IPv4 one match the same way.
 */
public final class KernelRow {
    private long localHi;
    private long localLo;
    private int localPort;
    private long remoteHi;
    private long remoteLo;
    private int remotePort;
    private int linuxState;
    private long inode;
    private long timerMillisLeft;

    public KernelRow local(long hi, long lo, int port) {
        localHi = hi;
        localLo = lo;
        localPort = port;
        return this;
    }

    public KernelRow remote(long hi, long lo, int port) {
        remoteHi = hi;
        remoteLo = lo;
        remotePort = port;
        return this;
    }

    /** The kernel's state code, 1..11 (see {@code TcpState.fromLinuxCode}). */
    public KernelRow linuxState(int code) {
        linuxState = code;
        return this;
    }

    /** The socket inode; 0 for TIME_WAIT, orphaned and not-yet-accepted rows. */
    public KernelRow inode(long inode) {
        this.inode = inode;
        return this;
    }

    /**
     * Time left on the row's active timer (TIME_WAIT's 2MSL, retransmission, keep-alive...), or -1
     * when no timer runs.
     */
    public KernelRow timerMillisLeft(long millis) {
        timerMillisLeft = millis;
        return this;
    }

    public long localHi() {
        return localHi;
    }

    public long localLo() {
        return localLo;
    }

    public int localPort() {
        return localPort;
    }

    public long remoteHi() {
        return remoteHi;
    }

    public long remoteLo() {
        return remoteLo;
    }

    /** 0 for a listener's row. */
    public int remotePort() {
        return remotePort;
    }

    public int linuxState() {
        return linuxState;
    }

    public long inode() {
        return inode;
    }

    public long timerMillisLeft() {
        return timerMillisLeft;
    }

    /** A row of its own, which the next row read does not overwrite. */
    public KernelRow copy() {
        return new KernelRow().local(localHi, localLo, localPort).remote(remoteHi, remoteLo, remotePort)
                .linuxState(linuxState).inode(inode).timerMillisLeft(timerMillisLeft);
    }

    @Override
    public String toString() {
        return Long.toHexString(localHi) + ":" + Long.toHexString(localLo) + ":" + localPort + " -> "
                + Long.toHexString(remoteHi) + ":" + Long.toHexString(remoteLo) + ":" + remotePort + " state "
                + linuxState + " inode " + inode + " timer " + timerMillisLeft;
    }
}
