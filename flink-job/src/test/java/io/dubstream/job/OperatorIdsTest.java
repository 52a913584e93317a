package io.dubstream.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.OperatorIDPair;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.dubstream.job.kafka.KafkaConnectors;

/**
 * A savepoint maps state onto operators by their ids: a job restored with another model or voice
 * ({@code dubstream job --from-savepoint PATH --model NEW}) must have the very operator ids of the job
 * that took it, or its state would not be restored (and without {@code allowNonRestoredState} the
 * restore is refused). The ids of the whole Kafka job, stateless operators included, do not depend on
 * the model or the voice.
 */
class OperatorIdsTest {

    @ParameterizedTest(name = "--model {0} --voice {1}")
    @CsvSource({"colour-gain, none", "identity, voice-identity", "colour-gain, voice-pitch-shift",
        "wav2lip-reference, none"})
    void theOperatorIdsDoNotDependOnTheModelOrTheVoice(String model, String voice) {
        assertThat(operatorIds(model, voice)).isEqualTo(operatorIds("identity", "none"));
    }

    private static TreeSet<String> operatorIds(String model, String voice) {
        Configuration conf = Configuration.fromMap(Map.of(DubstreamOptions.BOOTSTRAP_SERVERS.key(), "localhost:9092",
                DubstreamOptions.MODEL.key(), model, DubstreamOptions.VOICE_MODEL.key(), voice));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        DubstreamJob.defineKafkaJob(env, conf, KafkaConnectors.source(conf));
        TreeSet<String> ids = new TreeSet<>();
        for (JobVertex vertex : env.getStreamGraph().getJobGraph().getVertices()) {
            List<OperatorIDPair> operators = vertex.getOperatorIDs();
            operators.forEach(o -> ids.add(o.getGeneratedOperatorID().toHexString()));
        }
        assertThat(ids).hasSizeGreaterThan(10);
        return ids;
    }
}
