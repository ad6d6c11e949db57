package io.procpool.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;

/**
 * The benchmark's output, one JSON object per line, written by Jackson: records are
 * {@link ObjectNode}s (fields in the order they were put), integers are written as JSON integers,
 * doubles always with a fraction or an exponent (Python reads them as float), and NaN or an
 * infinity as {@code null} (a missing figure to the table scripts, and still valid JSON).
 */
final class JsonLines {
  /** The one mapper of the benchmark: compact output, non-finite doubles as null. */
  static final ObjectMapper MAPPER =
      JsonMapper.builder(JsonFactory.builder().addDecorator((factory, g) -> new FiniteOrNull(g)).build()).build();

  private JsonLines() {}

  /** Starts an empty record. */
  static ObjectNode obj() {
    return MAPPER.createObjectNode();
  }

  /** A record as one line of JSON, without the line end. */
  static String write(JsonNode rec) {
    try {
      return MAPPER.writeValueAsString(rec);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Prints a record as one line and flushes. */
  static void print(PrintStream out, JsonNode rec) {
    out.println(write(rec));
    out.flush();
  }

  /** Writes NaN and infinities as null: Jackson's default, the string "NaN", would change the type. */
  private static final class FiniteOrNull extends JsonGeneratorDelegate {
    FiniteOrNull(JsonGenerator g) {
      super(g);
    }

    @Override
    public void writeNumber(double v) throws IOException {
      if (Double.isFinite(v)) {
        super.writeNumber(v);
      } else {
        writeNull();
      }
    }

    @Override
    public void writeNumber(float v) throws IOException {
      if (Float.isFinite(v)) {
        super.writeNumber(v);
      } else {
        writeNull();
      }
    }
  }
}
