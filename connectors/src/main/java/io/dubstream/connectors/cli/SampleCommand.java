package io.dubstream.connectors.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import io.dubstream.connectors.media.SampleClipGenerator;

/** {@code dubstream sample}: writes a synthetic test clip (moving pattern, frame-index barcode, tones). */
@Command(name = "sample", mixinStandardHelpOptions = true,
        description = "Writes a synthetic mp4 clip: a moving colour pattern with the frame index as a barcode "
                + "along the top, and a tone that changes every second (in stereo a fifth higher on the right).")
final class SampleCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--output", required = true, paramLabel = "FILE", description = "The mp4 to write.")
    Path output;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "32",
            description = "Length (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--size", paramLabel = "WxH", defaultValue = "640x360",
            description = "Frame size, even, at least 256x64 (default: ${DEFAULT-VALUE}).")
    String size;

    @Option(names = "--fps", paramLabel = "N[/D]", defaultValue = "25",
            description = "Frame rate, e.g. 25 or 30000/1001 (default: ${DEFAULT-VALUE}).")
    String fps;

    @Option(names = "--audio", paramLabel = "HZxCHANNELS", defaultValue = "48000x2",
            description = "Audio rate and channels, or 'none' (default: ${DEFAULT-VALUE}).")
    String audio;

    @Override
    public Integer call() throws Exception {
        int[] wh = pair(size, "x", "--size");
        int[] rate = fps.contains("/") ? pair(fps, "/", "--fps") : new int[] {parse(fps, "--fps"), 1};
        int[] sound = "none".equals(audio) ? new int[] {0, 0} : pair(audio, "x", "--audio");
        SampleClipGenerator.Spec clip = new SampleClipGenerator.Spec(wh[0], wh[1], rate[0], rate[1], seconds,
                sound[0], sound[1]);
        Path parent = output.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        long started = System.nanoTime();
        SampleClipGenerator.write(output, clip);
        spec.commandLine().getOut().printf("wrote %s: %d frames, %dx%d at %d/%d fps, %s, in %.1f s%n", output,
                clip.frameCount(), wh[0], wh[1], rate[0], rate[1],
                sound[1] == 0 ? "no audio" : sound[0] + " Hz x" + sound[1], (System.nanoTime() - started) / 1e9);
        return DubstreamCli.EXIT_OK;
    }

    private static int[] pair(String value, String separator, String option) {
        String[] parts = value.split(java.util.regex.Pattern.quote(separator));
        if (parts.length != 2) {
            throw new IllegalArgumentException(option + " '" + value + "' is not of the form A" + separator + "B");
        }
        return new int[] {parse(parts[0], option), parse(parts[1], option)};
    }

    private static int parse(String value, String option) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": '" + value + "' is not a whole number");
        }
    }
}
