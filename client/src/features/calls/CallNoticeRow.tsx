import { CameraIcon, HangUpIcon, PhoneIcon } from "./CallIcons";
import { formatCallDuration } from "./callDuration";
import type { CallNotice } from "./callNotices";
import "./calls.css";

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" });

/** A timeline row for a call that started or ended: "Ana started a video call", "Call ended · 4:12". */
export function CallNoticeRow({ notice }: { notice: CallNotice }) {
  const icon =
    notice.kind === "ended" ? (
      <HangUpIcon size={16} />
    ) : notice.intent === "audio" ? (
      <PhoneIcon size={16} />
    ) : (
      <CameraIcon size={16} />
    );
  return (
    <p className="call-notice">
      <span className="call-notice__icon">{icon}</span>
      <span>
        {notice.text}
        {notice.kind === "ended" && notice.durationMs !== null && (
          <> · {formatCallDuration(notice.durationMs)}</>
        )}
      </span>
      <time className="call-notice__time" dateTime={new Date(notice.ts).toISOString()}>
        {timeFormat.format(notice.ts)}
      </time>
    </p>
  );
}
