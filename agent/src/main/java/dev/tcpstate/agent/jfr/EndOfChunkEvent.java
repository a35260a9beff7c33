package dev.tcpstate.agent.jfr;

import dev.tcpstate.contract.EventNames;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;

/** {@code tcpstate.EndOfChunk}: the recording's last word at a dump, a stop, the JVM's exit. See docs/events.md. */
@Name(EventNames.END_OF_CHUNK)
@Label("TCP End of Chunk")
@Description("Written as each chunk of the recording ends (a dump, a stop, the JVM's exit, a rotation), after "
        + "a last kernel sample and a re-statement of the lingering connections and the counts per state")
@Category({"Java Application", "TCP Connections"})
@StackTrace(false)
@Period("endChunk")
final class EndOfChunkEvent extends Event {

    @Label("Kernel Sampled")
    @Description("A kernel sample was taken just before: the connections' last states are the kernel's at this moment")
    boolean kernelSampled;

    @Label("Tracked")
    @Description("Connections (and listeners) the agent tracked at this moment")
    int tracked;
}
