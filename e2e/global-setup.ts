// Starts one stack for the whole e2e project; tests read its details with inject("stack").
import type { TestProject } from "vitest/node";
import { removeStateDir, type StackInfo, startTestStack } from "./harness.ts";

declare module "vitest" {
  export interface ProvidedContext {
    stack: StackInfo;
  }
}

export default async function setup(project: TestProject) {
  const stack = await startTestStack();
  project.provide("stack", stack.info);
  return async () => {
    await stack.stop();
    await removeStateDir(stack.info.stateDir);
  };
}
