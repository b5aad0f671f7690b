import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { Me } from "../api/client";
import type { Org } from "../api/types";
import { fakeControlPlane, member, renderSignedIn } from "../testing";
import { Models } from "./Models";
import { Backends } from "./Backends";
import { RoutesPage } from "./RoutesPage";
import { ConfigVersions } from "./ConfigVersions";
import { PlatformNav } from "./Platform";
import { Orgs } from "../pages/Orgs";

const admin: Me = { actor: "root@example.com", platformAdmin: true, roles: {} };

describe("platform admin pages", () => {
  it("edits a model's prices with the version read, and says so when someone changed it meanwhile", async () => {
    let version = 3;
    let prices = { promptPerMillion: 0.15, completionPerMillion: 0.6 };
    const sent = fakeControlPlane(admin, (req) => {
      if (req.path === "/api/v1/models" && req.method === "GET") return { status: 200, body: [{ name: "llama/8b", prices, version }] };
      if (req.path === "/api/v1/routes") return { status: 200, body: [{ model: "llama/8b", backends: ["b1", "b2"], version: 1 }] };
      if (req.method === "PATCH") {
        const body = req.body as { version: number; prices: typeof prices };
        if (body.version !== version) return { status: 409, body: { error: { status: 409, message: "model llama/8b changed since version 3" } } };
        prices = body.prices;
        version++;
        return { status: 200, body: { name: "llama/8b", prices, version } };
      }
    });
    renderSignedIn(<Models />);
    const row = (await screen.findByRole("cell", { name: "llama/8b" })).closest("tr")!;
    expect(within(row).getByText("$0.15")).toBeTruthy();
    expect(within(row).getByText("b1, b2")).toBeTruthy();

    await userEvent.click(screen.getByRole("button", { name: "Edit prices of llama/8b" }));
    const output = screen.getByLabelText("Output, USD per 1M tokens");
    await userEvent.clear(output);
    await userEvent.type(output, "-1");
    await userEvent.click(screen.getByRole("button", { name: "Save prices" }));
    expect(screen.getByRole("alert").textContent).toContain("0 or more");
    await userEvent.clear(output);
    await userEvent.type(output, "0.8");
    version = 4; // someone else saved meanwhile
    await userEvent.click(screen.getByRole("button", { name: "Save prices" }));
    expect((await screen.findByRole("alert")).textContent).toContain("Someone changed this model meanwhile");
    await userEvent.click(screen.getByRole("button", { name: "Cancel" }));
    await userEvent.click(await screen.findByRole("button", { name: "Edit prices of llama/8b" }));
    const again = screen.getByLabelText("Output, USD per 1M tokens");
    await userEvent.clear(again);
    await userEvent.type(again, "0.8");
    await userEvent.click(screen.getByRole("button", { name: "Save prices" }));
    expect((await screen.findByRole("status")).textContent).toBe("New prices for llama/8b saved.");
    expect(await screen.findByText("$0.80")).toBeTruthy();
    const patches = sent.filter((s) => s.method === "PATCH");
    expect(patches.map((p) => [p.path, p.body])).toEqual([
      ["/api/v1/models/llama%2F8b", { version: 3, prices: { promptPerMillion: 0.15, completionPerMillion: 0.8 } }],
      ["/api/v1/models/llama%2F8b", { version: 4, prices: { promptPerMillion: 0.15, completionPerMillion: 0.8 } }],
    ]);
    expect(patches.every((p) => p.headers["x-csrf-token"])).toBe(true);
  });

  it("shows each backend's load from the gateways' reports, and says when no gateway reported", async () => {
    let reports: unknown[] = [];
    fakeControlPlane(admin, (req) => {
      if (req.path === "/api/v1/backends") return { status: 200, body: [{ id: "b1", url: "http://b1:8000", version: 1 }] };
      if (req.path === "/api/v1/gateways") return { status: 200, body: reports };
    });
    const first = renderSignedIn(<Backends />);
    expect(await screen.findByText(/No gateway has reported yet/)).toBeTruthy();
    expect(screen.getByText("no gateway reports it")).toBeTruthy();
    first.unmount();

    reports = [{ instance: "gw-a:8080", configVersion: 2, reportedAt: "2026-12-07T01:00:00Z", ageMs: 1000, backends: [
      { id: "b1", healthy: true, inFlight: 3, ejection: { phase: "active", ejections: 0 },
        metrics: { fresh: true, ageMs: 200, running: 4, waiting: 6, kvCacheUsage: 0.375 } }] }];
    renderSignedIn(<Backends />);
    const row = (await screen.findByText("healthy")).closest("tr")!;
    expect([...row.querySelectorAll("td")].map((td) => td.textContent)).toEqual(
      ["b1http://b1:8000", "healthy", "6", "4", "38 %", "3", "0", "1 s old"]);
    expect(screen.getByText("From 1 gateway.")).toBeTruthy();
  });

  it("says in words when the catalogue cannot be read", async () => {
    fakeControlPlane(admin, (req) => req.path === "/api/v1/routes"
      ? { status: 503, body: { error: { status: 503, message: "the database is unavailable" } } } : undefined);
    renderSignedIn(<RoutesPage />);
    expect((await screen.findByRole("alert")).textContent).toBe("the database is unavailable");
  });

  it("shows routes with weights, shares and canaries, and edits them with the version read", async () => {
    let route = { model: "qwen", backends: ["a", "b"], weights: { a: 3 } as Record<string, number>,
      canary: { backends: ["c"], weight: 20 }, fallback: "llama", strategy: "prefix-affinity", version: 5 };
    const sent = fakeControlPlane(admin, (req) => {
      if (req.path === "/api/v1/routes") return { status: 200, body: [route] };
      if (req.method === "PATCH" && req.path === "/api/v1/routes/qwen") {
        const patch = req.body as { weights?: Record<string, number>; canary?: { weight: number } };
        route = { ...route, weights: { ...route.weights, ...patch.weights },
          canary: { ...route.canary, ...patch.canary }, version: route.version + 1 };
        return { status: 200, body: route };
      }
    });
    renderSignedIn(<RoutesPage />);
    const table = await screen.findByRole("region", { name: "Backends of qwen" });
    const rows = [...table.querySelectorAll("tbody tr")].map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent));
    expect(rows).toEqual([["a", "3", "60 %"], ["b", "1", "20 %"], ["c (canary)", "—", "20 %"]]);
    expect(screen.getByText("20 % to backends c")).toBeTruthy();
    expect(screen.getByText("prefix-affinity")).toBeTruthy();

    await userEvent.click(screen.getByRole("button", { name: "Edit weights of qwen" }));
    await userEvent.clear(screen.getByLabelText("Weight of b"));
    await userEvent.type(screen.getByLabelText("Weight of b"), "x");
    await userEvent.click(screen.getByRole("button", { name: "Save weights" }));
    expect(screen.getByRole("alert").textContent).toBe("The weight of b is a whole number from 0 to 1000 (0 drains it).");
    await userEvent.clear(screen.getByLabelText("Weight of b"));
    await userEvent.type(screen.getByLabelText("Weight of b"), "0");
    await userEvent.clear(screen.getByLabelText("Canary, percent"));
    await userEvent.type(screen.getByLabelText("Canary, percent"), "50");
    await userEvent.click(screen.getByRole("button", { name: "Save weights" }));
    expect((await screen.findByRole("status")).textContent).toBe("New weights for qwen saved.");
    expect(await screen.findByText("0 (drained)")).toBeTruthy();
    expect(sent.filter((s) => s.method === "PATCH").map((s) => s.body)).toEqual(
      [{ version: 5, weights: { b: 0 }, canary: { weight: 50 } }]);
  });

  it("lists versions, diffs the latest two and any chosen pair, and shows the version each gateway runs", async () => {
    const snapshots: Record<string, unknown> = {
      1: { backends: [{ id: "b1", url: "http://b1" }], models: [] },
      2: { backends: [{ id: "b1", url: "http://b1" }, { id: "b2", url: "http://b2" }], models: [] },
      3: { backends: [{ id: "b2", url: "http://b2" }], models: [] },
    };
    const sent = fakeControlPlane(admin, (req) => {
      if (req.path === "/api/v1/config/versions") return { status: 200, body: [3, 2, 1].map((version) =>
        ({ version, createdAt: `2026-12-0${version}T10:00:00.000Z`, createdBy: "root@example.com" })) };
      if (req.path === "/api/v1/gateways") return { status: 200, body: [
        { instance: "gw-a:8080", configVersion: 3, reportedAt: "", ageMs: 2_000, backends: [] },
        { instance: "gw-b:8080", configVersion: 2, reportedAt: "", ageMs: 120_000, backends: [] }] };
      const match = req.path.match(/^\/api\/v1\/config\/snapshots\/(\d+)$/);
      if (match) return { status: 200, body: { version: Number(match[1]), snapshot: snapshots[match[1]] } };
    });
    renderSignedIn(<ConfigVersions />);
    expect(await screen.findByText("From 2 to 3: 4 lines removed, 0 added.")).toBeTruthy();
    const gateways = screen.getByRole("region", { name: "Gateways" });
    expect(within(gateways).getByText("3 (latest)")).toBeTruthy();
    expect(within(gateways).getByText("2 (1 behind)")).toBeTruthy();
    expect(within(gateways).getByText(/2 min ago \(late\)/)).toBeTruthy();

    await userEvent.selectOptions(screen.getByLabelText("From version"), "1");
    await userEvent.selectOptions(screen.getByLabelText("To version"), "2");
    expect(await screen.findByText("From 1 to 2: 0 lines removed, 4 added.")).toBeTruthy();
    expect(screen.getAllByText("added:").length).toBe(4);
    expect(sent.some((s) => s.path === "/api/v1/config/snapshots/1")).toBe(true);
    await userEvent.selectOptions(screen.getByLabelText("To version"), "1");
    expect(await screen.findByText("Versions 1 and 1 are the same.")).toBeTruthy();
  });

  it("creates an org and shows each org's spend against its budget", async () => {
    let orgs: Org[] = [{ name: "acme", display: "", policy: null, budget: { limitUsd: 100, period: "month" }, version: 1 }];
    const sent = fakeControlPlane(admin, (req) => {
      if (req.path === "/api/v1/orgs" && req.method === "GET") return { status: 200, body: orgs };
      if (req.path === "/api/v1/orgs" && req.method === "POST") {
        orgs = [...orgs, { name: "beta", display: "Beta", policy: null, budget: null, version: 1 }];
        return { status: 201, body: orgs[1] };
      }
      if (req.path === "/api/v1/orgs/acme/spend") return { status: 200, body: { org: "acme",
        budget: { limitUsd: 100, period: "month", spentUsd: 12.5 }, keyBudgets: [] } };
    });
    renderSignedIn(<Orgs />);
    expect(await screen.findByText("$12.50 of $100.00 this month (13 %)")).toBeTruthy();
    await userEvent.type(screen.getByLabelText("Name"), "beta");
    await userEvent.type(screen.getByLabelText("Display name"), "Beta");
    await userEvent.click(screen.getByRole("button", { name: "Create organisation" }));
    expect(await screen.findByRole("link", { name: "Beta" })).toBeTruthy();
    expect(screen.getByText("no budget, not counted")).toBeTruthy();
    expect(sent.find((s) => s.method === "POST")?.body).toEqual({ name: "beta", display: "Beta" });
  });

  it("offers an org member none of it, and tells one who finds an address that it is not theirs", async () => {
    const sent = fakeControlPlane(member("acme", "owner"), (req) => req.path === "/api/v1/orgs"
      ? { status: 200, body: [] } : undefined);
    renderSignedIn(<><PlatformNav /><Orgs /><Models /></>);
    expect(await screen.findByText("This page is for platform admins.", { exact: false })).toBeTruthy();
    expect(screen.queryByRole("navigation", { name: "Platform" })).toBeNull();
    expect(screen.queryByText("New organisation")).toBeNull();
    expect(sent.some((s) => s.path === "/api/v1/models")).toBe(false); // not even asked
  });
});
