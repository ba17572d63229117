// Runs in a worker thread (see validate-arguments.test.ts): validation of large arguments must end
// in linear time, or this thread stalls and never answers.
import { workerData } from "node:worker_threads";
import { answerFromWorker } from "@/test/worker/answer";
import { validateArguments } from "./validate-arguments";

const { items } = workerData as { items: number };

await answerFromWorker(async () => {
  // Distinct items: a pairwise comparison needs items²/2 deep-equality checks to find none equal.
  const distinct = Array.from({ length: items }, (_, index) => [index]);
  const schema = { type: "object", properties: { list: { type: "array", uniqueItems: true } } };
  return {
    distinct: validateArguments("unique-items-probe", schema, { list: distinct }),
    duplicated: validateArguments("unique-items-probe", schema, { list: [...distinct, [items - 1]] }),
  };
});
