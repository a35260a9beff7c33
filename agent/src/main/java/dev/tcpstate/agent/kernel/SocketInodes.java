package dev.tcpstate.agent.kernel;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The inodes of the sockets this process holds open, from the {@code socket:[inode]} links of
 * {@code /proc/self/fd}: a kernel row whose inode is in this set belongs to this process, even when
 * the agent never saw it open (opened before an attach, or by a native transport).
 *
 * <p>A scan reads one link per open file descriptor, so it is only done when asked
 * ({@link #rescan}; the sampler does it every few samples) and stops after {@code maxFds} entries.
 * {@link #contains} may be called from any thread: each scan publishes a new immutable set.
 */
public final class SocketInodes {
    /** Enough for a busy server; beyond it a scan is cut short and {@link #truncated} says so. */
    public static final int DEFAULT_MAX_FDS = 65_536;

    private final Path fdDirectory;
    private final int maxFds;
    private volatile long[] table = new long[2];
    private volatile int size;
    private volatile boolean truncated;
    private volatile long scans;

    SocketInodes(Path fdDirectory, int maxFds) {
        this.fdDirectory = fdDirectory;
        this.maxFds = maxFds;
    }

    /** The sockets of this process (an empty set, never rescanned, where there is no /proc/self/fd). */
    public static SocketInodes ofThisProcess() {
        return new SocketInodes(Paths.get("/proc/self/fd"), DEFAULT_MAX_FDS);
    }

    /**
     * Reads {@code /proc/self/fd} again.
     *
     * @return the number of socket inodes found, or -1 when the directory cannot be read
     */
    public int rescan() {
        long[] found = new long[64];
        int count = 0;
        int seen = 0;
        boolean cut = false;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDirectory)) {
            for (Path fd : fds) {
                if (++seen > maxFds) {
                    cut = true;
                    break;
                }
                long inode = socketInode(fd);
                if (inode > 0) {
                    if (count == found.length) {
                        found = java.util.Arrays.copyOf(found, count * 2);
                    }
                    found[count++] = inode;
                }
            }
        } catch (IOException | SecurityException | java.nio.file.DirectoryIteratorException e) {
            return -1;
        }
        long[] next = new long[Integer.highestOneBit(Math.max(count, 1) * 2) * 2];
        int distinct = 0;
        for (int i = 0; i < count; i++) {
            if (insert(next, found[i])) {
                distinct++;
            }
        }
        table = next;
        size = distinct;
        truncated = cut;
        scans++;
        return distinct;
    }

    /** True when the last scan saw a socket with this inode (0 is never contained). */
    public boolean contains(long inode) {
        if (inode <= 0) {
            return false;
        }
        long[] t = table;
        int mask = t.length - 1;
        for (int i = slot(inode, mask); ; i = (i + 1) & mask) {
            if (t[i] == inode) {
                return true;
            }
            if (t[i] == 0) {
                return false;
            }
        }
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

    private static boolean insert(long[] t, long inode) {
        int mask = t.length - 1;
        for (int i = slot(inode, mask); ; i = (i + 1) & mask) {
            if (t[i] == inode) {
                return false;
            }
            if (t[i] == 0) {
                t[i] = inode;
                return true;
            }
        }
    }

    private static int slot(long inode, int mask) {
        long h = inode * 0x9E37_79B9_7F4A_7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }
}
