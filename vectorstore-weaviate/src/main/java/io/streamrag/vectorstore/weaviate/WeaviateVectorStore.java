package io.streamrag.vectorstore.weaviate;

import io.streamrag.platform.vector.ScoredChunk;
import io.streamrag.platform.vector.SearchRequest;
import io.streamrag.platform.vector.StoredChunk;
import io.streamrag.platform.vector.VectorStore;
import io.weaviate.client.Config;
import io.weaviate.client.WeaviateClient;
import io.weaviate.client.base.Result;
import io.weaviate.client.v1.batch.model.BatchDeleteResponse;
import io.weaviate.client.v1.batch.model.ObjectGetResponse;
import io.weaviate.client.v1.data.model.WeaviateObject;
import io.weaviate.client.v1.filters.WhereFilter;
import io.weaviate.client.v1.graphql.model.GraphQLResponse;
import io.weaviate.client.v1.graphql.query.Get;
import io.weaviate.client.v1.graphql.query.argument.Bm25Argument;
import io.weaviate.client.v1.graphql.query.argument.FusionType;
import io.weaviate.client.v1.graphql.query.argument.HybridArgument;
import io.weaviate.client.v1.graphql.query.argument.NearVectorArgument;
import io.weaviate.client.v1.schema.model.Tenant;
import io.weaviate.client.v1.schema.model.WeaviateClass;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The {@link VectorStore} on Weaviate (client 5.5, REST and GraphQL): one multi-tenant class, one Weaviate tenant
 * per StreamRAG tenant (created on first write), caller-provided vectors, deterministic object ids
 * ({@code ChunkIds.uuidOf(chunkId)}) so a redelivered chunk overwrites itself.
 *
 * <p>Every failure becomes a {@link WeaviateStoreException} naming what was being done: a batch is read object
 * by object (HTTP 200 can carry per-object errors), GraphQL errors (also HTTP 200) fail the search. Wire mapping
 * lives in {@link WeaviateMapper}; Weaviate types never leave this package.
 */
public final class WeaviateVectorStore implements VectorStore {

    private static final Logger LOG = LoggerFactory.getLogger(WeaviateVectorStore.class);

    private final WeaviateClient client;
    private final WeaviateConfig config;
    private final String className;
    /** Weaviate tenants known to exist; a tenant is only ever created once per process. */
    private final Set<String> knownTenants = ConcurrentHashMap.newKeySet();

    private WeaviateVectorStore(WeaviateClient client, WeaviateConfig config) {
        this.client = client;
        this.config = config;
        this.className = config.className();
    }

    /** Connects and makes sure the class exists (multi-tenant); fails with the reason when it cannot. */
    public static WeaviateVectorStore connect(WeaviateConfig config) {
        Map<String, String> headers = new HashMap<>();
        config.apiKey().ifPresent(key -> headers.put("Authorization", "Bearer " + key));
        int timeoutSeconds = Math.max(1, (config.timeoutMs() + 999) / 1000);
        Config clientConfig = new Config(config.url().getScheme(), config.hostAndPort(), headers,
                timeoutSeconds, timeoutSeconds, timeoutSeconds);
        WeaviateVectorStore store = new WeaviateVectorStore(new WeaviateClient(clientConfig), config);
        store.retrying(() -> {
            store.ensureClass();
            return null;
        });
        return store;
    }

    private void ensureClass() {
        Result<WeaviateClass> existing = client.schema().classGetter().withClassName(className).run();
        if (existing.hasErrors() && existing.getError().getStatusCode() != 404) {
            throw failure("Weaviate schema check failed for class " + className + " at " + config.url(), existing);
        }
        WeaviateClass found = existing.getResult();
        if (found == null) {
            Result<Boolean> created = client.schema().classCreator()
                    .withClass(WeaviateMapper.schema(className, config.textTokenization())).run();
            if (created.hasErrors()) {
                // another instance may have created it meanwhile: only fail when it is still missing
                Result<WeaviateClass> again = client.schema().classGetter().withClassName(className).run();
                if (again.getResult() == null) {
                    throw failure("Weaviate class creation failed for " + className, created);
                }
                found = again.getResult();
            } else {
                LOG.info("Created Weaviate class {} at {} (multi-tenant, vectorizer none)", className, config.url());
            }
        }
        if (found != null && (found.getMultiTenancyConfig() == null || !Boolean.TRUE.equals(found.getMultiTenancyConfig().getEnabled()))) {
            throw new WeaviateStoreException("Weaviate class " + className
                    + " exists without multi-tenancy; choose another vectorstore.weaviate.class or drop it", false);
        }
    }

    @Override
    public void upsert(Collection<StoredChunk> chunks) {
        if (chunks.isEmpty()) {
            return;
        }
        chunks.stream().map(StoredChunk::tenant).distinct().forEach(tenant -> retrying(() -> {
            ensureTenant(tenant);
            return null;
        }));
        List<StoredChunk> all = List.copyOf(chunks);
        for (int from = 0; from < all.size(); from += config.batchSize()) {
            List<StoredChunk> batch = all.subList(from, Math.min(all.size(), from + config.batchSize()));
            List<WeaviateObject> objects = batch.stream().map(c -> WeaviateMapper.toObject(className, c)).toList();
            List<WeaviateMapper.ObjectFailure> failures = retrying(() -> sendBatch(batch, objects));
            if (!failures.isEmpty()) {
                WeaviateMapper.ObjectFailure first = failures.get(0);
                String more = failures.size() > 1 ? " (and " + (failures.size() - 1) + " more of " + batch.size() + " in the batch)" : "";
                throw new WeaviateStoreException(
                        String.format("Weaviate upsert failed for chunk %s: %s", first.chunkId(), first.reason()) + more, false);
            }
        }
    }

    /** One batch request; a failed request throws, failed objects are returned. */
    private List<WeaviateMapper.ObjectFailure> sendBatch(List<StoredChunk> batch, List<WeaviateObject> objects) {
        Result<ObjectGetResponse[]> result = client.batch().objectsBatcher()
                .withObjects(objects.toArray(WeaviateObject[]::new)).run();
        if (result.hasErrors()) {
            throw failure(String.format("Weaviate upsert failed for chunk %s (batch of %d)", batch.get(0).chunkId(), batch.size()), result);
        }
        return WeaviateMapper.batchFailures(objects, result.getResult());
    }

    @Override
    public long deleteDocument(String tenant, String docId) {
        return retrying(() -> tenantExists(tenant)
                ? deleteWhere(tenant, WeaviateMapper.document(tenant, docId), "document " + docId)
                : 0L);
    }

    @Override
    public void deleteChunks(String tenant, Collection<String> chunkIds) {
        if (chunkIds.isEmpty() || !retrying(() -> tenantExists(tenant))) {
            return;
        }
        List<String> ids = List.copyOf(new LinkedHashSet<>(chunkIds));
        for (int from = 0; from < ids.size(); from += config.batchSize()) {
            List<String> part = ids.subList(from, Math.min(ids.size(), from + config.batchSize()));
            retrying(() -> deleteWhere(tenant, WeaviateMapper.chunks(tenant, part), "chunk " + part.get(0)));
        }
    }

    /** A batch delete removes at most the server's limit (10,000 by default) per call: repeat until fewer matched. */
    private long deleteWhere(String tenant, WhereFilter where, String what) {
        long removed = 0;
        while (true) {
            Result<BatchDeleteResponse> result = client.batch().objectsBatchDeleter()
                    .withClassName(className)
                    .withTenant(WeaviateMapper.tenantName(tenant))
                    .withWhere(where)
                    .withOutput("minimal")
                    .run();
            if (result.hasErrors()) {
                throw failure("Weaviate delete failed for " + what + " of tenant " + tenant, result);
            }
            BatchDeleteResponse.Results results = result.getResult() == null ? null : result.getResult().getResults();
            if (results == null) {
                throw new WeaviateStoreException("Weaviate delete failed for " + what + " of tenant " + tenant + ": no results in the response", true);
            }
            long failed = orZero(results.getFailed());
            if (failed > 0) {
                throw new WeaviateStoreException("Weaviate delete failed for " + what + " of tenant " + tenant + ": "
                        + failed + " of " + orZero(results.getMatches()) + " matching objects were not deleted", true);
            }
            long successful = orZero(results.getSuccessful());
            removed += successful;
            long limit = orZero(results.getLimit());
            if (successful == 0 || limit <= 0 || orZero(results.getMatches()) < limit) {
                return removed;
            }
        }
    }

    @Override
    public List<ScoredChunk> search(SearchRequest request) {
        return retrying(() -> searchOnce(request));
    }

    private List<ScoredChunk> searchOnce(SearchRequest request) {
        if (!tenantExists(request.tenant())) {
            return List.of();
        }
        Get get = client.graphQL().get()
                .withClassName(className)
                .withTenant(WeaviateMapper.tenantName(request.tenant()))
                .withFields(WeaviateMapper.searchFields(request.mode()))
                .withWhere(WeaviateMapper.visibleTo(request.tenant(), request.aclGroups()))
                .withLimit(request.k());
        switch (request.mode()) {
            case VECTOR -> get.withNearVector(NearVectorArgument.builder().vector(WeaviateMapper.boxed(request.vector())).build());
            case KEYWORD -> get.withBm25(Bm25Argument.builder().query(request.text())
                    .properties(WeaviateMapper.LEXICAL_PROPERTIES).build());
            case HYBRID -> get.withHybrid(HybridArgument.builder().query(request.text())
                    .vector(WeaviateMapper.boxed(request.vector()))
                    .alpha((float) config.hybridAlpha())
                    .fusionType(FusionType.RELATIVE_SCORE)
                    .properties(WeaviateMapper.LEXICAL_PROPERTIES).build());
        }
        Object data = graphQL(get.run(), request.mode() + " search in tenant " + request.tenant());
        return WeaviateMapper.hits(data, className);
    }

    @Override
    public long count(String tenant) {
        return retrying(() -> countOnce(tenant));
    }

    private long countOnce(String tenant) {
        if (!tenantExists(tenant)) {
            return 0;
        }
        Result<GraphQLResponse> result = client.graphQL().aggregate()
                .withClassName(className)
                .withTenant(WeaviateMapper.tenantName(tenant))
                .withFields(WeaviateMapper.countField())
                .run();
        return WeaviateMapper.count(graphQL(result, "count of tenant " + tenant), className);
    }

    @Override
    public String name() {
        return "weaviate";
    }

    @Override
    public void close() {
        // the 5.x client holds no resources that need closing between calls
    }

    /** GraphQL reports query errors with HTTP 200 in the body: both kinds fail. */
    private Object graphQL(Result<GraphQLResponse> result, String what) {
        if (result.hasErrors()) {
            throw failure("Weaviate " + what + " failed", result);
        }
        GraphQLResponse response = result.getResult();
        if (response == null) {
            throw new WeaviateStoreException("Weaviate " + what + " failed: empty response", true);
        }
        if (response.getErrors() != null && response.getErrors().length > 0) {
            throw new WeaviateStoreException("Weaviate " + what + " failed: " + WeaviateMapper.describe(response.getErrors()), false);
        }
        return response.getData();
    }

    private boolean tenantExists(String tenant) {
        String name = WeaviateMapper.tenantName(tenant);
        if (knownTenants.contains(name)) {
            return true;
        }
        Result<Boolean> exists = client.schema().tenantsExists().withClassName(className).withTenant(name).run();
        if (Boolean.TRUE.equals(exists.getResult())) {
            knownTenants.add(name);
            return true;
        }
        if (exists.hasErrors() && exists.getError().getStatusCode() != 404) {
            throw failure("Weaviate tenant check failed for tenant " + tenant, exists);
        }
        return false;
    }

    private void ensureTenant(String tenant) {
        if (tenantExists(tenant)) {
            return;
        }
        String name = WeaviateMapper.tenantName(tenant);
        Result<Boolean> created = client.schema().tenantsCreator().withClassName(className)
                .withTenants(Tenant.builder().name(name).build()).run();
        // a concurrent writer may have created it first: that is success too
        if (created.hasErrors() && !tenantExists(tenant)) {
            throw failure("Weaviate tenant creation failed for tenant " + tenant, created);
        }
        knownTenants.add(name);
        LOG.info("Weaviate tenant {} ready in class {} for tenant {}", name, className, tenant);
    }

    /** Repeats a call that failed for a passing reason, with a growing pause; every call here is idempotent. */
    private <T> T retrying(Supplier<T> call) {
        for (int attempt = 0; ; attempt++) {
            try {
                return call.get();
            } catch (WeaviateStoreException e) {
                if (!e.retriable() || attempt >= config.retries()) {
                    throw e;
                }
                try {
                    Thread.sleep(200L * (attempt + 1));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static WeaviateStoreException failure(String what, Result<?> result) {
        return new WeaviateStoreException(what + ": " + WeaviateMapper.describe(result.getError()),
                WeaviateMapper.retriable(result.getError()));
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }
}
