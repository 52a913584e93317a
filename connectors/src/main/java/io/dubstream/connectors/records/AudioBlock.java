package io.dubstream.connectors.records;

import java.util.Arrays;
import java.util.Objects;

/**
 * A run of PCM 16-bit audio of a clip (topic {@code dubstream.media}), interleaved when there is more
 * than one channel, at the transport rate. {@code firstSample} counts samples per channel from the
 * start of the clip, so blocks tile the clip's audio without gaps or overlaps.
 */
public class AudioBlock extends KeyedByClip {

    private long firstSample;
    private int sampleRate;
    private int channels;
    private short[] samples;

    public AudioBlock() {}

    public AudioBlock(String clipId, long firstSample, int sampleRate, int channels, short[] samples) {
        super(clipId);
        this.firstSample = firstSample;
        this.sampleRate = sampleRate;
        this.channels = channels;
        this.samples = samples;
    }

    @Override
    public RecordType recordType() {
        return RecordType.AUDIO_BLOCK;
    }

    public long getFirstSample() {
        return firstSample;
    }

    public void setFirstSample(long firstSample) {
        this.firstSample = firstSample;
    }

    public int getSampleRate() {
        return sampleRate;
    }

    public void setSampleRate(int sampleRate) {
        this.sampleRate = sampleRate;
    }

    public int getChannels() {
        return channels;
    }

    public void setChannels(int channels) {
        this.channels = channels;
    }

    public short[] getSamples() {
        return samples;
    }

    public void setSamples(short[] samples) {
        this.samples = samples;
    }

    /** Samples per channel in this block. */
    public int sampleCount() {
        return channels == 0 || samples == null ? 0 : samples.length / channels;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof AudioBlock)) {
            return false;
        }
        AudioBlock b = (AudioBlock) o;
        return firstSample == b.firstSample && sampleRate == b.sampleRate && channels == b.channels
                && Objects.equals(getClipId(), b.getClipId()) && Arrays.equals(samples, b.samples);
    }

    @Override
    public int hashCode() {
        return Objects.hash(getClipId(), firstSample, sampleRate, channels) * 31 + Arrays.hashCode(samples);
    }

    @Override
    public String toString() {
        return "AudioBlock{clipId=" + getClipId() + ", firstSample=" + firstSample + ", " + sampleRate + " Hz x"
                + channels + ", " + sampleCount() + " samples}";
    }
}
