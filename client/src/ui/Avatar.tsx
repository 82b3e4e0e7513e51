/** The first user-perceived character of a name, upper-cased, for avatars ("?" when empty). */
export function initialOf(name: string): string {
  // Segmenting keeps an emoji or an accented letter whole.
  const [first = "?"] = Array.from(new Intl.Segmenter().segment(name.trim()), (s) => s.segment);
  return first.toLocaleUpperCase();
}

/** A round initial standing in for a profile picture. Decorative: the name is always shown too. */
export function Avatar({ name, size = 32 }: { name: string; size?: number }) {
  return (
    <span
      className="avatar"
      aria-hidden="true"
      style={{ width: size, height: size, fontSize: Math.round(size * 0.42) }}
    >
      {initialOf(name)}
    </span>
  );
}
