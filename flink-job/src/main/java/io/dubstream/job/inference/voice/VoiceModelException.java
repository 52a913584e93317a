package io.dubstream.job.inference.voice;

/** A voice model failed or broke its contract; the message names the model and says how. */
public class VoiceModelException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public VoiceModelException(String message) {
        super(message);
    }

    public VoiceModelException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Checks that {@code output} has the shape of {@code input} ({@code B x N}) and only finite values.
     *
     * @throws VoiceModelException naming {@code model} otherwise
     */
    public static void checkOutput(String model, float[][] input, float[][] output) {
        int batch = input.length;
        int n = batch == 0 ? 0 : input[0].length;
        if (output == null) {
            throw new VoiceModelException("voice model " + model + " returned nothing for " + batch + " x " + n);
        }
        if (output.length != batch) {
            throw new VoiceModelException("voice model " + model + " returned " + output.length + " signals for a batch of "
                    + batch + " (it must keep the shape " + batch + " x " + n + ")");
        }
        for (int b = 0; b < batch; b++) {
            if (output[b] == null || output[b].length != input[b].length) {
                throw new VoiceModelException("voice model " + model + " returned " + (output[b] == null ? "nothing"
                        : output[b].length + " samples") + " for signal " + b + " of " + input[b].length
                        + " (it must keep the shape " + batch + " x " + n + ")");
            }
            for (int i = 0; i < output[b].length; i++) {
                if (!Float.isFinite(output[b][i])) {
                    throw new VoiceModelException("voice model " + model + " returned a non-finite value (" + output[b][i]
                            + ") at sample " + i + " of signal " + b);
                }
            }
        }
    }
}
