package org.mmosdk.shard.saga;

import java.util.List;

/**
 * A named, ordered list of steps. The name is written to the saga log, so a coordinator that recovers the log
 * after a crash finds the steps again: register the same definitions under the same names on every start.
 *
 * <p>Immutable.
 */
public final class SagaDefinition {
    /** Most steps in one saga. */
    public static final int MAX_STEPS = 1024;

    private final String name;
    private final List<SagaStep> steps;

    private SagaDefinition(final String name, final List<SagaStep> steps) {
        this.name = name;
        this.steps = steps;
    }

    /**
     * A definition.
     *
     * @param name a stable name, 1 to 200 characters
     * @param steps executed in order, compensated in reverse order
     * @return the definition
     * @throws IllegalArgumentException naming the invalid value
     */
    public static SagaDefinition of(final String name, final SagaStep... steps) {
        if (name == null || name.isEmpty() || name.length() > 200) {
            throw new IllegalArgumentException("saga name must have 1 to 200 characters, was " + name);
        }
        if (steps.length < 1 || steps.length > MAX_STEPS) {
            throw new IllegalArgumentException("a saga must have 1 to " + MAX_STEPS + " steps, had " + steps.length);
        }
        for (int i = 0; i < steps.length; i++) {
            if (steps[i] == null) {
                throw new IllegalArgumentException("step " + i + " of saga " + name + " is null");
            }
        }
        return new SagaDefinition(name, List.of(steps));
    }

    /**
     * The name.
     *
     * @return the name written to the log
     */
    public String name() {
        return name;
    }

    /**
     * The steps.
     *
     * @return an unmodifiable list
     */
    public List<SagaStep> steps() {
        return steps;
    }
}
