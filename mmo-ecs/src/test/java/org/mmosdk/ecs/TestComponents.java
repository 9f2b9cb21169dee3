package org.mmosdk.ecs;

/** Components used by the tests: every field kind, a tag and an object field. */
final class TestComponents {
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
    static final ShortField ARMOR = HEALTH_B.shortField("armor");
    static final ByteField LEVEL = HEALTH_B.byteField("level");
    static final DoubleField SHIELD = HEALTH_B.doubleField("shield");
    static final LongField LAST_HIT = HEALTH_B.longField("lastHit");
    static final BoolField DOWNED = HEALTH_B.boolField("downed");
    static final ComponentType HEALTH = HEALTH_B.build();

    static final ComponentType FROZEN = ComponentType.tag("Frozen");

    static final ComponentType.Builder NAME_B = ComponentType.builder("Name");
    static final RefField<String> NAME = NAME_B.refField("name", String.class);
    static final ComponentType NAMED = NAME_B.build();

    static final ComponentType[] ALL = {POSITION, VELOCITY, HEALTH, FROZEN, NAMED};

    private TestComponents() {
    }

    static World newWorld(final int chunkCapacity) {
        return World.builder().components(ALL).chunkCapacity(chunkCapacity).initialEntities(16).build();
    }
}
