import { SMTPServer } from "smtp-server";
import type { AddressInfo } from "node:net";

/** A real SMTP server (the smtp-server library) that keeps every message it receives. */
export async function startSmtpCapture(port = 0) {
  const messages: Array<{ from: string; to: string[]; raw: string }> = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      let raw = "";
      stream.on("data", (chunk: Buffer) => (raw += chunk.toString("utf8")));
      stream.on("end", () => {
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          raw,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const bound = (server.server.address() as AddressInfo).port;
  return {
    port: bound,
    messages,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    unref: () => server.server.unref(),
  };
}

/** The decoded text of a captured message (quoted-printable soft breaks and escapes undone). */
export function decodedBody(raw: string): string {
  return raw.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

let shared: Promise<Awaited<ReturnType<typeof startSmtpCapture>>> | null = null;

/**
 * One capture per test process, started on first use and never holding the process open: the
 * mail server of test worlds that need e-mail configured but do not read what was sent.
 */
export function sharedSmtpCapture(): Promise<Awaited<ReturnType<typeof startSmtpCapture>>> {
  shared ??= startSmtpCapture().then((capture) => {
    capture.unref();
    return capture;
  });
  return shared;
}
