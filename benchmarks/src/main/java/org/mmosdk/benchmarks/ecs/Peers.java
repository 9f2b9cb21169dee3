package org.mmosdk.benchmarks.ecs;

import com.artemis.ComponentMapper;
import com.artemis.annotations.All;
import com.artemis.systems.IteratingSystem;
import org.mmosdk.ecs.ComponentType;
import org.mmosdk.ecs.FloatField;
import org.mmosdk.ecs.IntField;

/** The same components for every library. */
final class Peers {
    private Peers() {
    }

    // ---- mmo-ecs
    static final ComponentType.Builder POS_B = ComponentType.builder("Position");
    static final FloatField POS_X = POS_B.floatField("x");
    static final FloatField POS_Y = POS_B.floatField("y");
    static final ComponentType POSITION = POS_B.build();
    static final ComponentType.Builder VEL_B = ComponentType.builder("Velocity");
    static final FloatField VEL_X = VEL_B.floatField("x");
    static final FloatField VEL_Y = VEL_B.floatField("y");
    static final ComponentType VELOCITY = VEL_B.build();
    static final ComponentType.Builder HEALTH_B = ComponentType.builder("Health");
    static final IntField HP = HEALTH_B.intField("hp");
    static final ComponentType HEALTH = HEALTH_B.build();

    // ---- artemis-odb: components extend Component, systems are IteratingSystems with injected mappers
    public static final class APosition extends com.artemis.Component {
        public float x;
        public float y;
    }

    public static final class AVelocity extends com.artemis.Component {
        public float x;
        public float y;
    }

    public static final class AHealth extends com.artemis.Component {
        public int hp;
    }

    @All({APosition.class, AVelocity.class})
    public static final class AMovement extends IteratingSystem {
        ComponentMapper<APosition> mPosition;
        ComponentMapper<AVelocity> mVelocity;

        @Override
        protected void process(final int entityId) {
            final APosition p = mPosition.get(entityId);
            final AVelocity v = mVelocity.get(entityId);
            p.x += v.x * world.delta;
            p.y += v.y * world.delta;
        }
    }

    // ---- Dominion: plain objects as components
    public static final class DPosition {
        public float x;
        public float y;
    }

    public static final class DVelocity {
        public float x;
        public float y;

        DVelocity(final float x, final float y) {
            this.x = x;
            this.y = y;
        }
    }

    public static final class DHealth {
        public int hp;
    }
}
