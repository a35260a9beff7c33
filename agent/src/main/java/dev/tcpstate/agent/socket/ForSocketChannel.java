package dev.tcpstate.agent.socket;

import dev.tcpstate.agent.registry.Endpoint;
import dev.tcpstate.contract.SocketKind;
import java.net.Socket;
import java.nio.channels.SocketChannel;

/** {@code java.nio.channels.SocketChannel}, also when used through its socket adaptor. */
final class ForSocketChannel extends TypedAdapter {

    ForSocketChannel() {
        super(SocketKind.SOCKET_CHANNEL, SocketChannel.class);
    }

    @Override
    public Endpoint local(Object s) {
        return NetworkChannels.local((SocketChannel) s);
    }

    @Override
    public Endpoint remote(Object s) {
        try {
            return Endpoint.of(((SocketChannel) s).getRemoteAddress());
        } catch (Exception e) {
            return null; // closed: the address stays unknown
        }
    }

    @Override
    public boolean lingerZero(Object s) {
        return NetworkChannels.lingerZero((SocketChannel) s);
    }

    @Override
    public boolean hasUnreadInput(Object s) {
        try {
            // the adaptor's stream asks the channel itself (FIONREAD); nothing is read
            Socket adaptor = ((SocketChannel) s).socket();
            return !adaptor.isInputShutdown() && adaptor.getInputStream().available() > 0;
        } catch (Exception e) {
            return false; // unknown: assume none
        }
    }
}
