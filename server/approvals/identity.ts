/**
 * An e-mail address reduced to the person behind it, for telling whether two approvals (or an
 * approval and the request) come from the same person: case-folded, with plus-addressing removed
 * (`tina+x@msp.test` is Tina). Used only to refuse self-approval and double approval — never to
 * sign anyone in or to find where to send something.
 */
export function personKeyOfEmail(email: string): string {
  const trimmed = email.trim().toLowerCase();
  const at = trimmed.lastIndexOf("@");
  if (at <= 0) return trimmed;
  const local = trimmed.slice(0, at).split("+")[0]!;
  return `${local}@${trimmed.slice(at + 1)}`;
}

/** Who someone is, for the two-people rule: their ids and their e-mail's person key. */
export type ApproverIdentity = { userId: string | null; personId: string | null; email: string | null };

/** Whether two identities are the same person: the same user, the same Directory person, or the same e-mail person key. */
export function samePerson(a: ApproverIdentity, b: ApproverIdentity): boolean {
  if (a.userId && a.userId === b.userId) return true;
  if (a.personId && a.personId === b.personId) return true;
  return Boolean(a.email && b.email && personKeyOfEmail(a.email) === personKeyOfEmail(b.email));
}
