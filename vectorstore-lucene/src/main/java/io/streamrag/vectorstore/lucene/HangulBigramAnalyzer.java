package io.streamrag.vectorstore.lucene;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.cjk.CJKBigramFilter;
import org.apache.lucene.analysis.core.TypeTokenFilter;
import org.apache.lucene.analysis.standard.StandardTokenizer;

import java.util.Set;

/**
 * Overlapping character bigrams of Hangul words ({@code 재택근무} becomes {@code 재택 택근 근무}); every other
 * token is dropped. Beside nori's morphological analysis this matches what nori may split or tag differently:
 * part of a compound noun, a stem with another ending, a word missing from its dictionary. One-syllable words
 * are dropped too: alone they are mostly particles or very common nouns.
 */
final class HangulBigramAnalyzer extends Analyzer {

    @Override
    protected TokenStreamComponents createComponents(String fieldName) {
        Tokenizer source = new StandardTokenizer();
        TokenStream bigrams = new CJKBigramFilter(source, CJKBigramFilter.HANGUL, false);
        TokenStream hangulOnly = new TypeTokenFilter(bigrams, Set.of(CJKBigramFilter.DOUBLE_TYPE), true);
        return new TokenStreamComponents(source, hangulOnly);
    }
}
