// A real SMTP server for the email tests: aiosmtpd (PyPI, installed into the tools folder like
// Synapse) on a free loopback port, writing every message it accepts into a Maildir that the
// test reads and parses with mailparser. Receipt time is when the file appeared in the Maildir.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ParsedMail, simpleParser } from "mailparser";
import { freeTcpPort } from "../scripts/stack/ports.ts";
import { ensureAiosmtpd } from "../scripts/stack/tools.ts";
import { toolsDir } from "./harness.ts";

export interface ReceivedMail {
  file: string;
  /** The envelope's recipients (RCPT TO), which aiosmtpd's Mailbox records in X-RcptTo. */
  envelopeTo: string[];
  /** When the SMTP server had the whole message (the Maildir file's mtime), ms since epoch. */
  receivedAt: number;
  raw: string;
  parsed: ParsedMail;
  to: string[];
  subject: string;
  text: string;
  html: string;
  header(name: string): string | undefined;
}

export interface SmtpServer {
  host: string;
  port: number;
  /** Every message so far, oldest first. */
  all(): Promise<ReceivedMail[]>;
  /** Polls until a message matching `match` arrives (or one already has); rejects after timeoutMs. */
  waitFor(match: (mail: ReceivedMail) => boolean, timeoutMs: number): Promise<ReceivedMail>;
  /** Stops listening (connections are then refused), keeping what arrived. */
  stop(): Promise<void>;
  /** Listens again on the same port, into the same Maildir. */
  start(): Promise<void>;
  close(): Promise<void>;
}

async function waitForPort(port: number, child: ChildProcess, output: () => string) {
  const { connect } = await import("node:net");
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`aiosmtpd exited: ${output()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`aiosmtpd did not listen on ${port}: ${output()}`);
}

export async function startSmtpServer(): Promise<SmtpServer> {
  const python = await ensureAiosmtpd(toolsDir, (part, line) => console.log(`[${part}] ${line}`));
  const dir = await mkdtemp(join(tmpdir(), "xstream-smtp-"));
  const maildir = join(dir, "maildir");
  const port = await freeTcpPort();
  let output = "";
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4_000);
  };
  const listen = async () => {
    const started = spawn(
      python,
      [
        "-m",
        "aiosmtpd",
        "--nosetuid",
        "--listen",
        `127.0.0.1:${port}`,
        "--class",
        "aiosmtpd.handlers.Mailbox",
        maildir,
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    started.stdout?.on("data", collect);
    started.stderr?.on("data", collect);
    await waitForPort(port, started, () => output);
    return started;
  };
  let child: ChildProcess | undefined = await listen();
  const stop = async () => {
    const running = child;
    child = undefined;
    if (running && running.exitCode === null) {
      const exited = new Promise((resolve) => running.once("exit", resolve));
      running.kill("SIGTERM");
      await exited;
    }
  };

  const cache = new Map<string, ReceivedMail>();
  const read = async (file: string): Promise<ReceivedMail> => {
    const path = join(maildir, "new", file);
    const [raw, info] = await Promise.all([readFile(path, "utf8"), stat(path)]);
    const parsed = await simpleParser(raw);
    const toField = parsed.to;
    const to = (Array.isArray(toField) ? toField : toField ? [toField] : []).flatMap((entry) =>
      entry.value.map((address) => address.address ?? ""),
    );
    const rcpt = parsed.headerLines.find((entry) => entry.key === "x-rcptto")?.line ?? "";
    return {
      file,
      envelopeTo: rcpt
        .slice(rcpt.indexOf(":") + 1)
        .split(",")
        .map((entry) => entry.trim())
        .filter(Boolean),
      receivedAt: info.mtimeMs,
      raw,
      parsed,
      to,
      subject: parsed.subject ?? "",
      text: parsed.text ?? "",
      html: typeof parsed.html === "string" ? parsed.html : "",
      // From the raw header lines (unfolded), as the message carried them.
      header: (name) => {
        const found = parsed.headerLines.find((entry) => entry.key === name.toLowerCase());
        return found?.line
          .slice(found.line.indexOf(":") + 1)
          .replace(/\r?\n[ \t]+/g, " ")
          .trim();
      },
    };
  };
  const all = async () => {
    const files = await readdir(join(maildir, "new")).catch(() => [] as string[]);
    for (const file of files) if (!cache.has(file)) cache.set(file, await read(file));
    return [...cache.values()].sort((a, b) => a.receivedAt - b.receivedAt);
  };
  return {
    host: "127.0.0.1",
    port,
    all,
    async waitFor(match, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = (await all()).find(match);
        if (found) return found;
        if (Date.now() > deadline) {
          const subjects = (await all()).map((mail) => `${mail.to.join(",")}: ${mail.subject}`);
          throw new Error(
            `no matching mail within ${timeoutMs} ms; received: ${JSON.stringify(subjects)}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    stop,
    async start() {
      child ??= await listen();
    },
    async close() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
