package dev.tickcast.cli;

import picocli.CommandLine;

final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = TickcastCli.class.getPackage().getImplementationVersion();
        return new String[] {
            "tickcast " + (v == null ? "0.1.0-SNAPSHOT" : v) + " (Java " + System.getProperty("java.version") + ")"
        };
    }
}
