/**
 * The {@code tickcast} command line: {@link dev.tickcast.cli.TickcastCli} lists the commands. Below it, by role:
 * {@code command} (one class per subcommand, with its options), {@code report} (the HTML report and its data),
 * {@code kafka} (the topics as the commands read and write them), {@code cluster} (the local Flink cluster and its REST
 * API), {@code common} (what they all share: the user-facing error, tick files).
 */
package dev.tickcast.cli;
