package io.streamrag.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.Schema;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.temporal.TemporalAccessor;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;

/**
 * Any Avro record as plain JSON for people and scripts: field names as in the schema, unions as their value
 * (no {@code {"string": ...}} wrappers), enums as their symbol, timestamps as ISO-8601 strings, bytes and
 * fixed as base64, non-finite floats as strings. One way to print events everywhere in the CLI.
 */
public final class AvroJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private AvroJson() {
    }

    /** The record as a JSON object node. */
    public static ObjectNode toJsonNode(IndexedRecord record) {
        ObjectNode object = NODES.objectNode();
        for (Schema.Field field : record.getSchema().getFields()) {
            object.set(field.name(), value(record.get(field.pos())));
        }
        return object;
    }

    /** The record as one line of JSON. */
    public static String toJson(IndexedRecord record) {
        return toJsonNode(record).toString();
    }

    /** The record as indented JSON. */
    public static String toPrettyJson(IndexedRecord record) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(toJsonNode(record));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always prints", e);
        }
    }

    /** Any Avro datum (as held by generated or generic records) as a JSON node. */
    public static JsonNode value(Object datum) {
        return switch (datum) {
            case null -> NODES.nullNode();
            case IndexedRecord record -> toJsonNode(record);
            case CharSequence text -> NODES.textNode(text.toString());
            case Boolean b -> NODES.booleanNode(b);
            case Integer i -> NODES.numberNode(i);
            case Long l -> NODES.numberNode(l);
            case Float f -> Float.isFinite(f) ? NODES.numberNode(f) : NODES.textNode(f.toString());
            case Double d -> Double.isFinite(d) ? NODES.numberNode(d) : NODES.textNode(d.toString());
            case BigDecimal decimal -> NODES.numberNode(decimal);
            case BigInteger integer -> NODES.numberNode(integer);
            case ByteBuffer buffer -> {
                ByteBuffer copy = buffer.duplicate();
                byte[] bytes = new byte[copy.remaining()];
                copy.get(bytes);
                yield NODES.textNode(Base64.getEncoder().encodeToString(bytes));
            }
            case byte[] bytes -> NODES.textNode(Base64.getEncoder().encodeToString(bytes));
            case GenericFixed fixed -> NODES.textNode(Base64.getEncoder().encodeToString(fixed.bytes()));
            case GenericEnumSymbol<?> symbol -> NODES.textNode(symbol.toString());
            case Enum<?> symbol -> NODES.textNode(symbol.name());
            case TemporalAccessor time -> NODES.textNode(time.toString());
            case Map<?, ?> map -> {
                ObjectNode object = NODES.objectNode();
                map.forEach((k, v) -> object.set(String.valueOf(k), value(v)));
                yield object;
            }
            case Collection<?> items -> {
                ArrayNode array = NODES.arrayNode();
                items.forEach(item -> array.add(value(item)));
                yield array;
            }
            default -> NODES.textNode(datum.toString());
        };
    }
}
