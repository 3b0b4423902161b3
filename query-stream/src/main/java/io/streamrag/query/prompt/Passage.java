package io.streamrag.query.prompt;

/** A retrieved passage as the prompt shows it: the document it comes from, the chunk, its text and score. */
public record Passage(String docId, String chunkId, String title, String text, double score) {
}
