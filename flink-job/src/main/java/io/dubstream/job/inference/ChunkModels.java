package io.dubstream.job.inference;

import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.dubstream.job.inference.lipsync.LipSyncModel;
import io.dubstream.job.inference.lipsync.FaceSearch;
import io.dubstream.job.inference.lipsync.LipSyncStage;
import io.dubstream.job.inference.lipsync.TorchScriptLipSyncModel;
import io.dubstream.job.inference.lipsync.Wav2LipReference;

/**
 * The models a chunk can go through, by name: the test transforms {@code identity} and
 * {@code colour-gain} (no AI), and lip-sync models behind the Wav2Lip contract:
 * {@code wav2lip-reference} (the published architecture, untrained) or a TorchScript file.
 */
public final class ChunkModels {

    public static final List<String> NAMES = List.of(IdentityModel.NAME, ColourGainModel.NAME, Wav2LipReference.NAME);

    /** How models encode frames and batch the lip-sync model. */
    public record Settings(float jpegQuality, int lipSyncBatchSize, Duration lipSyncMaxWait, String device,
            FaceSearch faceSearch) implements Serializable {

        /**
         * Batch size 0: the lip-sync model's own preference (8 for wav2lip-reference on a CPU); device
         * auto; faces detected on every frame, near the face of the frame before.
         */
        public static Settings of(float jpegQuality) {
            return new Settings(jpegQuality, 0, Duration.ofMillis(50), InferenceDevice.AUTO, FaceSearch.DEFAULT);
        }
    }

    private ChunkModels() {}

    /** Refuses a name that is neither built in nor a TorchScript file, without opening anything. */
    public static void check(String nameOrPath) {
        if (!NAMES.contains(nameOrPath) && !isTorchScriptFile(nameOrPath)) {
            throw new IllegalArgumentException("unknown model '" + nameOrPath + "'; built-in models: " + NAMES
                    + ", or a TorchScript lip-sync model file (.pt)");
        }
    }

    /**
     * What the model called {@code nameOrPath} declares as {@link ChunkModel#contextNeeded()}, without
     * opening it: the test transforms none, a lip-sync model its stage's need
     * ({@link LipSyncStage#contextNeeded(FaceSearch)}).
     */
    public static Duration contextNeeded(String nameOrPath, Settings settings) {
        return isLipSync(nameOrPath) ? LipSyncStage.contextNeeded(settings.faceSearch()) : Duration.ZERO;
    }

    /**
     * Whether the model called {@code nameOrPath} is a lip-sync model (the built-in reference or a
     * TorchScript file), not one of the test transforms.
     */
    public static boolean isLipSync(String nameOrPath) {
        check(nameOrPath);
        return !IdentityModel.NAME.equals(nameOrPath) && !ColourGainModel.NAME.equals(nameOrPath);
    }

    /** Opens the model called {@code name} with default settings. */
    public static ChunkModel open(String name, float jpegQuality) {
        return open(name, Settings.of(jpegQuality));
    }

    /** Opens the model called {@code nameOrPath}: one per subtask, closed by its owner. */
    public static ChunkModel open(String nameOrPath, Settings settings) {
        check(nameOrPath);
        return switch (nameOrPath) {
            case IdentityModel.NAME -> new IdentityModel();
            case ColourGainModel.NAME -> new ColourGainModel(settings.jpegQuality());
            case Wav2LipReference.NAME -> lipSync(new Wav2LipReference(InferenceDevice.resolve(settings.device())),
                    settings);
            default -> lipSync(new TorchScriptLipSyncModel(Path.of(nameOrPath), 0,
                    InferenceDevice.resolve(settings.device())), settings);
        };
    }

    private static ChunkModel lipSync(LipSyncModel model, Settings settings) {
        int batch = settings.lipSyncBatchSize() > 0 ? settings.lipSyncBatchSize() : model.preferredBatchSize();
        return new LipSyncStage(model, batch, settings.lipSyncMaxWait(), settings.jpegQuality(),
                settings.faceSearch());
    }

    private static boolean isTorchScriptFile(String nameOrPath) {
        return nameOrPath.endsWith(".pt") && Files.isRegularFile(Path.of(nameOrPath));
    }
}
