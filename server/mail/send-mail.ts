import type { Socket } from "node:net";
import nodemailer from "nodemailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport";
import { connectGuardedSocket } from "../net/outbound-fetch";
import { getEnv } from "../env";

export type SmtpConnection = {
  host: string;
  port: number;
  secure: boolean;
  username: string | null;
  password: string | null;
  from: string;
};

/**
 * nodemailer's transport for a workspace's SMTP server, connecting only through the outbound guard
 * (the host is checked as the socket connects): every e-mail Toolgate sends goes through it.
 */
export function smtpTransport(smtp: SmtpConnection) {
  return nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    ...(smtp.username ? { auth: { user: smtp.username, pass: smtp.password ?? "" } } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
    tls: { rejectUnauthorized: getEnv().TOOLGATE_SMTP_INSECURE_TLS !== "1" },
    getSocket: (options: SMTPTransport.Options, callback: (error: Error | null, socketOptions?: { connection: Socket }) => void) => {
      connectGuardedSocket(String(options.host ?? smtp.host), Number(options.port ?? smtp.port), 10_000).then(
        (connection) => callback(null, { connection }),
        (error: Error) => callback(error),
      );
    },
  });
}

/** Sends one plain-text e-mail over a workspace's SMTP server; throws what the server said. */
export async function sendPlainMail(smtp: SmtpConnection, to: string, email: { subject: string; text: string }): Promise<string> {
  const info = await smtpTransport(smtp).sendMail({ from: smtp.from, to, subject: email.subject, text: email.text });
  return String(info.messageId ?? "");
}
