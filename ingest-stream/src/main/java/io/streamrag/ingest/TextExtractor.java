package io.streamrag.ingest;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeTraversor;
import org.jsoup.select.NodeVisitor;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a document's content into plain text for chunking: text/plain as is, text/markdown without its markup
 * (headings and list items kept as their own paragraphs), text/html as its visible text. Block elements come out
 * separated by blank lines, so the sentence splitter never runs a heading into the paragraph below it.
 * Bytes must be UTF-8; anything else is rejected rather than guessed.
 */
public final class TextExtractor {

    /** What extraction yields: the text, and a title found in the content (HTML {@code <title>}, first heading). */
    public record Extracted(String text, Optional<String> title) {
    }

    public enum Format { PLAIN, MARKDOWN, HTML }

    public static final List<String> SUPPORTED = List.of("text/plain", "text/markdown", "text/html");

    private TextExtractor() {
    }

    /**
     * The format of a MIME content type such as {@code text/html; charset=utf-8}; a null or blank type is
     * text/plain. Rejects unknown types and charsets other than UTF-8 (and its subset US-ASCII).
     */
    public static Format formatOf(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return Format.PLAIN;
        }
        String[] parts = contentType.split(";");
        String base = parts[0].strip().toLowerCase(Locale.ROOT);
        for (int i = 1; i < parts.length; i++) {
            String[] param = parts[i].split("=", 2);
            if (param.length == 2 && param[0].strip().equalsIgnoreCase("charset")) {
                String charset = param[1].strip().replace("\"", "").toLowerCase(Locale.ROOT);
                if (!Set.of("utf-8", "utf8", "us-ascii", "ascii").contains(charset)) {
                    throw new IngestRejection(IngestStage.VALIDATE, "charset '" + charset
                            + "' is not supported: send the content as UTF-8");
                }
            }
        }
        return switch (base) {
            case "text/plain", "text" -> Format.PLAIN;
            case "text/markdown", "text/x-markdown" -> Format.MARKDOWN;
            case "text/html", "application/xhtml+xml" -> Format.HTML;
            default -> throw new IngestRejection(IngestStage.VALIDATE, "content type '" + contentType
                    + "' is not supported (supported: " + String.join(", ", SUPPORTED) + ")");
        };
    }

    /** Decodes UTF-8 strictly: a malformed byte is a rejection naming its offset, never a replacement character. */
    public static String decodeUtf8(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            return decoder.decode(in).toString();
        } catch (MalformedInputException e) {
            throw new IngestRejection(IngestStage.EXTRACT, "content is not valid UTF-8 (malformed byte sequence at byte offset "
                    + in.position() + ")", e);
        } catch (CharacterCodingException e) {
            throw new IngestRejection(IngestStage.EXTRACT, "content is not valid UTF-8: " + e.getMessage(), e);
        }
    }

    public static Extracted extract(String contentType, byte[] content) {
        Format format = formatOf(contentType);
        return extract(format, decodeUtf8(content));
    }

    public static Extracted extract(String contentType, String text) {
        return extract(formatOf(contentType), text);
    }

    public static Extracted extract(Format format, String raw) {
        String text = raw.startsWith("\uFEFF") ? raw.substring(1) : raw;
        if (text.indexOf('\u0000') >= 0) {
            throw new IngestRejection(IngestStage.EXTRACT, "content contains NUL characters: it is binary, not text");
        }
        text = text.replace("\r\n", "\n").replace('\r', '\n');
        Extracted extracted = switch (format) {
            case PLAIN -> new Extracted(text, Optional.empty());
            case MARKDOWN -> markdown(text);
            case HTML -> html(text);
        };
        return new Extracted(tidy(extracted.text()), extracted.title().map(String::strip).filter(t -> !t.isEmpty()));
    }

    // ---------------------------------------------------------------- markdown

    private static final Pattern FENCE = Pattern.compile("^\\s{0,3}(```|~~~).*$");
    private static final Pattern ATX_HEADING = Pattern.compile("^\\s{0,3}#{1,6}\\s+(.*?)(?:\\s+#+)?\\s*$");
    private static final Pattern SETEXT_UNDERLINE = Pattern.compile("^\\s{0,3}(=+|-+)\\s*$");
    private static final Pattern RULE = Pattern.compile("^\\s{0,3}([-*_])(\\s*\\1){2,}\\s*$");
    private static final Pattern LIST_ITEM = Pattern.compile("^\\s*(?:[-*+]|\\d{1,9}[.)])\\s+(?:\\[[ xX]]\\s+)?(.*)$");
    private static final Pattern QUOTE = Pattern.compile("^\\s{0,3}>\\s?");
    private static final Pattern TABLE_SEPARATOR = Pattern.compile("^\\s*\\|?\\s*:?-{2,}:?\\s*(\\|\\s*:?-{2,}:?\\s*)*\\|?\\s*$");
    private static final Pattern REFERENCE_DEFINITION = Pattern.compile("^\\s{0,3}\\[[^]]+]:\\s*\\S+.*$");
    private static final Pattern HTML_COMMENT = Pattern.compile("<!--.*?-->", Pattern.DOTALL);

    private static final Pattern[][] INLINE = {
            {Pattern.compile("!\\[([^]]*)]\\([^)]*\\)"), null},
            {Pattern.compile("\\[([^]]+)]\\([^)]*\\)"), null},
            {Pattern.compile("\\[([^]]+)]\\[[^]]*]"), null},
            {Pattern.compile("<((?:https?|mailto):[^>\\s]+)>"), null},
            {Pattern.compile("`+([^`]+?)`+"), null},
            {Pattern.compile("(?<![\\w*])\\*\\*(?!\\s)(.+?)(?<!\\s)\\*\\*(?![\\w*])"), null},
            {Pattern.compile("(?<![\\w_])__(?!\\s)(.+?)(?<!\\s)__(?![\\w_])"), null},
            {Pattern.compile("(?<![\\w*])\\*(?![\\s*])(.+?)(?<![\\s*])\\*(?![\\w*])"), null},
            {Pattern.compile("(?<![\\w_])_(?![\\s_])(.+?)(?<![\\s_])_(?![\\w_])"), null},
            {Pattern.compile("~~(.+?)~~"), null},
    };
    private static final Pattern INLINE_TAG = Pattern.compile("</?[A-Za-z][^>]*>");
    private static final Pattern ESCAPE = Pattern.compile("\\\\([\\\\`*_{}\\[\\]()#+\\-.!>|~])");

    private static Extracted markdown(String source) {
        String text = HTML_COMMENT.matcher(source).replaceAll("");
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        int start = 0;
        if (!lines.isEmpty() && lines.getFirst().strip().equals("---")) {
            // YAML front matter: metadata, not content
            for (int i = 1; i < lines.size(); i++) {
                if (lines.get(i).strip().equals("---") || lines.get(i).strip().equals("...")) {
                    start = i + 1;
                    break;
                }
            }
        }
        List<String> blocks = new ArrayList<>();
        StringBuilder paragraph = new StringBuilder();
        String firstHeading = null;
        boolean inFence = false;
        for (int i = start; i < lines.size(); i++) {
            String line = lines.get(i);
            if (FENCE.matcher(line).matches()) {
                flush(paragraph, blocks);
                inFence = !inFence;
                continue;
            }
            if (inFence) {
                // code keeps its words, not its layout
                paragraph.append(line.strip()).append(' ');
                continue;
            }
            while (QUOTE.matcher(line).lookingAt()) {
                line = QUOTE.matcher(line).replaceFirst("");
            }
            String trimmed = line.strip();
            Matcher m;
            if (trimmed.isEmpty() || REFERENCE_DEFINITION.matcher(line).matches() || TABLE_SEPARATOR.matcher(line).matches()
                    && line.contains("|")) {
                flush(paragraph, blocks);
            } else if ((m = ATX_HEADING.matcher(line)).matches()) {
                flush(paragraph, blocks);
                String heading = inline(m.group(1));
                firstHeading = firstHeading == null ? heading : firstHeading;
                blocks.add(heading);
            } else if (SETEXT_UNDERLINE.matcher(line).matches() && !paragraph.isEmpty()) {
                String heading = paragraph.toString().strip();
                paragraph.setLength(0);
                firstHeading = firstHeading == null ? heading : firstHeading;
                blocks.add(heading);
            } else if (RULE.matcher(line).matches()) {
                flush(paragraph, blocks);
            } else if ((m = LIST_ITEM.matcher(line)).matches()) {
                flush(paragraph, blocks);
                paragraph.append(inline(m.group(1))).append(' ');
            } else if (trimmed.startsWith("|") || trimmed.endsWith("|") && trimmed.contains("|")) {
                flush(paragraph, blocks);
                String row = trimmed.replaceAll("^\\|", "").replaceAll("\\|$", "");
                blocks.add(inline(String.join(", ", row.split("\\s*\\|\\s*")).strip()));
            } else {
                paragraph.append(inline(trimmed)).append(' ');
            }
        }
        flush(paragraph, blocks);
        return new Extracted(String.join("\n\n", blocks), Optional.ofNullable(firstHeading));
    }

    private static String inline(String text) {
        String out = text;
        for (Pattern[] rule : INLINE) {
            out = rule[0].matcher(out).replaceAll(r -> Matcher.quoteReplacement(r.group(1)));
        }
        out = INLINE_TAG.matcher(out).replaceAll("");
        return ESCAPE.matcher(out).replaceAll("$1").strip();
    }

    private static void flush(StringBuilder paragraph, List<String> blocks) {
        String text = paragraph.toString().strip();
        if (!text.isEmpty()) {
            blocks.add(text);
        }
        paragraph.setLength(0);
    }

    // ---------------------------------------------------------------- html

    private static final Set<String> BLOCKS = Set.of("address", "article", "aside", "blockquote", "caption", "dd", "details",
            "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
            "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "thead", "tfoot",
            "tr", "ul", "body", "html");
    private static final Set<String> CELLS = Set.of("td", "th");

    private static Extracted html(String source) {
        Document document = Jsoup.parse(source);
        String title = document.title();
        // what a reader never sees
        document.select("head, script, style, noscript, template, svg, iframe, object, canvas, [hidden], [aria-hidden=true]")
                .remove();
        document.select("[style~=(?i)(display\\s*:\\s*none|visibility\\s*:\\s*hidden)]").remove();
        StringBuilder out = new StringBuilder();
        NodeTraversor.traverse(new NodeVisitor() {
            @Override
            public void head(Node node, int depth) {
                if (node instanceof TextNode textNode) {
                    String text = textNode.getWholeText().replaceAll("\\s+", " ");
                    if (!text.isBlank()) {
                        if (text.startsWith(" ") && !out.isEmpty() && !Character.isWhitespace(out.charAt(out.length() - 1))) {
                            out.append(' ');
                        }
                        out.append(text.strip());
                        if (text.endsWith(" ")) {
                            out.append(' ');
                        }
                    }
                } else if (node instanceof Element element) {
                    String tag = element.normalName();
                    if (tag.equals("br")) {
                        out.append('\n');
                    } else if (BLOCKS.contains(tag)) {
                        out.append("\n\n");
                    } else if (CELLS.contains(tag)) {
                        out.append(' ');
                    }
                }
            }

            @Override
            public void tail(Node node, int depth) {
                if (node instanceof Element element) {
                    String tag = element.normalName();
                    if (BLOCKS.contains(tag)) {
                        out.append("\n\n");
                    } else if (CELLS.contains(tag)) {
                        out.append(' ');
                    }
                }
            }
        }, document);
        return new Extracted(out.toString(), title == null || title.isBlank() ? Optional.empty() : Optional.of(title));
    }

    /** Trims each line, collapses runs of spaces and of blank lines. */
    private static String tidy(String text) {
        StringBuilder out = new StringBuilder(text.length());
        int blank = 0;
        for (String line : text.split("\n", -1)) {
            String flat = line.replaceAll("[ \\t\\u00A0\\u000B\\f]+", " ").strip();
            if (flat.isEmpty()) {
                blank++;
                continue;
            }
            if (!out.isEmpty()) {
                out.append(blank > 0 ? "\n\n" : "\n");
            }
            out.append(flat);
            blank = 0;
        }
        return out.toString();
    }
}
