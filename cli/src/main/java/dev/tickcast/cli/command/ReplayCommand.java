package dev.tickcast.cli.command;

import dev.tickcast.cli.common.TickFiles;
import dev.tickcast.cli.common.UserException;
import dev.tickcast.cli.kafka.KafkaConnection;
import dev.tickcast.cli.kafka.KafkaTopics;
import dev.tickcast.cli.kafka.TickProducer;
import dev.tickcast.model.data.TickCsv;
import dev.tickcast.schema.Tick;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description = "Produces a tick file to the ticks topic in file order (key = symbol, value = Avro single-object"
                + " encoded Tick, idempotent producer), as fast as possible or paced by event time. Rows that are not"
                + " ticks are reported with their line numbers and counted; out-of-order and repeated ticks are sent"
                + " as they are, and the job dead-letters them.")
public final class ReplayCommand implements Callable<Integer> {

    @Parameters(
            index = "0",
            paramLabel = "FILE",
            description = "Tick CSV (" + TickCsv.HEADER + ") or Avro container file of Tick records.")
    public Path file;

    @picocli.CommandLine.Mixin
    public KafkaOptions kafkaOptions;

    @Option(
            names = "--topic",
            description = "Topic to produce to. Default: ${DEFAULT-VALUE}.",
            defaultValue = "tickcast.ticks")
    public String topic;

    @Option(
            names = "--speed",
            converter = SpeedConverter.class,
            paramLabel = "max|N",
            description = "'max' sends as fast as possible; a number N paces sends by event time at N times real time"
                    + " (1 = real time, 60 = a minute per second). Default: ${DEFAULT-VALUE}.",
            defaultValue = "max")
    public double speed;

    @Option(
            names = "--max-gap",
            converter = DurationConverter.class,
            paramLabel = "DURATION",
            description = "With --speed N, the longest wall-time wait between two ticks, so nights, weekends and the"
                    + " days between"
                    + " daily closes do not stall the replay (e.g. 500ms, 1s, 1m). Default: ${DEFAULT-VALUE}.",
            defaultValue = "1s")
    public Duration maxGap;

    @Option(names = "--symbol", description = "Only replay this symbol's ticks. Default: every symbol.")
    public String symbol;

    @Spec
    public CommandSpec spec;

    /** 'max' is 0: unpaced. */
    public static final class SpeedConverter implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            if (value.equalsIgnoreCase("max")) {
                return 0.0;
            }
            try {
                double v = Double.parseDouble(value);
                if (v > 0 && Double.isFinite(v)) {
                    return v;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new TypeConversionException(
                    "'" + value + "' is not a speed; use 'max' or a factor above 0 such as 1 or 60");
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        TickCsv.Result read = TickFiles.read(file, spec.commandLine().getErr());
        List<Tick> ticks = symbol == null
                ? read.ticks()
                : read.ticks().stream()
                        .filter(t -> t.getSymbol().equals(symbol))
                        .toList();
        if (ticks.isEmpty()) {
            throw new UserException(file + " has no tick of symbol " + symbol + "; its symbols are "
                    + read.ticks().stream()
                            .map(Tick::getSymbol)
                            .distinct()
                            .sorted()
                            .toList());
        }
        KafkaConnection kafka = kafkaOptions.connection();
        KafkaTopics.partitions(kafka, topic); // a clear message now rather than a blocked producer later
        Pacer pacer = speed > 0 ? new Pacer(speed, maxGap) : Pacer.unpaced();
        long start = System.nanoTime();
        try (TickProducer producer = new TickProducer(kafka, topic);
                ProgressBar bar = progressBar(ticks.size())) {
            for (Tick t : ticks) {
                pacer.await(t.getEventTime().toEpochMilli());
                producer.send(t);
                bar.step();
                producer.failIfSendFailed();
            }
            producer.flush();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        out.printf(
                "Sent %,d ticks from %s to %s at %s in %.1f s (%,.0f ticks/s); rejected %,d rows%s%s.%n",
                ticks.size(),
                file,
                topic,
                kafka.bootstrap(),
                seconds,
                ticks.size() / Math.max(seconds, 1e-9),
                read.badRows().size(),
                byReason(read.badRows()),
                symbol == null
                        ? ""
                        : String.format(
                                "; %,d ticks of other symbols left out",
                                read.ticks().size() - ticks.size()));
        return 0;
    }

    private static ProgressBar progressBar(long max) {
        return new ProgressBarBuilder()
                .setTaskName("replay")
                .setInitialMax(max)
                .setStyle(ProgressBarStyle.ASCII)
                .setUnit(" ticks", 1)
                .showSpeed()
                .build();
    }

    /** " (BAD_PRICE=2, BAD_TIME=1)": the dead-letter reason codes where a row has one, else what was unreadable. */
    public static String byReason(List<TickCsv.BadRow> bad) {
        if (bad.isEmpty()) {
            return "";
        }
        Map<String, Long> counts = new TreeMap<>();
        bad.forEach(r -> counts.merge(reasonCode(r.reason()), 1L, Long::sum));
        return " " + counts.toString().replace('{', '(').replace('}', ')');
    }

    public static String reasonCode(String reason) {
        int colon = reason.indexOf(':');
        if (colon > 0 && reason.substring(0, colon).matches("[A-Z_]+")) {
            return reason.substring(0, colon);
        }
        if (reason.startsWith("expected")) {
            return "BAD_COLUMNS";
        }
        String field = reason.split("[ ']", 2)[0].toUpperCase();
        return "TIMESTAMP".equals(field) ? "BAD_TIME" : "BAD_" + field;
    }
}
