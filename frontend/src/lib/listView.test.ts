import { describe, expect, it } from "vitest";
import { changeView, DEFAULT_VIEW, readView, toFilter, writeView } from "./listView";

describe("list view in the URL", () => {
  it("round-trips through search params and drops defaults", () => {
    const view = { ...DEFAULT_VIEW, kind: "send_email", q: "user 42", sort: "id" as const };
    const params = writeView(view);
    expect(params.toString()).toBe("kind=send_email&q=user+42&sort=id");
    expect(readView(params)).toEqual(view);
  });

  it("ignores unknown ranges and sorts", () => {
    const view = readView(new URLSearchParams("range=forever&sort=random"));
    expect(view.range).toBe("");
    expect(view.sort).toBe("-id");
  });

  it("keeps custom bounds only for a custom range", () => {
    const view = { ...DEFAULT_VIEW, range: "1h" as const, after: "2024-01-01T00:00:00Z" };
    expect(writeView(view).has("after")).toBe(false);
  });

  it("starts again at the first page when the filter changes", () => {
    const view = { ...DEFAULT_VIEW, cursor: "abc" };
    expect(changeView(view, { kind: "x" }).cursor).toBe("");
    expect(changeView(view, { cursor: "def" }).cursor).toBe("def");
  });
});

describe("API filter", () => {
  it("maps a relative range onto the chosen time field", () => {
    const now = Date.UTC(2024, 0, 1, 12, 0, 30);
    const view = { ...DEFAULT_VIEW, range: "1h" as const, field: "finished" as const };
    const filter = toFilter("default", "dead", view, now);
    expect(filter).toEqual({
      queue: "default",
      state: "dead",
      finished_after: "2024-01-01T11:01:00Z",
    });
  });

  it("passes custom bounds through and leaves out empty fields", () => {
    const view = {
      ...DEFAULT_VIEW,
      range: "custom" as const,
      after: "2024-01-01T00:00:00Z",
      before: "2024-01-02T00:00:00Z",
    };
    expect(toFilter(null, null, view, 0)).toEqual({
      created_after: "2024-01-01T00:00:00Z",
      created_before: "2024-01-02T00:00:00Z",
    });
  });
});
