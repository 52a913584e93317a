package io.dubstream.connectors.records;

import java.util.Objects;

/**
 * The first record of a clip (topic {@code dubstream.clips}): what the clip is, so that the job can
 * plan its chunks and a downloader can set up its encoder.
 *
 * <p>A Flink POJO: public no-argument constructor, getters and setters.
 */
public class ClipManifest extends KeyedByClip {

    /** The frame encoding of the video frame records; JPEG is the only one in format version 1. */
    public static final String FRAME_ENCODING_JPEG = "jpeg";

    private int formatVersion;
    private String container;
    private String videoCodec;
    /** Empty when the source has no audio. */
    private String audioCodec;
    private int fpsNum;
    private int fpsDen;
    private int width;
    private int height;
    /** The frame count the container states, or -1 when unknown; the end-of-clip record is exact. */
    private long frameCount;
    private String frameEncoding;
    /** Rate and channels of the audio block records (the transport layout); 0 when there is no audio. */
    private int sampleRate;
    private int channels;
    /** Rate and channels of the source file's audio track; 0 when there is none. */
    private int sourceSampleRate;
    private int sourceChannels;
    /** Duration in microseconds, or -1 when unknown. */
    private long durationMicros;
    private long createdAtMillis;
    /** How many script lines the clip has on the script topic; 0 without a script. Since version 2. */
    private int scriptLineCount;
    /**
     * The clockwise rotation, in degrees (0, 90, 180 or 270), that the source's display matrix asks
     * players to apply to the stored frames; frames travel as stored. Since version 2.
     */
    private int rotationDegrees;
    /** The language of the dub (a BCP 47 tag such as {@code fr}), or empty when not stated. Since version 2. */
    private String scriptLanguage = "";

    public ClipManifest() {}

    @Override
    public RecordType recordType() {
        return RecordType.MANIFEST;
    }

    public int getFormatVersion() {
        return formatVersion;
    }

    public void setFormatVersion(int formatVersion) {
        this.formatVersion = formatVersion;
    }

    public String getContainer() {
        return container;
    }

    public void setContainer(String container) {
        this.container = container;
    }

    public String getVideoCodec() {
        return videoCodec;
    }

    public void setVideoCodec(String videoCodec) {
        this.videoCodec = videoCodec;
    }

    public String getAudioCodec() {
        return audioCodec;
    }

    public void setAudioCodec(String audioCodec) {
        this.audioCodec = audioCodec;
    }

    public int getFpsNum() {
        return fpsNum;
    }

    public void setFpsNum(int fpsNum) {
        this.fpsNum = fpsNum;
    }

    public int getFpsDen() {
        return fpsDen;
    }

    public void setFpsDen(int fpsDen) {
        this.fpsDen = fpsDen;
    }

    public int getWidth() {
        return width;
    }

    public void setWidth(int width) {
        this.width = width;
    }

    public int getHeight() {
        return height;
    }

    public void setHeight(int height) {
        this.height = height;
    }

    public long getFrameCount() {
        return frameCount;
    }

    public void setFrameCount(long frameCount) {
        this.frameCount = frameCount;
    }

    public String getFrameEncoding() {
        return frameEncoding;
    }

    public void setFrameEncoding(String frameEncoding) {
        this.frameEncoding = frameEncoding;
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

    public int getSourceSampleRate() {
        return sourceSampleRate;
    }

    public void setSourceSampleRate(int sourceSampleRate) {
        this.sourceSampleRate = sourceSampleRate;
    }

    public int getSourceChannels() {
        return sourceChannels;
    }

    public void setSourceChannels(int sourceChannels) {
        this.sourceChannels = sourceChannels;
    }

    public long getDurationMicros() {
        return durationMicros;
    }

    public void setDurationMicros(long durationMicros) {
        this.durationMicros = durationMicros;
    }

    public long getCreatedAtMillis() {
        return createdAtMillis;
    }

    public void setCreatedAtMillis(long createdAtMillis) {
        this.createdAtMillis = createdAtMillis;
    }

    public int getScriptLineCount() {
        return scriptLineCount;
    }

    public void setScriptLineCount(int scriptLineCount) {
        this.scriptLineCount = scriptLineCount;
    }

    public int getRotationDegrees() {
        return rotationDegrees;
    }

    public void setRotationDegrees(int rotationDegrees) {
        this.rotationDegrees = rotationDegrees;
    }

    public String getScriptLanguage() {
        return scriptLanguage;
    }

    public void setScriptLanguage(String scriptLanguage) {
        this.scriptLanguage = scriptLanguage;
    }

    /** Whether the clip has a script on the script topic. */
    public boolean hasScript() {
        return scriptLineCount > 0;
    }

    /** Whether the clip carries audio blocks. */
    public boolean hasAudio() {
        return sampleRate > 0 && channels > 0;
    }

    /** Frames per second as a double; the exact rate is {@code fpsNum / fpsDen}. */
    public double fps() {
        return (double) fpsNum / fpsDen;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ClipManifest)) {
            return false;
        }
        ClipManifest m = (ClipManifest) o;
        return formatVersion == m.formatVersion && fpsNum == m.fpsNum && fpsDen == m.fpsDen
                && width == m.width && height == m.height && frameCount == m.frameCount
                && sampleRate == m.sampleRate && channels == m.channels
                && sourceSampleRate == m.sourceSampleRate && sourceChannels == m.sourceChannels
                && durationMicros == m.durationMicros && createdAtMillis == m.createdAtMillis
                && scriptLineCount == m.scriptLineCount && rotationDegrees == m.rotationDegrees
                && Objects.equals(scriptLanguage, m.scriptLanguage)
                && Objects.equals(getClipId(), m.getClipId()) && Objects.equals(container, m.container)
                && Objects.equals(videoCodec, m.videoCodec) && Objects.equals(audioCodec, m.audioCodec)
                && Objects.equals(frameEncoding, m.frameEncoding);
    }

    @Override
    public int hashCode() {
        return Objects.hash(getClipId(), fpsNum, fpsDen, width, height, sampleRate, createdAtMillis);
    }

    @Override
    public String toString() {
        return "ClipManifest{clipId=" + getClipId() + ", v" + formatVersion + ", " + container + "/" + videoCodec
                + "/" + (audioCodec.isEmpty() ? "no audio" : audioCodec) + ", " + width + "x" + height
                + " @ " + fpsNum + "/" + fpsDen + " fps, frames=" + frameCount + ", " + frameEncoding
                + ", audio " + sampleRate + " Hz x" + channels + " (source " + sourceSampleRate + " Hz x"
                + sourceChannels + "), durationMicros=" + durationMicros + ", rotation=" + rotationDegrees
                + ", script=" + scriptLineCount + " lines" + (scriptLanguage.isEmpty() ? "" : " in " + scriptLanguage)
                + "}";
    }
}
