package dev.tcpstate.agent.registry;

import dev.tcpstate.agent.kernel.KernelRow;

/**
 * A connection's 4-tuple in the kernel's 128-bit form. The wildcard address ({@code ::}, {@code 0.0.0.0}
 * or its mapped form) is one value, since Java reports a dual-stack listener's {@code ::} as 0.0.0.0.
 * Two forms compare equal: the one stored per indexed connection holds its two (immutable) endpoints,
 * 24 bytes; the one a kernel row is looked up with holds the row's numbers and lives for the lookup.
 */
abstract class TupleKey {

    abstract long localHi();

    abstract long localLoRaw();

    abstract int localPort();

    abstract long remoteHi();

    abstract long remoteLoRaw();

    abstract int remotePort();

    /** The stored form, for a connection whose endpoints are known. */
    static TupleKey of(Connection c) {
        return new Ends(c.local, c.remote);
    }

    /** The lookup form, for a kernel row. */
    static TupleKey of(KernelRow row) {
        return new Numbers(row.localHi(), row.localLo(), row.localPort(), row.remoteHi(), row.remoteLo(),
                row.remotePort());
    }

    private static long lo(long hi, long lo) {
        return Endpoint.isWildcard(hi, lo) ? 0 : lo;
    }

    @Override
    public final int hashCode() {
        long h = localHi() * 31 + lo(localHi(), localLoRaw());
        h = h * 31 + localPort();
        h = h * 31 + remoteHi();
        h = h * 31 + lo(remoteHi(), remoteLoRaw());
        h = h * 31 + remotePort();
        return Long.hashCode(h);
    }

    @Override
    public final boolean equals(Object other) {
        if (other == this) {
            return true;
        }
        if (!(other instanceof TupleKey)) {
            return false;
        }
        TupleKey o = (TupleKey) other;
        return localPort() == o.localPort() && remotePort() == o.remotePort()
                && localHi() == o.localHi() && remoteHi() == o.remoteHi()
                && lo(localHi(), localLoRaw()) == lo(o.localHi(), o.localLoRaw())
                && lo(remoteHi(), remoteLoRaw()) == lo(o.remoteHi(), o.remoteLoRaw());
    }

    @Override
    public final String toString() {
        return localHi() + ":" + localLoRaw() + ":" + localPort() + " -> " + remoteHi() + ":" + remoteLoRaw() + ":"
                + remotePort();
    }

    private static final class Ends extends TupleKey {
        private final Endpoint local;
        private final Endpoint remote;

        Ends(Endpoint local, Endpoint remote) {
            this.local = local;
            this.remote = remote;
        }

        @Override
        long localHi() {
            return local.hi();
        }

        @Override
        long localLoRaw() {
            return local.lo();
        }

        @Override
        int localPort() {
            return local.port();
        }

        @Override
        long remoteHi() {
            return remote.hi();
        }

        @Override
        long remoteLoRaw() {
            return remote.lo();
        }

        @Override
        int remotePort() {
            return remote.port();
        }
    }

    private static final class Numbers extends TupleKey {
        private final long localHi;
        private final long localLo;
        private final int localPort;
        private final long remoteHi;
        private final long remoteLo;
        private final int remotePort;

        Numbers(long localHi, long localLo, int localPort, long remoteHi, long remoteLo, int remotePort) {
            this.localHi = localHi;
            this.localLo = localLo;
            this.localPort = localPort;
            this.remoteHi = remoteHi;
            this.remoteLo = remoteLo;
            this.remotePort = remotePort;
        }

        @Override
        long localHi() {
            return localHi;
        }

        @Override
        long localLoRaw() {
            return localLo;
        }

        @Override
        int localPort() {
            return localPort;
        }

        @Override
        long remoteHi() {
            return remoteHi;
        }

        @Override
        long remoteLoRaw() {
            return remoteLo;
        }

        @Override
        int remotePort() {
            return remotePort;
        }
    }
}
