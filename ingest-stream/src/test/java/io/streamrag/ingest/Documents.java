package io.streamrag.ingest;

import io.streamrag.events.DocumentSubmitted;
import io.streamrag.schemas.Events;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/** Builds test documents. */
final class Documents {

    private Documents() {
    }

    static DocumentSubmitted.Builder text(String tenant, String docId, long version, String title, String text) {
        return DocumentSubmitted.newBuilder()
                .setHeader(Events.header(tenant + "/" + docId))
                .setTenant(tenant)
                .setDocId(docId)
                .setVersion(version)
                .setTitle(title)
                .setContentType("text/plain")
                .setText(text)
                .setAclGroups(List.of())
                .setMetadata(Map.of());
    }

    static DocumentSubmitted.Builder bytes(String tenant, String docId, String contentType, byte[] content) {
        return text(tenant, docId, 1, null, null).setContentType(contentType).setText(null).setContent(ByteBuffer.wrap(content));
    }
}
