import { describe, expect, it } from "vitest";
import { checkJobDraft, EMPTY_JOB, parseArgs } from "./jobForm";

describe("new job form", () => {
  it("sends only what was given", () => {
    const check = checkJobDraft({ ...EMPTY_JOB, kind: "send_email", args: '{"to": "a@b.c"}' });
    expect(check).toEqual({ ok: true, job: { kind: "send_email", args: { to: "a@b.c" } } });
  });

  it("refuses args that are not JSON, or not an object or array", () => {
    expect(parseArgs("{to: 1}").error).toMatch(/^Args are not valid JSON: /);
    expect(parseArgs("42").error).toBe("Args must be a JSON object or array, such as {} or []");
    expect(parseArgs("[1, 2]")).toEqual({ value: [1, 2], error: null });
    expect(parseArgs("  ")).toEqual({ value: {}, error: null });
  });

  it("checks kind, queue and priority like the server", () => {
    const check = checkJobDraft({ ...EMPTY_JOB, kind: "", queue: "a b", priority: "1.5" });
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.errors.kind).toBe("Kind is required");
    expect(check.errors.queue).toMatch(/not a valid name/);
    expect(check.errors.priority).toMatch(/whole number from -1,000,000 to 1,000,000/);
  });

  it("turns a delay into seconds and a local time into ISO", () => {
    const later = checkJobDraft({
      ...EMPTY_JOB,
      kind: "k",
      when: "delay",
      delay: "2",
      delayUnit: "hours",
    });
    expect(later.ok && later.job.delay).toBe(7200);
    const at = checkJobDraft({ ...EMPTY_JOB, kind: "k", when: "at", at: "2030-01-02T03:04:05" });
    expect(at.ok && at.job.run_at).toBe(new Date("2030-01-02T03:04:05").toISOString());
  });

  it("asks for the time or the delay it needs", () => {
    const check = checkJobDraft({ ...EMPTY_JOB, kind: "k", when: "at" });
    expect(!check.ok && check.errors.at).toBe("Pick the time to run it");
    const none = checkJobDraft({ ...EMPTY_JOB, kind: "k", when: "delay", delay: "-1" });
    expect(!none.ok && none.errors.delay).toMatch(/^The delay must be a number from 0/);
  });
});
