package io.dubstream.connectors.media;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_SAMPLING_FACTOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_SAMPLING_FACTOR_420;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_SAMPLING_FACTOR_444;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * JPEG encode and decode of BGR frames, side by side in one JVM (run by {@code bench/jpeg.sh}, not a
 * test): ImageIO (the transport's codec before), OpenCV's {@code imencode}/{@code imdecode}
 * (libjpeg-turbo) and FFmpeg's {@code mjpeg} ({@link FFmpegJpeg}), each at several qualities and,
 * where the API allows, with 4:2:0 and 4:4:4 chroma. Frames: a generated sample frame
 * ({@link SampleClipGenerator}) and OpenCV's messi5.jpg (a face before a crowd), at 640x360 and
 * 1280x720. Prints per setting: bytes per frame, PSNR of the decoded frame against the original
 * (BGR, all channels), and encode and decode frames per second of the calling thread's CPU time
 * (every codec here works on the calling thread), the best of several rounds taken in turn: on a
 * shared, loaded machine wall time says more about the neighbours than about the codec.
 *
 * <p>Arguments: calls per round (default 40), rounds (default 3).
 */
public final class JpegBench {

    /** One codec at one setting. */
    interface Codec {
        byte[] encode(byte[] bgr, int width, int height);

        byte[] decode(byte[] jpeg, int width, int height);
    }

    private static final ThreadMXBean THREAD = ManagementFactory.getThreadMXBean();

    /** OpenCV's sample photo, a test resource of flink-job; the bench runs from the repository root. */
    static final String MESSI = "flink-job/src/test/resources/faces/messi5.jpg";

    public static void main(String[] args) throws IOException {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Map<String, Codec> codecs = codecs();
        System.out.printf("%-10s %-9s %-28s %9s %8s %11s %11s%n", "frame", "size", "codec", "bytes", "PSNR dB",
                "enc f/cpu-s", "dec f/cpu-s");
        for (int[] size : new int[][] {{640, 360}, {1280, 720}}) {
            Map<String, byte[]> frames = new LinkedHashMap<>();
            frames.put("sample", SampleClipGenerator.renderFrame(new SampleClipGenerator.Spec(size[0], size[1], 25, 1,
                    10, 48_000, 2), 137));
            if (new File(MESSI).isFile()) {
                frames.put("messi", scaledPhoto(MESSI, size[0], size[1]));
            }
            for (Map.Entry<String, byte[]> frame : frames.entrySet()) {
                measure(frame.getKey(), frame.getValue(), size[0], size[1], codecs, calls, rounds);
            }
        }
    }

    private static void measure(String name, byte[] bgr, int width, int height, Map<String, Codec> codecs,
            int calls, int rounds) {
        Map<String, double[]> best = new LinkedHashMap<>(); // encode and decode frames/s
        Map<String, byte[]> encoded = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            for (Map.Entry<String, Codec> c : codecs.entrySet()) {
                Codec codec = c.getValue();
                byte[] jpeg = codec.encode(bgr, width, height); // warm-up
                codec.decode(jpeg, width, height);
                long t0 = THREAD.getCurrentThreadCpuTime();
                for (int i = 0; i < calls; i++) {
                    jpeg = codec.encode(bgr, width, height);
                }
                long t1 = THREAD.getCurrentThreadCpuTime();
                for (int i = 0; i < calls; i++) {
                    codec.decode(jpeg, width, height);
                }
                long t2 = THREAD.getCurrentThreadCpuTime();
                encoded.put(c.getKey(), jpeg);
                double[] fps = best.computeIfAbsent(c.getKey(), k -> new double[2]);
                fps[0] = Math.max(fps[0], calls * 1e9 / (t1 - t0));
                fps[1] = Math.max(fps[1], calls * 1e9 / (t2 - t1));
            }
        }
        for (Map.Entry<String, double[]> e : best.entrySet()) {
            byte[] jpeg = encoded.get(e.getKey());
            byte[] decoded = codecs.get(e.getKey()).decode(jpeg, width, height);
            System.out.printf("%-10s %-9s %-28s %9d %8.2f %11.0f %11.0f%n", name, width + "x" + height, e.getKey(),
                    jpeg.length, psnr(bgr, decoded), e.getValue()[0], e.getValue()[1]);
        }
    }

    static Map<String, Codec> codecs() {
        Map<String, Codec> codecs = new LinkedHashMap<>();
        for (float q : new float[] {0.9f, 0.95f}) {
            codecs.put(String.format("imageio q%.2f 4:2:0", q), new Codec() {
                public byte[] encode(byte[] bgr, int w, int h) {
                    return ImageIoJpeg.encode(bgr, w, h, q);
                }

                public byte[] decode(byte[] jpeg, int w, int h) {
                    return ImageIoJpeg.decodeBgr(jpeg, w, h);
                }
            });
        }
        for (int q : new int[] {90, 95}) {
            for (boolean full : new boolean[] {false, true}) {
                codecs.put("opencv q" + q + (full ? " 4:4:4" : " 4:2:0"), new Codec() {
                    public byte[] encode(byte[] bgr, int w, int h) {
                        return openCvEncode(bgr, w, h, q, full);
                    }

                    public byte[] decode(byte[] jpeg, int w, int h) {
                        return openCvDecode(jpeg, w, h);
                    }
                });
            }
        }
        for (int qscale : new int[] {1, 2, 3}) {
            for (FFmpegJpeg.Chroma chroma : FFmpegJpeg.Chroma.values()) {
                codecs.put("ffmpeg mjpeg q:v " + qscale + (chroma == FFmpegJpeg.Chroma.FULL_444 ? " 4:4:4" : " 4:2:0"),
                        new Codec() {
                            public byte[] encode(byte[] bgr, int w, int h) {
                                return FFmpegJpeg.encode(bgr, w, h, qscale, chroma);
                            }

                            public byte[] decode(byte[] jpeg, int w, int h) {
                                return FFmpegJpeg.decodeBgr(jpeg, w, h);
                            }
                        });
            }
        }
        return codecs;
    }

    static byte[] openCvEncode(byte[] bgr, int width, int height, int quality, boolean full) {
        try (BytePointer pixels = new BytePointer(bgr);
                Mat image = new Mat(height, width, CV_8UC3, pixels);
                BytePointer out = new BytePointer();
                IntPointer params = new IntPointer(IMWRITE_JPEG_QUALITY, quality, IMWRITE_JPEG_SAMPLING_FACTOR,
                        full ? IMWRITE_JPEG_SAMPLING_FACTOR_444 : IMWRITE_JPEG_SAMPLING_FACTOR_420)) {
            if (!imencode(".jpg", image, out, params)) {
                throw new IllegalStateException("imencode failed");
            }
            byte[] jpeg = new byte[(int) out.limit()];
            out.get(jpeg);
            return jpeg;
        }
    }

    static byte[] openCvDecode(byte[] jpeg, int width, int height) {
        try (BytePointer bytes = new BytePointer(jpeg);
                Mat buffer = new Mat(1, jpeg.length, CV_8UC1, bytes);
                Mat image = imdecode(buffer, IMREAD_COLOR)) {
            if (image.empty() || image.cols() != width || image.rows() != height) {
                throw new IllegalArgumentException("imdecode failed");
            }
            byte[] bgr = new byte[width * height * 3];
            image.data().get(bgr);
            return bgr;
        }
    }

    /** PSNR of {@code b} against {@code a}, 8-bit samples. */
    static double psnr(byte[] a, byte[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            int d = (a[i] & 0xFF) - (b[i] & 0xFF);
            sum += d * d;
        }
        double mse = sum / a.length;
        return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255 * 255 / mse);
    }

    /** The photo stretched to {@code width x height}, bilinear, as BGR. */
    static byte[] scaledPhoto(String path, int width, int height) throws IOException {
        BufferedImage photo = ImageIO.read(new File(path));
        BufferedImage scaled = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = scaled.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(photo, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        return ((DataBufferByte) scaled.getRaster().getDataBuffer()).getData();
    }
}
