package dev.tcpstate.bench.process;

import java.io.File;
import java.util.Locale;

import org.openjdk.jmc.common.item.IItemCollection;
import org.openjdk.jmc.common.item.IItemIterable;
import org.openjdk.jmc.flightrecorder.JfrLoaderToolkit;

/**
 * The analyzer benchmark's reference (see {@link AnalyzerCompare}): loads a whole recording the way
 * JDK Mission Control does, with {@code JfrLoaderToolkit.loadEvents(File)}, and counts its items.
 * Runs with the analyzer's jar on the class path, so both use the same JMC parser.
 *
 * <pre>JmcLoad FILE</pre>
 */
public final class JmcLoad {
    private JmcLoad() {
    }

    public static void main(String[] args) throws Exception {
        long t0 = System.nanoTime();
        IItemCollection items = JfrLoaderToolkit.loadEvents(new File(args[0]));
        long count = 0;
        int types = 0;
        for (IItemIterable iterable : items) {
            count += iterable.getItemCount();
            types++;
        }
        System.out.printf(Locale.ROOT, "RESULT items=%d types=%d load_ms=%.0f%n", count, types,
                (System.nanoTime() - t0) / 1e6);
    }
}
