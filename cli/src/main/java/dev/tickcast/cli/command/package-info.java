/** One class per {@code tickcast} subcommand, and the option groups and console helpers they share. */
package dev.tickcast.cli.command;
