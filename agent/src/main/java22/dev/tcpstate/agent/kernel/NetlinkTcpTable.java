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
    /** Every state bit, TCP_ESTABLISHED (1) to TCP_NEW_SYN_RECV (12): request sockets too. */
    private static final int ALL_STATES = 0x1FFE;

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
    private int sequence;

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
        int fd = open();
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
        send(fd, request);
        int rows = 0;
        while (true) {
            long n = receive(fd, buffer);
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

    private void send(int fd, MemorySegment r) throws IOException {
        long sent;
        try {
            sent = (long) sendto.invokeExact(errnoState, fd, r, (long) REQUEST_LENGTH, 0, kernelAddress, 12);
        } catch (Throwable t) {
            throw new IOException("netlink: sendto", t);
        }
        call("sendto", sent);
    }

    private long receive(int fd, MemorySegment into) throws IOException {
        long n;
        try {
            n = (long) recv.invokeExact(errnoState, fd, into, into.byteSize(), 0);
        } catch (Throwable t) {
            throw new IOException("netlink: recv", t);
        }
        return call("recv", n);
    }

    private int open() throws IOException {
        int fd;
        try {
            fd = (int) socket.invokeExact(errnoState, AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
        } catch (Throwable t) {
            throw new IOException("netlink: socket", t);
        }
        return call("socket", fd);
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
     * {@code INET_DIAG_INFO}: always as {@code AF_INET6}, since rows hold IPv4 addresses in their
     * mapped form and the kernel looks a pair of mapped addresses up among IPv4 connections.
     */
    @Override
    public long millisSinceLastAckReceived(KernelRow of) {
        try {
            int fd = open();
            try {
                int seq = ++sequence;
                oneRequest.fill((byte) 0);
                header(oneRequest, NLM_F_REQUEST, seq, AF_INET6);
                long r = NLMSG_HDRLEN;
                oneRequest.set(ValueLayout.JAVA_BYTE, r + 2, EXT_INFO);
                oneRequest.set(SHORT_BE, r + 8, (short) of.localPort());
                oneRequest.set(SHORT_BE, r + 10, (short) of.remotePort());
                oneRequest.set(LONG_BE, r + 12, of.localHi());
                oneRequest.set(LONG_BE, r + 20, of.localLo());
                oneRequest.set(LONG_BE, r + 28, of.remoteHi());
                oneRequest.set(LONG_BE, r + 36, of.remoteLo());
                oneRequest.set(INT, r + 48, NO_COOKIE);
                oneRequest.set(INT, r + 52, NO_COOKIE);
                send(fd, oneRequest);
                long n = receive(fd, oneBuffer);
                return lastAckReceived(oneBuffer, n, seq, of.linuxState(), of.localPort(), of.remotePort());
            } finally {
                close(fd);
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * {@code tcpi_last_ack_recv} from the reply to one exact request: -1 for an error (the socket is gone:
     * {@code ENOENT}), or a socket of another state or ports (the lookup falls back to a listener).
     */
    static long lastAckReceived(MemorySegment reply, long length, int seq, int state, int localPort, int remotePort) {
        if (length < NLMSG_HDRLEN + INET_DIAG_MSG_LENGTH || reply.get(INT, 8) != seq
                || (reply.get(SHORT, 4) & 0xFFFF) != SOCK_DIAG_BY_FAMILY) {
            return -1;
        }
        long m = NLMSG_HDRLEN;
        long end = Math.min(length, reply.get(INT, 0) & 0xFFFF_FFFFL);
        if ((reply.get(ValueLayout.JAVA_BYTE, m + 1) & 0xFF) != state
                || (reply.get(SHORT_BE, m + 4) & 0xFFFF) != localPort
                || (reply.get(SHORT_BE, m + 6) & 0xFFFF) != remotePort) {
            return -1;
        }
        for (long at = m + INET_DIAG_MSG_LENGTH; at + 4 <= end; ) {
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

    private int call(String what, long result) throws IOException {
        if (result < 0) {
            throw new IOException("netlink: " + what + " failed, errno " + errnoState.get(INT, errnoOffset));
        }
        return (int) result;
    }

    @Override
    public void close() {
        arena.close();
    }
}
