import { afterEach, describe, expect, it, vi } from "vitest";
import { forgetEnv } from "../env";

/** Everything written to stdout and stderr while `run` runs. */
async function captured(run: () => void | Promise<void>): Promise<string> {
  const lines: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  };
  const out = vi.spyOn(process.stdout, "write").mockImplementation(capture);
  const err = vi.spyOn(process.stderr, "write").mockImplementation(capture);
  try {
    await run();
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return lines.join("");
}

afterEach(() => vi.unstubAllEnvs());

describe("tokens never reach a log line", () => {
  it("the request log writes /approve/<token> and /set-password/<token> without the token", async () => {
    vi.stubEnv("TOOLGATE_LOG_REQUESTS", "on");
    forgetEnv();
    const { logRequest } = await import("../http");
    const output = await captured(() => {
      logRequest(new Request("http://localhost/approve/apt_SECRETdeepLinkToken123"), 200, 3);
      logRequest(new Request("http://localhost/set-password/spt_SECRETsetPassword456"), 200, 3);
    });
    expect(output).toContain("/approve/[redacted]");
    expect(output).toContain("/set-password/[redacted]");
    expect(output).not.toContain("SECRET");
  });

  it("an unhandled error's message is redacted of token-like query values, bearer credentials and agent keys", async () => {
    const { responseForError } = await import("../http");
    const output = await captured(() => {
      responseForError(
        new Error(
          "GET https://idp.test/cb?code=SECRETcode&state=SECRETstate&token=SECRETtok&key=SECRETkey&page=2 failed; " +
            "Authorization: Bearer SECRETbearer; agent key tg_SECRETSECRETSECRETSECRETSECRETSECRET12345",
        ),
      );
    });
    expect(output).toContain("page=2");
    expect(output).toContain("code=[redacted]");
    expect(output).toContain("Bearer [redacted]");
    expect(output).not.toContain("SECRET");
  });

  it("the logger redacts whatever field a token hides in", async () => {
    const { log } = await import("./logger");
    const output = await captured(() =>
      log("warn", "job attempt failed", {
        error: "webhook https://agent.test/hook?api_key=SECRETk answered 500",
        nested: { url: "/approve/SECRETt" },
      }),
    );
    expect(JSON.parse(output)).toMatchObject({ level: "warn", msg: "job attempt failed" });
    expect(output).not.toContain("SECRET");
  });
});
