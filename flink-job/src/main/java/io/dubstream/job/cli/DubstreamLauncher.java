package io.dubstream.job.cli;

import java.io.PrintWriter;

import picocli.CommandLine;

import io.dubstream.connectors.cli.DubstreamCli;
import io.dubstream.connectors.media.FFmpegLogging;

/**
 * The entry point of {@code deploy/dubstream}: the connectors' commands (upload, download, status,
 * report, broker, sample) plus the job's own (demo, job, cluster).
 */
public final class DubstreamLauncher {

    private DubstreamLauncher() {}

    public static void main(String[] args) {
        FFmpegLogging.quiet();
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = DubstreamCli.commandLine(out, err, new DemoCommand(), new JobCommand(),
                new ClusterCommand());
        return DubstreamCli.run(cli, args);
    }
}
