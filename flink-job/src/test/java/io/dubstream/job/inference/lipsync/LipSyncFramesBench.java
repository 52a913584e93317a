package io.dubstream.job.inference.lipsync;

import java.lang.management.ManagementFactory;
import java.util.function.IntConsumer;

import io.dubstream.connectors.media.JpegCodec;
import io.dubstream.job.inference.lipsync.FaceDetector.Settings;
import io.dubstream.job.inference.lipsync.TestFrames.Frame;

/**
 * Per-frame costs of the lip-sync pre- and post-processing at 640x360 (run by
 * {@code bench/lipsync-frames.sh}, not a test): face detection at several detection widths, crop and
 * model input, paste, turning frames stored turned, JPEG, and the mel features of a 12 s chunk at
 * 16 kHz mono and at 48 kHz stereo. Prints wall and process CPU milliseconds per call; OpenCV may use
 * several threads, so CPU can exceed wall.
 */
public final class LipSyncFramesBench {

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        Frame messi = TestFrames.messi();
        byte[] bgr = FaceCrops.resizeBgr(messi.bgr(), messi.width(), messi.height(), 640, 360);
        System.out.printf("640x360 frame (OpenCV's messi5.jpg stretched: a face before a crowd), %d calls each%n", n);

        FaceBox box = detectAtWidths(bgr, n);
        // closer to a talking head: the player's head, enlarged to 200 pixels, on a smooth background
        byte[] head = FaceCrops.crop(messi.bgr(), messi.width(), messi.height(), new FaceBox(200, 60, 290, 150));
        byte[] big = FaceCrops.resizeBgr(head, 96, 96, 200, 200);
        byte[] plain = TestFrames.smooth(640, 360).bgr();
        for (int y = 0; y < 200; y++) {
            System.arraycopy(big, y * 600, plain, ((80 + y) * 640 + 220) * 3, 600);
        }
        System.out.println("640x360 frame: the head enlarged to 200x200 on a smooth background");
        detectAtWidths(plain, n);
        FaceBox face = FaceTrack.Padding.WAV2LIP.apply(box == null ? new FaceBox(260, 100, 380, 220) : box, 640, 360);
        float[] input = new float[FaceCrops.INPUT_SIZE];
        time("crop + resize to 96 + model input, box " + face, n,
                i -> FaceCrops.modelInput(FaceCrops.crop(bgr, 640, 360, face), input, 0));
        float[] output = java.util.Arrays.copyOfRange(input, 3 * 96 * 96, 6 * 96 * 96);
        time("paste (resize to the box, copy of the frame)", n, i -> FaceCrops.paste(bgr, 640, 360, face, output, 0));
        time("turn the frame upright by 90 degrees (display rotation)", n,
                i -> Rotation.CLOCKWISE_90.apply(bgr, 640, 360));
        time("crop + model input of a frame stored turned by 90 degrees", n,
                i -> FaceCrops.modelInput(FaceCrops.crop(bgr, 640, 360, Rotation.CLOCKWISE_90,
                        Rotation.CLOCKWISE_90.apply(face, 640, 360)), input, 0));
        time("paste into a frame stored turned by 90 degrees", n, i -> FaceCrops.paste(bgr, 640, 360,
                Rotation.CLOCKWISE_90, Rotation.CLOCKWISE_90.apply(face, 640, 360), output, 0));
        byte[] jpeg = JpegCodec.encode(bgr, 640, 360, 0.9f);
        time("JPEG decode (ImageIO)", n, i -> JpegCodec.decodeBgr(jpeg, 640, 360));
        time("JPEG encode q0.9 (ImageIO)", n, i -> JpegCodec.encode(bgr, 640, 360, 0.9f));
        short[] audio = new short[12 * 16000];
        java.util.Random random = new java.util.Random(1);
        for (int i = 0; i < audio.length; i++) {
            audio[i] = (short) (random.nextGaussian() * 3000);
        }
        time("mel spectrogram of 12 s (961 mel frames)", Math.max(3, n / 5), i -> MelSpectrogram.of(audio));
        short[] stereo48k = new short[2 * 12 * 48_000];
        for (int i = 0; i < stereo48k.length; i++) {
            stereo48k[i] = (short) (random.nextGaussian() * 3000);
        }
        try (LipSyncFrames frames = new LipSyncFrames()) {
            time("mel features of 12 s at 48 kHz stereo (mix, resample to 16 kHz, spectrogram)", Math.max(3, n / 5),
                    i -> MelSpectrogram.of(frames.melAudio(stereo48k, 48_000, 2)));
        }
    }

    private static FaceBox detectAtWidths(byte[] bgr, int n) {
        FaceBox box = null;
        for (int width : new int[] {640, 480, 320}) {
            Settings s = new Settings(Settings.DEFAULT.cascade(), Settings.DEFAULT.scaleFactor(),
                    Settings.DEFAULT.minNeighbors(), Settings.DEFAULT.minFaceFraction(), width, Settings.DEFAULT.pick());
            try (FaceDetector detector = new FaceDetector(s)) {
                FaceBox found = detector.detect(bgr, 640, 360).orElse(null);
                time("detect, detection width " + width + (width == 480 ? " (default)" : "") + ": " + found, n,
                        i -> detector.detect(bgr, 640, 360));
                if (found != null) {
                    time("detect near the face of the frame before, detection width " + width + ": "
                            + detector.detectNear(bgr, 640, 360, found).orElse(null), n,
                            i -> detector.detectNear(bgr, 640, 360, found));
                }
                box = width == 480 ? found : box;
            }
        }
        return box;
    }

    private static void time(String what, int n, IntConsumer call) {
        for (int i = 0; i < Math.min(5, n); i++) {
            call.accept(i); // warm up
        }
        long cpu = OS.getProcessCpuTime();
        long wall = System.nanoTime();
        for (int i = 0; i < n; i++) {
            call.accept(i);
        }
        double wallMs = (System.nanoTime() - wall) / 1e6 / n;
        double cpuMs = (OS.getProcessCpuTime() - cpu) / 1e6 / n;
        System.out.printf("%8.2f ms wall %8.2f ms cpu  %s%n", wallMs, cpuMs, what);
    }
}
