package io.dubstream.job.status;

import java.util.Map;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.metrics.groups.InternalOperatorMetricGroup;
import org.apache.flink.runtime.metrics.groups.UnregisteredMetricGroups;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;

/**
 * A task metric group for operator test harnesses ({@code MockEnvironmentBuilder.setMetricGroup}) that
 * gives the operator one group whose metrics the test can read by name.
 */
public final class ReadableMetrics extends UnregisteredMetricGroups.UnregisteredTaskMetricGroup {

    private final InterceptingOperatorMetricGroup operator = new InterceptingOperatorMetricGroup();

    @Override
    public InternalOperatorMetricGroup getOrAddOperator(OperatorID id, String name, Map<String, String> info) {
        return operator;
    }

    public long gaugeValue(String name) {
        return ((Number) ((Gauge<?>) operator.get(name)).getValue()).longValue();
    }

    public long count(String name) {
        return ((Counter) operator.get(name)).getCount();
    }

    public Histogram histogramNamed(String name) {
        return (Histogram) operator.get(name);
    }
}
