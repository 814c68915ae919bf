package dev.tickcast.cli.command;

import dev.tickcast.cli.common.UserException;
import dev.tickcast.cli.kafka.ModelsTopic;
import dev.tickcast.model.data.SymbolRoutes;
import dev.tickcast.model.file.Model;
import dev.tickcast.model.file.ModelFile;
import dev.tickcast.model.file.ModelRejectedException;
import dev.tickcast.schema.ModelAction;
import dev.tickcast.schema.ModelControl;
import dev.tickcast.schema.ModelRole;
import dev.tickcast.schema.ModelRoutes;
import dev.tickcast.schema.ModelUpdate;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "model",
        mixinStandardHelpOptions = true,
        description = "Operates the models topic the running job follows: list what is published, publish a model file"
                + " (as champion or challenger), pin an earlier version (rollback) or unpin, promote or retire the"
                + " challenger, route symbols to model lines.",
        subcommands = {
            ModelCommand.ListModels.class,
            ModelCommand.Controls.class,
            ModelCommand.Publish.class,
            ModelCommand.Pin.class,
            ModelCommand.Unpin.class,
            ModelCommand.Promote.class,
            ModelCommand.Retire.class,
            ModelCommand.Routes.class
        })
public final class ModelCommand implements Runnable {

    @Spec
    public CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Where the models topic is. */
    public static final class Target {
        @Mixin
        KafkaOptions kafka;

        @Option(
                names = "--models-topic",
                description = "Models topic. Default: ${DEFAULT-VALUE}.",
                defaultValue = "tickcast.models")
        String topic;

        @Option(names = "--name", description = "Model name. Default: ${DEFAULT-VALUE}.", defaultValue = "default")
        String name;

        ModelsTopic models() {
            return new ModelsTopic(kafka.connection(), topic);
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "Lists the models of a model line on the topic, oldest first,"
                    + " each with what a job with the same --trusted-keys makes of it: 'admitted', or"
                    + " 'refused:' and why.")
    public static final class ListModels implements Callable<Integer> {
        @Mixin
        Target target;

        @Mixin
        ModelTrust trust;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            var verdicts =
                    target.models().replay(trust.admission(target.name, null)).verdicts();
            if (verdicts.isEmpty()) {
                out.printf("no model '%s' on %s at %s%n", target.name, target.topic, target.kafka.bootstrap);
                return 0;
            }
            out.printf(
                    "%-8s %-8s %-25s %-11s %-12s %10s %10s  %s%n",
                    "offset", "version", "created", "cell", "hidden", "val skill", "samples", "admission");
            for (ModelsTopic.Verdict v : verdicts) {
                String admission = v.admitted() ? "admitted" : "refused: " + v.refusal();
                if (v.version() == null) {
                    out.printf(
                            "%-8d %-8s %-25s %-11s %-12s %10s %10s  %s%n",
                            v.offset(), "-", "-", "-", "-", "-", "-", admission);
                    continue;
                }
                out.printf(
                        "%-8d v%-7d %-25s %-11s %-12s %10s %10s  %s%n",
                        v.offset(),
                        v.version(),
                        v.createdAt(),
                        v.cell(),
                        v.hiddenSizes(),
                        v.validation() == null
                                ? "-"
                                : String.format("%+.4f", v.validation().getSkill()),
                        v.validation() == null ? "-" : v.validation().getSamples(),
                        admission);
            }
            return 0;
        }
    }

    @Command(
            name = "controls",
            mixinStandardHelpOptions = true,
            description = "Lists the controls of a model line on the topic, oldest first: pins, unpins, and the"
                    + " PROMOTE and RETIRE decisions with the evidence the job's referee made them on.")
    public static final class Controls implements Callable<Integer> {
        @Mixin
        Target target;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            var controls = target.models().controls(target.name);
            if (controls.isEmpty()) {
                out.printf("no control of '%s' on %s at %s%n", target.name, target.topic, target.kafka.bootstrap);
                return 0;
            }
            out.printf("%-8s %-8s %-8s %-25s %-25s %s%n", "offset", "action", "version", "issued", "from", "reason");
            for (ModelsTopic.Control c : controls) {
                ModelControl control = c.control();
                out.printf(
                        "%-8d %-8s %-8s %-25s %-25s %s%s%n",
                        c.offset(),
                        control.getAction(),
                        control.getAction() == ModelAction.UNPIN ? "-" : "v" + control.getVersion(),
                        control.getIssuedAt(),
                        control.getEffectiveTime() == null ? "-" : control.getEffectiveTime(),
                        control.getReason() == null ? "" : control.getReason(),
                        control.getSigner() == null ? "" : " (signed by " + control.getSigner() + ")");
            }
            return 0;
        }
    }

    @Command(
            name = "publish",
            mixinStandardHelpOptions = true,
            description = "Publishes a model file as it is (no gate). The job refuses it unless its version is newer"
                    + " than every model it accepted.")
    public static final class Publish implements Callable<Integer> {
        @Mixin
        Target target;

        @Parameters(paramLabel = "FILE", description = "Model file written by 'tickcast train'.")
        Path file;

        @Option(
                names = "--challenger",
                description = "Publish it as a challenger: the job runs it in shadow beside the serving model, scores"
                        + " both on the same ticks, and promotes or retires it on the evidence (job options"
                        + " --auto-promote, --challenge-*).")
        boolean challenger;

        @Mixin
        Signing signing;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Model model;
            try {
                model = ModelFile.load(file);
            } catch (ModelRejectedException e) {
                throw new UserException("model refused: " + e.getMessage());
            }
            ModelUpdate update = model.update();
            if (challenger) {
                update = ModelUpdate.newBuilder(update)
                        .setRole(ModelRole.CHALLENGER)
                        .build();
            }
            target.models().publish(signing.apply(update));
            spec.commandLine()
                    .getOut()
                    .printf(
                            "published %s (name '%s')%s to %s%n",
                            model.describe(),
                            update.getModelName(),
                            update.getRole() == ModelRole.CHALLENGER ? " as challenger" : "",
                            target.topic);
            return 0;
        }
    }

    /**
     * A control naming a version: a pin, or PROMOTE and RETIRE by hand (the decisions the job's referee otherwise
     * makes from the evidence).
     */
    abstract static class VersionControl implements Callable<Integer> {
        @Mixin
        Target target;

        @Parameters(paramLabel = "VERSION", description = "The version (for promote and retire, the challenger's).")
        long version;

        @Option(names = "--reason", description = "Why, kept in the control record.")
        String reason;

        @Mixin
        Signing signing;

        @Spec
        CommandSpec spec;

        abstract ModelAction action();

        Instant effectiveTime() {
            return null;
        }

        @Override
        public Integer call() {
            if (version < 1) {
                throw new UserException("VERSION must be >= 1");
            }
            target.models()
                    .publish(signing.apply(ModelControl.newBuilder()
                            .setModelName(target.name)
                            .setAction(action())
                            .setVersion(version)
                            .setIssuedAt(Instant.now())
                            .setReason(reason)
                            .setEffectiveTime(effectiveTime())
                            .build()));
            spec.commandLine().getOut().println(sent());
            return 0;
        }

        String sent() {
            return action() + " of challenger v" + version + " sent to " + target.topic
                    + "; the job's dead letters say if it cannot (not a challenger it holds)";
        }
    }

    @Command(
            name = "promote",
            mixinStandardHelpOptions = true,
            description = "Promotes the challenger: it serves from --at (event time) on, its shadow state taking over"
                    + " each symbol's forecasts.")
    public static final class Promote extends VersionControl {
        @Option(
                names = "--at",
                paramLabel = "TIME",
                description = "Event time (ISO-8601, e.g. 2026-12-07T16:00:00Z) from which it serves; ticks before it"
                        + " keep the champion, and a replay switches at the same tick. Default: now (for a live"
                        + " feed; give the time when the feed's event times are not the wall clock's).")
        Instant at;

        @Override
        ModelAction action() {
            return ModelAction.PROMOTE;
        }

        @Override
        Instant effectiveTime() {
            return at != null ? at : Instant.now();
        }
    }

    @Command(
            name = "retire",
            mixinStandardHelpOptions = true,
            description = "Retires the challenger: it stops running and never serves.")
    public static final class Retire extends VersionControl {
        @Override
        ModelAction action() {
            return ModelAction.RETIRE;
        }
    }

    @Command(
            name = "routes",
            mixinStandardHelpOptions = true,
            description = "Routes symbols to model lines: the job serves each symbol with the model line of the first"
                    + " route whose pattern matches it, from --at (event time) on, replacing its --model-routes."
                    + " Without ROUTES, lists the routes records on the topic.")
    public static final class Routes implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Option(
                names = "--models-topic",
                description = "Models topic. Default: ${DEFAULT-VALUE}.",
                defaultValue = "tickcast.models")
        String topic;

        @Parameters(
                arity = "0..1",
                paramLabel = "ROUTES",
                description = "PATTERN=LINE,... in order (* any run of characters, ? one), e.g."
                        + " 'BITSTAMP:*=crypto,FX:*=fx,*=default'; a symbol no route matches gets the naive forecast."
                        + " Publish the routes before the first model of a new line: the job refuses models of lines"
                        + " no route names.")
        String routes;

        @Option(
                names = "--at",
                paramLabel = "TIME",
                description = "Event time (ISO-8601, e.g. 2026-12-08T00:00:00Z) from which the routes apply; ticks"
                        + " before it keep the routes before, and a replay switches at the same tick. It may not be"
                        + " before the time the routes on the topic apply from. Default: now (for a live feed; give"
                        + " the time when the feed's event times are not the wall clock's).")
        Instant at;

        @Option(names = "--reason", description = "Why, kept in the routes record.")
        String reason;

        @Mixin
        Signing signing;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            ModelsTopic models = new ModelsTopic(kafka.connection(), topic);
            if (routes == null) {
                var held = models.routes();
                if (held.isEmpty()) {
                    out.printf("no routes on %s at %s: jobs route by their --model-routes%n", topic, kafka.bootstrap);
                    return 0;
                }
                out.printf("%-8s %-25s %-25s %s%n", "offset", "issued", "from", "routes");
                for (ModelsTopic.Routes r : held) {
                    ModelRoutes record = r.routes();
                    out.printf(
                            "%-8d %-25s %-25s %s%s%s%n",
                            r.offset(),
                            record.getIssuedAt(),
                            record.getEffectiveTime() == null ? "-" : record.getEffectiveTime(),
                            describe(record),
                            record.getReason() == null ? "" : "  " + record.getReason(),
                            record.getSigner() == null ? "" : " (signed by " + record.getSigner() + ")");
                }
                return 0;
            }
            SymbolRoutes parsed;
            try {
                parsed = SymbolRoutes.parse(routes);
            } catch (IllegalArgumentException e) {
                throw new UserException("ROUTES: " + e.getMessage());
            }
            Instant now = Instant.now();
            models.publish(signing.apply(ModelRoutes.newBuilder()
                    .setRoutes(parsed.toRecords())
                    .setIssuedAt(now)
                    .setEffectiveTime(at != null ? at : now)
                    .setReason(reason)
                    .build()));
            out.printf(
                    "routes %s sent to %s; the job's dead letters say if it cannot (more than %d lines, not signed)%n",
                    parsed, topic, dev.tickcast.job.serving.ModelRouting.MAX_LINES);
            return 0;
        }

        private static String describe(ModelRoutes record) {
            try {
                return SymbolRoutes.of(record.getRoutes()).toString();
            } catch (IllegalArgumentException e) {
                return "(refused by the job: " + e.getMessage() + ")";
            }
        }
    }

    @Command(
            name = "pin",
            mixinStandardHelpOptions = true,
            description = "Pins the job to an earlier version it has accepted (rollback); newer models are still"
                    + " accepted but do not serve until 'unpin'.")
    public static final class Pin extends VersionControl {
        @Override
        ModelAction action() {
            return ModelAction.PIN;
        }

        @Override
        String sent() {
            return "pin to v" + version + " sent to " + target.topic
                    + "; the job's dead letters say if it cannot (version not held)";
        }
    }

    @Command(
            name = "unpin",
            mixinStandardHelpOptions = true,
            description = "Lets the newest accepted version serve again.")
    public static final class Unpin implements Callable<Integer> {
        @Mixin
        Target target;

        @Mixin
        Signing signing;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            target.models()
                    .publish(signing.apply(ModelControl.newBuilder()
                            .setModelName(target.name)
                            .setAction(ModelAction.UNPIN)
                            .setIssuedAt(Instant.now())
                            .build()));
            spec.commandLine().getOut().printf("unpin sent to %s%n", target.topic);
            return 0;
        }
    }
}
