package dev.tcpstate.analyzer.load;

import dev.tcpstate.contract.AbortCause;
import dev.tcpstate.contract.AgeBasis;
import dev.tcpstate.contract.EventNames;
import dev.tcpstate.contract.Library;
import dev.tcpstate.contract.Role;
import dev.tcpstate.contract.Source;
import dev.tcpstate.contract.Stimulus;
import dev.tcpstate.contract.TcpState;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.openjdk.jmc.common.IMCFrame;
import org.openjdk.jmc.common.IMCMethod;
import org.openjdk.jmc.common.IMCStackTrace;
import org.openjdk.jmc.common.IMCThread;
import org.openjdk.jmc.common.item.IItem;
import org.openjdk.jmc.common.item.IItemCollection;
import org.openjdk.jmc.common.item.IItemIterable;
import org.openjdk.jmc.common.item.IMemberAccessor;
import org.openjdk.jmc.common.item.IType;
import org.openjdk.jmc.common.item.ItemFilters;
import org.openjdk.jmc.common.unit.IQuantity;
import org.openjdk.jmc.common.unit.IRange;
import org.openjdk.jmc.common.unit.UnitLookup;
import org.openjdk.jmc.flightrecorder.JfrAttributes;

/**
 * Turns the items of a recording, as the JMC parser gives them, into our event records. This is
 * the one place that knows the field names of {@code docs/events.md}; anything holding an
 * {@link IItemCollection} (the command line, a JMC rule) reads through it.
 */
public final class TcpEventReader {
    static final String JVM_INFORMATION = "jdk.JVMInformation";

    private TcpEventReader() {
    }

    /**
     * Reads our events from {@code items}.
     *
     * @param origin where the items came from (a file name); identifies the JVM run when the
     *     recording lacks {@code jdk.JVMInformation}
     */
    public static TcpEvents read(IItemCollection items, String origin) {
        String jvm = jvmIdentity(items, origin);
        List<StateChange> changes = new ArrayList<>();
        List<Anomaly> anomalies = new ArrayList<>();
        List<LingeringSample> lingering = new ArrayList<>();
        List<StateSummarySample> summaries = new ArrayList<>();
        List<LibraryCall> calls = new ArrayList<>();
        List<String> types = new ArrayList<>();
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;

        for (IItemIterable iterable : items.apply(ItemFilters.typeMatches("tcpstate\\..*"))) {
            IType<IItem> type = iterable.getType();
            String name = type.getIdentifier();
            types.add(name);
            Fields f = new Fields(type);
            IMemberAccessor<IQuantity, IItem> start = JfrAttributes.START_TIME.getAccessor(type);
            IMemberAccessor<IMCStackTrace, IItem> stack = JfrAttributes.EVENT_STACKTRACE.getAccessor(type);
            IMemberAccessor<IMCThread, IItem> thread = JfrAttributes.EVENT_THREAD.getAccessor(type);
            for (IItem item : iterable) {
                long time = epochNanos(start == null ? null : start.getMember(item));
                first = Math.min(first, time);
                last = Math.max(last, time);
                switch (name) {
                    case EventNames.STATE_CHANGE, EventNames.STATE_CHANGE_NO_STACK -> changes.add(new StateChange(jvm, time,
                            f.number(item, "connectionId", -1),
                            TcpState.parse(f.string(item, "fromState")),
                            TcpState.parse(f.string(item, "toState")),
                            Source.parse(f.string(item, "source")),
                            f.string(item, "trigger"),
                            Stimulus.parse(f.string(item, "stimulus")),
                            AbortCause.parse(f.string(item, "abortCause")),
                            local(f, item), remote(f, item),
                            f.string(item, "socketKind"),
                            Role.parse(f.string(item, "role")),
                            f.nanos(item, "previousStateDuration"),
                            f.timespan(item, "kernelTimer", UnitLookup.MILLISECOND, UnitLookup.MILLISECOND, -1),
                            f.timespan(item, "stateAge", UnitLookup.MILLISECOND, UnitLookup.MILLISECOND, -1),
                            AgeBasis.parse(f.string(item, "stateAgeBasis")),
                            threadName(thread, item),
                            stack(stack, item)));
                    case EventNames.ANOMALY -> anomalies.add(new Anomaly(jvm, time,
                            f.number(item, "connectionId", -1),
                            f.string(item, "state"),
                            f.string(item, "stimulus"),
                            f.string(item, "trigger"),
                            local(f, item), remote(f, item),
                            threadName(thread, item),
                            stack(stack, item)));
                    case EventNames.LINGERING_CONNECTION -> lingering.add(new LingeringSample(jvm, time,
                            f.number(item, "connectionId", -1),
                            TcpState.parse(f.string(item, "state")),
                            Source.parse(f.string(item, "source")),
                            f.nanos(item, "stateDuration"),
                            f.nanos(item, "connectionAge"),
                            local(f, item), remote(f, item),
                            f.string(item, "socketKind"),
                            Role.parse(f.string(item, "role"))));
                    case EventNames.STATE_SUMMARY -> summaries.add(summary(jvm, time, f, item));
                    case EventNames.LIBRARY_CALL -> calls.add(new LibraryCall(jvm, time,
                            Library.parse(f.string(item, "library")),
                            f.string(item, "entry"),
                            f.string(item, "remoteHost"),
                            f.integer(item, "remotePort", 0),
                            threadName(thread, item),
                            stack(stack, item)));
                    default -> {
                        // a newer agent's event: nothing here depends on it
                    }
                }
            }
        }
        List<RecordingSpan> spans = new ArrayList<>();
        RecordingSpan span = span(items, jvm, origin, first, last);
        if (span != null) {
            spans.add(span);
        }
        return new TcpEvents(changes, anomalies, lingering, summaries, calls, spans, types);
    }

    private static StateSummarySample summary(String jvm, long time, Fields f, IItem item) {
        Map<TcpState, Integer> counts = new EnumMap<>(TcpState.class);
        counts.put(TcpState.LISTEN, f.integer(item, "listen", 0));
        counts.put(TcpState.SYN_SENT, f.integer(item, "synSent", 0));
        counts.put(TcpState.SYN_RECEIVED, f.integer(item, "synReceived", 0));
        counts.put(TcpState.ESTABLISHED, f.integer(item, "established", 0));
        counts.put(TcpState.FIN_WAIT_1, f.integer(item, "finWait1", 0));
        counts.put(TcpState.FIN_WAIT_2, f.integer(item, "finWait2", 0));
        counts.put(TcpState.CLOSE_WAIT, f.integer(item, "closeWait", 0));
        counts.put(TcpState.CLOSING, f.integer(item, "closing", 0));
        counts.put(TcpState.LAST_ACK, f.integer(item, "lastAck", 0));
        counts.put(TcpState.TIME_WAIT, f.integer(item, "timeWait", 0));
        return new StateSummarySample(jvm, time, counts,
                f.integer(item, "hostTimeWait", -1),
                f.integer(item, "ephemeralPortLow", -1),
                f.integer(item, "ephemeralPortHigh", -1));
    }

    private static Endpoint local(Fields f, IItem item) {
        return new Endpoint(f.string(item, "localAddress"), f.integer(item, "localPort", 0));
    }

    private static Endpoint remote(Fields f, IItem item) {
        return new Endpoint(f.string(item, "remoteAddress"), f.integer(item, "remotePort", 0));
    }

    private static long epochNanos(IQuantity q) {
        return q == null ? 0 : q.clampedLongValueIn(UnitLookup.EPOCH_NS);
    }

    private static String threadName(IMemberAccessor<IMCThread, IItem> accessor, IItem item) {
        IMCThread t = accessor == null ? null : accessor.getMember(item);
        return t == null || t.getThreadName() == null ? "" : t.getThreadName();
    }

    private static CallStack stack(IMemberAccessor<IMCStackTrace, IItem> accessor, IItem item) {
        IMCStackTrace trace = accessor == null ? null : accessor.getMember(item);
        if (trace == null || trace.getFrames() == null) {
            return CallStack.NONE;
        }
        List<Frame> frames = new ArrayList<>(trace.getFrames().size());
        for (IMCFrame frame : trace.getFrames()) {
            IMCMethod m = frame.getMethod();
            if (m == null) {
                continue;
            }
            String type = m.getType() == null ? "?" : m.getType().getFullName();
            Integer line = frame.getFrameLineNumber();
            frames.add(new Frame(type, m.getMethodName(), line == null ? -1 : line));
        }
        return new CallStack(frames, trace.getTruncationState() == IMCStackTrace.TruncationState.TRUNCATED);
    }

    /** {@code pid@jvmStartTime} when the recording says, so two dumps of one JVM run join up. */
    private static String jvmIdentity(IItemCollection items, String origin) {
        for (IItemIterable iterable : items.apply(ItemFilters.type(JVM_INFORMATION))) {
            Fields f = new Fields(iterable.getType());
            for (IItem item : iterable) {
                long pid = f.number(item, "pid", -1);
                long started = f.epochMillis(item, "jvmStartTime");
                if (pid >= 0 && started > 0) {
                    return "pid " + pid + " started " + Instant.ofEpochMilli(started);
                }
            }
        }
        return origin;
    }

    private static RecordingSpan span(IItemCollection items, String jvm, String origin, long first, long last) {
        long start = Long.MAX_VALUE;
        long end = Long.MIN_VALUE;
        for (IRange<IQuantity> range : items.getUnfilteredTimeRanges()) {
            start = Math.min(start, epochNanos(range.getStart()));
            end = Math.max(end, epochNanos(range.getEnd()));
        }
        if (first <= last) {
            start = Math.min(start, first);
            end = Math.max(end, last);
        }
        return start <= end ? new RecordingSpan(jvm, origin, start, end) : null;
    }
}
