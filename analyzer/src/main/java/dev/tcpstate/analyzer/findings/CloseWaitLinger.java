package dev.tcpstate.analyzer.findings;

import java.time.Duration;
import java.util.List;

import dev.tcpstate.analyzer.load.StateChange;
import dev.tcpstate.analyzer.timeline.Connection;
import dev.tcpstate.analyzer.timeline.Span;
import dev.tcpstate.contract.Source;
import dev.tcpstate.contract.TcpState;

/**
 * {@code CLOSE_WAIT_LINGER}: the peer closed, and this application kept the connection open. It is
 * always the application's bug when it lasts; the kernel cannot end it until {@code close()}.
 */
public final class CloseWaitLinger extends StateLinger {
    public static final FindingType TYPE = new FindingType("CLOSE_WAIT_LINGER", "close-wait",
            "tcpstate.CloseWaitLinger", "Connections lingering in CLOSE_WAIT",
            "connections held in CLOSE_WAIT: the peer closed, this application did not");

    public static final Preference<Duration> THRESHOLD = Preference.duration("close-wait-threshold",
            "CLOSE_WAIT threshold",
            "A connection held in CLOSE_WAIT at least this long (still open at the end of the recording, or closed"
                    + " late) is reported: the peer has closed it and this application has not.",
            Duration.ofSeconds(5));

    public static final Measure.Kind LONGEST = new Measure.Kind("longestNanos",
            "longest time in CLOSE_WAIT", Measure.Unit.NANOSECONDS);
    public static final Measure.Kind STILL_OPEN = new Measure.Kind("stillOpen",
            "still in CLOSE_WAIT at the end of the recording", Measure.Unit.COUNT);
    public static final Measure.Kind KERNEL_CONFIRMED = new Measure.Kind("kernelConfirmed",
            "seen in CLOSE_WAIT by the kernel", Measure.Unit.COUNT);

    public CloseWaitLinger() {
        super(TYPE, THRESHOLD, "opened", List.of(LONGEST, STILL_OPEN, KERNEL_CONFIRMED));
    }

    @Override
    boolean lingers(Span s) {
        return s.state() == TcpState.CLOSE_WAIT;
    }

    @Override
    StateChange responsible(Connection c) {
        return c.opened();
    }

    @Override
    String stayed() {
        return "held in CLOSE_WAIT";
    }

    @Override
    String details(Stays s) {
        int n = s.count();
        return (s.stillOpen() == n ? "all still open at the end" : s.stillOpen() == 0 ? "closed late"
                : s.stillOpen() + " still open at the end") + "; "
                + s.confirmation("confirmed by the kernel", "inferred from read EOF, not kernel-confirmed");
    }

    @Override
    String explanation(Stays s) {
        return "The peer closed " + (s.count() == 1 ? "this connection" : "these connections")
                + " (its FIN arrived) but the application did not call close(): each holds a file descriptor and"
                + " kernel memory until it does, and the kernel cannot end CLOSE_WAIT by itself.";
    }

    @Override
    String advice(Stays s) {
        boolean neverRead = s.members().stream().anyMatch(m -> m.source() == Source.KERNEL);
        return neverRead
                ? "The application never read from it after the peer closed: typically an idle pooled connection."
                  + " Evict idle connections before the server's idle timeout, validate before reuse, and close"
                  + " connections the pool discards."
                : "read() returned -1 (end of stream) and the connection was not closed: close it when the"
                  + " peer's end of stream is read, in a finally block or try-with-resources.";
    }

    @Override
    List<Measure> measures(Stays s) {
        return List.of(LONGEST.of(s.longest()), STILL_OPEN.of(s.stillOpen()), KERNEL_CONFIRMED.of(s.confirmed()));
    }
}
