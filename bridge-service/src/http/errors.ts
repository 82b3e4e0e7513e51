import type { ErrorRequestHandler, RequestHandler } from "express";
import { ZodError } from "zod";

/** A failure with the status and Matrix `errcode` the client should see. */
export class MatrixError extends Error {
  readonly status: number;
  readonly errcode: string;

  constructor(status: number, errcode: string, message: string) {
    super(message);
    this.name = "MatrixError";
    this.status = status;
    this.errcode = errcode;
  }
}

/** Readable summary of a zod failure that names each offending field, e.g. `events[0].sender`. */
export function describeZodError(error: ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const field = issue.path.reduce<string>(
        (acc, key) =>
          typeof key === "number" ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key),
        "",
      );
      return field ? `${field}: ${issue.message}` : issue.message;
    })
    .join("; ");
}

// body-parser reports its failures as http-errors with a `type`; these are the ones a client
// can cause with a bad request.
interface BodyParserError {
  type: string;
  status: number;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return (
    typeof error === "object" &&
    error !== null &&
    typeof (error as { type?: unknown }).type === "string" &&
    typeof (error as { status?: unknown }).status === "number"
  );
}

function toMatrixError(error: unknown): MatrixError | undefined {
  if (error instanceof MatrixError) return error;
  if (error instanceof ZodError) return new MatrixError(400, "M_BAD_JSON", describeZodError(error));
  if (isBodyParserError(error)) {
    switch (error.type) {
      case "entity.parse.failed":
        return new MatrixError(400, "M_NOT_JSON", "Content not JSON.");
      case "entity.too.large":
        return new MatrixError(413, "M_TOO_LARGE", "Request body too large.");
      case "encoding.unsupported":
      case "charset.unsupported":
        return new MatrixError(415, "M_UNKNOWN", "Unsupported content encoding or charset.");
      case "request.aborted":
      case "request.size.invalid":
        return new MatrixError(400, "M_UNKNOWN", "Request body incomplete.");
    }
  }
  return undefined;
}

export const unrecognizedRoute: RequestHandler = () => {
  throw new MatrixError(404, "M_UNRECOGNIZED", "Unrecognized request");
};

/** Last middleware: every failure leaves as Matrix-style `{errcode, error}` JSON. */
export const matrixErrorHandler: ErrorRequestHandler = (error, req, res, next) => {
  if (res.headersSent) {
    next(error);
    return;
  }
  const known = toMatrixError(error);
  if (known) {
    res.status(known.status).json({ errcode: known.errcode, error: known.message });
    return;
  }
  // Unexpected: log the detail, tell the client nothing about internals. A 500 also makes
  // Synapse retry an appservice transaction later.
  req.log.error({ err: error }, "request failed");
  res.status(500).json({ errcode: "M_UNKNOWN", error: "Internal server error" });
};
