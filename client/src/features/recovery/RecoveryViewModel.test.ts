import { EventEmitter } from "node:events";
import type { MatrixClient } from "matrix-js-sdk";
import { describe, expect, it, vi } from "vitest";
import { passwordAuth, type RecoveryKeyCodec, RecoveryViewModel } from "./RecoveryViewModel";
import { SecretStorageKeys } from "./secretStorageKeys";

const ME = "@ana:example.org";
const KEY = new Uint8Array([1, 2, 3]);
const PASSPHRASE_KEY = new Uint8Array([4, 5, 6]);

/** The account as the server and this browser hold it, changed by the fake crypto's calls. */
type Account = {
  crossSigning: boolean;
  secretStorageKey: string | null;
  passphrase?: { algorithm: "m.pbkdf2"; salt: string; iterations: number };
  /** This browser holds the cross-signing private keys. */
  localCrossSigning: boolean;
  backup: boolean;
  localBackupKey: boolean;
};

function fakeClient(account: Account) {
  const emitter = new EventEmitter();
  const keys = new SecretStorageKeys();
  const crypto = {
    userHasCrossSigningKeys: vi.fn(async () => account.crossSigning),
    isCrossSigningReady: vi.fn(async () => account.crossSigning && account.localCrossSigning),
    getSessionBackupPrivateKey: vi.fn(async () => (account.localBackupKey ? KEY : null)),
    getKeyBackupInfo: vi.fn(async () => (account.backup ? { version: "1" } : null)),
    createRecoveryKeyFromPassphrase: vi.fn(async (passphrase?: string) => ({
      privateKey: passphrase ? PASSPHRASE_KEY : KEY,
      encodedPrivateKey: "EsTc LW2K PGiF wKEA",
      ...(passphrase && { keyInfo: { passphrase: { salt: "s", iterations: 1 } } }),
    })),
    bootstrapCrossSigning: vi.fn(
      async (opts: {
        setupNewCrossSigning?: boolean;
        authUploadDeviceSigningKeys?: (make: (auth: unknown) => Promise<void>) => Promise<void>;
      }) => {
        if (account.crossSigning && !opts.setupNewCrossSigning) {
          // Imports the keys from secret storage, which needs the recovery key.
          const [, key] =
            (await client.cryptoCallbacks.getSecretStorageKey?.(
              { keys: { default: {} as never } },
              "m.cross_signing.master",
            )) ?? [];
          if (!key) throw new Error("no secret storage key");
          account.localCrossSigning = true;
          return;
        }
        await opts.authUploadDeviceSigningKeys?.(async () => {});
        account.crossSigning = true;
        account.localCrossSigning = true;
      },
    ),
    bootstrapSecretStorage: vi.fn(
      async (opts: { createSecretStorageKey?: () => Promise<{ privateKey: Uint8Array }> }) => {
        const generated = await opts.createSecretStorageKey?.();
        client.cryptoCallbacks.cacheSecretStorageKey?.(
          "default",
          {} as never,
          generated?.privateKey as never,
        );
        account.secretStorageKey = "default";
        account.backup = true;
        account.localBackupKey = true;
      },
    ),
    loadSessionBackupPrivateKeyFromSecretStorage: vi.fn(async () => {
      account.localBackupKey = true;
    }),
    checkKeyBackupAndEnable: vi.fn(async () => (account.backup ? { backupInfo: {} } : null)),
    restoreKeyBackup: vi.fn(async () => ({ total: 12, imported: 12 })),
    resetEncryption: vi.fn(
      async (auth: (make: (data: unknown) => Promise<void>) => Promise<void>) => {
        account.secretStorageKey = null;
        await auth(async () => {});
        account.crossSigning = true;
        account.localCrossSigning = true;
        account.backup = true;
        account.localBackupKey = true;
      },
    ),
  };
  const client = Object.assign(emitter, {
    deleteMultipleDevices: vi.fn(async (_devices: string[], auth?: { password?: string }) => {
      if (auth?.password === "right password") return {};
      throw Object.assign(new Error("401"), {
        httpStatus: 401,
        data: { flows: [{ stages: ["m.login.password"] }], session: "s1" },
      });
    }),
    getUserId: () => ME,
    getCrypto: () => crypto,
    cryptoCallbacks: keys.callbacks,
    secretStorage: {
      getDefaultKeyId: async () => account.secretStorageKey,
      getKey: async () =>
        account.secretStorageKey
          ? [account.secretStorageKey, { passphrase: account.passphrase }]
          : null,
      checkKey: async (key: Uint8Array) =>
        key.join() === KEY.join() || key.join() === PASSPHRASE_KEY.join(),
    },
  });
  return { client: client as unknown as MatrixClient, crypto, keys };
}

const codec: RecoveryKeyCodec = {
  decodeRecoveryKey: (text) => {
    if (text === "EsTc LW2K PGiF wKEA") return new Uint8Array(KEY);
    if (text.startsWith("EsT")) return new Uint8Array([9, 9, 9]);
    throw new Error("not a recovery key");
  },
  deriveRecoveryKeyFromPassphrase: async (passphrase) =>
    passphrase === "correct horse" ? new Uint8Array(PASSPHRASE_KEY) : new Uint8Array([0]),
};

function model(account: Account) {
  const fake = fakeClient(account);
  const recovery = new RecoveryViewModel(fake.client, fake.keys, async () => codec);
  recovery.subscribe(() => {});
  return { recovery, ...fake };
}

const NEW_ACCOUNT: Account = {
  crossSigning: false,
  secretStorageKey: null,
  localCrossSigning: false,
  backup: false,
  localBackupKey: false,
};
const SET_UP_ELSEWHERE: Account = {
  crossSigning: true,
  secretStorageKey: "default",
  localCrossSigning: false,
  backup: true,
  localBackupKey: false,
};

describe("RecoveryViewModel", () => {
  it("offers to set up recovery on an account without it, then shows the new key once", async () => {
    const { recovery, crypto } = model({ ...NEW_ACCOUNT });
    await recovery.check();
    expect(recovery.getSnapshot().status).toBe("notSetUp");

    await recovery.setUp();
    expect(crypto.bootstrapCrossSigning).toHaveBeenCalledBefore(crypto.bootstrapSecretStorage);
    expect(crypto.bootstrapSecretStorage).toHaveBeenCalledWith(
      expect.objectContaining({ setupNewSecretStorage: true, setupNewKeyBackup: true }),
    );
    expect(recovery.getSnapshot()).toMatchObject({
      status: "ready",
      newRecoveryKey: "EsTc LW2K PGiF wKEA",
      working: null,
      error: null,
    });
    recovery.acknowledgeKey();
    expect(recovery.getSnapshot().newRecoveryKey).toBeNull();
  });

  it("derives the key from a passphrase when the learner chose one", async () => {
    const { recovery, crypto } = model({ ...NEW_ACCOUNT });
    await recovery.setUp("correct horse");
    expect(crypto.createRecoveryKeyFromPassphrase).toHaveBeenCalledWith("correct horse");
  });

  it("asks a new browser for the recovery key, then cross-signs it and restores the backup", async () => {
    const { recovery, crypto, keys } = model({ ...SET_UP_ELSEWHERE });
    await recovery.check();
    expect(recovery.getSnapshot().status).toBe("locked");

    await recovery.unlock("  EsTc LW2K PGiF wKEA ");
    expect(crypto.loadSessionBackupPrivateKeyFromSecretStorage).toHaveBeenCalled();
    expect(crypto.restoreKeyBackup).toHaveBeenCalled();
    expect(recovery.getSnapshot()).toMatchObject({
      status: "ready",
      restoredKeys: 12,
      error: null,
    });
    // The key is not kept once the work is done.
    await expect(
      keys.callbacks.getSecretStorageKey?.({ keys: { default: {} as never } }, "x"),
    ).resolves.toBeNull();
  });

  it("unlocks with the passphrase the key was made from", async () => {
    const account = {
      ...SET_UP_ELSEWHERE,
      passphrase: { algorithm: "m.pbkdf2" as const, salt: "s", iterations: 1 },
    };
    const { recovery } = model(account);
    await recovery.unlock("correct horse");
    expect(recovery.getSnapshot()).toMatchObject({ status: "ready", error: null });
  });

  it("refuses a wrong key or passphrase and stays locked", async () => {
    const { recovery, crypto } = model({ ...SET_UP_ELSEWHERE });
    await recovery.unlock("EsTx xxxx");
    expect(recovery.getSnapshot()).toMatchObject({
      status: "locked",
      error: "That is not the recovery key or passphrase of this account.",
    });
    await recovery.unlock("a passphrase, but there is none");
    expect(recovery.getSnapshot().error).toMatch(/not the recovery key/);
    expect(crypto.bootstrapCrossSigning).not.toHaveBeenCalled();
  });

  it("says what went wrong when the server fails, without throwing", async () => {
    const { recovery, crypto } = model({ ...NEW_ACCOUNT });
    crypto.bootstrapSecretStorage.mockRejectedValueOnce(new Error("M_LIMIT_EXCEEDED"));
    await recovery.setUp();
    expect(recovery.getSnapshot()).toMatchObject({
      working: null,
      error: "Something went wrong: M_LIMIT_EXCEEDED",
    });
  });

  it("resets a lost key only after the password checks out, before anything is deleted", async () => {
    const { recovery, crypto } = model({ ...SET_UP_ELSEWHERE });
    await recovery.reset("wrong password");
    expect(recovery.getSnapshot().error).toBe("That password is not right.");
    expect(crypto.resetEncryption).not.toHaveBeenCalled();

    await recovery.reset("right password", "correct horse");
    expect(crypto.resetEncryption).toHaveBeenCalled();
    expect(crypto.bootstrapSecretStorage).toHaveBeenCalledWith(
      expect.objectContaining({ setupNewSecretStorage: true, setupNewKeyBackup: false }),
    );
    expect(crypto.createRecoveryKeyFromPassphrase).toHaveBeenCalledWith("correct horse");
    expect(recovery.getSnapshot()).toMatchObject({
      status: "ready",
      error: null,
      newRecoveryKey: "EsTc LW2K PGiF wKEA",
    });
  });

  it("has nothing to offer without encryption in this tab", async () => {
    const { client, keys } = fakeClient({ ...NEW_ACCOUNT });
    (client as unknown as { getCrypto: () => undefined }).getCrypto = () => undefined;
    const recovery = new RecoveryViewModel(client, keys, async () => codec);
    await recovery.check();
    expect(recovery.getSnapshot().status).toBe("unavailable");
  });
});

describe("passwordAuth", () => {
  const challenge = Object.assign(new Error("401"), {
    httpStatus: 401,
    data: { flows: [{ stages: ["m.login.password"] }], session: "s1" },
  });

  it("uploads without a password when the server allows it", async () => {
    const make = vi.fn(async () => {});
    await passwordAuth(ME, null)(make);
    expect(make).toHaveBeenCalledExactlyOnceWith(null);
  });

  it("answers the server's challenge with the password", async () => {
    const make = vi.fn(async (auth: unknown) => {
      if (auth === null) throw challenge;
    });
    await passwordAuth(ME, "hunter2-hunter2")(make);
    expect(make).toHaveBeenLastCalledWith({
      type: "m.login.password",
      identifier: { type: "m.id.user", user: ME },
      password: "hunter2-hunter2",
      session: "s1",
    });
  });

  it("says when the password is needed or wrong", async () => {
    const always = vi.fn(async () => {
      throw challenge;
    });
    await expect(passwordAuth(ME, null)(always)).rejects.toThrow(/password is needed/);
    await expect(passwordAuth(ME, "wrong")(always)).rejects.toThrow("That password is not right.");
  });
});
