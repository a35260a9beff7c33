package dev.tcpstate.agent.registry;

import dev.tcpstate.agent.kernel.KernelRowSink;
import dev.tcpstate.agent.kernel.KernelTable;

/** A kernel table of no rows, for the tests of what the registry asks the kernel about one socket. */
abstract class AskedOnlyTable implements KernelTable {
    @Override
    public String name() {
        return "test";
    }

    @Override
    public int read(KernelRowSink sink) {
        return 0;
    }
}
