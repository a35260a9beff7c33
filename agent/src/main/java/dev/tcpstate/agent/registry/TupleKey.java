package dev.tcpstate.agent.registry;

/**
 * A connection's 4-tuple in the kernel's 128-bit form. The wildcard address ({@code ::}, {@code 0.0.0.0}
 * or its mapped form) is one value, since Java reports a dual-stack listener's {@code ::} as 0.0.0.0.
 */
record TupleKey(long localHi, long localLo, int localPort, long remoteHi, long remoteLo, int remotePort) {

    private static final long V4_MAPPED_ANY = 0x0000_FFFF_0000_0000L;

    static TupleKey of(Connection c) {
        return of(c.local.hi(), c.local.lo(), c.local.port(), c.remote.hi(), c.remote.lo(), c.remote.port());
    }

    static TupleKey of(long localHi, long localLo, int localPort, long remoteHi, long remoteLo, int remotePort) {
        if (localHi == 0 && localLo == V4_MAPPED_ANY) {
            localLo = 0;
        }
        if (remoteHi == 0 && remoteLo == V4_MAPPED_ANY) {
            remoteLo = 0;
        }
        return new TupleKey(localHi, localLo, localPort, remoteHi, remoteLo, remotePort);
    }
}
