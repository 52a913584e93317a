package io.dubstream.connectors.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.dubstream.connectors.media.MediaSample.VideoSample;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.assertj.core.api.AbstractThrowableAssert;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files {@link MediaReader} must refuse with a message that says what is wrong, without hanging. */
class MediaReaderErrorsTest {

    private static final Duration NO_HANG = Duration.ofSeconds(30);

    @TempDir
    static Path dir;

    static byte[] faststartClip;

    @BeforeAll
    static void generateClip() throws Exception {
        Path clip = SampleClipGenerator.write(dir.resolve("whole.mp4"),
                new SampleClipGenerator.Spec(320, 180, 25, 1, 2.0, 44_100, 2));
        faststartClip = Files.readAllBytes(clip);
    }

    @Test
    void missingFile() {
        Path file = dir.resolve("nowhere.mp4");
        assertOpenFails(file).hasMessage("cannot read " + file + ": no such file");
    }

    @Test
    void directory() {
        assertOpenFails(dir).hasMessage("cannot read " + dir + ": it is a directory, not a media file");
    }

    @Test
    void emptyFile() throws Exception {
        Path file = Files.createFile(dir.resolve("empty.mp4"));
        assertOpenFails(file).hasMessage("cannot read " + file + ": the file is empty");
    }

    @Test
    void randomBytes() throws Exception {
        byte[] garbage = new byte[200_000];
        new Random(42).nextBytes(garbage);
        Path file = Files.write(dir.resolve("garbage.mp4"), garbage);

        assertOpenFails(file).hasMessage("cannot read " + file
                + ": not a media file FFmpeg recognises (Invalid data found when processing input)");
    }

    @Test
    void textFile() throws Exception {
        Path file = Files.writeString(dir.resolve("notes.mp4"), "not a video\n".repeat(1000));
        assertOpenFails(file).hasMessageStartingWith("cannot read " + file + ": not a media file FFmpeg recognises");
    }

    @Test
    void firstHalfOfAFaststartMp4() throws Exception {
        // moov up front, so FFmpeg opens it and would stop at the cut without an error (see
        // ffmpegAloneStopsSilentlyAtTheCutOfAFaststartMp4): the reader refuses it instead.
        Path file = Files.write(dir.resolve("half.mp4"), Arrays.copyOf(faststartClip, faststartClip.length / 2));

        assertOpenFails(file)
                .hasMessageStartingWith("cannot read " + file + ": the file is truncated: its 'mdat' box at byte ")
                .hasMessageContaining("but the file ends at byte " + faststartClip.length / 2);
    }

    @Test
    void ffmpegAloneStopsSilentlyAtTheCutOfAFaststartMp4() throws Exception {
        // Why the reader checks the structure itself: JavaCV maps FFmpeg's "partial file" read
        // error to the end of the stream, so the grabber delivers the frames before the cut and ends.
        Path file = Files.write(dir.resolve("half-raw.mp4"), Arrays.copyOf(faststartClip, faststartClip.length / 2));
        int frames = 0;
        FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile());
        try {
            grabber.start();
            assertThat(grabber.getLengthInVideoFrames()).isEqualTo(50);
            while (grabber.grabImage() != null) {
                frames++;
            }
        } finally {
            grabber.release();
        }
        assertThat(frames).isBetween(10, 40);
    }

    @Test
    void completeFilesWithTrailingBytesStillRead() throws Exception {
        byte[] junk = new byte[100];
        new Random(7).nextBytes(junk);
        for (byte[] tail : new byte[][] {new byte[64], junk}) {
            byte[] bytes = Arrays.copyOf(faststartClip, faststartClip.length + tail.length);
            System.arraycopy(tail, 0, bytes, faststartClip.length, tail.length);
            Path file = Files.write(dir.resolve("tail.mp4"), bytes);
            assertThat(MediaRoundTripTest.Decoded.read(file, 16_000, 1).frames).hasSize(50);
        }
    }

    @Test
    void firstHalfOfAnMp4WithItsIndexAtTheEnd() throws Exception {
        Path whole = RecorderClips.write(dir.resolve("moov-last.mp4"), "mp4", "libopenh264", 320, 180, 50, 1);
        Path file = firstHalf(whole, "moov-last-half.mp4");

        assertOpenFails(file).hasMessageStartingWith("cannot read " + file
                + ": the file is truncated and its mp4 index (moov atom) is missing: its 'mdat' box");
    }

    @Test
    void mp4ThatWasNeverFinished() throws Exception {
        // what a recorder killed mid-way leaves: ftyp, then media data "to the end of the file", no moov
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(Arrays.copyOf(faststartClip, 32)); // the ftyp box
        bytes.write(ByteBuffer.allocate(8).putInt(0).put("mdat".getBytes()).array());
        bytes.write(new byte[50_000]);
        Path file = Files.write(dir.resolve("unfinished.mp4"), bytes.toByteArray());

        assertOpenFails(file).hasMessageStartingWith("cannot read " + file
                + ": its mp4 index (moov atom) is missing: the recording or upload was never finished");
    }

    @Test
    void firstHalfOfAMatroskaFile() throws Exception {
        Path whole = RecorderClips.write(dir.resolve("whole.mkv"), "matroska", "mpeg4", 320, 180, 50, 1);
        Path file = firstHalf(whole, "half.mkv");

        assertOpenFails(file).hasMessageStartingWith("cannot read " + file
                + ": the file is truncated: its Matroska segment at byte ");
    }

    @Test
    void firstHalfOfAnAvi() throws Exception {
        Path whole = RecorderClips.write(dir.resolve("whole.avi"), "avi", "mpeg4", 320, 180, 50, 1);
        Path file = firstHalf(whole, "half.avi");

        assertOpenFails(file).hasMessageStartingWith("cannot read " + file
                + ": the file is truncated: its RIFF 'AVI' chunk declares ");
    }

    @Test
    void audioOnlyFile() throws Exception {
        Path file = RecorderClips.write(dir.resolve("voice.m4a"), "mp4", null, 0, 0, 25, 1);
        assertOpenFails(file).hasMessage("cannot read " + file + ": it has no video stream (it has only audio: aac)");
    }

    @Test
    void readingAfterCloseIsAnError() throws Exception {
        Path file = Files.write(dir.resolve("ok.mp4"), faststartClip);
        MediaReader reader = MediaReader.open(file, 16_000, 1);
        assertThat(reader.next()).isNotNull();
        reader.close();
        reader.close();
        assertThatThrownBy(reader::next).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void readerCanBeClosedHalfWay() throws Exception {
        Path file = Files.write(dir.resolve("partly.mp4"), faststartClip);
        try (MediaReader reader = MediaReader.open(file, 16_000, 1)) {
            MediaSample sample;
            int frames = 0;
            while (frames < 10 && (sample = reader.next()) != null) {
                frames += sample instanceof VideoSample ? 1 : 0;
            }
            assertThat(frames).isEqualTo(10);
        }
    }

    @Test
    void invalidTransportFormat() {
        Path file = dir.resolve("whatever.mp4");
        assertThatThrownBy(() -> MediaReader.open(file, 0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sample rate");
        assertThatThrownBy(() -> MediaReader.open(file, 16_000, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("channels");
    }

    /** The first half of {@code whole}'s bytes, as a file named {@code name}: an upload cut off midway. */
    private static Path firstHalf(Path whole, String name) throws Exception {
        byte[] bytes = Files.readAllBytes(whole);
        return Files.write(dir.resolve(name), Arrays.copyOf(bytes, bytes.length / 2));
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertOpenFails(Path file) {
        return assertThatThrownBy(() -> assertTimeoutPreemptively(NO_HANG, () -> {
            try (MediaReader reader = MediaReader.open(file, 16_000, 1)) {
                while (reader.next() != null) {
                    // drain: a file that opens must fail while reading
                }
            }
        })).isInstanceOf(MediaException.class);
    }
}
