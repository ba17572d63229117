// The app servers Playwright runs against: one per browser project, each with its own database.
const base = Number(process.env.E2E_PORT_BASE ?? 3200);

/** The outside-service stubs (Slack Web API, SMTP) the e2e servers talk to: e2e/support/outside-services.ts. */
export const E2E_STUBS = {
  port: base + 90,
  slackApiUrl: `http://127.0.0.1:${base + 90}/api/`,
  smtpPort: base + 91,
  /** The Jira Cloud stub's site URL (issues and their reporters set through POST /__jira/issues). */
  jiraSiteUrl: `http://127.0.0.1:${base + 90}`,
  /** The in-process OpenID Connect provider (oidc-provider) the single sign-on tests sign in through. */
  oidcIssuer: `http://127.0.0.1:${base + 92}`,
};

export const E2E_SERVERS = [
  // One escalation minute lasts a second on the desktop server (tests only): escalation.desktop.spec.ts
  // sees a request escalate without waiting minutes. Nothing escalates until a workspace sets it up.
  { name: "desktop", port: base, env: { SLACK_API_URL: E2E_STUBS.slackApiUrl, TOOLGATE_ESCALATION_MINUTE_SECONDS: "1" } },
  { name: "mobile", port: base + 1, env: { SLACK_API_URL: E2E_STUBS.slackApiUrl } },
];
