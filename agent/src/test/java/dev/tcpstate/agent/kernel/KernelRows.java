package dev.tcpstate.agent.kernel;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Every row of one read of a {@link KernelTable}, kept as values, for tests. */
final class KernelRows implements KernelRowSink {

    record Row(long localHi, long localLo, int localPort, long remoteHi, long remoteLo, int remotePort,
               int state, long inode, long timerMillisLeft) {
    }

    final List<Row> rows = new ArrayList<>();

    static List<Row> of(KernelTable table) throws IOException {
        KernelRows sink = new KernelRows();
        int n = table.read(sink);
        if (n != sink.rows.size()) {
            throw new AssertionError(table.name() + " returned " + n + " but gave " + sink.rows.size() + " rows");
        }
        return sink.rows;
    }

    @Override
    public void beginSample(long nanoTime) {
    }

    @Override
    public void row(long localHi, long localLo, int localPort, long remoteHi, long remoteLo, int remotePort,
            int linuxState, long inode, long timerMillisLeft) {
        rows.add(new Row(localHi, localLo, localPort, remoteHi, remoteLo, remotePort, linuxState, inode,
                timerMillisLeft));
    }

    @Override
    public void endSample() {
    }
}
