// Run by format.test.ts under Deno: prints, as JSON, what the Deno host's console formatting makes
// of each argument list of the corpus.
import { formatCorpus } from "../src/_format-corpus.ts";
import { createDenoHost } from "../src/host-deno.ts";

const host = await createDenoHost();
console.log(JSON.stringify(formatCorpus().map(([label, args]) => [label, host.format(...args)])));
