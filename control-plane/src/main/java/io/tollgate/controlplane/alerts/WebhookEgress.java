package io.tollgate.controlplane.alerts;

import io.tollgate.controlplane.config.AlertSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where the control plane may post a webhook (ADR 0012, TOLLGATE_ALERTS_WEBHOOK_*). An org's
 * admins choose the URL and the control plane posts from inside the cluster, so the URL's host
 * must match the configured host patterns (none configured: any host), and every address it
 * resolves to must be public unless it lies in a network configured as allowed: loopback,
 * private, link-local (the cloud metadata service, 169.254.169.254), shared, unique-local and
 * unspecified addresses are refused by default.
 *
 * <p>The check runs when a channel is added and again before each delivery, on the addresses
 * resolved then; the delivery connects to the address that was checked (never resolving the name
 * a second time), so a name re-pointed at an internal address after the check (DNS rebinding) is
 * refused rather than followed.
 */
public final class WebhookEgress {

  /** Why a URL may not be posted to, in the words an admin or the delivery history reads. */
  public static final class Refused extends RuntimeException {
    public Refused(String reason) {
      super(reason, null, false, false);
    }
  }

  private final List<String> hosts;
  private final List<Network> allowed;

  public WebhookEgress(AlertSettings.Webhooks settings) {
    this.hosts = settings.hosts().stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).toList();
    this.allowed = settings.privateNetworks().stream().map(Network::parse).toList();
  }

  /**
   * Checks a host pattern or network as configuration gives it; throws IllegalArgumentException
   * naming the problem.
   */
  public static void validate(AlertSettings.Webhooks settings) {
    for (String host : settings.hosts()) {
      String h = host.trim();
      if (!h.matches("(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*")
          && !h.matches("[0-9.]+") && !h.matches("\\[?[0-9A-Fa-f:.]+]?")) {
        throw new IllegalArgumentException("\"" + host + "\" is not a host name, an address or *.domain");
      }
    }
    settings.privateNetworks().forEach(Network::parse);
  }

  /** The reason the URL's host is not allowed by the host patterns; null when it is. */
  public String refuseHost(URI url) {
    if (hosts.isEmpty()) {
      return null;
    }
    String host = bare(url.getHost());
    for (String pattern : hosts) {
      String p = bare(pattern);
      if (p.startsWith("*.") ? host.endsWith(p.substring(1)) && host.length() > p.length() - 1 : host.equals(p)) {
        return null;
      }
    }
    return "host " + host + " is not one webhooks may be sent to (TOLLGATE_ALERTS_WEBHOOK_HOSTS: "
        + String.join(", ", hosts) + ")";
  }

  /** The reason this address may not be posted to; null when it may. */
  public String refuseAddress(InetAddress address) {
    String kind = nonPublic(address);
    if (kind == null || allowed.stream().anyMatch(n -> n.contains(address))) {
      return null;
    }
    return address.getHostAddress() + " is a " + kind
        + " address, not posted to unless TOLLGATE_ALERTS_WEBHOOK_PRIVATE_NETWORKS allows it";
  }

  /**
   * Resolves the URL's host (off the event loop) and answers the address to connect to: the
   * first one, after every one of them passed. Fails with {@link Refused} for a host or address
   * not allowed, and with the resolver's UnknownHostException for a name that does not resolve.
   */
  public Future<InetAddress> resolve(Vertx vertx, URI url) {
    String hostRefusal = refuseHost(url);
    if (hostRefusal != null) {
      return Future.failedFuture(new Refused(hostRefusal));
    }
    String host = bare(url.getHost());
    return vertx.<InetAddress[]>executeBlocking(() -> InetAddress.getAllByName(host), false).compose(addresses -> {
      List<String> refusals = new ArrayList<>();
      for (InetAddress address : addresses) {
        String refusal = refuseAddress(address);
        if (refusal != null) {
          refusals.add(refusal);
        }
      }
      if (!refusals.isEmpty()) {
        // Any refused address refuses the host: a name resolving to a public and a private address
        // would otherwise reach the private one on a later resolution.
        return Future.failedFuture(new Refused(literal(host) ? refusals.get(0)
            : host + " resolves to " + refusals.get(0)));
      }
      return Future.succeededFuture(addresses[0]);
    });
  }

  /** Whether a failure of {@link #resolve} is only that the name does not resolve (now). */
  public static boolean unresolved(Throwable failure) {
    return failure instanceof UnknownHostException;
  }

  private static boolean literal(String host) {
    return host.contains(":") || host.matches("[0-9.]+");
  }

  private static String bare(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
  }

  /** What kind of non-public address this is; null for a public one. */
  static String nonPublic(InetAddress address) {
    InetAddress a = unmapped(address);
    if (a.isLoopbackAddress()) {
      return "loopback";
    }
    if (a.isAnyLocalAddress()) {
      return "unspecified";
    }
    if (a.isLinkLocalAddress()) {
      return "link-local (cloud metadata)";
    }
    if (a.isSiteLocalAddress()) {
      return "private";
    }
    if (a.isMulticastAddress()) {
      return "multicast";
    }
    byte[] b = a.getAddress();
    if (a instanceof Inet4Address) {
      int first = b[0] & 0xff;
      int second = b[1] & 0xff;
      if (first == 0) {
        return "unspecified";
      }
      if (first == 100 && second >= 64 && second < 128) {
        return "shared (carrier-grade NAT)";
      }
      if (first == 198 && (second == 18 || second == 19)) {
        return "benchmarking";
      }
      if (first >= 240) {
        return "reserved";
      }
    } else if ((b[0] & 0xfe) == 0xfc) {
      return "unique-local (private)";
    }
    return null;
  }

  /** An IPv4 address written as IPv6 (::ffff:a.b.c.d, or ::a.b.c.d) is judged as the IPv4 one. */
  private static InetAddress unmapped(InetAddress address) {
    if (address instanceof Inet6Address) {
      byte[] b = address.getAddress();
      boolean zeros = true;
      for (int i = 0; i < 10; i++) {
        zeros &= b[i] == 0;
      }
      boolean mapped = zeros && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
      boolean compatible = zeros && b[10] == 0 && b[11] == 0 && (b[12] | b[13] | b[14]) != 0;
      if (mapped || compatible) {
        try {
          return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
        } catch (UnknownHostException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return address;
  }

  /** A CIDR block, or a single address. */
  record Network(byte[] prefix, int bits) {

    static Network parse(String text) {
      String t = text.trim();
      int slash = t.indexOf('/');
      String address = slash < 0 ? t : t.substring(0, slash);
      if (!address.matches("[0-9A-Fa-f:.]+")) {
        throw new IllegalArgumentException("\"" + text + "\" is not an address or CIDR (10.0.0.0/8, fd00::/8)");
      }
      byte[] bytes;
      try {
        bytes = unmapped(InetAddress.getByName(address)).getAddress();
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("\"" + text + "\" is not an address or CIDR (10.0.0.0/8, fd00::/8)");
      }
      int bits = bytes.length * 8;
      if (slash >= 0) {
        try {
          bits = Integer.parseInt(t.substring(slash + 1));
        } catch (NumberFormatException e) {
          bits = -1;
        }
        if (bits < 0 || bits > bytes.length * 8) {
          throw new IllegalArgumentException("\"" + text + "\": the prefix length must be 0 to " + bytes.length * 8);
        }
      }
      return new Network(bytes, bits);
    }

    boolean contains(InetAddress candidate) {
      byte[] b = unmapped(candidate).getAddress();
      if (b.length != prefix.length) {
        return false;
      }
      for (int i = 0; i < bits; i++) {
        int mask = 0x80 >> (i % 8);
        if ((b[i / 8] & mask) != (prefix[i / 8] & mask)) {
          return false;
        }
      }
      return true;
    }
  }
}
