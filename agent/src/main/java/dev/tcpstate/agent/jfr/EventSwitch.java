package dev.tcpstate.agent.jfr;

import jdk.jfr.EventType;
import jdk.jfr.FlightRecorder;
import jdk.jfr.FlightRecorderListener;
import jdk.jfr.Recording;

/**
 * Whether any running recording wants one of tcpstate's events. While none does, the agent does
 * nothing but one check per intercepted call: no tracking, no kernel sampling. JFR tells us each
 * time a recording starts or stops.
 */
public final class EventSwitch {

    private static final Object LOCK = new Object();
    private static Boolean last;

    private EventSwitch() {
    }

    /** Calls {@code onChange} now with the current answer, and again whenever it changes. */
    public static void watch(java.util.function.Consumer<Boolean> onChange) {
        update(onChange);
        FlightRecorder.addListener(new FlightRecorderListener() {
            @Override
            public void recordingStateChanged(Recording recording) {
                update(onChange);
            }
        });
    }

    private static void update(java.util.function.Consumer<Boolean> onChange) {
        try {
            boolean wanted = enabled(StateChangeEvent.class) || enabled(StateChangeNoStackEvent.class)
                    || enabled(AnomalyEvent.class)
                    || enabled(LingeringConnectionEvent.class) || enabled(StateSummaryEvent.class);
            synchronized (LOCK) {
                if (last != null && last == wanted) {
                    return;
                }
                last = wanted;
                onChange.accept(wanted);
            }
        } catch (Throwable ignored) {
            // JFR's listener thread must never see our failure
        }
    }

    private static boolean enabled(Class<? extends jdk.jfr.Event> type) {
        return EventType.getEventType(type).isEnabled();
    }
}
