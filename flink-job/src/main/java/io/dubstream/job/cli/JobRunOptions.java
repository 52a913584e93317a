package io.dubstream.job.cli;

import picocli.CommandLine.Option;

import io.dubstream.job.inference.IdentityModel;

/** How the commands that run the job locally run it. */
final class JobRunOptions {

    @Option(names = "--model", paramLabel = "NAME", defaultValue = IdentityModel.NAME,
            description = "The model run on every chunk (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--parallelism", paramLabel = "N", defaultValue = "2",
            description = "Parallelism of the job and slots of the local Flink cluster (default: ${DEFAULT-VALUE}).")
    int parallelism;
}
