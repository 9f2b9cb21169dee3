package org.mmosdk.shard.partition;

/**
 * A rectangular world cut into square cells, and the cells grouped into a grid of rectangular zones.
 * Zone ids are {@code 0 .. zoneCount() - 1}, row-major; {@link #NO_ZONE} names a position outside the world.
 *
 * <p>Immutable and thread-safe; lookups do not allocate.
 */
public final class ZoneLayout {
    /** Returned for a position or cell outside the world. */
    public static final int NO_ZONE = -1;
    /** Most cells along one axis. */
    public static final int MAX_CELLS_PER_AXIS = 1 << 20;

    private final double originX;
    private final double originY;
    private final double cellSize;
    private final int cellsX;
    private final int cellsY;
    private final int zonesX;
    private final int zonesY;

    private ZoneLayout(final Builder b) {
        this.originX = b.originX;
        this.originY = b.originY;
        this.cellSize = b.cellSize;
        this.cellsX = b.cellsX;
        this.cellsY = b.cellsY;
        this.zonesX = b.zonesX;
        this.zonesY = b.zonesY;
    }

    /**
     * A builder; every value has to be set except the origin (0, 0).
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The cell column of an x coordinate.
     *
     * @param x world x
     * @return the column, or {@link #NO_ZONE} outside the world
     */
    public int cellX(final double x) {
        return cellIndex(x, originX, cellsX);
    }

    /**
     * The cell row of a y coordinate.
     *
     * @param y world y
     * @return the row, or {@link #NO_ZONE} outside the world
     */
    public int cellY(final double y) {
        return cellIndex(y, originY, cellsY);
    }

    private int cellIndex(final double v, final double origin, final int cells) {
        final double c = Math.floor((v - origin) / cellSize);
        return c >= 0 && c < cells ? (int) c : NO_ZONE;
    }

    /**
     * The zone of a cell.
     *
     * @param cellX column in [0, cellsX)
     * @param cellY row in [0, cellsY)
     * @return the zone id, or {@link #NO_ZONE} outside the world
     */
    public int zoneOfCell(final int cellX, final int cellY) {
        if (cellX < 0 || cellX >= cellsX || cellY < 0 || cellY >= cellsY) {
            return NO_ZONE;
        }
        final int zx = (int) ((long) cellX * zonesX / cellsX);
        final int zy = (int) ((long) cellY * zonesY / cellsY);
        return zy * zonesX + zx;
    }

    /**
     * The zone of a world position.
     *
     * @param x world x
     * @param y world y
     * @return the zone id, or {@link #NO_ZONE} outside the world
     */
    public int zoneAt(final double x, final double y) {
        final int cx = cellX(x);
        final int cy = cellY(y);
        return cx == NO_ZONE || cy == NO_ZONE ? NO_ZONE : zoneOfCell(cx, cy);
    }

    /**
     * The number of zones.
     *
     * @return zonesX × zonesY
     */
    public int zoneCount() {
        return zonesX * zonesY;
    }

    /**
     * Cells along x.
     *
     * @return at least 1
     */
    public int cellsX() {
        return cellsX;
    }

    /**
     * Cells along y.
     *
     * @return at least 1
     */
    public int cellsY() {
        return cellsY;
    }

    /**
     * Edge length of a cell in world units.
     *
     * @return greater than 0
     */
    public double cellSize() {
        return cellSize;
    }

    @Override
    public String toString() {
        return "ZoneLayout{origin=(" + originX + ", " + originY + "), cellSize=" + cellSize + ", cells=" + cellsX + 'x'
            + cellsY + ", zones=" + zonesX + 'x' + zonesY + '}';
    }

    /** Builds a {@link ZoneLayout}; validated once in {@link #build()}. */
    public static final class Builder {
        private double originX;
        private double originY;
        private double cellSize = Double.NaN;
        private int cellsX;
        private int cellsY;
        private int zonesX;
        private int zonesY;

        private Builder() {
        }

        /**
         * The world's lowest corner.
         *
         * @param x lowest x
         * @param y lowest y
         * @return this
         */
        public Builder origin(final double x, final double y) {
            this.originX = x;
            this.originY = y;
            return this;
        }

        /**
         * Edge length of a cell.
         *
         * @param size world units, finite and greater than 0
         * @return this
         */
        public Builder cellSize(final double size) {
            this.cellSize = size;
            return this;
        }

        /**
         * The world's size in cells.
         *
         * @param x cells along x, in [1, {@link #MAX_CELLS_PER_AXIS}]
         * @param y cells along y, in [1, {@link #MAX_CELLS_PER_AXIS}]
         * @return this
         */
        public Builder cells(final int x, final int y) {
            this.cellsX = x;
            this.cellsY = y;
            return this;
        }

        /**
         * The zone grid.
         *
         * @param x zones along x, in [1, cells along x]
         * @param y zones along y, in [1, cells along y]
         * @return this
         */
        public Builder zones(final int x, final int y) {
            this.zonesX = x;
            this.zonesY = y;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the layout
         * @throws IllegalArgumentException naming the first invalid value
         */
        public ZoneLayout build() {
            if (!(cellSize > 0) || Double.isInfinite(cellSize)) {
                throw new IllegalArgumentException("cellSize must be finite and > 0, was " + cellSize
                    + " (call cellSize(...))");
            }
            if (!Double.isFinite(originX) || !Double.isFinite(originY)) {
                throw new IllegalArgumentException("origin must be finite, was (" + originX + ", " + originY + ")");
            }
            checkRange("cells x", cellsX, 1, MAX_CELLS_PER_AXIS);
            checkRange("cells y", cellsY, 1, MAX_CELLS_PER_AXIS);
            checkRange("zones x", zonesX, 1, cellsX);
            checkRange("zones y", zonesY, 1, cellsY);
            return new ZoneLayout(this);
        }

        private static void checkRange(final String what, final int value, final int min, final int max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(what + " must be in [" + min + ", " + max + "], was " + value);
            }
        }
    }
}
