import NextAuth, { CredentialsSignin, type DefaultSession } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { getDb } from "@/server/database";
import { getEnv } from "../env";
import { log } from "../log/logger";
import { clientAddressOf } from "../net/client-address";
import { SESSION_LIFETIME_SECONDS } from "./sessions";
import { signInWithPassword } from "./sign-in";
import { ssoConfigForProvider } from "./sso/config";
import { ssoProvidersForRequest } from "./sso/provider";
import { signInWithSso } from "./sso/sign-in";

declare module "next-auth" {
  interface User {
    sessionId?: string;
  }
  interface Session {
    sessionId?: string;
    user: DefaultSession["user"];
  }
}

/** Carries why a sign-in was refused to the login form (never whether the e-mail exists). */
export class SignInRefused extends CredentialsSignin {
  constructor(code: string) {
    super();
    this.code = code;
  }
}

const credentialsSchema = z.object({ email: z.string().trim().min(1).max(320), password: z.string().min(1).max(1024) });

/**
 * next-auth keeps only a session id in its (encrypted) cookie; the session row decides on every
 * request whether it is still valid (see sessions.ts), so sign-out and deactivation are immediate.
 * Configured lazily: the secret is read (or generated into .data/) at the first request, not at build.
 */
export const { handlers, auth, signIn, signOut } = NextAuth(async (request) => {
  const env = getEnv();
  const sso = await ssoProvidersForRequest(await getDb(), request);
  return {
    secret: env.authSecret,
    trustHost: true,
    logger: {
      // A refused sign-in is an expected outcome (and audited), not a server error with a stack.
      error(error: Error) {
        if (error instanceof CredentialsSignin || (error as { type?: string }).type === "CredentialsSignin") return;
        if ((error as { type?: string }).type === "AccessDenied") return;
        log("error", "auth error", { error: error.message });
      },
    },
    session: { strategy: "jwt", maxAge: SESSION_LIFETIME_SECONDS },
    pages: { signIn: "/login", error: "/login" },
    providers: [
      Credentials({
        credentials: { email: {}, password: {} },
        async authorize(raw, request) {
          const parsed = credentialsSchema.safeParse(raw);
          if (!parsed.success) throw new SignInRefused("invalid_credentials");
          const result = await signInWithPassword(await getDb(), { ...parsed.data, clientAddress: clientAddressOf(request.headers) });
          if (!result.ok) throw new SignInRefused(result.reason === "throttled" ? `throttled_${result.retryAfterSeconds}` : result.reason);
          return { id: result.userId, sessionId: result.sessionId };
        },
      }),
      ...sso,
    ],
    callbacks: {
      /** Single sign-on: who may sign in, and the session they get, is decided here, not by next-auth. */
      async signIn({ user, account, profile }) {
        if (account?.type !== "oidc") return true;
        const config = await ssoConfigForProvider(await getDb(), account.provider);
        if (!config || !profile) return "/login?sso=unavailable";
        const result = await signInWithSso(await getDb(), config, profile as Record<string, unknown>);
        if (!result.ok) return `/login?sso=${result.reason}`;
        user.id = result.userId;
        user.sessionId = result.sessionId;
        return true;
      },
      jwt({ token, user }) {
        if (user?.sessionId) token.sessionId = user.sessionId;
        return token;
      },
      session({ session, token }) {
        return { ...session, sessionId: typeof token.sessionId === "string" ? token.sessionId : undefined };
      },
    },
  };
});
