package org.mmosdk.net;

import org.mmosdk.core.wire.EnvelopeWriter;
import org.mmosdk.core.wire.MessageDispatcher;
import org.mmosdk.core.wire.MessageRegistry;
import org.mmosdk.core.wire.fb.Close;
import org.mmosdk.core.wire.fb.Ping;
import org.mmosdk.core.wire.fb.Pong;
import org.mmosdk.net.wire.fb.Ack;
import org.mmosdk.net.wire.fb.Hello;

/** What one I/O thread reuses for every connection of a gateway: dispatchers, a writer, flyweights. */
final class IoThreadState {
    final MessageDispatcher<ServerConnection> control;
    final MessageDispatcher<Session> app;
    final EnvelopeWriter writer = new EnvelopeWriter();
    final Ping ping = new Ping();
    final Pong pong = new Pong();
    final Close close = new Close();
    final Hello hello = new Hello();
    final Ack ack = new Ack();

    IoThreadState(final MessageRegistry<ServerConnection> control, final MessageRegistry<Session> app) {
        this.control = control.newDispatcher();
        this.app = app == null ? null : app.newDispatcher();
    }
}
