package org.mmosdk.shard.link;

/**
 * Where a message received over a node link came from: the context of the handlers registered with
 * {@link NodeLinks.Builder#handler}. One instance per sending node; immutable.
 */
public final class LinkSource {
    private final int nodeId;

    LinkSource(final int nodeId) {
        this.nodeId = nodeId;
    }

    /**
     * The sending node, as it authenticated.
     *
     * @return node id in [1, {@link org.mmosdk.core.id.NodeIds#MAX}]
     */
    public int nodeId() {
        return nodeId;
    }

    @Override
    public String toString() {
        return "node:" + nodeId;
    }
}
