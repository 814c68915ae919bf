package dev.tickcast.job.operator;

import dev.tickcast.model.forecast.ForecastSettings;
import dev.tickcast.model.forecast.ForecastState;
import dev.tickcast.schema.SymbolState;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;

/**
 * What the forecast operator does for state written by older builds, kept apart from its per-tick work:
 *
 * <ul>
 *   <li>the first builds kept a symbol's state as an Avro {@link SymbolState} under "symbol", with Flink's TTL: it is
 *       read once per symbol, converted, and cleared ({@link #takeLegacy});
 *   <li>state formats 2 and older kept no expiry timer (their expiry was Flink's TTL, which the current descriptor does
 *       not have): a symbol that ticks again gets its timer then, and {@link #sweepUntimed} expires the others.
 * </ul>
 */
public final class LegacyStates implements java.io.Serializable {

    private static final long serialVersionUID = 1L;

    private final ForecastSettings settings;
    private final Duration ttl;

    private transient ValueState<SymbolState> legacyState;
    /** Processing time of the last sweep (MIN_VALUE: none yet), and whether one found no untimed state left. */
    private transient long lastSweepMs;

    private transient boolean untimedStatesGone;
    /**
     * {@link #untimedStatesGone} of every subtask, checkpointed, so that a restore walks the keyed state only while
     * needed.
     */
    private transient ListState<Boolean> untimedSweepDone;

    LegacyStates(ForecastSettings settings, Duration ttl) {
        this.settings = settings;
        this.ttl = ttl;
    }

    /**
     * The state's descriptor in the first builds (an Avro {@link SymbolState}), with the TTL they had, so that Flink
     * still expires the legacy state of a symbol that never ticks again after an upgrade.
     */
    public static ValueStateDescriptor<SymbolState> legacyStateDescriptor(Duration ttl) {
        ValueStateDescriptor<SymbolState> descriptor =
                new ValueStateDescriptor<>("symbol", new AvroTypeInfo<>(SymbolState.class));
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(ttl)
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                // Expired symbols are removed as the job runs, not only when read again: on the heap one entry
                // is checked per state access, in RocksDB by its compaction filter.
                .cleanupIncrementally(1, false)
                .cleanupInRocksdbCompactFilter(1000)
                .build());
        return descriptor;
    }

    /**
     * Whether states without a timer may be held: not on a fresh start, nor after a restore of a snapshot whose every
     * subtask had found none left; yes after a restore of an older build's savepoint (which has no such flag).
     */
    void initializeState(FunctionInitializationContext context) throws Exception {
        untimedSweepDone = context.getOperatorStateStore()
                .getUnionListState(new ListStateDescriptor<>("untimed-states-swept", Types.BOOLEAN));
        boolean any = false;
        boolean all = true;
        for (Boolean done : untimedSweepDone.get()) {
            any = true;
            all &= done;
        }
        untimedStatesGone = !context.isRestored() || (any && all);
    }

    void snapshotState() throws Exception {
        untimedSweepDone.update(List.of(untimedStatesGone));
    }

    void open(RuntimeContext context) {
        legacyState = context.getState(legacyStateDescriptor(ttl));
        lastSweepMs = Long.MIN_VALUE;
    }

    /** The current key's state converted from an older build's Avro record, which is cleared; null if it has none. */
    ForecastState takeLegacy() throws IOException {
        SymbolState legacy = legacyState.value();
        if (legacy == null) {
            return null;
        }
        legacyState.clear();
        return ForecastState.fromRecord(legacy, settings);
    }

    /**
     * Expires the states that have no timer. Keyed state can be walked only from a broadcast element, so the first
     * record of the models topic after such a restore marks each such state with a deadline a TTL ahead (a negative
     * expiry: no timer stands for it), and the first record after the deadline clears it. At most one walk per eighth
     * of the TTL, and none once a walk found nothing left.
     */
    void sweepUntimed(KeyedBroadcastProcessFunction<String, ?, ?, ?>.Context ctx) throws Exception {
        long now = ctx.currentProcessingTime();
        if (untimedStatesGone
                || (lastSweepMs != Long.MIN_VALUE && now - lastSweepMs < Math.max(1, ttl.toMillis() / 8))) {
            return;
        }
        long deadline = ForecastFunction.expiryTime(now, ttl);
        boolean[] found = {false};
        ctx.applyToKeyedState(ForecastFunction.stateDescriptor(settings), (symbol, state) -> {
            ForecastState s = state.value();
            if (s == null || s.expiryTimerMs() > 0) {
                return;
            }
            found[0] = true;
            if (s.expiryTimerMs() == 0) {
                s.expiryTimerMs(-deadline);
                state.update(s);
            } else if (-s.expiryTimerMs() <= now) {
                state.clear();
            }
        });
        lastSweepMs = now;
        untimedStatesGone = !found[0];
    }
}
