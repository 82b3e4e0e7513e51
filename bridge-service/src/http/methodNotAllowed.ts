import type { RequestHandler } from "express";
import { MatrixError } from "./errors.js";

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * For a request no route answered: if its path is a known one (an OpenAPI template such as
 * `/api/blocks/{user}`), 405 M_UNRECOGNIZED with an `Allow` header listing its methods, as the
 * Matrix spec and RFC 9110 ask; otherwise on to the 404.
 * @param paths each path template with the methods it serves, upper-case
 */
export function methodNotAllowed(
  paths: Readonly<Record<string, readonly string[]>>,
): RequestHandler {
  const routes = Object.entries(paths).map(([template, methods]) => ({
    // Templates come from our own document; a parameter is one non-empty path segment.
    pattern: new RegExp(
      `^${template
        .split(/\{[^}/]+\}/)
        .map(escapeRegExp)
        .join("[^/]+")}$`,
    ),
    allow: [
      ...new Set(methods.flatMap((method) => (method === "GET" ? [method, "HEAD"] : [method]))),
    ]
      .sort()
      .join(", "),
  }));
  return (req, res, next) => {
    const route = routes.find(({ pattern }) => pattern.test(req.path));
    if (!route) {
      next();
      return;
    }
    res.setHeader("Allow", route.allow);
    throw new MatrixError(405, "M_UNRECOGNIZED", `Unrecognized request: use ${route.allow}.`);
  };
}
