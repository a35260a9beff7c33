package dev.tcpstate.agent.socket;

import dev.tcpstate.agent.registry.Endpoint;
import dev.tcpstate.contract.SocketKind;
import java.net.Socket;

/** {@code java.net.Socket}: connected by the application, or accepted by a {@code ServerSocket}. */
final class ForSocket extends TypedAdapter {

    ForSocket() {
        super(SocketKind.SOCKET, Socket.class);
    }

    @Override
    public Endpoint local(Object s) {
        Socket socket = (Socket) s;
        try {
            return socket.isBound() ? Endpoint.of(socket.getLocalAddress(), socket.getLocalPort()) : null;
        } catch (Exception e) {
            return null; // closed: the address stays unknown
        }
    }

    @Override
    public Endpoint remote(Object s) {
        Socket socket = (Socket) s;
        try {
            return socket.isConnected() ? Endpoint.of(socket.getInetAddress(), socket.getPort()) : null;
        } catch (Exception e) {
            return null;
        }
    }

    @Override
    public boolean lingerZero(Object s) {
        try {
            return ((Socket) s).getSoLinger() == 0;
        } catch (Exception e) {
            return false; // unknown: assume the default (no linger)
        }
    }

    @Override
    public boolean hasUnreadInput(Object s) {
        Socket socket = (Socket) s;
        try {
            return socket.isConnected() && !socket.isInputShutdown() && socket.getInputStream().available() > 0;
        } catch (Exception e) {
            return false; // unknown: assume none
        }
    }
}
