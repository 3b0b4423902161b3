package io.streamrag.query;

import io.streamrag.events.QueryRequested;
import io.streamrag.platform.embedding.Embedder;
import io.streamrag.platform.embedding.Embedders;
import io.streamrag.platform.vector.ChunkIds;
import io.streamrag.platform.vector.StoredChunk;
import io.streamrag.platform.vector.VectorStore;
import io.streamrag.query.llm.LlmClient;
import io.streamrag.query.llm.LlmRequest;
import io.streamrag.query.llm.LlmResponse;
import io.streamrag.schemas.Events;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/** Shared test data: the real MiniLM embedder, a few documents per tenant, requests and a scripted LLM. */
final class QueryFixtures {

    private static Embedder embedder;

    private QueryFixtures() {
    }

    static synchronized Embedder embedder() {
        if (embedder == null) {
            embedder = Embedders.miniLm(16, 1);
        }
        return embedder;
    }

    record Doc(String tenant, String docId, String title, String text, List<String> acl) {
    }

    static final List<Doc> DOCS = List.of(
            new Doc("acme", "vacation-policy", "Vacation", "Acme employees receive 25 days of paid vacation per year. Unused days expire at the end of March.", List.of()),
            new Doc("acme", "expense-policy", "Expenses", "Meals during business travel are reimbursed up to 60 euros per day with a receipt.", List.of()),
            new Doc("acme", "salary-bands", "Salaries", "Salary bands for engineers range from 70,000 to 120,000 euros.", List.of("hr")),
            new Doc("acme", "remote-work-ko", "재택근무", "재택근무는 주 2회까지 허용되며 팀장의 승인이 필요합니다.", List.of()),
            new Doc("globex", "globex-vacation", "Vacation", "Globex staff receive 18 days of paid vacation per year.", List.of()),
            new Doc("globex", "globex-parking", "Parking", "Parking at the Globex campus costs 5 dollars per day.", List.of()));

    static void load(VectorStore store, List<Doc> docs) {
        List<float[]> vectors = embedder().embedAll(docs.stream().map(Doc::text).toList());
        List<StoredChunk> chunks = new ArrayList<>();
        for (int i = 0; i < docs.size(); i++) {
            Doc d = docs.get(i);
            chunks.add(new StoredChunk(ChunkIds.chunkId(d.tenant(), d.docId(), 0), d.tenant(), d.docId(), 1, 0, d.title(),
                    d.text(), d.acl(), Map.of(), vectors.get(i)));
        }
        store.upsert(chunks);
    }

    static QueryRequested request(String id, String tenant, String question) {
        return QueryRequested.newBuilder()
                .setHeader(Events.header(id))
                .setRequestId(id)
                .setTenant(tenant)
                .setQuestion(question)
                .build();
    }

    static QueryRequested request(String id, String tenant, String question, String templateId, Instant deadline) {
        QueryRequested r = request(id, tenant, question);
        r.setTemplateId(templateId);
        r.setDeadlineMs(deadline);
        return r;
    }

    /** An LLM that answers at once with a function of the request (the first passage, cited, by default). */
    static LlmClient scripted(Function<LlmRequest, String> answer) {
        return new LlmClient() {
            @Override
            public CompletableFuture<LlmResponse> complete(LlmRequest request) {
                return CompletableFuture.completedFuture(new LlmResponse(answer.apply(request), "scripted", "script-1",
                        request.userPrompt().length() / 4, 20, 1));
            }

            @Override
            public String provider() {
                return "scripted";
            }

            @Override
            public String defaultModel() {
                return "script-1";
            }
        };
    }

    /** Answers with the first context passage, citing the doc id the prompt shows for it. */
    static String firstPassageCited(LlmRequest request) {
        if (request.contextPassages().isEmpty()) {
            return "The provided documents do not contain the answer.";
        }
        String prompt = request.userPrompt();
        int start = prompt.indexOf("[1] [");
        String docId = prompt.substring(start + 5, prompt.indexOf(']', start + 5));
        return request.contextPassages().getFirst() + " [" + docId + "]";
    }
}
