/**
 * Talking to a running app over HTTP as a signed-in admin: the proof suite and `npm run bench`
 * both drive production servers this way.
 */

/** An admin's session cookie, from next-auth's credentials endpoint. */
export async function signIn(baseUrl: string, email: string, password: string): Promise<string> {
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`);
  const cookies = csrf.headers.getSetCookie().map((cookie) => cookie.split(";")[0]);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const response = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookies.join("; ") },
    body: new URLSearchParams({ email, password, csrfToken, callbackUrl: "/" }),
  });
  const session = response.headers.getSetCookie().find((cookie) => cookie.includes("session-token"));
  if (!session) throw new Error(`sign-in as ${email} failed (${response.status})`);
  return session.split(";")[0]!;
}

/** A tRPC procedure (superjson wire format); throws with the server's message on an error. */
export async function trpc<T>(
  baseUrl: string,
  cookie: string,
  path: string,
  input: unknown,
  method: "query" | "mutation" = "mutation",
): Promise<T> {
  const url = `${baseUrl}/api/trpc/${path}`;
  const response =
    method === "query"
      ? await fetch(`${url}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`, { headers: { cookie } })
      : await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json", cookie },
          body: JSON.stringify({ json: input }),
        });
  const body = (await response.json()) as { result?: { data: { json: T } }; error?: { json: { message: string } } };
  if (!body.result) throw new Error(`${path}: ${body.error?.json.message ?? response.status}`);
  return body.result.data.json;
}
