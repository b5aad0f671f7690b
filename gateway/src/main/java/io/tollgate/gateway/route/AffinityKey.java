package io.tollgate.gateway.route;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The key that prefix affinity sends to one backend: the {@code x-session-id} header when there is
 * one, else the body's {@code user} field, else a hash of the prompt's first characters (the
 * system prompt and first messages, which is where vLLM's prefix cache can hit). A request with
 * no prompt text gets a random key. FNV-1a over the characters, then a 64-bit finaliser so that
 * keys spread evenly over the ring; no string is built.
 */
final class AffinityKey {

  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private AffinityKey() {
  }

  static long of(String sessionId, JsonObject body, int prefixChars) {
    if (sessionId != null && !sessionId.isEmpty()) {
      return hash("session:" + sessionId);
    }
    if (body.getValue("user") instanceof String user && !user.isEmpty()) {
      return hash("user:" + user);
    }
    Prefix prefix = new Prefix(prefixChars);
    if (body.getValue("messages") instanceof JsonArray messages) {
      for (int i = 0; i < messages.size() && !prefix.full(); i++) {
        if (messages.getValue(i) instanceof JsonObject message) {
          content(message.getValue("content"), prefix);
        }
      }
    } else {
      content(body.getValue("prompt"), prefix);
    }
    return prefix.chars == 0 ? ThreadLocalRandom.current().nextLong() : mix(prefix.hash);
  }

  /** Text content: a string, or a list of strings or of {@code {"type":"text","text":…}} parts. */
  private static void content(Object content, Prefix prefix) {
    if (content instanceof String text) {
      prefix.add(text);
    } else if (content instanceof JsonArray parts) {
      for (int i = 0; i < parts.size() && !prefix.full(); i++) {
        Object part = parts.getValue(i);
        if (part instanceof String text) {
          prefix.add(text);
        } else if (part instanceof JsonObject object && object.getValue("text") instanceof String text) {
          prefix.add(text);
        }
      }
    }
  }

  static long hash(String text) {
    long hash = FNV_OFFSET;
    for (int i = 0; i < text.length(); i++) {
      hash = (hash ^ text.charAt(i)) * FNV_PRIME;
    }
    return mix(hash);
  }

  /** splitmix64's finaliser: FNV's low bits are poorly spread for short inputs. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  private static final class Prefix {
    final int limit;
    long hash = FNV_OFFSET;
    int chars;

    Prefix(int limit) {
      this.limit = limit;
    }

    boolean full() {
      return chars >= limit;
    }

    void add(String text) {
      int take = Math.min(text.length(), limit - chars);
      for (int i = 0; i < take; i++) {
        hash = (hash ^ text.charAt(i)) * FNV_PRIME;
      }
      hash = (hash ^ 0x1F) * FNV_PRIME; // a separator, so "ab"+"c" differs from "a"+"bc"
      chars += take;
    }
  }
}
