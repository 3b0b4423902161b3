package io.streamrag.query;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import io.streamrag.platform.embedding.Embedder;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Merges concurrent embedding calls into one model call. Many requests embed one short question each (and the
 * groundedness checker embeds a few sentences per answer). One worker thread takes whatever is queued, up to
 * {@code maxBatch} texts, and hands it to the model in one call: under light load a batch is a single text (no added
 * latency, run on the worker itself), under load the model spreads a batch over its threads. Handing every caller's
 * text to the model's threads at once was measured slower (bench query: 13 against 8.6 ms of CPU a request): ONNX
 * runs side by side on a small machine slow each other down more than they gain. Vectors of recent texts are kept
 * (LRU, {@code cacheSize} texts): the checker embeds the sentences of the retrieved passages for every answer, and
 * popular passages recur across requests.
 */
public final class EmbeddingBatcher implements EmbeddingModel, AutoCloseable {

    private final EmbeddingModel delegate;
    private final int maxBatch;
    private final Map<String, Embedding> recent;
    private final LinkedBlockingQueue<Job> jobs = new LinkedBlockingQueue<>();
    private final Thread worker;
    private volatile boolean closed;

    private record Job(List<TextSegment> segments, CompletableFuture<List<Embedding>> result) {
    }

    public EmbeddingBatcher(EmbeddingModel delegate, int maxBatch, int cacheSize) {
        this.delegate = delegate;
        this.maxBatch = maxBatch;
        this.recent = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Embedding> eldest) {
                return size() > cacheSize;
            }
        };
        this.worker = Thread.ofPlatform().daemon().name("query-embed-batcher").start(this::run);
    }

    /** An {@link Embedder} whose calls go through a new batcher (closed with the embedder). */
    public static Embedder wrap(Embedder embedder, int maxBatch) {
        EmbeddingBatcher batcher = new EmbeddingBatcher(embedder.model(), maxBatch, 10_000);
        return new Embedder(batcher, embedder.modelName(), maxBatch, batcher);
    }

    @Override
    public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
        if (closed) {
            throw new IllegalStateException("embedding batcher is closed");
        }
        Embedding[] out = new Embedding[segments.size()];
        List<TextSegment> missing = new ArrayList<>();
        List<Integer> missingAt = new ArrayList<>();
        synchronized (recent) {
            for (int i = 0; i < segments.size(); i++) {
                Embedding known = recent.get(segments.get(i).text());
                if (known != null) {
                    out[i] = known;
                } else {
                    missing.add(segments.get(i));
                    missingAt.add(i);
                }
            }
        }
        if (!missing.isEmpty()) {
            CompletableFuture<List<Embedding>> result = new CompletableFuture<>();
            jobs.add(new Job(missing, result));
            List<Embedding> computed;
            try {
                computed = result.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
            synchronized (recent) {
                for (int j = 0; j < computed.size(); j++) {
                    out[missingAt.get(j)] = computed.get(j);
                    recent.put(missing.get(j).text(), computed.get(j));
                }
            }
        }
        return Response.from(List.of(out));
    }

    @Override
    public int dimension() {
        return delegate.dimension();
    }

    @Override
    public String modelName() {
        return delegate.modelName();
    }

    private void run() {
        while (!closed) {
            List<Job> batch = new ArrayList<>();
            try {
                batch.add(jobs.take());
            } catch (InterruptedException e) {
                return;
            }
            int texts = batch.getFirst().segments().size();
            Job next;
            while (texts < maxBatch && (next = jobs.peek()) != null && texts + next.segments().size() <= maxBatch) {
                batch.add(jobs.poll());
                texts += next.segments().size();
            }
            List<TextSegment> all = new ArrayList<>(texts);
            batch.forEach(j -> all.addAll(j.segments()));
            try {
                List<Embedding> embeddings = delegate.embedAll(all).content();
                int from = 0;
                for (Job job : batch) {
                    job.result().complete(embeddings.subList(from, from + job.segments().size()));
                    from += job.segments().size();
                }
            } catch (RuntimeException e) {
                batch.forEach(j -> j.result().completeExceptionally(e));
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        worker.interrupt();
        Job job;
        while ((job = jobs.poll()) != null) {
            job.result().completeExceptionally(new IllegalStateException("embedding batcher is closed"));
        }
    }
}
