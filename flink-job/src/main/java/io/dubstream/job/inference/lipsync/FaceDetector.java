package io.dubstream.job.inference.lipsync;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.equalizeHist;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.RectVector;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_objdetect.CascadeClassifier;

/**
 * Finds one frontal face per frame with one of OpenCV's cascade classifiers, loaded from the cascade
 * XML that JavaCV's OpenCV natives jar ships (extracted once per JVM to a temporary file).
 *
 * <p>A frame (packed BGR) is turned to grey; frames wider than {@link Settings#maxDetectionWidth()}
 * are shrunk (area interpolation) and the box is scaled back; then histogram equalisation, as in
 * OpenCV's face detection sample. Of several detections, {@link Pick} decides which one is the face.
 *
 * <p>Not thread-safe (an OpenCV classifier is not): one instance per thread or subtask, closed when
 * done.
 */
public final class FaceDetector implements AutoCloseable {

    /** The cascades this detector can use; all ship in the OpenCV natives jar. */
    public enum Cascade {
        /**
         * Viola-Jones Haar features, OpenCV's classic and most thorough frontal-face cascade: the
         * default (see {@link Settings#DEFAULT} for why).
         */
        HAAR_FRONTALFACE_DEFAULT("haarcascades/haarcascade_frontalface_default.xml"),
        /** A Haar cascade with fewer false positives than the default and a little faster. */
        HAAR_FRONTALFACE_ALT2("haarcascades/haarcascade_frontalface_alt2.xml"),
        /** Local binary patterns: several times faster than Haar, misses more faces. */
        LBP_FRONTALFACE("lbpcascades/lbpcascade_frontalface_improved.xml");

        private final String resource;

        Cascade(String resource) {
            this.resource = resource;
        }

        /** The path of the XML inside the OpenCV natives jar of this platform. */
        public String resourcePath() {
            return "/org/bytedeco/opencv/" + Loader.getPlatform() + "/share/opencv4/" + resource;
        }
    }

    /** Which of several detections is the face. */
    public enum Pick {
        /**
         * The detection with the most overlapping raw hits ({@code detectMultiScale2}'s
         * {@code numDetections}), the cascade's nearest thing to a confidence; the larger box on a tie.
         * Wav2Lip's detector (S3FD) likewise takes its most confident face.
         */
        MOST_NEIGHBOURS,
        /** The largest box. Textured backgrounds (a crowd) can give false faces larger than the real one. */
        LARGEST
    }

    /**
     * How to detect.
     *
     * @param cascade the classifier
     * @param scaleFactor the step between the scales searched, above 1 (OpenCV's {@code scaleFactor})
     * @param minNeighbors overlapping hits needed to accept a face (OpenCV's {@code minNeighbors})
     * @param minFaceFraction the smallest face searched, as a fraction of the frame's shorter side
     * @param maxDetectionWidth frames wider than this are shrunk to it for detection
     * @param pick which detection is the face
     */
    public record Settings(Cascade cascade, double scaleFactor, int minNeighbors, double minFaceFraction,
            int maxDetectionWidth, Pick pick) {

        /**
         * Haar frontal-face default cascade, scale step 1.1, 3 neighbours (OpenCV's defaults), faces
         * from 8% of the shorter side, detection at most 480 pixels wide, the most supported detection.
         * On OpenCV's sample photo {@code messi5.jpg} (a small face before a crowd) the Haar default
         * cascade finds the face at full size and shrunk to 480 and 320 pixels; the improved LBP
         * cascade finds nothing, the Haar alt2 cascade loses it at 400 pixels, and every cascade also
         * reports a larger false face in the crowd, which {@link Pick#MOST_NEIGHBOURS} rejects.
         * Detection is the costly part of preparing a frame (see {@code docs/lipsync.md}); shrinking
         * 640x360 frames to 480 pixels cuts it by about a quarter and keeps talking-head faces well
         * above the cascade's 24-pixel window; 320 pixels would cut it by two thirds but loses faces
         * as small as the sample photo's.
         */
        public static final Settings DEFAULT =
                new Settings(Cascade.HAAR_FRONTALFACE_DEFAULT, 1.1, 3, 0.08, 480, Pick.MOST_NEIGHBOURS);

        public Settings {
            Objects.requireNonNull(cascade, "cascade");
            Objects.requireNonNull(pick, "pick");
            if (!(scaleFactor > 1) || minNeighbors < 0 || !(minFaceFraction >= 0 && minFaceFraction < 1)
                    || maxDetectionWidth < 32) {
                throw new IllegalArgumentException("face detection needs scaleFactor > 1, minNeighbors >= 0, "
                        + "0 <= minFaceFraction < 1 and maxDetectionWidth >= 32, got " + this);
            }
        }
    }

    private static final Map<Cascade, Path> EXTRACTED = new EnumMap<>(Cascade.class);

    private final Settings settings;
    private final CascadeClassifier classifier;

    public FaceDetector() {
        this(Settings.DEFAULT);
    }

    public FaceDetector(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        Path xml = extract(settings.cascade());
        CascadeClassifier c = new CascadeClassifier();
        if (!c.load(xml.toString()) || c.empty()) {
            c.close();
            throw new IllegalStateException("OpenCV could not load the face cascade " + xml);
        }
        this.classifier = c;
    }

    public Settings settings() {
        return settings;
    }

    /**
     * The face in a frame, or none; of several detections, the one {@link Settings#pick()} prefers.
     *
     * @param bgr tightly packed BGR24 pixels, {@code width * height * 3} bytes
     */
    public Optional<FaceBox> detect(byte[] bgr, int width, int height) {
        FaceCrops.requireFrame(bgr, width, height);
        double scale = scale(width);
        int minSide = (int) Math.floor(Math.min(width, height) * scale * settings.minFaceFraction());
        return search(bgr, width, height, new FaceBox(0, 0, width, height), scale, minSide, 0);
    }

    /**
     * The face in a frame near where it was in a frame before: the search covers {@code previous}
     * grown by its own size on every side, for faces from half to twice its size, which costs a
     * fraction of a search of the whole frame. Where no face is found there, the whole frame is searched.
     *
     * @param previous a face box in an earlier frame of the same size
     */
    public Optional<FaceBox> detectNear(byte[] bgr, int width, int height, FaceBox previous) {
        FaceCrops.requireFrame(bgr, width, height);
        if (!previous.fits(width, height)) {
            throw new IllegalArgumentException("face box " + previous + " is not inside a " + width + "x" + height
                    + " frame");
        }
        double scale = scale(width);
        int growX = previous.width() / 2;
        int growY = previous.height() / 2;
        FaceBox region = new FaceBox(Math.max(0, previous.x1() - growX), Math.max(0, previous.y1() - growY),
                Math.min(width, previous.x2() + growX), Math.min(height, previous.y2() + growY));
        int side = Math.min(previous.width(), previous.height());
        int minSide = Math.max((int) Math.floor(Math.min(width, height) * scale * settings.minFaceFraction()),
                (int) Math.floor(side * scale * 2 / 3));
        int maxSide = (int) Math.ceil(Math.max(previous.width(), previous.height()) * scale * 3 / 2);
        Optional<FaceBox> near = search(bgr, width, height, region, scale, minSide, maxSide);
        return near.isPresent() ? near : detect(bgr, width, height);
    }

    /** The frame's detection scale: frames wider than {@link Settings#maxDetectionWidth()} are shrunk. */
    private double scale(int width) {
        return width > settings.maxDetectionWidth() ? (double) settings.maxDetectionWidth() / width : 1;
    }

    /**
     * Runs the cascade on {@code region} of the frame, shrunk by {@code scale}, for faces of
     * {@code minSide} to {@code maxSide} (0: no limit) detection pixels.
     */
    private Optional<FaceBox> search(byte[] bgr, int width, int height, FaceBox region, double scale, int minSide,
            int maxSide) {
        int w = Math.max(1, (int) Math.round(region.width() * scale));
        int h = Math.max(1, (int) Math.round(region.height() * scale));
        try (Mat frame = new Mat(height, width, CV_8UC3);
                Rect area = new Rect(region.x1(), region.y1(), region.width(), region.height());
                Mat part = new Mat(frame, area);
                Mat gray = new Mat();
                Mat small = new Mat();
                RectVector faces = new RectVector();
                IntPointer hits = new IntPointer();
                Size minSize = new Size(minSide, minSide);
                Size maxSize = new Size(maxSide, maxSide)) {
            frame.data().put(bgr, 0, bgr.length);
            cvtColor(part, gray, COLOR_BGR2GRAY);
            Mat input = gray;
            if (scale != 1) {
                try (Size target = new Size(w, h)) {
                    resize(gray, small, target, 0, 0, INTER_AREA);
                }
                input = small;
            }
            equalizeHist(input, input);
            classifier.detectMultiScale2(input, faces, hits, settings.scaleFactor(), settings.minNeighbors(), 0, minSize,
                    maxSize);
            if (hits.capacity() < faces.size()) {
                throw new IllegalStateException("OpenCV returned " + faces.size() + " faces but " + hits.capacity()
                        + " hit counts");
            }
            FaceBox best = null;
            int bestHits = -1;
            for (long i = 0; i < faces.size(); i++) {
                try (Rect r = faces.get(i)) {
                    FaceBox box = toFrame(r.x(), r.y(), r.width(), r.height(), scale, region, width, height);
                    int n = hits.get(i);
                    if (box != null && (best == null || better(box, n, best, bestHits))) {
                        best = box;
                        bestHits = n;
                    }
                }
            }
            return Optional.ofNullable(best);
        }
    }

    private boolean better(FaceBox box, int n, FaceBox best, int bestHits) {
        if (settings.pick() == Pick.MOST_NEIGHBOURS && n != bestHits) {
            return n > bestHits;
        }
        return box.area() > best.area();
    }

    /**
     * A box found at {@code scale} in {@code region}, in frame pixels, clamped to the frame; null if
     * nothing is left.
     */
    private static FaceBox toFrame(int x, int y, int w, int h, double scale, FaceBox region, int width, int height) {
        int x1 = (int) Math.max(0, region.x1() + Math.floor(x / scale));
        int y1 = (int) Math.max(0, region.y1() + Math.floor(y / scale));
        int x2 = (int) Math.min(width, region.x1() + Math.ceil((x + w) / scale));
        int y2 = (int) Math.min(height, region.y1() + Math.ceil((y + h) / scale));
        return x2 > x1 && y2 > y1 ? new FaceBox(x1, y1, x2, y2) : null;
    }

    @Override
    public void close() {
        classifier.close();
    }

    /** The cascade's XML as a file (OpenCV loads from paths), extracted from the jar once per JVM. */
    static Path extract(Cascade cascade) {
        synchronized (EXTRACTED) {
            Path existing = EXTRACTED.get(cascade);
            if (existing != null && Files.isRegularFile(existing)) {
                return existing;
            }
            String resource = cascade.resourcePath();
            try (InputStream in = FaceDetector.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("the face cascade " + resource + " is not on the class path: the "
                            + "org.bytedeco:opencv natives jar for " + Loader.getPlatform() + " is missing");
                }
                Path file = Files.createTempFile("dubstream-" + cascade.name().toLowerCase() + "-", ".xml");
                file.toFile().deleteOnExit();
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                EXTRACTED.put(cascade, file);
                return file;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot extract the face cascade " + resource, e);
            }
        }
    }
}
