package io.streamrag.vectorstore.lucene;

import dev.langchain4j.store.embedding.filter.Filter;
import dev.langchain4j.store.embedding.filter.comparison.ContainsString;
import dev.langchain4j.store.embedding.filter.comparison.IsEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsGreaterThan;
import dev.langchain4j.store.embedding.filter.comparison.IsGreaterThanOrEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsIn;
import dev.langchain4j.store.embedding.filter.comparison.IsLessThan;
import dev.langchain4j.store.embedding.filter.comparison.IsLessThanOrEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsNotEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsNotIn;
import dev.langchain4j.store.embedding.filter.logical.And;
import dev.langchain4j.store.embedding.filter.logical.Not;
import dev.langchain4j.store.embedding.filter.logical.Or;
import org.apache.lucene.document.DoubleField;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TermRangeQuery;
import org.apache.lucene.search.WildcardQuery;

import java.util.Collection;
import java.util.UUID;

import static io.streamrag.vectorstore.lucene.ChunkDocuments.META_NUMBER;
import static io.streamrag.vectorstore.lucene.ChunkDocuments.META_TERM;

/**
 * Maps langchain4j metadata filters to Lucene queries over the metadata fields of {@link ChunkDocuments}.
 * Semantics follow langchain4j's in-memory store: numbers compare by value whatever their Java type
 * (Integer 3 equals Double 3.0), strings and UUIDs exactly, and a negation ({@code IsNotEqualTo},
 * {@code IsNotIn}, {@code Not}) also matches entries that lack the key.
 */
final class FilterQueries {

    private FilterQueries() {
    }

    static Query toQuery(Filter filter) {
        return switch (filter) {
            case IsEqualTo f -> equalTo(f.key(), f.comparisonValue());
            case IsNotEqualTo f -> not(equalTo(f.key(), f.comparisonValue()));
            case IsIn f -> in(f.key(), f.comparisonValues());
            case IsNotIn f -> not(in(f.key(), f.comparisonValues()));
            case IsGreaterThan f -> range(f.key(), f.comparisonValue(), false, null, false);
            case IsGreaterThanOrEqualTo f -> range(f.key(), f.comparisonValue(), true, null, false);
            case IsLessThan f -> range(f.key(), null, false, f.comparisonValue(), false);
            case IsLessThanOrEqualTo f -> range(f.key(), null, false, f.comparisonValue(), true);
            case ContainsString f -> new WildcardQuery(new Term(META_TERM + f.key(),
                    "*" + escapeWildcard(f.comparisonValue()) + "*"));
            case And f -> new BooleanQuery.Builder()
                    .add(toQuery(f.left()), Occur.FILTER)
                    .add(toQuery(f.right()), Occur.FILTER)
                    .build();
            case Or f -> new BooleanQuery.Builder()
                    .add(toQuery(f.left()), Occur.SHOULD)
                    .add(toQuery(f.right()), Occur.SHOULD)
                    .setMinimumNumberShouldMatch(1)
                    .build();
            case Not f -> not(toQuery(f.expression()));
            default -> throw new UnsupportedOperationException("the Lucene store cannot filter by "
                    + filter.getClass().getSimpleName());
        };
    }

    private static Query equalTo(String key, Object value) {
        return switch (value) {
            case String s -> new TermQuery(new Term(META_TERM + key, s));
            case UUID u -> new TermQuery(new Term(META_TERM + key, u.toString()));
            case Number n -> DoubleField.newExactQuery(META_NUMBER + key, n.doubleValue());
            case null, default -> throw unsupportedValue(key, value);
        };
    }

    private static Query in(String key, Collection<?> values) {
        if (values.isEmpty()) {
            return new MatchNoDocsQuery("IsIn with no values");
        }
        BooleanQuery.Builder any = new BooleanQuery.Builder();
        for (Object value : values) {
            any.add(equalTo(key, value), Occur.SHOULD);
        }
        return any.setMinimumNumberShouldMatch(1).build();
    }

    private static Query range(String key, Object lower, boolean includeLower, Object upper, boolean includeUpper) {
        Object sample = lower != null ? lower : upper;
        if (sample instanceof Number) {
            double min = lower == null ? Double.NEGATIVE_INFINITY : ((Number) lower).doubleValue();
            double max = upper == null ? Double.POSITIVE_INFINITY : ((Number) upper).doubleValue();
            if (lower != null && !includeLower) {
                min = Math.nextUp(min);
            }
            if (upper != null && !includeUpper) {
                max = Math.nextDown(max);
            }
            return DoubleField.newRangeQuery(META_NUMBER + key, min, max);
        }
        if (sample instanceof String) {
            return TermRangeQuery.newStringRange(META_TERM + key, (String) lower, (String) upper,
                    includeLower, includeUpper);
        }
        throw unsupportedValue(key, sample);
    }

    private static Query not(Query query) {
        return new BooleanQuery.Builder()
                .add(new MatchAllDocsQuery(), Occur.FILTER)
                .add(query, Occur.MUST_NOT)
                .build();
    }

    private static String escapeWildcard(String text) {
        return text.replace("\\", "\\\\").replace("*", "\\*").replace("?", "\\?");
    }

    private static IllegalArgumentException unsupportedValue(String key, Object value) {
        return new IllegalArgumentException("cannot filter metadata '" + key + "' by a "
                + (value == null ? "null" : value.getClass().getSimpleName())
                + " (use String, UUID or a number)");
    }
}
