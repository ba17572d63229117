import { describe, expect, it } from "vitest";
import { ifNoneMatchMatches } from "./if-none-match";

describe("ifNoneMatchMatches (RFC 9110 weak comparison)", () => {
  it.each([
    ['"3"', true],
    ['W/"3"', true],
    ['"1", W/"3"', true],
    ['W/"1",W/"3" ', true],
    ["*", true],
    ['"a,b", "3"', true],
    ['"33"', false],
    ['W/"4"', false],
    ['"1", "2"', false],
    ["3", false],
    ["W/3", false],
    ['"3" junk', false],
    ["", false],
  ])('If-None-Match: %s against ETag "3" → %s', (header, expected) => {
    expect(ifNoneMatchMatches(header, '"3"')).toBe(expected);
  });

  it("matches a weak current tag too, and nothing when the header is absent", () => {
    expect(ifNoneMatchMatches('"3"', 'W/"3"')).toBe(true);
    expect(ifNoneMatchMatches(null, '"3"')).toBe(false);
  });
});
