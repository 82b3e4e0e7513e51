import { Router } from "express";
import { MatrixError } from "./errors.js";

export function healthRouter(checkDatabase: () => Promise<void>): Router {
  const router = Router();
  router.get("/healthz", async (req, res) => {
    try {
      await checkDatabase();
    } catch (error) {
      req.log.warn({ err: error }, "health check: database unreachable");
      throw new MatrixError(503, "M_UNAVAILABLE", "database unreachable");
    }
    res.json({ status: "ok" });
  });
  return router;
}
