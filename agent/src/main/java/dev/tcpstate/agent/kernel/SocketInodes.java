package dev.tcpstate.agent.kernel;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The inodes of the sockets this process holds open, from the {@code socket:[inode]} links of
 * {@code /proc/self/fd}: a kernel row whose inode is here belongs to this process, even when the agent
 * never saw it open (opened before an attach, or by a native transport).
 *
 * <p>A scan reads one link per open descriptor: about 5 µs each, 49 ms of CPU for 10,000 descriptors
 * (BENCHMARKS.md), so it is done only when needed. The registry asks {@link #owns} about rows it does not
 * track; an inode neither found by the last scan nor known then to be another process's asks for a
 * rescan, which the sampler does at the start of a later sample ({@link #rescanIfWanted}), at most
 * once every few samples. A scan stops after {@code maxFds} descriptors.
 *
 * <p>{@link #owns} and {@link #rescanIfWanted} belong to the sampler thread (the sink's {@code row} runs
 * there); {@link #contains} may be called from any thread.
 */
public final class SocketInodes {
    /** Enough for a busy server; beyond it a scan is cut short and {@link #truncated} says so. */
    public static final int DEFAULT_MAX_FDS = 65_536;
    /** Forget what was asked rather than let a churning host grow the set without end. */
    private static final int MAX_ASKED = 1 << 20;

    private final Path fdDirectory;
    private final int maxFds;
    private volatile long[] ours = new long[2];
    private volatile int size;
    private volatile boolean truncated;
    private volatile long scans;

    private final InodeSet foreign = new InodeSet(64);
    private final InodeSet askedSinceScan = new InodeSet(64);
    private boolean rescanWanted = true;
    private long samplesSinceScan;
    private long lastScanNanos;

    SocketInodes(Path fdDirectory, int maxFds) {
        this.fdDirectory = fdDirectory;
        this.maxFds = maxFds;
    }

    /** The sockets of this process, from {@code /proc/self/fd}. */
    public static SocketInodes ofThisProcess() {
        return new SocketInodes(Paths.get("/proc/self/fd"), DEFAULT_MAX_FDS);
    }

    /**
     * Whether a row's inode is one of this process's sockets, as of the last scan. An inode the last
     * scan could not place (a socket opened since) answers false now and asks for a rescan, so a
     * socket of this process is recognised a few samples after it appears. Sampler thread only.
     */
    public boolean owns(long inode) {
        if (inode <= 0) {
            return false;
        }
        if (InodeSet.contains(ours, inode)) {
            return true;
        }
        if (askedSinceScan.size() < MAX_ASKED) {
            askedSinceScan.add(inode);
        }
        if (!foreign.contains(inode)) {
            rescanWanted = true;
        }
        return false;
    }

    /**
     * Called by the sampler before each sample: rescans when an unplaced inode was asked about (or
     * {@link #requestRescan} was called) and at least {@code minSamplesBetween} samples have passed.
     *
     * @return true when it rescanned
     */
    public boolean rescanIfWanted(int minSamplesBetween) {
        samplesSinceScan++;
        if (!rescanWanted || (scans > 0 && samplesSinceScan < minSamplesBetween)) {
            return false;
        }
        if (rescan() < 0) {
            rescanWanted = false; // no /proc/self/fd here: do not try every sample
            return false;
        }
        return true;
    }

    /** A scan this cheap may be done again within the sample that needs it: a few hundred descriptors. */
    static final long CHEAP_SCAN_NANOS = 2_000_000;

    /**
     * Whether {@code inode} is neither one of ours nor known to be another process's, as of the last
     * scan: a socket opened since, which a rescan would place. Sampler thread only.
     */
    public boolean unplaced(long inode) {
        return inode > 0 && !InodeSet.contains(ours, inode) && !foreign.contains(inode);
    }

    /**
     * Rescans now, within the sample that found unplaced inodes, when the last scan was cheap (or none
     * was done yet), so that a new socket of this process is known in the sample that first lists it.
     *
     * @return true when it rescanned
     */
    public boolean rescanIfCheap() {
        if (scans > 0 && lastScanNanos > CHEAP_SCAN_NANOS) {
            return false;
        }
        return rescan() >= 0;
    }

    /** Asks for a rescan before a coming sample (after an attach, say). */
    public void requestRescan() {
        rescanWanted = true;
    }

    /**
     * Reads {@code /proc/self/fd} now. Every inode asked about since the last scan and not found is
     * from then on known as another process's, until the next scan.
     *
     * @return the number of socket inodes found, or -1 when the directory cannot be read
     */
    public int rescan() {
        long began = System.nanoTime();
        InodeSet found = new InodeSet(Math.max(64, size));
        boolean cut = false;
        int seen = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDirectory)) {
            for (Path fd : fds) {
                if (++seen > maxFds) {
                    cut = true;
                    break;
                }
                found.add(socketInode(fd));
            }
        } catch (IOException | SecurityException | java.nio.file.DirectoryIteratorException e) {
            return -1;
        }
        long[] next = new long[InodeSet.capacityFor(found.size())];
        found.forEach(inode -> InodeSet.insert(next, inode));
        ours = next;
        size = found.size();
        truncated = cut;
        scans++;
        foreign.clear();
        askedSinceScan.forEach(inode -> {
            if (!found.contains(inode)) {
                foreign.add(inode);
            }
        });
        askedSinceScan.clear();
        rescanWanted = false;
        samplesSinceScan = 0;
        lastScanNanos = System.nanoTime() - began;
        return size;
    }

    /** True when the last scan found a socket with this inode (0 is never contained). Any thread. */
    public boolean contains(long inode) {
        return inode > 0 && InodeSet.contains(ours, inode);
    }

    /** Socket inodes found by the last scan. */
    public int size() {
        return size;
    }

    /** True when the last scan stopped at {@code maxFds} descriptors. */
    public boolean truncated() {
        return truncated;
    }

    /** Scans done so far. */
    public long scans() {
        return scans;
    }

    private static long socketInode(Path fd) {
        String target;
        try {
            target = Files.readSymbolicLink(fd).toString();
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return -1; // closed since listed, or not a link
        }
        if (!target.startsWith("socket:[") || !target.endsWith("]")) {
            return -1;
        }
        long v = 0;
        for (int i = "socket:[".length(); i < target.length() - 1; i++) {
            char c = target.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
