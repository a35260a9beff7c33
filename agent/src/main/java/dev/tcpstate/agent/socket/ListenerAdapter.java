package dev.tcpstate.agent.socket;

import dev.tcpstate.agent.registry.Endpoint;
import dev.tcpstate.contract.SocketKind;

/**
 * A listening socket: it has no peer and receives connections, not data; a close finds it in
 * LISTEN, where nothing aborts, so it is never asked about SO_LINGER or unread input.
 */
abstract class ListenerAdapter extends TypedAdapter {

    ListenerAdapter(SocketKind kind, Class<?> type) {
        super(kind, type);
    }

    @Override
    public final Endpoint remote(Object listener) {
        return null;
    }

    @Override
    public final boolean lingerZero(Object listener) {
        return false;
    }

    @Override
    public final boolean hasUnreadInput(Object listener) {
        return false;
    }
}
