package dev.tcpstate.agent;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * What the agent's last start in a JVM ({@code premain}, or one {@code agentmain}) came to. The agent
 * leaves it in the system property {@value #PROPERTY} of its JVM, where the attach command line reads
 * it from its own JVM; this class alone writes and reads that form ({@link #toProperty},
 * {@link #parse}), and alone words it for people ({@link #describe}).
 *
 * @param outcome what happened; it says which of the other components mean something
 * @param installMillis how long the weaving took ({@link Outcome#INSTALLED}, {@link Outcome#INSTALLED_IN_BACKGROUND})
 * @param wovenMethods how many JDK methods are woven
 * @param connections how many connections the agent tracks ({@link Outcome#RUNNING})
 * @param recording the recording started or written, or null
 * @param error why it failed ({@link Outcome#FAILED}), or null
 */
public record AgentStatus(Outcome outcome, long installMillis, int wovenMethods, int connections, String recording,
        String error) {

    /** The system property of the agent's JVM that holds the status, in the form of {@link #toProperty}. */
    public static final String PROPERTY = "tcpstate.agent.status";

    /**
     * The system property that holds, while the agent is installed, a {@link Outcome#RUNNING} status
     * refreshed every second: what {@code status} reads without loading the agent again.
     */
    public static final String LIVE_PROPERTY = "tcpstate.agent.live";

    /** What a start of the agent came to. */
    public enum Outcome {
        /** At launch: the weaving runs on the {@code tcpstate-installer} thread. */
        INSTALLING,
        /** Woven now, by this start. */
        INSTALLED,
        /** Woven by the {@code tcpstate-installer} thread. */
        INSTALLED_IN_BACKGROUND,
        /** Already woven by an earlier start; this start's options (a recording) apply. */
        OPTIONS_APPLIED,
        /** Installed and running: what {@code status} reads from {@code tcpstate.agent.live}. */
        RUNNING,
        /** {@code status} with no live status in the target. */
        NOT_INSTALLED,
        /** {@code stop} with nothing installed. */
        NOTHING_TO_STOP,
        /** {@code dump} wrote the recording. */
        DUMPED,
        /** {@code stop}: unwoven, the original classes restored. */
        STOPPED,
        /** {@code stop}: unwoven, but the JVM did not take the original classes back. */
        STOPPED_CLASSES_NOT_RESTORED,
        /** Nothing done: bad options, a command that could not run, or a failure inside the agent. */
        FAILED
    }

    public AgentStatus {
        Objects.requireNonNull(outcome, "outcome");
    }

    public static AgentStatus installing() {
        return of(Outcome.INSTALLING);
    }

    public static AgentStatus installed(long installMillis, int wovenMethods, String recording) {
        return new AgentStatus(Outcome.INSTALLED, installMillis, wovenMethods, 0, recording, null);
    }

    public static AgentStatus installedInBackground(long installMillis, int wovenMethods) {
        return new AgentStatus(Outcome.INSTALLED_IN_BACKGROUND, installMillis, wovenMethods, 0, null, null);
    }

    public static AgentStatus optionsApplied(String recording) {
        return new AgentStatus(Outcome.OPTIONS_APPLIED, 0, 0, 0, recording, null);
    }

    public static AgentStatus running(int wovenMethods, int connections) {
        return new AgentStatus(Outcome.RUNNING, 0, wovenMethods, connections, null, null);
    }

    public static AgentStatus notInstalled() {
        return of(Outcome.NOT_INSTALLED);
    }

    public static AgentStatus nothingToStop() {
        return of(Outcome.NOTHING_TO_STOP);
    }

    public static AgentStatus dumped(String recording) {
        return new AgentStatus(Outcome.DUMPED, 0, 0, 0, recording, null);
    }

    public static AgentStatus stopped(boolean classesRestored, String recording) {
        return new AgentStatus(classesRestored ? Outcome.STOPPED : Outcome.STOPPED_CLASSES_NOT_RESTORED, 0, 0, 0,
                recording, null);
    }

    public static AgentStatus failed(String error) {
        return new AgentStatus(Outcome.FAILED, 0, 0, 0, null, error);
    }

    private static AgentStatus of(Outcome outcome) {
        return new AgentStatus(outcome, 0, 0, 0, null, null);
    }

    public boolean failed() {
        return outcome == Outcome.FAILED;
    }

    /** The status in words, as the attach command line prints it. */
    public String describe() {
        return switch (outcome) {
            case INSTALLING -> "installing in the background";
            case INSTALLED -> "installed in " + installMillis + " ms, woven " + wovenMethods + " methods"
                    + (recording == null ? "" : ", recording to " + recording);
            case INSTALLED_IN_BACKGROUND -> "installed in " + installMillis + " ms in the background, woven "
                    + wovenMethods + " methods";
            case OPTIONS_APPLIED -> "already installed, options applied"
                    + (recording == null ? "" : ", recording to " + recording);
            case RUNNING -> "installed, woven " + wovenMethods + " methods, tracking " + connections + " connections";
            case NOT_INSTALLED -> "not installed";
            case NOTHING_TO_STOP -> "not installed, nothing to stop";
            case DUMPED -> "recording written to " + recording;
            case STOPPED, STOPPED_CLASSES_NOT_RESTORED -> "stopped, original classes "
                    + (outcome == Outcome.STOPPED ? "restored" : "NOT restored")
                    + (recording == null ? "" : ", recording written to " + recording);
            case FAILED -> error;
        };
    }

    @Override
    public String toString() {
        return describe();
    }

    /**
     * The form that crosses JVMs: the outcome, then {@code name=value} for each component, separated by
     * spaces, the text values URL-encoded, e.g. {@code INSTALLED installMillis=812 wovenMethods=33
     * connections=0 recording=%2Ftmp%2Fa.jfr}.
     */
    public String toProperty() {
        StringBuilder form = new StringBuilder(outcome.name())
                .append(" installMillis=").append(installMillis)
                .append(" wovenMethods=").append(wovenMethods)
                .append(" connections=").append(connections);
        if (recording != null) {
            form.append(" recording=").append(URLEncoder.encode(recording, StandardCharsets.UTF_8));
        }
        if (error != null) {
            form.append(" error=").append(URLEncoder.encode(error, StandardCharsets.UTF_8));
        }
        return form.toString();
    }

    /**
     * Reads {@link #toProperty}'s form; components it does not know are passed over.
     *
     * @throws IllegalArgumentException when {@code form} is not a status (an agent of another version)
     */
    public static AgentStatus parse(String form) {
        String[] parts = form.trim().split(" ");
        Outcome outcome;
        try {
            outcome = Outcome.valueOf(parts[0]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a tcpstate status: " + form);
        }
        long installMillis = 0;
        int wovenMethods = 0;
        int connections = 0;
        String recording = null;
        String error = null;
        try {
            for (int i = 1; i < parts.length; i++) {
                int eq = parts[i].indexOf('=');
                if (eq < 0) {
                    throw new IllegalArgumentException("not a tcpstate status: " + form);
                }
                String value = parts[i].substring(eq + 1);
                switch (parts[i].substring(0, eq)) {
                    case "installMillis" -> installMillis = Long.parseLong(value);
                    case "wovenMethods" -> wovenMethods = Integer.parseInt(value);
                    case "connections" -> connections = Integer.parseInt(value);
                    case "recording" -> recording = URLDecoder.decode(value, StandardCharsets.UTF_8);
                    case "error" -> error = URLDecoder.decode(value, StandardCharsets.UTF_8);
                    default -> {
                        // a component of a later version
                    }
                }
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a tcpstate status: " + form);
        }
        return new AgentStatus(outcome, installMillis, wovenMethods, connections, recording, error);
    }

    /**
     * The status in a JVM's system properties ({@code System.getProperties()}, or those read over the
     * attach API); empty when no agent left one.
     *
     * @throws IllegalArgumentException as {@link #parse}
     */
    public static Optional<AgentStatus> in(Properties systemProperties) {
        return in(systemProperties, PROPERTY);
    }

    /** The live status of an installed agent in a JVM's system properties; empty when none is installed. */
    public static Optional<AgentStatus> liveIn(Properties systemProperties) {
        return in(systemProperties, LIVE_PROPERTY);
    }

    private static Optional<AgentStatus> in(Properties systemProperties, String property) {
        String form = systemProperties.getProperty(property);
        return form == null ? Optional.empty() : Optional.of(parse(form));
    }

    /** Leaves this status in this JVM's system properties; never throws. */
    void publish() {
        publish(PROPERTY, toProperty());
    }

    /** Leaves this status as the live one ({@link #LIVE_PROPERTY}); never throws. */
    void publishLive() {
        publish(LIVE_PROPERTY, toProperty());
    }

    /** No agent is installed any more: no live status. */
    static void withdrawLive() {
        publish(LIVE_PROPERTY, null);
    }

    private static void publish(String property, String form) {
        try {
            if (form == null) {
                System.clearProperty(property);
            } else {
                System.setProperty(property, form);
            }
        } catch (Throwable ignored) {
            // a security manager may refuse: the attach command line then reports "no status"
        }
    }
}
