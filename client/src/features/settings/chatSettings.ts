import type { MatrixClient, MatrixEvent } from "matrix-js-sdk";

/**
 * Xstream's own per-person chat settings, kept in the user's Matrix account data so they follow
 * the person to every device and browser they sign in on.
 */
export const CHAT_SETTINGS_TYPE = "org.xstream.settings";

export type ChatSettings = {
  /** Others see how far we have read (`m.read`); when off, only we do (`m.read.private`). */
  sendReadReceipts: boolean;
};

export const DEFAULT_CHAT_SETTINGS: ChatSettings = { sendReadReceipts: true };

/**
 * The account data calls under the names we use: the SDK's types list only the event types of the
 * Matrix spec, not an application's own.
 */
type AccountData = {
  getAccountData(type: string): MatrixEvent | undefined;
  setAccountData(type: string, content: Record<string, unknown>): Promise<unknown>;
};

const accountDataOf = (client: MatrixClient) => client as unknown as AccountData;

function contentOf(client: MatrixClient): Record<string, unknown> {
  const content = accountDataOf(client).getAccountData(CHAT_SETTINGS_TYPE)?.getContent();
  return content && typeof content === "object" ? (content as Record<string, unknown>) : {};
}

/** The settings as last synced; defaults for anything unset or malformed. */
export function readChatSettings(client: MatrixClient): ChatSettings {
  const content = contentOf(client);
  return {
    sendReadReceipts:
      typeof content.send_read_receipts === "boolean"
        ? content.send_read_receipts
        : DEFAULT_CHAT_SETTINGS.sendReadReceipts,
  };
}

/**
 * Saves a change, keeping whatever else the event holds (a newer client's settings). Resolves
 * once the homeserver has it and it is back in the sync.
 */
export async function saveChatSettings(
  client: MatrixClient,
  change: Partial<ChatSettings>,
): Promise<void> {
  const content = { ...contentOf(client) };
  if (change.sendReadReceipts !== undefined) content.send_read_receipts = change.sendReadReceipts;
  await accountDataOf(client).setAccountData(CHAT_SETTINGS_TYPE, content);
}
