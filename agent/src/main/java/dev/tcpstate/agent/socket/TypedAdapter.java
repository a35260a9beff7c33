package dev.tcpstate.agent.socket;

import dev.tcpstate.contract.SocketKind;

/** An adapter of the objects of one Java type, which are of one {@link SocketKind}. */
abstract class TypedAdapter implements SocketAdapter {

    private final SocketKind kind;
    private final Class<?> type;

    TypedAdapter(SocketKind kind, Class<?> type) {
        this.kind = kind;
        this.type = type;
    }

    @Override
    public final SocketKind kind() {
        return kind;
    }

    @Override
    public final boolean handles(Object socket) {
        return type.isInstance(socket);
    }
}
