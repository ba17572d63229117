export declare const E2E_SERVERS: Array<{ name: string; port: number; env: Record<string, string> }>;
export declare const E2E_STUBS: { port: number; slackApiUrl: string; smtpPort: number; jiraSiteUrl: string; oidcIssuer: string };
