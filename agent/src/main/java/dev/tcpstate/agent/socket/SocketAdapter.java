package dev.tcpstate.agent.socket;

import dev.tcpstate.agent.registry.Endpoint;
import dev.tcpstate.agent.state.ClosePolicy;
import dev.tcpstate.contract.SocketKind;

/**
 * How the bridge reads one kind of socket object: its addresses, and what a close asks of it. One
 * implementation per {@link SocketKind}, chosen once per connection by {@link SocketAdapters}. Every
 * method reads through getters the agent does not weave, so reading never records the agent's own
 * activity, and none throws an {@code Exception}: a socket that cannot answer (closed, not bound)
 * answers {@code null} or {@code false}.
 */
public interface SocketAdapter extends ClosePolicy.Probe {

    /** The kind this adapter reads: the connection's {@code socketKind}. */
    SocketKind kind();

    /** Whether {@code socket} is of this kind. */
    boolean handles(Object socket);

    /** Its local address, or {@code null} while unknown. */
    Endpoint local(Object socket);

    /** Its peer's address, or {@code null} while unknown (always, for a listener). */
    Endpoint remote(Object socket);

    /** SO_LINGER is on with a zero timeout: a close sends RST. A system call. */
    @Override
    boolean lingerZero(Object socket);

    /** Input has arrived that nobody read: a close sends RST. A system call; nothing is read. */
    @Override
    boolean hasUnreadInput(Object socket);

    /**
     * The local address of a connection this listener accepted, when it is known without asking the
     * kernel ({@code listenerLocal} is what the agent already knows of the listener, or {@code null});
     * {@code null} when the accepted socket must be asked.
     */
    default Endpoint acceptedLocal(Object listener, Endpoint listenerLocal, Object accepted) {
        return null;
    }
}
