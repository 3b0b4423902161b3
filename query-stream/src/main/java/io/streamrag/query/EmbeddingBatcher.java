package io.streamrag.query;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import io.streamrag.platform.embedding.Embedder;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Merges concurrent embedding calls into one model call. Many requests embed one short question each (and the
 * groundedness checker embeds a few sentences per answer). One worker thread takes whatever is queued, up to
 * {@code maxBatch} texts, and hands it to the model in one call: under light load a batch is a single text (no added
 * latency, run on the worker itself), under load the model spreads a batch over its threads. Handing every caller's
 * text to the model's threads at once was measured slower (bench query: 13 against 8.6 ms of CPU a request): ONNX
 * runs side by side on a small machine slow each other down more than they gain.
 *
 * <p>Nothing is cached here. Questions are distinct and answer sentences rarely repeat; the texts that do recur, the
 * retrieved passages' sentences, are cached by the groundedness checker. An LRU of every text seen here kept ~20 MB
 * of vectors that each lived for seconds, long enough to be copied between survivor spaces at every young
 * collection: without it, bench query's survivors went from ~35 to ~22 MB and its young pauses from ~40 to ~25 ms.
 */
public final class EmbeddingBatcher implements EmbeddingModel, AutoCloseable {

    private final EmbeddingModel delegate;
    private final int maxBatch;
    private final LinkedBlockingQueue<Job> jobs = new LinkedBlockingQueue<>();
    private final Thread worker;
    private volatile boolean closed;

    private record Job(List<TextSegment> segments, CompletableFuture<List<Embedding>> result) {
    }

    public EmbeddingBatcher(EmbeddingModel delegate, int maxBatch) {
        this.delegate = delegate;
        this.maxBatch = maxBatch;
        this.worker = Thread.ofPlatform().daemon().name("query-embed-batcher").start(this::run);
    }

    /** An {@link Embedder} whose calls go through a new batcher (closed with the embedder). */
    public static Embedder wrap(Embedder embedder, int maxBatch) {
        EmbeddingBatcher batcher = new EmbeddingBatcher(embedder.model(), maxBatch);
        return new Embedder(batcher, embedder.modelName(), maxBatch, batcher);
    }

    @Override
    public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
        if (closed) {
            throw new IllegalStateException("embedding batcher is closed");
        }
        if (segments.isEmpty()) {
            return Response.from(List.of());
        }
        CompletableFuture<List<Embedding>> result = new CompletableFuture<>();
        jobs.add(new Job(List.copyOf(segments), result));
        try {
            return Response.from(result.join());
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
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
