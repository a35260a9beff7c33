package dev.tcpstate.demo.server;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/** What a server saw, for the scenario's result line. */
public final class ServerStats {
    final AtomicInteger accepted = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger idleClosed = new AtomicInteger();
    final AtomicInteger peerClosed = new AtomicInteger();
    final AtomicInteger resets = new AtomicInteger();

    public int accepted() {
        return accepted.get();
    }

    public int requests() {
        return requests.get();
    }

    /** Connections the server closed itself because they stayed idle past its keep-alive timeout. */
    public int idleClosed() {
        return idleClosed.get();
    }

    /** Connections the client closed first (the server read end of stream). */
    public int peerClosed() {
        return peerClosed.get();
    }

    /** Connections that ended with "Connection reset" or "Broken pipe": the client sent RST. */
    public int resets() {
        return resets.get();
    }

    /** Waits, at most {@code limit}, until {@code counter} reaches {@code target}; returns whether it did. */
    public static boolean await(IntSupplier counter, int target, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (counter.getAsInt() < target) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }
}
