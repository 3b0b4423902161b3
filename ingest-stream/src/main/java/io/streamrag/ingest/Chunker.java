package io.streamrag.ingest;

import io.streamrag.platform.text.Sentences;
import io.streamrag.platform.text.Tokens;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Cuts text into chunks of whole sentences (English and Korean, via {@link Sentences}) of at most
 * {@code maxTokens} estimated tokens ({@link Tokens#estimate}), the title prefix included. Consecutive chunks
 * share their boundary sentences, up to {@code overlapTokens}, so an answer that straddles a boundary is still
 * found whole in one chunk. A sentence longer than a chunk is cut on word boundaries (on characters only when
 * a single word is too long, as in unspaced CJK text or a long URL).
 *
 * <p>With {@code titlePrefix}, every chunk starts with the document title on its own line: a chunk from the
 * middle of a document still says what it is about, to the embedding and to keyword search alike.
 */
public final class Chunker {

    private final int maxTokens;
    private final int overlapTokens;
    private final boolean titlePrefix;

    public Chunker(int maxTokens, int overlapTokens, boolean titlePrefix) {
        if (maxTokens < 16 || overlapTokens < 0 || overlapTokens >= maxTokens) {
            throw new IllegalArgumentException("need maxTokens >= 16 and 0 <= overlapTokens < maxTokens");
        }
        this.maxTokens = maxTokens;
        this.overlapTokens = overlapTokens;
        this.titlePrefix = titlePrefix;
    }

    public int maxTokens() {
        return maxTokens;
    }

    /** The chunks of a text, in order; empty for a text without words. The title may be null. */
    public List<String> chunk(String title, String text) {
        String prefix = prefix(title);
        int budget = maxTokens - Tokens.estimate(prefix);
        List<String> units = new ArrayList<>();
        for (String sentence : Sentences.split(text)) {
            if (Tokens.estimate(sentence) <= budget) {
                units.add(sentence);
            } else {
                units.addAll(splitLong(sentence, budget));
            }
        }
        List<String> chunks = new ArrayList<>();
        Deque<String> current = new ArrayDeque<>();
        int fresh = 0; // sentences of the current chunk that no earlier chunk holds
        for (String unit : units) {
            if (!current.isEmpty() && Tokens.estimate(join(current, unit)) > budget) {
                if (fresh > 0) {
                    chunks.add(prefix + join(current, null));
                }
                current = overlap(current);
                while (!current.isEmpty() && Tokens.estimate(join(current, unit)) > budget) {
                    current.removeFirst();
                }
                fresh = 0;
            }
            current.addLast(unit);
            fresh++;
        }
        if (fresh > 0) {
            chunks.add(prefix + join(current, null));
        }
        return chunks;
    }

    private String prefix(String title) {
        if (!titlePrefix || title == null || title.isBlank()) {
            return "";
        }
        String flat = title.replaceAll("\\s+", " ").strip();
        int titleBudget = maxTokens / 4;
        if (Tokens.estimate(flat) > titleBudget) {
            flat = splitLong(flat, titleBudget).getFirst();
        }
        return flat + "\n";
    }

    /** The trailing sentences of a chunk, at most {@code overlapTokens}, and never the whole chunk. */
    private Deque<String> overlap(Deque<String> chunk) {
        Deque<String> tail = new ArrayDeque<>();
        var it = chunk.descendingIterator();
        while (it.hasNext() && tail.size() < chunk.size() - 1) {
            String sentence = it.next();
            tail.addFirst(sentence);
            if (Tokens.estimate(join(tail, null)) > overlapTokens) {
                tail.removeFirst();
                break;
            }
        }
        return tail;
    }

    private static String join(Deque<String> sentences, String next) {
        StringBuilder out = new StringBuilder();
        for (String s : sentences) {
            if (!out.isEmpty()) {
                out.append(' ');
            }
            out.append(s);
        }
        if (next != null) {
            if (!out.isEmpty()) {
                out.append(' ');
            }
            out.append(next);
        }
        return out.toString();
    }

    /** Cuts one over-long sentence into pieces of at most {@code budget} tokens, between words where it can. */
    static List<String> splitLong(String sentence, int budget) {
        List<String> pieces = new ArrayList<>();
        StringBuilder piece = new StringBuilder();
        for (String word : sentence.split("\\s+")) {
            if (word.isEmpty()) {
                continue;
            }
            if (Tokens.estimate(word) > budget) {
                if (!piece.isEmpty()) {
                    pieces.add(piece.toString());
                    piece.setLength(0);
                }
                pieces.addAll(splitWord(word, budget));
                continue;
            }
            int before = piece.length();
            if (!piece.isEmpty()) {
                piece.append(' ');
            }
            piece.append(word);
            if (Tokens.estimate(piece) > budget) {
                piece.setLength(before);
                pieces.add(piece.toString());
                piece.setLength(0);
                piece.append(word);
            }
        }
        if (!piece.isEmpty()) {
            pieces.add(piece.toString());
        }
        return pieces;
    }

    private static List<String> splitWord(String word, int budget) {
        List<String> pieces = new ArrayList<>();
        StringBuilder piece = new StringBuilder();
        word.codePoints().forEach(cp -> {
            piece.appendCodePoint(cp);
            if (Tokens.estimate(piece) > budget) {
                piece.setLength(piece.length() - Character.charCount(cp));
                pieces.add(piece.toString());
                piece.setLength(0);
                piece.appendCodePoint(cp);
            }
        });
        if (!piece.isEmpty()) {
            pieces.add(piece.toString());
        }
        return pieces;
    }
}
