import type { MatrixClient } from "matrix-js-sdk";
import type { AuthDict, UIAuthCallback } from "matrix-js-sdk/lib/interactive-auth";
import { LiveSubscribers, listenTo } from "../../matrix/liveSubscribers";
import { describeError } from "../../ui/describeError";
import type { SecretStorageKeys } from "./secretStorageKeys";

export type RecoveryStatus =
  /** Looking at what the account and this browser have. */
  | "checking"
  /** Encryption is not running in this tab: nothing to recover into. */
  | "unavailable"
  /** The account has no recovery yet: set it up here. */
  | "notSetUp"
  /** Recovery exists (set up in another browser or before signing out), but this browser lacks
   * its keys: enter the recovery key or passphrase to read earlier encrypted messages. */
  | "locked"
  /** This device is cross-signed and backs up its message keys. */
  | "ready";

export type RecoveryWork = "settingUp" | "unlocking" | "resetting";

export type RecoverySnapshot = {
  status: RecoveryStatus;
  /** What is under way, if anything. */
  working: RecoveryWork | null;
  /** Why the last step failed, for people. */
  error: string | null;
  /** The recovery key just made, shown until the learner says it is saved. */
  newRecoveryKey: string | null;
  /** How many message keys the last unlock restored from the backup. */
  restoredKeys: number | null;
};

const INITIAL: RecoverySnapshot = {
  status: "checking",
  working: null,
  error: null,
  newRecoveryKey: null,
  restoredKeys: null,
};

/** Turns what the learner typed into the secret storage key (see `recoveryKeyCodec`). */
export type RecoveryKeyCodec = {
  decodeRecoveryKey(text: string): Uint8Array<ArrayBuffer>;
  deriveRecoveryKeyFromPassphrase(
    passphrase: string,
    salt: string,
    iterations: number,
    bits?: number,
  ): Promise<Uint8Array<ArrayBuffer>>;
};

/** The SDK's helpers, loaded with the SDK (never in the first page's bundle). */
export const loadRecoveryKeyCodec = (): Promise<RecoveryKeyCodec> =>
  import("matrix-js-sdk/lib/crypto-api");

/** Crypto events after which the answer may have changed. */
const RECHECK_ON = [
  "crypto.keyBackupStatus",
  "crossSigning.keysChanged",
  "userTrustStatusChanged",
] as const;

/** Account data written by recovery (in this browser or another). */
const RECOVERY_ACCOUNT_DATA = /^m\.(secret_storage|cross_signing|megolm_backup)\./;

/** The session id of a user-interactive auth challenge (a 401 with flows), if that is what it is. */
function uiaSession(error: unknown): string | null {
  const { httpStatus, data } = (error ?? {}) as {
    httpStatus?: unknown;
    data?: { flows?: unknown; session?: unknown; errcode?: unknown };
  };
  if (httpStatus !== 401 || !Array.isArray(data?.flows)) return null;
  return typeof data.session === "string" ? data.session : null;
}

export class RecoveryError extends Error {}

/**
 * Authenticates the upload of new cross-signing keys. Synapse lets an account publish its first
 * keys without asking (MSC3967); replacing them needs the account's password, which is the
 * learner's Xstream password (the bridge gives the Matrix account the same one).
 */
export function passwordAuth(userId: string, password: string | null): UIAuthCallback<void> {
  return async (makeRequest) => {
    try {
      await makeRequest(null);
      return;
    } catch (error) {
      const session = uiaSession(error);
      if (session === null) throw error;
      if (password === null) {
        throw new RecoveryError("Your password is needed to replace your encryption keys.");
      }
      const auth: AuthDict = {
        type: "m.login.password",
        identifier: { type: "m.id.user", user: userId },
        password,
        session,
      };
      try {
        await makeRequest(auth);
      } catch (refused) {
        if (uiaSession(refused) !== null) throw new RecoveryError("That password is not right.");
        throw refused;
      }
    }
  };
}

/**
 * Key backup and recovery for the signed-in learner, as Element does it: cross-signing keys and
 * the key backup's key kept in secret storage on the server, locked with a recovery key (or a
 * passphrase it derives from). Setting up makes all three and shows the recovery key once;
 * unlocking in a new browser takes the key, cross-signs this device with the stored keys and
 * restores the message keys from the backup; resetting (a lost key) starts over with the password:
 * new cross-signing keys, a new backup and a new recovery key.
 */
export class RecoveryViewModel {
  readonly #client: MatrixClient;
  readonly #keys: SecretStorageKeys;
  readonly #codec: () => Promise<RecoveryKeyCodec>;
  readonly #subscribers = new LiveSubscribers(() => this.#startListening());
  #snapshot: RecoverySnapshot = INITIAL;
  #checks = 0;

  constructor(
    client: MatrixClient,
    keys: SecretStorageKeys,
    codec: () => Promise<RecoveryKeyCodec> = loadRecoveryKeyCodec,
  ) {
    this.#client = client;
    this.#keys = keys;
    this.#codec = codec;
  }

  subscribe = this.#subscribers.subscribe;

  getSnapshot = (): RecoverySnapshot => this.#snapshot;

  /** Looks again at the account and this browser; the newest look wins. */
  async check(): Promise<void> {
    const check = ++this.#checks;
    let status: RecoveryStatus;
    try {
      status = await this.#currentStatus();
    } catch (error) {
      if (check === this.#checks)
        this.#set({ error: `Couldn't check recovery: ${describeError(error)}` });
      return;
    }
    if (check === this.#checks && this.#snapshot.working === null) this.#set({ status });
  }

  /** Sets recovery up for an account without it; with a passphrase, that unlocks it too. */
  async setUp(passphrase: string | null = null): Promise<void> {
    await this.#work("settingUp", async (crypto) => {
      await crypto.bootstrapCrossSigning({
        authUploadDeviceSigningKeys: passwordAuth(this.#userId(), null),
      });
      await this.#newSecretStorage(passphrase);
    });
  }

  /**
   * Replaces recovery when the key is lost: new cross-signing keys (the server asks for the
   * password), a new recovery key and a new, empty backup. Earlier encrypted messages that no
   * signed-in browser holds can no longer be read.
   */
  async reset(password: string, passphrase: string | null = null): Promise<void> {
    await this.#work("resetting", async (crypto) => {
      const auth = passwordAuth(this.#userId(), password);
      // Resetting first deletes the old backup and recovery key, so a mistyped password must
      // stop it before anything is gone: deleting no devices asks for the same password and
      // changes nothing.
      await auth((authData) =>
        this.#client.deleteMultipleDevices([], authData ?? undefined).then(() => undefined),
      );
      await crypto.resetEncryption(auth);
      // resetEncryption made a new backup; the new recovery key locks it and the new keys.
      await this.#newSecretStorage(passphrase, false);
    });
  }

  /** Unlocks recovery in this browser with the recovery key or the passphrase. */
  async unlock(input: string): Promise<void> {
    await this.#work("unlocking", async (crypto) => {
      const found = await this.#client.secretStorage.getKey();
      if (!found) {
        throw new RecoveryError(
          "This account has no recovery key on the server. Reset recovery to make one.",
        );
      }
      const [keyId, keyInfo] = found;
      const key = await this.#keyFrom(input, keyInfo.passphrase);
      if (!key || !(await this.#client.secretStorage.checkKey(key, keyInfo))) {
        throw new RecoveryError("That is not the recovery key or passphrase of this account.");
      }
      this.#keys.remember(keyId, key);
      // The cross-signing keys come from secret storage and sign this device; then the backup's
      // key, so this browser can read and add to the backup.
      await crypto.bootstrapCrossSigning({});
      await crypto.loadSessionBackupPrivateKeyFromSecretStorage();
      const backup = await crypto.checkKeyBackupAndEnable();
      if (backup) {
        const restored = await crypto.restoreKeyBackup();
        this.#set({ restoredKeys: restored.imported });
      }
    });
  }

  /** The learner saved the new recovery key: stop showing it. */
  acknowledgeKey(): void {
    this.#set({ newRecoveryKey: null });
  }

  async #newSecretStorage(passphrase: string | null, newBackup = true) {
    const crypto = this.#crypto();
    const generated = await crypto.createRecoveryKeyFromPassphrase(passphrase ?? undefined);
    await crypto.bootstrapSecretStorage({
      createSecretStorageKey: async () => generated,
      setupNewSecretStorage: true,
      setupNewKeyBackup: newBackup,
    });
    this.#set({ newRecoveryKey: generated.encodedPrivateKey ?? null });
  }

  async #keyFrom(
    input: string,
    passphrase: { salt: string; iterations: number; bits?: number } | undefined,
  ): Promise<Uint8Array<ArrayBuffer> | null> {
    const codec = await this.#codec();
    const text = input.trim();
    try {
      return codec.decodeRecoveryKey(text);
    } catch {
      // Not a recovery key: a passphrase, if the key was made from one.
    }
    if (!passphrase || text === "") return null;
    return codec.deriveRecoveryKeyFromPassphrase(
      input,
      passphrase.salt,
      passphrase.iterations,
      passphrase.bits,
    );
  }

  async #work(
    work: RecoveryWork,
    run: (crypto: NonNullable<ReturnType<MatrixClient["getCrypto"]>>) => Promise<void>,
  ): Promise<void> {
    if (this.#snapshot.working) return;
    this.#set({ working: work, error: null, restoredKeys: null });
    let error: string | null = null;
    try {
      await run(this.#crypto());
    } catch (cause) {
      error =
        cause instanceof RecoveryError
          ? cause.message
          : `Something went wrong: ${describeError(cause)}`;
    } finally {
      this.#keys.forget();
    }
    this.#set({ working: null, error });
    await this.check();
  }

  #crypto() {
    const crypto = this.#client.getCrypto();
    if (!crypto) throw new RecoveryError("Encryption is not running in this tab.");
    return crypto;
  }

  #userId(): string {
    return this.#client.getUserId() ?? "";
  }

  async #currentStatus(): Promise<RecoveryStatus> {
    const crypto = this.#client.getCrypto();
    if (!crypto) return "unavailable";
    const [crossSigning, secretStorageKey] = await Promise.all([
      crypto.userHasCrossSigningKeys(this.#userId(), true),
      this.#client.secretStorage.getDefaultKeyId(),
    ]);
    if (!crossSigning && !secretStorageKey) return "notSetUp";
    const [ready, backupKey, backup] = await Promise.all([
      crypto.isCrossSigningReady(),
      crypto.getSessionBackupPrivateKey(),
      crypto.getKeyBackupInfo(),
    ]);
    return ready && (backupKey !== null || backup === null) ? "ready" : "locked";
  }

  #startListening(): () => void {
    const recheck = () => void this.check();
    const onAccountData = (event: { getType(): string }) => {
      if (RECOVERY_ACCOUNT_DATA.test(event.getType())) recheck();
    };
    const stopClient = listenTo(this.#client, [
      ...RECHECK_ON.map((event) => [event, recheck] as const),
      ["accountData", onAccountData],
    ]);
    void this.check();
    return stopClient;
  }

  #set(change: Partial<RecoverySnapshot>) {
    this.#snapshot = { ...this.#snapshot, ...change };
    this.#subscribers.notify();
  }
}
