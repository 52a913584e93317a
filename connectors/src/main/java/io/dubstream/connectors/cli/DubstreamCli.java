package io.dubstream.connectors.cli;

import java.io.PrintWriter;

import io.dubstream.connectors.media.FFmpegLogging;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code dubstream <command>}: the command-line entry point behind {@code deploy/dubstream}.
 *
 * <p>Exit codes: 0 done; 1 failed (the reason is printed as one line); 2 bad usage; 3 refused
 * because the clip id was uploaded before.
 */
@Command(
        name = "dubstream",
        mixinStandardHelpOptions = true,
        versionProvider = DubstreamCli.Version.class,
        description = "Streams clips to and from the dubstream Kafka topics.",
        subcommands = {
            UploadCommand.class,
            DownloadCommand.class,
            StatusCommand.class,
            ReportCommand.class,
            BrokerCommand.class,
            SampleCommand.class,
            CommandLine.HelpCommand.class
        })
public final class DubstreamCli {

    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_REFUSED = 3;

    public static void main(String[] args) {
        FFmpegLogging.quiet();
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code; errors are printed as one line to stderr. */
    public static int run(String... args) {
        return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Runs a command line with the given output and error streams and returns its exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        return run(commandLine(out, err), args);
    }

    /**
     * The command line with the upload, download, status, report, broker and sample commands, {@code moreCommands}
     * (the job module's) and dubstream's error handling.
     */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err, Object... moreCommands) {
        CommandLine cli = new CommandLine(new DubstreamCli());
        for (Object command : moreCommands) {
            cli.addSubcommand(command);
        }
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler(DubstreamCli::reportFailure);
        return cli;
    }

    /** Runs {@code args} on {@code cli} and returns the exit code. */
    public static int run(CommandLine cli, String... args) {
        int code = cli.execute(args);
        cli.getOut().flush();
        cli.getErr().flush();
        return code;
    }

    private static int reportFailure(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        String message = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
        err.println(cmd.getCommandSpec().qualifiedName() + ": error: " + message);
        if (System.getenv("DUBSTREAM_STACKTRACE") != null) {
            e.printStackTrace(err);
        }
        err.flush();
        if (e instanceof io.dubstream.connectors.kafka.ClipAlreadyExistsException) {
            return EXIT_REFUSED;
        }
        if (e instanceof IllegalArgumentException) {
            return EXIT_USAGE;
        }
        return EXIT_FAILED;
    }

    /** The version from the jar manifest, when there is one. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = DubstreamCli.class.getPackage().getImplementationVersion();
            return new String[] {"dubstream " + (v == null ? "(development build)" : v)};
        }
    }
}
