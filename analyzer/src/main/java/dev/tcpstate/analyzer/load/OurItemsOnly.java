package dev.tcpstate.analyzer.load;

import dev.tcpstate.contract.EventNames;

import java.util.ArrayList;
import java.util.List;

import org.openjdk.jmc.flightrecorder.parser.IEventSink;
import org.openjdk.jmc.flightrecorder.parser.IEventSinkFactory;
import org.openjdk.jmc.flightrecorder.parser.IParserExtension;
import org.openjdk.jmc.flightrecorder.parser.ParserExtensionRegistry;
import org.openjdk.jmc.flightrecorder.parser.ValueField;

/**
 * A parser extension that keeps only the items {@link TcpEventReader} reads: our events and
 * {@code jdk.JVMInformation}. A profiling recording is mostly other JDK events; the parser still
 * decodes them (it has no way to skip an event by its size), but they are dropped as they are read
 * instead of being collected, sorted and indexed, which is most of what loading them costs.
 */
final class OurItemsOnly implements IParserExtension {
    private static final IEventSink DROP = values -> {
    };

    private OurItemsOnly() {
    }

    /** JMC's own extensions (synthetic attributes and the like), then this filter around them. */
    static List<IParserExtension> withRegistered() {
        List<IParserExtension> all = new ArrayList<>(ParserExtensionRegistry.getParserExtensions());
        all.add(new OurItemsOnly());
        return all;
    }

    static boolean wanted(String typeIdentifier) {
        return typeIdentifier.startsWith(EventNames.PREFIX) || typeIdentifier.equals(TcpEventReader.JVM_INFORMATION);
    }

    @Override
    public IEventSinkFactory getEventSinkFactory(IEventSinkFactory inner) {
        return new IEventSinkFactory() {
            @Override
            public IEventSink create(String identifier, String label, String[] category, String description,
                    List<ValueField> dataStructure) {
                return wanted(identifier) ? inner.create(identifier, label, category, description, dataStructure) : DROP;
            }

            @Override
            public void flush() {
                inner.flush();
            }
        };
    }
}
