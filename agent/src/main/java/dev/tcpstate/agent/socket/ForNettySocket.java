package dev.tcpstate.agent.socket;

import dev.tcpstate.agent.registry.Endpoint;
import dev.tcpstate.contract.SocketKind;

/**
 * A socket of one of Netty's native transports ({@code io.netty.channel.unix.Socket}, also in a
 * relocated copy): read through {@link NettyNativeSockets}, by reflection, since Netty lives in an
 * application class loader. Netty's sockets cannot say whether input is pending: a close with
 * unread input is recorded as a FIN (README, known limits).
 */
final class ForNettySocket implements SocketAdapter {
    private final SocketKind kind;

    ForNettySocket(SocketKind kind) {
        this.kind = kind;
    }

    @Override
    public SocketKind kind() {
        return kind;
    }

    @Override
    public boolean handles(Object socket) {
        return NettyNativeSockets.kindOf(socket) == kind;
    }

    @Override
    public Endpoint local(Object socket) {
        return NettyNativeSockets.localOf(socket);
    }

    @Override
    public Endpoint remote(Object socket) {
        return NettyNativeSockets.remoteOf(socket);
    }

    @Override
    public boolean lingerZero(Object socket) {
        return NettyNativeSockets.lingerZero(socket);
    }

    @Override
    public boolean hasUnreadInput(Object socket) {
        return false;
    }
}
