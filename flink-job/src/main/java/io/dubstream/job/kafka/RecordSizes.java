package io.dubstream.job.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.dubstream.connectors.format.RecordLimits;
import io.dubstream.job.DubstreamOptions;

/**
 * The job's largest records against what Kafka accepts, checked when the job is built: a frame or a
 * dead letter that the producer or the broker refuses would fail the job, and after its restart fail
 * it again on the same input, over and over. So the limits that bound them
 * ({@code dubstream.max-frame-bytes}, {@code dubstream.dead-letter.max-original-bytes}) must fit the
 * producers' {@code max.request.size} ({@code dubstream.kafka.max-request-size}) and the topics'
 * {@code max.message.bytes}, with Kafka's own overhead ({@link RecordLimits#largestFrameRecordBytes()}).
 * The largest frame record is a frame part with {@code dubstream.max-frame-bytes} of JPEG: a larger
 * frame goes in several, so {@code dubstream.max-whole-frame-bytes} does not meet Kafka's limits.
 */
public final class RecordSizes {

    private RecordSizes() {}

    /**
     * @param limits the record limits the job writes with
     * @param maxKept the most original bytes a dead letter keeps
     * @param maxRequestSize the producers' {@code max.request.size}
     * @param topicLimits {@code max.message.bytes} of the output media topic and the dead-letter topic,
     *     where known (empty when the cluster cannot say)
     * @param framesTopic the output media topic (where frames go)
     * @param deadLetterTopic the dead-letter topic
     * @throws IllegalArgumentException naming the options to change, when a record would not fit
     */
    public static void check(RecordLimits limits, int maxKept, int maxRequestSize, Map<String, Integer> topicLimits,
            String framesTopic, String deadLetterTopic) {
        int frame = limits.largestFrameRecordBytes();
        int deadLetter = limits.largestDeadLetterRecordBytes(maxKept);
        List<String> problems = new ArrayList<>();
        if (frame > maxRequestSize) {
            problems.add("a frame part of " + DubstreamOptions.MAX_FRAME_BYTES.key() + "=" + limits.maxFrameBytes()
                    + " bytes makes a record of up to " + frame + " bytes, above "
                    + DubstreamOptions.KAFKA_MAX_REQUEST_SIZE.key() + "=" + maxRequestSize);
        }
        if (deadLetter > maxRequestSize) {
            problems.add("a dead letter keeping " + DubstreamOptions.DEAD_LETTER_MAX_ORIGINAL_BYTES.key() + "="
                    + maxKept + " bytes makes a record of up to " + deadLetter + " bytes, above "
                    + DubstreamOptions.KAFKA_MAX_REQUEST_SIZE.key() + "=" + maxRequestSize);
        }
        Integer framesMax = topicLimits.get(framesTopic);
        if (framesMax != null && frame > framesMax) {
            problems.add("a frame record of up to " + frame + " bytes (" + DubstreamOptions.MAX_FRAME_BYTES.key() + "="
                    + limits.maxFrameBytes() + ") is above topic " + framesTopic + "'s max.message.bytes=" + framesMax);
        }
        Integer deadLettersMax = topicLimits.get(deadLetterTopic);
        if (deadLettersMax != null && deadLetter > deadLettersMax) {
            problems.add("a dead letter of up to " + deadLetter + " bytes ("
                    + DubstreamOptions.DEAD_LETTER_MAX_ORIGINAL_BYTES.key() + "=" + maxKept + ") is above topic "
                    + deadLetterTopic + "'s max.message.bytes=" + deadLettersMax);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("the job could write records Kafka refuses: " + String.join("; ", problems)
                    + ". Lower the dubstream limits, or raise the Kafka ones together (producers' max.request.size,"
                    + " brokers' message.max.bytes, topics' max.message.bytes).");
        }
    }
}
