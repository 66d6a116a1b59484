// A real SMTP server on loopback (smtp-server) that keeps what it receives, parsed by mailparser.
// It can be stopped and started again on the same port to play an SMTP outage.
import type { AddressInfo } from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface SmtpSink {
  url: string;
  port: number;
  messages: ParsedMail[];
  /** Resolves once `count` messages have arrived (or rejects after the timeout). */
  waitFor(count: number, timeoutMs?: number): Promise<ParsedMail[]>;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: ParsedMail[] = [];
  // Called after each message is kept (waitFor's wake-ups: no polling, no sleep).
  const arrivals = new Set<() => void>();
  let server: SMTPServer | undefined;
  let port = 0;

  const start = async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      logger: false,
      // Stopping cuts open (pooled) connections at once, as a crashed server would.
      closeTimeout: 50,
      onData(stream, _session, callback) {
        simpleParser(stream).then(
          (mail) => {
            messages.push(mail);
            for (const arrived of arrivals) arrived();
            callback();
          },
          (error: Error) => callback(error),
        );
      },
    });
    await new Promise<void>((resolve) => server!.listen(port, "127.0.0.1", resolve));
    port = (server.server.address() as AddressInfo).port;
  };
  await start();

  return {
    get url() {
      return `smtp://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    messages,
    async waitFor(count, timeoutMs = 5_000) {
      if (messages.length >= count) return messages;
      await new Promise<void>((resolve, reject) => {
        const arrived = () => {
          if (messages.length < count) return;
          done();
          resolve();
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`Only ${messages.length} of ${count} messages arrived`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          arrivals.delete(arrived);
        };
        arrivals.add(arrived);
      });
      return messages;
    },
    async stop() {
      await new Promise<void>((resolve) => server?.close(() => resolve()));
      server = undefined;
    },
    start,
  };
}
