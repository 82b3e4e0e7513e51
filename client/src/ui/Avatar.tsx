import { lazy, type ReactNode, Suspense } from "react";
import { firstGrapheme } from "../matrix/graphemes";

// Pictures come through the authenticated media cache, loaded on first use: the sign-in pages,
// which show no pictures, stay small.
const AvatarPicture = lazy(() => import("./AvatarPicture"));

/** The first user-perceived character of a name, upper-cased, for avatars ("?" when empty). */
export function initialOf(name: string): string {
  return (firstGrapheme(name.trim()) || "?").toLocaleUpperCase();
}

/**
 * The picture at an mxc URI (a 96×96 crop), or `fallback` (initials) while it loads, when there
 * is none, and when it cannot be loaded.
 */
export function PictureOrInitials({
  mxcUrl,
  fallback,
}: {
  mxcUrl?: string | null | undefined;
  fallback: ReactNode;
}) {
  if (!mxcUrl) return fallback;
  return (
    <Suspense fallback={fallback}>
      <AvatarPicture mxcUrl={mxcUrl} fallback={fallback} />
    </Suspense>
  );
}

/**
 * A round profile picture, or the name's initial when there is none (or it cannot be loaded).
 * Decorative: the name is always shown too.
 */
export function Avatar({
  name,
  size = 32,
  mxcUrl,
}: {
  name: string;
  size?: number;
  /** The person's or room's `mxc://` avatar, if they set one. */
  mxcUrl?: string | null | undefined;
}) {
  return (
    <span
      className="avatar"
      aria-hidden="true"
      style={{ width: size, height: size, fontSize: Math.round(size * 0.42) }}
    >
      <PictureOrInitials mxcUrl={mxcUrl} fallback={initialOf(name)} />
    </span>
  );
}
