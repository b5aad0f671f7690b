package io.tollgate.gateway.limit;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A Lua script run by its SHA1 ({@code EVALSHA}); when Redis does not know it yet (first use, or
 * after a restart or SCRIPT FLUSH) the {@code NOSCRIPT} answer is followed by one {@code EVAL},
 * which also caches it. So the steady state is exactly one command per call.
 */
final class LuaScript {

  private final String source;
  private final String sha1;

  private LuaScript(String source) {
    this.source = source;
    this.sha1 = sha1(source);
  }

  static LuaScript fromResource(String name) {
    try (InputStream in = LuaScript.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing script resource " + name);
      }
      return new LuaScript(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String sha1() {
    return sha1;
  }

  /** Loads the script into Redis's cache ahead of the first request. */
  Future<Response> load(Redis redis) {
    return redis.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(source));
  }

  Future<Response> run(Redis redis, List<String> keys, List<String> args) {
    return redis.send(request(Command.EVALSHA, sha1, keys, args))
        .recover(failure -> {
          String message = failure.getMessage();
          if (message != null && message.startsWith("NOSCRIPT")) {
            return redis.send(request(Command.EVAL, source, keys, args));
          }
          return Future.failedFuture(failure);
        });
  }

  private static Request request(Command command, String script, List<String> keys, List<String> args) {
    Request request = Request.cmd(command).arg(script).arg(keys.size());
    keys.forEach(request::arg);
    args.forEach(request::arg);
    return request;
  }

  private static String sha1(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
