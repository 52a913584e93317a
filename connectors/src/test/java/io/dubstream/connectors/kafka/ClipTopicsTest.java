package io.dubstream.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.dubstream.connectors.records.RecordType;

class ClipTopicsTest {

    @Test
    void framesAndAudioShareTheMediaTopic() {
        ClipTopics topics = ClipTopics.withPrefix("x.");
        assertThat(topics.all()).containsExactly("x.clips", "x.media", "x.script");
        assertThat(topics.topicOf(RecordType.VIDEO_FRAME)).isEqualTo("x.media");
        assertThat(topics.topicOf(RecordType.FRAME_PART)).isEqualTo("x.media");
        assertThat(topics.topicOf(RecordType.AUDIO_BLOCK)).isEqualTo("x.media");
        assertThat(topics.topicOf(RecordType.SCRIPT_LINE)).isEqualTo("x.script");
        assertThat(topics.topicOf(RecordType.MANIFEST)).isEqualTo("x.clips");
        assertThat(topics.topicOf(RecordType.END_OF_CLIP)).isEqualTo("x.clips");
    }

    @Test
    void theSubscriptionTakesTheLegacyFramesAndAudioTopicsAndNothingElse() {
        Pattern subscription = ClipTopics.subscription("dubstream.");
        assertThat(ClipTopics.INPUT.all()).allMatch(t -> subscription.matcher(t).matches());
        assertThat(ClipTopics.withPrefix("dubstream.").legacyMedia())
                .containsExactly("dubstream.frames", "dubstream.audio")
                .allMatch(t -> subscription.matcher(t).matches());
        // the prefix is literal, the output topics and the dead-letter topic are not input
        assertThat(subscription.matcher("dubstreamXmedia").matches()).isFalse();
        assertThat(subscription.matcher("dubstream.out.media").matches()).isFalse();
        assertThat(subscription.matcher("dubstream.dlq").matches()).isFalse();
        assertThat(subscription.matcher("dubstream.media2").matches()).isFalse();
    }

    @Test
    void topicsNotNamedByAPrefixHaveNoLegacyTopics() {
        assertThat(new ClipTopics("c", "m", "s").legacyMedia()).isEmpty();
        assertThatThrownBy(() -> ClipTopics.subscription("bad prefix")).isInstanceOf(IllegalArgumentException.class);
    }
}
