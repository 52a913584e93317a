package io.dubstream.job.cli;

import picocli.CommandLine.Option;

import io.dubstream.job.inference.IdentityModel;

/** How the commands that run the job locally run it. */
final class JobRunOptions {

    @Option(names = "--model", paramLabel = "NAME", defaultValue = IdentityModel.NAME,
            description = "The model run on every chunk (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--voice", paramLabel = "NAME|FILE.pt", defaultValue = "none",
            description = "The voice of the dub: espeak-ng (speaks the clip's script lines over its audio; formant"
                    + " synthesis, no AI) or a TorchScript text-to-speech file (.tts.pt); or an effect on the audio:"
                    + " voice-identity, voice-pitch-shift (DSP, no AI) or a TorchScript voice file (.pt); or none"
                    + " (default: ${DEFAULT-VALUE}).")
    String voice;

    @Option(names = "--device", paramLabel = "auto|cpu|gpu[:N]", defaultValue = "auto",
            description = "Where the models run: the first GPU PyTorch sees, else the CPU (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "A job option of docs/configuration.md, e.g. dubstream.lipsync.batch-size=8.")
    java.util.Map<String, String> settings = new java.util.LinkedHashMap<>();

    @Option(names = "--parallelism", paramLabel = "N", defaultValue = "2",
            description = "Parallelism of the job and slots of the local Flink cluster (default: ${DEFAULT-VALUE}).")
    int parallelism;
}
