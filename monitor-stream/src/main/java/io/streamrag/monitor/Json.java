package io.streamrag.monitor;

import java.util.Locale;

/** A small JSON writer: the API's shapes are fixed and flat, a library would add nothing. */
final class Json {

    private final StringBuilder out = new StringBuilder(4096);
    private boolean needComma;

    Json begin() {
        comma();
        out.append('{');
        needComma = false;
        return this;
    }

    Json begin(String name) {
        key(name);
        out.append('{');
        needComma = false;
        return this;
    }

    Json end() {
        out.append('}');
        needComma = true;
        return this;
    }

    Json array(String name) {
        key(name);
        out.append('[');
        needComma = false;
        return this;
    }

    Json endArray() {
        out.append(']');
        needComma = true;
        return this;
    }

    Json field(String name, String value) {
        key(name);
        string(value);
        needComma = true;
        return this;
    }

    Json field(String name, double value) {
        key(name);
        number(value);
        needComma = true;
        return this;
    }

    Json field(String name, long value) {
        key(name);
        out.append(value);
        needComma = true;
        return this;
    }

    Json field(String name, boolean value) {
        key(name);
        out.append(value);
        needComma = true;
        return this;
    }

    Json value(String value) {
        comma();
        string(value);
        needComma = true;
        return this;
    }

    private void key(String name) {
        comma();
        string(name);
        out.append(':');
    }

    private void comma() {
        if (needComma) {
            out.append(',');
        }
    }

    private void number(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            out.append("null");
        } else if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            out.append((long) value);
        } else {
            out.append(String.format(Locale.ROOT, "%.6g", value).replaceAll("(\\.\\d*?)0+(e|$)", "$1$2").replace(".e", "e").replaceAll("\\.$", ""));
        }
    }

    private void string(String value) {
        if (value == null) {
            out.append("null");
            return;
        }
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&') { // also safe inside HTML
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
