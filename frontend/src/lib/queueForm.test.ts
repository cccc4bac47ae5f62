import { describe, expect, it } from "vitest";
import { checkQueueDraft, describeLimits, toDraft } from "./queueForm";

const NONE = {
  maxConcurrency: null,
  rateLimit: null,
  rateBurst: null,
  maxAttempts: null,
  minBackoff: null,
  maxBackoff: null,
  maxRetryDuration: null,
};

function draft(name: string, settings: Partial<Record<keyof typeof NONE, string>> = {}) {
  const base = toDraft(name, NONE);
  return { ...base, settings: { ...base.settings, ...settings } };
}

describe("queue form", () => {
  it("turns empty fields into null and numbers into numbers", () => {
    const check = checkQueueDraft(
      draft(" emails ", { maxConcurrency: "3", rateLimit: "0.5" }),
      true,
    );
    expect(check).toEqual({
      ok: true,
      name: "emails",
      settings: { ...NONE, maxConcurrency: 3, rateLimit: 0.5 },
    });
  });

  it("refuses what the server refuses, one sentence per field", () => {
    const check = checkQueueDraft(
      draft("-bad", { maxConcurrency: "0", rateLimit: "0", rateBurst: "2.5", minBackoff: "-1" }),
      true,
    );
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.errors.name).toMatch(/not a valid name/);
    expect(check.errors.maxConcurrency).toBe(
      "Max concurrency must be a whole number from 1 to 1,000,000, or empty",
    );
    expect(check.errors.rateLimit).toMatch(/^Rate limit must be a number above 0/);
    expect(check.errors.rateBurst).toMatch(/whole number/);
    expect(check.errors.minBackoff).toMatch(/from 0 to/);
  });

  it("wants the min backoff no greater than the max", () => {
    const check = checkQueueDraft(draft("q", { minBackoff: "60", maxBackoff: "10" }), false);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.errors.maxBackoff).toMatch(/not be less than min backoff/);
  });

  it("does not check the name of a queue that exists", () => {
    expect(checkQueueDraft(draft(""), false).ok).toBe(true);
    expect(checkQueueDraft(draft(""), true).ok).toBe(false);
  });

  it("describes limits in a few words", () => {
    const settings = { ...NONE, maxConcurrency: 3, rateLimit: 5, rateBurst: 10, minBackoff: 1 };
    expect(describeLimits({ ...settings, maxBackoff: 3600, maxRetryDuration: 90 })).toEqual([
      "3 at once",
      "5/s, burst 10",
      "backoff 1 s–1 h",
      "retries for 1 min 30 s",
    ]);
    expect(describeLimits(NONE)).toEqual([]);
  });
});
