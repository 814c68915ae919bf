package dev.tickcast.cli;

import dev.tickcast.cli.command.BackfillCommand;
import dev.tickcast.cli.command.BacktestCommand;
import dev.tickcast.cli.command.BenchCommand;
import dev.tickcast.cli.command.ClusterCommand;
import dev.tickcast.cli.command.DemoCommand;
import dev.tickcast.cli.command.EvaluateCommand;
import dev.tickcast.cli.command.JobCommand;
import dev.tickcast.cli.command.KeygenCommand;
import dev.tickcast.cli.command.ModelCommand;
import dev.tickcast.cli.command.ReplayCommand;
import dev.tickcast.cli.command.ReportCommand;
import dev.tickcast.cli.command.StopJobCommand;
import dev.tickcast.cli.command.SubmitCommand;
import dev.tickcast.cli.command.TailCommand;
import dev.tickcast.cli.command.TrainCommand;
import dev.tickcast.cli.common.UserException;
import dev.tickcast.job.JobConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ./tickcast} launcher: one entry point, a subcommand per task. */
@Command(
        name = "tickcast",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Streaming recurrent forecaster: per-symbol RNN/LSTM/GRU state, one step per price tick.",
        subcommands = {
            DemoCommand.class,
            JobCommand.class,
            TrainCommand.class,
            ModelCommand.class,
            BacktestCommand.class,
            EvaluateCommand.class,
            ReplayCommand.class,
            TailCommand.class,
            ReportCommand.class,
            BackfillCommand.class,
            KeygenCommand.class,
            BenchCommand.class,
            ClusterCommand.class,
            SubmitCommand.class,
            StopJobCommand.class,
            CommandLine.HelpCommand.class
        },
        footer = {"", "Run './tickcast <command> --help' for a command's options."})
public final class TickcastCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new TickcastCli());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        // Expected failures (bad input, missing file) print one clear line, not a stack trace.
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("tickcast " + commandLine.getCommandName() + ": " + e.getMessage());
            return e instanceof UserException ue ? ue.exitCode() : 1;
        });
        // The job's own options pass through 'tickcast job'; show them in its help.
        cli.getSubcommands().get("job").getCommandSpec().usageMessage().footer("", JobConfig.help());
        cli.getSubcommands().get("submit").getCommandSpec().usageMessage().footer("", JobConfig.help());
        return cli;
    }
}
