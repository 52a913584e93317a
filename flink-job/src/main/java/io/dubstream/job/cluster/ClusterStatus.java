package io.dubstream.job.cluster;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What {@code cluster status} reports: each process of a {@link LocalSessionCluster} and the REST API's view. */
public record ClusterStatus(ClusterDirectory directory, URI webUi, List<ProcessState> processes,
        Optional<ClusterRestApi.Overview> overview, List<ClusterRestApi.TaskManagerSlots> taskManagers,
        List<ClusterRestApi.Job> jobs) {

    /**
     * One process: its pid while it runs, for a TaskManager the resource id it registers with, and
     * where Prometheus scrapes its metrics (when the reporter is on).
     */
    public record ProcessState(String name, Optional<Long> pid, Optional<String> resourceId, Optional<URI> metrics) {}

    /** The report, one line each. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        lines.add("local Flink cluster in " + directory.root());
        for (ProcessState p : processes) {
            String state = p.pid().map(pid -> "running, pid " + pid).orElse("not running");
            String slots = p.resourceId().flatMap(this::registration).orElse("");
            String metrics = p.metrics().map(uri -> ", metrics " + uri).orElse("");
            lines.add(String.format("  %-16s %s%s%s", p.name(), state, slots, metrics));
        }
        if (overview.isEmpty()) {
            lines.add("  web UI " + webUi + ": not answering");
        } else {
            ClusterRestApi.Overview o = overview.get();
            lines.add("  web UI " + webUi + ": Flink " + o.flinkVersion() + ", TaskManagers registered: "
                    + o.taskManagers() + ", slots free: " + o.slotsAvailable() + " of " + o.slotsTotal());
            for (ClusterRestApi.Job job : jobs) {
                lines.add("  job " + job.id() + " " + job.state() + " (" + job.name() + ")");
            }
        }
        return lines;
    }

    private Optional<String> registration(String resourceId) {
        return taskManagers.stream().filter(tm -> tm.id().equals(resourceId)).findFirst()
                .map(tm -> ", registered as " + tm.id() + ", " + (tm.slots() - tm.freeSlots()) + " of " + tm.slots()
                        + " slots in use");
    }
}
