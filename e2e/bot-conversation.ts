// A learner who talks to the @xstream bot the way Element does: a direct room created with
// is_direct, plain m.text messages, replies read back through the client-server API.
import { randomUUID } from "node:crypto";
import { eventually, type MatrixUser, matrixRequest, type SyncEvent } from "./matrix.ts";

export interface BotReply {
  eventId: string;
  body: string;
  formattedBody: string | undefined;
  msgtype: string;
}

export class BotConversation {
  private constructor(
    readonly baseUrl: string,
    readonly user: MatrixUser,
    readonly botUserId: string,
    readonly roomId: string,
  ) {}

  /**
   * Opens a DM with the bot as Element does and waits for the bot to join and greet.
   * @param joinTimeoutMs longer for a bot on another homeserver, which joins over federation
   */
  static async open(
    baseUrl: string,
    user: MatrixUser,
    botUserId: string,
    joinTimeoutMs = 15_000,
  ): Promise<BotConversation> {
    const { room_id: roomId } = await matrixRequest<{ room_id: string }>(
      baseUrl,
      "POST",
      "/_matrix/client/v3/createRoom",
      {
        token: user.accessToken,
        body: { preset: "trusted_private_chat", is_direct: true, invite: [botUserId] },
      },
    );
    const conversation = new BotConversation(baseUrl, user, botUserId, roomId);
    await eventually(
      async () => {
        const members = await matrixRequest<{ joined: Record<string, unknown> }>(
          baseUrl,
          "GET",
          `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/joined_members`,
          { token: user.accessToken },
        );
        return botUserId in members.joined ? true : undefined;
      },
      `${botUserId} to join ${roomId}`,
      joinTimeoutMs,
    );
    // The greeting follows the join; a test that reads the room at once must find it there.
    await eventually(
      async () => ((await conversation.botMessages()).length > 0 ? true : undefined),
      `${botUserId}'s greeting in ${roomId}`,
      joinTimeoutMs,
    );
    return conversation;
  }

  /** The room's timeline, oldest first. */
  async timeline(limit = 100): Promise<SyncEvent[]> {
    const { chunk } = await matrixRequest<{ chunk: SyncEvent[] }>(
      this.baseUrl,
      "GET",
      `/_matrix/client/v3/rooms/${encodeURIComponent(this.roomId)}/messages?dir=b&limit=${limit}`,
      { token: this.user.accessToken },
    );
    return chunk.reverse();
  }

  /** The bot's messages in the room, oldest first. */
  async botMessages(): Promise<BotReply[]> {
    return (await this.timeline())
      .filter((event) => event.type === "m.room.message" && event.sender === this.botUserId)
      .map(toReply);
  }

  async send(text: string): Promise<string> {
    return this.sendContent({ msgtype: "m.text", body: text });
  }

  /** Sends any `m.room.message` content, e.g. with an HTML `formatted_body`. */
  async sendContent(content: Record<string, unknown>): Promise<string> {
    const { event_id } = await matrixRequest<{ event_id: string }>(
      this.baseUrl,
      "PUT",
      `/_matrix/client/v3/rooms/${encodeURIComponent(this.roomId)}/send/m.room.message/${randomUUID()}`,
      { token: this.user.accessToken, body: content },
    );
    return event_id;
  }

  /** Sends `text` and resolves with the bot's first message after it. */
  async say(text: string): Promise<BotReply> {
    const sent = await this.send(text);
    return this.replyAfter(sent, `the bot's answer to "${text}"`);
  }

  /** The bot's first message after event `eventId`. */
  async replyAfter(eventId: string, what = "a bot message"): Promise<BotReply> {
    return eventually(
      async () => {
        const events = await this.timeline();
        const at = events.findIndex((event) => event.event_id === eventId);
        if (at < 0) return undefined;
        const reply = events
          .slice(at + 1)
          .find((event) => event.type === "m.room.message" && event.sender === this.botUserId);
        return reply && toReply(reply);
      },
      what,
      20_000,
    );
  }

  /** Waits until the bot posts a message matching `pattern` (a notification, say). */
  async waitForBotMessage(pattern: RegExp): Promise<BotReply> {
    return eventually(
      async () => (await this.botMessages()).find((message) => pattern.test(message.body)),
      `a bot message matching ${pattern}`,
      20_000,
    );
  }
}

function toReply(event: SyncEvent): BotReply {
  return {
    eventId: event.event_id,
    body: String(event.content.body ?? ""),
    formattedBody:
      typeof event.content.formatted_body === "string" ? event.content.formatted_body : undefined,
    msgtype: String(event.content.msgtype ?? ""),
  };
}
