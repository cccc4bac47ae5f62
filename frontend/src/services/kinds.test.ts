import { describe, expect, it } from "vitest";
import { kindHint } from "./kinds";

const KINDS = [
  { kind: "roost.http", workers: 2, builtin: true },
  { kind: "send_email", workers: 1, builtin: false },
];

describe("kind hint", () => {
  it("says who runs a kind", () => {
    expect(kindHint(KINDS, "send_email")).toBe("1 live worker runs this kind.");
    expect(kindHint(KINDS, "roost.http")).toBe("Built in; 2 live workers run it.");
    expect(kindHint([{ ...KINDS[0]!, workers: 0 }], "roost.http")).toBe(
      "Built in; no live worker yet.",
    );
  });

  it("warns about a kind no live worker has", () => {
    expect(kindHint(KINDS, "resize_image")).toMatch(/^No live worker has this kind/);
    expect(kindHint(undefined, "resize_image")).toMatch(/^The registered function's name/);
  });
});
