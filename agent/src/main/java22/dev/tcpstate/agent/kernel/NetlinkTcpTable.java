package dev.tcpstate.agent.kernel;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reads the TCP table with one netlink {@code sock_diag} dump per address family
 * ({@code SOCK_DIAG_BY_FAMILY}, {@code inet_diag_req_v2}, every state), through the FFM API (JDK 22+).
 * Present only in the jar's {@code META-INF/versions/22}; {@link KernelTables} loads it by name.
 *
 * <p>Layouts are those of {@code linux/netlink.h}, {@code linux/sock_diag.h} and
 * {@code linux/inet_diag.h}: netlink headers in host order, addresses and ports in network order,
 * {@code idiag_expires} in milliseconds. Like {@code /proc/self/net}, the dump covers the whole
 * network namespace.
 *
 * <p>One socket's {@code tcp_info} ({@code INET_DIAG_INFO}) is asked for apart, by an exact request
 * for its 4-tuple ({@link #millisSinceLastAckReceived}), never in the dumps: it is wanted only for a
 * connection found already lingering, and would otherwise cost every sample.
 */
final class NetlinkTcpTable implements KernelTable {
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int AF_NETLINK = 16;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int NETLINK_SOCK_DIAG = 4;
    private static final int IPPROTO_TCP = 6;
    private static final short SOCK_DIAG_BY_FAMILY = 20;
    private static final short NLM_F_REQUEST = 0x1;
    private static final short NLM_F_DUMP = 0x300;
    private static final int NLMSG_ERROR = 2;
    private static final int NLMSG_DONE = 3;
    /** The kernel answers a request within sendto; a close never waits for an answer that is not there. */
    private static final int MSG_DONTWAIT = 0x40;
    /** Every state bit, TCP_ESTABLISHED (1) to TCP_NEW_SYN_RECV (12): request sockets too. */
    private static final int ALL_STATES = 0x1FFE;
    /** {@code 1 << TCP_TIME_WAIT} (6), the bit of {@code idiag_states} a dump without TIME_WAIT clears. */
    private static final int TIME_WAIT_BIT = 1 << 6;
    /** The states the next dump asks for. */
    private int states = ALL_STATES;

    private static final int NLMSG_HDRLEN = 16;
    private static final int REQUEST_LENGTH = NLMSG_HDRLEN + 56;
    private static final int INET_DIAG_MSG_LENGTH = 72;
    /** The kernel fills at most 32 KiB per recv of a dump; twice that leaves room. */
    private static final int BUFFER_SIZE = 64 * 1024;
    private static final long V4_MAPPED_PREFIX = 0x0000_FFFF_0000_0000L;
    /** {@code idiag_ext} bit of {@code INET_DIAG_INFO} (attribute type 2): {@code 1 << (2 - 1)}. */
    private static final byte EXT_INFO = 1 << 1;
    private static final int INET_DIAG_INFO = 2;
    /** {@code INET_DIAG_NOCOOKIE}: match the 4-tuple, whatever socket holds it now. */
    private static final int NO_COOKIE = ~0;
    /** Offset of {@code tcpi_last_ack_recv} in {@code struct tcp_info} (linux/tcp.h: 8 bytes, then u32s). */
    static final int TCPI_LAST_ACK_RECV = 56;
    /** One {@code inet_diag_msg} and its attributes, {@code tcp_info} (about 250 bytes today) among them. */
    private static final int ONE_SOCKET_BUFFER_SIZE = 4096;
    /**
     * One segment per {@link #linuxStateNow} query: its socket, its last sequence number, its errno
     * state; then, from {@code queryAfterErrno}, the kernel's address, the request and the reply.
     */
    private static final int QUERY_FD = 0;
    private static final int QUERY_SEQUENCE = 4;
    private static final int QUERY_ERRNO = 8;
    private static final int QUERY_REQUEST = 16;
    private static final int QUERY_REPLY = QUERY_REQUEST + REQUEST_LENGTH;
    /** The reply's {@code inet_diag_msg} and the few attributes sent unasked. */
    private static final int QUERY_REPLY_SIZE = 512;

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfInt INT_BE = INT.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort SHORT_BE = SHORT.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong LONG_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final Arena arena = Arena.ofShared();
    private final MethodHandle socket;
    private final MethodHandle sendto;
    private final MethodHandle recv;
    private final MethodHandle close;
    private final MemorySegment errnoState;
    private final long errnoOffset;
    private final MemorySegment request;
    private final MemorySegment kernelAddress;
    private final MemorySegment buffer;
    /** The one-socket request's own memory: it is asked while a dump is being read. */
    private final MemorySegment oneRequest;
    private final MemorySegment oneBuffer;
    private final KernelRow row = new KernelRow();
    /** Where a query's memory continues after its errno state (8-byte aligned). */
    private final long queryAfterErrno;
    private int sequence;
    /** The query of {@link #linuxStateNow} kept between queries; null while one is in use. */
    private final AtomicReference<MemorySegment> idleQuery = new AtomicReference<>();
    private volatile boolean closed;

    /** Links the four libc calls; throws when this platform has no such calls (not Linux). */
    NetlinkTcpTable() {
        Linker linker = Linker.nativeLinker();
        SymbolLookup libc = linker.defaultLookup();
        Linker.Option errno = Linker.Option.captureCallState("errno");
        MemoryLayout stateLayout = Linker.Option.captureStateLayout();
        socket = linker.downcallHandle(libc.find("socket").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_INT), errno);
        sendto = linker.downcallHandle(libc.find("sendto").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                        ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
                errno);
        recv = linker.downcallHandle(libc.find("recv").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                        ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT), errno);
        close = linker.downcallHandle(libc.find("close").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        errnoState = arena.allocate(stateLayout);
        errnoOffset = stateLayout.byteOffset(MemoryLayout.PathElement.groupElement("errno"));
        queryAfterErrno = QUERY_ERRNO + ((stateLayout.byteSize() + 7) & ~7L);
        request = arena.allocate(REQUEST_LENGTH, 8);
        kernelAddress = arena.allocate(12, 4); // sockaddr_nl: family, pad, pid 0 (the kernel), groups 0
        kernelAddress.set(SHORT, 0, (short) AF_NETLINK);
        buffer = arena.allocate(BUFFER_SIZE, 8);
        oneRequest = arena.allocate(REQUEST_LENGTH, 8);
        oneBuffer = arena.allocate(ONE_SOCKET_BUFFER_SIZE, 8);
    }

    @Override
    public String name() {
        return "netlink";
    }

    @Override
    public int read(KernelRowSink sink) throws IOException {
        return read(sink, true);
    }

    @Override
    public boolean canLeaveOutTimeWait() {
        return true;
    }

    @Override
    public int read(KernelRowSink sink, boolean timeWait) throws IOException {
        states = timeWait ? ALL_STATES : ALL_STATES & ~TIME_WAIT_BIT;
        int fd = open(errnoState);
        try {
            return dump(fd, AF_INET6, sink) + dump(fd, AF_INET, sink);
        } finally {
            close(fd);
        }
    }

    private int dump(int fd, int family, KernelRowSink sink) throws IOException {
        int seq = ++sequence;
        request.fill((byte) 0);
        header(request, (short) (NLM_F_REQUEST | NLM_F_DUMP), seq, family);
        request.set(INT, NLMSG_HDRLEN + 4, states);
        send(fd, request, kernelAddress, errnoState);
        int rows = 0;
        while (true) {
            long n = receive(fd, buffer, errnoState);
            if (n == 0) {
                throw new IOException("netlink: dump ended without NLMSG_DONE");
            }
            for (long at = 0; at + NLMSG_HDRLEN <= n; ) {
                int length = buffer.get(INT, at);
                int type = buffer.get(SHORT, at + 4) & 0xFFFF;
                if (length < NLMSG_HDRLEN || at + length > n) {
                    throw new IOException("netlink: malformed message of length " + length);
                }
                if (buffer.get(INT, at + 8) == seq) {
                    if (type == NLMSG_DONE) {
                        return rows;
                    }
                    if (type == NLMSG_ERROR) {
                        throw new IOException("netlink: sock_diag error " + -buffer.get(INT, at + NLMSG_HDRLEN));
                    }
                    if (type == SOCK_DIAG_BY_FAMILY && length >= NLMSG_HDRLEN + INET_DIAG_MSG_LENGTH) {
                        readRow(at + NLMSG_HDRLEN, sink);
                        rows++;
                    }
                }
                at += (length + 3) & ~3;
            }
        }
    }

    /** The netlink header and the {@code inet_diag_req_v2} fields every request sets. */
    private static void header(MemorySegment r, short flags, int seq, int family) {
        r.set(INT, 0, REQUEST_LENGTH);
        r.set(SHORT, 4, SOCK_DIAG_BY_FAMILY);
        r.set(SHORT, 6, flags);
        r.set(INT, 8, seq);
        r.set(ValueLayout.JAVA_BYTE, NLMSG_HDRLEN, (byte) family);
        r.set(ValueLayout.JAVA_BYTE, NLMSG_HDRLEN + 1, (byte) IPPROTO_TCP);
        r.set(INT, NLMSG_HDRLEN + 4, ALL_STATES);
    }

    /** Each call names the memory the system call's errno is captured in (its caller's own). */
    private void send(int fd, MemorySegment r, MemorySegment to, MemorySegment errno) throws IOException {
        long sent;
        try {
            sent = (long) sendto.invokeExact(errno, fd, r, (long) REQUEST_LENGTH, 0, to, 12);
        } catch (Throwable t) {
            throw new IOException("netlink: sendto", t);
        }
        call("sendto", sent, errno);
    }

    private long receive(int fd, MemorySegment into, MemorySegment errno) throws IOException {
        return receive(fd, into, errno, 0);
    }

    private long receive(int fd, MemorySegment into, MemorySegment errno, int flags) throws IOException {
        long n;
        try {
            n = (long) recv.invokeExact(errno, fd, into, into.byteSize(), flags);
        } catch (Throwable t) {
            throw new IOException("netlink: recv", t);
        }
        return call("recv", n, errno);
    }

    private int open(MemorySegment errno) throws IOException {
        int fd;
        try {
            fd = (int) socket.invokeExact(errno, AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
        } catch (Throwable t) {
            throw new IOException("netlink: socket", t);
        }
        return call("socket", fd, errno);
    }

    private void close(int fd) throws IOException {
        try {
            int unused = (int) close.invokeExact(fd);
        } catch (Throwable t) {
            throw new IOException("netlink: close", t);
        }
    }

    /**
     * One exact {@code SOCK_DIAG_BY_FAMILY} request (no dump) for the row's 4-tuple, asking for
     * {@code INET_DIAG_INFO}.
     */
    @Override
    public long millisSinceLastAckReceived(KernelRow of) {
        try {
            int fd = open(errnoState);
            try {
                int seq = ++sequence;
                exactRequest(oneRequest, seq, EXT_INFO, of.localHi(), of.localLo(), of.localPort(), of.remoteHi(),
                        of.remoteLo(), of.remotePort());
                send(fd, oneRequest, kernelAddress, errnoState);
                long n = receive(fd, oneBuffer, errnoState);
                return lastAckReceived(oneBuffer, n, seq, of.linuxState(), of.localPort(), of.remotePort());
            } finally {
                close(fd);
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * The same exact request without attributes, from any thread: through a query of its own (a
     * netlink socket and its memory, one segment: no nested class, which the boot class path would
     * look for outside {@code META-INF/versions/22}), taken from a cache of one and put back after a
     * clean answer. So a close on one thread pays two system calls (sendto, and a recv that never
     * waits: the kernel answers within sendto), and closes on several threads at once open a socket
     * each, never share one. Nothing is shared with a dump under way.
     */
    @Override
    public int linuxStateNow(long localHi, long localLo, int localPort, long remoteHi, long remoteLo, int remotePort) {
        MemorySegment q = idleQuery.getAndSet(null);
        try {
            if (q == null) {
                q = newQuery();
            }
            int fd = q.get(INT, QUERY_FD);
            int seq = q.get(INT, QUERY_SEQUENCE) + 1;
            q.set(INT, QUERY_SEQUENCE, seq);
            MemorySegment errno = q.asSlice(QUERY_ERRNO, errnoState.byteSize());
            MemorySegment rest = q.asSlice(queryAfterErrno);
            MemorySegment r = rest.asSlice(QUERY_REQUEST, REQUEST_LENGTH);
            MemorySegment reply = rest.asSlice(QUERY_REPLY, QUERY_REPLY_SIZE);
            exactRequest(r, seq, (byte) 0, localHi, localLo, localPort, remoteHi, remoteLo, remotePort);
            send(fd, r, rest.asSlice(0, 12), errno);
            long n = receive(fd, reply, errno, MSG_DONTWAIT);
            if (n < NLMSG_HDRLEN || reply.get(INT, 8) != seq) {
                throw new IOException("netlink: an answer to another request");
            }
            int state = (reply.get(SHORT, 4) & 0xFFFF) == NLMSG_ERROR ? -1 : stateOf(reply, n, seq, localPort, remotePort);
            putBack(q);
            q = null;
            return state;
        } catch (IOException | RuntimeException e) {
            return -1;
        } finally {
            if (q != null) {
                closeQuery(q);
            }
        }
    }

    /** A query's netlink socket and memory (freed by the collector once no longer referenced). */
    private MemorySegment newQuery() throws IOException {
        MemorySegment q = Arena.ofAuto().allocate(queryAfterErrno + QUERY_REPLY + QUERY_REPLY_SIZE, 8);
        q.set(SHORT, queryAfterErrno, (short) AF_NETLINK); // the kernel's sockaddr_nl
        q.set(INT, QUERY_FD, open(q.asSlice(QUERY_ERRNO, errnoState.byteSize())));
        return q;
    }

    private void closeQuery(MemorySegment q) {
        try {
            close(q.get(INT, QUERY_FD));
        } catch (IOException | RuntimeException ignored) {
            // nothing more to release: the memory goes with the segment
        }
    }

    /** Keeps {@code q} for the next query, unless one is kept already or this table is closed. */
    private void putBack(MemorySegment q) {
        if (closed || !idleQuery.compareAndSet(null, q)) {
            closeQuery(q);
        } else if (closed) {
            MemorySegment kept = idleQuery.getAndSet(null);
            if (kept != null) {
                closeQuery(kept);
            }
        }
    }

    /**
     * Always as {@code AF_INET6}, since rows hold IPv4 addresses in their mapped form and the kernel
     * looks a pair of mapped addresses up among IPv4 connections; {@code ext} the attributes asked for.
     */
    private static void exactRequest(MemorySegment into, int seq, byte ext, long localHi, long localLo,
            int localPort, long remoteHi, long remoteLo, int remotePort) {
        into.fill((byte) 0);
        header(into, NLM_F_REQUEST, seq, AF_INET6);
        long r = NLMSG_HDRLEN;
        into.set(ValueLayout.JAVA_BYTE, r + 2, ext);
        into.set(SHORT_BE, r + 8, (short) localPort);
        into.set(SHORT_BE, r + 10, (short) remotePort);
        into.set(LONG_BE, r + 12, localHi);
        into.set(LONG_BE, r + 20, localLo);
        into.set(LONG_BE, r + 28, remoteHi);
        into.set(LONG_BE, r + 36, remoteLo);
        into.set(INT, r + 48, NO_COOKIE);
        into.set(INT, r + 52, NO_COOKIE);
    }

    /**
     * The state code of the socket one exact request found: -1 for an error (the socket is gone:
     * {@code ENOENT}), or a socket of other ports (the lookup falls back to a listener).
     */
    static int stateOf(MemorySegment reply, long length, int seq, int localPort, int remotePort) {
        if (length < NLMSG_HDRLEN + INET_DIAG_MSG_LENGTH || reply.get(INT, 8) != seq
                || (reply.get(SHORT, 4) & 0xFFFF) != SOCK_DIAG_BY_FAMILY) {
            return -1;
        }
        long m = NLMSG_HDRLEN;
        if ((reply.get(SHORT_BE, m + 4) & 0xFFFF) != localPort || (reply.get(SHORT_BE, m + 6) & 0xFFFF) != remotePort) {
            return -1;
        }
        return reply.get(ValueLayout.JAVA_BYTE, m + 1) & 0xFF;
    }

    /**
     * {@code tcpi_last_ack_recv} from the reply to one exact request: -1 when {@link #stateOf} finds no
     * socket, or one of another state.
     */
    static long lastAckReceived(MemorySegment reply, long length, int seq, int state, int localPort, int remotePort) {
        if (stateOf(reply, length, seq, localPort, remotePort) != state) {
            return -1;
        }
        long end = Math.min(length, reply.get(INT, 0) & 0xFFFF_FFFFL);
        for (long at = NLMSG_HDRLEN + INET_DIAG_MSG_LENGTH; at + 4 <= end; ) {
            int attrLength = reply.get(SHORT, at) & 0xFFFF;
            int type = reply.get(SHORT, at + 2) & 0xFFFF;
            if (attrLength < 4 || at + attrLength > end) {
                return -1;
            }
            if (type == INET_DIAG_INFO && attrLength >= 4 + TCPI_LAST_ACK_RECV + 4) {
                return reply.get(INT, at + 4 + TCPI_LAST_ACK_RECV) & 0xFFFF_FFFFL;
            }
            at += (attrLength + 3) & ~3;
        }
        return -1;
    }

    /** One {@code inet_diag_msg}: family, state, timer, retrans, sockid (48 bytes), expires ... inode. */
    private void readRow(long m, KernelRowSink sink) {
        int family = buffer.get(ValueLayout.JAVA_BYTE, m) & 0xFF;
        int state = buffer.get(ValueLayout.JAVA_BYTE, m + 1) & 0xFF;
        int timer = buffer.get(ValueLayout.JAVA_BYTE, m + 2) & 0xFF;
        int localPort = buffer.get(SHORT_BE, m + 4) & 0xFFFF;
        int remotePort = buffer.get(SHORT_BE, m + 6) & 0xFFFF;
        long src = m + 8;
        long dst = m + 24;
        long expires = buffer.get(INT, m + 52) & 0xFFFF_FFFFL;
        long inode = buffer.get(INT, m + 68) & 0xFFFF_FFFFL;
        if (family == AF_INET) {
            row.local(0, V4_MAPPED_PREFIX | (buffer.get(INT_BE, src) & 0xFFFF_FFFFL), localPort)
                    .remote(0, V4_MAPPED_PREFIX | (buffer.get(INT_BE, dst) & 0xFFFF_FFFFL), remotePort);
        } else {
            row.local(buffer.get(LONG_BE, src), buffer.get(LONG_BE, src + 8), localPort)
                    .remote(buffer.get(LONG_BE, dst), buffer.get(LONG_BE, dst + 8), remotePort);
        }
        sink.row(row.linuxState(state).inode(inode).timerMillisLeft(timer == 0 ? -1 : expires));
    }

    private int call(String what, long result, MemorySegment errno) throws IOException {
        if (result < 0) {
            throw new IOException("netlink: " + what + " failed, errno " + errno.get(INT, errnoOffset));
        }
        return (int) result;
    }

    @Override
    public void close() {
        closed = true;
        MemorySegment kept = idleQuery.getAndSet(null);
        if (kept != null) {
            closeQuery(kept);
        }
        arena.close();
    }
}
