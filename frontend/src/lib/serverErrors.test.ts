import { describe, expect, it } from "vitest";
import { ApiError } from "../services/http";
import { placeServerErrors } from "./serverErrors";

describe("server errors on form fields", () => {
  it("puts each field problem on the form field it names", () => {
    const error = new ApiError(400, "Bad Request", "body is not valid", [
      { field: "min_backoff", message: "must be at least 0" },
      { field: "args.0", message: "not a dict" },
      { field: "elsewhere", message: "ignored" },
    ]);
    const placed = placeServerErrors(error, { min_backoff: "minBackoff", args: "args" });
    expect(placed).toEqual({ minBackoff: "must be at least 0", args: "not a dict" });
  });

  it("places nothing for other errors", () => {
    expect(placeServerErrors(new Error("network"), { args: "args" })).toEqual({});
  });
});
