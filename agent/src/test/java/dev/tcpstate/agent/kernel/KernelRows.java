package dev.tcpstate.agent.kernel;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/** Every row of one read of a {@link KernelTable}, kept as values, for tests. */
final class KernelRows implements KernelRowSink {

    record Row(long localHi, long localLo, int localPort, long remoteHi, long remoteLo, int remotePort,
               int state, long inode, long timerMillisLeft) {
    }

    final List<Row> rows = new ArrayList<>();
    /** The row objects the reader handed over: one, refilled, when it allocates nothing per row. */
    final Set<KernelRow> cursors = Collections.newSetFromMap(new IdentityHashMap<>());

    static List<Row> of(KernelTable table) throws IOException {
        KernelRows sink = new KernelRows();
        int n = table.read(sink);
        if (n != sink.rows.size()) {
            throw new AssertionError(table.name() + " returned " + n + " but gave " + sink.rows.size() + " rows");
        }
        if (sink.cursors.size() > 1) {
            throw new AssertionError(table.name() + " allocated a row object per row: " + sink.cursors.size());
        }
        return sink.rows;
    }

    @Override
    public void beginSample(long nanoTime) {
    }

    @Override
    public void row(KernelRow r) {
        cursors.add(r);
        rows.add(new Row(r.localHi(), r.localLo(), r.localPort(), r.remoteHi(), r.remoteLo(), r.remotePort(),
                r.linuxState(), r.inode(), r.timerMillisLeft()));
    }

    @Override
    public void endSample() {
    }
}
