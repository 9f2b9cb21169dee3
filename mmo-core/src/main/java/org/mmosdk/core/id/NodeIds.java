package org.mmosdk.core.id;

/**
 * Node ids are {@code int}s in [1, {@link #MAX}]; 0 ({@link #NONE}) names no node. They fit in the 16 bits that
 * {@link SessionIds} reserve, so a session id says which node issued it.
 */
public final class NodeIds {
    /** Names no node. */
    public static final int NONE = 0;
    /** Largest node id. */
    public static final int MAX = 0xFFFF;

    private NodeIds() {
    }

    /**
     * Checks a node id, for configuration.
     *
     * @param nodeId the id
     * @return {@code nodeId}
     * @throws IllegalArgumentException outside [1, {@link #MAX}]
     */
    public static int check(final int nodeId) {
        if (nodeId < 1 || nodeId > MAX) {
            throw new IllegalArgumentException("nodeId must be in [1, " + MAX + "], was " + nodeId);
        }
        return nodeId;
    }
}
