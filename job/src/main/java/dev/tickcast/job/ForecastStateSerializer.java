package dev.tickcast.job;

/**
 * Only a name: the one under which savepoints of builds before the job's packages were split record the keyed state's
 * serializer snapshot ({@code dev.tickcast.job.ForecastStateSerializer$Snapshot}). Flink instantiates that class by
 * name on restore, so it stays, and reads as the current {@link dev.tickcast.job.types.ForecastStateSerializer}'s
 * snapshot. Keep it while such savepoints may be restored ({@code src/test/resources/upgrade}).
 */
public final class ForecastStateSerializer {

    private ForecastStateSerializer() {}

    /** The snapshot of {@link dev.tickcast.job.types.ForecastStateSerializer}, under its former name. */
    public static final class Snapshot extends dev.tickcast.job.types.ForecastStateSerializer.Snapshot {

        /** For Flink's reflective instantiation on restore. */
        public Snapshot() {}
    }
}
