package io.tollgate.gateway.request;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.tollgate.frontdoor.JsonSyntax;
import io.tollgate.gateway.outcome.Refusal;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;

/**
 * Stage 1: the JSON checked whole, and the few fields the gateway acts on read in one streaming
 * pass, without building a tree (a tree of the body was the largest cost of a small request in
 * the profile). Everything else in the body is the backend's business and passed through untouched.
 */
public final class RequestParser {

  /** Rough characters per token for the TPM estimate; errs on the side of reserving more. */
  private static final int CHARS_PER_TOKEN = 3;
  private static final int TOKENS_PER_MESSAGE = 4;
  /**
   * Longer names are refused before any lookup: no served model has one (Hugging Face ids are far
   * shorter), and the name is echoed in errors and stored in usage events and logs.
   */
  static final int MAX_MODEL_NAME = 256;
  private static final JsonFactory JSON = new JsonFactory();

  private RequestParser() {
  }

  /**
   * A multipart upload (speech to text): the model and stream fields from the form, the file part
   * left as it is.
   */
  public static Parsed parseUpload(Endpoint endpoint, Buffer raw, String contentType,
                                   io.vertx.core.streams.ReadStream<Buffer> rest) {
    String boundary = MultipartForm.boundary(contentType);
    if (boundary == null) {
      return Parsed.error(Refusal.invalidBody("this endpoint takes multipart/form-data with a boundary"));
    }
    java.util.Map<String, MultipartForm.Field> fields;
    if (rest != null) {
      // Only the fields before the file were read; the file follows from the socket.
      fields = MultipartForm.head(raw.getBytes(), raw.length(), boundary).fields();
    } else {
      Refusal[] error = new Refusal[1];
      fields = MultipartForm.fields(raw, boundary, error);
      if (error[0] != null) {
        return Parsed.error(error[0]);
      }
    }
    MultipartForm.Field model = fields.get("model");
    if (model == null || model.value().isBlank()) {
      return Parsed.error(Refusal.missingField("model"));
    }
    if (model.value().length() > MAX_MODEL_NAME) {
      return Parsed.error(Refusal.invalidValue("model", "'model' is longer than " + MAX_MODEL_NAME + " characters."));
    }
    MultipartForm.Field stream = fields.get("stream");
    MultipartForm.Field includeUsage = fields.get("stream_include_usage");
    boolean streamed = stream != null && "true".equalsIgnoreCase(stream.value().trim());
    boolean wantsUsage = includeUsage != null && "true".equalsIgnoreCase(includeUsage.value().trim());
    return new Parsed(CompletionRequest.upload(endpoint, raw, contentType, model.value(), streamed,
        !streamed || wantsUsage || includeUsage != null,
        new CompletionRequest.BodyLayout(-1, model.start(), model.end(), includeUsage != null), rest), null);
  }

  public static Parsed parse(Endpoint endpoint, Buffer raw) {
    Fields fields;
    try {
      fields = read(raw.getBytes());
    } catch (JsonProcessingException e) {
      return Parsed.error(Refusal.invalidJson(JsonSyntax.reason(e)));
    } catch (IOException e) {
      return Parsed.error(Refusal.invalidJson(String.valueOf(e.getMessage())));
    }
    if (fields == null) {
      return Parsed.error(Refusal.invalidJson("the body must be a JSON object"));
    }
    return fields.check(endpoint, raw);
  }

  /** One pass over the whole document; null when it is not an object. */
  private static Fields read(byte[] bytes) throws IOException {
    try (JsonParser parser = JSON.createParser(bytes)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        if (parser.currentToken() != null) {
          parser.skipChildren();
          requireEnd(parser);
        }
        return null;
      }
      Fields fields = new Fields();
      fields.objectStart = (int) parser.currentTokenLocation().getByteOffset();
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        switch (name) {
          case "model" -> fields.model(parser, value);
          case "messages" -> fields.messages(parser, value);
          case "prompt" -> fields.prompt = fields.text("prompt", parser);
          case "input" -> fields.input = fields.text("input", parser);
          case "query", "documents", "text_1", "text_2", "queries", "items", "data_1", "data_2", "system",
              "instructions", "tokens" -> fields.text(name, parser);
          case "stream" -> fields.stream = scalar(parser, value);
          case "stream_options" -> fields.streamOptions(parser, value);
          case "max_tokens" -> fields.maxTokens = scalar(parser, value);
          case "max_completion_tokens" -> fields.maxCompletionTokens = scalar(parser, value);
          case "max_output_tokens" -> fields.maxOutputTokens = scalar(parser, value);
          case "previous_response_id" -> fields.previousResponseId = scalar(parser, value);
          default -> parser.skipChildren();
        }
      }
      requireEnd(parser);
      return fields;
    }
  }

  private static void requireEnd(JsonParser parser) throws IOException {
    if (parser.nextToken() != null) {
      throw new JsonParseException(parser, "Unexpected trailing token " + parser.currentToken());
    }
  }

  /** A scalar value as Java sees it (String, Boolean, Number, or JSON null as null); containers skipped. */
  private static Object scalar(JsonParser parser, JsonToken token) throws IOException {
    return switch (token) {
      case VALUE_STRING -> parser.getText();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> parser.getNumberValue();
      case VALUE_NULL -> null;
      default -> {
        parser.skipChildren();
        yield CONTAINER;
      }
    };
  }

  /** Stands for an object or array where a scalar was expected: present, and of the wrong type. */
  private static final Object CONTAINER = new Object();

  /** What the pass found; checked afterwards in the order the errors are reported. */
  private static final class Fields {
    int objectStart;
    /** Null when absent or JSON null (both "missing", as in a parsed tree). */
    Object model;
    int modelStart = -1;
    int modelEnd = -1;
    /** -1 absent, -3 not a non-empty array, else the prompt characters of the messages. */
    int messages = -1;
    /** -1 absent, else the prompt characters (and of input). */
    int prompt = -1;
    int input = -1;
    Object stream;
    /** 0 absent (or JSON null), 1 an object, 2 anything else. */
    int streamOptionsKind;
    boolean includeUsage = true;
    Object maxTokens;
    Object maxCompletionTokens;
    Object maxOutputTokens;
    Object previousResponseId;
    /** Prompt characters of the fields other than messages, prompt and input (queries, documents, system…). */
    int otherText;
    /** Fields present with a value other than null. */
    final java.util.Set<String> present = new java.util.HashSet<>(4);

    /** A prompt-text field: its characters counted, its presence noted; -1 when JSON null. */
    int text(String name, JsonParser parser) throws IOException {
      int chars = TextLength.of(parser);
      if (chars >= 0) {
        present.add(name);
        if (!"prompt".equals(name) && !"input".equals(name)) {
          otherText += chars;
        }
      }
      return chars;
    }

    void model(JsonParser parser, JsonToken token) throws IOException {
      modelStart = (int) parser.currentTokenLocation().getByteOffset();
      model = scalar(parser, token);
      modelEnd = (int) parser.currentLocation().getByteOffset();
    }

    void messages(JsonParser parser, JsonToken token) throws IOException {
      if (token == JsonToken.VALUE_NULL) {
        messages = -1;
        return;
      }
      if (token != JsonToken.START_ARRAY) {
        parser.skipChildren();
        messages = -3;
        return;
      }
      int chars = 0;
      int count = 0;
      while (parser.nextToken() != JsonToken.END_ARRAY) {
        count++;
        chars += TOKENS_PER_MESSAGE * CHARS_PER_TOKEN;
        if (parser.currentToken() == JsonToken.START_OBJECT) {
          int content = 0;
          while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            parser.nextToken();
            if ("content".equals(name)) {
              content = Math.max(0, TextLength.of(parser)); // the last one counts, as in a parsed tree
            } else {
              parser.skipChildren();
            }
          }
          chars += content;
        } else {
          parser.skipChildren();
        }
      }
      messages = count == 0 ? -3 : chars;
    }

    void streamOptions(JsonParser parser, JsonToken token) throws IOException {
      if (token == JsonToken.VALUE_NULL) {
        streamOptionsKind = 0;
        return;
      }
      if (token != JsonToken.START_OBJECT) {
        parser.skipChildren();
        streamOptionsKind = 2;
        return;
      }
      streamOptionsKind = 1;
      includeUsage = true;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if ("include_usage".equals(name)) {
          // An explicit include_usage wins; absent (or null), vLLM's default applies (true whenever
          // stream_options is present), since the gateway stands in for vLLM.
          includeUsage = value == JsonToken.VALUE_NULL || value == JsonToken.VALUE_TRUE;
        }
        parser.skipChildren();
      }
    }

    /** The endpoint's own input, absent or of the wrong shape; null when it is there. */
    Refusal missingInput(Endpoint endpoint) {
      String field = endpoint.requiredField();
      if ("messages".equals(field)) {
        if (messages == -1) {
          return Refusal.missingField("messages");
        }
        if (messages == -3) {
          return Refusal.invalidType("messages", "'messages' must be a non-empty array.");
        }
        return null;
      }
      if (field == null) {
        return null;
      }
      boolean there = switch (field) {
        case "prompt" -> prompt != -1;
        case "input" -> input != -1;
        default -> present.contains(field);
      };
      return there ? null : Refusal.missingField(field);
    }

    /** Which field caps the output: chat takes OpenAI's newer name over the old one. */
    String maxTokensParam(Endpoint endpoint) {
      return switch (endpoint.family()) {
        case RESPONSES -> "max_output_tokens";
        case CHAT, COMPLETIONS -> maxCompletionTokens != null ? "max_completion_tokens" : "max_tokens";
        default -> "max_tokens";
      };
    }

    Parsed check(Endpoint endpoint, Buffer raw) {
      if (model == null) {
        return Parsed.error(Refusal.missingField("model"));
      }
      if (!(model instanceof String name) || name.isBlank()) {
        return Parsed.error(Refusal.invalidType("model", "'model' must be a non-empty string."));
      }
      if (name.length() > MAX_MODEL_NAME) {
        return Parsed.error(Refusal.invalidValue("model", "'model' is longer than " + MAX_MODEL_NAME + " characters."));
      }
      Refusal missing = missingInput(endpoint);
      if (missing != null) {
        return Parsed.error(missing);
      }
      long promptChars = (long) Math.max(0, messages) + Math.max(0, prompt) + Math.max(0, input) + otherText;
      boolean streamed = false;
      boolean clientWantsUsage = false;
      int max = -1;
      if (endpoint.generates()) {
        if (stream != null && !(stream instanceof Boolean)) {
          return Parsed.error(Refusal.invalidType("stream", "'stream' must be a boolean."));
        }
        streamed = Boolean.TRUE.equals(stream);
        if (endpoint.asksForUsage()) {
          if (streamOptionsKind == 2) {
            return Parsed.error(Refusal.invalidType("stream_options", "'stream_options' must be an object."));
          }
          if (streamOptionsKind == 1) {
            if (!streamed) {
              return Parsed.error(Refusal.invalidValue("stream_options",
                  "'stream_options' is only allowed when 'stream' is true."));
            }
            clientWantsUsage = includeUsage;
          }
        } else {
          clientWantsUsage = true; // the typed event streams always carry their usage
        }
        String param = maxTokensParam(endpoint);
        Object value = switch (param) {
          case "max_output_tokens" -> maxOutputTokens;
          case "max_completion_tokens" -> maxCompletionTokens;
          default -> maxTokens;
        };
        if (value == null && endpoint.family() == Endpoint.Family.MESSAGES) {
          return Parsed.error(Refusal.missingField("max_tokens"));
        }
        if (value != null) {
          if (!(value instanceof Number number) || number.doubleValue() != Math.rint(number.doubleValue())
              || number.doubleValue() < 1 || number.doubleValue() > Integer.MAX_VALUE) {
            return Parsed.error(Refusal.invalidValue(param, "'" + param + "' must be a positive integer."));
          }
          max = number.intValue();
        }
      }
      int estimate = (int) Math.min(Integer.MAX_VALUE, Math.max(1, promptChars / CHARS_PER_TOKEN));
      CompletionRequest request = new CompletionRequest(endpoint, raw, name, streamed, clientWantsUsage, max, estimate,
          new CompletionRequest.BodyLayout(objectStart, modelStart, modelEnd, streamOptionsKind == 1));
      if (endpoint.family() == Endpoint.Family.RESPONSES && previousResponseId != null) {
        if (!(previousResponseId instanceof String previous) || previous.isBlank()) {
          return Parsed.error(Refusal.invalidType("previous_response_id", "'previous_response_id' must be a string."));
        }
        request = request.continuing(previous);
      }
      return new Parsed(request, null);
    }
  }

  /** Exactly one of request and error is set. */
  public record Parsed(CompletionRequest request, Refusal error) {
    static Parsed error(Refusal error) {
      return new Parsed(null, error);
    }
  }
}
