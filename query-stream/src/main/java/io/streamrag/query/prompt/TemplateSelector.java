package io.streamrag.query.prompt;

import io.streamrag.events.PromptTemplate;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * Chooses the version of a template that serves one request. The stable version is the newest one with
 * {@code trafficShare} 1.0; newer versions with a smaller share are canaries: each receives its share of the
 * traffic, newest first, decided by a hash of the request key, so the same key always lands on the same version
 * (sticky) and a redelivered request renders the same prompt.
 */
public final class TemplateSelector {

    private TemplateSelector() {
    }

    public static Optional<PromptTemplate> choose(List<PromptTemplate> versions, String requestKey) {
        List<PromptTemplate> newestFirst = versions.stream()
                .sorted(Comparator.comparingInt(PromptTemplate::getVersion).reversed()).toList();
        Optional<PromptTemplate> stable = newestFirst.stream().filter(t -> t.getTrafficShare() >= 1.0).findFirst();
        int stableVersion = stable.map(PromptTemplate::getVersion).orElse(Integer.MIN_VALUE);
        double bucket = bucket(requestKey);
        double cumulative = 0;
        for (PromptTemplate candidate : newestFirst) {
            if (candidate.getVersion() <= stableVersion) {
                break;
            }
            cumulative += candidate.getTrafficShare();
            if (bucket < cumulative) {
                return Optional.of(candidate);
            }
        }
        return stable.or(() -> newestFirst.stream().findFirst());
    }

    /** A stable position of the key in [0, 1). */
    static double bucket(String requestKey) {
        CRC32 crc = new CRC32();
        crc.update(requestKey.getBytes(StandardCharsets.UTF_8));
        return (crc.getValue() % 10_000) / 10_000.0;
    }
}
