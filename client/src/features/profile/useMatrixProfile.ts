import { DISPLAY_NAME_MAX_LENGTH, lengthInCodePoints } from "@xstream/contract/limits";
import type { MatrixClient } from "matrix-js-sdk";
import { useCallback, useEffect, useState } from "react";
import { describeError } from "../../ui/describeError";
import { humanSize } from "../../ui/mediaFormat";

/** The parts of the client the Matrix profile needs. */
export type ProfileClient = Pick<
  MatrixClient,
  | "getUserId"
  | "getProfileInfo"
  | "setDisplayName"
  | "setAvatarUrl"
  | "uploadContent"
  | "getMediaConfig"
>;

export type MatrixProfile =
  | { status: "loading" }
  | { status: "failed"; error: string }
  | { status: "ready"; displayName: string; avatarUrl: string | null };

export type ProfileNotice = { kind: "success" | "error"; text: string };

const PICTURE_TYPES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);

/** The profile with some of it changed (once it is loaded). */
function changed(changes: Partial<{ displayName: string; avatarUrl: string | null }>) {
  return (current: MatrixProfile): MatrixProfile =>
    current.status === "ready" ? { ...current, ...changes } : current;
}

/**
 * The signed-in person's Matrix profile (display name and picture), as every Matrix client
 * shows it, and changing it: a new name, a new picture (uploaded, then set), no picture.
 */
export function useMatrixProfile(client: ProfileClient) {
  const [profile, setProfile] = useState<MatrixProfile>({ status: "loading" });
  const [busy, setBusy] = useState<"name" | "picture" | null>(null);
  const [notice, setNotice] = useState<ProfileNotice | null>(null);
  const [attempt, setAttempt] = useState(0);
  const userId = client.getUserId() ?? "";

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new `attempt` is "Try again".
  useEffect(() => {
    let current = true;
    setProfile({ status: "loading" });
    client.getProfileInfo(userId).then(
      (info) => {
        if (!current) return;
        setProfile({
          status: "ready",
          displayName: info.displayname ?? "",
          avatarUrl: info.avatar_url || null,
        });
      },
      (error: unknown) => {
        if (current)
          setProfile({
            status: "failed",
            error: `Couldn't load your Matrix profile: ${describeError(error)}`,
          });
      },
    );
    return () => {
      current = false;
    };
  }, [client, userId, attempt]);

  const saveName = useCallback(
    async (typed: string): Promise<boolean> => {
      const name = typed.trim();
      if (name === "") {
        setNotice({ kind: "error", text: "Enter a display name." });
        return false;
      }
      // Synapse would take up to 256, but the bridge ignores a name over its limit (counted in
      // code points), so partner cards and the bot would never show it.
      if (lengthInCodePoints(name) > DISPLAY_NAME_MAX_LENGTH) {
        setNotice({ kind: "error", text: `Use at most ${DISPLAY_NAME_MAX_LENGTH} characters.` });
        return false;
      }
      setBusy("name");
      setNotice(null);
      try {
        await client.setDisplayName(name);
        setProfile(changed({ displayName: name }));
        setNotice({ kind: "success", text: `Your display name is now “${name}”.` });
        return true;
      } catch (error) {
        setNotice({
          kind: "error",
          text: `Couldn't change your display name: ${describeError(error)}`,
        });
        return false;
      } finally {
        setBusy(null);
      }
    },
    [client],
  );

  const uploadPicture = useCallback(
    async (file: File) => {
      if (!PICTURE_TYPES.has(file.type)) {
        setNotice({ kind: "error", text: "Choose a PNG, JPEG, GIF or WebP picture." });
        return;
      }
      setBusy("picture");
      setNotice(null);
      try {
        const config = await client.getMediaConfig(true).catch(() => null);
        const limit = config?.["m.upload.size"];
        if (typeof limit === "number" && file.size > limit) {
          setNotice({
            kind: "error",
            text: `That picture is too large (${humanSize(file.size)}); the limit is ${humanSize(limit)}.`,
          });
          return;
        }
        const { content_uri } = await client.uploadContent(file, {
          name: file.name,
          type: file.type,
        });
        await client.setAvatarUrl(content_uri);
        setProfile(changed({ avatarUrl: content_uri }));
        setNotice({ kind: "success", text: "Your picture is updated." });
      } catch (error) {
        setNotice({ kind: "error", text: `Couldn't change your picture: ${describeError(error)}` });
      } finally {
        setBusy(null);
      }
    },
    [client],
  );

  const removePicture = useCallback(async () => {
    setBusy("picture");
    setNotice(null);
    try {
      // An empty URL is how the spec removes the avatar.
      await client.setAvatarUrl("");
      setProfile(changed({ avatarUrl: null }));
      setNotice({ kind: "success", text: "Your picture is removed." });
    } catch (error) {
      setNotice({ kind: "error", text: `Couldn't remove your picture: ${describeError(error)}` });
    } finally {
      setBusy(null);
    }
  }, [client]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);

  return { userId, profile, busy, notice, saveName, uploadPicture, removePicture, reload };
}
