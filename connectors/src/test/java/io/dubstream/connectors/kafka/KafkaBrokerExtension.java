package io.dubstream.connectors.kafka;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real in-process Kafka broker for a test class:
 * {@code @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();}
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, AfterAllCallback {

    private EmbeddedKafkaBroker broker;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        broker = EmbeddedKafkaBroker.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    public String bootstrapServers() {
        if (broker == null) {
            throw new IllegalStateException("the broker runs only inside the test class that registers it");
        }
        return broker.bootstrapServers();
    }
}
