import nodemailer from "nodemailer";

export type SmtpConnection = {
  host: string;
  port: number;
  secure: boolean;
  username: string | null;
  password: string | null;
  from: string;
};

/** Sends one plain-text e-mail over a workspace's SMTP server (nodemailer); throws what the server said. */
export async function sendPlainMail(smtp: SmtpConnection, to: string, email: { subject: string; text: string }): Promise<string> {
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    ...(smtp.username ? { auth: { user: smtp.username, pass: smtp.password ?? "" } } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
    tls: { rejectUnauthorized: process.env.TOOLGATE_SMTP_INSECURE_TLS !== "1" },
  });
  const info = await transport.sendMail({ from: smtp.from, to, subject: email.subject, text: email.text });
  return String(info.messageId ?? "");
}
