package dev.tcpstate.agent.socket;

import dev.tcpstate.agent.registry.Endpoint;
import dev.tcpstate.contract.SocketKind;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** {@code java.net.ServerSocket}: a listener; what it accepts is a {@link ForSocket}. */
final class ForServerSocket extends ListenerAdapter {

    ForServerSocket() {
        super(SocketKind.SERVER_SOCKET, ServerSocket.class);
    }

    @Override
    public Endpoint local(Object s) {
        ServerSocket listener = (ServerSocket) s;
        try {
            return listener.isBound() ? Endpoint.of(listener.getInetAddress(), listener.getLocalPort()) : null;
        } catch (Exception e) {
            return null;
        }
    }

    /**
     * The listener's own address, when it is bound to one address rather than a wildcard: an accepted
     * connection shares it, and its port is kept by the socket, so no system call is needed.
     */
    @Override
    public Endpoint acceptedLocal(Object listener, Endpoint listenerLocal, Object accepted) {
        if (!(accepted instanceof Socket)) {
            return null;
        }
        int port = ((Socket) accepted).getLocalPort();
        if (listenerLocal != null && listenerLocal.isSpecific() && listenerLocal.port() == port) {
            return listenerLocal;
        }
        InetAddress address = ((ServerSocket) listener).getInetAddress(); // kept by the socket: no system call
        return address == null || address.isAnyLocalAddress() ? null : Endpoint.of(address, port);
    }
}
