package dev.tcpstate.agent.bridge;

import dev.tcpstate.agent.fault.Faults;
import dev.tcpstate.agent.registry.ConnectionRegistry;
import dev.tcpstate.contract.Library;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the advice at a networking library's public entry calls: the application asked the library
 * for a request, and the library may open its connection on a thread of its own, whose stack then
 * holds no application frame. The event recorded here carries the application's stack; the analyzer
 * joins it to the connection by library, peer and time.
 *
 * <p>The library's classes live in the application's class loaders, so what the request names (host,
 * port) is read by reflection on methods the library declares public, looked up once per class.
 * Nothing here throws: a library version without such a method records the call without its peer.
 */
public final class LibraryCalls {

    /** Public no-argument methods, by declaring class and name; a missing one is cached as {@link #ABSENT}. */
    private static final ConcurrentHashMap<Class<?>, ConcurrentHashMap<String, Method>> METHODS =
            new ConcurrentHashMap<>();
    private static final Method ABSENT;

    static {
        try {
            ABSENT = Object.class.getMethod("hashCode");
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** What the application asked for: a host as it named it (null when unknown) and a port (0). */
    private record Peer(String host, int port) {
        static final Peer UNKNOWN = new Peer(null, 0);

        static Peer of(URI uri) {
            if (uri == null || uri.getHost() == null) {
                return UNKNOWN;
            }
            boolean secure = "https".equalsIgnoreCase(uri.getScheme()) || "wss".equalsIgnoreCase(uri.getScheme());
            return new Peer(uri.getHost(), uri.getPort() >= 0 ? uri.getPort() : secure ? 443 : 80);
        }
    }

    private LibraryCalls() {
    }

    /** OkHttp's {@code RealCall.execute()} / {@code enqueue(Callback)}: {@code call.request().url()}. */
    public static void okHttp(Object call, String entry) {
        record(Library.OKHTTP, call, entry);
    }

    /** The JDK's {@code HttpClient.send} / {@code sendAsync}: {@code request.uri()}. */
    public static void jdkHttpClient(Object request, String entry) {
        record(Library.JDK_HTTP_CLIENT, request, entry);
    }

    /** Netty's {@code Bootstrap} connecting a channel to {@code remote} (a {@code SocketAddress}). */
    public static void nettyConnect(Object remote, String entry) {
        record(Library.NETTY, remote, entry);
    }

    /** Jetty's {@code HttpClient} sending a request: {@code request.getHost()}, {@code getPort()}. */
    public static void jetty(Object request, String entry) {
        record(Library.JETTY, request, entry);
    }

    /** Reactor Netty's {@code HttpClient} subscribed to a request: its {@code HttpClientConfig.uri()}. */
    public static void reactorNetty(Object config, String entry) {
        record(Library.REACTOR_NETTY, config, entry);
    }

    /**
     * The one guard: nothing while the agent is off or no recording wants the event, every failure
     * counted with the bridge's, never thrown.
     */
    private static void record(Library library, Object target, String entry) {
        ConnectionRegistry r = SocketBridge.registry();
        if (r == null || !r.wantsLibraryCalls()) {
            return;
        }
        try {
            Faults.maybeFail("bridge");
            Peer peer = peerOf(library, target);
            r.libraryCall(library, entry, peer.host, peer.port);
        } catch (Throwable t) {
            SocketBridge.drop();
        }
    }

    /** What each library's object says of the peer the application asked for. */
    private static Peer peerOf(Library library, Object target) throws ReflectiveOperationException {
        switch (library) {
            case OKHTTP: {
                Object url = get(get(target, "request"), "url");
                return new Peer(string(get(url, "host")), number(get(url, "port")));
            }
            case JDK_HTTP_CLIENT: {
                // by reflection: java.net.http is the platform loader's, which this boot-loaded class cannot see
                Object uri = get(target, "uri");
                return Peer.of(uri instanceof URI ? (URI) uri : null);
            }
            case NETTY: {
                if (!(target instanceof InetSocketAddress)) {
                    return Peer.UNKNOWN;
                }
                InetSocketAddress a = (InetSocketAddress) target;
                return new Peer(a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString(), a.getPort());
            }
            case JETTY:
                return new Peer(string(get(target, "getHost")), number(get(target, "getPort")));
            case REACTOR_NETTY: {
                Object uri = get(target, "uri");
                return Peer.of(uri instanceof String ? URI.create((String) uri) : null);
            }
            default:
                return Peer.UNKNOWN;
        }
    }

    /** A public no-argument method's result, or {@code null} when {@code target} has none of that name. */
    static Object get(Object target, String name) throws ReflectiveOperationException {
        if (target == null) {
            return null;
        }
        Method m = METHODS.computeIfAbsent(target.getClass(), c -> new ConcurrentHashMap<>())
                .computeIfAbsent(name, n -> publicMethod(target.getClass(), n));
        return m == ABSENT ? null : m.invoke(target);
    }

    /**
     * Looked up through a public type of an exported package declaring it: the implementation class of
     * a library (the JDK's {@code jdk.internal.net.http.ImmutableHttpRequest}) may be public in a package
     * its module does not export, and reflection must start at a declaration it may call.
     */
    private static Method publicMethod(Class<?> type, String name) {
        try {
            Method m = type.getMethod(name);
            Class<?> declaring = m.getDeclaringClass();
            if (java.lang.reflect.Modifier.isPublic(declaring.getModifiers())
                    && declaring.getModule().isExported(declaring.getPackageName())) {
                return m;
            }
            for (Class<?> i : type.getInterfaces()) {
                Method viaInterface = publicMethod(i, name);
                if (viaInterface != ABSENT) {
                    return viaInterface;
                }
            }
            return type.getSuperclass() == null ? ABSENT : publicMethod(type.getSuperclass(), name);
        } catch (NoSuchMethodException | SecurityException e) {
            return ABSENT;
        }
    }

    private static String string(Object o) {
        return o == null ? null : o.toString();
    }

    private static int number(Object o) {
        return o instanceof Number ? ((Number) o).intValue() : 0;
    }
}
