import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.js";

const secret = (c: string) => c.repeat(40);

const valid = {
  DATABASE_URL: "postgresql://bridge:db-password-value@127.0.0.1:5432/xstream",
  MATRIX_SERVER_NAME: "localhost",
  HOMESERVER_URL: "http://127.0.0.1:8008/",
  PUBLIC_URL: "http://localhost:8080",
  AS_TOKEN: secret("a"),
  HS_TOKEN: secret("h"),
  SESSION_SECRET: secret("s"),
  SYNAPSE_JWT_SECRET: secret("j"),
  SYNAPSE_JWT_ISSUER: "xstream-bridge",
  SYNAPSE_JWT_AUDIENCE: "xstream-synapse",
  SYNAPSE_REGISTRATION_SHARED_SECRET: secret("r"),
  LIVEKIT_URL: "ws://127.0.0.1:7880",
  LIVEKIT_API_KEY: "devkey",
  LIVEKIT_API_SECRET: secret("l"),
};

function problemsOf(env: Record<string, string | undefined>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("applies defaults and derives the bot's user id", () => {
    const config = loadConfig(valid);
    expect(config.http).toEqual({ host: "127.0.0.1", port: 9000, trustProxy: "loopback" });
    expect(config.matrix.appserviceId).toBe("xstream");
    expect(config.matrix.botUserId).toBe("@xstream:localhost");
    expect(config.matrix.homeserverUrl).toBe("http://127.0.0.1:8008");
    expect(config.logLevel).toBe("info");
    expect(config.livekit).toEqual({
      url: "ws://127.0.0.1:7880",
      apiKey: "devkey",
      apiSecret: secret("l"),
    });
  });

  it("applies the account and session defaults", () => {
    const config = loadConfig(valid);
    expect(config.http.trustProxy).toBe("loopback");
    expect(config.auth).toEqual({
      sessionSecret: secret("s"),
      allowedOrigins: ["http://localhost:8080"],
      bootstrapAdmin: undefined,
      sessionMaxLifetimeDays: 90,
      rateLimits: {
        signupsPerIpPerHour: 10,
        loginsPerIpPerMinute: 30,
        freeFailuresPerAccountAndAddress: 5,
        freeFailuresPerAddress: 30,
        freeFailuresPerAccount: 10,
      },
    });
  });

  it("reads the account and session settings", () => {
    const config = loadConfig({
      ...valid,
      CORS_ALLOWED_ORIGINS: "https://app.example.org, http://localhost:5173/",
      BOOTSTRAP_ADMIN: " Ana.Garcia ",
      RATE_LIMIT_SIGNUPS_PER_IP_PER_HOUR: "3",
      RATE_LIMIT_LOGINS_PER_IP_PER_MINUTE: "1000",
      RATE_LIMIT_PASSWORD_FAILURES_PER_ACCOUNT_AND_ADDRESS: "4",
      RATE_LIMIT_PASSWORD_FAILURES_PER_ADDRESS: "100000",
      RATE_LIMIT_PASSWORD_FAILURES_PER_ACCOUNT: "20",
      TRUST_PROXY: "loopback, 10.0.0.0/8",
      SESSION_MAX_LIFETIME_DAYS: "30",
    });
    expect(config.auth.sessionMaxLifetimeDays).toBe(30);
    expect(config.auth.allowedOrigins).toEqual([
      "https://app.example.org",
      "http://localhost:5173",
    ]);
    expect(config.auth.bootstrapAdmin).toBe("ana.garcia");
    expect(config.auth.rateLimits).toEqual({
      signupsPerIpPerHour: 3,
      loginsPerIpPerMinute: 1000,
      freeFailuresPerAccountAndAddress: 4,
      freeFailuresPerAddress: 100000,
      freeFailuresPerAccount: 20,
    });
    expect(config.http.trustProxy).toBe("loopback, 10.0.0.0/8");
    expect(loadConfig({ ...valid, TRUST_PROXY: "1" }).http.trustProxy).toBe(1);
    expect(loadConfig({ ...valid, TRUST_PROXY: "false" }).http.trustProxy).toBe(false);
  });

  it("reports every account and session problem at once", () => {
    const problems = problemsOf({
      ...valid,
      SESSION_SECRET: "short-session-secret",
      CORS_ALLOWED_ORIGINS: "https://ok.example.org,https://bad.example.org/path",
      BOOTSTRAP_ADMIN: "not a username!",
      RATE_LIMIT_SIGNUPS_PER_IP_PER_HOUR: "0",
      RATE_LIMIT_LOGINS_PER_IP_PER_MINUTE: "ten",
      RATE_LIMIT_PASSWORD_FAILURES_PER_ACCOUNT: "1.5",
      TRUST_PROXY: "the edge",
      SESSION_MAX_LIFETIME_DAYS: "0",
    });
    expect(problems.map((p) => p.split(" ")[0]).sort()).toEqual(
      [
        "BOOTSTRAP_ADMIN",
        "CORS_ALLOWED_ORIGINS",
        "RATE_LIMIT_PASSWORD_FAILURES_PER_ACCOUNT",
        "RATE_LIMIT_LOGINS_PER_IP_PER_MINUTE",
        "RATE_LIMIT_SIGNUPS_PER_IP_PER_HOUR",
        "SESSION_MAX_LIFETIME_DAYS",
        "SESSION_SECRET",
        "TRUST_PROXY",
      ].sort(),
    );
    expect(problems.join("\n")).not.toContain("short-session-secret");
  });

  it("lets only our own homeserver's users get call tokens unless others are listed", () => {
    expect(loadConfig(valid).rtc).toEqual({
      allowedHomeservers: [],
      tokensPerIpPerMinute: 60,
      allowPrivateAddresses: false,
    });
    expect(loadConfig({ ...valid, RTC_ALLOWED_HOMESERVERS: "" }).rtc.allowedHomeservers).toEqual(
      [],
    );
    const config = loadConfig({
      ...valid,
      RTC_ALLOWED_HOMESERVERS: " friends.example, matrix.partner.org:8448 ,[2001:db8::1] ",
      RATE_LIMIT_RTC_TOKENS_PER_IP_PER_MINUTE: "120",
      OUTBOUND_ALLOW_PRIVATE_ADDRESSES: "true",
    });
    expect(config.rtc).toEqual({
      allowedHomeservers: ["friends.example", "matrix.partner.org:8448", "[2001:db8::1]"],
      tokensPerIpPerMinute: 120,
      allowPrivateAddresses: true,
    });
  });

  it("names the call settings it refuses, and the bad server name", () => {
    const problems = problemsOf({
      ...valid,
      RTC_ALLOWED_HOMESERVERS: "friends.example,https://evil.example/",
      RATE_LIMIT_RTC_TOKENS_PER_IP_PER_MINUTE: "0",
      OUTBOUND_ALLOW_PRIVATE_ADDRESSES: "yes",
    });
    expect(problems.map((p) => p.split(" ")[0]).sort()).toEqual([
      "OUTBOUND_ALLOW_PRIVATE_ADDRESSES",
      "RATE_LIMIT_RTC_TOKENS_PER_IP_PER_MINUTE",
      "RTC_ALLOWED_HOMESERVERS",
    ]);
    expect(problems.find((p) => p.startsWith("RTC_ALLOWED_HOMESERVERS"))).toContain(
      '"https://evil.example/"',
    );
  });

  it("reads explicit values, treating blank ones as unset", () => {
    const config = loadConfig({
      ...valid,
      BRIDGE_HOST: "0.0.0.0",
      BRIDGE_PORT: "9100",
      BOT_LOCALPART: "tutor",
      AS_ID: "",
      LOG_LEVEL: "silent",
    });
    expect(config.http).toEqual({ host: "0.0.0.0", port: 9100, trustProxy: "loopback" });
    expect(config.matrix.botUserId).toBe("@tutor:localhost");
    expect(config.matrix.appserviceId).toBe("xstream");
    expect(config.logLevel).toBe("silent");
  });

  it("serves metrics on loopback only when a metrics port is set", () => {
    expect(loadConfig(valid).metrics).toEqual({ host: "127.0.0.1", port: undefined });
    expect(loadConfig({ ...valid, METRICS_PORT: "9464", METRICS_HOST: "" }).metrics).toEqual({
      host: "127.0.0.1",
      port: 9464,
    });
    expect(problemsOf({ ...valid, METRICS_PORT: "0", METRICS_HOST: "localhost" })).toEqual([
      "METRICS_HOST must be an IP address to listen on, e.g. 127.0.0.1",
      "METRICS_PORT must be an integer from 1 to 65535",
    ]);
  });

  it("reports every problem at once, naming each key", () => {
    const problems = problemsOf({
      ...valid,
      DATABASE_URL: "mysql://root:db-password-value@db/x",
      MATRIX_SERVER_NAME: undefined,
      HOMESERVER_URL: "not a url",
      PUBLIC_URL: "http://localhost:8080/app",
      BRIDGE_PORT: "70000",
      HS_TOKEN: "too-short-hs-token",
      LIVEKIT_URL: "http://127.0.0.1:7880",
      LOG_LEVEL: "verbose",
    });
    const keys = problems.map((p) => p.split(" ")[0]);
    expect(keys.sort()).toEqual(
      [
        "BRIDGE_PORT",
        "DATABASE_URL",
        "HOMESERVER_URL",
        "HS_TOKEN",
        "LIVEKIT_URL",
        "LOG_LEVEL",
        "MATRIX_SERVER_NAME",
        "PUBLIC_URL",
      ].sort(),
    );
    expect(problems).toContain("HS_TOKEN must be at least 32 characters long");
    expect(problems.find((p) => p.startsWith("MATRIX_SERVER_NAME"))).toMatch(/is required/);
  });

  it("turns Web Push on only with both VAPID keys, defaulting the subject and gateway URL", () => {
    expect(loadConfig(valid).push).toEqual({
      vapid: undefined,
      gatewayUrl: "http://127.0.0.1:9000/_matrix/push/v1/notify",
    });
    const publicKey = Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 1)]).toString("base64url");
    const privateKey = Buffer.alloc(32, 2).toString("base64url");
    const keys = { VAPID_PUBLIC_KEY: publicKey, VAPID_PRIVATE_KEY: privateKey };
    expect(loadConfig({ ...valid, ...keys, BRIDGE_HOST: "0.0.0.0" }).push).toEqual({
      vapid: { publicKey, privateKey, subject: "mailto:postmaster@localhost" },
      gatewayUrl: "http://127.0.0.1:9000/_matrix/push/v1/notify",
    });
    const chosen = loadConfig({
      ...valid,
      ...keys,
      PUBLIC_URL: "https://xs.example.org",
      PUSH_GATEWAY_URL: "http://bridge-service:9000/_matrix/push/v1/notify",
    }).push;
    expect(chosen.vapid?.subject).toBe("https://xs.example.org");
    expect(chosen.gatewayUrl).toBe("http://bridge-service:9000/_matrix/push/v1/notify");
    expect(problemsOf({ ...valid, VAPID_PUBLIC_KEY: publicKey })).toEqual([
      "VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY must be set together",
    ]);
  });

  it("names the Web Push settings it refuses without echoing the keys", () => {
    const problems = problemsOf({
      ...valid,
      VAPID_PUBLIC_KEY: "not-a-key-at-all",
      VAPID_PRIVATE_KEY: "secret-private-material",
      VAPID_SUBJECT: "http://example.org",
      PUSH_GATEWAY_URL: "http://127.0.0.1:9000/notify",
    });
    expect(problems.map((p) => p.split(" ")[0]).sort()).toEqual([
      "PUSH_GATEWAY_URL",
      "VAPID_PRIVATE_KEY",
      "VAPID_PUBLIC_KEY",
      "VAPID_SUBJECT",
    ]);
    expect(problems.join("\n")).not.toContain("secret-private-material");
  });

  it("lists every missing required key for an empty environment", () => {
    const keys = problemsOf({}).map((p) => p.split(" ")[0]);
    expect(keys.sort()).toEqual(Object.keys(valid).sort());
  });

  it("never echoes the values it rejects", () => {
    let message = "";
    try {
      loadConfig({
        ...valid,
        DATABASE_URL: "mysql://root:db-password-value@db/x",
        AS_TOKEN: "short-as-token-value",
        LIVEKIT_API_SECRET: "short-livekit-secret",
      });
    } catch (error) {
      message = String(error);
    }
    expect(message).toMatch(/DATABASE_URL/);
    expect(message).not.toContain("db-password-value");
    expect(message).not.toContain("short-as-token-value");
    expect(message).not.toContain("short-livekit-secret");
  });
});
