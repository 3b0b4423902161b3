package io.streamrag.monitor;

import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.StoreBuilder;

import java.util.Map;
import java.util.function.Function;

/**
 * Builds a store that keeps its working state as objects in front of a changelogged Kafka Streams store, which
 * it writes to when Kafka Streams commits. Logging is always on: the inner store's changelog is what restores
 * the objects after a restart.
 */
final class WrappedStoreBuilder<S extends StateStore, I extends StateStore> implements StoreBuilder<S> {

    private final StoreBuilder<I> inner;
    private final Map<String, String> logConfig;
    private final Function<I, S> wrap;

    WrappedStoreBuilder(StoreBuilder<I> inner, Map<String, String> logConfig, Function<I, S> wrap) {
        this.inner = inner.withLoggingEnabled(logConfig);
        this.logConfig = logConfig;
        this.wrap = wrap;
    }

    @Override
    public StoreBuilder<S> withCachingEnabled() {
        return this;
    }

    @Override
    public StoreBuilder<S> withCachingDisabled() {
        return this;
    }

    @Override
    public StoreBuilder<S> withLoggingEnabled(Map<String, String> config) {
        return this;
    }

    @Override
    public StoreBuilder<S> withLoggingDisabled() {
        throw new UnsupportedOperationException("store " + name() + " is always changelogged");
    }

    @Override
    public S build() {
        return wrap.apply(inner.build());
    }

    @Override
    public Map<String, String> logConfig() {
        return logConfig;
    }

    @Override
    public boolean loggingEnabled() {
        return true;
    }

    @Override
    public String name() {
        return inner.name();
    }
}
