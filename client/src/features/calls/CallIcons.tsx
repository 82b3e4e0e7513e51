// Line icons for the call controls (24×24, currentColor). Decorative: every control has a name.
import type { ReactNode } from "react";

type IconProps = { size?: number };

function Icon({ size = 20, children }: IconProps & { children: ReactNode }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {children}
    </svg>
  );
}

export function MicrophoneIcon({ off = false, size }: IconProps & { off?: boolean }) {
  return (
    <Icon size={size}>
      <rect x="9" y="3" width="6" height="11" rx="3" />
      <path d="M5 11a7 7 0 0 0 14 0M12 18v3" />
      {off && <path d="M3 3l18 18" />}
    </Icon>
  );
}

export function CameraIcon({ off = false, size }: IconProps & { off?: boolean }) {
  return (
    <Icon size={size}>
      <rect x="3" y="6" width="13" height="12" rx="2" />
      <path d="M16 10l5-3v10l-5-3" />
      {off && <path d="M3 3l18 18" />}
    </Icon>
  );
}

export function ScreenIcon({ size }: IconProps) {
  return (
    <Icon size={size}>
      <rect x="3" y="4" width="18" height="12" rx="2" />
      <path d="M8 20h8M12 16v4M12 7v6M9 10l3-3 3 3" />
    </Icon>
  );
}

export function PhoneIcon({ size }: IconProps) {
  return (
    <Icon size={size}>
      <path d="M5 4h4l2 5-2.5 1.5a11 11 0 0 0 5 5L15 13l5 2v4a2 2 0 0 1-2 2A16 16 0 0 1 3 6a2 2 0 0 1 2-2" />
    </Icon>
  );
}

export function HangUpIcon({ size }: IconProps) {
  return (
    <Icon size={size}>
      <path d="M3 14.5c5-5 13-5 18 0l-2.5 2.5-3.5-1.5v-3a11 11 0 0 0-6 0v3L5.5 17z" />
    </Icon>
  );
}

export function SettingsIcon({ size }: IconProps) {
  return (
    <Icon size={size}>
      <path d="M4 7h10M18 7h2M4 17h2M10 17h10" />
      <circle cx="16" cy="7" r="2" />
      <circle cx="8" cy="17" r="2" />
    </Icon>
  );
}

export function LockIcon({ size }: IconProps) {
  return (
    <Icon size={size}>
      <rect x="5" y="11" width="14" height="10" rx="2" />
      <path d="M8 11V7a4 4 0 0 1 8 0v4" />
    </Icon>
  );
}

export function MinimizeIcon({ size }: IconProps) {
  return (
    <Icon size={size}>
      <path d="M4 14h6v6M20 10h-6V4M14 10l7-7M3 21l7-7" />
    </Icon>
  );
}
