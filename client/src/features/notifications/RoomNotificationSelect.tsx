import type { MatrixClient } from "matrix-js-sdk";
import { useId, useState } from "react";
import {
  LEVEL_LABELS,
  ROOM_NOTIFICATION_LEVELS,
  type RoomNotificationLevel,
  roomLevelChanges,
  roomLevelOf,
} from "./pushRuleSettings";
import { usePushRules } from "./usePushRules";
import "./notifications.css";

/** This chat's notification choice, in the room header; kept as push rules like Element's. */
export function RoomNotificationSelect({
  client,
  roomId,
}: {
  client: MatrixClient;
  roomId: string;
}) {
  const { rules, saving, error, change } = usePushRules(client);
  const id = useId();
  const [chosen, setChosen] = useState<RoomNotificationLevel | null>(null);
  const level = saving && chosen ? chosen : roomLevelOf(rules, roomId);
  return (
    <div className="room-notifications">
      <label htmlFor={id} className="room-notifications__label">
        Notifications
      </label>
      <select
        id={id}
        className="field__input field__select room-notifications__select"
        value={level}
        disabled={saving}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(event) => {
          const next = event.currentTarget.value as RoomNotificationLevel;
          setChosen(next);
          void change(roomLevelChanges(rules, roomId, next));
        }}
      >
        {ROOM_NOTIFICATION_LEVELS.map((option) => (
          <option key={option} value={option}>
            {option === "default" ? "Default" : LEVEL_LABELS[option]}
          </option>
        ))}
      </select>
      {error && (
        <span id={`${id}-error`} role="alert" className="room-notifications__error">
          {error}
        </span>
      )}
    </div>
  );
}
