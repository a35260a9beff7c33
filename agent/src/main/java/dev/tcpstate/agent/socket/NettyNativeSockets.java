package dev.tcpstate.agent.socket;

import dev.tcpstate.agent.registry.Endpoint;
import dev.tcpstate.contract.SocketKind;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;

/**
 * What the agent asks of Netty's native sockets ({@code io.netty.channel.unix.Socket}, which epoll's and
 * io_uring's {@code LinuxSocket} extend; also shaded copies, whose names keep {@code io.netty.} after a
 * relocation prefix). Netty lives in an application class loader, so it is reached through method
 * handles on its public methods, looked up once per class ({@link ClassValue}: nothing keeps a class
 * loader alive); a method a Netty version lacks makes its question unanswerable, never an error. None
 * of these methods is woven, so asking never records the agent's own activity.
 */
public final class NettyNativeSockets {

    /** The tail of the class every Netty native socket extends. */
    private static final String SOCKET = "io.netty.channel.unix.Socket";
    private static final String UNIX_CHANNEL = "io.netty.channel.unix.UnixChannel";
    private static final int SOL_SOCKET = 1;
    private static final int SO_TYPE = 3;
    private static final int SOCK_STREAM = 1;

    /** The questions one class of socket can answer; every handle null for a class that is no Netty socket. */
    private static final class Probe {
        static final Probe NONE = new Probe(null, null, null, null, null);

        final SocketKind kind;
        final MethodHandle localAddress;
        final MethodHandle remoteAddress;
        final MethodHandle soLinger;
        final MethodHandle intOption;

        Probe(SocketKind kind, MethodHandle localAddress, MethodHandle remoteAddress, MethodHandle soLinger,
                MethodHandle intOption) {
            this.kind = kind;
            this.localAddress = localAddress;
            this.remoteAddress = remoteAddress;
            this.soLinger = soLinger;
            this.intOption = intOption;
        }
    }

    private static final ClassValue<Probe> SOCKETS = new ClassValue<>() {
        @Override
        protected Probe computeValue(Class<?> type) {
            return probe(type);
        }
    };

    /** {@code UnixChannel.fd()} of a channel class, or null. */
    private static final ClassValue<MethodHandle> CHANNEL_FD = new ClassValue<>() {
        @Override
        protected MethodHandle computeValue(Class<?> type) {
            Class<?> unixChannel = interfaceNamed(type, UNIX_CHANNEL);
            if (unixChannel == null) {
                return null;
            }
            try {
                return handle(unixChannel, "fd", MethodType.methodType(unixChannel.getMethod("fd").getReturnType()));
            } catch (NoSuchMethodException | RuntimeException e) {
                return null;
            }
        }
    };

    /** The outer channel of one of Netty's inner {@code Unsafe} classes (its {@code this$0}), or null. */
    private static final ClassValue<MethodHandle> OUTER = new ClassValue<>() {
        @Override
        protected MethodHandle computeValue(Class<?> type) {
            for (Class<?> c = type; c != null; c = c.getSuperclass()) {
                try {
                    Field f = c.getDeclaredField("this$0");
                    f.setAccessible(true);
                    return MethodHandles.lookup().unreflectGetter(f).asType(MethodType.methodType(Object.class,
                            Object.class));
                } catch (NoSuchFieldException e) {
                    // not in this class: its superclass may be an inner class too
                } catch (ReflectiveOperationException | RuntimeException e) {
                    return null; // closed to us (a named module that does not open its package)
                }
            }
            return null;
        }
    };

    private NettyNativeSockets() {
    }

    /** The kind of a Netty native socket; {@code null} for any other object. */
    public static SocketKind kindOf(Object s) {
        return s == null ? null : SOCKETS.get(s.getClass()).kind;
    }

    /** Whether {@code s} is a Netty socket of a transport the agent records. */
    public static boolean isNettySocket(Object s) {
        return s != null && SOCKETS.get(s.getClass()).kind != null;
    }

    /** The bound local address, or null (not a Netty socket, not bound yet, closed, or a domain socket). */
    public static Endpoint localOf(Object s) {
        return s == null ? null : endpoint(SOCKETS.get(s.getClass()).localAddress, s);
    }

    public static Endpoint remoteOf(Object s) {
        return s == null ? null : endpoint(SOCKETS.get(s.getClass()).remoteAddress, s);
    }

    /** SO_LINGER set to 0: its close sends RST. False when unknown. */
    public static boolean lingerZero(Object s) {
        MethodHandle h = s == null ? null : SOCKETS.get(s.getClass()).soLinger;
        try {
            return h != null && (int) h.invokeExact(s) == 0;
        } catch (Throwable t) {
            return false; // closed: assume the default (no linger)
        }
    }

    /**
     * A stream (TCP) socket rather than a datagram one: epoll's UDP channels share the class and connect
     * too. One {@code getsockopt(SO_TYPE)}; a Netty version without {@code getIntOpt} is taken at its word.
     */
    public static boolean isStream(Object s) {
        MethodHandle h = SOCKETS.get(s.getClass()).intOption;
        if (h == null) {
            return true;
        }
        try {
            return (int) h.invokeExact(s, SOL_SOCKET, SO_TYPE) == SOCK_STREAM;
        } catch (Throwable t) {
            return false; // closed already: nothing to record
        }
    }

    /** The socket of a Netty channel ({@code UnixChannel.fd()}), or null. */
    public static Object socketOfChannel(Object channel) {
        MethodHandle fd = channel == null ? null : CHANNEL_FD.get(channel.getClass());
        try {
            return fd == null ? null : (Object) fd.invokeExact(channel);
        } catch (Throwable t) {
            return null;
        }
    }

    /** The socket of the channel one of Netty's inner {@code Unsafe} objects belongs to, or null. */
    public static Object socketOfUnsafe(Object unsafe) {
        MethodHandle outer = unsafe == null ? null : OUTER.get(unsafe.getClass());
        try {
            return outer == null ? null : socketOfChannel((Object) outer.invokeExact(unsafe));
        } catch (Throwable t) {
            return null;
        }
    }

    // ---------------------------------------------------------------- looking up, once per class

    private static Probe probe(Class<?> type) {
        Class<?> socket = superNamed(type, SOCKET);
        if (socket == null) {
            return Probe.NONE;
        }
        SocketKind kind = type.getName().contains(".channel.uring.") ? SocketKind.NETTY_IO_URING
                : type.getName().contains(".channel.epoll.") ? SocketKind.NETTY_EPOLL : null;
        if (kind == null) {
            return Probe.NONE; // kqueue (BSD), or a socket class of a transport we do not know
        }
        MethodType address = MethodType.methodType(InetSocketAddress.class);
        return new Probe(kind, handle(socket, "localAddress", address), handle(socket, "remoteAddress", address),
                handle(socket, "getSoLinger", MethodType.methodType(int.class)),
                handle(socket, "getIntOpt", MethodType.methodType(int.class, int.class, int.class)));
    }

    /** A handle on a public method, typed with {@code Object} as its receiver; null when this version lacks it. */
    private static MethodHandle handle(Class<?> owner, String name, MethodType type) {
        if (owner == null || type == null) {
            return null;
        }
        try {
            MethodHandle h = MethodHandles.publicLookup().findVirtual(owner, name, type);
            return h.asType(h.type().changeParameterType(0, Object.class).changeReturnType(
                    type.returnType().isPrimitive() ? type.returnType() : Object.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static Endpoint endpoint(MethodHandle address, Object s) {
        if (address == null) {
            return null;
        }
        try {
            Object a = (Object) address.invokeExact(s);
            if (!(a instanceof InetSocketAddress) || ((InetSocketAddress) a).getPort() == 0) {
                return null; // a domain socket, or not bound yet
            }
            return Endpoint.of((InetSocketAddress) a);
        } catch (Throwable t) {
            return null; // closed: the address stays unknown
        }
    }

    /** Netty's class of this name in {@code type}'s superclasses, also under a relocation prefix. */
    private static Class<?> superNamed(Class<?> type, String tail) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (isNamed(c, tail)) {
                return c;
            }
        }
        return null;
    }

    private static Class<?> interfaceNamed(Class<?> type, String tail) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Class<?> i : c.getInterfaces()) {
                if (isNamed(i, tail)) {
                    return i;
                }
                Class<?> inherited = interfaceNamed(i, tail);
                if (inherited != null) {
                    return inherited;
                }
            }
        }
        return null;
    }

    private static boolean isNamed(Class<?> c, String tail) {
        String name = c.getName();
        return name.equals(tail) || (name.endsWith(tail) && name.charAt(name.length() - tail.length() - 1) == '.');
    }
}
