package dev.tcpstate.agent.kernel;

/** A set of socket inodes (positive longs), open addressing, reused between samples; one thread only. */
final class InodeSet {
    private long[] table;
    private int size;

    InodeSet(int expected) {
        table = new long[capacityFor(expected)];
    }

    boolean add(long inode) {
        if (inode <= 0) {
            return false;
        }
        if ((size + 1) * 2 > table.length) {
            long[] old = table;
            table = new long[old.length * 2];
            size = 0;
            for (long v : old) {
                if (v != 0) {
                    insert(table, v);
                    size++;
                }
            }
        }
        if (insert(table, inode)) {
            size++;
            return true;
        }
        return false;
    }

    boolean contains(long inode) {
        return inode > 0 && contains(table, inode);
    }

    int size() {
        return size;
    }

    void clear() {
        java.util.Arrays.fill(table, 0);
        size = 0;
    }

    /** Calls {@code action} for each inode. */
    void forEach(java.util.function.LongConsumer action) {
        for (long v : table) {
            if (v != 0) {
                action.accept(v);
            }
        }
    }

    static int capacityFor(int expected) {
        return Integer.highestOneBit(Math.max(expected, 2) * 2) * 2;
    }

    static boolean contains(long[] t, long inode) {
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

    static boolean insert(long[] t, long inode) {
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
