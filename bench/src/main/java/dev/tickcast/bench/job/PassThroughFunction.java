package dev.tickcast.bench.job;

import dev.tickcast.job.operator.ForecastFunction;
import dev.tickcast.schema.Forecast;
import dev.tickcast.schema.Tick;
import dev.tickcast.schema.internal.ModelEvent;
import dev.tickcast.schema.internal.SourcedTick;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The floor: in the forecast operator's place, per tick it reads the symbol's state (a byte array as
 * large as the forecast operator's serialised state), changes it, writes it back, keeps it expiring as the
 * forecast operator does (a processing-time timer per eighth of the TTL, its time kept in the state's first
 * 8 bytes) and emits the naive forecast. What remains is what Flink itself costs per tick.
 */
final class PassThroughFunction extends KeyedBroadcastProcessFunction<String, SourcedTick, ModelEvent, Forecast> {

    private static final long serialVersionUID = 1L;

    private final int stateBytes;
    private final Duration ttl;
    private transient ValueState<byte[]> state;

    PassThroughFunction(int stateBytes, Duration ttl) {
        this.stateBytes = stateBytes;
        this.ttl = ttl;
    }

    @Override
    public void open(OpenContext openContext) {
        state = getRuntimeContext()
                .getState(new ValueStateDescriptor<>("symbol", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
    }

    @Override
    public void processElement(SourcedTick sourced, ReadOnlyContext ctx, Collector<Forecast> out) throws Exception {
        byte[] bytes = state.value();
        if (bytes == null) {
            bytes = new byte[stateBytes];
        }
        bytes[8]++;
        long expiry = ForecastFunction.expiryTime(ctx.timerService().currentProcessingTime(), ttl);
        ByteBuffer view = ByteBuffer.wrap(bytes);
        if (view.getLong(0) != expiry) {
            ctx.timerService().registerProcessingTimeTimer(expiry);
            view.putLong(0, expiry);
        }
        state.update(bytes);
        Tick tick = sourced.getTick();
        out.collect(Forecast.newBuilder()
                .setSymbol(tick.getSymbol())
                .setEventTime(tick.getEventTime())
                .setLastPrice(tick.getPrice())
                .setForecastPrice(tick.getPrice())
                .setForecastLogReturn(0.0)
                .setIntervalLow(tick.getPrice())
                .setIntervalHigh(tick.getPrice())
                .setModelVersion(0L)
                .setCellType(null)
                .build());
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Forecast> out) throws Exception {
        byte[] bytes = state.value();
        if (bytes != null && ByteBuffer.wrap(bytes).getLong(0) <= timestamp) {
            state.clear();
        }
    }

    @Override
    public void processBroadcastElement(ModelEvent event, Context ctx, Collector<Forecast> out) {}
}
