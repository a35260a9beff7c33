package dev.tcpstate.agent.fault;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Fault injection, for the tests that prove the agent never hurts its host: with the system property
 * {@code tcpstate.faultInjection=<probability>} (e.g. {@code 0.3}) set at the JVM's start, the bridge,
 * the registry, the kernel sampler's sink and the event commit throw at random. Off (and one
 * constant check) otherwise. In a package of its own, which depends on nothing, so that every other
 * package may call it without a cycle.
 */
public final class Faults {

    public static final String PROPERTY = "tcpstate.faultInjection";
    private static final int PER_MILLION = perMillion(System.getProperty(PROPERTY));

    private Faults() {
    }

    /** An injected failure: what a bug inside the agent would throw. */
    public static final class InjectedFault extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InjectedFault(String where) {
            super("injected fault in " + where, null, false, false);
        }
    }

    public static boolean enabled() {
        return PER_MILLION > 0;
    }

    /** Throws, with the configured probability, as a bug at {@code where} would. */
    public static void maybeFail(String where) {
        if (PER_MILLION > 0 && ThreadLocalRandom.current().nextInt(1_000_000) < PER_MILLION) {
            throw new InjectedFault(where);
        }
    }

    static int perMillion(String value) {
        if (value == null) {
            return 0;
        }
        try {
            double p = Double.parseDouble(value);
            return p <= 0 ? 0 : (int) Math.min(1_000_000, Math.round(p * 1_000_000));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
