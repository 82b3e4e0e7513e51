import { type FormEvent, useId, useRef, useState } from "react";
import { Avatar } from "../../ui/Avatar";
import { Button } from "../../ui/Button";
import { LoadFailed, Loading } from "../../ui/LoadState";
import { TextField } from "../../ui/TextField";
import "./MatrixProfileSection.css";
import { type ProfileClient, useMatrixProfile } from "./useMatrixProfile";

/**
 * The name and picture everyone on Matrix sees (in rooms, in Element): change the display name,
 * upload or remove the picture. Without a picture, the name's initial stands in.
 */
export function MatrixProfileSection({ client }: { client: ProfileClient }) {
  const { userId, profile, busy, notice, saveName, uploadPicture, removePicture, reload } =
    useMatrixProfile(client);
  if (profile.status === "loading") return <Loading label="Loading your Matrix profile…" />;
  if (profile.status === "failed") return <LoadFailed message={profile.error} onRetry={reload} />;
  return (
    <ProfileEditor
      key={profile.displayName}
      userId={userId}
      displayName={profile.displayName}
      avatarUrl={profile.avatarUrl}
      busy={busy}
      notice={notice}
      onSaveName={saveName}
      onPicture={uploadPicture}
      onRemovePicture={removePicture}
    />
  );
}

function ProfileEditor({
  userId,
  displayName,
  avatarUrl,
  busy,
  notice,
  onSaveName,
  onPicture,
  onRemovePicture,
}: {
  userId: string;
  displayName: string;
  avatarUrl: string | null;
  busy: "name" | "picture" | null;
  notice: { kind: "success" | "error"; text: string } | null;
  onSaveName: (name: string) => Promise<boolean>;
  onPicture: (file: File) => Promise<void>;
  onRemovePicture: () => Promise<void>;
}) {
  const id = useId();
  const [name, setName] = useState(displayName);
  const fileInput = useRef<HTMLInputElement>(null);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void onSaveName(name);
  }

  return (
    <div className="matrix-profile">
      <div className="matrix-profile__picture">
        <Avatar name={displayName || userId.replace(/^@/, "")} mxcUrl={avatarUrl} size={96} />
        <div className="matrix-profile__picture-actions">
          <p id={`${id}-picture`} className="field__hint">
            {avatarUrl ? "Your picture" : "No picture yet: your initial is shown instead."}
          </p>
          <Button
            variant="secondary"
            disabled={busy !== null}
            aria-describedby={`${id}-picture`}
            onClick={() => fileInput.current?.click()}
          >
            {busy === "picture"
              ? "Saving picture…"
              : avatarUrl
                ? "Change picture"
                : "Upload picture"}
          </Button>
          {avatarUrl && (
            <Button variant="link" disabled={busy !== null} onClick={() => void onRemovePicture()}>
              Remove picture
            </Button>
          )}
          <input
            ref={fileInput}
            type="file"
            accept="image/png,image/jpeg,image/gif,image/webp"
            hidden
            aria-label="Profile picture"
            tabIndex={-1}
            onChange={(event) => {
              const file = event.target.files?.[0];
              event.target.value = "";
              if (file) void onPicture(file);
            }}
          />
        </div>
      </div>
      <form className="matrix-profile__name" onSubmit={submit}>
        <TextField
          label="Display name"
          hint={`Shown to everyone in your chats, as ${userId}.`}
          value={name}
          autoComplete="nickname"
          onChange={(event) => setName(event.target.value)}
        />
        <Button
          type="submit"
          disabled={busy !== null || name.trim() === "" || name.trim() === displayName}
        >
          {busy === "name" ? "Saving…" : "Save name"}
        </Button>
      </form>
      <p className="matrix-profile__saved live-region" role="status">
        {notice?.kind === "success" ? notice.text : null}
      </p>
      <p className="field__error live-region" role="alert">
        {notice?.kind === "error" ? notice.text : null}
      </p>
    </div>
  );
}
