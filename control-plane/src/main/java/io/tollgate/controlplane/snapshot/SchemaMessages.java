package io.tollgate.controlplane.snapshot;

import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JSON Schema validator's messages as the reasons an operator reads: "must have at least 1
 * item" rather than "Array has too few items ( + 0 < 1)". One rule per message template of
 * vertx-json-schema; a message no rule knows is kept as it is.
 */
final class SchemaMessages {

  private record Rule(Pattern pattern, Function<Matcher, String> reason) {
  }

  private static final List<Rule> RULES = List.of(
      rule("Array has too few items \\( \\+ (\\d+) < (\\d+)\\)",
          m -> "must have at least " + count(m.group(2), "item") + " (has " + m.group(1) + ")"),
      rule("Array has too many items \\( \\+ (\\d+) > (\\d+)\\)",
          m -> "must have at most " + count(m.group(2), "item") + " (has " + m.group(1) + ")"),
      rule("Instance type (\\S+) is invalid\\. Expected (\\S+)",
          m -> "must be " + article(m.group(2)) + " (is " + article(m.group(1)) + ")"),
      rule("Instance does not match any of (.*)", m -> "must be one of " + m.group(1)),
      rule("Instance does not match (.*)", m -> "must be " + m.group(1)),
      rule("Instance does not have required property \"(.*)\"", m -> "property " + m.group(1) + " is required"),
      rule("Instance does not have at least (\\d+) properties", m -> "must have at least " + count(m.group(1), "field")),
      rule("(\\S+) is less than or equal to (\\S+)", m -> "must be greater than " + m.group(2) + " (is " + m.group(1) + ")"),
      rule("(\\S+) is greater than or equal to (\\S+)", m -> "must be less than " + m.group(2) + " (is " + m.group(1) + ")"),
      rule("(\\S+) is less than (\\S+)", m -> "must be at least " + m.group(2) + " (is " + m.group(1) + ")"),
      rule("(\\S+) is greater than (\\S+)", m -> "must be at most " + m.group(2) + " (is " + m.group(1) + ")"),
      rule("(\\S+) is not a multiple of (\\S+)", m -> "must be a multiple of " + m.group(2) + " (is " + m.group(1) + ")"),
      rule("String does not match pattern", m -> "has characters or a form this field does not allow"),
      rule(".*is too short \\((\\d+) < (\\d+)\\)", m -> "must be at least " + count(m.group(2), "character") + " long"),
      rule(".*is too long \\((\\d+) > (\\d+)\\)", m -> "must be at most " + count(m.group(2), "character") + " long"),
      rule(".*does not match format \"(.*)\"", m -> "must be a valid " + m.group(1)),
      rule("Duplicate items at indexes (\\d+) and (\\d+)",
          m -> "items " + m.group(1) + " and " + m.group(2) + " are the same: each may appear once"),
      rule("Property \"(.*)\" does not match additional properties schema", m -> "unknown field " + m.group(1)));

  private SchemaMessages() {
  }

  private static Rule rule(String regex, Function<Matcher, String> reason) {
    return new Rule(Pattern.compile(regex, Pattern.DOTALL), reason);
  }

  static String readable(String message) {
    if (message == null) {
      return "is invalid";
    }
    for (Rule rule : RULES) {
      Matcher matcher = rule.pattern().matcher(message.trim());
      if (matcher.matches()) {
        return rule.reason().apply(matcher);
      }
    }
    return message;
  }

  private static String count(String number, String noun) {
    return number + " " + noun + ("1".equals(number) ? "" : "s");
  }

  private static String article(String type) {
    return switch (type) {
      case "integer", "object", "array" -> "an " + type;
      case "null" -> "null";
      default -> "a " + type;
    };
  }
}
