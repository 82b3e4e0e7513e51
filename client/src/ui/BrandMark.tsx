type BrandMarkProps = {
  /** Rendered width and height in CSS pixels. */
  size?: number;
};

/** The Xstream logo: two overlapping speech bubbles, one per language. Decorative. */
export function BrandMark({ size = 40 }: BrandMarkProps) {
  return (
    <svg
      className="brand-mark"
      width={size}
      height={size}
      viewBox="0 0 32 32"
      aria-hidden="true"
      focusable="false"
    >
      <rect width="32" height="32" rx="8" fill="var(--color-brand)" />
      <path
        d="M9 6h9a4 4 0 0 1 4 4v4a4 4 0 0 1-4 4h-6l-4 3.5v-3.8A4 4 0 0 1 5 14v-4a4 4 0 0 1 4-4z"
        fill="#fff"
      />
      <path
        d="M14 13h9a4 4 0 0 1 4 4v3a4 4 0 0 1-3 3.9v3.6L19.5 24H14a4 4 0 0 1-4-4v-3a4 4 0 0 1 4-4z"
        fill="#a5b4fc"
        stroke="var(--color-brand)"
        strokeWidth="1.5"
      />
    </svg>
  );
}
