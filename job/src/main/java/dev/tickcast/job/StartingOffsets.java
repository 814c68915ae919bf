package dev.tickcast.job;

import java.util.Locale;

/** Where the ticks source starts when there is no checkpoint or savepoint ({@code --starting-offsets}). */
public enum StartingOffsets {
    EARLIEST,
    LATEST,
    /** The consumer group's committed offsets, else the earliest. */
    COMMITTED;

    /** As typed on the command line; Flink's {@code enumType} options match values against it, ignoring case. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
