import type { AnchorHTMLAttributes, MouseEvent } from "react";
import { navigate } from "./router";

export type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, "href"> & {
  /** An in-app path such as `/settings`. */
  to: string;
};

/**
 * A real link (so middle-click, copy link and "open in new tab" work) that navigates in-app on a
 * plain click.
 */
export function Link({ to, onClick, ...rest }: LinkProps) {
  function handleClick(event: MouseEvent<HTMLAnchorElement>) {
    onClick?.(event);
    const modified = event.metaKey || event.ctrlKey || event.shiftKey || event.altKey;
    if (event.defaultPrevented || event.button !== 0 || modified) return;
    event.preventDefault();
    navigate(to);
  }
  return <a href={to} onClick={handleClick} {...rest} />;
}
