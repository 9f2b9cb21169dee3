package org.mmosdk.shard.saga;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Serves {@link InventoryNode}s over loopback with a line protocol, so that participants outlive a coordinator
 * process that is killed: {@code A <node> <saga> <step> <player> <item> <delta>} answers {@code 1} or {@code 0};
 * {@code C <node> <saga> <step>} answers {@code ok}. One thread per connection.
 */
public final class InventoryServer implements AutoCloseable {
    private final ServerSocket server;
    private final Map<String, InventoryNode> nodes;
    private final Thread acceptor;

    public InventoryServer(final Map<String, InventoryNode> nodes) throws IOException {
        this.nodes = nodes;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.acceptor = new Thread(this::acceptLoop, "inventory-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                final Socket s = server.accept();
                final Thread t = new Thread(() -> serve(s), "inventory-conn");
                t.setDaemon(true);
                t.start();
            } catch (final IOException e) {
                return;
            }
        }
    }

    private void serve(final Socket s) {
        try (s; BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
             Writer out = new OutputStreamWriter(s.getOutputStream(), StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                final String[] f = line.split(" ");
                final InventoryNode node = nodes.get(f[1]);
                final StepId id = new StepId(Long.parseLong(f[2]), Integer.parseInt(f[3]));
                final String answer;
                if (f[0].equals("A")) {
                    answer = node.apply(id, f[4], f[5], Integer.parseInt(f[6])) ? "1" : "0";
                } else {
                    node.compensate(id);
                    answer = "ok";
                }
                out.write(answer + "\n");
                out.flush();
            }
        } catch (final IOException | RuntimeException e) {
            // the coordinator died or sent garbage: drop the connection
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
