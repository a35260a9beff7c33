package dev.tcpstate.agent.registry;

import dev.tcpstate.contract.Library;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The code that opened a connection, as the live view names it: the first frame of the opening
 * thread's stack that is the application's, and the library it called through (the same rule as
 * the analyzer's, on the live stack instead of a recorded one). Without an application frame (a
 * library's own thread) it names the first library frame and the thread. Sites are interned, so
 * thousands of connections opened by one line share one object; the table is bounded.
 */
public final class OpeningSite {

    /** For connections the agent did not see open: found in the kernel's table. */
    public static final OpeningSite BEFORE_AGENT = new OpeningSite(
            "found in the kernel's table: opened before tcpstate was attached, or by native code", null, null);
    /** Not captured: the agent started from {@code -javaagent} without {@code live=on} (a recording has the stacks). */
    public static final OpeningSite NOT_CAPTURED = new OpeningSite(
            "(code not captured: the agent runs without live=on; a recording has the stacks)", null, null);
    /** When the interning table is full, or the stack could not be read. */
    public static final OpeningSite UNKNOWN = new OpeningSite("(code not kept: more than 4096 sites, or no stack)",
            null, null);

    static final int MAX_SITES = 4096;
    private static final ConcurrentHashMap<String, OpeningSite> SITES = new ConcurrentHashMap<>();
    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
    private static final int MAX_DEPTH = 128;

    private final String frame;
    private final String library;
    private final String thread;

    private OpeningSite(String frame, String library, String thread) {
        this.frame = frame;
        this.library = library;
        this.thread = thread;
    }

    /** {@code com.acme.Client.fetch(Client.java:42)}, or the library's frame on its own thread. */
    public String frame() {
        return frame;
    }

    /** The library called through ("OkHttp RealCall.execute"), or null. */
    public String library() {
        return library;
    }

    /** The thread's name when no frame is the application's, else null. */
    public String thread() {
        return thread;
    }

    /** One line: {@code com.acme.Client.fetch(Client.java:42) via OkHttp RealCall.execute}. */
    public String describe() {
        return frame + (library == null ? "" : " via " + library) + (thread == null ? "" : " on thread \"" + thread + "\"");
    }

    /** What a frame's class is to the walk: the application's, a library entered through, or neither. */
    private enum Kind {
        APPLICATION,
        ENTERED_LIBRARY,
        PLATFORM
    }

    /** Once per class (a connection's walk asks about every frame): {@link Library#of} compares many prefixes. */
    private static final ClassValue<Kind> KINDS = new ClassValue<>() {
        @Override
        protected Kind computeValue(Class<?> c) {
            Library l = Library.of(c.getName());
            if (l == null || l == Library.TCPSTATE && !ours(c)) {
                return Kind.APPLICATION; // or a dev.tcpstate.agent.* class not from the agent's jar (a test's)
            }
            return l.isEntered() ? Kind.ENTERED_LIBRARY : Kind.PLATFORM;
        }
    };

    /** The site of the calling thread's stack; never throws. */
    static OpeningSite ofCaller() {
        try {
            return WALKER.walk(frames -> {
                // innermost first: the JDK's socket code, the library's internals, its entry, then the application
                StackWalker.StackFrame[] library = new StackWalker.StackFrame[2]; // [0] innermost, [1] outermost
                Optional<StackWalker.StackFrame> own = frames.limit(MAX_DEPTH).filter(f -> {
                    Kind k = KINDS.get(f.getDeclaringClass());
                    if (k == Kind.ENTERED_LIBRARY) {
                        library[0] = library[0] == null ? f : library[0];
                        library[1] = f;
                    }
                    return k == Kind.APPLICATION;
                }).findFirst();
                String thread = Thread.currentThread().getName();
                if (own.isPresent()) {
                    return intern(text(own.get()), library[1] == null ? null : entry(library[1]), null);
                }
                return library[0] == null ? intern("the JDK's own code", null, thread)
                        : intern(text(library[0]), null, thread);
            });
        } catch (Throwable t) {
            return UNKNOWN;
        }
    }

    private static final java.security.CodeSource OURS = codeSource(OpeningSite.class);

    private static boolean ours(Class<?> c) {
        return java.util.Objects.equals(codeSource(c), OURS);
    }

    private static java.security.CodeSource codeSource(Class<?> c) {
        java.security.ProtectionDomain d = c.getProtectionDomain();
        return d == null ? null : d.getCodeSource();
    }

    private static String entry(StackWalker.StackFrame f) {
        String c = f.getClassName();
        return Library.of(c).displayName() + " " + c.substring(c.lastIndexOf('.') + 1) + "." + f.getMethodName();
    }

    private static String text(StackWalker.StackFrame f) {
        return f.getClassName() + "." + f.getMethodName() + "(" + f.getFileName() + ":" + f.getLineNumber() + ")";
    }

    private static OpeningSite intern(String frame, String library, String thread) {
        String key = frame + '\n' + library + '\n' + thread;
        OpeningSite s = SITES.get(key);
        if (s != null) {
            return s;
        }
        if (SITES.size() >= MAX_SITES) {
            return UNKNOWN;
        }
        OpeningSite created = new OpeningSite(frame, library, thread);
        OpeningSite raced = SITES.putIfAbsent(key, created);
        return raced == null ? created : raced;
    }
}
