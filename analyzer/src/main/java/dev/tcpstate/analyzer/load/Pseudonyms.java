package dev.tcpstate.analyzer.load;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Replaces every address and host name in a body of events with a pseudonym such as
 * {@code ipv4-2} or {@code loopback-1}, for reports that are to be shared. Ports stay: they say
 * which service. Pseudonyms are numbered per kind of address in the order the addresses first
 * appear in the (time-ordered) events, so the same recordings always give the same pseudonyms,
 * and a pseudonym says nothing about the address it stands for: no hash that a dictionary of
 * addresses could reverse. The kind stays visible on purpose: whether a peer was this host, the
 * wildcard of a listener, or another machine explains a finding without naming anyone.
 *
 * <p>Thread names are redacted too (a server may name its threads after a customer or a peer):
 * each name gets {@code thread-name-1}, {@code thread-name-2}... in the same way, except the names of
 * fixed shape that the JDK and the usual libraries give their threads, made of fixed words and
 * counters only ({@link #READABLE_THREAD}: {@code main}, {@code pool-1-thread-2}, {@code Attach
 * Listener}, {@code OkHttp TaskRunner}, {@code nioEventLoopGroup-2-1}...), which stay readable: they
 * say which library did the work and can name no one. A name outside that list, however harmless,
 * is replaced.
 */
final class Pseudonyms {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*(%.+)?");

    private enum Kind {
        LOOPBACK, ANY, IPV4, IPV6, HOST;

        String prefix() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Thread names of the JDK and of common libraries, made of fixed words and counters only. */
    static final Pattern READABLE_THREAD = Pattern.compile(String.join("|",
            "main", "Thread-\\d+", "pool-\\d+-thread-\\d+", "ForkJoinPool(\\.commonPool|-\\d+)-worker-\\d+",
            "Attach Listener", "Signal Dispatcher", "Reference Handler", "Finalizer", "Common-Cleaner",
            "process reaper", "DestroyJavaVM", "RMI TCP Accept-\\d+", "RMI Scheduler\\(\\d+\\)", "RMI Reaper",
            "JMX server connection timeout \\d+", "HttpClient-\\d+-SelectorManager", "HttpClient-\\d+-Worker-\\d+",
            "OkHttp TaskRunner", "OkHttp ConnectionPool", "Okio Watchdog",
            "(nio|epoll|kqueue|ioUring|multiThreadIo)EventLoopGroup-\\d+-\\d+", "reactor-http-(nio|epoll|io_uring)-\\d+",
            "qtp\\d+-\\d+", "tcpstate-[a-z-]+"));

    private final Map<String, String> byAddress = new HashMap<>();
    private final Map<String, String> byThread = new HashMap<>();
    private final Map<Kind, Integer> counts = new EnumMap<>(Kind.class);

    private Pseudonyms() {
    }

    /** {@code events} with every address and thread name replaced; the rest (ports, stacks) as recorded. */
    static TcpEvents redact(TcpEvents events) {
        Pseudonyms p = new Pseudonyms();
        List<StateChange> changes = new ArrayList<>();
        for (StateChange c : events.stateChanges()) {
            changes.add(new StateChange(c.jvm(), c.time(), c.connectionId(), c.from(), c.to(), c.source(), c.trigger(),
                    c.stimulus(), c.abortCause(), p.of(c.local()), p.of(c.remote()), c.socketKind(), c.role(),
                    c.previousStateNanos(), c.kernelTimerMillis(), c.stateAgeMillis(), c.stateAgeBasis(),
                    p.thread(c.thread()), c.stack()));
        }
        List<Anomaly> anomalies = new ArrayList<>();
        for (Anomaly a : events.anomalies()) {
            anomalies.add(new Anomaly(a.jvm(), a.time(), a.connectionId(), a.state(), a.stimulus(), a.trigger(),
                    p.of(a.local()), p.of(a.remote()), p.thread(a.thread()), a.stack()));
        }
        List<LingeringSample> lingering = new ArrayList<>();
        for (LingeringSample s : events.lingering()) {
            lingering.add(new LingeringSample(s.jvm(), s.time(), s.connectionId(), s.state(), s.source(),
                    s.stateNanos(), s.ageNanos(), p.of(s.local()), p.of(s.remote()), s.socketKind(), s.role()));
        }
        List<LibraryCall> calls = new ArrayList<>();
        for (LibraryCall c : events.libraryCalls()) {
            calls.add(new LibraryCall(c.jvm(), c.time(), c.library(), c.entry(),
                    c.host().isEmpty() ? c.host() : p.pseudonym(c.host()), c.port(), p.thread(c.thread()), c.stack()));
        }
        return new TcpEvents(changes, anomalies, lingering, events.summaries(), calls, events.spans(),
                events.typesSeen());
    }

    private Endpoint of(Endpoint e) {
        return e.address().isEmpty() ? e : new Endpoint(pseudonym(e.address()), e.port());
    }

    /** A thread's name: kept when of a {@link #READABLE_THREAD} shape (or empty: a virtual thread's), else numbered. */
    private String thread(String name) {
        if (name.isEmpty() || READABLE_THREAD.matcher(name).matches()) {
            return name;
        }
        return byThread.computeIfAbsent(name, n -> "thread-name-" + (byThread.size() + 1));
    }

    private String pseudonym(String address) {
        return byAddress.computeIfAbsent(address, a -> {
            Kind kind = kind(a);
            return kind.prefix() + "-" + counts.merge(kind, 1, Integer::sum);
        });
    }

    private static Kind kind(String address) {
        String a = address.toLowerCase(Locale.ROOT);
        if (IPV4.matcher(a).matches()) {
            return a.startsWith("127.") ? Kind.LOOPBACK : a.equals("0.0.0.0") ? Kind.ANY : Kind.IPV4;
        }
        if (IPV6.matcher(a).matches()) {
            String bare = a.replaceFirst("%.*", "");
            if (bare.equals("::1") || bare.equals("0:0:0:0:0:0:0:1")) {
                return Kind.LOOPBACK;
            }
            return bare.equals("::") || bare.equals("0:0:0:0:0:0:0:0") ? Kind.ANY : Kind.IPV6;
        }
        return a.equals("localhost") ? Kind.LOOPBACK : Kind.HOST;
    }
}
