package org.mmosdk.shard.saga;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** The client side of {@link InventoryServer}: one node, over a shared loopback connection. */
public final class RemoteInventory implements Inventory {
    /** One connection shared by the nodes of one coordinator. */
    public static final class Link implements AutoCloseable {
        private final Socket socket;
        private final BufferedReader in;
        private final Writer out;

        public Link(final int port) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setSoTimeout(10_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8);
        }

        synchronized String call(final String line) throws IOException {
            out.write(line + "\n");
            out.flush();
            final String answer = in.readLine();
            if (answer == null) {
                throw new IOException("inventory server closed the connection");
            }
            return answer;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private final Link link;
    private final String node;

    public RemoteInventory(final Link link, final String node) {
        this.link = link;
        this.node = node;
    }

    @Override
    public boolean apply(final StepId id, final String player, final String item, final int delta) throws IOException {
        return link.call("A " + node + ' ' + id.sagaId() + ' ' + id.step() + ' ' + player + ' ' + item + ' ' + delta)
            .equals("1");
    }

    @Override
    public void compensate(final StepId id) throws IOException {
        link.call("C " + node + ' ' + id.sagaId() + ' ' + id.step());
    }
}
