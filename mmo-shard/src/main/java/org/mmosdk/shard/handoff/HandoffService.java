package org.mmosdk.shard.handoff;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntUnaryOperator;

import com.google.flatbuffers.FlatBufferBuilder;
import org.mmosdk.core.id.NodeIds;
import org.mmosdk.core.stats.Counter;
import org.mmosdk.core.stats.StatsRegistry;
import org.mmosdk.core.wire.EnvelopeWriter;
import org.mmosdk.ecs.LongField;
import org.mmosdk.ecs.World;
import org.mmosdk.shard.link.LinkSource;
import org.mmosdk.shard.link.NodeLinks;
import org.mmosdk.shard.link.ShardMessageTypes;
import org.mmosdk.shard.wire.fb.ForwardedInput;
import org.mmosdk.shard.wire.fb.GhostBatch;
import org.mmosdk.shard.wire.fb.Handoff;
import org.mmosdk.shard.wire.fb.HandoffAck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entity handoff between zones, on one node: routes handoffs, their acknowledgements and forwarded inputs between this
 * node's zones ({@link ZoneHandoff}, one per hosted zone) and the zones of other nodes over {@link NodeLinks}.
 *
 * <pre>{@code
 * HandoffService handoffs = HandoffService.builder(nodeId, routes::routeZone).build();
 * NodeLinks links = handoffs.install(NodeLinks.builder(nodeId)).build().start();
 * handoffs.bind(links);
 * ZoneHandoff zone0 = handoffs.host(0, world, Pos.GID, inputSink, listener);   // on zone 0's thread from now on
 * }</pre>
 *
 * <p>Protocol of one move (see {@link ZoneHandoff} for the zone side): the source freezes the entity and sends a
 * {@code Handoff} (at least once, over the link); the target inserts it once per transfer id and answers
 * {@code HandoffAck}; the source then destroys its copy and forwards the inputs that arrived meanwhile. A target that
 * does not host the zone (any more) answers {@code accepted=false} and the source keeps the entity.
 *
 * <p>Threads: {@link #install}, {@link #bind}, {@link #host} and {@link #unhost} from any thread (not from a link
 * handler); the link handlers run on the links' I/O threads and only copy the message into the target zone's inbox.
 */
public final class HandoffService {
    private static final Logger LOG = LoggerFactory.getLogger(HandoffService.class);
    /** Default capacity of a zone's inbox; a full inbox refuses the message (the link delivers it again later). */
    public static final int INBOX_CAPACITY_DEFAULT = 1 << 16;

    final int nodeId;
    final IntUnaryOperator zoneOwner;
    final int inboxCapacity;
    final long forwardForNanos;
    final Counter dropped;
    final StatsRegistry stats;
    private final Map<Integer, ZoneHandoff> zones = new ConcurrentHashMap<>();
    private final Map<Integer, Integer> movedTo = new ConcurrentHashMap<>();
    private final Map<Integer, Parking> arriving = new ConcurrentHashMap<>();
    private final AtomicLong transfers = new AtomicLong();
    private final ThreadLocal<EnvelopeWriter> writers = ThreadLocal.withInitial(() -> new EnvelopeWriter(256));
    private volatile NodeLinks links;

    private HandoffService(final Builder b) {
        this.nodeId = b.nodeId;
        this.zoneOwner = b.zoneOwner;
        this.inboxCapacity = b.inboxCapacity;
        this.forwardForNanos = b.forwardForNanos;
        this.stats = b.stats;
        this.dropped = b.stats.counter("shard.handoff.dropped", "handoff messages for no hosted zone, dropped or refused",
            "node", Integer.toString(b.nodeId));
    }

    /**
     * A builder.
     *
     * @param nodeId this node
     * @param zoneOwner the node that owns a zone now, e.g. {@code routes::routeZone} of a
     *     {@link org.mmosdk.shard.partition.RouteCache} kept current by
     *     {@link org.mmosdk.shard.partition.MembershipRouting}; called on zone and I/O threads, must be thread-safe
     * @return a builder
     */
    public static Builder builder(final int nodeId, final IntUnaryOperator zoneOwner) {
        return new Builder(NodeIds.check(nodeId), zoneOwner);
    }

    /**
     * Registers the handoff message handlers on the links being built.
     *
     * @param links the builder of this node's links
     * @return the same builder
     */
    public NodeLinks.Builder install(final NodeLinks.Builder links) {
        return links
            .handler(ShardMessageTypes.HANDOFF, ShardMessageTypes.schema().table(Handoff.class), 70_000, this::onHandoff)
            .handler(ShardMessageTypes.HANDOFF_ACK, ShardMessageTypes.schema().table(HandoffAck.class), 256, this::onAck)
            .handler(ShardMessageTypes.FORWARDED_INPUT, ShardMessageTypes.schema().table(ForwardedInput.class), 4200,
                this::onInput)
            .handler(ShardMessageTypes.GHOST_BATCH, ShardMessageTypes.schema().table(GhostBatch.class), 4_700_000,
                this::onGhosts);
    }

    /**
     * Sends through these links from now on.
     *
     * @param nodeLinks this node's links, built from {@link #install}
     */
    public void bind(final NodeLinks nodeLinks) {
        if (nodeLinks.nodeId() != nodeId) {
            throw new IllegalArgumentException("links of node " + nodeLinks.nodeId() + " given to the handoffs of node " + nodeId);
        }
        this.links = nodeLinks;
    }

    /**
     * Starts hosting a zone's handoffs. The returned object belongs to the zone's thread.
     *
     * @param zone the zone id
     * @param world the zone's world; it must register {@link ZoneHandoff#FROZEN} and the component of {@code gid}
     * @param gid the field holding each entity's stable global id (non-zero, the same on every node)
     * @param inputs receives inputs for the zone's entities, on the zone thread
     * @param listener life-cycle callbacks on the zone thread, e.g. for metrics; may be null
     * @return the zone's handoff agent
     * @throws IllegalStateException if the zone is already hosted here
     */
    public ZoneHandoff host(final int zone, final World world, final LongField gid, final InputSink inputs,
                            final HandoffListener listener) {
        final ZoneHandoff z = new ZoneHandoff(this, zone, world, gid, inputs,
            listener == null ? new HandoffListener() { } : listener);
        if (zones.putIfAbsent(zone, z) != null) {
            throw new IllegalStateException("zone " + zone + " is already hosted on node " + nodeId);
        }
        movedTo.remove(zone);
        final Parking parked = arriving.remove(zone);
        if (parked != null) {
            for (final Object m : parked.close()) {
                if (z.offer(m) != ZoneHandoff.OFFERED) {
                    dropped.increment();
                    LOG.warn("zone {}: inbox full while taking the messages parked during its arrival", zone);
                }
            }
        }
        return z;
    }

    /**
     * Stops hosting a zone that shuts down here (not one that moves: {@link ZoneMigration} does that). Call it on the
     * zone's thread after its last tick: handoffs still in its inbox and later ones are refused (their sources keep
     * the entities), inputs go to the zone's owner by the routes if that is another node.
     *
     * @param zone the zone id
     * @return its agent, or null if it was not hosted
     */
    public ZoneHandoff unhost(final int zone) {
        final ZoneHandoff z = zones.remove(zone);
        if (z != null) {
            z.closeInbox(ownerOf(zone));
        }
        return z;
    }

    /**
     * The agent of a hosted zone.
     *
     * @param zone the zone id
     * @return the agent or null
     */
    public ZoneHandoff zone(final int zone) {
        return zones.get(zone);
    }

    /**
     * This node.
     *
     * @return the node id
     */
    public int nodeId() {
        return nodeId;
    }

    /**
     * Sends a player input to a zone wherever it runs (this node's inbox, or over the link to its owner): what a
     * gateway does with a session's input. The zone applies it with {@link ZoneHandoff#routeInput}.
     *
     * @param zone the zone the session's entity is in
     * @param gid the entity's global id
     * @param input the input between position and limit, at most 4096 bytes; copied
     * @return false if the zone has no owner or the link to its owner refused (window full)
     */
    public boolean sendInput(final int zone, final long gid, final ByteBuffer input) {
        final EnvelopeWriter w = writers.get();
        final FlatBufferBuilder b = w.begin(ShardMessageTypes.FORWARDED_INPUT);
        final int v = ForwardedInput.createInputVector(b, input.duplicate());
        return send(ownerOf(zone), zone, w.finish(ForwardedInput.createForwardedInput(b, gid, zone, v)));
    }

    /** The zone's owner: where it just moved from here, else the routes' answer. */
    int ownerOf(final int zone) {
        final Integer moved = movedTo.get(zone);
        return moved != null ? moved : zoneOwner.applyAsInt(zone);
    }

    /** Remembers that a zone hosted here moved to {@code node} (until the routes know), and stops hosting it. */
    void moved(final int zone, final int node) {
        movedTo.put(zone, node);
        zones.remove(zone);
    }

    long nextTransfer() {
        return ((long) nodeId << 44) | transfers.incrementAndGet();
    }

    /**
     * Sends an envelope to a node's zones: into the local zone's inbox without a link if the node is this one.
     *
     * @return false if refused (window full, or a local inbox full / zone not hosted)
     */
    boolean send(final int node, final int zone, final ByteBuffer envelope) {
        if (node == nodeId) {
            return deliverLocal(nodeId, zone, envelope);
        }
        final NodeLinks l = links;
        return node != NodeIds.NONE && l != null && l.send(node, envelope);
    }

    /** Parses a verified envelope as a link handler would and hands it to the local zone. */
    private boolean deliverLocal(final int fromNode, final int zone, final ByteBuffer envelope) {
        final ByteBuffer payload = envelope.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        final int type = payload.getShort(payload.position()) & 0xFFFF;
        payload.position(payload.position() + 2);
        final Object message = switch (type) {
            case ShardMessageTypes.HANDOFF -> ZoneHandoff.InHandoff.of(fromNode, Handoff.getRootAsHandoff(payload));
            case ShardMessageTypes.HANDOFF_ACK -> ZoneHandoff.InAck.of(HandoffAck.getRootAsHandoffAck(payload));
            case ShardMessageTypes.FORWARDED_INPUT -> ZoneHandoff.InInput.of(ForwardedInput.getRootAsForwardedInput(payload));
            case ShardMessageTypes.GHOST_BATCH -> ZoneHandoff.InGhosts.of(fromNode, GhostBatch.getRootAsGhostBatch(payload));
            default -> throw new IllegalArgumentException("not a handoff message: type 0x" + Integer.toHexString(type));
        };
        return offer(zone, message) == ZoneHandoff.OFFERED;
    }

    /** Into a hosted zone's inbox, or parked for a zone arriving by migration. */
    private int offer(final int zone, final Object message) {
        while (true) {
            final ZoneHandoff z = zones.get(zone);
            if (z != null) {
                return z.offer(message);
            }
            final Parking p = arriving.get(zone);
            if (p == null) {
                return ZoneHandoff.CLOSED;
            }
            if (p.park(message)) {
                return ZoneHandoff.OFFERED;
            }
            // the parking closed meanwhile: hosted now, or cancelled
            if (zones.get(zone) == null && arriving.get(zone) == null) {
                return ZoneHandoff.CLOSED;
            }
        }
    }

    /** Messages for a zone that is arriving by migration, held until it is hosted. */
    private static final class Parking {
        private final ArrayList<Object> messages = new ArrayList<>();
        private boolean closed;

        synchronized boolean park(final Object m) {
            if (closed) {
                return false;
            }
            messages.add(m);
            return true;
        }

        synchronized List<Object> close() {
            closed = true;
            return messages;
        }
    }

    /** A zone is about to arrive here: hold its messages until {@link #host} (or {@link #cancelExpect}). */
    void expect(final int zone) {
        arriving.putIfAbsent(zone, new Parking());
    }

    /** The zone did not arrive: refuse the parked handoffs, pass the parked inputs on. */
    void cancelExpect(final int zone) {
        final Parking p = arriving.remove(zone);
        if (p == null) {
            return;
        }
        for (final Object m : p.close()) {
            if (m instanceof ZoneHandoff.InHandoff h) {
                final EnvelopeWriter w = writers.get();
                final FlatBufferBuilder b = w.begin(ShardMessageTypes.HANDOFF_ACK);
                send(h.fromNode(), h.fromZone(),
                    w.finish(HandoffAck.createHandoffAck(b, h.gid(), h.transfer(), h.fromZone(), h.toZone(), false)));
            } else if (m instanceof ZoneHandoff.InInput in) {
                final int owner = ownerOf(zone);
                if (owner == nodeId || !sendInput(zone, in.gid(), ByteBuffer.wrap(in.input()))) {
                    dropped.increment();
                }
            } else {
                dropped.increment();
            }
        }
    }

    // ---- link handlers (I/O threads)

    private void onHandoff(final LinkSource from, final int type, final ByteBuffer payload) {
        final Handoff h = Handoff.getRootAsHandoff(payload);
        final int offered = offer(h.toZone(), ZoneHandoff.InHandoff.of(from.nodeId(), h));
        if (offered == ZoneHandoff.OFFERED) {
            return;
        }
        if (offered == ZoneHandoff.FULL) {
            throw new IllegalStateException("inbox of zone " + h.toZone() + " is full"); // not acked: delivered again later
        }
        dropped.increment();
        LOG.debug("handoff of {} to zone {} refused: not hosted on node {}", h.gid(), h.toZone(), nodeId);
        final EnvelopeWriter w = writers.get();
        final FlatBufferBuilder b = w.begin(ShardMessageTypes.HANDOFF_ACK);
        if (!send(from.nodeId(), h.fromZone(),
            w.finish(HandoffAck.createHandoffAck(b, h.gid(), h.transfer(), h.fromZone(), h.toZone(), false)))) {
            throw new IllegalStateException("cannot refuse handoff " + h.transfer() + ": link to node " + from.nodeId() + " full");
        }
    }

    private void onAck(final LinkSource from, final int type, final ByteBuffer payload) {
        final HandoffAck a = HandoffAck.getRootAsHandoffAck(payload);
        final int offered = offer(a.fromZone(), ZoneHandoff.InAck.of(a));
        if (offered == ZoneHandoff.CLOSED) {
            dropped.increment();
            LOG.warn("handoff ack of {} (transfer {}) for zone {}, not hosted on node {}: dropped", a.gid(), a.transfer(),
                a.fromZone(), nodeId);
            return;
        }
        if (offered == ZoneHandoff.FULL) {
            throw new IllegalStateException("inbox of zone " + a.fromZone() + " is full");
        }
    }

    private void onInput(final LinkSource from, final int type, final ByteBuffer payload) {
        final ForwardedInput in = ForwardedInput.getRootAsForwardedInput(payload);
        final int offered = offer(in.toZone(), ZoneHandoff.InInput.of(in));
        if (offered == ZoneHandoff.OFFERED) {
            return;
        }
        if (offered == ZoneHandoff.FULL) {
            throw new IllegalStateException("inbox of zone " + in.toZone() + " is full");
        }
        final int owner = ownerOf(in.toZone());
        if (owner != nodeId && owner != NodeIds.NONE && owner != from.nodeId()) {
            final ByteBuffer copy = ByteBuffer.allocate(payload.remaining() + 2).order(ByteOrder.LITTLE_ENDIAN);
            copy.putShort((short) ShardMessageTypes.FORWARDED_INPUT).put(payload.duplicate()).flip();
            if (send(owner, in.toZone(), copy)) {
                return;
            }
        }
        dropped.increment();
    }

    private void onGhosts(final LinkSource from, final int type, final ByteBuffer payload) {
        final GhostBatch g = GhostBatch.getRootAsGhostBatch(payload);
        if (offer(g.toZone(), ZoneHandoff.InGhosts.of(from.nodeId(), g)) != ZoneHandoff.OFFERED) {
            dropped.increment(); // ghosts are state: the next batch replaces this one
        }
    }

    /** Settings of a {@link HandoffService}. Not thread-safe. */
    public static final class Builder {
        private final int nodeId;
        private final IntUnaryOperator zoneOwner;
        private int inboxCapacity = INBOX_CAPACITY_DEFAULT;
        private long forwardForNanos = 10_000_000_000L;
        private StatsRegistry stats = new StatsRegistry();

        private Builder(final int nodeId, final IntUnaryOperator zoneOwner) {
            this.nodeId = nodeId;
            this.zoneOwner = zoneOwner;
        }

        /**
         * Capacity of each zone's inbox.
         *
         * @param capacity in [16, 2^24]; default {@value HandoffService#INBOX_CAPACITY_DEFAULT}
         * @return this
         */
        public Builder inboxCapacity(final int capacity) {
            this.inboxCapacity = capacity;
            return this;
        }

        /**
         * How long a zone keeps forwarding inputs for an entity that left it (gateways may still route to it).
         *
         * @param nanos in [1 ms, 1 h]; default 10 s
         * @return this
         */
        public Builder forwardForNanos(final long nanos) {
            this.forwardForNanos = nanos;
            return this;
        }

        /**
         * Where the handoff counters go ({@code shard.handoff.*}).
         *
         * @param registry the registry
         * @return this
         */
        public Builder stats(final StatsRegistry registry) {
            this.stats = registry;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the service
         */
        public HandoffService build() {
            if (zoneOwner == null) {
                throw new IllegalArgumentException("zoneOwner must not be null");
            }
            if (inboxCapacity < 16 || inboxCapacity > 1 << 24) {
                throw new IllegalArgumentException("inboxCapacity must be in [16, 16777216], was " + inboxCapacity);
            }
            if (forwardForNanos < 1_000_000L || forwardForNanos > 3_600_000_000_000L) {
                throw new IllegalArgumentException("forwardForNanos must be in [1 ms, 1 h], was " + forwardForNanos);
            }
            if (stats == null) {
                throw new IllegalArgumentException("stats registry must not be null");
            }
            return new HandoffService(this);
        }
    }
}
