package dev.tickcast.cli.command;

import java.time.Duration;

/**
 * Paces a replay by event time: the wall time between two sends is the event-time gap between their
 * ticks divided by the speed factor, capped at {@code maxGap} so that nights, weekends and the days
 * between daily closes do not stall a replay. A tick earlier than the one before it (another symbol's
 * series, or out-of-order data) is sent at once.
 *
 * <p>Waits are measured from the replay's start (a schedule), not from the previous send, so time
 * spent producing does not accumulate into drift.
 */
public final class Pacer {

    private final double speed;
    private final long maxGapNanos;
    private long previousEventMs = Long.MIN_VALUE;
    private long scheduleNanos;
    private long startNanos = -1;

    /** {@code speed} 0 or below means as fast as possible. */
    public Pacer(double speed, Duration maxGap) {
        this.speed = speed;
        this.maxGapNanos = maxGap.toNanos();
    }

    public static Pacer unpaced() {
        return new Pacer(0, Duration.ZERO);
    }

    /** Wall-time wait before a tick at {@code eventMs}, following the previous one, in nanoseconds. */
    public long gapNanos(long eventMs) {
        long previous = previousEventMs;
        previousEventMs = eventMs;
        if (speed <= 0 || previous == Long.MIN_VALUE || eventMs <= previous) {
            return 0;
        }
        double nanos = (eventMs - previous) * 1e6 / speed;
        return (long) Math.min(nanos, maxGapNanos);
    }

    /** Sleeps until the tick at {@code eventMs} is due. */
    public void await(long eventMs) throws InterruptedException {
        long now = System.nanoTime();
        if (startNanos < 0) {
            startNanos = now;
        }
        scheduleNanos += gapNanos(eventMs);
        long wait = startNanos + scheduleNanos - now;
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }
}
