/** Slugs name clients and integrations in URLs and in agents' calls: `^[a-z0-9][a-z0-9-]{0,39}$`. */
export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{0,39}$/;

export function slugify(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/, "");
  return slug || "workspace";
}
