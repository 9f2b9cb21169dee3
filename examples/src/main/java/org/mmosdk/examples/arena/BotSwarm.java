package org.mmosdk.examples.arena;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import com.google.flatbuffers.FlatBufferBuilder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoopGroup;
import org.HdrHistogram.Histogram;
import org.mmosdk.core.peer.Delivery;
import org.mmosdk.core.peer.Peer;
import org.mmosdk.core.time.SystemClock;
import org.mmosdk.core.wire.EnvelopeWriter;
import org.mmosdk.core.wire.MessageDispatcher;
import org.mmosdk.core.wire.MessageRegistry;
import org.mmosdk.core.wire.WireError;
import org.mmosdk.ecs.World;
import org.mmosdk.examples.arena.fb.Cast;
import org.mmosdk.examples.arena.fb.CastResult;
import org.mmosdk.net.CloseCodes;
import org.mmosdk.net.CloseReason;
import org.mmosdk.net.client.ClientListener;
import org.mmosdk.net.client.GameClient;
import org.mmosdk.sync.SyncClient;
import org.mmosdk.sync.lockstep.LockstepClient;

import static org.mmosdk.examples.arena.Game.*;

/**
 * N bots, each a {@link GameClient} with a {@link SyncClient} mirroring what it sees. They walk, cast a skill now and
 * then (sent again until its result arrives), and resume their session when their connection drops. The first
 * {@code duelists} bots also fight lockstep {@link Duel}s, each with a {@link LockstepClient} that simulates the duel
 * from the sealed frames and reports its state hashes to the room. Used in-process
 * by the arena and in a process of its own by {@code bots}.
 *
 * <p>Threads: the clients' I/O threads only queue what arrives; one driver thread owns every bot (mirror world,
 * sync client, counters) and runs them at the tick rate. {@link #start()} and {@link #close()} by the owner.
 */
final class BotSwarm implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BotSwarm.class);
    private final InetSocketAddress tcp;
    private final URI webSocket;
    private final int dropsPerMinute;
    private final int duelists;
    private final PrintStream progress;
    private final int progressSeconds;
    private final EventLoopGroup group;
    private final ScheduledExecutorService driver = Executors.newSingleThreadScheduledExecutor(r -> {
        final Thread t = new Thread(r, "bots-driver");
        t.setDaemon(true);
        return t;
    });
    private final Bot[] bots;
    private final SplittableRandom random = new SplittableRandom(11);
    private final EnvelopeWriter writer = new EnvelopeWriter(256);

    // counters: messagesIn from I/O threads; the rest on the driver thread only
    final LongAdder messagesIn = new LongAdder();
    long messagesOut;
    long castsSent;
    long castsRetried;
    long castResults;
    long castResultsRepeated;
    long drops;
    long resumes;
    long freshReconnects;
    long snapshots;
    long rejected;
    long duelFrames;
    long duelKeyframeMismatches;
    long duelResyncs;
    final Histogram rtt = new Histogram(TimeUnit.SECONDS.toNanos(10), 2);
    final Histogram castLatency = new Histogram(TimeUnit.SECONDS.toNanos(60), 2);
    private Histogram rttWindow = new Histogram(TimeUnit.SECONDS.toNanos(10), 2);
    private long tick;
    private long lastProgressIn;
    private long lastProgressOut;
    private final long startNanos = System.nanoTime();

    /**
     * @param tcp server address for TCP bots, or null
     * @param webSocket server URI for WebSocket bots, or null (exactly one of the two)
     * @param count bots
     * @param duelists how many of them (the first ones) also fight duels, in pairs
     * @param dropsPerMinute connections the swarm cuts on purpose each minute, to exercise resume
     * @param progress where the progress line goes (null: none)
     * @param progressSeconds seconds between progress lines
     */
    BotSwarm(final InetSocketAddress tcp, final URI webSocket, final int count, final int duelists,
             final int dropsPerMinute, final PrintStream progress, final int progressSeconds) {
        this.tcp = tcp;
        this.webSocket = webSocket;
        this.dropsPerMinute = dropsPerMinute;
        this.duelists = duelists;
        this.progress = progress;
        this.progressSeconds = progressSeconds;
        this.group = GameClient.newEventLoopGroup(Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())));
        this.bots = new Bot[count];
    }

    /**
     * Connects the bots gradually, this many a second, instead of all at once (before {@link #start}): as players
     * arrive, not as a thundering herd whose whole views the server builds and the swarm applies in the same second.
     *
     * @param perSecond bots connected per second; 0 (the default): all at once
     * @return this
     */
    BotSwarm rampPerSecond(final int perSecond) {
        if (perSecond < 0) {
            throw new IllegalArgumentException("ramp must be >= 0 bots a second, was " + perSecond);
        }
        this.rampPerSecond = perSecond;
        return this;
    }

    private int rampPerSecond;
    /** Bots created so far (driver thread). */
    private int created;

    BotSwarm start() {
        driver.execute(() -> createBots(rampPerSecond == 0 ? bots.length : Math.max(1, rampPerSecond / TICK_HZ)));
        driver.scheduleAtFixedRate(this::tick, 0, 1000 / TICK_HZ, TimeUnit.MILLISECONDS);
        return this;
    }

    private void createBots(final int count) {
        try {
            for (final int end = Math.min(bots.length, created + count); created < end; created++) {
                bots[created] = new Bot(created);
            }
        } catch (final RuntimeException e) {
            LOG.error("bots: cannot create the swarm", e);   // say so instead of a silent, empty swarm
            throw e;
        }
    }

    /** How many bots are connected; a snapshot taken on the driver thread. */
    int connected() {
        return connected;
    }

    private volatile int connected;

    private void tick() {
        try {
            tick++;
            if (created < bots.length) {
                createBots(Math.max(1, rampPerSecond / TICK_HZ));
            }
            final long now = System.nanoTime();
            int online = 0;
            for (final Bot bot : bots) {
                if (bot != null) {
                    bot.step(now);
                    online += bot.state == State.ONLINE ? 1 : 0;
                }
            }
            connected = online;
            if (dropsPerMinute > 0 && random.nextInt(60 * TICK_HZ) < dropsPerMinute) {
                final Bot victim = bots[random.nextInt(bots.length)];
                if (victim != null && victim.state == State.ONLINE) {
                    drops++;
                    victim.client.abort();     // as if the network failed: the bot will resume
                }
            }
            if (tick % TICK_HZ == 0) {          // once a second: RTT
                for (final Bot bot : bots) {
                    if (bot != null && bot.state == State.ONLINE) {
                        bot.client.ping();
                        final long r = bot.client.smoothedRttNanos();
                        if (r > 0) {
                            rtt.recordValue(Math.min(r, rtt.getHighestTrackableValue()));
                            rttWindow.recordValue(Math.min(r, rttWindow.getHighestTrackableValue()));
                        }
                    }
                }
            }
            if (progress != null && tick % ((long) progressSeconds * TICK_HZ) == 0) {
                progress.println(progressLine());
            }
        } catch (final RuntimeException e) {
            e.printStackTrace(); // keep the driver running: one bad bot must not stop the others
        }
    }

    private String progressLine() {
        final long in = messagesIn.sum();
        final String line = String.format("bots %5d/%d connected | msgs/s in %7d out %6d | RTT p99 %6.2f ms | casts %d (retried %d) | drops %d resumed %d fresh %d",
            connected, bots.length, (in - lastProgressIn) / progressSeconds, (messagesOut - lastProgressOut) / progressSeconds,
            rttWindow.getValueAtPercentile(99) / 1e6, castResults, castsRetried, drops, resumes, freshReconnects);
        lastProgressIn = in;
        lastProgressOut = messagesOut;
        rttWindow = new Histogram(TimeUnit.SECONDS.toNanos(10), 2);
        return line;
    }

    /** The table printed at the end of a run. */
    String summary() {
        final double seconds = (System.nanoTime() - startNanos) / 1e9;
        return String.join("\n",
            "+--------------------------------+----------------+",
            row("bots (connected at the end)", connected + " / " + bots.length),
            row("run time", String.format("%.1f s", seconds)),
            row("messages received", messagesIn.sum() + String.format(" (%.0f/s)", messagesIn.sum() / seconds)),
            row("messages sent", messagesOut + String.format(" (%.0f/s)", messagesOut / seconds)),
            row("snapshots applied", Long.toString(snapshots)),
            row("duel frames applied", Long.toString(duelFrames)),
            row("duel hash mismatches / resyncs", duelKeyframeMismatches + " / " + duelResyncs),
            row("casts sent / results", castsSent + " / " + castResults),
            row("casts retried / repeated result", castsRetried + " / " + castResultsRepeated),
            row("cast latency p50 / p99", String.format("%.1f / %.1f ms", castLatency.getValueAtPercentile(50) / 1e6,
                castLatency.getValueAtPercentile(99) / 1e6)),
            row("RTT p50 / p99", String.format("%.2f / %.2f ms", rtt.getValueAtPercentile(50) / 1e6, rtt.getValueAtPercentile(99) / 1e6)),
            row("drops / resumed / fresh", drops + " / " + resumes + " / " + freshReconnects),
            "+--------------------------------+----------------+");
    }

    private static String row(final String name, final String value) {
        return String.format("| %-30s | %14s |", name, value);
    }

    /** Runs {@code task} on the driver thread and waits for it. */
    <T> T onDriver(final java.util.concurrent.Callable<T> task) throws Exception {
        return driver.submit(task).get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        driver.shutdown();
        try {
            driver.awaitTermination(5, TimeUnit.SECONDS);
            final CompletableFuture<?>[] closing = new CompletableFuture<?>[bots.length];
            for (int i = 0; i < bots.length; i++) {
                closing[i] = bots[i] == null || bots[i].client == null ? CompletableFuture.completedFuture(null) : bots[i].client.close();
            }
            CompletableFuture.allOf(closing).get(5, TimeUnit.SECONDS);
        } catch (final Exception e) {
            // closing anyway
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private enum State { CONNECTING, ONLINE, DROPPED, RESUMING, WAITING, STOPPED }

    /** One bot; driver thread only, except {@link #onMessage} (I/O thread) which only queues. */
    private final class Bot implements ClientListener {
        final int index;
        final Queue<byte[]> inbox = new ConcurrentLinkedQueue<>();
        final byte[] input = new byte[INPUT_SIZE];
        final byte[] duelInput = new byte[Duel.INPUT_SIZE];
        final boolean duelist;
        LockstepClient duel;
        final CastResult castResult = new CastResult();
        GameClient client;
        SyncClient sync;
        MessageDispatcher<Peer> dispatch;
        ServerPeer peer;
        State state;
        CompletableFuture<GameClient> pending;
        long retryAt;
        long nextTurn;
        long nextCast;
        long castId;
        long castSentAt;
        boolean castOutstanding;

        Bot(final int index) {
            this.index = index;
            this.duelist = index < duelists;
            connectFresh();
        }

        /** A new client, a new session and a new mirror (first connect, or when a resume is no longer possible). */
        void connectFresh() {
            final GameClient.Builder b = GameClient.builder().group(group)
                .clientName((duelist ? Arena.DUELIST_NAME + "-" : "bot-") + index).listener(this);
            client = (webSocket != null ? b.webSocket(webSocket) : b.tcp(tcp)).build();
            peer = new ServerPeer(client);
            sync = SyncClient.builder(World.builder().components(POSITION, HEADING).build(), RULES, peer)
                .interpolationDelayNanos(2_000_000_000L / TICK_HZ).interpolation(false)   // bots do not render,
                .inputs(INPUT_SIZE, (world, entity, input, offset) -> { }).build();      // nor predict their moves
            final MessageRegistry.Builder<Peer> messages = sync.registerHandlers(MessageRegistry.<Peer>builder())
                .register(CAST_RESULT, schema().table(CastResult.class), 64, (p, t, payload) -> onCastResult(payload));
            if (duelist) {
                seenMismatches = 0;
                seenResyncs = 0;
                duel = LockstepClient.builder(peer, Duel::emptyWorld, Duel.STEP_FRAME).clock(SystemClock.INSTANCE).inputDelay(2).build();
                duel.registerHandlers(messages);
            }
            dispatch = messages.build().newDispatcher();
            inbox.clear();
            castOutstanding = false;   // a new session starts without a cast in flight
            lastSnapshots = 0;
            pending = client.connect();
            state = State.CONNECTING;
        }

        @Override
        public void onMessage(final GameClient c, final int typeId, final ByteBuf envelope) {
            final byte[] copy = new byte[envelope.readableBytes()];
            envelope.getBytes(envelope.readerIndex(), copy);
            inbox.add(copy);
            messagesIn.increment();
        }

        void step(final long now) {
            switch (state) {
                case CONNECTING, RESUMING -> {
                    if (pending.isDone()) {
                        if (!pending.isCompletedExceptionally()) {
                            if (state == State.RESUMING) {
                                resumes++;
                                if (castOutstanding) {
                                    castSentAt = 0;   // send the outstanding cast again now
                                }
                            }
                            state = State.ONLINE;
                        } else if (state == State.RESUMING) {
                            freshReconnects++;     // the server no longer knows the session
                            if (freshReconnects <= 3) {
                                LOG.info("bot-{}: resume refused after {}: {}", index, lastClose,
                                    pending.handle((c, e) -> String.valueOf(e)).join());
                            }
                            connectFresh();
                        } else {
                            state = State.WAITING; // server not up (yet): try again in a second
                            retryAt = now + 1_000_000_000L;
                        }
                    }
                }
                case WAITING -> {
                    if (now >= retryAt) {
                        connectFresh();
                    }
                }
                case DROPPED -> {
                    if (now >= retryAt) {
                        pending = client.resume();
                        state = State.RESUMING;
                    }
                }
                case ONLINE -> play(now);
                case STOPPED -> {
                }
            }
        }

        void play(final long now) {
            byte[] msg;
            while ((msg = inbox.poll()) != null) {
                if (dispatch.dispatch(peer, ByteBuffer.wrap(msg), 0, msg.length) != WireError.OK && ++rejected <= 3) {
                    LOG.warn("bot-{}: message refused: {}", index, dispatch.lastError());
                }
            }
            snapshots += sync.snapshotsApplied() - lastSnapshots;
            lastSnapshots = sync.snapshotsApplied();
            if (client.closeFuture().isDone()) {
                final CloseReason why = client.closeFuture().join();
                lastClose = why;
                if (why.code() == CloseCodes.SHUTDOWN || why.code() == CloseCodes.NORMAL) {
                    state = State.STOPPED;           // the server is going away (or we closed): stay off
                } else if (client.canResume()) {
                    state = State.DROPPED;
                    retryAt = now + 200_000_000L;
                } else {
                    state = State.WAITING;
                    retryAt = now + 1_000_000_000L;
                }
                return;
            }
            if (now >= nextTurn) {                   // walk somewhere else every few seconds
                input[0] = (byte) (random.nextInt(3) - 1);
                input[1] = (byte) (random.nextInt(3) - 1);
                nextTurn = now + random.nextLong(1_000_000_000L, 4_000_000_000L);
            }
            sync.sendInput(input, 0);
            if (!castOutstanding && now >= nextCast) {
                castId++;
                castOutstanding = true;
                castSentAt = 0;
                castsSent++;
            }
            if (castOutstanding && now - castSentAt > 2_000_000_000L) {   // first send, or no result for 2 s
                if (castSentAt != 0) {
                    castsRetried++;
                }
                castFirstSent = castSentAt == 0 && castFirstSent == 0 ? now : castFirstSent;
                castSentAt = now;
                final FlatBufferBuilder b = writer.begin(CAST);
                peer.send(writer.finish(Cast.createCast(b, castId, 1)), Delivery.RELIABLE);
            }
            if (duel != null) {
                if (duel.joined()) {
                    Duel.botInput(duel.world(), duel.slot(), duelInput);
                    duel.input(duelInput);
                }
                duelFrames += duel.update();
                duelKeyframeMismatches += duel.keyframeMismatches() - seenMismatches;
                seenMismatches = duel.keyframeMismatches();
                duelResyncs += duel.resyncs() - seenResyncs;
                seenResyncs = duel.resyncs();
            }
            client.flush();
        }

        long seenMismatches;
        long seenResyncs;
        long lastSnapshots;
        CloseReason lastClose;
        long castFirstSent;

        void onCastResult(final ByteBuffer payload) {
            final CastResult r = CastResult.getRootAsCastResult(payload, castResult);
            if (castOutstanding && r.castId() == castId) {
                castOutstanding = false;
                castResults++;
                castLatency.recordValue(Math.min(System.nanoTime() - castFirstSent, castLatency.getHighestTrackableValue()));
                castFirstSent = 0;
                nextCast = System.nanoTime() + random.nextLong(2_000_000_000L, 5_000_000_000L);
            } else {
                castResultsRepeated++;   // the answer to a retry of a cast already answered
            }
        }
    }

    /** The server as an mmo-core {@link Peer}, which is what a {@link SyncClient} talks to. */
    private final class ServerPeer implements Peer {
        private final GameClient client;

        ServerPeer(final GameClient client) {
            this.client = client;
        }

        @Override
        public long id() {
            return client.sessionId();
        }

        @Override
        public boolean send(final ByteBuffer envelope, final Delivery delivery) {
            messagesOut++;
            return client.send(envelope);
        }

        @Override
        public void flush() {
            client.flush();
        }

        @Override
        public long rttNanos() {
            return client.smoothedRttNanos();
        }

        @Override
        public boolean isOpen() {
            return client.isOpen();
        }

        @Override
        public void close(final int code, final String reason) {
            LOG.warn("closing the connection: {} ({})", reason, code);
            client.close();
        }
    }
}
