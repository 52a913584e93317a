package io.dubstream.job;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import javax.imageio.ImageIO;


import io.dubstream.connectors.format.ClipRecordCodec;
import io.dubstream.connectors.format.InvalidRecordException;
import io.dubstream.connectors.records.AudioBlock;
import io.dubstream.connectors.records.ClipManifest;
import io.dubstream.connectors.records.ClipRecord;
import io.dubstream.connectors.records.EndOfClip;
import io.dubstream.connectors.records.TestManifests;
import io.dubstream.connectors.records.VideoFrame;

/**
 * The clip a savepoint fixture was taken on, built in code so that every run makes the same records
 * in the same order: 30 s of 64x36 JPEG frames at 25 fps (three chunks) and 16 kHz mono audio.
 * It goes to Kafka in two transactions, cut at 14 s: the fixture's savepoint was taken after the
 * first, with chunk 0 out (its core ends by 12 s, its context by 13 s) and chunk 1 waiting for
 * frames, and a restore needs the same offsets. The early cut keeps the held frames and audio, and
 * so the fixture, small.
 */
final class FixtureClip {

    static final String CLIP = "fixture";
    static final int WIDTH = 64;
    static final int HEIGHT = 36;
    static final int FPS = 25;
    static final int FRAMES = 30 * FPS;
    static final int SAMPLE_RATE = 16_000;
    static final long SAMPLES = 30L * SAMPLE_RATE;
    /** The first transaction holds the frames before this one (14 s) and the audio blocks that start before it. */
    static final int CUT_FRAME = 350;
    private static final int BLOCK_SAMPLES = SAMPLE_RATE / 4;
    /** Fixed, so that the manifest and the end-of-clip record are the same bytes on every run. */
    private static final long CREATED_AT_MILLIS = 1_767_225_600_000L;

    final ClipManifest manifest = TestManifests.of(CLIP, WIDTH, HEIGHT, FPS, 1, FRAMES, SAMPLE_RATE, 1,
            CREATED_AT_MILLIS);
    final List<VideoFrame> frames = new ArrayList<>();
    final List<AudioBlock> audio = new ArrayList<>();
    final EndOfClip end = EndOfClip.complete(CLIP, FRAMES, SAMPLES, CREATED_AT_MILLIS + 30_000);

    FixtureClip() {
        for (int i = 0; i < FRAMES; i++) {
            frames.add(new VideoFrame(CLIP, i, i * 1_000_000L / FPS, WIDTH, HEIGHT, jpeg(i)));
        }
        for (long first = 0; first < SAMPLES; first += BLOCK_SAMPLES) {
            short[] samples = new short[BLOCK_SAMPLES];
            for (int s = 0; s < samples.length; s++) {
                // a saw of a period prime to the block length: no two blocks alike
                samples[s] = (short) (((first + s) * 37 % 4001) - 2000);
            }
            audio.add(new AudioBlock(CLIP, first, SAMPLE_RATE, 1, samples));
        }
    }

    /** Frame {@code index}: a gradient that moves one pixel a frame, so every frame differs. */
    private static byte[] jpeg(int index) {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                int v = ((x + index) * 4) & 0xff;
                image.setRGB(x, y, v << 16 | (y * 7 & 0xff) << 8 | (index & 0xff));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "jpg", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The manifest, the frames before the cut and the audio blocks that start before it. */
    List<ClipRecord> firstPart() {
        List<ClipRecord> records = new ArrayList<>();
        records.add(manifest);
        records.addAll(frames.subList(0, CUT_FRAME));
        audio.stream().filter(FixtureClip::startsBeforeCut).forEach(records::add);
        return records;
    }

    /** The audio blocks from the cut on, the frames from the cut on and the end-of-clip record. */
    List<ClipRecord> rest() {
        List<ClipRecord> records = new ArrayList<>();
        audio.stream().filter(b -> !startsBeforeCut(b)).forEach(records::add);
        records.addAll(frames.subList(CUT_FRAME, FRAMES));
        records.add(end);
        return records;
    }

    private static boolean startsBeforeCut(AudioBlock block) {
        return block.getFirstSample() * FPS < (long) CUT_FRAME * SAMPLE_RATE;
    }

    /** All samples, blocks joined in order. */
    short[] samples() {
        short[] all = new short[(int) SAMPLES];
        for (AudioBlock block : audio) {
            System.arraycopy(block.getSamples(), 0, all, (int) block.getFirstSample(), block.getSamples().length);
        }
        return all;
    }

    /**
     * SHA-256 over the encoded records of both parts, in order, as a writer of record format
     * {@code formatVersion} encoded them (this codec's bytes, with that version in each header): recorded with the
     * fixture, so that a restore that fails because the clip came out different (another JPEG
     * encoder, a change to the layout of a record type the clip has) says so instead of looking like a
     * state incompatibility. A new format version that leaves the clip's record types alone (version
     * 4 changed only the chunk status) keeps the digest of fixtures taken before it.
     */
    String sha256(int formatVersion) throws InvalidRecordException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            ClipRecordCodec codec = new ClipRecordCodec();
            for (List<ClipRecord> part : List.of(firstPart(), rest())) {
                for (ClipRecord record : part) {
                    byte[] encoded = codec.encode(record);
                    encoded[2] = (byte) formatVersion; // the header: 'D' 'S' version type
                    digest.update(encoded);
                }
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
