import { describe, expect, it } from "vitest";
import { checkCron, checkScheduleDraft, checkZone, emptySchedule } from "./scheduleForm";

describe("new schedule form", () => {
  it("builds the body of POST /api/schedules", () => {
    const draft = {
      ...emptySchedule(),
      name: "nightly-report",
      cron: "  0  2 * * * ",
      timezone: "Europe/Berlin",
      kind: "build_report",
      args: '{"report": "nightly"}',
    };
    expect(checkScheduleDraft(draft)).toEqual({
      ok: true,
      schedule: {
        name: "nightly-report",
        cron: "0 2 * * *",
        timezone: "Europe/Berlin",
        kind: "build_report",
        args: { report: "nightly" },
      },
    });
  });

  it("checks the expression's shape, leaving its meaning to the server", () => {
    expect(checkCron("*/5 * * * *")).toBeNull();
    expect(checkCron("@Daily")).toBeNull();
    expect(checkCron("0 9 * * MON-FRI")).toBeNull();
    expect(checkCron("0 9 * *")).toMatch(/has 4 fields; it needs five/);
    expect(checkCron("@often")).toMatch(/^Unknown shortcut @often/);
    expect(checkCron("0 9 * * $")).toBe(
      "The field $ has characters a cron expression does not use",
    );
    expect(checkCron("")).toBe("Give a cron expression");
  });

  it("knows time zones by their IANA names", () => {
    expect(checkZone("UTC")).toBeNull();
    expect(checkZone("America/New_York")).toBeNull();
    expect(checkZone("Mars/Olympus_Mons")).toMatch(/^Time zone Mars\/Olympus_Mons is unknown/);
    expect(checkZone("../etc")).toMatch(/is unknown/);
  });

  it("names every field that needs a change", () => {
    const check = checkScheduleDraft({ ...emptySchedule(), args: "[" });
    expect(check.ok).toBe(false);
    if (!check.ok)
      expect(Object.keys(check.errors).sort()).toEqual(["args", "cron", "kind", "name"]);
  });
});
