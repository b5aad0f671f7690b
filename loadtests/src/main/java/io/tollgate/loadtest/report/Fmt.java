package io.tollgate.loadtest.report;

import java.util.Locale;

/** Number formatting shared by the text, Markdown and HTML reports: NaN prints as "n/a". */
public final class Fmt {

  private Fmt() {
  }

  public static String num(double v) {
    return num(v, 2);
  }

  public static String num(double v, int decimals) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "inf" : "-inf";
    }
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  public static String ratio(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.3f×", v);
  }

  public static String signed(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%+.3f", v);
  }

  public static String rate(double requestsPerSecond) {
    return Double.isInfinite(requestsPerSecond) ? "inf" : num(requestsPerSecond, 2);
  }

  public static String html(String s) {
    return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
