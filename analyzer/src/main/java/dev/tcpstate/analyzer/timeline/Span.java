package dev.tcpstate.analyzer.timeline;

import dev.tcpstate.contract.AgeBasis;
import dev.tcpstate.contract.Source;
import dev.tcpstate.contract.TcpState;

/**
 * A stretch of time a connection spent in one state.
 *
 * @param end when it left the state, or the end of the recording when {@code openAtEnd}
 * @param openAtEnd still in this state when the recording ended
 * @param source the view that saw the connection enter the state
 * @param enteredBy the trigger that moved it here, as recorded
 * @param kernelSeen the kernel's table showed the connection in this state (entering it, or re-stated)
 * @param begunBefore for a state the connection was discovered in (it began before the agent saw it): how
 *     {@code start} is known; {@code null} when the recording shows the state being entered
 */
public record Span(
        TcpState state,
        long start,
        long end,
        boolean openAtEnd,
        Source source,
        String enteredBy,
        boolean kernelSeen,
        AgeBasis begunBefore) {

    public long nanos() {
        return Math.max(0, end - start);
    }

    public boolean contains(long time) {
        return start <= time && (time < end || openAtEnd && time == end);
    }
}
