package io.streamrag.cli;

import io.streamrag.events.DocumentSubmitted;
import io.streamrag.schemas.Events;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** Turns files into {@link DocumentSubmitted} records: content type from the extension, doc id from the file name. */
final class SourceDocuments {

    private SourceDocuments() {
    }

    /** text/plain, text/markdown or text/html by extension; empty for a file the ingest stream cannot read. */
    static Optional<String> contentType(String fileName) {
        String lower = fileName.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".txt") || lower.endsWith(".text")) {
            return Optional.of("text/plain");
        }
        if (lower.endsWith(".md") || lower.endsWith(".markdown")) {
            return Optional.of("text/markdown");
        }
        if (lower.endsWith(".html") || lower.endsWith(".htm")) {
            return Optional.of("text/html");
        }
        return Optional.empty();
    }

    /** The file name without its (last) extension. */
    static String docIdOf(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot > 0 ? fileName.substring(0, dot) : fileName;
    }

    /**
     * Every readable file under the given paths (folders recursively, in name order). A file named explicitly with
     * an unknown extension is an error; inside folders such files are reported through {@code skipped}.
     */
    static List<Path> expand(List<Path> paths, java.util.function.Consumer<Path> skipped) {
        List<Path> files = new ArrayList<>();
        for (Path path : paths) {
            if (Files.isDirectory(path)) {
                try (Stream<Path> walk = Files.walk(path)) {
                    walk.filter(Files::isRegularFile).sorted().forEach(f -> {
                        if (contentType(f.getFileName().toString()).isPresent()) {
                            files.add(f);
                        } else {
                            skipped.accept(f);
                        }
                    });
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot list " + path, e);
                }
            } else if (Files.isRegularFile(path)) {
                if (contentType(path.getFileName().toString()).isEmpty()) {
                    throw new IllegalArgumentException(path + ": unknown content type (use .txt, .md, .html or .htm)");
                }
                files.add(path);
            } else {
                throw new IllegalArgumentException(path + ": no such file or folder");
            }
        }
        return files;
    }

    /**
     * A document version from raw bytes. The bytes go as {@code content} so the stream itself checks the encoding
     * (invalid UTF-8 becomes a dead letter with the reason, not a silently mangled text).
     */
    static DocumentSubmitted document(String tenant, String docId, long version, String fileName, byte[] bytes, List<String> aclGroups) {
        return DocumentSubmitted.newBuilder()
                .setHeader(Events.header(io.streamrag.platform.vector.ChunkIds.documentKey(tenant, docId)))
                .setTenant(tenant)
                .setDocId(docId)
                .setVersion(version)
                .setTitle(null) // the stream takes the title from the document (first heading, <title>)
                .setContentType(contentType(fileName).orElse("text/plain"))
                .setText(null)
                .setContent(ByteBuffer.wrap(bytes))
                .setAclGroups(List.copyOf(aclGroups))
                .setMetadata(Map.of("source", fileName))
                .build();
    }

    /** A document from a file; version = its last-modified time in milliseconds unless given. */
    static DocumentSubmitted fromFile(Path file, String tenant, String docId, Long version, List<String> aclGroups) {
        try {
            String name = file.getFileName().toString();
            long v = version != null ? version : Files.getLastModifiedTime(file).toMillis();
            return document(tenant, docId != null ? docId : docIdOf(name), v, name, Files.readAllBytes(file), aclGroups);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
