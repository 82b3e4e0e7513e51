import { type ComponentType, type LazyExoticComponent, lazy, useState } from "react";

/**
 * A page in its own chunk that can be loaded ahead of its first render (see {@link LazyPageView}).
 */
export class LazyPage<P extends object> {
  readonly #load: () => Promise<ComponentType<P>>;
  #loading: Promise<ComponentType<P>> | null = null;
  /** The page, once its chunk has loaded. */
  loaded: ComponentType<P> | null = null;
  /** The page behind React.lazy, for a render before its chunk has loaded. */
  readonly lazy: LazyExoticComponent<ComponentType<P>>;

  constructor(load: () => Promise<ComponentType<P>>) {
    this.#load = load;
    this.lazy = lazy(() => this.preload().then((page) => ({ default: page })));
  }

  /** Starts loading the chunk now (once), e.g. for a reload that will show this page. */
  preload(): Promise<ComponentType<P>> {
    this.#loading ??= this.#load().then(
      (page) => {
        this.loaded = page;
        return page;
      },
      (error: unknown) => {
        // A failed load may be tried again (the next render, or the next preload).
        this.#loading = null;
        throw error;
      },
    );
    return this.#loading;
  }
}

/**
 * Renders a lazily loaded page. React.lazy alone suspends on its first render even when the
 * chunk is already there, and React then holds the page back behind the fallback for a few
 * hundred ms (it throttles reveals after a fallback); a page whose chunk has loaded renders
 * directly instead.
 */
export function LazyPageView<P extends object>({ page, props }: { page: LazyPage<P>; props: P }) {
  // Chosen once per mount: switching from the lazy wrapper to the loaded page would remount it.
  const [Shown] = useState<ComponentType<P>>(() => page.loaded ?? page.lazy);
  return <Shown {...props} />;
}
