package io.tollgate.loadtest.report;

import java.util.List;
import java.util.Locale;

/**
 * Small inline-SVG charts, so the HTML report needs no script and no network: line charts (linear axes) and
 * grouped bar charts, with "nice" tick steps (1, 2 or 5 × 10^k).
 */
public final class Svg {

  /** A named line: points are (x, y). */
  public record Series(String name, List<double[]> points) {
  }

  static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#17becf"};
  private static final int WIDTH = 640;
  private static final int HEIGHT = 300;
  private static final int LEFT = 64;
  private static final int RIGHT = 16;
  private static final int TOP = 32;
  private static final int BOTTOM = 44;
  /** Room above the highest value, so the legend does not sit on the data. */
  private static final double HEADROOM = 1.15;

  private Svg() {
  }

  public static String lineChart(String title, String xLabel, String yLabel, List<Series> series) {
    double xMin = Double.POSITIVE_INFINITY;
    double xMax = Double.NEGATIVE_INFINITY;
    double yMax = 0;
    for (Series s : series) {
      for (double[] p : s.points()) {
        if (!Double.isFinite(p[0]) || !Double.isFinite(p[1])) {
          continue;
        }
        xMin = Math.min(xMin, p[0]);
        xMax = Math.max(xMax, p[0]);
        yMax = Math.max(yMax, p[1]);
      }
    }
    StringBuilder svg = open(title);
    if (xMin > xMax) {
      return empty(svg);
    }
    if (xMin == xMax) {
      xMax = xMin + 1;
    }
    double xStep = niceStep((xMax - Math.min(0, xMin)) / 6);
    double x0 = Math.floor(Math.min(xMin, Math.max(0, xMin)) / xStep) * xStep;
    double x1 = Math.ceil(xMax / xStep) * xStep;
    yMax *= HEADROOM;
    double yStep = niceStep(Math.max(yMax, 1e-9) / 5);
    double y1 = Math.ceil(Math.max(yMax, 1e-9) / yStep) * yStep;
    axes(svg, x0, x1, xStep, 0, y1, yStep, xLabel, yLabel);
    for (int i = 0; i < series.size(); i++) {
      Series s = series.get(i);
      StringBuilder path = new StringBuilder();
      for (double[] p : s.points()) {
        if (!Double.isFinite(p[0]) || !Double.isFinite(p[1])) {
          continue;
        }
        path.append(path.length() == 0 ? "M" : " L").append(f(px(p[0], x0, x1))).append(',')
            .append(f(py(p[1], 0, y1)));
      }
      svg.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"").append(color(i))
          .append("\" stroke-width=\"1.8\"/>\n");
    }
    legend(svg, series.stream().map(Series::name).toList());
    return svg.append("</svg>\n").toString();
  }

  /** Bars: {@code values[group][series]}; NaN leaves a gap. */
  public static String barChart(String title, String yLabel, List<String> groups, List<String> seriesNames,
      double[][] values) {
    double yMax = 0;
    for (double[] row : values) {
      for (double v : row) {
        if (Double.isFinite(v)) {
          yMax = Math.max(yMax, v);
        }
      }
    }
    StringBuilder svg = open(title);
    if (groups.isEmpty() || yMax <= 0) {
      return empty(svg);
    }
    yMax *= HEADROOM;
    double yStep = niceStep(yMax / 5);
    double y1 = Math.ceil(yMax / yStep) * yStep;
    yAxis(svg, 0, y1, yStep, yLabel);
    double plotWidth = WIDTH - LEFT - RIGHT;
    double groupWidth = plotWidth / groups.size();
    double barWidth = groupWidth * 0.8 / Math.max(1, seriesNames.size());
    for (int g = 0; g < groups.size(); g++) {
      double gx = LEFT + g * groupWidth + groupWidth * 0.1;
      for (int s = 0; s < seriesNames.size(); s++) {
        double v = values[g][s];
        if (!Double.isFinite(v)) {
          continue;
        }
        double top = py(v, 0, y1);
        svg.append("<rect x=\"").append(f(gx + s * barWidth)).append("\" y=\"").append(f(top))
            .append("\" width=\"").append(f(barWidth - 1)).append("\" height=\"").append(f(HEIGHT - BOTTOM - top))
            .append("\" fill=\"").append(color(s)).append("\"><title>").append(Fmt.html(seriesNames.get(s)))
            .append(' ').append(Fmt.html(groups.get(g))).append(": ").append(Fmt.num(v, 3)).append("</title></rect>\n");
      }
      text(svg, LEFT + g * groupWidth + groupWidth / 2, HEIGHT - BOTTOM + 16, groups.get(g), "middle", 11);
    }
    legend(svg, seriesNames);
    return svg.append("</svg>\n").toString();
  }

  /** 1, 2 or 5 × 10^k, the smallest such step not below {@code rough}. */
  static double niceStep(double rough) {
    if (!(rough > 0) || !Double.isFinite(rough)) {
      return 1;
    }
    double magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
    double residual = rough / magnitude;
    double nice = residual <= 1 ? 1 : residual <= 2 ? 2 : residual <= 5 ? 5 : 10;
    return nice * magnitude;
  }

  private static StringBuilder open(String title) {
    StringBuilder svg = new StringBuilder();
    svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").append(WIDTH).append(' ')
        .append(HEIGHT).append("\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT)
        .append("\" font-family=\"sans-serif\" role=\"img\">\n<title>").append(Fmt.html(title)).append("</title>\n");
    svg.append("<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n");
    text(svg, WIDTH / 2.0, 18, title, "middle", 14);
    return svg;
  }

  private static String empty(StringBuilder svg) {
    text(svg, WIDTH / 2.0, HEIGHT / 2.0, "no data", "middle", 12);
    return svg.append("</svg>\n").toString();
  }

  private static void axes(StringBuilder svg, double x0, double x1, double xStep, double y0, double y1, double yStep,
      String xLabel, String yLabel) {
    yAxis(svg, y0, y1, yStep, yLabel);
    for (double x = x0; x <= x1 + xStep / 2; x += xStep) {
      double px = px(x, x0, x1);
      svg.append("<line x1=\"").append(f(px)).append("\" y1=\"").append(HEIGHT - BOTTOM).append("\" x2=\"")
          .append(f(px)).append("\" y2=\"").append(HEIGHT - BOTTOM + 4).append("\" stroke=\"#333\"/>\n");
      text(svg, px, HEIGHT - BOTTOM + 16, tick(x, xStep), "middle", 11);
    }
    text(svg, LEFT + (WIDTH - LEFT - RIGHT) / 2.0, HEIGHT - 6, xLabel, "middle", 12);
  }

  private static void yAxis(StringBuilder svg, double y0, double y1, double yStep, String yLabel) {
    for (double y = y0; y <= y1 + yStep / 2; y += yStep) {
      double py = py(y, y0, y1);
      svg.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(f(py)).append("\" x2=\"")
          .append(WIDTH - RIGHT).append("\" y2=\"").append(f(py)).append("\" stroke=\"#e5e5e5\"/>\n");
      text(svg, LEFT - 6, py + 4, tick(y, yStep), "end", 11);
    }
    svg.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(TOP).append("\" x2=\"").append(LEFT)
        .append("\" y2=\"").append(HEIGHT - BOTTOM).append("\" stroke=\"#333\"/>\n");
    svg.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(HEIGHT - BOTTOM).append("\" x2=\"")
        .append(WIDTH - RIGHT).append("\" y2=\"").append(HEIGHT - BOTTOM).append("\" stroke=\"#333\"/>\n");
    svg.append("<text transform=\"translate(14,").append(f(TOP + (HEIGHT - TOP - BOTTOM) / 2.0))
        .append(") rotate(-90)\" text-anchor=\"middle\" font-size=\"12\">").append(Fmt.html(yLabel))
        .append("</text>\n");
  }

  private static void legend(StringBuilder svg, List<String> names) {
    double x = LEFT + 8;
    for (int i = 0; i < names.size(); i++) {
      svg.append("<rect x=\"").append(f(x)).append("\" y=\"").append(TOP + 2).append("\" width=\"10\" height=\"10\" fill=\"")
          .append(color(i)).append("\"/>\n");
      text(svg, x + 14, TOP + 11, names.get(i), "start", 11);
      x += 24 + names.get(i).length() * 6.5;
    }
  }

  private static void text(StringBuilder svg, double x, double y, String s, String anchor, int size) {
    svg.append("<text x=\"").append(f(x)).append("\" y=\"").append(f(y)).append("\" text-anchor=\"").append(anchor)
        .append("\" font-size=\"").append(size).append("\">").append(Fmt.html(s)).append("</text>\n");
  }

  private static double px(double x, double x0, double x1) {
    return LEFT + (x - x0) / (x1 - x0) * (WIDTH - LEFT - RIGHT);
  }

  private static double py(double y, double y0, double y1) {
    return HEIGHT - BOTTOM - (y - y0) / (y1 - y0) * (HEIGHT - TOP - BOTTOM);
  }

  private static String tick(double v, double step) {
    if (step >= 1 && Math.abs(v) < 1e15) {
      return Long.toString(Math.round(v));
    }
    int decimals = (int) Math.max(0, Math.ceil(-Math.log10(step)));
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  static String color(int i) {
    return COLORS[i % COLORS.length];
  }

  private static String f(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }
}
