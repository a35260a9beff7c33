package dev.tcpstate.agent.kernel;

import java.lang.reflect.InvocationTargetException;

/**
 * Picks the reader of the kernel's TCP table. The netlink reader lives only in the jar's
 * {@code META-INF/versions/22} (it needs the FFM API), so it is looked up by name: on JDK 17 to 21 it
 * is simply absent and {@code /proc} is read.
 */
public final class KernelTables {
    private static final String NETLINK_CLASS = "dev.tcpstate.agent.kernel.NetlinkTcpTable";

    private KernelTables() {
    }

    /** The reader a user asks for with {@code kernelReader=}: {@code auto}, {@code netlink} or {@code proc}. */
    public enum Choice {
        /** netlink when it works without a JVM warning (native access enabled for the agent), else /proc */
        AUTO,
        NETLINK,
        PROC;

        public static Choice parse(String option) {
            if (option == null || option.isEmpty()) {
                return AUTO;
            }
            switch (option.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "auto": return AUTO;
                case "netlink": return NETLINK;
                case "proc": return PROC;
                default: throw new IllegalArgumentException(
                        "kernelReader must be auto, netlink or proc, not '" + option + "'");
            }
        }
    }

    /** What {@link #open} found: the reader (null when this OS has no TCP table) and why this one. */
    public static final class Opened {
        public final KernelTable table;
        public final String reason;

        Opened(KernelTable table, String reason) {
            this.table = table;
            this.reason = reason;
        }
    }

    /** Opens the reader for {@code choice}, falling back to {@code /proc} when netlink is unavailable. */
    public static Opened open(Choice choice) {
        ProcTcpTable proc = ProcTcpTable.ofThisProcess();
        if (proc == null) {
            return new Opened(null, "this OS has no /proc/self/net/tcp6 or tcp: only inferred states are available");
        }
        if (choice == Choice.PROC) {
            return new Opened(proc, "proc: asked for");
        }
        if (choice == Choice.AUTO && !nativeAccessEnabled()) {
            return new Opened(proc, "proc: the netlink reader needs JDK 22+ and --enable-native-access=ALL-UNNAMED");
        }
        try {
            return new Opened(netlink(), "netlink");
        } catch (UnsupportedOperationException e) {
            return new Opened(proc, "proc: " + e.getMessage());
        }
    }

    /** The {@code /proc} reader, or null where this OS has no such table. */
    public static KernelTable proc() {
        return ProcTcpTable.ofThisProcess();
    }

    /**
     * The netlink {@code sock_diag} reader, checked by one dump.
     *
     * @throws UnsupportedOperationException saying why it is not available here
     */
    public static KernelTable netlink() {
        KernelTable table;
        try {
            table = (KernelTable) netlinkClass().getDeclaredConstructor().newInstance();
        } catch (ClassNotFoundException | UnsupportedClassVersionError e) {
            throw new UnsupportedOperationException("the netlink reader needs JDK 22 or later (this is "
                    + Runtime.version().feature() + ")");
        } catch (InvocationTargetException e) {
            throw new UnsupportedOperationException("netlink unavailable: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new UnsupportedOperationException("netlink unavailable: " + e, e);
        }
        try {
            table.read(new KernelRowSink() {
                @Override
                public void beginSample(long nanoTime) {
                }

                @Override
                public void row(KernelRow row) {
                }

                @Override
                public void endSample() {
                }
            });
        } catch (Exception | LinkageError e) {
            table.close();
            throw new UnsupportedOperationException("netlink sock_diag failed: " + e, e);
        }
        return table;
    }

    /** True on JDK 22+ when the agent's module may call native code without the JVM printing a warning. */
    static boolean nativeAccessEnabled() {
        if (Runtime.version().feature() < 22) {
            return false;
        }
        try {
            return (Boolean) Module.class.getMethod("isNativeAccessEnabled").invoke(KernelTables.class.getModule());
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    /**
     * The versioned class, found by the class loader when it honours {@code Multi-Release} (the
     * application class path does); the VM's boot class path append does not (measured on JDK 25:
     * a jar appended there only ever yields its base entries), so there it is defined from the jar's
     * versioned entry into this class's own loader and package.
     */
    private static synchronized Class<?> netlinkClass() throws ClassNotFoundException {
        ClassLoader loader = KernelTables.class.getClassLoader();
        try {
            return Class.forName(NETLINK_CLASS, false, loader);
        } catch (ClassNotFoundException absent) {
            if (Runtime.version().feature() < 22) {
                throw absent;
            }
            String entry = "/META-INF/versions/22/" + NETLINK_CLASS.replace('.', '/') + ".class";
            try (java.io.InputStream in = KernelTables.class.getResourceAsStream(entry)) {
                if (in == null) {
                    throw absent;
                }
                return java.lang.invoke.MethodHandles.lookup().defineClass(in.readAllBytes());
            } catch (java.io.IOException | IllegalAccessException e) {
                absent.addSuppressed(e);
                throw absent;
            }
        }
    }
}
