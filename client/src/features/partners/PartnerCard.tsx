import { type ReactNode, useId } from "react";
import type { LearningLanguage } from "../../api/partnerTypes";
import { Avatar } from "../../ui/Avatar";
import type { LanguageNames } from "../profile";
import "./partners.css";

export type PartnerCardProps = {
  displayName: string;
  userId: string;
  native: readonly string[];
  learning: readonly LearningLanguage[];
  nameOf: LanguageNames;
  /** The partner organisation they belong to (learners from the partner directory). */
  organisation?: string | null | undefined;
  /** Shows the "Online now" badge. */
  online?: boolean;
  /** Why this person suits you, in words (from the bridge). */
  reasons?: readonly string[];
  bio?: string;
  /** Extra lines under the languages, e.g. since when you are partners. */
  details?: ReactNode;
  /** Buttons and links: Connect, Open chat, Block… */
  actions?: ReactNode;
};

/** A learner as a card: who they are, what they speak and learn, why they suit you, actions. */
export function PartnerCard({
  displayName,
  userId,
  native,
  learning,
  nameOf,
  organisation,
  online = false,
  reasons = [],
  bio = "",
  details,
  actions,
}: PartnerCardProps) {
  const id = useId();
  return (
    <article className="partner-card" aria-labelledby={`${id}-name`}>
      <header className="partner-card__header">
        <Avatar name={displayName} size={44} />
        <div className="partner-card__who">
          <h2 id={`${id}-name`} className="partner-card__name">
            {displayName}
          </h2>
          <code className="matrix-id">{userId}</code>
          {organisation && <p className="partner-card__organisation">From {organisation}</p>}
        </div>
        {online && <span className="badge badge--online">Online now</span>}
      </header>

      <dl className="partner-card__languages">
        <div>
          <dt>Speaks</dt>
          <dd>{native.map(nameOf).join(", ") || "—"}</dd>
        </div>
        <div>
          <dt>Learning</dt>
          <dd>
            {learning.map(({ language, level }) => `${nameOf(language)} (${level})`).join(", ") ||
              "—"}
          </dd>
        </div>
      </dl>

      {reasons.length > 0 && (
        <ul className="partner-card__reasons" aria-label="Why you match">
          {reasons.map((reason) => (
            <li key={reason}>{reason}</li>
          ))}
        </ul>
      )}
      {bio.trim() !== "" && <p className="partner-card__bio">{bio}</p>}
      {details}
      {actions && <div className="partner-card__actions">{actions}</div>}
    </article>
  );
}
