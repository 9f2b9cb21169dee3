package org.mmosdk.shard.saga;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs sagas: steps in order, and on a refusal (or a step that keeps failing) the compensations of every step that
 * may have applied, in reverse order. Every decision is written to a durable log first, so that a new orchestrator
 * opened on the same log after a crash finishes each saga the crashed one left open ({@link #recover()}):
 * <ul>
 *   <li>not aborted: it resumes forward from the first step not known to be done, re-executing the step that was
 *       in flight (participants are idempotent per {@link StepId}, so it applies at most once);</li>
 *   <li>aborted: it compensates backwards every step that was begun and is not known to be compensated.</li>
 * </ul>
 * Every saga therefore ends fully applied or fully compensated, given participants that keep the
 * {@link SagaStep} rules.
 *
 * <p><b>Durability.</b> Before each participant call the log is forced to the device (unless built with
 * {@code durable(false)}), so a participant never acts on a step the log could forget, even after an operating
 * system crash. Records written after the last participant call (the end of a saga) are not forced: if they are
 * lost, recovery repeats idempotent calls and reaches the same end.
 *
 * <p><b>Log size.</b> Ended sagas stay in the log until {@link #recover()} finds no saga open and the log larger
 * than {@link Builder#maxLogBytes(long)}; it is then replaced (atomically) by one record that keeps saga ids unique.
 *
 * <p><b>Threads.</b> Any thread may call {@link #run} (several sagas may run at once, on different threads) and
 * {@link #recover()}; both block on participant calls and on the log. Only one orchestrator may have a log open
 * (a file lock enforces it, across processes).
 */
public final class SagaOrchestrator implements AutoCloseable {
    /** Default attempts of one participant call before giving up on it. */
    public static final int MAX_ATTEMPTS_DEFAULT = 3;
    /** Default log size above which an idle log is compacted. */
    public static final long MAX_LOG_BYTES_DEFAULT = 16L << 20;

    private static final Logger LOG = LoggerFactory.getLogger(SagaOrchestrator.class);

    private final SagaLog log;
    private final Map<String, SagaDefinition> definitions;
    private final int maxAttempts;
    private final long maxLogBytes;
    private final CrashPoint crash;

    /**
     * The result of one saga.
     *
     * @param sagaId the saga's id (its steps' idempotency keys are {@code (sagaId, step)})
     * @param outcome how it ended
     */
    public record Result(long sagaId, SagaOutcome outcome) {
    }

    private SagaOrchestrator(final Builder b, final SagaLog log) {
        this.log = log;
        this.definitions = Map.copyOf(b.definitions);
        this.maxAttempts = b.maxAttempts;
        this.maxLogBytes = b.maxLogBytes;
        this.crash = b.crash;
    }

    /**
     * A builder.
     *
     * @param logFile the saga log; its directory must exist
     * @return a new builder
     */
    public static Builder builder(final Path logFile) {
        return new Builder(logFile);
    }

    /**
     * Starts a saga and runs it to its end on the calling thread.
     *
     * @param definition a registered definition's name
     * @param input the saga's input, handed to every step; at most 1 MiB
     * @return its id and outcome
     * @throws IOException if the log cannot be written (the saga may be open in the log; {@link #recover()}
     *     finishes it)
     * @throws IllegalArgumentException if the definition is unknown
     */
    public Result run(final String definition, final byte[] input) throws IOException {
        final SagaDefinition def = definitions.get(definition);
        if (def == null) {
            throw new IllegalArgumentException("unknown saga definition '" + definition + "', known: " + definitions.keySet());
        }
        if (input.length > (1 << 20)) {
            throw new IllegalArgumentException("saga input must be at most 1 MiB, was " + input.length + " bytes");
        }
        crash.at(CrashPoint.Where.BEFORE_START_LOG, -1, -1);
        final SagaLog.State s = log.start(definition, input.clone());
        try {
            crash.at(CrashPoint.Where.AFTER_START_LOG, s.id, -1);
            return new Result(s.id, drive(def, s));
        } finally {
            log.release(s);
        }
    }

    /**
     * Finishes every saga the log shows open (left by a crash, or {@link SagaOutcome#PENDING}) that no thread is
     * running now, one after another on the calling thread. Call it after building, and again later to retry
     * pending sagas; it is safe while other threads {@link #run} sagas (it skips theirs).
     *
     * @return the outcome of each saga found open, by id, in the order they were started
     * @throws IOException if the log cannot be written
     * @throws IllegalStateException if the log names a definition that is not registered
     */
    public Map<Long, SagaOutcome> recover() throws IOException {
        final Map<Long, SagaOutcome> out = new LinkedHashMap<>();
        final List<SagaLog.State> claimed = log.claimUnclaimed();
        try {
            for (final SagaLog.State s : claimed) {
                final SagaDefinition def = definitions.get(s.name);
                if (def == null) {
                    throw new IllegalStateException("saga " + s.id + " in the log uses definition '" + s.name
                        + "', which is not registered; register it and recover again");
                }
                out.put(s.id, drive(def, s));
            }
        } finally {
            for (final SagaLog.State s : claimed) {
                log.release(s);
            }
        }
        if (log.compactIfIdle(maxLogBytes)) {
            LOG.info("saga log compacted");
        }
        return out;
    }

    /**
     * Sagas open in the log (running now, pending, or left by a crash).
     *
     * @return their ids, in start order
     */
    public List<Long> openSagas() {
        return log.openSagas().stream().map(s -> s.id).toList();
    }

    private SagaOutcome drive(final SagaDefinition def, final SagaLog.State s) throws IOException {
        final List<SagaStep> steps = def.steps();
        final ByteBuffer input = ByteBuffer.wrap(s.input).order(ByteOrder.LITTLE_ENDIAN).asReadOnlyBuffer();
        if (!s.aborted) {
            for (int i = s.highestDone + 1; i < steps.size() && !s.aborted; i++) {
                crash.at(CrashPoint.Where.BEFORE_STEP_LOG, s.id, i);
                if (s.highestBegun < i) {
                    log.mark(s, SagaLog.STEP_BEGUN, i);
                }
                log.syncIfDirty();
                crash.at(CrashPoint.Where.AFTER_STEP_LOG, s.id, i);
                final boolean applied = execute(steps.get(i), new StepId(s.id, i), input);
                crash.at(CrashPoint.Where.AFTER_EXECUTE_CALL, s.id, i);
                if (applied) {
                    log.mark(s, SagaLog.STEP_DONE, i);
                    crash.at(CrashPoint.Where.AFTER_DONE_LOG, s.id, i);
                } else {
                    log.mark(s, SagaLog.ABORTED, i);
                    crash.at(CrashPoint.Where.AFTER_ABORT_LOG, s.id, i);
                }
            }
        }
        if (s.aborted) {
            for (int i = s.highestBegun; i >= 0; i--) {
                if (s.compensated.get(i)) {
                    continue;
                }
                log.syncIfDirty();
                crash.at(CrashPoint.Where.BEFORE_COMPENSATE_CALL, s.id, i);
                if (!compensate(steps.get(i), new StepId(s.id, i), input)) {
                    LOG.warn("saga {} ({}): compensation of step {} failed {} times; left pending for recover()", s.id,
                        s.name, i, maxAttempts);
                    return SagaOutcome.PENDING;
                }
                crash.at(CrashPoint.Where.AFTER_COMPENSATE_CALL, s.id, i);
                log.mark(s, SagaLog.STEP_COMPENSATED, i);
                crash.at(CrashPoint.Where.AFTER_COMPENSATED_LOG, s.id, i);
            }
        }
        crash.at(CrashPoint.Where.BEFORE_END_LOG, s.id, -1);
        log.mark(s, SagaLog.ENDED, s.aborted ? 0 : 1);
        crash.at(CrashPoint.Where.AFTER_END_LOG, s.id, -1);
        return s.aborted ? SagaOutcome.COMPENSATED : SagaOutcome.COMPLETED;
    }

    /** True if applied; false if refused or if every attempt failed (the saga then compensates). */
    private boolean execute(final SagaStep step, final StepId id, final ByteBuffer input) {
        for (int attempt = 1; ; attempt++) {
            try {
                return step.execute(id, input.duplicate());
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                LOG.warn("step {} interrupted; compensating", id);
                return false;
            } catch (final Exception e) {
                if (attempt >= maxAttempts) {
                    LOG.warn("step {} failed {} times; compensating", id, attempt, e);
                    return false;
                }
                LOG.debug("step {} attempt {} failed; retrying", id, attempt, e);
            }
        }
    }

    private boolean compensate(final SagaStep step, final StepId id, final ByteBuffer input) {
        for (int attempt = 1; ; attempt++) {
            try {
                step.compensate(id, input.duplicate());
                return true;
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (final Exception e) {
                if (attempt >= maxAttempts) {
                    LOG.warn("compensation of {} failed {} times", id, attempt, e);
                    return false;
                }
                LOG.debug("compensation of {} attempt {} failed; retrying", id, attempt, e);
            }
        }
    }

    /**
     * Closes the log (sagas still running on other threads fail with an {@link IOException}).
     *
     * @throws IOException on I/O failure
     */
    @Override
    public void close() throws IOException {
        log.close();
    }

    /** Builds a {@link SagaOrchestrator}; validated once in {@link #build()}. */
    public static final class Builder {
        private final Path logFile;
        private final Map<String, SagaDefinition> definitions = new HashMap<>();
        private int maxAttempts = MAX_ATTEMPTS_DEFAULT;
        private long maxLogBytes = MAX_LOG_BYTES_DEFAULT;
        private boolean durable = true;
        private CrashPoint crash = CrashPoint.NONE;

        private Builder(final Path logFile) {
            this.logFile = logFile;
        }

        /**
         * Registers a definition under its name.
         *
         * @param definition the definition
         * @return this
         * @throws IllegalArgumentException if the name is taken
         */
        public Builder define(final SagaDefinition definition) {
            if (definitions.putIfAbsent(definition.name(), definition) != null) {
                throw new IllegalArgumentException("saga definition '" + definition.name() + "' is registered twice");
            }
            return this;
        }

        /**
         * Attempts of one participant call (execute or compensate) before giving up on it.
         *
         * @param attempts in [1, 100]
         * @return this
         */
        public Builder maxAttempts(final int attempts) {
            this.maxAttempts = attempts;
            return this;
        }

        /**
         * Size above which an idle log is compacted by {@link #recover()}.
         *
         * @param bytes in [4096, 2^40]
         * @return this
         */
        public Builder maxLogBytes(final long bytes) {
            this.maxLogBytes = bytes;
            return this;
        }

        /**
         * Whether the log is forced to the device before each participant call (default true). False survives
         * process crashes but not operating system crashes; for tests and throwaway worlds.
         *
         * @param durable force or not
         * @return this
         */
        public Builder durable(final boolean durable) {
            this.durable = durable;
            return this;
        }

        Builder crashPoint(final CrashPoint point) {
            this.crash = point;
            return this;
        }

        /**
         * Validates, opens the log (recovering its state, not yet running anything) and builds.
         *
         * @return the orchestrator; call {@link #recover()} next
         * @throws IOException if the log cannot be opened, or another orchestrator holds it
         * @throws IllegalArgumentException naming the invalid value
         */
        public SagaOrchestrator build() throws IOException {
            if (logFile == null) {
                throw new IllegalArgumentException("log file must not be null");
            }
            if (definitions.isEmpty()) {
                throw new IllegalArgumentException("register at least one saga definition (define(...))");
            }
            if (maxAttempts < 1 || maxAttempts > 100) {
                throw new IllegalArgumentException("maxAttempts must be in [1, 100], was " + maxAttempts);
            }
            if (maxLogBytes < 4096 || maxLogBytes > (1L << 40)) {
                throw new IllegalArgumentException("maxLogBytes must be in [4096, 2^40], was " + maxLogBytes);
            }
            return new SagaOrchestrator(this, new SagaLog(logFile, durable));
        }
    }
}
