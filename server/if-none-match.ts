/** The opaque part of each entity tag in an If-None-Match list, or "*"; null when the header is malformed. */
function entityTagsOf(header: string): string[] | "*" | null {
  if (header.trim() === "*") return "*";
  const tags: string[] = [];
  // entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE, where etagc is any visible character but DQUOTE (commas included).
  const pattern = /\s*(?:W\/)?"([\x21\x23-\x7e\x80-\uffff]*)"\s*(?:,|$)/y;
  while (pattern.lastIndex < header.length) {
    const match = pattern.exec(header);
    if (!match) return null;
    tags.push(match[1]!);
  }
  return tags;
}

/**
 * Whether `If-None-Match` matches the current entity tag, by the weak comparison RFC 9110 §13.1.2
 * prescribes for it: `W/"3"` and `"3"` both match `"3"`; a list matches if any member does; `*`
 * matches any current representation. A malformed header matches nothing (the full answer is sent).
 */
export function ifNoneMatchMatches(header: string | null, currentEtag: string): boolean {
  if (header === null) return false;
  const tags = entityTagsOf(header);
  if (tags === "*") return true;
  const current = entityTagsOf(currentEtag);
  if (!tags || !Array.isArray(current) || current.length !== 1) return false;
  return tags.includes(current[0]!);
}
