package io.streamrag.cli;

import io.streamrag.events.DocumentSubmitted;
import io.streamrag.platform.kafka.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code streamrag ingest}: produces files as documents to {@code rag.document.submitted} and, unless
 * {@code --no-wait}, prints what the ingest stream made of each.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = "Submit files or folders (.txt .md .html .htm) as documents, or delete documents with --delete.")
final class IngestCommand implements Callable<Integer> {

    @Option(names = "--bootstrap", description = "Kafka bootstrap servers (default: the running demo's, else " + DemoBootstrap.FALLBACK + ").")
    String bootstrap;

    @Option(names = "--data-dir", description = "The demo's data folder, where its bootstrap address is recorded (default: ${DEFAULT-VALUE}).")
    Path dataDir = DemoBootstrap.DEFAULT_DATA_DIR;

    @Option(names = "--tenant", required = true, description = "Owning tenant.")
    String tenant;

    @Option(names = "--doc-id", description = "Document id (only with one file; default: the file name without its extension).")
    String docId;

    @Option(names = "--acl", split = ",", description = "Groups allowed to read the documents (default: every user of the tenant).")
    List<String> acl = new ArrayList<>();

    @Option(names = "--version", description = "Document version (default: the file's last-modified time in ms, so an edited file replaces the old one).")
    Long version;

    @Option(names = "--delete", description = "Delete the documents (the arguments are doc ids, or files whose names give them).")
    boolean delete;

    @Option(names = "--no-wait", description = "Do not wait for the ingest outcomes.")
    boolean noWait;

    @Option(names = "--timeout", description = "Seconds to wait for all outcomes (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds = 120;

    @Option(names = "--json", description = "Print one JSON object per document.")
    boolean json;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files or folders (recursively); with --delete, doc ids.")
    List<String> paths;

    @Override
    public Integer call() {
        String servers = DemoBootstrap.resolve(bootstrap, dataDir);
        List<DocumentSubmitted> documents = new ArrayList<>();
        List<String> deletions = new ArrayList<>();
        if (delete) {
            if (docId != null && paths.size() > 1) {
                throw new IllegalArgumentException("--doc-id names one document: give one PATH");
            }
            paths.forEach(p -> deletions.add(docId != null ? docId : SourceDocuments.docIdOf(Path.of(p).getFileName().toString())));
        } else {
            List<Path> files = SourceDocuments.expand(paths.stream().map(Path::of).toList(),
                    skipped -> System.err.println("streamrag ingest: skipped " + skipped + " (not .txt, .md, .html or .htm)"));
            if (docId != null && files.size() != 1) {
                throw new IllegalArgumentException("--doc-id names one document, but the paths hold " + files.size() + " files");
            }
            files.forEach(f -> documents.add(SourceDocuments.fromFile(f, tenant, docId, version, acl)));
        }
        if (documents.isEmpty() && deletions.isEmpty()) {
            System.err.println("streamrag ingest: no documents found");
            return 1;
        }
        try (DocumentSubmitter submitter = new DocumentSubmitter(servers, Topics.defaults())) {
            List<DocumentSubmitter.Submission> submissions = new ArrayList<>(submitter.sendAll(documents));
            deletions.forEach(id -> submissions.add(submitter.delete(tenant, id)));
            if (noWait) {
                submissions.forEach(s -> print(new DocumentSubmitter.Outcome(s, "SUBMITTED", 0, 0, 0, null)));
                return 0;
            }
            List<DocumentSubmitter.Outcome> outcomes = submitter.await(submissions, Duration.ofSeconds(timeoutSeconds));
            outcomes.forEach(this::print);
            return outcomes.stream().allMatch(DocumentSubmitter.Outcome::ok) ? 0 : 1;
        }
    }

    private void print(DocumentSubmitter.Outcome o) {
        DocumentSubmitter.Submission s = o.submission();
        if (json) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("tenant", s.tenant());
            line.put("doc_id", s.docId());
            line.put("version", s.delete() ? null : s.version());
            line.put("status", o.status());
            line.put("chunks", o.chunks());
            line.put("tokens", o.tokens());
            line.put("ms", o.totalMs());
            if (o.reason() != null) {
                line.put("reason", o.reason());
            }
            System.out.println(Json.write(line));
        } else {
            String version = s.delete() ? "" : " v" + s.version();
            String detail = o.reason() != null ? " " + o.reason()
                    : o.status().equals("INDEXED") ? " chunks=" + o.chunks() + " tokens=" + o.tokens() + " " + o.totalMs() + " ms" : "";
            System.out.printf("%-11s %s%s%s%n", o.status(), s.key(), version, detail);
        }
    }
}
