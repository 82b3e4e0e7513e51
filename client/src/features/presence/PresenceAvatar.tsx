import type { ComponentProps } from "react";
import { Avatar } from "../../ui/Avatar";
import type { PresenceState } from "./presenceView";
import "./Presence.css";

export type PresenceAvatarProps = ComponentProps<typeof Avatar> & {
  /** Null when unknown: no dot. */
  presence: PresenceState | null;
};

/**
 * An avatar with a dot for the person's presence: green online, amber away, grey offline. The
 * dot is decorative; the presence is always also said in words nearby.
 */
export function PresenceAvatar({ presence, ...avatar }: PresenceAvatarProps) {
  return (
    <span className="presence-avatar">
      <Avatar {...avatar} />
      {presence && (
        <span
          className={`presence-dot presence-dot--${presence}`}
          data-presence={presence}
          aria-hidden="true"
        />
      )}
    </span>
  );
}
