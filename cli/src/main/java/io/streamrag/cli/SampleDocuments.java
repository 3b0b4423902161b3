package io.streamrag.cli;

import io.streamrag.events.DocumentSubmitted;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The sample documents bundled in the jar ({@code samples/index.txt} lists them), English and Korean. */
final class SampleDocuments {

    static final String TENANT = "demo";
    /** Raise it when the bundled samples change, so an existing demo index takes the new texts. */
    static final long VERSION = 1;

    private SampleDocuments() {
    }

    static List<DocumentSubmitted> load() {
        List<DocumentSubmitted> docs = new ArrayList<>();
        for (String name : read("samples/index.txt").split("\\R")) {
            if (!name.isBlank()) {
                String file = name.strip();
                docs.add(SourceDocuments.document(TENANT, SourceDocuments.docIdOf(file), VERSION, file,
                        read("samples/" + file).getBytes(StandardCharsets.UTF_8), List.of()));
            }
        }
        return docs;
    }

    private static String read(String resource) {
        try (InputStream in = SampleDocuments.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
