package io.streamrag.platform.kafka;

import java.util.Map;

/** A topic this platform owns: its name, partitions, replication and topic configs (e.g. compaction). */
public record TopicSpec(String name, int partitions, short replicationFactor, Map<String, String> configs) {

    public TopicSpec {
        configs = Map.copyOf(configs);
    }
}
